package org.mptcplab.stack.analyze;

/**
 * The last {@link #SIZE} DSS mappings of one subflow direction (RFC 8684 3.3.1: a mapping ties
 * a range of subflow sequence numbers to data sequence numbers, and stays valid for data sent
 * again), so that a retransmission of older data, which carries no DSS of its own or repeats the
 * old one, still finds its data sequence numbers. Looked up newest first: the usual segment is
 * covered by the newest mapping.
 */
final class MappingHistory {
    static final int SIZE = 32;

    private final long[] dsn = new long[SIZE];
    private final int[] ssn = new int[SIZE];
    private final int[] len = new int[SIZE];
    private int count;
    private int newest = -1;

    boolean isEmpty() {
        return count == 0;
    }

    /** Whether the newest mapping is this one (Linux repeats a mapping on each segment it covers). */
    boolean newestIs(long d, int s, int l) {
        return count > 0 && dsn[newest] == d && ssn[newest] == s && len[newest] == l;
    }

    int newestSsn() {
        return ssn[newest];
    }

    void add(long d, int s, int l) {
        newest = (newest + 1) % SIZE;
        dsn[newest] = d;
        ssn[newest] = s;
        len[newest] = l;
        if (count < SIZE) {
            count++;
        }
    }

    /** The mapping covering subflow sequence number {@code s} (32 bits), newest first; -1 if none. */
    int find(int s) {
        for (int k = 0, i = newest; k < count; k++, i = (i + SIZE - 1) % SIZE) {
            if (((s - ssn[i]) & 0xffffffffL) < len[i]) {
                return i;
            }
        }
        return -1;
    }

    long dsn(int i) {
        return dsn[i];
    }

    int ssn(int i) {
        return ssn[i];
    }

    int length(int i) {
        return len[i];
    }
}

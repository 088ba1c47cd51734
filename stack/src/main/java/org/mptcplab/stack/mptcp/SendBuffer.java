package org.mptcplab.stack.mptcp;

/**
 * The connection-level send buffer (RFC 8684 3.3.2): a ring of bytes indexed by 64-bit data
 * sequence number. The application appends at {@link #end()}; bytes are released only up to the
 * point the caller says is safe (the data ACK, held back further while a subflow still needs the
 * bytes for a TCP retransmission).
 */
public final class SendBuffer {
    private final byte[] ring;
    private final int mask;
    private long start; // first DSN still held
    private long end; // next DSN the application writes

    /** @param capacity rounded up to a power of two */
    public SendBuffer(int capacity, long firstDsn) {
        int cap = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
        this.ring = new byte[cap];
        this.mask = cap - 1;
        this.start = firstDsn;
        this.end = firstDsn;
    }

    public int capacity() {
        return ring.length;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public int used() {
        return (int) (end - start);
    }

    public int free() {
        return ring.length - used();
    }

    /** Appends as much as fits; returns the bytes taken (back-pressure: 0 when full). */
    public int write(byte[] b, int off, int len) {
        int n = Math.min(len, free());
        int pos = (int) (end & mask);
        int first = Math.min(n, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        end += n;
        return n;
    }

    /** Copies {@code len} bytes starting at DSN {@code dsn} into {@code dst}. */
    public void read(long dsn, byte[] dst, int dstOff, int len) {
        // Differences, not comparisons: data sequence numbers wrap at 2^64 (RFC 8684 3.3).
        if (dsn - start < 0 || end - (dsn + len) < 0) {
            throw new IllegalStateException("DSN range [" + dsn + ", " + (dsn + len) + ") is not in the send buffer ["
                    + start + ", " + end + ")");
        }
        int pos = (int) (dsn & mask);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(ring, pos, dst, dstOff, first);
        System.arraycopy(ring, 0, dst, dstOff + first, len - first);
    }

    /** Releases everything before {@code dsn} (no-op when already released). */
    public void release(long dsn) {
        if (dsn - start > 0) {
            start = end - dsn < 0 ? end : dsn;
        }
    }
}

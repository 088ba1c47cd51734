package org.mptcplab.stack.mptcp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The connection-level receive buffer (RFC 8684 3.3.2): bytes arrive by data sequence number
 * from any subflow, in any order; the in-order prefix is readable by the application. Its free
 * space is the receive window advertised on every subflow (RFC 8684 3.3.4).
 */
public final class ReceiveBuffer {
    private final byte[] ring;
    private final int mask;
    private long readPos; // next DSN the application reads
    private long next; // next in-order DSN expected (the data ACK)
    /** Ordered by distance from the first DSN, so the order survives the 2^64 wrap. */
    private final TreeMap<Long, byte[]> outOfOrder;
    private int outOfOrderBytes;
    private long duplicateBytes;

    public ReceiveBuffer(int capacity, long firstDsn) {
        int cap = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
        this.ring = new byte[cap];
        this.mask = cap - 1;
        this.readPos = firstDsn;
        this.next = firstDsn;
        this.outOfOrder = new TreeMap<>((a, b) -> Long.compare(a - firstDsn, b - firstDsn));
    }

    public int capacity() {
        return ring.length;
    }

    /** The next DSN expected in order: what a data ACK acknowledges. */
    public long next() {
        return next;
    }

    /** One past the highest DSN the buffer can take now (the right edge of the window). */
    public long limit() {
        return readPos + ring.length;
    }

    /** Bytes ready for the application. */
    public int readable() {
        return (int) (next - readPos);
    }

    /** Window to advertise: space beyond {@link #next()} that the buffer can still take. */
    public int window() {
        return ring.length - readable();
    }

    public int outOfOrderBytes() {
        return outOfOrderBytes;
    }

    public int outOfOrderSegments() {
        return outOfOrder.size();
    }

    public long duplicateBytes() {
        return duplicateBytes;
    }

    /**
     * Takes bytes for [dsn, dsn+len). Bytes already received are dropped (counted), bytes beyond
     * the window are dropped (the sender overran it), in-order bytes become readable, the rest wait.
     *
     * @return the number of new bytes that became readable in order
     */
    public int receive(long dsn, byte[] b, int off, int len) {
        // Differences, not comparisons: data sequence numbers wrap at 2^64 (RFC 8684 3.3).
        long limit = readPos + ring.length;
        if (limit - (dsn + len) < 0) {
            len = (int) Math.max(0, limit - dsn);
        }
        if (dsn + len - next <= 0) {
            duplicateBytes += len;
            return 0;
        }
        if (dsn - next < 0) {
            int skip = (int) (next - dsn);
            duplicateBytes += skip;
            dsn += skip;
            off += skip;
            len -= skip;
        }
        if (len <= 0) {
            return 0;
        }
        if (dsn - next > 0) {
            byte[] prev = outOfOrder.get(dsn);
            if (prev == null || prev.length < len) {
                byte[] copy = new byte[len];
                System.arraycopy(b, off, copy, 0, len);
                outOfOrder.put(dsn, copy);
                outOfOrderBytes += len - (prev == null ? 0 : prev.length);
            } else {
                duplicateBytes += len;
            }
            return 0;
        }
        long before = next;
        put(b, off, len);
        // Pull in whatever out-of-order data is now contiguous.
        Map.Entry<Long, byte[]> e;
        while ((e = outOfOrder.firstEntry()) != null && e.getKey() - next <= 0) {
            outOfOrder.pollFirstEntry();
            byte[] seg = e.getValue();
            outOfOrderBytes -= seg.length;
            long s = e.getKey();
            if (s + seg.length - next > 0) {
                int skip = (int) (next - s);
                put(seg, skip, seg.length - skip);
            } else {
                duplicateBytes += seg.length;
            }
        }
        return (int) (next - before);
    }

    private void put(byte[] b, int off, int len) {
        int pos = (int) (next & mask);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        next += len;
    }

    /** Copies up to {@code len} readable bytes; returns how many. */
    public int read(byte[] dst, int off, int len) {
        int n = Math.min(len, readable());
        int pos = (int) (readPos & mask);
        int first = Math.min(n, ring.length - pos);
        System.arraycopy(ring, pos, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
        readPos += n;
        return n;
    }
}

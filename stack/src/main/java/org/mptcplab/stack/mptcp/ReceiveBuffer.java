package org.mptcplab.stack.mptcp;

/**
 * The connection-level receive buffer (RFC 8684 3.3.2): bytes arrive by data sequence number
 * from any subflow, in any order; the in-order prefix is readable by the application. Its free
 * space is the receive window advertised on every subflow (RFC 8684 3.3.4).
 */
public final class ReceiveBuffer {
    private final byte[] ring;
    private final int mask;
    private final long firstDsn;
    private long readPos; // next DSN the application reads
    private long next; // next in-order DSN expected (the data ACK)
    /**
     * Out-of-order data lives in the ring at its own position (the window never reaches beyond the
     * ring, so its place is free); these are the ranges held beyond {@link #next}, as offsets
     * from the first DSN (so the order survives the 2^64 wrap), sorted, disjoint, not touching.
     * No array per segment: with several subflows most data arrives out of order, and a copy
     * per segment was most of what a watched multipath run allocated.
     */
    private long[] oooStart = new long[16];
    private long[] oooEnd = new long[16];
    /** When the oldest byte of each range arrived: how long it waited is known when the hole before it fills. */
    private long[] oooArrival = new long[16];
    private int oooRanges;
    /*
     * Head-of-line blocking as the receiver sees it (what the policies' asymmetric-RTT scenario
     * compares across schedulers): the integral of out-of-order bytes held over time, the bytes
     * that were ever held, the peak, and the longest any byte waited for the hole before it. By
     * Little's law, integral / bytes held is the mean time an out-of-order byte waits.
     */
    private long clock = Long.MIN_VALUE;
    private long firstClock = Long.MIN_VALUE;
    private double oooByteNanos;
    private long oooBytesHeld;
    private int peakOutOfOrderBytes;
    private long maxOutOfOrderDelay;
    private int outOfOrderBytes;
    private long outOfOrderArrivals;
    private long duplicateBytes;

    public ReceiveBuffer(int capacity, long firstDsn) {
        int cap = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
        this.ring = new byte[cap];
        this.mask = cap - 1;
        this.firstDsn = firstDsn;
        this.readPos = firstDsn;
        this.next = firstDsn;
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

    /** Separate runs of out-of-order data held (holes before each). */
    public int outOfOrderSegments() {
        return oooRanges;
    }

    /** Segments that brought new bytes beyond the next expected DSN, so far (Linux's OFOQueueTail). */
    public long outOfOrderArrivals() {
        return outOfOrderArrivals;
    }

    public long duplicateBytes() {
        return duplicateBytes;
    }

    /** The most bytes held out of order at once. */
    public int peakOutOfOrderBytes() {
        return peakOutOfOrderBytes;
    }

    /** Bytes that arrived out of order and waited for a hole before them, so far. */
    public long outOfOrderBytesHeld() {
        return oooBytesHeld;
    }

    /** Mean time a byte that arrived out of order waited for the bytes before it, in nanoseconds (0 if none). */
    public long meanOutOfOrderDelayNanos() {
        return oooBytesHeld == 0 ? 0 : (long) (oooByteNanos / oooBytesHeld);
    }

    /** The longest any byte waited for the bytes before it, in nanoseconds (its hole filled). */
    public long maxOutOfOrderDelayNanos() {
        return maxOutOfOrderDelay;
    }

    /** Mean bytes held out of order from the first arrival until {@code now} (the ring's occupancy by HoL blocking). */
    public double meanOutOfOrderBytes(long now) {
        advance(now);
        long span = clock - firstClock;
        return firstClock == Long.MIN_VALUE || span <= 0 ? 0 : oooByteNanos / span;
    }

    private void advance(long now) {
        if (clock == Long.MIN_VALUE) {
            clock = now;
            firstClock = now;
            return;
        }
        if (now > clock) {
            oooByteNanos += (double) outOfOrderBytes * (now - clock);
            clock = now;
        }
    }

    /** {@link #receive(long, long, byte[], int, int)} at the time of the previous call (tests without a clock). */
    public int receive(long dsn, byte[] b, int off, int len) {
        return receive(clock == Long.MIN_VALUE ? 0 : clock, dsn, b, off, len);
    }

    /**
     * Takes bytes for [dsn, dsn+len). Bytes already received are dropped (counted), bytes beyond
     * the window are dropped (the sender overran it), in-order bytes become readable, the rest wait.
     *
     * @return the number of new bytes that became readable in order
     */
    public int receive(long now, long dsn, byte[] b, int off, int len) {
        advance(now);
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
            holdOutOfOrder(dsn, b, off, len);
            return 0;
        }
        long before = next;
        put(b, off, len);
        // Pull in whatever out-of-order data is now contiguous: it is in the ring already.
        long at = next - firstDsn;
        while (oooRanges > 0 && oooStart[0] <= at) {
            long end = oooEnd[0];
            maxOutOfOrderDelay = Math.max(maxOutOfOrderDelay, clock - oooArrival[0]);
            if (end > at) {
                outOfOrderBytes -= (int) (oooEnd[0] - oooStart[0]);
                next = firstDsn + end;
                at = end;
            } else {
                outOfOrderBytes -= (int) (oooEnd[0] - oooStart[0]);
            }
            removeRange(0);
        }
        return (int) (next - before);
    }

    /**
     * Writes [dsn, dsn+len), beyond {@link #next} and inside the window, into its place in the ring
     * and notes the range; bytes already held count as duplicates.
     */
    private void holdOutOfOrder(long dsn, byte[] b, int off, int len) {
        long s = dsn - firstDsn;
        long e = s + len;
        // Bytes already held are duplicates (they were written before; the copy is the same data).
        long held = 0;
        int i = firstRangeEndingAfter(s);
        for (int k = i; k < oooRanges && oooStart[k] < e; k++) {
            held += Math.min(e, oooEnd[k]) - Math.max(s, oooStart[k]);
        }
        duplicateBytes += held;
        if (held == len) {
            return;
        }
        int pos = (int) (dsn & mask);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        outOfOrderBytes += (int) (len - held);
        oooBytesHeld += len - held;
        peakOutOfOrderBytes = Math.max(peakOutOfOrderBytes, outOfOrderBytes);
        outOfOrderArrivals++;
        // Merge with every range it overlaps or touches.
        int j = i;
        long ns = s;
        long ne = e;
        while (j < oooRanges && oooStart[j] <= e) {
            ns = Math.min(ns, oooStart[j]);
            ne = Math.max(ne, oooEnd[j]);
            j++;
        }
        if (i > 0 && oooEnd[i - 1] == s) {
            i--;
            ns = oooStart[i];
        }
        // Ranges i..j-1 become one; its oldest byte is the oldest of theirs (or this segment's).
        if (j == i) {
            insertRange(i, ns, ne, clock);
        } else {
            long oldest = clock;
            for (int k = i; k < j; k++) {
                oldest = Math.min(oldest, oooArrival[k]);
            }
            oooStart[i] = ns;
            oooEnd[i] = ne;
            oooArrival[i] = oldest;
            int gone = j - i - 1;
            if (gone > 0) {
                System.arraycopy(oooStart, j, oooStart, i + 1, oooRanges - j);
                System.arraycopy(oooEnd, j, oooEnd, i + 1, oooRanges - j);
                System.arraycopy(oooArrival, j, oooArrival, i + 1, oooRanges - j);
                oooRanges -= gone;
            }
        }
    }

    /** Index of the first range whose end is beyond offset {@code s} (binary search). */
    private int firstRangeEndingAfter(long s) {
        int lo = 0;
        int hi = oooRanges;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (oooEnd[mid] <= s) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insertRange(int i, long s, long e, long arrival) {
        if (oooRanges == oooStart.length) {
            oooStart = java.util.Arrays.copyOf(oooStart, oooRanges * 2);
            oooEnd = java.util.Arrays.copyOf(oooEnd, oooRanges * 2);
            oooArrival = java.util.Arrays.copyOf(oooArrival, oooRanges * 2);
        }
        System.arraycopy(oooStart, i, oooStart, i + 1, oooRanges - i);
        System.arraycopy(oooEnd, i, oooEnd, i + 1, oooRanges - i);
        System.arraycopy(oooArrival, i, oooArrival, i + 1, oooRanges - i);
        oooStart[i] = s;
        oooEnd[i] = e;
        oooArrival[i] = arrival;
        oooRanges++;
    }

    private void removeRange(int i) {
        System.arraycopy(oooStart, i + 1, oooStart, i, oooRanges - i - 1);
        System.arraycopy(oooEnd, i + 1, oooEnd, i, oooRanges - i - 1);
        System.arraycopy(oooArrival, i + 1, oooArrival, i, oooRanges - i - 1);
        oooRanges--;
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

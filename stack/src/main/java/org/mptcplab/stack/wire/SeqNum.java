package org.mptcplab.stack.wire;

/**
 * Wrap-safe comparisons of 32-bit TCP sequence numbers (RFC 9293 3.4, "before/after" in Linux)
 * and the widening of 32-bit data sequence numbers to 64 bits (RFC 8684 3.3.1, Linux expand_seq).
 */
public final class SeqNum {
    private SeqNum() {
    }

    /** a is before b in sequence space (a < b modulo 2^32). */
    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    public static boolean after(int a, int b) {
        return b - a < 0;
    }

    public static boolean beforeOrEqual(int a, int b) {
        return a - b <= 0;
    }

    /** Distance from a to b in sequence space (negative when b is before a). */
    public static int diff(int b, int a) {
        return b - a;
    }

    /** 64-bit data-sequence comparison (Linux before64()). */
    public static boolean before64(long a, long b) {
        return a - b < 0;
    }

    /**
     * Widens a 32-bit value received on the wire to the 64-bit value closest to {@code expected}
     * (the receiver's current data sequence or data ACK), as RFC 8684 3.3.1 implies.
     */
    public static long widen(long expected, long low32) {
        long candidate = (expected & 0xffffffff_00000000L) | (low32 & 0xffffffffL);
        long delta = candidate - expected;
        if (delta > 0x7fffffffL) {
            candidate -= 0x1_0000_0000L;
        } else if (delta < -0x80000000L) {
            candidate += 0x1_0000_0000L;
        }
        return candidate;
    }
}

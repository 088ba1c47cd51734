package org.mptcplab.stack.mptcp;

/**
 * Datagram arrays a driver gave back ({@link org.mptcplab.stack.io.Endpoint#recycle}), kept by
 * exact length for the next datagram of that length. A datagram's array is its exact size (a
 * listener or a capture writer takes the whole array as the packet), and a transfer sends few
 * different sizes (full segments, pure ACKs), so a handful of size classes covers it; other
 * sizes are left to the garbage collector. Bounded: a window's worth of full segments, about.
 */
final class PacketPool {
    private static final int CLASSES = 8;
    /** Arrays kept per size: more than a bulk transfer keeps in flight over an unlimited path. */
    private static final int PER_CLASS = 4096;

    private final int[] lengths = new int[CLASSES];
    private final byte[][][] arrays = new byte[CLASSES][][];
    private final int[] counts = new int[CLASSES];

    /** An array of exactly {@code length} bytes, with arbitrary contents when it is reused. */
    byte[] take(int length) {
        for (int i = 0; i < CLASSES; i++) {
            if (lengths[i] == length && counts[i] > 0) {
                byte[][] a = arrays[i];
                int n = --counts[i];
                byte[] b = a[n];
                a[n] = null;
                return b;
            }
        }
        return new byte[length];
    }

    /** Keeps {@code b} for reuse, if its size class has room (or a class is free for its size). */
    void give(byte[] b) {
        int length = b.length;
        int free = -1;
        for (int i = 0; i < CLASSES; i++) {
            if (lengths[i] == length && arrays[i] != null) {
                put(i, b);
                return;
            }
            if (free < 0 && counts[i] == 0) {
                free = i;
            }
        }
        if (free >= 0) {
            lengths[free] = length;
            if (arrays[free] == null) {
                arrays[free] = new byte[64][];
            }
            put(free, b);
        }
    }

    private void put(int i, byte[] b) {
        int n = counts[i];
        if (n == PER_CLASS) {
            return;
        }
        byte[][] a = arrays[i];
        if (n == a.length) {
            a = java.util.Arrays.copyOf(a, Math.min(PER_CLASS, n * 2));
            arrays[i] = a;
        }
        a[n] = b;
        counts[i] = n + 1;
    }
}

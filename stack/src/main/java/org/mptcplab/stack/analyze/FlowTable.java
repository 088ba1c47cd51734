package org.mptcplab.stack.analyze;

import java.util.Arrays;

/**
 * Directed TCP 4-tuple to int value (a subflow index and a direction bit), by open addressing
 * over primitive arrays: a lookup allocates nothing. A tuple is five longs: the source and
 * destination addresses (an IPv4 address in the low 32 bits of the first long of its pair, the
 * second zero; IPv6 as its two halves) and the ports with the IP version.
 */
final class FlowTable {
    private static final int STRIDE = 5;
    private long[] keys;
    private int[] values;
    private boolean[] used;
    private int size;
    private int mask;

    FlowTable() {
        int cap = 1024;
        keys = new long[cap * STRIDE];
        values = new int[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    static long ports(int version, int sourcePort, int destinationPort) {
        return ((long) version << 32) | ((long) sourcePort << 16) | destinationPort;
    }

    private static int hash(long s0, long s1, long d0, long d1, long p) {
        long h = s0 * 0x9E3779B97F4A7C15L;
        h = (h ^ s1) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ d0) * 0x9E3779B97F4A7C15L;
        h = (h ^ d1) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ p) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** The value of the tuple, or -1. */
    int get(long s0, long s1, long d0, long d1, long p) {
        int i = hash(s0, s1, d0, d1, p) & mask;
        while (used[i]) {
            int k = i * STRIDE;
            if (keys[k] == s0 && keys[k + 1] == s1 && keys[k + 2] == d0 && keys[k + 3] == d1 && keys[k + 4] == p) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Sets (adds or replaces) the value of the tuple. */
    void put(long s0, long s1, long d0, long d1, long p, int value) {
        if ((size + 1) * 2 > used.length) {
            grow();
        }
        int i = hash(s0, s1, d0, d1, p) & mask;
        while (used[i]) {
            int k = i * STRIDE;
            if (keys[k] == s0 && keys[k + 1] == s1 && keys[k + 2] == d0 && keys[k + 3] == d1 && keys[k + 4] == p) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        int k = i * STRIDE;
        keys[k] = s0;
        keys[k + 1] = s1;
        keys[k + 2] = d0;
        keys[k + 3] = d1;
        keys[k + 4] = p;
        values[i] = value;
        used[i] = true;
        size++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        boolean[] oldUsed = used;
        int cap = oldUsed.length * 2;
        keys = new long[cap * STRIDE];
        values = new int[cap];
        used = new boolean[cap];
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                int k = i * STRIDE;
                put(oldKeys[k], oldKeys[k + 1], oldKeys[k + 2], oldKeys[k + 3], oldKeys[k + 4], oldValues[i]);
            }
        }
        Arrays.fill(oldUsed, false);
    }
}

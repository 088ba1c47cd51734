package org.mptcplab.stack.analyze;

import java.util.Arrays;

/**
 * A FIFO of (key, time, usable) triples in primitive ring arrays, for matching what one side sent
 * with what the other side answered: sequence-space ends of segments against cumulative ACKs, or
 * TCP timestamp values against their echoes. Keys are pushed in increasing order. Grows from a
 * few entries to {@link #MAX}; when full the oldest entry is dropped (that segment is simply not
 * timed), so memory stays bounded however large the window.
 */
final class TimedQueue {
    static final int MAX = 8192;

    private long[] keys = new long[16];
    private long[] times = new long[16];
    private boolean[] usable = new boolean[16];
    private int head;
    private int size;
    private long dropped;

    long dropped() {
        return dropped;
    }

    int size() {
        return size;
    }

    /** The newest key, or {@code Long.MIN_VALUE} when empty. */
    long lastKey() {
        return size == 0 ? Long.MIN_VALUE : keys[(head + size - 1) & (keys.length - 1)];
    }

    void push(long key, long time) {
        if (size == keys.length) {
            if (keys.length < MAX) {
                grow();
            } else {
                head = (head + 1) & (keys.length - 1);
                size--;
                dropped++;
            }
        }
        int i = (head + size) & (keys.length - 1);
        keys[i] = key;
        times[i] = time;
        usable[i] = true;
        size++;
    }

    private void grow() {
        int cap = keys.length * 2;
        long[] k = new long[cap];
        long[] t = new long[cap];
        boolean[] u = new boolean[cap];
        for (int j = 0; j < size; j++) {
            int i = (head + j) & (keys.length - 1);
            k[j] = keys[i];
            t[j] = times[i];
            u[j] = usable[i];
        }
        keys = k;
        times = t;
        usable = u;
        head = 0;
    }

    /**
     * Marks every entry whose key is above {@code key} unusable: their data was sent again
     * (Karn's algorithm, RFC 6298 3: an ACK of retransmitted data cannot be timed).
     */
    void spoilAbove(long key) {
        for (int j = size - 1; j >= 0; j--) {
            int i = (head + j) & (keys.length - 1);
            if (keys[i] <= key) {
                break;
            }
            usable[i] = false;
        }
    }

    /**
     * Removes the entries with keys up to {@code key} (all of them answered by a cumulative
     * acknowledgment of {@code key}) and returns the time of the newest one removed if it was
     * usable, else -1: the sample is the segment the ACK was for, not the older ones it also
     * covers (their ACKs were lost or delayed; the newest one's was not).
     */
    long popUpTo(long key) {
        long t = -1;
        while (size > 0 && keys[head] <= key) {
            t = usable[head] ? times[head] : -1;
            head = (head + 1) & (keys.length - 1);
            size--;
        }
        return t;
    }

    /**
     * For timestamp echoes: drops entries with keys below {@code key}; if the oldest remaining
     * one has exactly this key, removes it and returns its time (each value is timed once, by its
     * first echo), else -1.
     */
    long popExactly(long key) {
        while (size > 0 && keys[head] < key) {
            head = (head + 1) & (keys.length - 1);
            size--;
        }
        if (size > 0 && keys[head] == key) {
            long t = usable[head] ? times[head] : -1;
            head = (head + 1) & (keys.length - 1);
            size--;
            return t;
        }
        return -1;
    }

    void clear() {
        head = 0;
        size = 0;
        Arrays.fill(usable, false);
    }
}

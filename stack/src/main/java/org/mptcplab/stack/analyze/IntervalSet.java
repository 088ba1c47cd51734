package org.mptcplab.stack.analyze;

import java.util.Arrays;

/**
 * A set of half-open ranges [lo, hi) of 64-bit sequence values, kept merged and sorted in two
 * primitive arrays: the data sequence numbers a connection has mapped in one direction, to tell
 * a reinjection (RFC 8684 3.3.6: data already sent on one subflow sent again on another) from
 * new data.
 *
 * <p>Bounded: what a sender maps arrives roughly in order, so the set is one range with a few
 * holes (data in flight on the other subflows). Past {@link #MAX_RANGES} holes the two lowest
 * ranges are joined, filling the hole between them: a later mapping into that hole would then be
 * counted as a reinjection. {@link #holesFilled()} says how many bytes were treated so.
 */
final class IntervalSet {
    /** Most ranges kept; a sender with more holes than this in its mapped data is pathological. */
    static final int MAX_RANGES = 4096;

    private long[] lo = new long[4];
    private long[] hi = new long[4];
    private int n;
    private long holesFilled;

    int size() {
        return n;
    }

    long holesFilled() {
        return holesFilled;
    }

    /** The highest value covered, plus one; {@code Long.MIN_VALUE} when empty. */
    long high() {
        return n == 0 ? Long.MIN_VALUE : hi[n - 1];
    }

    /**
     * Adds [a, b) and returns how many of its values were already in the set (0 for new data).
     * Appending at or above the highest range, the usual case, costs O(1).
     */
    long add(long a, long b) {
        if (b <= a) {
            return 0;
        }
        if (n == 0 || a > hi[n - 1]) {
            append(a, b);
            return 0;
        }
        if (a == hi[n - 1]) {
            hi[n - 1] = b;
            return 0;
        }
        // First range whose end is at or after a (it may touch [a, b) or lie above it).
        int i = firstEndingAtOrAfter(a);
        long covered = 0;
        long newLo = a;
        long newHi = b;
        int j = i;
        while (j < n && lo[j] <= b) {
            covered += Math.max(0, Math.min(hi[j], b) - Math.max(lo[j], a));
            newLo = Math.min(newLo, lo[j]);
            newHi = Math.max(newHi, hi[j]);
            j++;
        }
        if (j == i) {
            insert(i, a, b);
        } else {
            // Ranges i .. j-1 merge into one.
            lo[i] = newLo;
            hi[i] = newHi;
            int removed = j - i - 1;
            if (removed > 0) {
                System.arraycopy(lo, j, lo, i + 1, n - j);
                System.arraycopy(hi, j, hi, i + 1, n - j);
                n -= removed;
            }
        }
        return covered;
    }

    private int firstEndingAtOrAfter(long a) {
        int l = 0;
        int r = n;
        while (l < r) {
            int m = (l + r) >>> 1;
            if (hi[m] < a) {
                l = m + 1;
            } else {
                r = m;
            }
        }
        return l;
    }

    private void append(long a, long b) {
        insert(n, a, b);
    }

    private void insert(int i, long a, long b) {
        if (n == MAX_RANGES) {
            // Join the two lowest ranges to make room (see the class comment).
            holesFilled += lo[1] - hi[0];
            hi[0] = hi[1];
            System.arraycopy(lo, 2, lo, 1, n - 2);
            System.arraycopy(hi, 2, hi, 1, n - 2);
            n--;
            if (i == 1) {
                return; // [a, b) lay in the hole just filled
            }
            if (i > 1) {
                i--;
            }
        }
        if (n == lo.length) {
            lo = Arrays.copyOf(lo, n * 2);
            hi = Arrays.copyOf(hi, n * 2);
        }
        System.arraycopy(lo, i, lo, i + 1, n - i);
        System.arraycopy(hi, i, hi, i + 1, n - i);
        lo[i] = a;
        hi[i] = b;
        n++;
    }
}

package org.mptcplab.stack.analyze;

/**
 * Durations (nanoseconds) summarised in bounded memory: exact count, minimum, maximum and sum,
 * and a logarithmic histogram for the median (16 buckets per doubling, so a median is within
 * about 3% of the true one). The histogram is allocated on the first sample: most directions of
 * most subflows in a capture never produce one.
 */
final class Samples {
    /** Buckets per doubling of the value. */
    private static final int PER_OCTAVE = 16;
    /** Values up to 2^44 ns (about 4.9 hours) get their own bucket; longer ones share the last. */
    private static final int OCTAVES = 45;

    private int[] buckets;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long sum;

    void add(long v) {
        if (v < 0) {
            return;
        }
        if (buckets == null) {
            buckets = new int[PER_OCTAVE * OCTAVES + 1];
        }
        buckets[bucket(v)]++;
        count++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    long count() {
        return count;
    }

    long min() {
        return count == 0 ? -1 : min;
    }

    long max() {
        return count == 0 ? -1 : max;
    }

    long mean() {
        return count == 0 ? -1 : sum / count;
    }

    /** The median, as the middle of its bucket (geometrically), kept within [min, max]; -1 without samples. */
    long median() {
        if (count == 0) {
            return -1;
        }
        long half = (count + 1) / 2;
        long seen = 0;
        for (int b = 0; b < buckets.length; b++) {
            seen += buckets[b];
            if (seen >= half) {
                return Math.max(min, Math.min(max, middle(b)));
            }
        }
        return max;
    }

    private static int bucket(long v) {
        if (v < 2) {
            return 0;
        }
        int octave = 63 - Long.numberOfLeadingZeros(v);
        // The 4 bits after the leading one (shifted into place) pick the bucket inside the octave.
        int frac = octave >= 4 ? (int) ((v >>> (octave - 4)) & 0xf) : (int) ((v << (4 - octave)) & 0xf);
        int b = octave * PER_OCTAVE + frac;
        return Math.min(b, PER_OCTAVE * OCTAVES);
    }

    /** A value in the middle of bucket {@code b}. */
    private static long middle(int b) {
        int octave = b / PER_OCTAVE;
        int frac = b % PER_OCTAVE;
        double lo = Math.pow(2, octave) * (1 + frac / 16.0);
        double hi = Math.pow(2, octave) * (1 + (frac + 1) / 16.0);
        return Math.round(Math.sqrt(lo * hi));
    }

    /** A summary for reports, or null without samples. */
    RttSummary summary() {
        return count == 0 ? null : new RttSummary(count, min(), median(), max());
    }
}

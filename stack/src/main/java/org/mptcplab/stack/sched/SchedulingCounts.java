package org.mptcplab.stack.sched;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * One subflow's scheduling decisions so far, per {@link SchedulingReason}: for the reasons that
 * {@link SchedulingReason#carries() carry}, the chunks (segments) the subflow carried; for
 * BLEST's and ECF's waits, how often the scheduler held data back rather than send on it. An
 * immutable copy, taken with a snapshot; the live counters are a plain array on the subflow.
 */
public final class SchedulingCounts {
    public static final SchedulingCounts NONE = new SchedulingCounts(new long[SchedulingReason.COUNT]);

    private final long[] counts;

    private SchedulingCounts(long[] counts) {
        this.counts = counts;
    }

    /** A copy of {@code live} (indexed by {@link SchedulingReason#ordinal()}). */
    public static SchedulingCounts copyOf(long[] live) {
        return new SchedulingCounts(Arrays.copyOf(live, SchedulingReason.COUNT));
    }

    public long get(SchedulingReason r) {
        return counts[r.ordinal()];
    }

    /** Chunks carried, whatever the reason. */
    public long carried() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) {
            if (SchedulingReason.of(i).carries()) {
                n += counts[i];
            }
        }
        return n;
    }

    /** Times BLEST or ECF held data back rather than send on this subflow. */
    public long heldBack() {
        return counts[SchedulingReason.BLEST_WOULD_BLOCK.ordinal()] + counts[SchedulingReason.ECF_WAIT_FOR_FASTER.ordinal()];
    }

    /** The reason most chunks were carried for, or null if none was. */
    public SchedulingReason main() {
        SchedulingReason best = null;
        long most = 0;
        for (int i = 0; i < counts.length; i++) {
            if (SchedulingReason.of(i).carries() && counts[i] > most) {
                most = counts[i];
                best = SchedulingReason.of(i);
            }
        }
        return best;
    }

    /** The carrying reasons with a count above zero, in declaration order. */
    public Map<SchedulingReason, Long> carriedByReason() {
        Map<SchedulingReason, Long> m = new EnumMap<>(SchedulingReason.class);
        for (int i = 0; i < counts.length; i++) {
            if (SchedulingReason.of(i).carries() && counts[i] > 0) {
                m.put(SchedulingReason.of(i), counts[i]);
            }
        }
        return m;
    }

    /** These counts less {@code earlier}'s (the decisions between two snapshots). */
    public SchedulingCounts since(SchedulingCounts earlier) {
        long[] d = new long[SchedulingReason.COUNT];
        for (int i = 0; i < d.length; i++) {
            d[i] = counts[i] - (earlier == null ? 0 : earlier.counts[i]);
        }
        return new SchedulingCounts(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulingCounts c && Arrays.equals(counts, c.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(SchedulingReason.of(i).key()).append('=').append(counts[i]);
            }
        }
        return sb.append('}').toString();
    }
}

package org.mptcplab.app.session;

import java.util.ArrayDeque;

/**
 * A rate over a sliding window of virtual time, from a cumulative byte count. Samples come every
 * 20 ms but a live stream sends every 40 ms, so a per-sample rate would flicker between 0 and
 * twice the bitrate; over {@value #WINDOW_NANOS} ns it reads as what it is.
 */
final class RateWindow {
    static final long WINDOW_NANOS = 250_000_000L;

    private final ArrayDeque<long[]> points = new ArrayDeque<>();

    /** Adds the count at {@code t}; returns bits per second over the last window (0 at first). */
    double add(long t, long cumulativeBytes) {
        points.addLast(new long[] {t, cumulativeBytes});
        while (points.size() > 2) {
            long[] second = secondOldest();
            if (second[0] > t - WINDOW_NANOS) {
                break;
            }
            points.removeFirst();
        }
        long[] first = points.peekFirst();
        long dt = t - first[0];
        return dt <= 0 ? 0 : (cumulativeBytes - first[1]) * 8e9 / dt;
    }

    private long[] secondOldest() {
        var it = points.iterator();
        it.next();
        return it.next();
    }
}

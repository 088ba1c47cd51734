package org.mptcplab.app.viewmodel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.sched.SchedulingCounts;

/**
 * The scheduler's recent decisions per subflow: what it decided in the last whole second of the
 * session's time (its counts at the second's end less those at its start), so that a path card
 * says what the scheduler does now ("carries 67% of chunks: lowest RTT"), not what it did since
 * the start. The answer changes once a second, not every frame: a card's words that changed each
 * frame would make the window lay the cards out again each frame (with eight paths, the frame
 * time's p99 doubled), and numbers that flicker cannot be read anyway. Plain Java; fed once a frame.
 */
final class SchedulingWindow {
    /** The window: one second of the session's time. */
    static final long STEP_NANOS = 1_000_000_000L;

    private Map<Integer, SchedulingCounts> base = Map.of();
    private long baseAt = Long.MIN_VALUE;
    private Map<Integer, SchedulingCounts> recent = Map.of();

    /** The decisions per subflow id in the last whole second (the run so far in its first). */
    Map<Integer, SchedulingCounts> update(long now, List<SubflowSnapshot> subflows) {
        if (baseAt == Long.MIN_VALUE || now < baseAt) {
            // The first frame, or a restart: what the run did so far, until a second has passed.
            base = counts(subflows);
            baseAt = now;
            recent = base;
        } else if (now - baseAt >= STEP_NANOS) {
            Map<Integer, SchedulingCounts> current = counts(subflows);
            Map<Integer, SchedulingCounts> out = new HashMap<>();
            for (Map.Entry<Integer, SchedulingCounts> e : current.entrySet()) {
                out.put(e.getKey(), e.getValue().since(base.get(e.getKey())));
            }
            recent = out;
            base = current;
            baseAt = now;
        }
        return recent;
    }

    private static Map<Integer, SchedulingCounts> counts(List<SubflowSnapshot> subflows) {
        Map<Integer, SchedulingCounts> m = new HashMap<>();
        for (SubflowSnapshot sf : subflows) {
            m.put(sf.id(), sf.scheduled());
        }
        return m;
    }
}

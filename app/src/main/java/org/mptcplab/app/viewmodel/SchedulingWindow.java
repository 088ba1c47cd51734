package org.mptcplab.app.viewmodel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.sched.SchedulingCounts;

/**
 * The scheduler's recent decisions per subflow: its counts now less those of one to two seconds
 * of the session's time ago, so that a path card says what the scheduler does now ("carries 67%
 * of chunks: lowest RTT"), not what it did since the start. Plain Java; fed once a frame.
 */
final class SchedulingWindow {
    /** The window's step: the counts it subtracts are between one and two steps old. */
    static final long STEP_NANOS = 1_000_000_000L;

    private Map<Integer, SchedulingCounts> older = Map.of();
    private Map<Integer, SchedulingCounts> base = Map.of();
    private long baseAt = Long.MIN_VALUE;
    private Map<Integer, SchedulingCounts> recent = Map.of();
    private List<SubflowSnapshot> seen;

    /** The decisions per subflow id over the last one to two seconds (the whole run in its first). */
    Map<Integer, SchedulingCounts> update(long now, List<SubflowSnapshot> subflows) {
        if (subflows == seen) {
            return recent; // the same published state: nothing new
        }
        seen = subflows;
        if (baseAt == Long.MIN_VALUE || now < baseAt) {
            older = Map.of(); // the first frame, or a restart: the run so far
            base = counts(subflows);
            baseAt = now;
        } else if (now - baseAt >= STEP_NANOS) {
            older = base;
            base = counts(subflows);
            baseAt = now;
        }
        Map<Integer, SchedulingCounts> out = new HashMap<>();
        for (SubflowSnapshot sf : subflows) {
            out.put(sf.id(), sf.scheduled().since(older.get(sf.id())));
        }
        recent = out;
        return out;
    }

    private static Map<Integer, SchedulingCounts> counts(List<SubflowSnapshot> subflows) {
        Map<Integer, SchedulingCounts> m = new HashMap<>();
        for (SubflowSnapshot sf : subflows) {
            m.put(sf.id(), sf.scheduled());
        }
        return m;
    }
}

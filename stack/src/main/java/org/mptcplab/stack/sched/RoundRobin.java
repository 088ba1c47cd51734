package org.mptcplab.stack.sched;

import java.util.List;

/**
 * Round-robin: the subflows take turns, one chunk each, skipping those without room in their
 * windows (as the out-of-tree Linux MPTCP "roundrobin" scheduler with one segment per turn).
 * Backups only when no regular subflow is alive (RFC 8684 3.3.8). State per connection: whose
 * turn was last, by subflow id (ids survive subflows coming and going).
 */
public final class RoundRobin implements Scheduler {
    private int lastId = -1;
    private SchedulingReason reason = SchedulingReason.NO_ROOM;

    @Override
    public String name() {
        return "roundrobin";
    }

    @Override
    public Scheduler copy() {
        return new RoundRobin();
    }

    @Override
    public SchedulingReason reason() {
        return reason;
    }

    @Override
    public SubflowView pick(ConnectionView conn, int len) {
        boolean useBackups = !Scheduler.regularAlive(conn);
        List<? extends SubflowView> l = conn.subflowViews();
        int n = l.size();
        reason = SchedulingReason.NO_ROOM;
        if (n == 0) {
            return null;
        }
        // Start just after the subflow that had the last turn (or at the first one).
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (l.get(i).id() == lastId) {
                start = i + 1;
                break;
            }
        }
        for (int k = 0; k < n; k++) {
            SubflowView s = l.get((start + k) % n);
            if (s.canSendData() && s.isBackupInUse() == useBackups && Scheduler.hasRoom(s, len)) {
                lastId = s.id();
                reason = useBackups ? SchedulingReason.BACKUP_NO_REGULAR : SchedulingReason.ROUND_ROBIN_TURN;
                return s;
            }
        }
        return null;
    }
}

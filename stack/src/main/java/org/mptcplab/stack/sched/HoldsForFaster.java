package org.mptcplab.stack.sched;

/**
 * The shape BLEST and ECF share: minRTT's choice, except that when that choice is a slower
 * subflow picked only because the fastest has no room, the policy may hold the data back for the
 * fastest instead ({@link #holdBack}). Keeps the reason of the last decision and, when it held
 * back, the slower subflow it refused.
 */
abstract class HoldsForFaster implements Scheduler {
    private SchedulingReason reason = SchedulingReason.NO_ROOM;
    private SubflowView heldBackFrom;

    @Override
    public final SubflowView pick(ConnectionView conn, int len) {
        heldBackFrom = null;
        SubflowView best = MinRtt.lowestRtt(conn, len);
        if (best == null) {
            reason = SchedulingReason.NO_ROOM;
            return null;
        }
        SubflowView fast = MinRtt.fasterWithoutRoom(conn, best);
        if (fast == null) {
            reason = best.isBackupInUse() ? SchedulingReason.BACKUP_NO_REGULAR : SchedulingReason.LOWEST_RTT;
            return best; // the fastest has room: plain minRTT
        }
        if (holdBack(conn, fast, best)) {
            reason = holdReason();
            heldBackFrom = best;
            return null;
        }
        // Sent on the slower subflow: for the faster one's full window.
        reason = best.isBackupInUse() ? SchedulingReason.BACKUP_NO_REGULAR : SchedulingReason.FASTER_FULL;
        return best;
    }

    /**
     * Whether to wait for {@code fast} (no room now) rather than send on {@code slow}, minRTT's
     * choice; called only when {@code fast} is faster than {@code slow}.
     */
    abstract boolean holdBack(ConnectionView conn, SubflowView fast, SubflowView slow);

    /** The reason a hold-back is counted under. */
    abstract SchedulingReason holdReason();

    @Override
    public final SchedulingReason reason() {
        return reason;
    }

    @Override
    public final SubflowView heldBackFrom() {
        return heldBackFrom;
    }
}

package org.mptcplab.stack.sched;

/**
 * The packet scheduler's one question (Linux net/mptcp/protocol.c, mptcp_subflow_get_send):
 * which subflow carries the next chunk of data, or a reinjection? The connection asks and
 * never decides itself. Backup subflows only when no regular subflow is usable (RFC 8684 3.3.8).
 *
 * <p>{@link Schedulers#create} gives each connection its own instance (see {@link #copy}), so that
 * a policy with state (round-robin's turn, BLEST's lambda, ECF's waiting flag, the reason of its
 * last decision) keeps it per connection, and runs stay deterministic.
 *
 * <p>Each decision has a reason ({@link #reason()}), an enum constant set by {@link #pick}: saying
 * why allocates nothing, so the connection can count every chunk's reason per subflow.
 */
public interface Scheduler {
    /** Name as used on the CLI and in the UI (one of {@link Schedulers#NAMES} for ours). */
    String name();

    /**
     * The subflow to carry up to {@code len} bytes now, or null to send nothing now (none can, or
     * the policy prefers to wait for a better subflow). {@code len} is at most one segment.
     */
    SubflowView pick(ConnectionView conn, int len);

    /**
     * Why the last {@link #pick} chose the subflow it returned, or why it returned null
     * ({@link SchedulingReason#NO_ROOM}, or a wait for a faster subflow). Not the reasons the
     * connection adds itself (reinjection, redundant copies, opportunistic retransmission).
     */
    SchedulingReason reason();

    /**
     * When the last {@link #pick} held data back for a faster subflow ({@link SchedulingReason#heldBack()}):
     * the slower subflow it chose not to send on; otherwise null.
     */
    default SubflowView heldBackFrom() {
        return null;
    }

    /**
     * Whether every chunk goes on every usable subflow (the connection sends copies of what the
     * picked subflow carried on all others that have room). Only the redundant policy says yes.
     */
    default boolean redundant() {
        return false;
    }

    /**
     * A fresh instance for one connection: every policy keeps at least the reason of its last
     * decision, so none is shared between connections.
     */
    Scheduler copy();

    /** Usable for data: can send, and not a path that timed out twice in a row. */
    static boolean usable(SubflowView s) {
        return s.canSendData();
    }

    /** Room for a segment of up to {@code len} bytes in both the congestion and the send window. */
    static boolean hasRoom(SubflowView s, int len) {
        int need = Math.min(len, s.payloadLimit());
        return s.cwndLeft() >= need && s.sendWindowLeft() >= need;
    }

    /**
     * Whether some regular (non-backup) subflow is alive: can send and has not timed out twice in
     * a row. While one is, backups stay unused even if the regular ones have no room right now
     * (Linux sched.c: backups only when no regular subflow is active).
     */
    static boolean regularAlive(ConnectionView conn) {
        for (SubflowView s : conn.subflowViews()) {
            if (s.alive() && !s.isBackupInUse() && s.backoff() < 2) {
                return true;
            }
        }
        return false;
    }
}

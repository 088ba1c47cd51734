package org.mptcplab.stack.sched;

import java.util.List;

/**
 * The default policy, as Linux's default scheduler (net/mptcp/protocol.c,
 * mptcp_subflow_get_send): among the subflows with room in their congestion and send windows,
 * the one with the lowest smoothed RTT, i.e. the one that would deliver the chunk soonest.
 * Backup subflows (RFC 8684 3.3.8) only when no regular subflow is alive.
 */
public final class MinRtt implements Scheduler {
    private SchedulingReason reason = SchedulingReason.NO_ROOM;

    @Override
    public String name() {
        return "minrtt";
    }

    @Override
    public Scheduler copy() {
        return new MinRtt();
    }

    @Override
    public SubflowView pick(ConnectionView conn, int len) {
        SubflowView s = lowestRtt(conn, len);
        reason = reasonFor(conn, s);
        return s;
    }

    @Override
    public SchedulingReason reason() {
        return reason;
    }

    /**
     * Why minRTT's rule chose {@code picked}: nothing had room (null), a backup because no regular
     * subflow is alive, the next fastest because a faster one has no room, or simply the fastest.
     * Ties in RTT count as the lowest.
     */
    static SchedulingReason reasonFor(ConnectionView conn, SubflowView picked) {
        if (picked == null) {
            return SchedulingReason.NO_ROOM;
        }
        if (picked.isBackupInUse()) {
            return SchedulingReason.BACKUP_NO_REGULAR;
        }
        return fasterWithoutRoom(conn, picked) != null ? SchedulingReason.FASTER_FULL : SchedulingReason.LOWEST_RTT;
    }

    /** The minRTT choice, shared by the policies that start from it (redundant, BLEST, ECF). */
    static SubflowView lowestRtt(ConnectionView conn, int len) {
        List<? extends SubflowView> l = conn.subflowViews();
        SubflowView best = null;
        SubflowView bestBackup = null;
        boolean regularAlive = false;
        for (int i = 0; i < l.size(); i++) {
            SubflowView s = l.get(i);
            boolean backup = s.isBackupInUse();
            if (!backup && s.alive() && s.backoff() < 2) {
                regularAlive = true; // in loss recovery or not: a working regular subflow keeps backups idle
            }
            if (!s.canSendData()) {
                continue;
            }
            if (!Scheduler.hasRoom(s, len)) {
                continue;
            }
            if (backup) {
                if (bestBackup == null || s.srttNanos() < bestBackup.srttNanos()) {
                    bestBackup = s;
                }
            } else if (best == null || s.srttNanos() < best.srttNanos()) {
                best = s;
            }
        }
        if (best != null) {
            return best;
        }
        return regularAlive ? null : bestBackup;
    }

    /**
     * For the policies that may refuse minRTT's choice (BLEST, ECF): the fastest subflow of
     * {@code best}'s class when it is faster than {@code best} (so {@code best} was chosen only
     * because the fast one has no room), or null when minRTT's choice stands as it is.
     */
    static SubflowView fasterWithoutRoom(ConnectionView conn, SubflowView best) {
        SubflowView fast = fastest(conn, best.isBackupInUse());
        return fast == null || fast == best || fast.srttNanos() >= best.srttNanos() ? null : fast;
    }

    /**
     * The lowest-RTT subflow of the class (regular, or backup when {@code backup}) that can send,
     * whether or not it has room now: the "fast subflow" x_f of BLEST and ECF.
     */
    static SubflowView fastest(ConnectionView conn, boolean backup) {
        List<? extends SubflowView> l = conn.subflowViews();
        SubflowView f = null;
        for (int i = 0; i < l.size(); i++) {
            SubflowView s = l.get(i);
            if (s.canSendData() && s.isBackupInUse() == backup && (f == null || s.srttNanos() < f.srttNanos())) {
                f = s;
            }
        }
        return f;
    }
}

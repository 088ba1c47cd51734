package org.mptcplab.stack.sched;

/**
 * BLEST (Ferlin, Alay, Mehani, Boreli, "BLEST: Blocking Estimation-based MPTCP Scheduler for
 * Heterogeneous Networks", IFIP Networking 2016, section III): minRTT, except that when the fast
 * subflow x_f has no room and the slower x_s does, x_s is used only if that cannot block the fast
 * one at the connection-level send window. During one RTT of x_s, x_f could send (eq. 1, Reno
 * growth of one MSS per RTT, rtt_s/rtt_f of its RTTs)
 *
 * <pre>  X = MSS_f * (cwnd_f + (rtt_s/rtt_f - 1) / 2) * rtt_s/rtt_f      (cwnd_f in segments)</pre>
 *
 * bytes, and the segment sent on x_s holds window space for that whole RTT together with what x_s
 * already has in flight. So x_s is skipped (we wait for x_f) when (eq. 2)
 *
 * <pre>  X * lambda > |MPTCP_SW| - MSS_s * (inflight_s + 1)</pre>
 *
 * We count MSS_s * inflight_s as the bytes x_s has in flight. lambda corrects the estimate at run
 * time (section III-B): it grows when blocking happened anyway (the estimate was too optimistic;
 * here, the connection-level window stopped new data, {@link ConnectionView#windowBlockedCount})
 * and shrinks back slowly otherwise. Its start, step sizes and bounds are our choice
 * ({@link #LAMBDA_INITIAL}, {@link #LAMBDA_UP}, {@link #LAMBDA_DOWN}, {@link #LAMBDA_MIN},
 * {@link #LAMBDA_MAX}), not the paper's. Checked against the authors' out-of-tree Linux code
 * (mptcp_blest.c): the same X and the same comparison with the window; theirs counts the fast
 * path's rounds as whole RTTs, starts lambda at 1.2 within 1.0 to 1.3, and moves it once per RTT
 * (+0.04 after a receive-buffer retransmission, -0.01 otherwise).
 */
public final class Blest implements Scheduler {
    static final double LAMBDA_INITIAL = 1.0;
    static final double LAMBDA_MIN = 1.0;
    static final double LAMBDA_MAX = 2.0;
    static final double LAMBDA_UP = 0.1;
    static final double LAMBDA_DOWN = 0.001;

    private double lambda = LAMBDA_INITIAL;
    private long blocksSeen;
    private SchedulingReason reason = SchedulingReason.NO_ROOM;
    private SubflowView heldBackFrom;

    @Override
    public String name() {
        return "blest";
    }

    @Override
    public Scheduler copy() {
        return new Blest();
    }

    /** The current correction factor (for tests and the UI). */
    public double lambda() {
        return lambda;
    }

    @Override
    public SchedulingReason reason() {
        return reason;
    }

    @Override
    public SubflowView heldBackFrom() {
        return heldBackFrom;
    }

    @Override
    public SubflowView pick(ConnectionView conn, int len) {
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
        long blocks = conn.windowBlockedCount();
        if (blocks != blocksSeen) {
            blocksSeen = blocks;
            lambda = Math.min(LAMBDA_MAX, lambda + LAMBDA_UP);
        } else {
            lambda = Math.max(LAMBDA_MIN, lambda - LAMBDA_DOWN);
        }
        if (wouldBlock(fast, best, conn.sendWindow(), lambda)) {
            reason = SchedulingReason.BLEST_WOULD_BLOCK;
            heldBackFrom = best;
            return null;
        }
        reason = best.isBackupInUse() ? SchedulingReason.BACKUP_NO_REGULAR : SchedulingReason.FASTER_FULL;
        return best;
    }

    /** Eq. 2 of the paper: whether sending on {@code slow} now could block {@code fast}. */
    static boolean wouldBlock(SubflowView fast, SubflowView slow, long sendWindow, double lambda) {
        double ratio = (double) slow.srttNanos() / Math.max(1L, fast.srttNanos());
        double cwndF = (double) fast.cwnd() / fast.mss();
        double x = fast.mss() * (cwndF + (ratio - 1) / 2) * ratio;
        double room = sendWindow - (double) (slow.bytesInFlight() + slow.mss());
        return x * lambda > room;
    }
}

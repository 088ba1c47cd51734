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
 * and shrinks back slowly otherwise. The paper leaves the constants open; ours are those of the
 * authors' Linux implementation (mptcp_blest.c, read to learn, not copied): lambda starts at 1.2,
 * stays within 1.0 to 1.3, and moves at most once per round trip, by +0.04 when the window blocked
 * during it and by -0.01 otherwise. Their round trip is the connection's smoothed RTT; ours is the
 * fast subflow's, the one whose rounds X counts. Their "bad" signal is a retransmission forced by
 * the receive buffer; ours, the window stopping new data, is what such a retransmission answers.
 */
public final class Blest extends HoldsForFaster {
    static final double LAMBDA_INITIAL = 1.2;
    static final double LAMBDA_MIN = 1.0;
    static final double LAMBDA_MAX = 1.3;
    static final double LAMBDA_UP = 0.04;
    static final double LAMBDA_DOWN = 0.01;
    private static final long NEVER = Long.MIN_VALUE;

    private double lambda = LAMBDA_INITIAL;
    private long blocksSeen;
    /** When lambda last moved (or the first decision, which starts the first round trip). */
    private long lambdaUpdatedAt = NEVER;

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
    SchedulingReason holdReason() {
        return SchedulingReason.BLEST_WOULD_BLOCK;
    }

    @Override
    boolean holdBack(ConnectionView conn, SubflowView fast, SubflowView slow) {
        updateLambda(conn.nowNanos(), conn.windowBlockedCount(), fast.srttNanos());
        return wouldBlock(fast, slow, conn.sendWindow(), lambda);
    }

    /** At most once per round trip: up if the window blocked since the last move, down otherwise. */
    private void updateLambda(long now, long blocks, long rtt) {
        if (lambdaUpdatedAt == NEVER) {
            lambdaUpdatedAt = now;
            blocksSeen = blocks;
            return;
        }
        if (now - lambdaUpdatedAt < Math.max(rtt, 1)) {
            return;
        }
        lambdaUpdatedAt = now;
        if (blocks != blocksSeen) {
            blocksSeen = blocks;
            lambda = Math.min(LAMBDA_MAX, lambda + LAMBDA_UP);
        } else {
            lambda = Math.max(LAMBDA_MIN, lambda - LAMBDA_DOWN);
        }
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

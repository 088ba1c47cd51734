package org.mptcplab.stack.sched;

/**
 * ECF, Earliest Completion First (Lim, Nahum, Towsley, Gibbens, "ECF: An MPTCP Path Scheduler to
 * Manage Heterogeneous Paths", CoNEXT 2017, section 3, Algorithm 1): minRTT, except that when the
 * fast subflow x_f has no room and the slower x_s does, ECF asks whether waiting for x_f would
 * finish the k bytes still to send sooner than using x_s. With n = 1 + k / cwnd_f rounds of x_f
 * and delta = max(rttvar_f, rttvar_s):
 *
 * <pre>
 *   if n * rtt_f < (1 + waiting * beta) * (rtt_s + delta):
 *       if (k / cwnd_s) * rtt_s >= 2 * rtt_f + delta:  waiting = 1, wait for x_f (send nothing)
 *       else:                                         send on x_s
 *   else:                                             waiting = 0, send on x_s
 * </pre>
 *
 * The second test checks that x_s, too, would need longer than two fast RTTs for the k bytes,
 * else using it costs nothing. beta = 0.25 is the paper's hysteresis: once waiting, ECF keeps
 * waiting until the fast path's estimate is clearly worse, so decisions do not flap. k counts
 * bytes the application wrote that no subflow carried yet; windows are in bytes on both sides.
 */
public final class Ecf extends HoldsForFaster {
    static final double BETA = 0.25;

    private boolean waiting;

    @Override
    public String name() {
        return "ecf";
    }

    @Override
    public Scheduler copy() {
        return new Ecf();
    }

    /** Whether the last decision was to wait for the fast subflow (the paper's {@code waiting}). */
    public boolean waiting() {
        return waiting;
    }

    @Override
    SchedulingReason holdReason() {
        return SchedulingReason.ECF_WAIT_FOR_FASTER;
    }

    @Override
    boolean holdBack(ConnectionView conn, SubflowView fast, SubflowView best) {
        double k = conn.unsentBytes();
        double rttF = fast.srttNanos();
        double rttS = best.srttNanos();
        double delta = Math.max(fast.rttvarNanos(), best.rttvarNanos());
        // At least one window's worth on either path: something is to be sent, and it takes one
        // round at least (as the authors' Linux implementation, mptcp_ecf.c, counts k).
        double kf = Math.max(k, fast.cwnd());
        double ks = Math.max(k, best.cwnd());
        double n = 1 + kf / Math.max(1L, fast.cwnd());
        if (n * rttF < (1 + (waiting ? BETA : 0)) * (rttS + delta)) {
            if (ks / Math.max(1L, best.cwnd()) * rttS >= 2 * rttF + delta) {
                waiting = true;
                return true;
            }
            return false;
        }
        waiting = false;
        return false;
    }
}

package org.mptcplab.stack.cc;

/**
 * Common ground of the coupled algorithms (LIA, OLIA, BALIA): NewReno's slow start (RFC 6356 3
 * leaves slow start, fast retransmit and recovery as in TCP) with a congestion avoidance increase
 * computed from the siblings that {@link CongestionControl.Coupling} lists. Only subflows that are
 * established and not backup-only count ({@link SubflowView#activeForCoupling()}); when this
 * subflow is not one of them (a backup in use, say), or is the only one, it runs as Reno.
 *
 * <p>The sums loop over the coupling by index: nothing is allocated per ACK.
 */
abstract class Coupled extends NewReno {
    protected final Coupling coupling;

    Coupled(int mss, Coupling coupling) {
        super(mss, true);
        this.coupling = coupling;
    }

    /** A sibling's window, with this controller's own for itself (the view may be the subflow reading it from us). */
    protected final double cwndOf(SubflowView v) {
        return v == coupling.self() ? cwnd : v.cwnd();
    }

    /** A sibling's smoothed RTT in nanoseconds, at least 1. */
    protected static double rttOf(SubflowView v) {
        return Math.max(1, v.srttNanos());
    }

    /** The increase in bytes the algorithm gives an ACK of {@code bytesAcked} in the current state. */
    public abstract double increaseFor(long bytesAcked);

    @Override
    public boolean coupled() {
        return true;
    }

    /**
     * The increase over a window's worth of ACKs, in segments: LIA's min(alpha cwnd_i / cwnd_total,
     * 1) (summed over the subflows, alpha), OLIA's (w_r / rtt_r)^2 / (sum_p w_p / rtt_p)^2 + alpha_r,
     * BALIA's (x_r / sum_k x_k)^2 ((1 + alpha_r) / 2) ((4 + alpha_r) / 5); 1 (Reno) while uncoupled.
     */
    @Override
    public double increasePerRtt() {
        return increaseFor(cwnd) / mss;
    }

    /** Whether this subflow is active and so coupled with the others. */
    protected final boolean selfActive() {
        SubflowView self = coupling == null ? null : coupling.self();
        return self != null && self.activeForCoupling();
    }
}

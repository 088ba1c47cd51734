package org.mptcplab.stack.cc;

/**
 * A subflow's congestion controller. Windows are in bytes. The subflow calls these at the points
 * RFC 5681 names; a coupled controller (LIA, OLIA, BALIA) also sees its sibling subflows through
 * the {@link Coupling} it is given.
 */
public interface CongestionControl {
    /** Name as used on the CLI and in the UI ("newreno", "lia", ...). */
    String name();

    long cwnd();

    long ssthresh();

    /** New data acknowledged outside recovery. */
    void onAck(long nowNanos, long bytesAcked, long srttNanos, long bytesInFlight);

    /**
     * An RTT sample (RFC 6298 Karn-safe: from a segment sent once) for the segment sent at
     * {@code sentAtNanos}; delay-based slow-start exits (HyStart) read it. Called before
     * {@link #onAck} for the same acknowledgment.
     */
    default void onRttSample(long nowNanos, long rttNanos, long sentAtNanos) {
    }

    /** Entering fast recovery (three duplicate ACKs or SACK loss detection, RFC 5681 3.2 / RFC 6675). */
    void onFastRetransmit(long bytesInFlight);

    /** Leaving fast recovery once the recovery point is acknowledged (RFC 6582). */
    void onRecoveryExit();

    /** Retransmission timeout (RFC 5681 3.1: cwnd to one segment). */
    void onTimeout(long bytesInFlight);

    /**
     * Takes over the windows of the controller this one replaces when the algorithm is switched
     * on a running subflow: cwnd and ssthresh carry over, the algorithm's own history starts afresh.
     */
    default void takeOver(CongestionControl previous) {
    }

    /**
     * The algorithm's internals for observation (LIA's alpha, OLIA's alpha_r and sets, CUBIC's
     * W_max and K, ...), by name; a fresh map, not for the per-packet path.
     */
    default java.util.Map<String, Double> variables() {
        return java.util.Map.of();
    }

    /**
     * Sibling subflows, for coupled algorithms; uncoupled ones ignore it. Indexed rather than
     * iterable so that the per-ACK sums allocate nothing. The list holds every subflow of the
     * connection, this one included; the algorithms count those that are
     * {@link SubflowView#activeForCoupling() active}.
     */
    interface Coupling {
        int size();

        SubflowView subflow(int index);

        /** The subflow the controller runs on (one of {@link #subflow}, by identity). */
        SubflowView self();
    }

    /** What a coupled algorithm reads of a sibling subflow. */
    interface SubflowView {
        long cwnd();

        long srttNanos();

        int mss();

        boolean activeForCoupling();

        /** The subflow's controller, so that a coupled one can read its siblings' state (OLIA's l_r). */
        default CongestionControl congestionControl() {
            return null;
        }
    }
}

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
     * Whether the window increase is coupled across the connection's subflows (LIA, OLIA, BALIA:
     * together they take no more than one TCP would on the best path, RFC 6356 section 2), or each
     * subflow grows as a TCP of its own (NewReno, Reno, CUBIC).
     */
    default boolean coupled() {
        return false;
    }

    /**
     * The congestion-avoidance increase the algorithm gives this subflow now, per round trip of
     * the subflow (a window's worth of acknowledged bytes), in segments: Reno's rule gives 1 (RFC
     * 5681 3.1), a coupled one its share of one TCP's increase (RFC 6356: the subflows' increases
     * together match what a single TCP takes on the best path). The rule, whatever the phase: in
     * slow start the window doubles per round trip, uncoupled (RFC 6356 3). Computed from the
     * current windows and RTTs for observation, once per sample, allocating nothing; it refreshes
     * the internals {@link #variable} reports (a coupled algorithm's alpha is otherwise recomputed
     * only on its own ACKs), which the algorithm recomputes before each use anyway. Time-dependent
     * algorithms (CUBIC) answer as of the subflow's last ACK.
     */
    default double increasePerRtt() {
        return 1;
    }

    /**
     * The names of the internals {@link #variable} reads (LIA's alpha, OLIA's alpha_r and sets,
     * CUBIC's W_max and K, ...), the principal one first: the same list for the controller's life.
     */
    default java.util.List<String> variableNames() {
        return java.util.List.of();
    }

    /** The internal named {@code variableNames().get(index)}, now; allocates nothing. */
    default double variable(int index) {
        throw new IndexOutOfBoundsException(index);
    }

    /**
     * The algorithm's internals ({@link #variableNames}, {@link #variable}) by name, in order; a
     * fresh map, not for the per-packet path.
     */
    default java.util.Map<String, Double> variables() {
        java.util.List<String> names = variableNames();
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), variable(i));
        }
        return m;
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

package org.mptcplab.stack.sched;

/**
 * What a scheduler reads of a subflow: read-only, nothing it could change. Windows and flights in
 * bytes, times in nanoseconds.
 */
public interface SubflowView {
    /** The subflow's id within its connection (0 for the first). */
    int id();

    /** Established, its join confirmed, nothing lost waiting for retransmission, not closing. */
    boolean canSendData();

    /**
     * Established, its join confirmed, not closing: the subflow works, though it may be repairing
     * a loss right now ({@link #canSendData} false). What decides whether a backup may be used
     * (RFC 8684 3.3.8): a regular subflow in loss recovery is still alive, as in Linux, which
     * checks only that a regular subflow is established and not closing. A stale subflow (nothing
     * received over several timeouts while another works, Linux's stale_loss_cnt) is not alive
     * until a segment arrives on it.
     */
    default boolean alive() {
        return canSendData();
    }

    /** A backup subflow (MP_JOIN B flag or MP_PRIO, RFC 8684 3.3.8): used only when no regular one can send. */
    boolean isBackupInUse();

    /** Consecutive retransmission timeouts (RFC 6298 5.5 backoff): 2 or more, the path looks dead. */
    int backoff();

    /** Payload bytes one segment carries (the MSS less the options). */
    int payloadLimit();

    int mss();

    long cwnd();

    /** Room under the congestion window for new data (cwnd - pipe, RFC 6675). */
    long cwndLeft();

    /** Room under the peer's window beyond what this subflow has in flight. */
    long sendWindowLeft();

    /** Bytes sent on this subflow not yet cumulatively acknowledged. */
    long bytesInFlight();

    /** Smoothed RTT (RFC 6298), or the RTO before the first sample. */
    long srttNanos();

    /** RTT variation (RFC 6298 RTTVAR), 0 before the first sample. */
    long rttvarNanos();
}

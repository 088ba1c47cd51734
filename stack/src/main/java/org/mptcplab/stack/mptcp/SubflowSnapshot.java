package org.mptcplab.stack.mptcp;

import org.mptcplab.stack.sched.SchedulingCounts;

/**
 * A subflow's state at one instant, for the UI and the CLI. Times in nanoseconds; srtt is -1
 * before the first RTT sample. {@code congestion} names the congestion controller and its
 * internal variables as it reports them (e.g. "lia alpha=0.52"; null where nobody knows).
 *
 * @param congestionControl the controller's name ("lia"; null where nobody knows, e.g. a kernel's subflow)
 * @param coupled           whether its increase is coupled across the connection's subflows (LIA, OLIA, BALIA)
 * @param increasePerRtt    its congestion-avoidance increase per round trip now, in segments (Reno: 1;
 *                          see {@code CongestionControl#increasePerRtt}); NaN where nobody knows
 * @param scheduled         the chunks the connection's scheduler put on this subflow, per reason (our
 *                          stack's sending side; {@code SchedulingCounts.NONE} where nobody knows)
 */
public record SubflowSnapshot(int id, String localAddress, int localPort, String remoteAddress, int remotePort,
                              int iface, SubflowState state, boolean backup, int localAddressId, int remoteAddressId,
                              long cwnd, long ssthresh, long srttNanos, long rttvarNanos, long rtoNanos,
                              long bytesInFlight, long bytesSent, long bytesAcked, long bytesRetransmitted,
                              long segmentsRetransmitted, long bytesReceived, int sackHoles, long rtoCount,
                              long fastRetransmits, String closeReason, String congestion,
                              String congestionControl, boolean coupled, double increasePerRtt,
                              SchedulingCounts scheduled) {
}

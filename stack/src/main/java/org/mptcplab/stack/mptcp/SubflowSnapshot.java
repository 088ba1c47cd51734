package org.mptcplab.stack.mptcp;

/**
 * A subflow's state at one instant, for the UI and the CLI. Times in nanoseconds; srtt is -1
 * before the first RTT sample. {@code congestion} names the congestion controller and its
 * internal variables as it reports them (e.g. "lia alpha=0.52"; null where nobody knows).
 */
public record SubflowSnapshot(int id, String localAddress, int localPort, String remoteAddress, int remotePort,
                              int iface, SubflowState state, boolean backup, int localAddressId, int remoteAddressId,
                              long cwnd, long ssthresh, long srttNanos, long rttvarNanos, long rtoNanos,
                              long bytesInFlight, long bytesSent, long bytesAcked, long bytesRetransmitted,
                              long segmentsRetransmitted, long bytesReceived, int sackHoles, long rtoCount,
                              long fastRetransmits, String closeReason, String congestion) {
}

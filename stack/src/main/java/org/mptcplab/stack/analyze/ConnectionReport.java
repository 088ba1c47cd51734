package org.mptcplab.stack.analyze;

import java.util.List;

/**
 * One MPTCP connection reconstructed from a capture: its subflows, grouped by token (RFC 8684
 * 3.2: an MP_JOIN SYN names the token of the host it is sent to, derived from that host's key
 * in the MP_CAPABLE exchange).
 *
 * @param index         order of first appearance among the capture's MPTCP connections (as tshark's {@code mptcp.stream})
 * @param clientToken   the token of the connection's client (sender of the MP_CAPABLE SYN), -1 unknown
 * @param serverToken   the server's token (the one the client's joins name), -1 unknown; for a
 *                      connection known only from joins, the token those joins named
 * @param version       MPTCP version from MP_CAPABLE (0 is RFC 6824, 1 is RFC 8684), -1 unknown
 * @param complete      the connection's start (its MP_CAPABLE SYN) is in the capture; false for
 *                      one seen only from joins or mid-stream (the capture started later)
 * @param fallback      why the connection fell back to plain TCP (RFC 8684 3.7), null if it did not
 * @param checksum      DSS checksums were asked for (the A flag of MP_CAPABLE)
 * @param clientKey     the client's key, null unless seen
 * @param serverKey     the server's key, null unless seen
 * @param subflows      in order of first appearance
 * @param toServer      data-level, client to server
 * @param toClient      data-level, server to client
 * @param events        in time order (capture order for equal times)
 * @param eventsNotKept events past {@link CaptureAnalyzer#MAX_EVENTS}, counted only
 */
public record ConnectionReport(int index, long clientToken, long serverToken, int version, boolean complete,
                               String fallback, boolean checksum, Long clientKey, Long serverKey,
                               List<SubflowReport> subflows, DataReport toServer, DataReport toClient,
                               List<MptcpEvent> events, long eventsNotKept) {
    public ConnectionReport {
        subflows = List.copyOf(subflows);
        events = List.copyOf(events);
    }

    /** The token that names the connection: the server's, else the client's; -1 if neither is known. */
    public long token() {
        return serverToken >= 0 ? serverToken : clientToken;
    }

    /** Reinjected segments, both directions. */
    public long reinjections() {
        return toServer.reinjections() + toClient.reinjections();
    }

    public long reinjectedBytes() {
        return toServer.reinjectedBytes() + toClient.reinjectedBytes();
    }

    /** The longer of the two directions' longest stalls, null if neither has one. */
    public Stall longestStall() {
        Stall a = toServer.longestStall();
        Stall b = toClient.longestStall();
        if (a == null) {
            return b;
        }
        return b == null || a.durationNanos() >= b.durationNanos() ? a : b;
    }

    /** Duration of {@link #longestStall()}, -1 without one. */
    public long maxStallNanos() {
        Stall s = longestStall();
        return s == null ? -1 : s.durationNanos();
    }
}

package org.mptcplab.stack.analyze;

import org.mptcplab.stack.wire.IpAddress;

/**
 * One subflow (a TCP connection) of an MPTCP connection. Its client is the sender of its SYN, or
 * of the first packet seen when the SYN is not in the capture.
 *
 * @param index           order of first appearance among the capture's TCP connections (tshark's {@code tcp.stream})
 * @param role            "initial" (MP_CAPABLE), "join" (MP_JOIN) or "unknown" (its handshake is not in the capture)
 * @param reversed        opened by the connection's server (its client is the connection's server)
 * @param clientAddressId the client's address id: 0 on the initial subflow, the MP_JOIN SYN's otherwise; -1 unknown
 * @param serverAddressId the server's: 0 on the initial subflow, the MP_JOIN SYN/ACK's otherwise; -1 unknown
 * @param clientBackup    the client asked for this subflow to be a backup (MP_JOIN B flag, then MP_PRIO), at the end
 * @param serverBackup    the same for the server
 * @param priorityChanges MP_PRIO options seen on the subflow
 * @param synNanos        first SYN, -1 if not seen
 * @param synAckNanos     first SYN/ACK, -1 if not seen
 * @param ackNanos        the third ACK (the client's first ACK after the SYN/ACK), -1 if not seen
 * @param toServer        what the client sent
 * @param toClient        what the server sent
 * @param rttNanos        the round-trip time: the median half round trips of both directions
 *                        added (each from data/ACK pairs or timestamps, whichever has more samples; see
 *                        {@link DirectionReport#rttAck}), which is the whole round trip wherever
 *                        the capture point is; only the halves that were measured, -1 if neither
 */
public record SubflowReport(int index, String role, boolean reversed, IpAddress clientAddress, int clientPort,
                            IpAddress serverAddress, int serverPort, int clientAddressId, int serverAddressId,
                            boolean clientBackup, boolean serverBackup, long priorityChanges, long synNanos,
                            long synAckNanos, long ackNanos, DirectionReport toServer, DirectionReport toClient,
                            long rttNanos) {
    /** Payload bytes both ways. */
    public long bytes() {
        return toServer.bytes() + toClient.bytes();
    }

    /** Subflow-level retransmissions both ways. */
    public long retransmits() {
        return toServer.retransmits() + toClient.retransmits();
    }

    /** From SYN to the third ACK, -1 unless both were seen. */
    public long handshakeNanos() {
        return synNanos >= 0 && ackNanos >= 0 ? ackNanos - synNanos : -1;
    }
}

package org.mptcplab.stack.analyze;

import java.util.List;
import org.mptcplab.stack.capture.CaptureError;
import org.mptcplab.stack.capture.CaptureReader;

/**
 * What {@link CaptureAnalyzer} made of a capture.
 *
 * @param packets             records read
 * @param tcpPackets          packets that decoded as far as TCP
 * @param otherPackets        packets that decoded cleanly but carry no TCP (ARP, UDP, ICMP, ...)
 * @param malformedPackets    packets that did not decode cleanly (their good outer layers were used)
 * @param packetErrors        the first {@link CaptureAnalyzer#MAX_PACKET_ERRORS} of them, with where they are
 * @param captureErrors       damage in the file itself, with byte offsets (from {@link CaptureReader#errors()})
 * @param captureErrorCount   all of them, stored or not
 * @param skips               byte ranges the reader jumped over to resynchronise after damage
 * @param bytesSkipped        their total
 * @param stoppedAt           offset where damage stopped the reading, -1 if the file was read to its end
 * @param firstNanos          time of the first packet, -1 without packets
 * @param lastNanos           time of the last (the latest) packet, -1 without packets
 * @param tcpConnections      TCP connections (4-tuples, a reused one counted again after a new SYN)
 * @param plainTcpConnections those that carried no MPTCP option at all
 * @param connections         MPTCP connections, in order of first appearance
 */
public record Analysis(String source, long packets, long tcpPackets, long otherPackets, long malformedPackets,
                       List<PacketError> packetErrors, List<CaptureError> captureErrors, long captureErrorCount,
                       List<CaptureReader.Skip> skips, long bytesSkipped, long stoppedAt, long firstNanos,
                       long lastNanos, int tcpConnections, int plainTcpConnections,
                       List<ConnectionReport> connections) {
    public Analysis {
        packetErrors = List.copyOf(packetErrors);
        captureErrors = List.copyOf(captureErrors);
        skips = List.copyOf(skips);
        connections = List.copyOf(connections);
    }

    public boolean hasMptcp() {
        return !connections.isEmpty();
    }

    /** The file was read to its end (damage may have been skipped on the way). */
    public boolean readToEnd() {
        return stoppedAt < 0;
    }

    /** Nothing in the file could be read: no record at all, and the file is damaged. */
    public boolean nothingReadable() {
        return packets == 0 && (captureErrorCount > 0 || stoppedAt >= 0);
    }
}

package org.mptcplab.stack.analyze;

/**
 * One direction of one subflow: what its sender sent, as seen at the capture point. Bytes are TCP
 * payload bytes as the IP header gives them (a snap length that cut the payload does not change
 * them), retransmissions included.
 *
 * @param packets             TCP segments
 * @param payloadPackets      segments with payload
 * @param bytes               payload bytes, retransmissions included (tshark's sum of {@code tcp.len})
 * @param retransmits         segments (SYN and FIN included) whose sequence space had been seen
 *                            already: subflow-level retransmissions
 * @param retransmittedBytes  payload bytes of those
 * @param reinjections        segments carrying data-level bytes already sent (on any subflow) that
 *                            were not a retransmission of this subflow: reinjections into this subflow
 * @param reinjectedBytes     the data-level bytes of those that had been sent before
 * @param mappings            DSS mappings (and MP_CAPABLE data-level lengths) received
 * @param maxInFlightBytes    largest (highest sequence sent - highest ACK seen), at the capture point
 * @param cwndEstimateBytes   median over round trips of the largest flight in each: what the
 *                            congestion window let out, -1 when no RTT is known to make round trips of
 * @param rttAck              time from a segment to the ACK that first covered it (first transmissions
 *                            only, Karn): from the capture point to this direction's receiver and back
 * @param rttTimestamps       time from a TSval to its first echo in a TSecr, the same half round trip
 * @param fin                 a FIN was sent
 * @param rst                 a RST was sent
 * @param rstReason           the MP_TCPRST reason code on the RST, -1 without one
 * @param firstNanos          first segment, -1 if none
 * @param lastNanos           last segment, -1 if none
 */
public record DirectionReport(long packets, long payloadPackets, long bytes, long retransmits, long retransmittedBytes,
                              long reinjections, long reinjectedBytes, long mappings, long maxInFlightBytes,
                              long cwndEstimateBytes, RttSummary rttAck, RttSummary rttTimestamps, boolean fin,
                              boolean rst, int rstReason, long firstNanos, long lastNanos) {
}

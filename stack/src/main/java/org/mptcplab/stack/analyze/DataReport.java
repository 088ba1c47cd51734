package org.mptcplab.stack.analyze;

/**
 * One direction of an MPTCP connection at the data level (RFC 8684 3.3).
 *
 * @param bytes             distinct data-level bytes mapped (each data sequence number counted once)
 * @param mappings          DSS mappings (and MP_CAPABLE data-level lengths)
 * @param reinjections      segments that carried data sent before on a subflow (not a subflow-level
 *                          retransmission of it): reinjections, all subflows
 * @param reinjectedBytes   the bytes of those already sent before
 * @param unmappedBytes     payload bytes of this direction no mapping covered (fallback traffic,
 *                          or mappings sent before the capture started)
 * @param dataAckAdvances   times the data ACK for this direction moved forward
 * @param dataAcked         bytes the data ACK moved over: from the first data byte (IDSN + 1) when
 *                          the IDSN is known, else from its first value seen, to its last
 * @param firstDsn          the first data sequence number relative to the IDSN (the first byte is
 *                          1), -1 when the IDSN is not known or nothing was mapped
 * @param dataFin           a DATA_FIN was sent
 * @param longestStall      the longest gap in data ACK progress while data was outstanding, null
 *                          without data ACK progress to measure
 */
public record DataReport(long bytes, long mappings, long reinjections, long reinjectedBytes, long unmappedBytes,
                         long dataAckAdvances, long dataAcked, long firstDsn, boolean dataFin, Stall longestStall) {
}

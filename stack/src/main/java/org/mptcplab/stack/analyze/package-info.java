/**
 * Capture analysis: MPTCP connections reconstructed from a pcap or pcapng file of real devices
 * (or of our own runs), in one streaming pass.
 *
 * <p>{@link org.mptcplab.stack.analyze.CaptureAnalyzer} groups the capture's TCP connections into
 * MPTCP connections by token (RFC 8684 3.2; RFC 6824 for version 0), follows each subflow's
 * sequence space and each connection's data sequence space (RFC 8684 3.3), and reports per
 * connection and subflow what a capture can tell: handshakes, addresses and address ids, backup
 * flags, bytes, subflow-level retransmissions and data-level reinjections, mappings, data ACK
 * progress, the path manager's signals, fallback; and what it can only estimate: bytes in flight
 * and the congestion window, round-trip times, and stalls (the longest time the data ACK did not
 * move with data outstanding, with what happened meanwhile).
 * {@link org.mptcplab.stack.analyze.OneWayDelays} combines a client-side and a server-side capture
 * of the same run into one-way delays.
 *
 * <p>No JavaFX; the CLI's {@code analyze} command prints what this package computes.
 */
package org.mptcplab.stack.analyze;

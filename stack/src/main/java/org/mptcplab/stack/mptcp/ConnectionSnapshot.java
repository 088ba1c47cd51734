package org.mptcplab.stack.mptcp;

import java.util.List;

/**
 * An MPTCP connection's state at one instant. Data sequence numbers are absolute 64-bit values;
 * the {@code *Relative} ones count bytes from the first data byte (IDSN + 1).
 */
public record ConnectionSnapshot(int localToken, int remoteToken, long localKey, long remoteKey, boolean client,
                                 boolean fallback, boolean checksum, String state, long dataSent, long dataAcked,
                                 long dataReceived, int sendBufferUsed, int sendBufferCapacity,
                                 int receiveBufferUsed, int receiveBufferCapacity, long reinjectedBytes,
                                 List<SubflowSnapshot> subflows, String resetReason) {
}

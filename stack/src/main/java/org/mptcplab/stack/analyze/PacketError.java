package org.mptcplab.stack.analyze;

/**
 * A packet that did not decode cleanly (the analysis used what did).
 *
 * @param record     its number in the file, from 1
 * @param fileOffset where its record or block starts in the file
 * @param message    what is wrong and where in the packet, as {@link org.mptcplab.stack.wire.PacketDecoder} says
 */
public record PacketError(long record, long fileOffset, String message) {
}

package org.mptcplab.stack.analyze;

/**
 * Something that happened to a connection, as seen in the capture: a join, an address signal
 * (ADD_ADDR, REMOVE_ADDR), a priority change (MP_PRIO), MP_FAIL, MP_FASTCLOSE, a subflow's FIN
 * or RST (with its MP_TCPRST reason), DATA_FIN, a fallback to TCP.
 *
 * @param timeNanos capture time of the packet that carried it
 * @param type      an RFC 8684 option name ("ADD_ADDR", "MP_PRIO", ...) or "FIN", "RST", "DATA_FIN",
 *                  "fallback", "key mismatch", "malformed option"
 * @param subflow   the subflow it was seen on (its index in {@link Analysis}: the order in which
 *                  the capture's TCP connections first appear, as tshark's {@code tcp.stream})
 * @param from      the packet's sender, "address:port" ("[v6]:port" for IPv6)
 * @param detail    the fields, in words
 */
public record MptcpEvent(long timeNanos, String type, int subflow, String from, String detail) {
}

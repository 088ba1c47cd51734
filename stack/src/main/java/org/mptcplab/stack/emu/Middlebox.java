package org.mptcplab.stack.emu;

/**
 * What a path direction does to TCP options, like the middleboxes that MPTCP has to survive
 * (RFC 8684 section 3.7 and appendix: options removed, so the connection must fall back).
 */
public enum Middlebox {
    /** Datagrams pass untouched. */
    NONE,
    /**
     * Every MPTCP option (kind 30) of every TCP segment is overwritten with NOPs, and the TCP
     * checksum is updated (RFC 1624), like a box that removes options it does not know.
     */
    STRIP_MPTCP_ALL,
    /** As {@link #STRIP_MPTCP_ALL}, but only on segments that carry payload. */
    STRIP_MPTCP_DATA
}

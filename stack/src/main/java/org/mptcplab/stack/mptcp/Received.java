package org.mptcplab.stack.mptcp;

import java.util.List;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.MalformedPacketException;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The TCP segment being received, read in place from the datagram: the stack keeps one and
 * refills it per segment, instead of a {@link TcpHeader} record with a list of option records
 * each (most of what a bulk transfer allocated per packet).
 *
 * <p>A segment whose options are the usual ones of an established subflow — NOP and EOL padding,
 * at most one timestamps option (RFC 7323) and at most one well-formed DSS (RFC 8684 3.3) — is
 * {@link #simple}: its fields say everything the options do. Any other segment (a handshake, SACK,
 * address signals, a malformed option...) carries its whole parsed {@link TcpHeader}, and the code
 * that reads options walks the records as before. {@link #header()} parses the header of a simple
 * segment on demand, for the rare paths that want it; it is only valid while the segment is being
 * handled (the datagram's array is the driver's).
 */
final class Received {
    int sourcePort;
    int destinationPort;
    int sequenceNumber;
    int acknowledgmentNumber;
    int flags;
    int window;

    /** Only the usual options (see the class comment): the fields below stand for them. */
    boolean simple;
    boolean hasTimestamps;
    long tsVal;
    long tsEcr;
    boolean hasDss;
    final DssView dss = new DssView();

    private TcpHeader header;
    private byte[] bytes;
    private int tcpOffset;
    private int tcpLength;
    /** Being handled (a nested input gets its own instance). */
    boolean busy;

    /**
     * Reads the TCP header at {@code off} ({@code len} bytes of TCP available, at least 20, data
     * offset already checked to be within them); returns false, having kept nothing, unless the
     * options are simple.
     */
    boolean readSimple(byte[] b, int off, int len, int dataOffset) {
        hasTimestamps = false;
        hasDss = false;
        int p = off + TcpHeader.MIN_LENGTH;
        int end = off + dataOffset;
        // The same walk as TcpOptions.parse: EOL ends the list, NOP is one byte, others have a length.
        while (p < end) {
            int kind = b[p] & 0xff;
            if (kind == TcpOption.KIND_EOL) {
                break;
            }
            if (kind == TcpOption.KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                return false;
            }
            int olen = b[p + 1] & 0xff;
            if (olen < 2 || olen > end - p) {
                return false;
            }
            if (kind == TcpOption.KIND_TIMESTAMPS && olen == 10 && !hasTimestamps) {
                hasTimestamps = true;
                tsVal = Bytes.u32(b, p + 2);
                tsEcr = Bytes.u32(b, p + 6);
            } else if (kind == TcpOption.KIND_MPTCP && olen >= 3 && ((b[p + 2] & 0xff) >>> 4) == MptcpOption.DSS
                    && !hasDss && dss.parse(b, p, olen)) {
                hasDss = true;
            } else {
                return false;
            }
            p += olen;
        }
        simple = true;
        header = null;
        bytes = b;
        tcpOffset = off;
        tcpLength = len;
        fixed(b, off);
        return true;
    }

    private void fixed(byte[] b, int off) {
        sourcePort = Bytes.u16(b, off);
        destinationPort = Bytes.u16(b, off + 2);
        sequenceNumber = Bytes.i32(b, off + 4);
        acknowledgmentNumber = Bytes.i32(b, off + 8);
        flags = Bytes.u8(b, off + 13);
        window = Bytes.u16(b, off + 14);
    }

    /** A segment parsed the general way: its header record stands for its options. */
    void set(TcpHeader h) {
        simple = false;
        header = h;
        bytes = null;
        hasTimestamps = false;
        hasDss = false;
        sourcePort = h.sourcePort();
        destinationPort = h.destinationPort();
        sequenceNumber = h.sequenceNumber();
        acknowledgmentNumber = h.acknowledgmentNumber();
        flags = h.flags();
        window = h.window();
    }

    /** Done with the segment: forget the driver's array. */
    void release() {
        bytes = null;
        header = null;
        busy = false;
    }

    int sequenceNumber() {
        return sequenceNumber;
    }

    int acknowledgmentNumber() {
        return acknowledgmentNumber;
    }

    int window() {
        return window;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The whole header as records (parsed now for a simple segment). */
    TcpHeader header() {
        if (header == null) {
            try {
                header = TcpHeader.parse(bytes, tcpOffset, tcpLength);
            } catch (MalformedPacketException e) {
                throw new IllegalStateException("a segment read as simple does not parse", e);
            }
        }
        return header;
    }

    List<TcpOption> options() {
        return header().options();
    }

    /** The first MPTCP option of that subtype, or null. */
    MptcpOption mptcp(int subtype) {
        if (simple && subtype != MptcpOption.DSS) {
            return null;
        }
        return header().mptcp(subtype);
    }
}

package org.mptcplab.stack.wire;

import java.util.List;

/**
 * TCP header (RFC 9293 3.1) with its parsed options. Sequence and acknowledgment numbers are the
 * raw 32 bits ({@code int}); compare them with {@link SeqNum}.
 *
 * @param flags the 8 flag bits CWR ECE URG ACK PSH RST SYN FIN (the 4 reserved bits are in {@code reserved})
 */
public record TcpHeader(int sourcePort, int destinationPort, int sequenceNumber, int acknowledgmentNumber,
                        int reserved, int flags, int window, int checksum, int urgentPointer,
                        List<TcpOption> options) {
    public static final int MIN_LENGTH = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public TcpHeader {
        options = List.copyOf(options);
        if (TcpOptions.paddedLength(options) > TcpOptions.MAX_SPACE) {
            throw new IllegalArgumentException("TCP options take " + TcpOptions.paddedLength(options)
                    + " bytes, more than the 40 the header has room for");
        }
    }

    public static TcpHeader of(int sport, int dport, int seq, int ack, int flags, int window, List<TcpOption> options) {
        return new TcpHeader(sport, dport, seq, ack, 0, flags, window, 0, 0, options);
    }

    public int headerLength() {
        return MIN_LENGTH + TcpOptions.paddedLength(options);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The first MPTCP option of the given subtype, or null. */
    public MptcpOption mptcp(int subtype) {
        for (TcpOption o : options) {
            if (o instanceof MptcpOption m && m.subtype() == subtype) {
                return m;
            }
        }
        return null;
    }

    /** "SYN,ACK" style text of the flags. */
    public static String flagNames(int flags) {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if ((flags & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }

    /** Reads the header; {@code len} is the bytes available (the TCP segment as far as it was captured). */
    public static TcpHeader parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < MIN_LENGTH) {
            throw MalformedPacketException.truncated("TCP header", off, MIN_LENGTH, len);
        }
        int dataOffset = (Bytes.u8(b, off + 12) >>> 4) * 4;
        if (dataOffset < MIN_LENGTH) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off + 12,
                    "TCP header at offset " + off + ": data offset " + dataOffset + " is shorter than 20");
        }
        if (dataOffset > len) {
            throw MalformedPacketException.truncated("TCP header", off, dataOffset, len);
        }
        List<TcpOption> options = TcpOptions.parse(b, off + MIN_LENGTH, dataOffset - MIN_LENGTH);
        return new TcpHeader(Bytes.u16(b, off), Bytes.u16(b, off + 2), Bytes.i32(b, off + 4), Bytes.i32(b, off + 8),
                Bytes.u8(b, off + 12) & 0x0f, Bytes.u8(b, off + 13), Bytes.u16(b, off + 14), Bytes.u16(b, off + 16),
                Bytes.u16(b, off + 18), options);
    }

    /** Data offset in bytes read straight from a header, without parsing (for the payload bounds). */
    public static int dataOffset(byte[] b, int off) {
        return (Bytes.u8(b, off + 12) >>> 4) * 4;
    }

    /**
     * Writes the header; the checksum field gets {@link #checksum} as is. Use {@link #fillChecksumV4}
     * or {@link #fillChecksumV6} once the payload is in place.
     */
    public int emit(byte[] b, int off) {
        int hl = headerLength();
        Bytes.put16(b, off, sourcePort);
        Bytes.put16(b, off + 2, destinationPort);
        Bytes.put32(b, off + 4, sequenceNumber);
        Bytes.put32(b, off + 8, acknowledgmentNumber);
        b[off + 12] = (byte) (((hl / 4) << 4) | (reserved & 0xf));
        b[off + 13] = (byte) flags;
        Bytes.put16(b, off + 14, window);
        Bytes.put16(b, off + 16, checksum);
        Bytes.put16(b, off + 18, urgentPointer);
        TcpOptions.emit(options, b, off + MIN_LENGTH);
        return hl;
    }

    /** Computes and stores the checksum of the segment at {@code off} (header + payload) over IPv4. */
    public static void fillChecksumV4(byte[] b, int off, int segmentLength, Ipv4Address src, Ipv4Address dst) {
        Bytes.put16(b, off + 16, 0);
        long s = Checksums.ipv4Pseudo(src.bits(), dst.bits(), Ipv4Header.PROTO_TCP, segmentLength);
        Bytes.put16(b, off + 16, Checksums.finish(Checksums.add(s, b, off, segmentLength)));
    }

    public static void fillChecksumV6(byte[] b, int off, int segmentLength, Ipv6Address src, Ipv6Address dst) {
        Bytes.put16(b, off + 16, 0);
        long s = Checksums.ipv6Pseudo(src, dst, Ipv4Header.PROTO_TCP, segmentLength);
        Bytes.put16(b, off + 16, Checksums.finish(Checksums.add(s, b, off, segmentLength)));
    }

    public static boolean checksumValidV4(byte[] b, int off, int segmentLength, Ipv4Address src, Ipv4Address dst) {
        long s = Checksums.ipv4Pseudo(src.bits(), dst.bits(), Ipv4Header.PROTO_TCP, segmentLength);
        return Checksums.finish(Checksums.add(s, b, off, segmentLength)) == 0;
    }

    public static boolean checksumValidV6(byte[] b, int off, int segmentLength, Ipv6Address src, Ipv6Address dst) {
        long s = Checksums.ipv6Pseudo(src, dst, Ipv4Header.PROTO_TCP, segmentLength);
        return Checksums.finish(Checksums.add(s, b, off, segmentLength)) == 0;
    }
}

package org.mptcplab.stack.wire;

/**
 * IPv4 header (RFC 791). Options are kept raw and skipped by their length (IHL); the stack
 * sends none. The header checksum is checked separately ({@link #checksumValid}) so that a
 * capture with a bad checksum can still be shown, flagged.
 *
 * @param flagsFragment the 3 flag bits and 13-bit fragment offset as on the wire
 * @param options raw option bytes (IHL*4 - 20 of them)
 */
public record Ipv4Header(int dscpEcn, int totalLength, int identification, int flagsFragment, int ttl,
                         int protocol, int headerChecksum, Ipv4Address source, Ipv4Address destination,
                         byte[] options) {
    public static final int MIN_LENGTH = 20;
    public static final int PROTO_TCP = 6;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    private static final byte[] NO_OPTIONS = new byte[0];

    public int headerLength() {
        return MIN_LENGTH + options.length;
    }

    /** True for a fragment other than a whole datagram (MF set or a non-zero offset). */
    public boolean isFragment() {
        return (flagsFragment & (FLAG_MF | 0x1fff)) != 0;
    }

    public static Ipv4Header parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < MIN_LENGTH) {
            throw MalformedPacketException.truncated("IPv4 header", off, MIN_LENGTH, len);
        }
        int version = Bytes.u8(b, off) >>> 4;
        if (version != 4) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, off,
                    "IPv4 header at offset " + off + ": version " + version + ", expected 4");
        }
        int ihl = (Bytes.u8(b, off) & 0xf) * 4;
        if (ihl < MIN_LENGTH) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                    "IPv4 header at offset " + off + ": header length " + ihl + " is shorter than 20");
        }
        if (ihl > len) {
            throw MalformedPacketException.truncated("IPv4 header", off, ihl, len);
        }
        int total = Bytes.u16(b, off + 2);
        if (total < ihl) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off + 2,
                    "IPv4 header at offset " + off + ": total length " + total + " is shorter than the header (" + ihl + ")");
        }
        byte[] opts = ihl == MIN_LENGTH ? NO_OPTIONS : Bytes.copy(b, off + MIN_LENGTH, ihl - MIN_LENGTH);
        return new Ipv4Header(Bytes.u8(b, off + 1), total, Bytes.u16(b, off + 4), Bytes.u16(b, off + 6),
                Bytes.u8(b, off + 8), Bytes.u8(b, off + 9), Bytes.u16(b, off + 10),
                Ipv4Address.read(b, off + 12), Ipv4Address.read(b, off + 16), opts);
    }

    /** True when the header checksum over the bytes at {@code off} is correct. */
    public static boolean checksumValid(byte[] b, int off, int headerLength) {
        return Checksums.internet(b, off, headerLength) == 0;
    }

    /** A plain header (no options, DF set, TTL 64) for the stack to send. */
    public static Ipv4Header of(Ipv4Address src, Ipv4Address dst, int protocol, int payloadLength, int id) {
        return new Ipv4Header(0, MIN_LENGTH + payloadLength, id & 0xffff, FLAG_DF, 64, protocol, 0, src, dst, NO_OPTIONS);
    }

    /**
     * Writes the header {@code of(src, dst, protocol, payloadLength, id)} would write, without
     * creating it (the stack sends one per segment); returns its length.
     */
    public static int writePlain(byte[] b, int off, Ipv4Address src, Ipv4Address dst, int protocol, int payloadLength,
                                 int id) {
        b[off] = 0x45;
        b[off + 1] = 0;
        Bytes.put16(b, off + 2, MIN_LENGTH + payloadLength);
        Bytes.put16(b, off + 4, id & 0xffff);
        Bytes.put16(b, off + 6, FLAG_DF);
        b[off + 8] = 64;
        b[off + 9] = (byte) protocol;
        Bytes.put16(b, off + 10, 0);
        Bytes.put32(b, off + 12, src.bits());
        Bytes.put32(b, off + 16, dst.bits());
        Bytes.put16(b, off + 10, Checksums.internet(b, off, MIN_LENGTH));
        return MIN_LENGTH;
    }

    /**
     * Writes the header. With {@code computeChecksum} the checksum field is computed; otherwise
     * {@link #headerChecksum} is written as is (tests build wrong checksums on purpose).
     */
    public int emit(byte[] b, int off, boolean computeChecksum) {
        int hl = headerLength();
        b[off] = (byte) (0x40 | (hl / 4));
        b[off + 1] = (byte) dscpEcn;
        Bytes.put16(b, off + 2, totalLength);
        Bytes.put16(b, off + 4, identification);
        Bytes.put16(b, off + 6, flagsFragment);
        b[off + 8] = (byte) ttl;
        b[off + 9] = (byte) protocol;
        Bytes.put16(b, off + 10, computeChecksum ? 0 : headerChecksum);
        source.emit(b, off + 12);
        destination.emit(b, off + 16);
        System.arraycopy(options, 0, b, off + MIN_LENGTH, options.length);
        if (computeChecksum) {
            Bytes.put16(b, off + 10, Checksums.internet(b, off, hl));
        }
        return hl;
    }

    public int emit(byte[] b, int off) {
        return emit(b, off, true);
    }
}

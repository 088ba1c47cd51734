package org.mptcplab.stack.wire;

import java.util.ArrayList;
import java.util.List;

/** Parsing and writing of the TCP option area (RFC 9293 3.2). */
public final class TcpOptions {
    /** TCP's option space: a data offset of 15 words minus the 20-byte fixed header. */
    public static final int MAX_SPACE = 40;

    private TcpOptions() {
    }

    /**
     * Parses the option area. A structural error (a length byte below 2 or an option running past
     * the header) throws: the rest of the area cannot be trusted. A known option with a length its
     * rule forbids becomes {@link TcpOption.Malformed} and parsing goes on, as Linux does.
     */
    public static List<TcpOption> parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len == 0) {
            return List.of();
        }
        List<TcpOption> out = new ArrayList<>(4);
        int p = off;
        int end = off + len;
        while (p < end) {
            int kind = b[p] & 0xff;
            if (kind == TcpOption.KIND_EOL) {
                out.add(new TcpOption.Eol());
                break; // the rest is padding (RFC 9293 3.2)
            }
            if (kind == TcpOption.KIND_NOP) {
                out.add(new TcpOption.Nop());
                p++;
                continue;
            }
            if (end - p < 2) {
                throw new MalformedPacketException(MalformedPacketException.Kind.TRUNCATED, p,
                        "TCP option kind " + kind + " at offset " + p + ": no room for its length byte");
            }
            int olen = b[p + 1] & 0xff;
            if (olen < 2) {
                throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, p,
                        "TCP option kind " + kind + " at offset " + p + ": length " + olen + " is shorter than 2");
            }
            if (olen > end - p) {
                throw new MalformedPacketException(MalformedPacketException.Kind.TRUNCATED, p,
                        "TCP option kind " + kind + " at offset " + p + ": length " + olen + " runs past the option area ("
                                + (end - p) + " bytes left)");
            }
            out.add(parseOne(b, p, kind, olen));
            p += olen;
        }
        return out;
    }

    private static TcpOption parseOne(byte[] b, int p, int kind, int olen) {
        switch (kind) {
            case TcpOption.KIND_MSS:
                return olen == 4 ? new TcpOption.Mss(Bytes.u16(b, p + 2)) : malformed(b, p, kind, -1, olen, "MSS", "4");
            case TcpOption.KIND_WINDOW_SCALE:
                return olen == 3 ? new TcpOption.WindowScale(Bytes.u8(b, p + 2))
                        : malformed(b, p, kind, -1, olen, "window scale", "3");
            case TcpOption.KIND_SACK_PERMITTED:
                return olen == 2 ? new TcpOption.SackPermitted() : malformed(b, p, kind, -1, olen, "SACK-permitted", "2");
            case TcpOption.KIND_SACK: {
                if (olen < 10 || olen > 34 || (olen - 2) % 8 != 0) {
                    return malformed(b, p, kind, -1, olen, "SACK", "10, 18, 26 or 34");
                }
                List<TcpOption.SackBlock> blocks = new ArrayList<>(4);
                for (int q = p + 2; q < p + olen; q += 8) {
                    blocks.add(new TcpOption.SackBlock(Bytes.i32(b, q), Bytes.i32(b, q + 4)));
                }
                return new TcpOption.Sack(blocks);
            }
            case TcpOption.KIND_TIMESTAMPS:
                return olen == 10 ? new TcpOption.Timestamps(Bytes.u32(b, p + 2), Bytes.u32(b, p + 6))
                        : malformed(b, p, kind, -1, olen, "timestamps", "10");
            case TcpOption.KIND_MPTCP:
                try {
                    return MptcpOption.parse(b, p, olen);
                } catch (MalformedPacketException e) {
                    int subtype = olen >= 3 ? (b[p + 2] & 0xff) >>> 4 : -1;
                    return new TcpOption.Malformed(kind, subtype, Bytes.copy(b, p, olen), e.getMessage());
                }
            default:
                return new TcpOption.Unknown(kind, Bytes.copy(b, p + 2, olen - 2));
        }
    }

    private static TcpOption malformed(byte[] b, int p, int kind, int subtype, int olen, String name, String expected) {
        return new TcpOption.Malformed(kind, subtype, Bytes.copy(b, p, olen),
                name + " option length " + olen + " at offset " + p + ": expected " + expected);
    }

    /** Bytes the options take, rounded up to a 4-byte boundary (the header counts 32-bit words). */
    public static int paddedLength(List<? extends TcpOption> options) {
        int n = 0;
        for (TcpOption o : options) {
            n += o.length();
        }
        return (n + 3) & ~3;
    }

    /** Writes the options and pads with EOL (zero) bytes to a 4-byte boundary; returns bytes written. */
    public static int emit(List<? extends TcpOption> options, byte[] b, int off) {
        int p = off;
        for (TcpOption o : options) {
            o.emit(b, p);
            p += o.length();
        }
        while (((p - off) & 3) != 0) {
            b[p++] = 0;
        }
        return p - off;
    }
}

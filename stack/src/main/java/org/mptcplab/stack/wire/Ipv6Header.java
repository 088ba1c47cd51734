package org.mptcplab.stack.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * IPv6 fixed header (RFC 8200) and the chain of extension headers in front of the upper layer.
 * {@link #upperProtocol} and {@link #headerLength} give where TCP starts after the walk.
 *
 * @param extensions each extension header met, in order (type and length; content is not needed)
 * @param upperProtocol next-header value of the first non-extension header (6 for TCP, 59 none,
 *                      50 ESP: encrypted, cannot be walked)
 * @param headerLength fixed header plus all extension headers, in bytes
 * @param fragmentOffset offset of a Fragment header's payload (in bytes), or -1 without one; a
 *                       non-first fragment's upper layer is not at the start of its payload
 */
public record Ipv6Header(int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                         Ipv6Address source, Ipv6Address destination, List<Extension> extensions,
                         int upperProtocol, int headerLength, int fragmentOffset) {
    public static final int FIXED_LENGTH = 40;
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AUTH = 51;
    public static final int NO_NEXT = 59;
    public static final int DEST_OPTS = 60;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;
    /** Longer chains are not seen in practice; the bound keeps a crafted packet from costing much. */
    private static final int MAX_EXTENSIONS = 16;

    /** One extension header: its type (the next-header value that named it) and total length. */
    public record Extension(int type, int length) {
    }

    public Ipv6Header {
        extensions = List.copyOf(extensions);
    }

    public static boolean isExtension(int nh) {
        return nh == HOP_BY_HOP || nh == ROUTING || nh == FRAGMENT || nh == DEST_OPTS || nh == AUTH
                || nh == MOBILITY || nh == HIP || nh == SHIM6;
    }

    public static Ipv6Header parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < FIXED_LENGTH) {
            throw MalformedPacketException.truncated("IPv6 header", off, FIXED_LENGTH, len);
        }
        int w = Bytes.i32(b, off);
        int version = w >>> 28;
        if (version != 6) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, off,
                    "IPv6 header at offset " + off + ": version " + version + ", expected 6");
        }
        int payloadLength = Bytes.u16(b, off + 4);
        int next = Bytes.u8(b, off + 6);
        int pos = off + FIXED_LENGTH;
        int end = off + len;
        List<Extension> exts = List.of();
        int fragOffset = -1;
        // RFC 8200 4.1: walk the chain; each header says its own length and the next type.
        while (isExtension(next)) {
            if (exts.isEmpty()) {
                exts = new ArrayList<>(2);
            }
            if (exts.size() == MAX_EXTENSIONS) {
                throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, pos,
                        "IPv6 header at offset " + off + ": more than " + MAX_EXTENSIONS + " extension headers");
            }
            if (end - pos < 8) {
                throw MalformedPacketException.truncated("IPv6 extension header " + next, pos, 8, end - pos);
            }
            int extLen;
            if (next == FRAGMENT) {
                extLen = 8; // RFC 8200 4.5: fixed size, second byte reserved
                int fo = Bytes.u16(b, pos + 2) & 0xfff8;
                fragOffset = fo;
            } else if (next == AUTH) {
                extLen = (Bytes.u8(b, pos + 1) + 2) * 4; // RFC 4302 2.2: in 4-byte units minus 2
            } else {
                extLen = (Bytes.u8(b, pos + 1) + 1) * 8; // RFC 8200 4.3: in 8-byte units minus 1
            }
            if (end - pos < extLen) {
                throw MalformedPacketException.truncated("IPv6 extension header " + next, pos, extLen, end - pos);
            }
            exts.add(new Extension(next, extLen));
            next = Bytes.u8(b, pos);
            pos += extLen;
        }
        return new Ipv6Header((w >>> 20) & 0xff, w & 0xfffff, payloadLength, Bytes.u8(b, off + 6),
                Bytes.u8(b, off + 7), Ipv6Address.read(b, off + 8), Ipv6Address.read(b, off + 24), exts, next,
                pos - off, fragOffset);
    }

    /** A plain header without extensions for the stack to send. */
    public static Ipv6Header of(Ipv6Address src, Ipv6Address dst, int protocol, int payloadLength) {
        return new Ipv6Header(0, 0, payloadLength, protocol, 64, src, dst, List.of(), protocol, FIXED_LENGTH, -1);
    }

    /** Writes the fixed header only (the stack sends no extension headers). */
    public int emit(byte[] b, int off) {
        if (!extensions.isEmpty()) {
            throw new IllegalStateException("emitting IPv6 extension headers is not supported");
        }
        Bytes.put32(b, off, (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff));
        Bytes.put16(b, off + 4, payloadLength);
        b[off + 6] = (byte) nextHeader;
        b[off + 7] = (byte) hopLimit;
        source.emit(b, off + 8);
        destination.emit(b, off + 24);
        return FIXED_LENGTH;
    }
}

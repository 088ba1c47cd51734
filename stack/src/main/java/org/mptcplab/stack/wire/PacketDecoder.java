package org.mptcplab.stack.wire;

/**
 * Decodes a captured frame, from its link-layer header (as named by the capture's link type) down
 * to TCP and its options. Never throws: a malformed layer ends decoding and is reported in
 * {@link DecodedPacket#error()} with the layers parsed so far.
 */
public final class PacketDecoder {
    // Link types (tcpdump.org LINKTYPE_ values) this decoder reads.
    public static final int LINK_NULL = 0;
    public static final int LINK_ETHERNET = 1;
    public static final int LINK_PPP = 9;
    public static final int LINK_RAW_OPENBSD = 12;
    public static final int LINK_RAW_BSDOS = 14;
    public static final int LINK_PPP_HDLC = 50;
    public static final int LINK_RAW = 101;
    public static final int LINK_LOOP = 108;
    public static final int LINK_LINUX_SLL = 113;
    public static final int LINK_IPV4 = 228;
    public static final int LINK_IPV6 = 229;
    public static final int LINK_LINUX_SLL2 = 276;

    private PacketDecoder() {
    }

    /** True for the link types {@link #decode} understands. */
    public static boolean supports(int linkType) {
        return switch (linkType) {
            case LINK_NULL, LINK_ETHERNET, LINK_PPP, LINK_RAW_OPENBSD, LINK_RAW_BSDOS, LINK_PPP_HDLC, LINK_RAW,
                    LINK_LOOP, LINK_LINUX_SLL, LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2 -> true;
            default -> false;
        };
    }

    public static DecodedPacket decode(int linkType, byte[] data) {
        return decode(linkType, data, data.length);
    }

    /** Decodes the first {@code len} bytes of {@code data}. */
    public static DecodedPacket decode(int linkType, byte[] data, int len) {
        EthernetHeader eth = null;
        int network;
        int netOff;
        try {
            switch (linkType) {
                case LINK_ETHERNET -> {
                    eth = EthernetHeader.parse(data, 0, len);
                    network = eth.etherType();
                    netOff = eth.headerLength();
                }
                case LINK_RAW, LINK_RAW_OPENBSD, LINK_RAW_BSDOS, LINK_IPV4, LINK_IPV6 -> {
                    netOff = 0;
                    network = ipVersionType(data, 0, len, "raw IP packet");
                }
                case LINK_LINUX_SLL -> {
                    // Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
                    need(len, 16, "Linux cooked (SLL) header", 0);
                    network = Bytes.u16(data, 14);
                    netOff = 16;
                }
                case LINK_LINUX_SLL2 -> {
                    // Linux cooked v2: protocol, reserved, interface index, ARPHRD, packet type, address.
                    need(len, 20, "Linux cooked (SLL2) header", 0);
                    network = Bytes.u16(data, 0);
                    netOff = 20;
                }
                case LINK_NULL, LINK_LOOP -> {
                    // BSD loopback: a 4-byte address family, in the capturing host's byte order for
                    // NULL and in network order for LOOP. IPv6 has several values across BSDs.
                    need(len, 4, "BSD loopback header", 0);
                    int fam = Bytes.i32(data, 0);
                    if (linkType == LINK_NULL && (fam & 0xffff) == 0) {
                        fam = Integer.reverseBytes(fam);
                    }
                    network = switch (fam) {
                        case 2 -> EthernetHeader.TYPE_IPV4;
                        case 10, 24, 28, 30 -> EthernetHeader.TYPE_IPV6;
                        default -> throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, 0,
                                "BSD loopback header at offset 0: address family " + fam + " is neither IPv4 (2) nor IPv6 (10, 24, 28, 30)");
                    };
                    netOff = 4;
                }
                case LINK_PPP, LINK_PPP_HDLC -> {
                    // RFC 1661/1662: optional address 0xff and control 0x03, then the protocol field,
                    // 1 byte when compressed (odd value) or 2 bytes.
                    int p = 0;
                    need(len, 2, "PPP header", 0);
                    if ((data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0x03) {
                        p = 2;
                    }
                    need(len - p, 1, "PPP protocol field", p);
                    int proto;
                    if ((data[p] & 1) != 0) {
                        proto = data[p] & 0xff;
                        p += 1;
                    } else {
                        need(len - p, 2, "PPP protocol field", p);
                        proto = Bytes.u16(data, p);
                        p += 2;
                    }
                    network = switch (proto) {
                        case 0x21 -> EthernetHeader.TYPE_IPV4;
                        case 0x57 -> EthernetHeader.TYPE_IPV6;
                        default -> proto;
                    };
                    netOff = p;
                }
                default -> {
                    return new DecodedPacket(linkType, data, null, -1, -1, null, null, null, null, -1, -1, 0,
                            new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, 0,
                                    "link type " + linkType + " is not supported"));
                }
            }
        } catch (MalformedPacketException e) {
            return new DecodedPacket(linkType, data, eth, -1, -1, null, null, null, null, -1, -1, 0, e);
        }
        return decodeNetwork(linkType, data, len, eth, network, netOff);
    }

    private static int ipVersionType(byte[] data, int off, int len, String what) throws MalformedPacketException {
        need(len - off, 1, what, off);
        int v = (data[off] & 0xff) >>> 4;
        if (v == 4) {
            return EthernetHeader.TYPE_IPV4;
        }
        if (v == 6) {
            return EthernetHeader.TYPE_IPV6;
        }
        throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, off,
                what + " at offset " + off + ": IP version " + v + ", expected 4 or 6");
    }

    private static void need(int have, int needed, String what, int off) throws MalformedPacketException {
        if (have < needed) {
            throw MalformedPacketException.truncated(what, off, needed, Math.max(have, 0));
        }
    }

    private static DecodedPacket decodeNetwork(int linkType, byte[] data, int len, EthernetHeader eth, int network,
                                               int netOff) {
        ArpPacket arp = null;
        Ipv4Header v4 = null;
        Ipv6Header v6 = null;
        TcpHeader tcp = null;
        int tcpOff = -1;
        try {
            int avail = len - netOff;
            int tcpLen;
            if (network == EthernetHeader.TYPE_ARP) {
                arp = ArpPacket.parse(data, netOff, avail);
                return new DecodedPacket(linkType, data, eth, network, netOff, arp, null, null, null, -1, -1, 0, null);
            } else if (network == EthernetHeader.TYPE_IPV4) {
                v4 = Ipv4Header.parse(data, netOff, avail);
                if (v4.protocol() != Ipv4Header.PROTO_TCP || v4.isFragment() && (v4.flagsFragment() & 0x1fff) != 0) {
                    return new DecodedPacket(linkType, data, eth, network, netOff, null, v4, null, null, -1, -1, 0, null);
                }
                tcpOff = netOff + v4.headerLength();
                // Bytes of TCP we may read: the IP length bounds it (Ethernet pads short frames),
                // and the capture may have cut it shorter still.
                tcpLen = Math.min(v4.totalLength() - v4.headerLength(), len - tcpOff);
            } else if (network == EthernetHeader.TYPE_IPV6) {
                v6 = Ipv6Header.parse(data, netOff, avail);
                if (v6.upperProtocol() != Ipv4Header.PROTO_TCP || v6.fragmentOffset() > 0) {
                    return new DecodedPacket(linkType, data, eth, network, netOff, null, null, v6, null, -1, -1, 0, null);
                }
                tcpOff = netOff + v6.headerLength();
                tcpLen = Math.min(Ipv6Header.FIXED_LENGTH + v6.payloadLength() - v6.headerLength(), len - tcpOff);
                if (tcpLen < 0) {
                    throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, netOff + 4,
                            "IPv6 header at offset " + netOff + ": payload length " + v6.payloadLength()
                                    + " is shorter than its extension headers (" + (v6.headerLength() - Ipv6Header.FIXED_LENGTH) + ")");
                }
            } else {
                return new DecodedPacket(linkType, data, eth, network, netOff, null, null, null, null, -1, -1, 0, null);
            }
            tcp = TcpHeader.parse(data, tcpOff, tcpLen);
            int dataOffset = TcpHeader.dataOffset(data, tcpOff);
            int payOff = tcpOff + dataOffset;
            return new DecodedPacket(linkType, data, eth, network, netOff, null, v4, v6, tcp, tcpOff, payOff,
                    Math.max(0, tcpLen - dataOffset), null);
        } catch (MalformedPacketException e) {
            return new DecodedPacket(linkType, data, eth, network, netOff, arp, v4, v6, tcp, tcpOff, -1, 0, e);
        }
    }
}

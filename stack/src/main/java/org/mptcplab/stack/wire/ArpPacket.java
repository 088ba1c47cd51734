package org.mptcplab.stack.wire;

/**
 * ARP (RFC 826) for IPv4 over Ethernet, the only combination the stack answers and resolves.
 * Other hardware/protocol types are rejected with a clear error rather than misread.
 */
public record ArpPacket(int operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac,
                        Ipv4Address targetIp) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    public static final int LENGTH = 28;

    public static ArpPacket parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < LENGTH) {
            throw MalformedPacketException.truncated("ARP packet", off, LENGTH, len);
        }
        int htype = Bytes.u16(b, off);
        int ptype = Bytes.u16(b, off + 2);
        int hlen = Bytes.u8(b, off + 4);
        int plen = Bytes.u8(b, off + 5);
        if (htype != 1 || ptype != EthernetHeader.TYPE_IPV4 || hlen != 6 || plen != 4) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, off,
                    String.format("ARP packet at offset %d: hardware type %d, protocol 0x%04x, lengths %d/%d;"
                            + " expected Ethernet (1), IPv4 (0x0800), 6/4", off, htype, ptype, hlen, plen));
        }
        return new ArpPacket(Bytes.u16(b, off + 6), MacAddress.read(b, off + 8), Ipv4Address.read(b, off + 14),
                MacAddress.read(b, off + 18), Ipv4Address.read(b, off + 24));
    }

    public int emit(byte[] b, int off) {
        Bytes.put16(b, off, 1);
        Bytes.put16(b, off + 2, EthernetHeader.TYPE_IPV4);
        b[off + 4] = 6;
        b[off + 5] = 4;
        Bytes.put16(b, off + 6, operation);
        senderMac.emit(b, off + 8);
        senderIp.emit(b, off + 14);
        targetMac.emit(b, off + 18);
        targetIp.emit(b, off + 24);
        return LENGTH;
    }
}

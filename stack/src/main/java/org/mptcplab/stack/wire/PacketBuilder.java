package org.mptcplab.stack.wire;

/**
 * Builds whole frames (Ethernet or raw IP, IPv4 or IPv6, TCP with options and payload) with
 * correct lengths and checksums: what the stack sends and what tests feed it.
 */
public final class PacketBuilder {
    private PacketBuilder() {
    }

    /** Bytes an IP+TCP packet takes. */
    public static int ipTcpLength(IpAddress src, TcpHeader tcp, int payloadLength) {
        int ip = src instanceof Ipv4Address ? Ipv4Header.MIN_LENGTH : Ipv6Header.FIXED_LENGTH;
        return ip + tcp.headerLength() + payloadLength;
    }

    /**
     * Writes IP + TCP + payload at {@code off} with both checksums computed; returns bytes written.
     * The buffer must have room for {@link #ipTcpLength}.
     */
    public static int writeIpTcp(byte[] buf, int off, IpAddress src, IpAddress dst, int ipId, TcpHeader tcp,
                                 byte[] payload, int payOff, int payLen) {
        int segLen = tcp.headerLength() + payLen;
        int tcpOff;
        if (src instanceof Ipv4Address s4) {
            if (!(dst instanceof Ipv4Address d4)) {
                throw new IllegalArgumentException("source " + src + " and destination " + dst + " are not the same IP version");
            }
            Ipv4Header ip = Ipv4Header.of(s4, d4, Ipv4Header.PROTO_TCP, segLen, ipId);
            tcpOff = off + ip.emit(buf, off);
            tcp.emit(buf, tcpOff);
            System.arraycopy(payload, payOff, buf, tcpOff + tcp.headerLength(), payLen);
            TcpHeader.fillChecksumV4(buf, tcpOff, segLen, s4, d4);
        } else {
            Ipv6Address s6 = (Ipv6Address) src;
            if (!(dst instanceof Ipv6Address d6)) {
                throw new IllegalArgumentException("source " + src + " and destination " + dst + " are not the same IP version");
            }
            Ipv6Header ip = Ipv6Header.of(s6, d6, Ipv4Header.PROTO_TCP, segLen);
            tcpOff = off + ip.emit(buf, off);
            tcp.emit(buf, tcpOff);
            System.arraycopy(payload, payOff, buf, tcpOff + tcp.headerLength(), payLen);
            TcpHeader.fillChecksumV6(buf, tcpOff, segLen, s6, d6);
        }
        return tcpOff - off + segLen;
    }

    /** A raw IP packet (link type RAW). */
    public static byte[] ipTcp(IpAddress src, IpAddress dst, TcpHeader tcp, byte[] payload) {
        byte[] out = new byte[ipTcpLength(src, tcp, payload.length)];
        writeIpTcp(out, 0, src, dst, 0, tcp, payload, 0, payload.length);
        return out;
    }

    /** An Ethernet II frame carrying IP + TCP. */
    public static byte[] ethernetTcp(MacAddress srcMac, MacAddress dstMac, IpAddress src, IpAddress dst, TcpHeader tcp,
                                     byte[] payload) {
        int type = src instanceof Ipv4Address ? EthernetHeader.TYPE_IPV4 : EthernetHeader.TYPE_IPV6;
        EthernetHeader eth = new EthernetHeader(dstMac, srcMac, type);
        byte[] out = new byte[eth.headerLength() + ipTcpLength(src, tcp, payload.length)];
        int p = eth.emit(out, 0);
        writeIpTcp(out, p, src, dst, 0, tcp, payload, 0, payload.length);
        return out;
    }

    /** An Ethernet II frame carrying ARP. */
    public static byte[] ethernetArp(MacAddress srcMac, MacAddress dstMac, ArpPacket arp) {
        EthernetHeader eth = new EthernetHeader(dstMac, srcMac, EthernetHeader.TYPE_ARP);
        // Ethernet's minimum frame (60 bytes without FCS): pad as a NIC would.
        byte[] out = new byte[Math.max(60, eth.headerLength() + ArpPacket.LENGTH)];
        int p = eth.emit(out, 0);
        arp.emit(out, p);
        return out;
    }
}

package org.mptcplab.stack.wire;

/**
 * One frame decoded as far as it goes: the layers that parsed, and the first error if a layer did
 * not. A malformed packet keeps its good outer layers (so a tool can still show addresses) and
 * carries the error that says what and where.
 *
 * @param data the frame bytes as captured (not copied)
 * @param network the network-layer protocol found: 0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, or the
 *                link's own type value when it is none of these, -1 when the link header failed
 * @param networkOffset where the IP (or ARP) header starts in {@code data}
 * @param tcpOffset where the TCP header starts, -1 without TCP
 * @param payloadOffset where the TCP payload starts, -1 without TCP
 * @param payloadLength TCP payload bytes present in {@code data} (may be less than on the wire
 *                      when the capture was cut by a snap length)
 * @param error the first decode error, or null for a packet that decoded cleanly
 */
public record DecodedPacket(int linkType, byte[] data, EthernetHeader ethernet, int network, int networkOffset,
                            ArpPacket arp, Ipv4Header ipv4, Ipv6Header ipv6, TcpHeader tcp, int tcpOffset,
                            int payloadOffset, int payloadLength, MalformedPacketException error) {

    public boolean isMalformed() {
        return error != null;
    }

    public boolean isTcp() {
        return tcp != null;
    }

    public IpAddress source() {
        return ipv4 != null ? ipv4.source() : ipv6 != null ? ipv6.source() : null;
    }

    public IpAddress destination() {
        return ipv4 != null ? ipv4.destination() : ipv6 != null ? ipv6.destination() : null;
    }

    /**
     * TCP segment length as the IP header announces it (header + payload), or -1 without TCP. This
     * is the length the TCP checksum covers; it can exceed what a snap length kept.
     */
    public int tcpSegmentLengthOnWire() {
        if (tcp == null) {
            return -1;
        }
        if (ipv4 != null) {
            return ipv4.totalLength() - ipv4.headerLength();
        }
        return ipv6.payloadLength() - (ipv6.headerLength() - Ipv6Header.FIXED_LENGTH);
    }

    /**
     * Whether the TCP checksum is right; null when it cannot be told (no TCP, or the capture did not
     * keep the whole segment). Computed on demand: checking every packet would slow decoding.
     */
    public Boolean tcpChecksumValid() {
        int seg = tcpSegmentLengthOnWire();
        if (seg < 0 || tcpOffset + seg > data.length) {
            return null;
        }
        if (ipv4 != null) {
            return TcpHeader.checksumValidV4(data, tcpOffset, seg, ipv4.source(), ipv4.destination());
        }
        return TcpHeader.checksumValidV6(data, tcpOffset, seg, ipv6.source(), ipv6.destination());
    }

    /** Whether the IPv4 header checksum is right; null without IPv4. */
    public Boolean ipv4ChecksumValid() {
        return ipv4 == null ? null : Ipv4Header.checksumValid(data, networkOffset, ipv4.headerLength());
    }
}

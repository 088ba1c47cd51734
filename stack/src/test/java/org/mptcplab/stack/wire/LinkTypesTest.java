package org.mptcplab.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every link-layer header the decoder reads, in front of the same IPv4/IPv6 TCP segment. */
class LinkTypesTest {
    static final TcpHeader TCP = TcpHeader.of(1234, 80, 7, 0, TcpHeader.SYN, 1000, List.of(MptcpOption.MpCapable.syn(1)));
    static final byte[] V4 = PacketBuilder.ipTcp(Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2"), TCP, new byte[0]);
    static final byte[] V6 = PacketBuilder.ipTcp(Ipv6Address.parse("fd00::1"), Ipv6Address.parse("fd00::2"), TCP, new byte[0]);

    static byte[] cat(String hex, byte[] ip) {
        byte[] h = Bytes.fromHex(hex);
        byte[] out = java.util.Arrays.copyOf(h, h.length + ip.length);
        System.arraycopy(ip, 0, out, h.length, ip.length);
        return out;
    }

    static void decodesTo(int link, byte[] frame, int ipVersion, int networkOffset) {
        DecodedPacket p = PacketDecoder.decode(link, frame);
        assertThat(p.error()).as("link %d", link).isNull();
        assertThat(p.networkOffset()).isEqualTo(networkOffset);
        assertThat(ipVersion == 4 ? p.ipv4() : p.ipv6()).isNotNull();
        assertThat(p.tcp().mptcp(MptcpOption.MP_CAPABLE)).isEqualTo(MptcpOption.MpCapable.syn(1));
        assertThat(p.tcpChecksumValid()).isTrue();
    }

    @Test
    void ethernetAndVlan() {
        decodesTo(PacketDecoder.LINK_ETHERNET, cat("020000000002 020000000001 0800", V4), 4, 14);
        decodesTo(PacketDecoder.LINK_ETHERNET, cat("020000000002 020000000001 8100 0005 86dd", V6), 6, 18);
    }

    @Test
    void linuxCookedV1AndV2() {
        // SLL: packet type, ARPHRD (1), address length 6, 8 address bytes, protocol.
        decodesTo(PacketDecoder.LINK_LINUX_SLL, cat("0000 0001 0006 020000000001 0000 0800", V4), 4, 16);
        // SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length, 8 address bytes.
        decodesTo(PacketDecoder.LINK_LINUX_SLL2, cat("86dd 0000 00000002 0001 00 06 020000000001 0000", V6), 6, 20);
    }

    @Test
    void rawIpOfEveryFlavour() {
        decodesTo(PacketDecoder.LINK_RAW, V4, 4, 0);
        decodesTo(PacketDecoder.LINK_RAW, V6, 6, 0);
        decodesTo(PacketDecoder.LINK_IPV4, V4, 4, 0);
        decodesTo(PacketDecoder.LINK_IPV6, V6, 6, 0);
    }

    @Test
    void bsdLoopbackBothByteOrders() {
        decodesTo(PacketDecoder.LINK_NULL, cat("02000000", V4), 4, 4); // little-endian host
        decodesTo(PacketDecoder.LINK_NULL, cat("00000002", V4), 4, 4); // big-endian host
        decodesTo(PacketDecoder.LINK_NULL, cat("1e000000", V6), 6, 4); // AF_INET6 on macOS (30)
        decodesTo(PacketDecoder.LINK_LOOP, cat("00000018", V6), 6, 4); // OpenBSD, network order (24)
        DecodedPacket bad = PacketDecoder.decode(PacketDecoder.LINK_NULL, cat("07000000", V4));
        assertThat(bad.error()).hasMessageContaining("address family 7");
    }

    @Test
    void pppWithAndWithoutAddressAndControl() {
        decodesTo(PacketDecoder.LINK_PPP, cat("ff03 0021", V4), 4, 4);
        decodesTo(PacketDecoder.LINK_PPP, cat("0057", V6), 6, 2);
        decodesTo(PacketDecoder.LINK_PPP_HDLC, cat("ff03 21", V4), 4, 3); // compressed protocol field
    }

    @Test
    void unknownLinkTypeIsATypedError() {
        DecodedPacket p = PacketDecoder.decode(147, V4);
        assertThat(p.error()).hasMessage("link type 147 is not supported");
        assertThat(PacketDecoder.supports(147)).isFalse();
    }
}

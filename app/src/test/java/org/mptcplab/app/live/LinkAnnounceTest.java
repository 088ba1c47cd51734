package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.MacAddress;

/** The announcement of our addresses when the link layer starts (RFC 5227 3, RFC 4861 7.2.6). */
class LinkAnnounceTest {
    @Test
    void aGratuitousArpPerIpv4AddressAndAnUnsolicitedAdvertisementPerIpv6Address() throws Exception {
        MptcpStack stack = new MptcpStack("t", StackConfig.defaults(), 1);
        MacAddress mac = LinkLayer.derivedMac(1, 0);
        LinkLayer link = new LinkLayer(stack).addInterface(0, mac).addAddress(0, IpAddress.parse("10.5.0.1"), 24)
                .addAddress(0, IpAddress.parse("fd00:5::1"), 64);
        link.announce();
        Frame arp = link.pollFrame(0);
        Frame na = link.pollFrame(0);
        assertThat(link.pollFrame(0)).isNull();
        ArpPacket a = ArpPacket.parse(arp.data(), 14, arp.data().length - 14);
        assertThat(a.senderIp()).isEqualTo(a.targetIp()).isEqualTo(IpAddress.parse("10.5.0.1"));
        assertThat(a.senderMac()).isEqualTo(mac);
        byte[] f = na.data();
        assertThat(Bytes.u16(f, 12)).isEqualTo(0x86dd);
        assertThat(f[14 + 40] & 0xff).isEqualTo(136); // neighbour advertisement
        assertThat(f[14 + 40 + 4] & 0xff).isEqualTo(0x20); // override, not solicited
        assertThat(Ipv6Address.read(f, 14 + 40 + 8)).isEqualTo(IpAddress.parse("fd00:5::1"));
        assertThat(Ipv6Address.read(f, 14 + 24)).isEqualTo(IpAddress.parse("ff02::1"));
    }
}

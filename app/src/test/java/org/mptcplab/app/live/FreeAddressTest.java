package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.live.FreeAddress.KernelAddress;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.PacketBuilder;

/** Choosing a free address from injected kernel addresses, neighbours and probe answers: no root. */
class FreeAddressTest {
    static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    final List<IpAddress> probed = new ArrayList<>();

    @Test
    void skipsTheKernelsAddressesItsNeighboursAndWhatAnswersAProbe() {
        List<KernelAddress> kernel = List.of(new KernelAddress(ip("fe80::1"), 64), new KernelAddress(ip("10.7.0.254"), 24),
                new KernelAddress(ip("10.7.0.253"), 24));
        FreeAddress.Choice c = FreeAddress.choose("eth1", false, kernel, Set.of(ip("10.7.0.252")), a -> {
            probed.add(a);
            return a.equals(ip("10.7.0.251"));
        });
        assertThat(c.address()).isEqualTo(ip("10.7.0.250"));
        assertThat(c.prefixLength()).isEqualTo(24);
        assertThat(probed).containsExactly(ip("10.7.0.251"), ip("10.7.0.250"));
        assertThat(c.skipped()).containsExactly("10.7.0.254 (the kernel's)", "10.7.0.253 (the kernel's)",
                "10.7.0.252 (in the neighbour table)", "10.7.0.251 (answered the probe)");
    }

    @Test
    void ipv6TakesTheGlobalPrefixNotTheLinkLocalOne() {
        List<KernelAddress> kernel = List.of(new KernelAddress(ip("fe80::1"), 64), new KernelAddress(ip("fd00:7::2"), 64));
        FreeAddress.Choice c = FreeAddress.choose("eth1", true, kernel, Set.of(), a -> false);
        assertThat(c.address()).isEqualTo(ip("fd00:7::fff0"));
        assertThat(c.prefixLength()).isEqualTo(64);
    }

    @Test
    void noKernelAddressMeansGiveOne() {
        assertThatThrownBy(() -> FreeAddress.choose("mlc1", false, List.of(new KernelAddress(ip("fd00:1::2"), 64)),
                Set.of(), a -> false))
                .hasMessage("--iface mlc1: the interface has no IPv4 address of the kernel's to take a subnet from;"
                        + " give the address our stack should use: --iface mlc1=ADDR/PREFIX");
    }

    @Test
    void everythingClaimedEndsWithAClearMessageAfterABoundedNumberOfProbes() {
        assertThatThrownBy(() -> FreeAddress.choose("eth1", false, List.of(new KernelAddress(ip("10.8.0.1"), 24)),
                Set.of(), a -> {
                    probed.add(a);
                    return true;
                })).hasMessageStartingWith("--iface eth1: no free IPv4 address found in 10.8.0.1/24");
        assertThat(probed).hasSize(FreeAddress.MAX_PROBES);
        // A /31 or /32 leaves no room at all.
        assertThat(FreeAddress.candidates(new KernelAddress(ip("10.9.0.1"), 31), 8)).isEmpty();
        assertThat(FreeAddress.candidates(new KernelAddress(ip("10.9.0.1"), 30), 8)).containsExactly(ip("10.9.0.2"),
                ip("10.9.0.1"));
    }

    @Test
    void readsIpJsonOutput() {
        String addr = "[{\"ifindex\":5,\"ifname\":\"mls1\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.1.0.2\","
                + "\"prefixlen\":24,\"scope\":\"global\",\"label\":\"mls1\"},{\"family\":\"inet6\",\"local\":\"fd00:1::2\","
                + "\"prefixlen\":64,\"scope\":\"global\",\"nodad\":true},{\"family\":\"inet\",\"local\":\"127.0.0.1\","
                + "\"prefixlen\":8,\"scope\":\"host\"}]}]";
        assertThat(FreeAddress.parseAddresses(addr)).containsExactly(new KernelAddress(ip("10.1.0.2"), 24),
                new KernelAddress(ip("fd00:1::2"), 64));
        String neigh = "[{\"dst\":\"10.1.0.1\",\"dev\":\"mls1\",\"lladdr\":\"02:00:00:00:00:01\",\"state\":[\"REACHABLE\"]},"
                + "{\"dst\":\"fd00:1::1\",\"dev\":\"mls1\",\"state\":[\"FAILED\"]}]";
        assertThat(FreeAddress.parseNeighbours(neigh)).containsExactly(ip("10.1.0.1"), ip("fd00:1::1"));
    }

    @Test
    void anArpFromTheCandidateOrAnotherProbeForItClaimsIt() {
        MacAddress other = new MacAddress(0x0200_0000_0042L);
        Ipv4Address c = (Ipv4Address) ip("10.7.0.250");
        byte[] reply = PacketBuilder.ethernetArp(other, MacAddress.BROADCAST,
                new ArpPacket(ArpPacket.REPLY, other, c, MacAddress.ZERO, new Ipv4Address(0)));
        byte[] theirProbe = FreeAddress.probe(other, c);
        byte[] unrelated = PacketBuilder.ethernetArp(other, MacAddress.BROADCAST,
                new ArpPacket(ArpPacket.REQUEST, other, (Ipv4Address) ip("10.7.0.9"), MacAddress.ZERO,
                        (Ipv4Address) ip("10.7.0.1")));
        assertThat(FreeAddress.claims(reply, c)).isTrue();
        assertThat(FreeAddress.claims(theirProbe, c)).isTrue();
        assertThat(FreeAddress.claims(unrelated, c)).isFalse();
        // IPv6: another host's duplicate address detection for the same address claims it too.
        IpAddress c6 = ip("fd00:7::fff0");
        assertThat(FreeAddress.claims(FreeAddress.probe(other, c6), c6)).isTrue();
        assertThat(FreeAddress.claims(FreeAddress.probe(other, c6), ip("fd00:7::ffef"))).isFalse();
    }
}

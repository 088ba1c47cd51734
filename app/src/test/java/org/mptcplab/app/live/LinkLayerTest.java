package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.live.LinkLayer.Counter;
import org.mptcplab.app.live.LinkLayer.NeighbourState;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;

/**
 * The link layer with hand-built frames, in virtual time: ARP and neighbour discovery both ways
 * (checksums checked by an independent summation), queueing behind resolution, retries and drop,
 * gateway routing, filtering of what is not ours, and the impairment stage.
 */
class LinkLayerTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final MacAddress PEER_MAC = MacAddress.parse("02:aa:bb:cc:dd:01");
    static final MacAddress OTHER_MAC = MacAddress.parse("02:aa:bb:cc:dd:99");
    static final Ipv4Address US4 = Ipv4Address.parse("10.0.0.1");
    static final Ipv4Address PEER4 = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address US4B = Ipv4Address.parse("10.0.1.1");
    static final Ipv6Address US6 = Ipv6Address.parse("fd00::1");
    static final Ipv6Address PEER6 = Ipv6Address.parse("fd00::2");

    /** Records datagrams and timer calls; sends what the test puts in its outbox. */
    static final class FakeEndpoint implements Endpoint {
        final List<byte[]> received = new ArrayList<>();
        final List<Integer> receivedOn = new ArrayList<>();
        final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
        long timer = NEVER;
        final List<Long> timeouts = new ArrayList<>();

        @Override
        public void handlePacket(long now, int iface, byte[] packet, int off, int len) {
            received.add(Arrays.copyOfRange(packet, off, off + len));
            receivedOn.add(iface);
        }

        @Override
        public Transmit pollTransmit(long now) {
            return outbox.pollFirst();
        }

        @Override
        public long nextTimeout() {
            return timer;
        }

        @Override
        public void handleTimeout(long now) {
            timeouts.add(now);
            timer = NEVER;
        }
    }

    FakeEndpoint ep;
    LinkLayer link;
    MacAddress mac0;
    MacAddress mac1;

    @BeforeEach
    void setUp() {
        ep = new FakeEndpoint();
        link = new LinkLayer(ep);
        mac0 = LinkLayer.derivedMac(7, 0);
        mac1 = LinkLayer.derivedMac(7, 1);
        link.addInterface(0, mac0).addAddress(0, US4, 24).addAddress(0, US6, 64);
        link.addInterface(1, mac1).addAddress(1, US4B, 24);
    }

    // ------------------------------------------------------------------ helpers

    static byte[] datagram(IpAddress src, IpAddress dst, int seq, int payload) {
        byte[] p = new byte[payload];
        Arrays.fill(p, (byte) seq);
        return PacketBuilder.ipTcp(src, dst, TcpHeader.of(40000, 80, seq, 1, TcpHeader.ACK, 65535, List.of()), p);
    }

    static byte[] eth(MacAddress src, MacAddress dst, int type, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        new EthernetHeader(dst, src, type).emit(f, 0);
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    static byte[] arp(int op, MacAddress ethSrc, MacAddress ethDst, MacAddress sMac, Ipv4Address sIp, MacAddress tMac,
                      Ipv4Address tIp) {
        return PacketBuilder.ethernetArp(ethSrc, ethDst, new ArpPacket(op, sMac, sIp, tMac, tIp));
    }

    /**
     * An NS or NA built byte by byte (not with the class under test), checksum by
     * {@link #naiveChecksum}; {@code lla} null for no option.
     */
    static byte[] nd(MacAddress ethSrc, MacAddress ethDst, Ipv6Address src, Ipv6Address dst, int hopLimit, int type,
                     int flags, Ipv6Address target, MacAddress lla) {
        int icmpLen = 24 + (lla != null ? 8 : 0);
        byte[] f = new byte[14 + 40 + icmpLen];
        new EthernetHeader(ethDst, ethSrc, EthernetHeader.TYPE_IPV6).emit(f, 0);
        f[14] = 0x60;
        Bytes.put16(f, 18, icmpLen);
        f[20] = 58;
        f[21] = (byte) hopLimit;
        src.emit(f, 22);
        dst.emit(f, 38);
        int p = 54;
        f[p] = (byte) type;
        f[p + 4] = (byte) flags;
        target.emit(f, p + 8);
        if (lla != null) {
            f[p + 24] = (byte) (type == 135 ? 1 : 2);
            f[p + 25] = 1;
            lla.emit(f, p + 26);
        }
        Bytes.put16(f, p + 2, naiveChecksum(f, 14));
        return f;
    }

    /**
     * ICMPv6 checksum of the message after the IPv6 header at {@code ipOff}, summed 16 bits at a
     * time exactly as RFC 4443 2.3 / RFC 8200 8.1 spell it out: 0 over a message with a correct one.
     */
    static int naiveChecksum(byte[] f, int ipOff) {
        int len = Bytes.u16(f, ipOff + 4);
        long sum = 0;
        for (int i = 0; i < 32; i += 2) {
            sum += Bytes.u16(f, ipOff + 8 + i); // source and destination addresses
        }
        sum += len; // upper-layer packet length (32 bits, high half zero)
        sum += 58; // next header
        int icmp = ipOff + 40;
        for (int i = 0; i < len; i += 2) {
            sum += ((f[icmp + i] & 0xff) << 8) | (i + 1 < len ? f[icmp + i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    List<Frame> drain(long now) {
        List<Frame> out = new ArrayList<>();
        Frame f;
        while ((f = link.pollFrame(now)) != null) {
            out.add(f);
        }
        return out;
    }

    static EthernetHeader ethOf(Frame f) throws Exception {
        return EthernetHeader.parse(f.data(), 0, f.data().length);
    }

    static ArpPacket arpOf(Frame f) throws Exception {
        assertThat(ethOf(f).etherType()).isEqualTo(EthernetHeader.TYPE_ARP);
        return ArpPacket.parse(f.data(), 14, f.data().length - 14);
    }

    static byte[] ipOf(Frame f) {
        return Arrays.copyOfRange(f.data(), 14, f.data().length);
    }

    /** Checks an NS/NA frame the layer sent and returns its decoded IPv6 part. */
    static DecodedPacket ndOf(Frame f, int type) {
        DecodedPacket d = PacketDecoder.decode(PacketDecoder.LINK_ETHERNET, f.data());
        assertThat(d.error()).isNull();
        assertThat(d.ipv6()).isNotNull();
        assertThat(d.ipv6().nextHeader()).isEqualTo(58);
        assertThat(d.ipv6().hopLimit()).isEqualTo(255);
        assertThat(d.ipv6().payloadLength()).isEqualTo(f.data().length - 54);
        assertThat(f.data()[54] & 0xff).as("ICMPv6 type").isEqualTo(type);
        assertThat(f.data()[55]).as("code").isZero();
        assertThat(naiveChecksum(f.data(), 14)).as("ICMPv6 checksum over the message").isZero();
        return d;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void derivedMacsAreLocallyAdministeredUnicastDeterministicAndDistinct() {
        MacAddress a = LinkLayer.derivedMac(42, 0);
        assertThat(a.isLocallyAdministered()).isTrue();
        assertThat(a.bits() >>> 40).isEqualTo(0x02);
        assertThat(LinkLayer.derivedMac(42, 0)).isEqualTo(a);
        assertThat(LinkLayer.derivedMac(42, 1)).isNotEqualTo(a);
        assertThat(LinkLayer.derivedMac(43, 0)).isNotEqualTo(a);
        assertThat(LinkLayer.derivedMac(42, 5).bits() & 0xff).isEqualTo(5);
        assertThatThrownBy(() -> LinkLayer.derivedMac(1, 256)).hasMessageContaining("0 to 255");
        assertThatThrownBy(() -> link.addInterface(2, MacAddress.parse("01:00:5e:00:00:01")))
                .hasMessageContaining("multicast");
    }

    @Nested
    class Arp {
        @Test
        void requestForOurAddressIsAnsweredAndTheAskerIsLearnt() throws Exception {
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, MacAddress.BROADCAST, PEER_MAC, PEER4,
                    MacAddress.ZERO, US4));
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            Frame f = out.get(0);
            assertThat(f.iface()).isZero();
            assertThat(ethOf(f).destination()).isEqualTo(PEER_MAC);
            assertThat(ethOf(f).source()).isEqualTo(mac0);
            assertThat(f.data()).hasSize(60); // padded to Ethernet's minimum
            assertThat(arpOf(f)).isEqualTo(new ArpPacket(ArpPacket.REPLY, mac0, US4, PEER_MAC, PEER4));
            assertThat(link.neighbour(0, PEER4)).isEqualTo(PEER_MAC);
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.STALE);
            assertThat(link.counter(Counter.ARP_REQUESTS_IN)).isEqualTo(1);
            assertThat(link.counter(Counter.ARP_REPLIES_OUT)).isEqualTo(1);

            // The asker's MAC is known: a datagram goes out at once, after a unicast probe (STALE).
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 10)));
            out = drain(1);
            assertThat(out).hasSize(2);
            Frame data = out.stream().filter(x -> x.data().length != 60).findFirst().orElseThrow();
            assertThat(ethOf(data).destination()).isEqualTo(PEER_MAC);
            assertThat(ethOf(data).etherType()).isEqualTo(EthernetHeader.TYPE_IPV4);
            assertThat(ipOf(data)).isEqualTo(datagram(US4, PEER4, 1, 10));
            Frame probe = out.stream().filter(x -> x.data().length == 60).findFirst().orElseThrow();
            assertThat(ethOf(probe).destination()).as("unicast probe").isEqualTo(PEER_MAC);
            assertThat(arpOf(probe).operation()).isEqualTo(ArpPacket.REQUEST);
        }

        @Test
        void requestForOurAddressOnAnotherInterfaceIsAnsweredWithTheReceivingInterfacesMac() throws Exception {
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, MacAddress.BROADCAST, PEER_MAC, PEER4,
                    MacAddress.ZERO, US4B));
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).iface()).isZero();
            assertThat(arpOf(out.get(0))).isEqualTo(new ArpPacket(ArpPacket.REPLY, mac0, US4B, PEER_MAC, PEER4));
        }

        @Test
        void requestForSomeoneElseIsNotAnsweredNorLearnt() {
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, MacAddress.BROADCAST, PEER_MAC, PEER4,
                    MacAddress.ZERO, Ipv4Address.parse("10.0.0.77")));
            assertThat(drain(0)).isEmpty();
            assertThat(link.neighbour(0, PEER4)).isNull();
            // A request unicast to another MAC (promiscuous mode sees it) is ignored too.
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, OTHER_MAC, PEER_MAC, PEER4, MacAddress.ZERO, US4));
            assertThat(drain(0)).isEmpty();
            assertThat(link.counter(Counter.NOT_FOR_US)).isEqualTo(1);
        }

        @Test
        void datagramsWaitForResolutionAndLeaveInOrderOnTheReply() throws Exception {
            for (int i = 0; i < 3; i++) {
                ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, i, 100)));
            }
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            assertThat(ethOf(out.get(0)).destination()).isEqualTo(MacAddress.BROADCAST);
            assertThat(arpOf(out.get(0))).isEqualTo(new ArpPacket(ArpPacket.REQUEST, mac0, US4, MacAddress.ZERO, PEER4));
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.INCOMPLETE);
            assertThat(link.nextTimeout()).isEqualTo(LinkLayer.RETRANS_NANOS);

            link.handleFrame(5 * MS, 0, arp(ArpPacket.REPLY, PEER_MAC, mac0, PEER_MAC, PEER4, mac0, US4));
            out = drain(5 * MS);
            assertThat(out).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(ethOf(out.get(i)).destination()).isEqualTo(PEER_MAC);
                assertThat(ethOf(out.get(i)).source()).isEqualTo(mac0);
                assertThat(ipOf(out.get(i))).isEqualTo(datagram(US4, PEER4, i, 100));
            }
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.REACHABLE);
            assertThat(link.nextTimeout()).isEqualTo(Endpoint.NEVER);
            assertThat(link.counter(Counter.IP_OUT)).isEqualTo(3);
        }

        @Test
        void threeRequestsOneSecondApartThenTheWaitingDatagramsAreDropped() throws Exception {
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 10)));
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 2, 10)));
            assertThat(drain(0)).hasSize(1);
            assertThat(link.nextTimeout()).isEqualTo(S);
            link.handleTimeout(S - 1); // not yet
            assertThat(drain(S - 1)).isEmpty();
            link.handleTimeout(S);
            List<Frame> second = drain(S);
            assertThat(second).hasSize(1);
            assertThat(arpOf(second.get(0)).targetIp()).isEqualTo(PEER4);
            link.handleTimeout(2 * S);
            assertThat(drain(2 * S)).hasSize(1);
            assertThat(link.counter(Counter.ARP_REQUESTS_OUT)).isEqualTo(LinkLayer.MAX_SOLICITS);
            assertThat(link.nextTimeout()).isEqualTo(3 * S);
            link.handleTimeout(3 * S);
            assertThat(drain(3 * S)).isEmpty();
            assertThat(link.counter(Counter.RESOLUTION_FAILED)).isEqualTo(1);
            assertThat(link.counter(Counter.DROPPED_UNRESOLVED)).isEqualTo(2);
            assertThat(link.neighbourState(0, PEER4)).isNull();
            assertThat(link.nextTimeout()).isEqualTo(Endpoint.NEVER);
            // A new datagram starts a new resolution.
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 3, 10)));
            assertThat(drain(4 * S)).hasSize(1);
            assertThat(link.counter(Counter.ARP_REQUESTS_OUT)).isEqualTo(4);
        }

        @Test
        void theWaitingQueueIsBoundedAndLosesItsOldest() throws Exception {
            link.setQueueLimit(4);
            for (int i = 0; i < 6; i++) {
                ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, i, 10)));
            }
            assertThat(drain(0)).hasSize(1);
            assertThat(link.counter(Counter.QUEUE_OVERFLOW)).isEqualTo(2);
            link.handleFrame(1, 0, arp(ArpPacket.REPLY, PEER_MAC, mac0, PEER_MAC, PEER4, mac0, US4));
            List<Frame> out = drain(1);
            assertThat(out).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(ipOf(out.get(i))).isEqualTo(datagram(US4, PEER4, i + 2, 10));
            }
        }

        @Test
        void gatewayForOffLinkDestinationsAndNoRouteWithoutOne() throws Exception {
            Ipv4Address far = Ipv4Address.parse("192.168.5.5");
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, far, 1, 10)));
            assertThat(drain(0)).isEmpty();
            assertThat(link.counter(Counter.NO_ROUTE)).isEqualTo(1);

            Ipv4Address gw = Ipv4Address.parse("10.0.0.254");
            MacAddress gwMac = MacAddress.parse("02:00:00:00:fe:fe");
            link.setGateway(0, gw);
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, far, 2, 10)));
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            assertThat(arpOf(out.get(0)).targetIp()).as("resolves the gateway, not the destination").isEqualTo(gw);
            link.handleFrame(1, 0, arp(ArpPacket.REPLY, gwMac, mac0, gwMac, gw, mac0, US4));
            out = drain(1);
            assertThat(out).hasSize(1);
            assertThat(ethOf(out.get(0)).destination()).isEqualTo(gwMac);
            assertThat(ipOf(out.get(0))).as("IP destination unchanged").isEqualTo(datagram(US4, far, 2, 10));
            // On-link destinations still go direct.
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 3, 10)));
            assertThat(arpOf(drain(2).get(0)).targetIp()).isEqualTo(PEER4);
        }

        @Test
        void repliesAndGratuitousArpFillTheCacheOtherArpOnlyUpdates() {
            link.handleFrame(0, 0, arp(ArpPacket.REPLY, PEER_MAC, mac0, PEER_MAC, PEER4, mac0, US4));
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.REACHABLE);
            MacAddress moved = MacAddress.parse("02:aa:bb:cc:dd:02");
            Ipv4Address third = Ipv4Address.parse("10.0.0.3");
            // Gratuitous ARP (sender = target) announces a new MAC: taken.
            link.handleFrame(1, 0, arp(ArpPacket.REQUEST, moved, MacAddress.BROADCAST, moved, PEER4, MacAddress.ZERO,
                    PEER4));
            assertThat(link.neighbour(0, PEER4)).isEqualTo(moved);
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.STALE);
            link.handleFrame(2, 0, arp(ArpPacket.REQUEST, OTHER_MAC, MacAddress.BROADCAST, OTHER_MAC, third,
                    MacAddress.ZERO, third));
            assertThat(link.neighbour(0, third)).isEqualTo(OTHER_MAC);
            assertThat(drain(3)).as("nothing to answer").isEmpty();
        }

        @Test
        void aStaleEntryIsProbedAndForgottenWhenTheProbesGoUnanswered() throws Exception {
            link.handleFrame(0, 0, arp(ArpPacket.REPLY, PEER_MAC, mac0, PEER_MAC, PEER4, mac0, US4));
            long t = LinkLayer.REACHABLE_NANOS + 1;
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 10)));
            List<Frame> out = drain(t);
            assertThat(out).hasSize(2); // the datagram, and a unicast probe
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.PROBE);
            link.handleTimeout(t + S);
            link.handleTimeout(t + 2 * S);
            List<Frame> probes = drain(t + 2 * S);
            assertThat(probes).hasSize(2);
            for (Frame p : probes) {
                assertThat(ethOf(p).destination()).isEqualTo(PEER_MAC);
            }
            link.handleTimeout(t + 3 * S);
            assertThat(link.neighbourState(0, PEER4)).isNull();
            assertThat(link.counter(Counter.RESOLUTION_FAILED)).as("probe failures are not resolution failures").isZero();

            // An answer to a probe confirms the entry instead.
            link.handleFrame(t + 4 * S, 0, arp(ArpPacket.REPLY, PEER_MAC, mac0, PEER_MAC, PEER4, mac0, US4));
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.REACHABLE);
        }

        @Test
        void datagramsFromTheNeighboursMacKeepItsEntryReachable() {
            // Learnt from its ARP request: STALE.
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, MacAddress.BROADCAST, PEER_MAC, PEER4,
                    MacAddress.ZERO, US4));
            drain(0);
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.STALE);
            // Its SYN arrives: confirmed, so our answer goes without a probe.
            link.handleFrame(1, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, datagram(PEER4, US4, 1, 0)));
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.REACHABLE);
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 0)));
            assertThat(drain(2)).hasSize(1);
            // Traffic from another MAC claiming the address confirms nothing.
            link.handleFrame(LinkLayer.REACHABLE_NANOS + 10, 0,
                    eth(OTHER_MAC, mac0, EthernetHeader.TYPE_IPV4, datagram(PEER4, US4, 2, 0)));
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 2, 0)));
            assertThat(drain(LinkLayer.REACHABLE_NANOS + 20)).hasSize(2); // datagram and probe
            assertThat(link.neighbourState(0, PEER4)).isEqualTo(NeighbourState.PROBE);
        }

        @Test
        void permanentEntriesAreNeitherProbedNorReplaced() {
            link.setNeighbour(0, PEER4, PEER_MAC);
            link.handleFrame(0, 0, arp(ArpPacket.REPLY, OTHER_MAC, mac0, OTHER_MAC, PEER4, mac0, US4));
            assertThat(link.neighbour(0, PEER4)).isEqualTo(PEER_MAC);
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 10)));
            assertThat(drain(10 * LinkLayer.REACHABLE_NANOS)).hasSize(1);
        }
    }

    @Nested
    class NeighbourDiscovery {
        @Test
        void solicitationForAnUnresolvedNeighbourAndTheAdvertisementThatReleasesTheQueue() throws Exception {
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US6, PEER6, 1, 20)));
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US6, PEER6, 2, 20)));
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            Frame ns = out.get(0);
            assertThat(ethOf(ns).destination()).isEqualTo(MacAddress.parse("33:33:ff:00:00:02"));
            assertThat(ethOf(ns).source()).isEqualTo(mac0);
            DecodedPacket d = ndOf(ns, 135);
            assertThat(d.ipv6().source()).isEqualTo(US6);
            assertThat(d.ipv6().destination()).isEqualTo(Ipv6Address.parse("ff02::1:ff00:2"));
            assertThat(Ipv6Address.read(ns.data(), 54 + 8)).as("target").isEqualTo(PEER6);
            assertThat(ns.data()[54 + 24]).as("source link-layer address option").isEqualTo((byte) 1);
            assertThat(ns.data()[54 + 25]).isEqualTo((byte) 1);
            assertThat(MacAddress.read(ns.data(), 54 + 26)).isEqualTo(mac0);

            link.handleFrame(MS, 0, nd(PEER_MAC, mac0, PEER6, US6, 255, 136, 0x60, PEER6, PEER_MAC));
            out = drain(MS);
            assertThat(out).hasSize(2);
            assertThat(ethOf(out.get(0)).destination()).isEqualTo(PEER_MAC);
            assertThat(ethOf(out.get(0)).etherType()).isEqualTo(EthernetHeader.TYPE_IPV6);
            assertThat(ipOf(out.get(0))).isEqualTo(datagram(US6, PEER6, 1, 20));
            assertThat(ipOf(out.get(1))).isEqualTo(datagram(US6, PEER6, 2, 20));
            assertThat(link.neighbourState(0, PEER6)).isEqualTo(NeighbourState.REACHABLE);
        }

        @Test
        void solicitationRetriesAndDrop() {
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US6, PEER6, 1, 20)));
            assertThat(drain(0)).hasSize(1);
            link.handleTimeout(S);
            link.handleTimeout(2 * S);
            assertThat(drain(2 * S)).hasSize(2);
            link.handleTimeout(3 * S);
            assertThat(link.counter(Counter.NS_OUT)).isEqualTo(3);
            assertThat(link.counter(Counter.DROPPED_UNRESOLVED)).isEqualTo(1);
        }

        @Test
        void solicitationForOurAddressGetsASolicitedAdvertisement() throws Exception {
            byte[] ns = nd(PEER_MAC, MacAddress.parse("33:33:ff:00:00:01"), PEER6, LinkLayer.solicitedNode(US6), 255,
                    135, 0, US6, PEER_MAC);
            assertThat(naiveChecksum(ns, 14)).as("the test's own NS is right").isZero();
            link.handleFrame(0, 0, ns);
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            Frame na = out.get(0);
            assertThat(ethOf(na).destination()).isEqualTo(PEER_MAC);
            assertThat(ethOf(na).source()).isEqualTo(mac0);
            DecodedPacket d = ndOf(na, 136);
            assertThat(d.ipv6().source()).isEqualTo(US6);
            assertThat(d.ipv6().destination()).isEqualTo(PEER6);
            assertThat(na.data()[54 + 4] & 0xff).as("flags: solicited, override").isEqualTo(0x60);
            assertThat(Ipv6Address.read(na.data(), 54 + 8)).isEqualTo(US6);
            assertThat(na.data()[54 + 24]).as("target link-layer address option").isEqualTo((byte) 2);
            assertThat(MacAddress.read(na.data(), 54 + 26)).isEqualTo(mac0);
            assertThat(link.neighbour(0, PEER6)).as("asker learnt").isEqualTo(PEER_MAC);
            assertThat(link.counter(Counter.NA_OUT)).isEqualTo(1);
        }

        @Test
        void duplicateAddressDetectionProbeIsAnsweredToAllNodes() throws Exception {
            Ipv6Address unspecified = new Ipv6Address(0, 0);
            link.handleFrame(0, 0, nd(PEER_MAC, MacAddress.parse("33:33:ff:00:00:01"), unspecified,
                    LinkLayer.solicitedNode(US6), 255, 135, 0, US6, null));
            List<Frame> out = drain(0);
            assertThat(out).hasSize(1);
            DecodedPacket d = ndOf(out.get(0), 136);
            assertThat(d.ipv6().destination()).isEqualTo(Ipv6Address.parse("ff02::1"));
            assertThat(ethOf(out.get(0)).destination()).isEqualTo(MacAddress.parse("33:33:00:00:00:01"));
            assertThat(out.get(0).data()[54 + 4] & 0xff).as("override, not solicited").isEqualTo(0x20);
        }

        @Test
        void invalidSolicitationsAreDropped() {
            MacAddress group = MacAddress.parse("33:33:ff:00:00:01");
            Ipv6Address sn = LinkLayer.solicitedNode(US6);
            byte[] badSum = nd(PEER_MAC, group, PEER6, sn, 255, 135, 0, US6, PEER_MAC);
            badSum[56] ^= 0x01;
            link.handleFrame(0, 0, badSum);
            link.handleFrame(0, 0, nd(PEER_MAC, group, PEER6, sn, 64, 135, 0, US6, PEER_MAC)); // routed: hop limit < 255
            byte[] zeroOpt = nd(PEER_MAC, group, PEER6, sn, 255, 135, 0, US6, PEER_MAC);
            zeroOpt[54 + 25] = 0; // option length 0
            Bytes.put16(zeroOpt, 56, 0);
            Bytes.put16(zeroOpt, 56, naiveChecksum(zeroOpt, 14));
            link.handleFrame(0, 0, zeroOpt);
            assertThat(drain(0)).isEmpty();
            assertThat(link.counter(Counter.BAD_NDP)).isEqualTo(3);
            // A solicitation for an address we do not have is not answered.
            link.handleFrame(0, 0, nd(PEER_MAC, group, PEER6, sn, 255, 135, 0, Ipv6Address.parse("fd00::77"), PEER_MAC));
            assertThat(drain(0)).isEmpty();
            assertThat(link.neighbour(0, PEER6)).isNull();
        }

        @Test
        void unsolicitedAdvertisementsOnlyUpdateKnownEntries() {
            link.handleFrame(0, 0, nd(PEER_MAC, MacAddress.parse("33:33:00:00:00:01"), PEER6, Ipv6Address.parse("ff02::1"),
                    255, 136, 0x20, PEER6, PEER_MAC));
            assertThat(link.neighbour(0, PEER6)).isNull();
        }
    }

    @Nested
    class Receive {
        @Test
        void ipv4ForUsReachesTheEndpointWithoutEthernetPadding() {
            byte[] d = datagram(PEER4, US4, 1, 0); // 40 bytes: the frame is padded to 60
            byte[] f = Arrays.copyOf(eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, d), 60);
            link.handleFrame(7, 0, f);
            assertThat(ep.received).hasSize(1);
            assertThat(ep.received.get(0)).isEqualTo(d);
            assertThat(ep.receivedOn).containsExactly(0);
            assertThat(link.counter(Counter.IP_IN)).isEqualTo(1);
        }

        @Test
        void ipv4ForOurAddressOfAnotherInterfaceIsAccepted() {
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, datagram(PEER4, US4B, 1, 5)));
            assertThat(ep.received).hasSize(1);
            assertThat(ep.receivedOn).containsExactly(0);
        }

        @Test
        void ipv6ForUsReachesTheEndpoint() {
            byte[] d = datagram(PEER6, US6, 1, 30);
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV6, d));
            assertThat(ep.received).containsExactly(d);
        }

        @Test
        void whatIsNotOursIsIgnoredAndCounted() {
            byte[] d = datagram(PEER4, US4, 1, 5);
            link.handleFrame(0, 0, eth(PEER_MAC, OTHER_MAC, EthernetHeader.TYPE_IPV4, d)); // other MAC
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4,
                    datagram(PEER4, Ipv4Address.parse("10.0.0.9"), 1, 5))); // other IP
            link.handleFrame(0, 0, eth(PEER_MAC, MacAddress.BROADCAST, EthernetHeader.TYPE_IPV4, d)); // broadcast
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV6, datagram(PEER6, PEER6, 1, 5)));
            assertThat(link.counter(Counter.NOT_FOR_US)).isEqualTo(4);
            link.handleFrame(0, 0, eth(mac0, mac0, EthernetHeader.TYPE_IPV4, d)); // our own
            assertThat(link.counter(Counter.OWN_FRAMES)).isEqualTo(1);
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, 0x88cc, new byte[46])); // LLDP
            byte[] tagged = new byte[64];
            new EthernetHeader(mac0, PEER_MAC, List.of(5), EthernetHeader.TYPE_IPV4).emit(tagged, 0);
            link.handleFrame(0, 0, tagged);
            assertThat(link.counter(Counter.OTHER_ETHERTYPE)).isEqualTo(2);
            link.handleFrame(0, 0, new byte[10]);
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, new byte[12]));
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_ARP, new byte[10]));
            assertThat(link.counter(Counter.MALFORMED)).isEqualTo(3);
            link.handleFrame(0, 5, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, d));
            assertThat(link.counter(Counter.UNKNOWN_INTERFACE)).isEqualTo(1);
            assertThat(ep.received).isEmpty();
            assertThat(drain(0)).isEmpty();
            assertThat(link.counter(Counter.FRAMES_IN)).isEqualTo(11);
        }
    }

    @Test
    void datagramsLongerThanTheMtuAreDroppedAndCounted() {
        link.setNeighbour(0, PEER4, PEER_MAC);
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 1460))); // 1500 bytes: fits
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 2, 1462))); // 1502 bytes
        List<Frame> out = drain(0);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).data()).hasSize(1514);
        assertThat(link.counter(Counter.OVER_MTU)).isEqualTo(1);
        link.setMtu(0, 9000);
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 3, 1462)));
        assertThat(drain(0)).hasSize(1);
        assertThatThrownBy(() -> link.setMtu(0, 67)).hasMessageContaining("68 to 65535");
    }

    @Test
    void theEndpointsTimersRunThroughTheLayer() {
        ep.timer = 5 * MS;
        assertThat(link.nextTimeout()).isEqualTo(5 * MS);
        link.handleTimeout(4 * MS);
        assertThat(ep.timeouts).isEmpty();
        link.handleTimeout(5 * MS);
        assertThat(ep.timeouts).containsExactly(5 * MS);
        assertThat(link.nextTimeout()).isEqualTo(Endpoint.NEVER);
    }

    @Test
    void multicastAndBroadcastDestinationsNeedNoResolution() throws Exception {
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, Ipv4Address.parse("10.0.0.255"), 1, 5)));
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, Ipv4Address.parse("224.1.2.3"), 1, 5)));
        ep.outbox.add(new Endpoint.Transmit(0, datagram(US6, Ipv6Address.parse("ff02::1:2"), 1, 5)));
        List<Frame> out = drain(0);
        assertThat(out).hasSize(3);
        assertThat(ethOf(out.get(0)).destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(ethOf(out.get(1)).destination()).isEqualTo(MacAddress.parse("01:00:5e:01:02:03"));
        assertThat(ethOf(out.get(2)).destination()).isEqualTo(MacAddress.parse("33:33:00:01:00:02"));
    }

    @Nested
    class WithImpairment {
        @Test
        void egressDelayHoldsEveryFrameIncludingArpReplies() throws Exception {
            link.setImpairment(new PathImpairment(1).set(0, PathImpairment.Direction.EGRESS,
                    new PathImpairment.Settings(10 * MS, 0, 0)));
            link.handleFrame(0, 0, arp(ArpPacket.REQUEST, PEER_MAC, MacAddress.BROADCAST, PEER_MAC, PEER4,
                    MacAddress.ZERO, US4));
            assertThat(drain(0)).isEmpty();
            assertThat(link.nextTimeout()).isEqualTo(10 * MS);
            assertThat(drain(10 * MS - 1)).isEmpty();
            List<Frame> out = drain(10 * MS);
            assertThat(out).hasSize(1);
            assertThat(arpOf(out.get(0)).operation()).isEqualTo(ArpPacket.REPLY);
            // Interface 1 has no impairment: its frames are not held.
            ep.outbox.add(new Endpoint.Transmit(1, datagram(US4B, Ipv4Address.parse("10.0.1.2"), 1, 5)));
            assertThat(drain(11 * MS)).hasSize(1);
        }

        @Test
        void ingressDelayHoldsArrivalsUntilTheirTime() {
            link.setImpairment(new PathImpairment(1).set(0, PathImpairment.Direction.INGRESS,
                    new PathImpairment.Settings(20 * MS, 0, 0)));
            link.handleFrame(0, 0, eth(PEER_MAC, mac0, EthernetHeader.TYPE_IPV4, datagram(PEER4, US4, 1, 5)));
            assertThat(ep.received).isEmpty();
            assertThat(link.counter(Counter.FRAMES_IN)).isEqualTo(1);
            assertThat(link.nextTimeout()).isEqualTo(20 * MS);
            link.handleTimeout(20 * MS);
            assertThat(ep.received).hasSize(1);
        }

        @Test
        void egressLossDropsFrames() {
            link.setNeighbour(0, PEER4, PEER_MAC);
            link.setImpairment(new PathImpairment(3).set(0, PathImpairment.Direction.EGRESS,
                    new PathImpairment.Settings(0, 0, 1.0)));
            ep.outbox.add(new Endpoint.Transmit(0, datagram(US4, PEER4, 1, 5)));
            assertThat(drain(0)).isEmpty();
            assertThat(link.impairment().dropped(0, PathImpairment.Direction.EGRESS)).isEqualTo(1);
            assertThat(link.counter(Counter.IP_OUT)).isEqualTo(1);
            assertThat(link.counter(Counter.FRAMES_OUT)).isZero();
        }
    }
}

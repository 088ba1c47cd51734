package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.MS;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.S;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.US;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.EmulatedNetworkTest.Pair;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.Ipv4Header;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/** The fault injector and the middleboxes, checked on the decoded datagrams. */
class FaultsAndMiddleboxTest {

    /** Pairs of (as sent, as delivered) in order, for a link that neither drops nor reorders. */
    static final class Recorder implements PacketListener {
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> delivered = new ArrayList<>();

        @Override
        public void packet(long nowNanos, PathDirection direction, PacketEvent event, byte[] data) {
            if (event == PacketEvent.SENT) {
                sent.add(data.clone());
            } else if (event == PacketEvent.DELIVERED) {
                delivered.add(data.clone());
            }
        }
    }

    static Recorder run(Pair p, List<byte[]> datagrams) {
        Recorder r = new Recorder();
        p.net.addListener(r);
        for (int i = 0; i < datagrams.size(); i++) {
            p.sendAt(i * 100 * US, datagrams.get(i));
        }
        p.net.runUntilIdle(100 * S);
        return r;
    }

    /** IPv4 and IPv6 segments with payloads of 0 to 600 bytes, odd and even lengths. */
    static List<byte[]> mixedSegments(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean v6 = i % 2 == 1;
            out.add(Packets.tcp(v6 ? Packets.A6 : Packets.A4, v6 ? Packets.B6 : Packets.B4, i, (i * 37) % 601,
                    i % 3 == 0 ? Packets.mptcpDataOptions(i) : List.of()));
        }
        return out;
    }

    static int differingBits(byte[] x, byte[] y) {
        assertThat(y).hasSameSizeAs(x);
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            n += Integer.bitCount((x[i] ^ y[i]) & 0xff);
        }
        return n;
    }

    static List<Integer> differingBytes(byte[] x, byte[] y) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                at.add(i);
            }
        }
        return at;
    }

    // ------------------------------------------------------------------ duplicate and reorder

    @Test
    void duplicateSendsTwoIdenticalCopies() {
        Pair p = new Pair(LinkConfig.parse("100mbit,5ms"));
        p.path.aToB().setFaults(FaultInjector.NONE.withDuplicate(1));
        List<byte[]> sent = mixedSegments(50);
        Recorder r = run(p, sent);
        assertThat(p.b.received).hasSize(100);
        for (int i = 0; i < 50; i++) {
            assertThat(p.b.received.get(2 * i).data()).isEqualTo(sent.get(i));
            assertThat(p.b.received.get(2 * i + 1).data()).isEqualTo(sent.get(i));
        }
        assertThat(r.sent).hasSize(50);
        assertThat(p.ab().duplicated()).isEqualTo(50);
        assertThat(p.ab().deliveredPackets()).isEqualTo(100);
    }

    @Test
    void duplicateRateIsWithinBounds() {
        Pair p = new Pair(LinkConfig.UNLIMITED);
        p.path.aToB().setFaults(FaultInjector.NONE.withDuplicate(0.25));
        int n = 4000;
        for (int i = 0; i < n; i++) {
            p.sendAt(i * US, Packets.sized(i, 60));
        }
        p.net.runUntilIdle(S);
        // Binomial(4000, 0.25): mean 1000, sd 27.4.
        assertThat(p.b.received.size() - n).isBetween(1000 - 137, 1000 + 137);
        assertThat(p.ab().duplicated()).isEqualTo(p.b.received.size() - n);
        assertThat(p.seqsAtB()).isSorted();
    }

    @Test
    void reorderHoldsPacketsBackSoThatLaterOnesOvertake() {
        Pair p = new Pair(LinkConfig.parse("unlimited,10ms"));
        p.path.aToB().setFaults(FaultInjector.NONE.withReorder(0.2, 3 * MS));
        int n = 500;
        for (int i = 0; i < n; i++) {
            p.sendAt(i * MS, Packets.sized(i, 100));
        }
        p.net.runUntilIdle(S);
        List<Integer> seqs = p.seqsAtB();
        assertThat(seqs).hasSize(n).doesNotHaveDuplicates().isNotEqualTo(seqs.stream().sorted().toList());
        int held = 0;
        for (TestEndpoint.Received r : p.b.received) {
            long sent = Packets.seq(r.data()) * MS;
            long late = r.time() - sent - 10 * MS;
            assertThat(late).isIn(0L, 3 * MS);
            if (late == 3 * MS) {
                held++;
            }
        }
        assertThat((long) held).isEqualTo(p.ab().reordered()).isBetween(60L, 140L);
        assertThat(p.b.arrivalTimes()).isSorted();
    }

    // ------------------------------------------------------------------ corrupt and rewrite

    @Test
    void corruptFlipsOneBitInTheTcpSegmentAndBreaksItsChecksum() {
        Pair p = new Pair(LinkConfig.parse("50mbit,1ms"));
        p.path.aToB().setFaults(FaultInjector.NONE.withCorrupt(1));
        Recorder r = run(p, mixedSegments(300));
        assertThat(r.delivered).hasSize(300);
        assertThat(p.ab().corrupted()).isEqualTo(300);
        for (int i = 0; i < 300; i++) {
            byte[] sent = r.sent.get(i);
            byte[] got = r.delivered.get(i);
            DecodedPacket d = Packets.decode(sent);
            assertThat(differingBits(sent, got)).isEqualTo(1);
            assertThat(differingBytes(sent, got).get(0)).isGreaterThanOrEqualTo(d.tcpOffset());
            // The IP header is intact, so the addresses of the pseudo-header are the sent ones.
            int seg = d.tcpSegmentLengthOnWire();
            boolean valid = d.ipv4() != null
                    ? TcpHeader.checksumValidV4(got, d.tcpOffset(), seg, d.ipv4().source(), d.ipv4().destination())
                    : TcpHeader.checksumValidV6(got, d.tcpOffset(), seg, d.ipv6().source(), d.ipv6().destination());
            assertThat(valid).as("TCP checksum of corrupted packet %d", i).isFalse();
            if (d.ipv4() != null) {
                assertThat(Ipv4Header.checksumValid(got, 0, 20)).isTrue();
            }
        }
    }

    @Test
    void rewritePayloadChangesOnePayloadByteAndKeepsTheTcpChecksumValid() {
        Pair p = new Pair(LinkConfig.parse("50mbit,1ms"));
        p.path.aToB().setFaults(FaultInjector.NONE.withRewritePayload(1));
        List<byte[]> segments = mixedSegments(300);
        segments.add(Packets.tcp(Packets.A4, Packets.B4, 1, 1, List.of())); // a 1-byte payload: odd last word
        segments.add(Packets.tcp(Packets.A6, Packets.B6, 2, 1, List.of()));
        Recorder r = run(p, segments);
        int withPayload = 0;
        for (int i = 0; i < segments.size(); i++) {
            byte[] sent = r.sent.get(i);
            byte[] got = r.delivered.get(i);
            DecodedPacket before = Packets.decode(sent);
            DecodedPacket after = Packets.decode(got);
            assertThat(after.isMalformed()).isFalse();
            assertThat(after.tcpChecksumValid()).as("TCP checksum of rewritten packet %d", i).isTrue();
            if (before.payloadLength() == 0) {
                assertThat(got).isEqualTo(sent);
                continue;
            }
            withPayload++;
            List<Integer> diff = differingBytes(sent, got);
            // One payload byte, and the checksum field (unless the update happens to leave it as it was).
            List<Integer> payloadDiff = diff.stream().filter(x -> x >= before.payloadOffset()).toList();
            assertThat(payloadDiff).hasSize(1);
            assertThat(diff).allMatch(x -> x >= before.payloadOffset()
                    || x == before.tcpOffset() + 16 || x == before.tcpOffset() + 17);
        }
        assertThat(withPayload).isGreaterThan(250);
        assertThat(p.ab().rewritten()).isEqualTo(withPayload);
    }

    @Test
    void faultDropIsCountedApartFromLinkLoss() {
        Pair p = new Pair(LinkConfig.parse("unlimited,1ms,loss=10%"));
        p.path.aToB().setFaults(FaultInjector.NONE.withDrop(0.1));
        for (int i = 0; i < 5000; i++) {
            p.sendAt(i * US, Packets.sized(i, 60));
        }
        p.net.runUntilIdle(S);
        PathDirection.Counters c = p.ab();
        assertThat(c.droppedFault()).isBetween(500L - 110, 500L + 110);
        assertThat(c.droppedLoss()).isBetween(450L - 110, 450L + 110);
        assertThat(c.deliveredPackets() + c.droppedFault() + c.droppedLoss()).isEqualTo(5000);
    }

    // ------------------------------------------------------------------ middleboxes

    /** A SYN with MP_CAPABLE, a data segment with a DSS, a pure ACK with a DSS, a segment without MPTCP. */
    static List<byte[]> handshakeAndData(IpAddress src, IpAddress dst) {
        List<byte[]> out = new ArrayList<>();
        TcpHeader syn = TcpHeader.of(40000, 80, 100, 0, TcpHeader.SYN, 65535, List.of(new TcpOption.Mss(1460),
                new TcpOption.SackPermitted(), new TcpOption.WindowScale(7),
                MptcpOption.MpCapable.syn(MptcpOption.MpCapable.FLAG_H)));
        out.add(org.mptcplab.stack.wire.PacketBuilder.ipTcp(src, dst, syn, new byte[0]));
        out.add(Packets.tcp(src, dst, 101, 333, Packets.mptcpDataOptions(1)));
        List<TcpOption> ackOpts = List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(5, 6),
                MptcpOption.Dss.ack(12345));
        out.add(Packets.tcp(src, dst, 434, 0, ackOpts));
        out.add(Packets.tcp(src, dst, 434, 10, List.of(new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.Timestamps(7, 8))));
        return out;
    }

    static int mptcpBytes(TcpHeader h) {
        return h.options().stream().filter(o -> o instanceof MptcpOption).mapToInt(TcpOption::length).sum();
    }

    static List<TcpOption> withoutNops(TcpHeader h) {
        return h.options().stream().filter(o -> !(o instanceof MptcpOption) && !(o instanceof TcpOption.Nop)).toList();
    }

    static void checkStripped(byte[] sent, byte[] got, boolean expectStripped) {
        DecodedPacket before = Packets.decode(sent);
        DecodedPacket after = Packets.decode(got);
        assertThat(after.isMalformed()).isFalse();
        assertThat(after.tcpChecksumValid()).isTrue();
        if (!expectStripped) {
            assertThat(got).isEqualTo(sent);
            return;
        }
        TcpHeader b = before.tcp();
        TcpHeader a = after.tcp();
        assertThat(mptcpBytes(b)).isPositive();
        assertThat(a.options()).noneMatch(o -> o instanceof MptcpOption);
        assertThat(a.headerLength()).isEqualTo(b.headerLength());
        long nopsBefore = b.options().stream().filter(o -> o instanceof TcpOption.Nop).count();
        long nopsAfter = a.options().stream().filter(o -> o instanceof TcpOption.Nop).count();
        assertThat(nopsAfter).isEqualTo(nopsBefore + mptcpBytes(b));
        assertThat(withoutNops(a)).isEqualTo(withoutNops(b));
        assertThat(a.sequenceNumber()).isEqualTo(b.sequenceNumber());
        assertThat(after.payloadLength()).isEqualTo(before.payloadLength());
        for (int i = 0; i < before.payloadLength(); i++) {
            assertThat(got[after.payloadOffset() + i]).isEqualTo(sent[before.payloadOffset() + i]);
        }
    }

    @Test
    void stripMptcpAllReplacesEveryMptcpOptionWithNops() {
        for (boolean v6 : new boolean[] {false, true}) {
            Pair p = new Pair(LinkConfig.parse("10mbit,1ms"));
            p.path.setMiddlebox(Middlebox.STRIP_MPTCP_ALL);
            List<byte[]> segs = handshakeAndData(v6 ? Packets.A6 : Packets.A4, v6 ? Packets.B6 : Packets.B4);
            Recorder r = run(p, segs);
            checkStripped(r.sent.get(0), r.delivered.get(0), true);
            checkStripped(r.sent.get(1), r.delivered.get(1), true);
            checkStripped(r.sent.get(2), r.delivered.get(2), true);
            checkStripped(r.sent.get(3), r.delivered.get(3), false);
            assertThat(p.ab().stripped()).isEqualTo(3);
        }
    }

    @Test
    void stripMptcpDataOnlyTouchesSegmentsWithPayload() {
        for (boolean v6 : new boolean[] {false, true}) {
            Pair p = new Pair(LinkConfig.parse("10mbit,1ms"));
            p.path.setMiddlebox(Middlebox.STRIP_MPTCP_DATA);
            List<byte[]> segs = handshakeAndData(v6 ? Packets.A6 : Packets.A4, v6 ? Packets.B6 : Packets.B4);
            Recorder r = run(p, segs);
            checkStripped(r.sent.get(0), r.delivered.get(0), false);
            checkStripped(r.sent.get(1), r.delivered.get(1), true);
            checkStripped(r.sent.get(2), r.delivered.get(2), false);
            checkStripped(r.sent.get(3), r.delivered.get(3), false);
            assertThat(p.ab().stripped()).isEqualTo(1);
        }
    }

    @Test
    void aMiddleboxKeepsAWrongChecksumWrong() {
        // Incremental update (RFC 1624): a segment corrupted before the box stays detectably corrupt.
        byte[] bad = Packets.tcp(Packets.A4, Packets.B4, 1, 50, Packets.mptcpDataOptions(1));
        bad[bad.length - 1] ^= 0x10;
        Pair p = new Pair(LinkConfig.UNLIMITED);
        p.path.setMiddlebox(Middlebox.STRIP_MPTCP_ALL);
        p.path.aToB().setFaults(FaultInjector.NONE.withRewritePayload(1));
        Recorder r = run(p, List.of(bad));
        DecodedPacket after = Packets.decode(r.delivered.get(0));
        assertThat(after.tcp().options()).noneMatch(o -> o instanceof MptcpOption);
        assertThat(after.tcpChecksumValid()).isFalse();
    }

    /** Random segments: stripping and rewriting always leave a valid TCP checksum. */
    @Property(tries = 200)
    void editsKeepChecksumsValid(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean v6 = rnd.nextBoolean();
        IpAddress src = v6 ? Packets.A6 : Ipv4Address.parse("192.168." + rnd.nextInt(256) + "." + rnd.nextInt(256));
        IpAddress dst = v6 ? Packets.B6 : Packets.B4;
        List<TcpOption> opts = new ArrayList<>();
        int room = 40;
        while (room > 0 && rnd.nextInt(4) != 0) {
            TcpOption o = switch (rnd.nextInt(5)) {
                case 0 -> new TcpOption.Nop();
                case 1 -> new TcpOption.Timestamps(rnd.nextInt() & 0xffffffffL, rnd.nextInt() & 0xffffffffL);
                case 2 -> MptcpOption.Dss.ack(rnd.nextLong());
                case 3 -> MptcpOption.MpPrio.of(rnd.nextBoolean());
                default -> MptcpOption.Dss.mapping(rnd.nextLong(), rnd.nextLong(), rnd.nextInt(), rnd.nextInt(65536),
                        rnd.nextBoolean() ? rnd.nextInt(65536) : -1, rnd.nextBoolean());
            };
            if (o.length() > room) {
                break;
            }
            opts.add(o);
            room -= o.length();
        }
        byte[] payload = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1500)];
        rnd.nextBytes(payload);
        TcpHeader h = TcpHeader.of(rnd.nextInt(65536), rnd.nextInt(65536), rnd.nextInt(), rnd.nextInt(),
                TcpHeader.ACK, rnd.nextInt(65536), opts);
        byte[] datagram = org.mptcplab.stack.wire.PacketBuilder.ipTcp(src, dst, h, payload);

        byte[] stripped = datagram.clone();
        boolean changed = Datagrams.stripMptcp(stripped, rnd.nextBoolean());
        assertThat(Packets.decode(stripped).tcpChecksumValid()).isTrue();
        assertThat(changed).isEqualTo(!java.util.Arrays.equals(stripped, datagram));

        byte[] rewritten = datagram.clone();
        boolean done = Datagrams.rewritePayload(rewritten, new java.util.SplittableRandom(seed));
        assertThat(done).isEqualTo(payload.length > 0);
        assertThat(Packets.decode(rewritten).tcpChecksumValid()).isTrue();
        assertThat(!java.util.Arrays.equals(rewritten, datagram)).isEqualTo(done);
    }
}

package org.mptcplab.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.LongRange;
import org.mptcplab.stack.decode.PacketFormat;

/**
 * Property test of the whole decoder on hostile input: random bytes and mutations of valid frames
 * (every option kind, IPv4 and IPv6, every link type). Nothing may escape as an unchecked exception
 * or hang; a malformed packet must come back with a typed error that says where.
 *
 * <p>1,000 seeded tries x 1,000 inputs each = 1,000,000 inputs per run. A longer soak run is
 * {@code -Dmptcplab.fuzz.scale=N} (N times more inputs per try).
 */
class DecoderFuzzTest {
    static final int INPUTS_PER_TRY = 1000 * Integer.getInteger("mptcplab.fuzz.scale", 1);
    static final AtomicLong INPUTS = new AtomicLong();
    static final AtomicLong MALFORMED = new AtomicLong();

    static final int[] LINK_TYPES = {PacketDecoder.LINK_ETHERNET, PacketDecoder.LINK_RAW, PacketDecoder.LINK_LINUX_SLL,
        PacketDecoder.LINK_LINUX_SLL2, PacketDecoder.LINK_NULL, PacketDecoder.LINK_LOOP, PacketDecoder.LINK_PPP,
        PacketDecoder.LINK_IPV4, PacketDecoder.LINK_IPV6, 147};

    /** Valid frames carrying every MPTCP option form, v4 and v6, with a few TCP options around. */
    static final List<byte[]> SEEDS = seeds();

    static List<byte[]> seeds() {
        List<MptcpOption> opts = List.of(
                MptcpOption.MpCapable.syn(0x81), MptcpOption.MpCapable.synAck(1, 7), MptcpOption.MpCapable.ack(1, 7, 8),
                MptcpOption.MpCapable.ackWithData(0x81, 7, 8, 100, 0xabcd),
                new MptcpOption.MpJoinSyn(true, 1, 2, 3), new MptcpOption.MpJoinSynAck(false, 1, 2, 3),
                new MptcpOption.MpJoinAck(new byte[20]), MptcpOption.Dss.mapping(1, 2, 3, 4, 5, true),
                new MptcpOption.Dss(0x05, 9, 10, 11, 0, -1), MptcpOption.Dss.ack(77),
                MptcpOption.AddAddr.announce(1, Ipv4Address.parse("10.0.0.1"), 80, 5),
                MptcpOption.AddAddr.echo(2, Ipv6Address.parse("fd00::1"), -1),
                new MptcpOption.RemoveAddr(List.of(1, 2)), MptcpOption.MpPrio.of(true), new MptcpOption.MpFail(3),
                new MptcpOption.MpFastclose(4), new MptcpOption.MpTcpRst(1, 6),
                new MptcpOption.Experimental(new byte[] {(byte) 0xf0, 1}));
        List<byte[]> out = new ArrayList<>();
        MacAddress a = MacAddress.parse("02:00:00:00:00:01");
        MacAddress b = MacAddress.parse("02:00:00:00:00:02");
        for (MptcpOption o : opts) {
            TcpHeader t = TcpHeader.of(1000, 2000, 1, 2, TcpHeader.ACK, 100,
                    List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(1, 2), o));
            out.add(PacketBuilder.ethernetTcp(a, b, Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2"), t, new byte[8]));
            out.add(PacketBuilder.ethernetTcp(a, b, Ipv6Address.parse("fd00::1"), Ipv6Address.parse("fd00::2"), t, new byte[3]));
        }
        out.add(PacketBuilder.ethernetArp(a, MacAddress.BROADCAST, new ArpPacket(1, a, Ipv4Address.parse("10.0.0.1"),
                MacAddress.ZERO, Ipv4Address.parse("10.0.0.2"))));
        return out;
    }

    @Property(tries = 1000, seed = "20261122")
    void decoderNeverThrowsOnRandomOrMutatedInput(@ForAll @LongRange long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < INPUTS_PER_TRY; i++) {
            int linkType = LINK_TYPES[rnd.nextInt(LINK_TYPES.length)];
            byte[] in = rnd.nextInt(4) == 0 ? random(rnd) : mutate(rnd, linkType);
            int len = in.length;
            DecodedPacket p = PacketDecoder.decode(linkType, in, len);
            INPUTS.incrementAndGet();
            if (p.error() != null) {
                MALFORMED.incrementAndGet();
                assertThat(p.error().getMessage()).isNotBlank();
                assertThat(p.error().offset()).isBetween(0, Math.max(0, len));
            }
            // The outputs must cope with whatever partial packet came back.
            PacketFormat.text(i, 0, 0, p);
            PacketFormat.json(i, 0, p);
            p.tcpChecksumValid();
            p.ipv4ChecksumValid();
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("decoder fuzz: %,d inputs, %,d malformed, no unexpected exception%n", INPUTS.get(), MALFORMED.get());
        assertThat(INPUTS.get()).isGreaterThanOrEqualTo(1000L * INPUTS_PER_TRY);
    }

    static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(120)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    /** A valid frame re-framed for the link type, then damaged a few ways. */
    static byte[] mutate(SplittableRandom rnd, int linkType) {
        byte[] eth = SEEDS.get(rnd.nextInt(SEEDS.size()));
        byte[] ip = java.util.Arrays.copyOfRange(eth, 14, eth.length);
        byte[] b = switch (linkType) {
            case PacketDecoder.LINK_ETHERNET -> eth.clone();
            case PacketDecoder.LINK_LINUX_SLL -> concat(new byte[] {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, eth[12], eth[13]}, ip);
            case PacketDecoder.LINK_LINUX_SLL2 -> concat(new byte[] {eth[12], eth[13], 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, ip);
            case PacketDecoder.LINK_NULL -> concat(new byte[] {2, 0, 0, 0}, ip);
            case PacketDecoder.LINK_LOOP -> concat(new byte[] {0, 0, 0, 2}, ip);
            case PacketDecoder.LINK_PPP -> concat(new byte[] {(byte) 0xff, 3, 0, 0x21}, ip);
            default -> ip;
        };
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n && b.length > 0; k++) {
            switch (rnd.nextInt(6)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8)); // bit flip
                case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // random byte
                case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
                case 3 -> { // an interesting value in a likely length field
                    int[] vals = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff};
                    b[rnd.nextInt(b.length)] = (byte) vals[rnd.nextInt(vals.length)];
                }
                case 4 -> b = concat(b, random(rnd)); // trailing garbage
                default -> { // byte inserted: shifts everything after it
                    int at = rnd.nextInt(b.length);
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}

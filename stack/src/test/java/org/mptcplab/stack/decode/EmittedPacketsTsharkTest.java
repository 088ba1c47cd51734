package org.mptcplab.stack.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.testutil.Tshark;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Packets we emit, every MPTCP option kind over IPv4 and IPv6, as one consistent conversation
 * (handshake, data, ADD_ADDR and echo, a join, MP_PRIO, REMOVE_ADDR, DATA_FIN, MP_FAIL,
 * MP_FASTCLOSE, MP_TCPRST), written to a pcap: tshark reads every field back with our values,
 * and its expert analysis (MPTCP analysis on) reports no malformed packet and no warning or error.
 */
class EmittedPacketsTsharkTest {
    static final MacAddress MAC_C = MacAddress.parse("02:00:00:00:00:0c");
    static final MacAddress MAC_S = MacAddress.parse("02:00:00:00:00:05");

    /** One TCP direction: its addresses and next sequence number. */
    static final class Side {
        final IpAddress ip;
        final int port;
        int seq;
        int ack;

        Side(IpAddress ip, int port, int isn) {
            this.ip = ip;
            this.port = port;
            this.seq = isn;
        }
    }

    final List<byte[]> frames = new ArrayList<>();
    final List<List<MptcpOption>> emitted = new ArrayList<>();

    void send(Side from, Side to, int flags, byte[] payload, MptcpOption... opts) {
        List<TcpOption> options = new ArrayList<>();
        options.add(new TcpOption.Nop());
        options.add(new TcpOption.Nop());
        options.add(new TcpOption.Timestamps(1000 + frames.size(), 900 + frames.size()));
        options.addAll(List.of(opts));
        if ((flags & TcpHeader.SYN) != 0) {
            options.clear();
            options.add(new TcpOption.Mss(1460));
            options.add(new TcpOption.SackPermitted());
            options.add(new TcpOption.WindowScale(7));
            options.addAll(List.of(opts));
        }
        if (org.mptcplab.stack.wire.TcpOptions.paddedLength(options) > org.mptcplab.stack.wire.TcpOptions.MAX_SPACE) {
            // As Linux does when an ADD_ADDR v6 meets a DSS: timestamps give way (40-byte option space).
            options.subList(0, 3).clear();
        }
        TcpHeader t = TcpHeader.of(from.port, to.port, from.seq, (flags & TcpHeader.ACK) != 0 ? from.ack : 0, flags, 502, options);
        frames.add(PacketBuilder.ethernetTcp(from.ip.byteLength() == 4 ? MAC_C : MAC_C, MAC_S, from.ip, to.ip, t, payload));
        emitted.add(List.of(opts));
        int consumed = payload.length + ((flags & (TcpHeader.SYN | TcpHeader.FIN)) != 0 ? 1 : 0);
        from.seq += consumed;
        to.ack = from.seq;
    }

    static byte[] data(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    void conversation(boolean v6) {
        boolean csum = v6; // IPv6 run negotiates DSS checksums (A flag), IPv4 run does not
        int mpcFlags = (csum ? MptcpOption.MpCapable.FLAG_A : 0) | MptcpOption.MpCapable.FLAG_H;
        IpAddress c1 = IpAddress.parse(v6 ? "fd00:1::1" : "10.1.0.1");
        IpAddress s1 = IpAddress.parse(v6 ? "fd00:1::2" : "10.1.0.2");
        IpAddress c2 = IpAddress.parse(v6 ? "fd00:2::1" : "10.2.0.1");
        IpAddress s2 = IpAddress.parse(v6 ? "fd00:2::2" : "10.2.0.2");
        long kc = 0x1122334455667788L;
        long ks = 0x8877665544332211L;
        long idsnC = MptcpCrypto.idsn(kc);
        long idsnS = MptcpCrypto.idsn(ks);
        Side c = new Side(c1, 40000, 1000);
        Side s = new Side(s1, 8080, 5000);

        // MP_CAPABLE handshake (RFC 8684 3.1).
        send(c, s, TcpHeader.SYN, new byte[0], MptcpOption.MpCapable.syn(mpcFlags));
        s.ack = c.seq;
        send(s, c, TcpHeader.SYN | TcpHeader.ACK, new byte[0], MptcpOption.MpCapable.synAck(mpcFlags, ks));
        send(c, s, TcpHeader.ACK, new byte[0], MptcpOption.MpCapable.ack(mpcFlags, kc, ks));
        // First data carries MP_CAPABLE with the data-level length (and checksum when negotiated).
        byte[] d1 = data(100, 'a');
        int ck1 = csum ? Checksums.dss(idsnC + 1, 1, d1.length, 0, d1, 0, d1.length) : -1;
        send(c, s, TcpHeader.ACK | TcpHeader.PSH, d1, MptcpOption.MpCapable.ackWithData(mpcFlags, kc, ks, d1.length, ck1));
        // Server: data ACK + ADD_ADDR announce of its second address, HMAC with its key first.
        long hmac = MptcpCrypto.addAddrHmac(ks, kc, 2, s2.toBytes(), -1);
        send(s, c, TcpHeader.ACK, new byte[0], MptcpOption.Dss.ack(idsnC + 1 + 100),
                MptcpOption.AddAddr.announce(2, s2, -1, hmac));
        send(c, s, TcpHeader.ACK, new byte[0], MptcpOption.AddAddr.echo(2, s2, -1));

        // MP_JOIN toward the announced address (RFC 8684 3.2).
        Side j = new Side(c2, 40001, 7000);
        Side js = new Side(s2, 8080, 9000);
        int nonceC = 0x0badcafe;
        int nonceS = 0x600dd00d;
        send(j, js, TcpHeader.SYN, new byte[0], new MptcpOption.MpJoinSyn(false, 1, MptcpCrypto.token(ks), nonceC));
        js.ack = j.seq;
        send(js, j, TcpHeader.SYN | TcpHeader.ACK, new byte[0],
                new MptcpOption.MpJoinSynAck(false, 2, MptcpCrypto.joinSynAckHmac(ks, kc, nonceS, nonceC), nonceS));
        send(j, js, TcpHeader.ACK, new byte[0], new MptcpOption.MpJoinAck(MptcpCrypto.joinAckHmac(kc, ks, nonceC, nonceS)));
        send(js, j, TcpHeader.ACK, new byte[0], MptcpOption.Dss.ack(idsnC + 101));
        // Data on the join subflow: 64-bit DSN mapping.
        byte[] d2 = data(200, 'b');
        int ck2 = csum ? Checksums.dss(idsnC + 101, 1, d2.length, 0, d2, 0, d2.length) : -1;
        send(j, js, TcpHeader.ACK | TcpHeader.PSH, d2, MptcpOption.Dss.mapping(idsnS + 1, idsnC + 101, 1, d2.length, ck2, false));
        send(js, j, TcpHeader.ACK, new byte[0], MptcpOption.Dss.ack(idsnC + 301), MptcpOption.MpPrio.of(true));
        // Server data on the first subflow with 32-bit DSN and data ACK (flags A M, no a/m).
        byte[] d3 = data(50, 'c');
        long dsn3 = (idsnS + 1) & 0xffffffffL;
        int ck3 = csum ? Checksums.dss(idsnS + 1, 1, d3.length, 0, d3, 0, d3.length) : -1;
        send(s, c, TcpHeader.ACK | TcpHeader.PSH, d3,
                new MptcpOption.Dss(MptcpOption.Dss.FLAG_DATA_ACK | MptcpOption.Dss.FLAG_MAPPING,
                        (idsnC + 301) & 0xffffffffL, dsn3, 1, d3.length, ck3));
        send(c, s, TcpHeader.ACK, new byte[0], MptcpOption.Dss.ack(idsnS + 51), new MptcpOption.RemoveAddr(List.of(3)));
        // DATA_FIN alone: a mapping of length 1 with subflow sequence 0 (RFC 8684 3.3.3).
        int ckFin = csum ? Checksums.dss(idsnC + 301, 0, 1, 0, new byte[0], 0, 0) : -1;
        send(c, s, TcpHeader.ACK, new byte[0], MptcpOption.Dss.mapping(idsnS + 51, idsnC + 301, 0, 1, ckFin, true));
        send(s, c, TcpHeader.ACK, new byte[0], new MptcpOption.MpFail(idsnS + 51));
        // Fast close: MP_FASTCLOSE with the receiver's key on an ACK, MP_TCPRST on the other subflow's RST.
        send(c, s, TcpHeader.ACK, new byte[0], new MptcpOption.MpFastclose(ks));
        send(j, js, TcpHeader.RST | TcpHeader.ACK, new byte[0],
                new MptcpOption.MpTcpRst(MptcpOption.MpTcpRst.FLAG_TRANSIENT, MptcpOption.MpTcpRst.MPTCP_ERROR));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void tsharkReadsOurPacketsWithOurValuesAndNoExpertComplaint(int version, @TempDir Path dir) throws Exception {
        conversation(version == 6);
        Path pcap = dir.resolve("emitted-v" + version + ".pcap");
        try (PcapWriter w = PcapWriter.create(pcap, PacketDecoder.LINK_ETHERNET)) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(t, f);
                t += 1_000_000;
            }
        }
        String keep = System.getProperty("mptcplab.keep");
        if (keep != null) {
            java.nio.file.Files.copy(pcap, Path.of(keep, pcap.getFileName().toString()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // Our decoder gives back exactly what we emitted.
        for (int i = 0; i < frames.size(); i++) {
            DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_ETHERNET, frames.get(i));
            assertThat(p.error()).isNull();
            assertThat(p.tcpChecksumValid()).as("frame %d TCP checksum", i + 1).isTrue();
            List<TcpOption> mptcp = p.tcp().options().stream().filter(o -> o instanceof MptcpOption).toList();
            assertThat(mptcp).as("frame %d", i + 1).containsExactlyElementsOf(emitted.get(i));
        }
        // tshark reads the same values.
        List<String[]> rows = Tshark.fields(pcap, List.of(), TsharkCaptureComparisonTest.FIELDS);
        assertThat(rows).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_ETHERNET, frames.get(i));
            String ours = String.join("|", TsharkCaptureComparisonTest.ourFields(p, new long[16]));
            String theirs = String.join("|", java.util.Arrays.copyOfRange(rows.get(i), 1, rows.get(i).length));
            assertThat(ours).as("frame %d fields", i + 1).isEqualTo(theirs);
        }
        // Fields the capture comparison does not cover: HMACs, nonces, checksum, reason, flags, addresses.
        List<String[]> more = Tshark.fields(pcap, List.of(), "frame.number", "tcp.options.mptcp.sendtrunchmac",
                "tcp.options.mptcp.sendrand", "tcp.options.mptcp.addaddrtrunchmac", "tcp.options.mptcp.rst_reason",
                "tcp.options.mptcp.echo", "tcp.options.mptcp.backup.flag", "tcp.options.mptcp.datafin.flag",
                "tcp.options.mptcp.checksum", "tcp.options.mptcp.ipv4", "tcp.options.mptcp.ipv6",
                "tcp.options.mptcp.checksumreq.flags", "mptcp.expected_token", "tcp.options.mptcp.sendhmac");
        String joinSynAck = more.get(7)[1];
        assertThat(Long.parseUnsignedLong(joinSynAck))
                .isEqualTo(MptcpCrypto.joinSynAckHmac(0x8877665544332211L, 0x1122334455667788L, 0x600dd00d, 0x0badcafe));
        assertThat(more.get(6)[2]).isEqualTo(Long.toUnsignedString(0x0badcafeL));
        assertThat(more.get(7)[2]).isEqualTo(Long.toUnsignedString(0x600dd00dL));
        assertThat(Long.parseUnsignedLong(more.get(4)[3])).isEqualTo(((MptcpOption.AddAddr) emitted.get(4).get(1)).hmac());
        assertThat(Long.decode(more.get(17)[4])).isEqualTo(1L);
        assertThat(Long.decode(more.get(5)[5])).isEqualTo(1L);
        assertThat(Long.decode(more.get(11)[6])).isEqualTo(1L);
        assertThat(Long.decode(more.get(14)[7])).isEqualTo(1L);
        assertThat(more.get(4)[version == 4 ? 9 : 10]).isEqualTo(version == 4 ? "10.2.0.2" : "fd00:2::2");
        assertThat(Long.decode(more.get(0)[11])).isEqualTo(version == 6 ? 1L : 0L);
        String sendHmac = more.get(8)[13].replace(":", "");
        assertThat(sendHmac).isEqualTo(org.mptcplab.stack.wire.Bytes.hex(
                MptcpCrypto.joinAckHmac(0x1122334455667788L, 0x8877665544332211L, 0x0badcafe, 0x600dd00d)));
        if (version == 6) {
            // tshark shows the checksum of the MP_CAPABLE-with-data form; its 4.0 dissector reads
            // past a DSS checksum without showing it, so that one we verify ourselves (RFC 8684 3.3.1).
            assertThat(Long.decode(more.get(3)[8])).isEqualTo((long) ((MptcpOption.MpCapable) emitted.get(3).get(0)).checksum());
            DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_ETHERNET, frames.get(10));
            MptcpOption.Dss dss = (MptcpOption.Dss) p.tcp().mptcp(MptcpOption.DSS);
            assertThat(Checksums.dss(dss.dataSequenceNumber(), dss.subflowSequenceNumber(), dss.dataLevelLength(),
                    dss.checksum(), p.data(), p.payloadOffset(), p.payloadLength())).isZero();
        }

        // Expert analysis (MPTCP analysis on): nothing malformed, no error, and no warning but the
        // one tshark gives every RST.
        Tshark.Result expert = Tshark.run(List.of("-r", pcap.toString(), "-o", "mptcp.analyze_mptcp:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-q", "-z", "expert,warn"));
        assertThat(expert.exitCode()).isZero();
        assertThat(expert.stdout()).doesNotContain("Errors (").doesNotContain("Malformed");
        assertThat(Tshark.expertSummaries(expert.stdout(), "Warns")).containsOnly("Connection reset (RST)");
        // With mapping analysis on, tshark also flags pure ACKs past the last mapping ("No mapping
        // available"); it does the same on the Linux kernel's own captures. No segment carrying data
        // may lack a mapping.
        List<String[]> unmapped = Tshark.fields(pcap, List.of("-o", "mptcp.analyze_mptcp:TRUE", "-o",
                "mptcp.analyze_mappings:TRUE", "-Y", "mptcp.dss.missing_mapping && tcp.len > 0"), "frame.number");
        assertThat(unmapped).as("data segments tshark finds no mapping for").isEmpty();
    }

}

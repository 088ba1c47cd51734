package org.mptcplab.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Byte vectors (a comment per field), round trips and error messages for the link, IP and TCP layers. */
class HeadersTest {

    @Nested
    class Ethernet {
        @Test
        void untaggedAndTagged() throws Exception {
            byte[] b = Bytes.fromHex("020000000001" // destination
                    + "020000000002" // source
                    + "8100 0064" // 802.1Q tag, VLAN 100
                    + "0800"); // IPv4
            EthernetHeader e = EthernetHeader.parse(b, 0, b.length);
            assertThat(e.destination()).isEqualTo(MacAddress.parse("02:00:00:00:00:01"));
            assertThat(e.source().toString()).isEqualTo("02:00:00:00:00:02");
            assertThat(e.vlanTags()).containsExactly(100);
            assertThat(e.etherType()).isEqualTo(EthernetHeader.TYPE_IPV4);
            assertThat(e.headerLength()).isEqualTo(18);
            byte[] out = new byte[18];
            e.emit(out, 0);
            assertThat(out).isEqualTo(b);
            assertThat(e.source().isLocallyAdministered()).isTrue();
        }

        @Test
        void truncatedTagSaysWhere() {
            byte[] b = Bytes.fromHex("020000000001 020000000002 8100 00");
            assertThatThrownBy(() -> EthernetHeader.parse(b, 0, b.length))
                    .hasMessage("802.1Q tag at offset 14: needs 4 bytes, only 1 left");
        }
    }

    @Test
    void arpRequestRoundTrip() throws Exception {
        byte[] b = Bytes.fromHex("0001" // hardware type Ethernet
                + "0800" // protocol IPv4
                + "06 04" // address lengths
                + "0001" // request
                + "020000000001 0a010001" // sender MAC, IP 10.1.0.1
                + "000000000000 0a010002"); // target MAC (unknown), IP 10.1.0.2
        ArpPacket a = ArpPacket.parse(b, 0, b.length);
        assertThat(a.operation()).isEqualTo(ArpPacket.REQUEST);
        assertThat(a.senderIp()).isEqualTo(Ipv4Address.parse("10.1.0.1"));
        assertThat(a.targetIp()).isEqualTo(Ipv4Address.parse("10.1.0.2"));
        byte[] out = new byte[28];
        a.emit(out, 0);
        assertThat(out).isEqualTo(b);
        byte[] bad = b.clone();
        bad[1] = 6;
        assertThatThrownBy(() -> ArpPacket.parse(bad, 0, bad.length)).hasMessageContaining("hardware type 6");
    }

    @Nested
    class Ipv4 {
        // A real header: 10.0.0.1 -> 10.0.0.2, TCP, checksum as computed by Linux.
        static final String HEADER = "45" // version 4, IHL 5
                + "00" // DSCP/ECN
                + "003c" // total length 60
                + "1c46" // identification
                + "4000" // DF
                + "40" // TTL 64
                + "06" // TCP
                + "0a70" // header checksum
                + "0a000001" // source
                + "0a000002"; // destination

        @Test
        void parseAndChecksum() throws Exception {
            byte[] b = Bytes.fromHex(HEADER);
            Ipv4Header h = Ipv4Header.parse(b, 0, b.length);
            assertThat(h.totalLength()).isEqualTo(60);
            assertThat(h.protocol()).isEqualTo(6);
            assertThat(h.source().toString()).isEqualTo("10.0.0.1");
            byte[] out = new byte[20];
            h.emit(out, 0, true);
            assertThat(Ipv4Header.checksumValid(out, 0, 20)).isTrue();
            assertThat(Bytes.u16(out, 10)).isEqualTo(Checksums.internet(withZeroChecksum(b), 0, 20));
            out[8] = 1; // change TTL: checksum no longer matches
            assertThat(Ipv4Header.checksumValid(out, 0, 20)).isFalse();
        }

        private byte[] withZeroChecksum(byte[] b) {
            byte[] c = b.clone();
            c[10] = 0;
            c[11] = 0;
            return c;
        }

        @Test
        void optionsAreSkippedByIhl() throws Exception {
            byte[] b = Bytes.fromHex("46 00 0020 0000 0000 40 06 0000 0a000001 0a000002"
                    + "94040000"); // IHL 6: one 4-byte option (router alert)
            Ipv4Header h = Ipv4Header.parse(b, 0, b.length);
            assertThat(h.headerLength()).isEqualTo(24);
            assertThat(Bytes.hex(h.options())).isEqualTo("94040000");
        }

        @Test
        void errors() {
            assertThatThrownBy(() -> Ipv4Header.parse(Bytes.fromHex("45000014"), 0, 4))
                    .hasMessage("IPv4 header at offset 0: needs 20 bytes, only 4 left");
            byte[] ihl4 = Bytes.fromHex(HEADER);
            ihl4[0] = 0x44;
            assertThatThrownBy(() -> Ipv4Header.parse(ihl4, 0, 20))
                    .hasMessage("IPv4 header at offset 0: header length 16 is shorter than 20");
            byte[] v5 = Bytes.fromHex(HEADER);
            v5[0] = 0x55;
            assertThatThrownBy(() -> Ipv4Header.parse(v5, 0, 20)).hasMessage("IPv4 header at offset 0: version 5, expected 4");
            byte[] shortTotal = Bytes.fromHex(HEADER);
            shortTotal[3] = 10;
            assertThatThrownBy(() -> Ipv4Header.parse(shortTotal, 0, 20))
                    .hasMessage("IPv4 header at offset 0: total length 10 is shorter than the header (20)");
        }
    }

    @Nested
    class Ipv6 {
        @Test
        void extensionHeadersAreWalkedToTcp() throws Exception {
            byte[] b = Bytes.fromHex("6" + "00" + "00000" // version 6, traffic class, flow label
                    + "0020" // payload length 32
                    + "00" // next header: hop-by-hop
                    + "40" // hop limit
                    + "fd000000000000000000000000000001" // source fd00::1
                    + "fd000000000000000000000000000002" // destination fd00::2
                    + "3c 00 010400000000" // hop-by-hop: next = destination options, len 0 (8 bytes)
                    + "2c 01 000000000000 0000000000000000" // destination options: next = fragment, len 1 (16 bytes)
                    + "06 00 0000 12345678"); // fragment: next = TCP, offset 0, id
            Ipv6Header h = Ipv6Header.parse(b, 0, b.length);
            assertThat(h.extensions()).containsExactly(new Ipv6Header.Extension(0, 8), new Ipv6Header.Extension(60, 16),
                    new Ipv6Header.Extension(44, 8));
            assertThat(h.upperProtocol()).isEqualTo(6);
            assertThat(h.headerLength()).isEqualTo(72);
            assertThat(h.fragmentOffset()).isZero();
            assertThat(h.source().toString()).isEqualTo("fd00::1");
        }

        @Test
        void truncatedExtension() {
            byte[] b = Bytes.fromHex("60000000 0010 2b 40" + "00".repeat(32) + "06 04 0000");
            assertThatThrownBy(() -> Ipv6Header.parse(b, 0, b.length))
                    .hasMessage("IPv6 extension header 43 at offset 40: needs 8 bytes, only 4 left");
        }

        @Test
        void addressText() {
            assertThat(Ipv6Address.parse("2001:db8:0:0:1:0:0:1").toString()).isEqualTo("2001:db8::1:0:0:1");
            assertThat(Ipv6Address.parse("::").toString()).isEqualTo("::");
            assertThat(Ipv6Address.parse("::ffff:10.0.0.1").toString()).isEqualTo("::ffff:a00:1");
            assertThat(Ipv6Address.parse("fe80::1%eth0")).isEqualTo(Ipv6Address.parse("fe80::1"));
            assertThatThrownBy(() -> Ipv6Address.parse("1::2::3")).hasMessageContaining("more than one '::'");
            assertThatThrownBy(() -> Ipv4Address.parse("10.0.0.256")).hasMessageContaining("'256' is not 0-255");
        }
    }

    @Nested
    class Tcp {
        @Test
        void synWithEveryCommonOption() throws Exception {
            byte[] b = Bytes.fromHex("c350" // source port 50000
                    + "1f90" // destination port 8080
                    + "00000064" // sequence number 100
                    + "00000000" // ack
                    + "c0" // data offset 12 words (48 bytes)
                    + "02" // SYN
                    + "faf0" // window
                    + "0000" // checksum (not checked here)
                    + "0000" // urgent pointer
                    + "020405b4" // MSS 1460
                    + "0402" // SACK permitted
                    + "080a 00000001 00000000" // timestamps
                    + "01" // NOP
                    + "030307" // window scale 7
                    + "1e040101" // MP_CAPABLE v1 SYN, flags H
                    + "00 00 00 00"); // EOL + padding
            TcpHeader t = TcpHeader.parse(b, 0, b.length);
            assertThat(t.sourcePort()).isEqualTo(50000);
            assertThat(t.has(TcpHeader.SYN)).isTrue();
            assertThat(t.options()).containsExactly(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(1, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7),
                    MptcpOption.MpCapable.syn(0x01), new TcpOption.Eol());
            assertThat(t.mptcp(MptcpOption.MP_CAPABLE)).isEqualTo(MptcpOption.MpCapable.syn(0x01));
            assertThat(TcpHeader.flagNames(t.flags())).isEqualTo("SYN");
        }

        @Test
        void sackBlocksAndUnknownOptionsRoundTrip() throws Exception {
            TcpHeader t = TcpHeader.of(1, 2, -5, 7, TcpHeader.ACK, 100, List.of(
                    new TcpOption.Nop(), new TcpOption.Nop(),
                    new TcpOption.Sack(List.of(new TcpOption.SackBlock(10, 20), new TcpOption.SackBlock(-30, -20))),
                    new TcpOption.Unknown(34, Bytes.fromHex("aabbccdd"))));
            byte[] b = new byte[t.headerLength()];
            t.emit(b, 0);
            TcpHeader back = TcpHeader.parse(b, 0, b.length);
            // Padding to the 4-byte boundary comes back as EOL.
            assertThat(back.options()).containsExactlyElementsOf(
                    List.of(t.options().get(0), t.options().get(1), t.options().get(2), t.options().get(3), new TcpOption.Eol()));
            assertThat(back.sequenceNumber()).isEqualTo(-5);
        }

        @Test
        void wrongLengthKnownOptionIsKeptAsMalformedAndParsingGoesOn() throws Exception {
            byte[] b = Bytes.fromHex("0001 0002 00000000 00000000 80 10 0100 0000 0000"
                    + "02050000ff" // MSS with length 5
                    + "1e032000" // DSS with length 3, then one byte of the next option? no: 1e 03 20 is DSS len 3
                            .substring(0, 6) // keep "1e0320"
                    + "01010101"); // NOPs up to 12 option bytes
            TcpHeader t = TcpHeader.parse(b, 0, b.length);
            assertThat(t.options().get(0)).isInstanceOf(TcpOption.Malformed.class);
            assertThat(((TcpOption.Malformed) t.options().get(0)).reason())
                    .isEqualTo("MSS option length 5 at offset 20: expected 4");
            TcpOption.Malformed dss = (TcpOption.Malformed) t.options().get(1);
            assertThat(dss.subtype()).isEqualTo(2);
            assertThat(dss.reason()).isEqualTo("DSS option length 3 at offset 25: expected at least 4");
            assertThat(t.options().subList(2, 6)).allMatch(o -> o instanceof TcpOption.Nop);
        }

        @Test
        void structuralErrors() {
            byte[] zeroLen = Bytes.fromHex("0001 0002 00000000 00000000 60 10 0100 0000 0000 08000000");
            assertThatThrownBy(() -> TcpHeader.parse(zeroLen, 0, zeroLen.length))
                    .hasMessage("TCP option kind 8 at offset 20: length 0 is shorter than 2");
            byte[] past = Bytes.fromHex("0001 0002 00000000 00000000 60 10 0100 0000 0000 080a0000");
            assertThatThrownBy(() -> TcpHeader.parse(past, 0, past.length))
                    .hasMessage("TCP option kind 8 at offset 20: length 10 runs past the option area (4 bytes left)");
            byte[] shortOff = Bytes.fromHex("0001 0002 00000000 00000000 40 10 0100 0000 0000");
            assertThatThrownBy(() -> TcpHeader.parse(shortOff, 0, shortOff.length))
                    .hasMessage("TCP header at offset 0: data offset 16 is shorter than 20");
        }

        @Test
        void sequenceArithmeticWraps() {
            assertThat(SeqNum.before(0xfffffff0, 0x10)).isTrue();
            assertThat(SeqNum.after(0x10, 0xfffffff0)).isTrue();
            assertThat(SeqNum.widen(0x1_ffff_fff0L, 0x10)).isEqualTo(0x2_0000_0010L);
            assertThat(SeqNum.widen(0x2_0000_0010L, 0xfffffff0L)).isEqualTo(0x1_ffff_fff0L);
            assertThat(SeqNum.widen(5, 7)).isEqualTo(7);
        }
    }

    @Test
    void tcpChecksumOverV4AndV6PseudoHeaders() {
        TcpHeader t = TcpHeader.of(40000, 80, 1, 0, TcpHeader.SYN, 65535, List.of(MptcpOption.MpCapable.syn(1)));
        byte[] v4 = PacketBuilder.ipTcp(Ipv4Address.parse("10.1.0.1"), Ipv4Address.parse("10.1.0.2"), t, new byte[] {1, 2, 3});
        DecodedPacket p4 = PacketDecoder.decode(PacketDecoder.LINK_RAW, v4);
        assertThat(p4.error()).isNull();
        assertThat(p4.tcpChecksumValid()).isTrue();
        assertThat(p4.ipv4ChecksumValid()).isTrue();
        assertThat(p4.payloadLength()).isEqualTo(3);
        v4[v4.length - 1] ^= 1;
        assertThat(PacketDecoder.decode(PacketDecoder.LINK_RAW, v4).tcpChecksumValid()).isFalse();

        byte[] v6 = PacketBuilder.ipTcp(Ipv6Address.parse("fd00::1"), Ipv6Address.parse("fd00::2"), t, new byte[5]);
        DecodedPacket p6 = PacketDecoder.decode(PacketDecoder.LINK_RAW, v6);
        assertThat(p6.error()).isNull();
        assertThat(p6.tcpChecksumValid()).isTrue();
        assertThat(p6.payloadLength()).isEqualTo(5);
    }

    @Test
    void dssChecksumVerifiesToZero() {
        byte[] payload = "hello, multipath".getBytes();
        int ck = Checksums.dss(0x0102030405060708L, 1, payload.length, 0, payload, 0, payload.length);
        assertThat(Checksums.dss(0x0102030405060708L, 1, payload.length, ck, payload, 0, payload.length)).isZero();
        assertThat(Checksums.dss(0x0102030405060709L, 1, payload.length, ck, payload, 0, payload.length)).isNotZero();
    }
}

package org.mptcplab.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte vectors (a comment per field) and round trips for every MPTCP option form. */
class MptcpOptionTest {

    static MptcpOption parse(String hex) throws MalformedPacketException {
        byte[] b = Bytes.fromHex(hex);
        assertThat(b[1] & 0xff).as("vector's length byte").isEqualTo(b.length);
        return MptcpOption.parse(b, 0, b.length);
    }

    static byte[] emit(TcpOption o) {
        byte[] b = new byte[o.length()];
        o.emit(b, 0);
        return b;
    }

    /** parse(emit(o)) == o and emit(parse(bytes)) == bytes. */
    static void roundTrip(MptcpOption o) throws MalformedPacketException {
        byte[] b = emit(o);
        assertThat(b[1] & 0xff).isEqualTo(o.length());
        MptcpOption back = MptcpOption.parse(b, 0, b.length);
        assertThat(back).isEqualTo(o);
        assertThat(emit(back)).isEqualTo(b);
    }

    @Nested
    class MpCapable {
        @Test
        void v1Syn() throws Exception {
            var o = (MptcpOption.MpCapable) parse(
                    "1e" // kind 30
                    + "04" // length 4
                    + "01" // subtype 0, version 1
                    + "81"); // flags A (checksum required) + H (HMAC-SHA256)
            assertThat(o.version()).isEqualTo(1);
            assertThat(o.checksumRequired()).isTrue();
            assertThat(o.flags() & MptcpOption.MpCapable.FLAG_H).isNotZero();
            assertThat(o.hasSenderKey()).isFalse();
        }

        @Test
        void synAckCarriesTheSendersKey() throws Exception {
            var o = (MptcpOption.MpCapable) parse("1e 0c 01 01" // kind, len 12, v1, flags H
                    + "0102030405060708"); // option sender's key
            assertThat(o.senderKey()).isEqualTo(0x0102030405060708L);
            assertThat(o.hasReceiverKey()).isFalse();
        }

        @Test
        void thirdAckCarriesBothKeys() throws Exception {
            var o = (MptcpOption.MpCapable) parse("1e 14 01 01"
                    + "1111111111111111" // sender's key (the client's)
                    + "2222222222222222"); // receiver's key (the server's)
            assertThat(o.senderKey()).isEqualTo(0x1111111111111111L);
            assertThat(o.receiverKey()).isEqualTo(0x2222222222222222L);
        }

        @Test
        void firstDataWithDataLevelLengthAndChecksum() throws Exception {
            var o = (MptcpOption.MpCapable) parse("1e 18 01 81"
                    + "1111111111111111 2222222222222222"
                    + "0400" // data-level length 1024
                    + "beef"); // DSS checksum
            assertThat(o.dataLevelLength()).isEqualTo(1024);
            assertThat(o.checksum()).isEqualTo(0xbeef);
            var o22 = (MptcpOption.MpCapable) parse("1e 16 01 01 1111111111111111 2222222222222222 0010");
            assertThat(o22.dataLevelLength()).isEqualTo(16);
            assertThat(o22.hasChecksum()).isFalse();
        }

        @Test
        void v0SynCarriesAKey() throws Exception {
            var o = (MptcpOption.MpCapable) parse("1e 0c 00 81 a0b0c0d0e0f00102");
            assertThat(o.version()).isZero();
            assertThat(o.senderKey()).isEqualTo(0xa0b0c0d0e0f00102L);
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 5, 8, 11, 13, 19, 21, 23, 25, 40})
        void otherLengthsAreRejected(int len) {
            byte[] b = new byte[len];
            b[0] = 30;
            b[1] = (byte) len;
            b[2] = 0x01;
            assertThatThrownBy(() -> MptcpOption.parse(b, 0, len))
                    .isInstanceOf(MalformedPacketException.class)
                    .hasMessageContaining(len < 3 ? "at least 3" : "MP_CAPABLE option length " + len + " at offset 0: expected 4, 12, 20, 22 or 24");
        }

        @Test
        void roundTrips() throws Exception {
            for (int flags : new int[] {0x01, 0x81, 0x21, 0xa1, 0x41}) {
                roundTrip(MptcpOption.MpCapable.syn(flags));
                roundTrip(MptcpOption.MpCapable.synAck(flags, -2L));
                roundTrip(MptcpOption.MpCapable.ack(flags, 0x8000000000000001L, 42));
                roundTrip(MptcpOption.MpCapable.ackWithData(flags, 1, 2, 1460, -1));
                roundTrip(MptcpOption.MpCapable.ackWithData(flags, 1, 2, 65535, 0xffff));
            }
        }
    }

    @Nested
    class MpJoin {
        @Test
        void syn() throws Exception {
            var o = (MptcpOption.MpJoinSyn) parse("1e 0c"
                    + "11" // subtype 1, B (backup) set
                    + "02" // address id 2
                    + "66840dda" // receiver's token
                    + "cafebabe"); // sender's nonce
            assertThat(o.backup()).isTrue();
            assertThat(o.addressId()).isEqualTo(2);
            assertThat(o.receiverToken()).isEqualTo(0x66840dda);
            assertThat(o.senderNonce()).isEqualTo(0xcafebabe);
        }

        @Test
        void synAck() throws Exception {
            var o = (MptcpOption.MpJoinSynAck) parse("1e 10 10 05"
                    + "8385e24fb4235ac3" // truncated HMAC (leftmost 64 bits)
                    + "01020304"); // sender's nonce
            assertThat(o.backup()).isFalse();
            assertThat(o.addressId()).isEqualTo(5);
            assertThat(o.truncatedHmac()).isEqualTo(0x8385e24fb4235ac3L);
            assertThat(o.senderNonce()).isEqualTo(0x01020304);
        }

        @Test
        void thirdAck() throws Exception {
            var o = (MptcpOption.MpJoinAck) parse("1e 18 10 00" // kind, len 24, subtype 1, reserved
                    + "8385e24fb4235ac37556b6b886db106284a1da67"); // 160-bit HMAC
            assertThat(Bytes.hex(o.hmac())).isEqualTo("8385e24fb4235ac37556b6b886db106284a1da67");
        }

        @Test
        void otherLengthsAreRejected() {
            assertThatThrownBy(() -> parse("1e 0d 10 00 00000000 00000000 00"))
                    .hasMessage("MP_JOIN option length 13 at offset 0: expected 12, 16 or 24");
        }

        @Test
        void roundTrips() throws Exception {
            roundTrip(new MptcpOption.MpJoinSyn(false, 0, 0, 0));
            roundTrip(new MptcpOption.MpJoinSyn(true, 255, -1, Integer.MIN_VALUE));
            roundTrip(new MptcpOption.MpJoinSynAck(true, 7, Long.MIN_VALUE, 12345));
            roundTrip(new MptcpOption.MpJoinAck(Bytes.fromHex("00112233445566778899aabbccddeeff00112233")));
        }
    }

    @Nested
    class Dss {
        @Test
        void dataAck64AndMapping64WithChecksum() throws Exception {
            var o = (MptcpOption.Dss) parse("1e 1e" // kind, length 30? no: see below
                    .replace("1e 1e", "1e 1c") // length 28 = 4 + 8 + 14 + 2
                    + "20" // subtype 2, reserved
                    + "0f" // flags: m M a A
                    + "0000000100000002" // data ACK (8)
                    + "0000000300000004" // DSN (8)
                    + "00000001" // subflow sequence number (relative)
                    + "05b4" // data-level length 1460
                    + "abcd"); // checksum
            assertThat(o.hasDataAck()).isTrue();
            assertThat(o.dataAckIs64()).isTrue();
            assertThat(o.dataAck()).isEqualTo(0x0000000100000002L);
            assertThat(o.dataSequenceNumber()).isEqualTo(0x0000000300000004L);
            assertThat(o.subflowSequenceNumber()).isEqualTo(1);
            assertThat(o.dataLevelLength()).isEqualTo(1460);
            assertThat(o.checksum()).isEqualTo(0xabcd);
            assertThat(o.length()).isEqualTo(28);
        }

        @Test
        void dataAck32Only() throws Exception {
            var o = (MptcpOption.Dss) parse("1e 08 20"
                    + "01" // flags: A
                    + "fffffffe"); // 32-bit data ACK, zero-extended
            assertThat(o.dataAck()).isEqualTo(0xfffffffeL);
            assertThat(o.hasMapping()).isFalse();
        }

        @Test
        void bareDataFinAndInfiniteMapping() throws Exception {
            var fin = (MptcpOption.Dss) parse("1e 0e 20"
                    + "14" // flags: F M (32-bit DSN, no ACK)
                    + "00000010" // DSN
                    + "00000000" // subflow seq 0: DATA_FIN not tied to data
                    + "0001"); // data-level length 1: the DATA_FIN itself
            assertThat(fin.dataFin()).isTrue();
            assertThat(fin.dataLevelLength()).isEqualTo(1);
            var inf = (MptcpOption.Dss) parse("1e 0e 20 04 00000010 00000000 0000");
            assertThat(inf.isInfiniteMapping()).isTrue();
        }

        @Test
        void lengthMustMatchFlags() {
            assertThatThrownBy(() -> parse("1e 09 20 01 0000000000"))
                    .hasMessage("DSS option length 9 at offset 0: flags 0x1 need 8");
            assertThatThrownBy(() -> parse("1e 0a 20 04 00000000 0000"))
                    .hasMessage("DSS option length 10 at offset 0: flags 0x4 need 14 or 16");
        }

        /** Every flag combination (32 values), with and without a checksum where a mapping allows it. */
        @Test
        void everyFlagCombinationRoundTrips() throws Exception {
            int n = 0;
            for (int flags = 0; flags < 32; flags++) {
                boolean mapping = (flags & MptcpOption.Dss.FLAG_MAPPING) != 0;
                boolean dsn64 = (flags & MptcpOption.Dss.FLAG_DSN_8) != 0;
                boolean ack64 = (flags & MptcpOption.Dss.FLAG_DATA_ACK_8) != 0;
                long ack = (flags & MptcpOption.Dss.FLAG_DATA_ACK) == 0 ? 0 : ack64 ? 0x8877665544332211L : 0x44332211L;
                long dsn = !mapping ? 0 : dsn64 ? 0x0123456789abcdefL : 0x89abcdefL;
                int ssn = mapping ? 0x7fffffff : 0;
                int dll = mapping ? 1400 : 0;
                roundTrip(new MptcpOption.Dss(flags, ack, dsn, ssn, dll, -1));
                n++;
                if (mapping) {
                    roundTrip(new MptcpOption.Dss(flags, ack, dsn, ssn, dll, 0x1234));
                    n++;
                }
            }
            assertThat(n).isEqualTo(48);
        }
    }

    @Nested
    class AddAddr {
        @Test
        void v4WithHmac() throws Exception {
            var o = (MptcpOption.AddAddr) parse("1e 10"
                    + "30" // subtype 3, E = 0
                    + "02" // address id 2
                    + "0a020002" // 10.2.0.2
                    + "0011223344556677"); // truncated HMAC (rightmost 64 bits)
            assertThat(o.echo()).isFalse();
            assertThat(o.addressId()).isEqualTo(2);
            assertThat(o.address()).isEqualTo(Ipv4Address.parse("10.2.0.2"));
            assertThat(o.hasPort()).isFalse();
            assertThat(o.hasHmac()).isTrue();
            assertThat(o.hmac()).isEqualTo(0x0011223344556677L);
        }

        @Test
        void v4EchoWithPort() throws Exception {
            var o = (MptcpOption.AddAddr) parse("1e 0a"
                    + "31" // subtype 3, E = 1
                    + "07" // address id
                    + "c0a80101" // 192.168.1.1
                    + "1f90"); // port 8080
            assertThat(o.echo()).isTrue();
            assertThat(o.port()).isEqualTo(8080);
            assertThat(o.hasHmac()).isFalse();
        }

        @Test
        void v6() throws Exception {
            var o = (MptcpOption.AddAddr) parse("1e 1e 30 09"
                    + "fd000000000000000000000000000001" // fd00::1
                    + "0050" // port 80
                    + "8877665544332211"); // HMAC
            assertThat(o.address()).isEqualTo(Ipv6Address.parse("fd00::1"));
            assertThat(o.port()).isEqualTo(80);
            assertThat(o.hmac()).isEqualTo(0x8877665544332211L);
        }

        @Test
        void v0LayoutReadsAsNoHmac() throws Exception {
            var o = (MptcpOption.AddAddr) parse("1e 08 34 01 0a000002"); // v0: IPVer 4 in the low nibble
            assertThat(o.flags()).isEqualTo(4);
            assertThat(o.echo()).isFalse();
            assertThat(o.address()).isEqualTo(Ipv4Address.parse("10.0.0.2"));
        }

        @Test
        void otherLengthsAreRejected() {
            assertThatThrownBy(() -> parse("1e 0c 30 01 0a000002 00000000"))
                    .hasMessage("ADD_ADDR option length 12 at offset 0: expected 8, 10, 16, 18 (IPv4) or 20, 22, 28, 30 (IPv6)");
        }

        @Test
        void everyFormRoundTrips() throws Exception {
            List<IpAddress> addrs = List.of(Ipv4Address.parse("10.1.2.3"), Ipv6Address.parse("2001:db8::7"));
            for (IpAddress a : addrs) {
                for (int port : new int[] {-1, 0, 65535}) {
                    MptcpOption.AddAddr ann = MptcpOption.AddAddr.announce(3, a, port, 0xdeadbeef12345678L);
                    MptcpOption.AddAddr echo = MptcpOption.AddAddr.echo(3, a, port);
                    roundTrip(ann);
                    roundTrip(echo);
                    int v = a.byteLength() == 4 ? 0 : 12;
                    int p = port >= 0 ? 2 : 0;
                    assertThat(ann.length()).isEqualTo(16 + v + p);
                    assertThat(echo.length()).isEqualTo(8 + v + p);
                }
            }
        }
    }

    @Nested
    class Others {
        @Test
        void removeAddr() throws Exception {
            var o = (MptcpOption.RemoveAddr) parse("1e 06 40" // kind, length 3 + 3, subtype 4
                    + "01 02 08"); // address ids
            assertThat(o.addressIds()).containsExactly(1, 2, 8);
            assertThatThrownBy(() -> parse("1e 03 40"))
                    .hasMessage("REMOVE_ADDR option length 3 at offset 0: expected at least 4 (3 + one address id)");
            List<Integer> many = new ArrayList<>();
            for (int i = 0; i < 37; i++) {
                many.add(i);
            }
            roundTrip(new MptcpOption.RemoveAddr(many));
            roundTrip(new MptcpOption.RemoveAddr(List.of(255)));
        }

        @Test
        void mpPrio() throws Exception {
            var o = (MptcpOption.MpPrio) parse("1e 03 51"); // subtype 5, B = 1
            assertThat(o.backup()).isTrue();
            assertThat(o.addressId()).isEqualTo(-1);
            var v0 = (MptcpOption.MpPrio) parse("1e 04 50 03"); // v0 with address id 3
            assertThat(v0.addressId()).isEqualTo(3);
            roundTrip(MptcpOption.MpPrio.of(true));
            roundTrip(MptcpOption.MpPrio.of(false));
            roundTrip(new MptcpOption.MpPrio(true, 9));
        }

        @Test
        void mpFail() throws Exception {
            var o = (MptcpOption.MpFail) parse("1e 0c 60 00" // subtype 6, reserved
                    + "0000000000001000"); // DSN where the failed mapping starts
            assertThat(o.dataSequenceNumber()).isEqualTo(0x1000);
            roundTrip(new MptcpOption.MpFail(-1));
        }

        @Test
        void mpFastclose() throws Exception {
            var o = (MptcpOption.MpFastclose) parse("1e 0c 70 00"
                    + "0102030405060708"); // option receiver's key
            assertThat(o.receiverKey()).isEqualTo(0x0102030405060708L);
            roundTrip(new MptcpOption.MpFastclose(7));
            assertThatThrownBy(() -> parse("1e 0b 70 00 01020304050607"))
                    .hasMessage("MP_FASTCLOSE option length 11 at offset 0: expected 12");
        }

        @Test
        void mpTcpRst() throws Exception {
            var o = (MptcpOption.MpTcpRst) parse("1e 04"
                    + "81" // subtype 8, flags T (transient)
                    + "06"); // reason: middlebox interference
            assertThat(o.transientError()).isTrue();
            assertThat(o.reasonName()).isEqualTo("middlebox interference");
            for (int r = 0; r <= 7; r++) {
                roundTrip(new MptcpOption.MpTcpRst(r % 16, r));
            }
            assertThat(MptcpOption.MpTcpRst.reasonName(1)).isEqualTo("MPTCP-specific error");
            assertThat(MptcpOption.MpTcpRst.reasonName(9)).isEqualTo("unassigned (9)");
        }

        @Test
        void experimentalAndUnknownKeptRaw() throws Exception {
            var e = (MptcpOption.Experimental) parse("1e 05 f0 aa bb");
            assertThat(Bytes.hex(e.data())).isEqualTo("f0aabb");
            assertThat(emit(e)).isEqualTo(Bytes.fromHex("1e05f0aabb"));
            var u = (MptcpOption.UnknownSubtype) parse("1e 04 9f 01");
            assertThat(u.subtype()).isEqualTo(9);
            assertThat(emit(u)).isEqualTo(Bytes.fromHex("1e049f01"));
        }
    }

    static List<Integer> subtypes() {
        return List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15);
    }

    /** Whatever the length, parse either returns a value that survives emit and parse again, or a typed error. */
    @ParameterizedTest
    @MethodSource("subtypes")
    void everyLengthOfEverySubtypeIsEitherExactOrATypedError(int subtype) {
        for (int len = 2; len <= 40; len++) {
            byte[] b = new byte[len];
            b[0] = 30;
            b[1] = (byte) len;
            if (len > 2) {
                b[2] = (byte) (subtype << 4);
            }
            for (int i = 3; i < len; i++) {
                b[i] = (byte) (i * 37);
            }
            if (subtype == 2 && len > 3) {
                b[3] &= 0x1f;
            }
            try {
                MptcpOption o = MptcpOption.parse(b, 0, len);
                assertThat(o.length()).as("subtype %d length %d", subtype, len).isEqualTo(len);
                // Reserved bits are not kept (sent as zero, RFC 8684), so compare values, not bytes.
                byte[] again = emit(o);
                assertThat(MptcpOption.parse(again, 0, len)).as("subtype %d length %d", subtype, len).isEqualTo(o);
            } catch (MalformedPacketException e) {
                assertThat(e.kind()).isEqualTo(MalformedPacketException.Kind.BAD_LENGTH);
                assertThat(e.getMessage()).contains("length " + len);
            }
        }
    }
}

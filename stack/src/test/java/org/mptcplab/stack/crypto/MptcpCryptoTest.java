package org.mptcplab.stack.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Ipv4Address;

class MptcpCryptoTest {

    /** Linux net/mptcp/crypto_test.c (KUnit): key and message are ASCII strings. */
    @Test
    void kunitHmacVectors() {
        assertThat(Bytes.hex(MptcpCrypto.hmacSha256(ascii("0b0b0b0b0b0b0b0b"), ascii("48692054"))))
                .isEqualTo("8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa");
        assertThat(Bytes.hex(MptcpCrypto.hmacSha256(ascii("aaaaaaaaaaaaaaaa"), ascii("dddddddd"))))
                .isEqualTo("2c5e219164ff1dca1c4a92318d847bb6b9d44492984e1eb71aff9022f71046e9");
    }

    /** The KUnit test feeds the same bytes through the join HMAC with keys/nonces as integers. */
    @Test
    void joinHmacIsHmacOverConcatenatedKeysAndNonces() {
        long keyA = Bytes.i64(ascii("0b0b0b0b"), 0);
        long keyB = Bytes.i64(ascii("0b0b0b0b"), 0);
        int nonceA = Bytes.i32(ascii("4869"), 0);
        int nonceB = Bytes.i32(ascii("2054"), 0);
        assertThat(Bytes.hex(MptcpCrypto.joinHmac(keyA, keyB, nonceA, nonceB)))
                .isEqualTo("8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa");
        // Responder sends the leftmost 64 bits, initiator the leftmost 160 (RFC 8684 3.2).
        assertThat(Bytes.hex64(MptcpCrypto.joinSynAckHmac(keyA, keyB, nonceA, nonceB))).isEqualTo("8385e24fb4235ac3");
        assertThat(Bytes.hex(MptcpCrypto.joinAckHmac(keyA, keyB, nonceA, nonceB)))
                .isEqualTo("8385e24fb4235ac37556b6b886db106284a1da67");
    }

    @Test
    void tokenAndIdsnExamplesFromProtocolMd() {
        assertThat(Integer.toHexString(MptcpCrypto.token(0x0102030405060708L))).isEqualTo("66840dda");
        assertThat(Bytes.hex64(MptcpCrypto.idsn(0x0102030405060708L))).isEqualTo("f5a101d3d29d6f72");
        assertThat(Integer.toHexString(MptcpCrypto.token(0xdeadbeefcafebabeL))).isEqualTo("3f8a286a");
        assertThat(Bytes.hex64(MptcpCrypto.idsn(0xdeadbeefcafebabeL))).isEqualTo("33a8062a61d417f8");
    }

    @Test
    void tokenAndIdsnAreTheEndsOfOneSha256() throws Exception {
        long key = 0x1122334455667788L;
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Bytes.fromHex("1122334455667788"));
        assertThat(MptcpCrypto.token(key)).isEqualTo(Bytes.i32(d, 0));
        assertThat(MptcpCrypto.idsn(key)).isEqualTo(Bytes.i64(d, 24));
    }

    @Test
    void v0UsesSha1() throws Exception {
        long key = 0x1122334455667788L;
        byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(Bytes.fromHex("1122334455667788"));
        assertThat(MptcpCrypto.tokenV0(key)).isEqualTo(Bytes.i32(d, 0));
        assertThat(MptcpCrypto.idsnV0(key)).isEqualTo(Bytes.i64(d, 12));
    }

    /** ADD_ADDR takes the RIGHTMOST 64 bits, unlike MP_JOIN (the classic interop bug). */
    @Test
    void addAddrHmacIsRightmost64BitsOverIdAddressPort() {
        long sk = 0x0102030405060708L;
        long rk = 0x1112131415161718L;
        byte[] addr = Ipv4Address.parse("10.2.0.2").toBytes();
        byte[] full = MptcpCrypto.hmacSha256(Bytes.fromHex("0102030405060708 1112131415161718"),
                Bytes.fromHex("05 0a020002 0000"));
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 5, addr, -1)).isEqualTo(Bytes.i64(full, 24));
        byte[] withPort = MptcpCrypto.hmacSha256(Bytes.fromHex("0102030405060708 1112131415161718"),
                Bytes.fromHex("05 0a020002 1f90"));
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 5, addr, 8080)).isEqualTo(Bytes.i64(withPort, 24));
    }

    /**
     * ADD_ADDR HMACs computed apart (Python's hmac over the same bytes): the message always ends
     * in two port bytes, zero when the option has no port (RFC 8684 3.4.1, and Linux's
     * add_addr_generate_hmac), the port's own when it has one.
     */
    @Test
    void addAddrHmacMatchesValuesComputedApart() {
        long sk = 0x0102030405060708L;
        long rk = 0x1112131415161718L;
        byte[] v4 = Ipv4Address.parse("10.2.0.2").toBytes();
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 5, v4, -1)).isEqualTo(0xb05641a2e668bbbaL);
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 5, v4, 0)).as("no port hashes as port 0").isEqualTo(0xb05641a2e668bbbaL);
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 5, v4, 6000)).isEqualTo(0xfa8897e98dacc776L);
        byte[] v6 = org.mptcplab.stack.wire.IpAddress.parse("fd00:2::2").toBytes();
        assertThat(MptcpCrypto.addAddrHmac(sk, rk, 7, v6, 6000)).isEqualTo(0xbcf0d0a3023fbca7L);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package org.mptcplab.stack.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-derived values of MPTCP: token and initial data sequence number from a key, and the
 * HMACs that authenticate MP_JOIN and ADD_ADDR.
 *
 * <p>v1 (RFC 8684 3.1, 3.2, 3.4.1) uses SHA-256 and HMAC-SHA256. v0 (RFC 6824) used SHA-1; it is
 * here only to read old captures.
 */
public final class MptcpCrypto {
    private MptcpCrypto() {
    }

    // MessageDigest and Mac instances are not thread-safe; one per thread keeps them off the
    // allocation path without locking.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> digest("SHA-1"));
    private static final ThreadLocal<Mac> HMAC256 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    });

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is required by every Java platform", e);
        }
    }

    private static byte[] be64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** SHA-256 of the key as 8 big-endian bytes. */
    public static byte[] keyDigest(long key) {
        return SHA256.get().digest(be64(key));
    }

    /** Token (RFC 8684 3.2): the most significant 32 bits of SHA-256(key). */
    public static int token(long key) {
        return readInt(keyDigest(key), 0);
    }

    /** IDSN (RFC 8684 3.1): the least significant 64 bits of SHA-256(key). */
    public static long idsn(long key) {
        return readLong(keyDigest(key), 24);
    }

    /** v0 token (RFC 6824 3.1): the most significant 32 bits of SHA-1(key). */
    public static int tokenV0(long key) {
        return readInt(SHA1.get().digest(be64(key)), 0);
    }

    /** v0 IDSN: the least significant 64 bits of SHA-1(key). */
    public static long idsnV0(long key) {
        return readLong(SHA1.get().digest(be64(key)), 12);
    }

    /** Full HMAC-SHA256 (RFC 2104). */
    public static byte[] hmacSha256(byte[] key, byte[] message) {
        Mac mac = HMAC256.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 refused a " + key.length + "-byte key", e);
        }
        return mac.doFinal(message);
    }

    private static byte[] concat64(long a, long b) {
        byte[] out = new byte[16];
        System.arraycopy(be64(a), 0, out, 0, 8);
        System.arraycopy(be64(b), 0, out, 8, 8);
        return out;
    }

    private static byte[] concat32(int a, int b) {
        return new byte[] {
            (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a,
            (byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b};
    }

    /**
     * The MP_JOIN HMAC (RFC 8684 3.2): HMAC-SHA256(key = localKey || remoteKey, msg = localNonce ||
     * remoteNonce), where "local" is the side that sends the HMAC.
     */
    public static byte[] joinHmac(long localKey, long remoteKey, int localNonce, int remoteNonce) {
        return hmacSha256(concat64(localKey, remoteKey), concat32(localNonce, remoteNonce));
    }

    /** The responder's SYN/ACK value: leftmost 64 bits of HMAC(KeyB||KeyA, RB||RA). */
    public static long joinSynAckHmac(long responderKey, long initiatorKey, int responderNonce, int initiatorNonce) {
        return readLong(joinHmac(responderKey, initiatorKey, responderNonce, initiatorNonce), 0);
    }

    /** The initiator's third-ACK value: leftmost 160 bits of HMAC(KeyA||KeyB, RA||RB). */
    public static byte[] joinAckHmac(long initiatorKey, long responderKey, int initiatorNonce, int responderNonce) {
        byte[] full = joinHmac(initiatorKey, responderKey, initiatorNonce, responderNonce);
        byte[] out = new byte[20];
        System.arraycopy(full, 0, out, 0, 20);
        return out;
    }

    /**
     * The ADD_ADDR HMAC (RFC 8684 3.4.1): RIGHTMOST 64 bits of HMAC-SHA256(key = sender's key ||
     * receiver's key, msg = address id || address || port), with port 0 when the option has none.
     */
    public static long addAddrHmac(long senderKey, long receiverKey, int addressId, byte[] address, int port) {
        byte[] msg = new byte[1 + address.length + 2];
        msg[0] = (byte) addressId;
        System.arraycopy(address, 0, msg, 1, address.length);
        int p = Math.max(port, 0);
        msg[msg.length - 2] = (byte) (p >>> 8);
        msg[msg.length - 1] = (byte) p;
        byte[] full = hmacSha256(concat64(senderKey, receiverKey), msg);
        return readLong(full, 24);
    }
}

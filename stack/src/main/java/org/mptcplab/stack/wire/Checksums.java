package org.mptcplab.stack.wire;

/**
 * The Internet checksum (RFC 1071) and the pseudo-headers that TCP (RFC 9293 3.1, RFC 8200 8.1)
 * and the MPTCP DSS checksum (RFC 8684 3.3.1) put in front of the data they cover.
 *
 * <p>Partial sums are kept as unfolded 32-bit-plus accumulators in a long so that pieces can be
 * added in any order and folded once at the end.
 */
public final class Checksums {
    private Checksums() {
    }

    private static final java.lang.invoke.VarHandle INT_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * Adds {@code len} bytes (big-endian 16-bit words, odd byte padded with zero) to {@code sum}.
     * The bulk is summed as 32-bit big-endian words: RFC 1071 2 (B) lets the sum be taken in
     * larger units and folded at the end, and it is the hot loop of every segment sent and
     * received. The running sum is kept small enough that the long never overflows.
     */
    public static long add(long sum, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long acc = 0;
        while (end - i >= 16) {
            long x = (long) LONG_BE.get(b, i);
            long y = (long) LONG_BE.get(b, i + 8);
            acc += (x >>> 32) + (x & 0xffffffffL) + (y >>> 32) + (y & 0xffffffffL);
            i += 16;
        }
        while (end - i >= 4) {
            acc += (int) INT_BE.get(b, i) & 0xffffffffL;
            i += 4;
        }
        // Fold the 32-bit-word sum into 16-bit terms: each 32-bit word is two 16-bit words.
        sum += (acc >>> 32) + ((acc >>> 16) & 0xffff) + (acc & 0xffff);
        while (end - i >= 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    public static long add16(long sum, int v) {
        return sum + (v & 0xffff);
    }

    public static long add32(long sum, long v) {
        return sum + ((v >>> 16) & 0xffff) + (v & 0xffff);
    }

    public static long add64(long sum, long v) {
        return add32(add32(sum, v >>> 32), v & 0xffffffffL);
    }

    /** Folds the carries and returns the ones-complement of the sum: the value to put on the wire. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The Internet checksum of a byte range. 0 means a range that contains a correct checksum. */
    public static int internet(byte[] b, int off, int len) {
        return finish(add(0, b, off, len));
    }

    /** Sum of the IPv4 pseudo-header (RFC 9293 3.1): source, destination, zero, protocol, length. */
    public static long ipv4Pseudo(int src, int dst, int protocol, int upperLength) {
        long s = add32(0, src & 0xffffffffL);
        s = add32(s, dst & 0xffffffffL);
        return s + protocol + upperLength;
    }

    /** Sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses, 32-bit length, next header. */
    public static long ipv6Pseudo(Ipv6Address src, Ipv6Address dst, int protocol, int upperLength) {
        long s = add64(0, src.high());
        s = add64(s, src.low());
        s = add64(s, dst.high());
        s = add64(s, dst.low());
        s = add32(s, upperLength & 0xffffffffL);
        return s + protocol;
    }

    /**
     * The DSS checksum (RFC 8684 3.3.1): a pseudo-header of the 64-bit data sequence number, the
     * 32-bit relative subflow sequence number, the data-level length and a zero 16-bit field
     * (the place of the checksum itself), followed by the mapped payload. Returns the value to
     * send; a receiver computes it with the received checksum in place of the zero and gets 0.
     */
    public static int dss(long dataSequenceNumber, long subflowSequence, int dataLevelLength, int checksumField,
                          byte[] payload, int off, int len) {
        long s = add64(0, dataSequenceNumber);
        s = add32(s, subflowSequence & 0xffffffffL);
        s = add16(s, dataLevelLength);
        s = add16(s, checksumField);
        s = add(s, payload, off, len);
        return finish(s);
    }
}

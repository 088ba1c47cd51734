package org.mptcplab.stack.mptcp;

import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpOption;
import org.mptcplab.stack.wire.TcpOptions;

/**
 * The TCP options of the segment being built, written straight into bytes: the stack reuses one
 * per host instead of a list of option records per segment (the records and lists were most of
 * what a bulk transfer allocated per packet). The bytes are those the records' {@code emit} would
 * write, in the same order, so the wire output is unchanged; rare options still come as records
 * ({@link #add}).
 */
final class OptionBuffer {
    /** Room past the 40 bytes TCP allows, so that an overflow is reported, not an index error. */
    private final byte[] bytes = new byte[80];
    private int length;

    void clear() {
        length = 0;
    }

    /** Bytes written so far (not padded). */
    int length() {
        return length;
    }

    /** The length rounded up to 32-bit words, as the data offset counts it (RFC 9293 3.1). */
    int paddedLength() {
        int n = (length + 3) & ~3;
        if (n > TcpOptions.MAX_SPACE) {
            throw new IllegalArgumentException("TCP options take " + n + " bytes, more than the 40 the header has room for");
        }
        return n;
    }

    /**
     * Removes the two NOPs at the start (those that align the timestamps, RFC 7323 Appendix A)
     * when the options begin with them, for an option that fits only without them; whether it did.
     */
    boolean dropLeadingNops() {
        if (length < 2 || bytes[0] != TcpOption.KIND_NOP || bytes[1] != TcpOption.KIND_NOP) {
            return false;
        }
        System.arraycopy(bytes, 2, bytes, 0, length - 2);
        length -= 2;
        return true;
    }

    void nop() {
        bytes[length++] = TcpOption.KIND_NOP;
    }

    void timestamps(long tsVal, long tsEcr) {
        TcpOption.Timestamps.write(bytes, length, tsVal, tsEcr);
        length += 10;
    }

    void dss(int flags, long dataAck, long dsn, int subflowSeq, int dataLevelLength, int checksum) {
        length += MptcpOption.Dss.write(bytes, length, flags, dataAck, dsn, subflowSeq, dataLevelLength, checksum);
    }

    void add(TcpOption o) {
        int n = o.length();
        if (length + n > bytes.length) {
            throw new IllegalArgumentException("TCP options take more than the 40 bytes the header has room for");
        }
        // The buffer is reused: an option that leaves reserved bytes alone must find them zero, as
        // it would in a new array.
        java.util.Arrays.fill(bytes, length, length + n, (byte) 0);
        o.emit(bytes, length);
        length += n;
    }

    /** Writes the options and their EOL padding (RFC 9293 3.2) at {@code off}; returns the padded length. */
    int writeTo(byte[] b, int off) {
        int padded = paddedLength();
        System.arraycopy(bytes, 0, b, off, length);
        for (int i = length; i < padded; i++) {
            b[off + i] = 0;
        }
        return padded;
    }
}

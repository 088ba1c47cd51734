package org.mptcplab.stack.wire;

import java.util.List;

/**
 * One TCP option (RFC 9293 3.2 and the RFCs that added kinds). A closed family: every option in a
 * header decodes to exactly one of these, including options we do not know (kept raw) and options
 * whose length breaks their rule (kept raw with the reason, so nothing is silently lost).
 */
public sealed interface TcpOption permits TcpOption.Eol, TcpOption.Nop, TcpOption.Mss, TcpOption.WindowScale,
        TcpOption.SackPermitted, TcpOption.Sack, TcpOption.Timestamps, TcpOption.Unknown, TcpOption.Malformed,
        MptcpOption {

    int KIND_EOL = 0;
    int KIND_NOP = 1;
    int KIND_MSS = 2;
    int KIND_WINDOW_SCALE = 3;
    int KIND_SACK_PERMITTED = 4;
    int KIND_SACK = 5;
    int KIND_TIMESTAMPS = 8;
    int KIND_MPTCP = 30;

    /** The option kind byte. */
    int kind();

    /** Bytes the option takes on the wire. */
    int length();

    /** Writes exactly {@link #length()} bytes at {@code off}. */
    void emit(byte[] b, int off);

    /** End of option list (kind 0): what follows is padding. */
    record Eol() implements TcpOption {
        public int kind() {
            return KIND_EOL;
        }

        public int length() {
            return 1;
        }

        public void emit(byte[] b, int off) {
            b[off] = 0;
        }
    }

    /** No-operation (kind 1), used for alignment. */
    record Nop() implements TcpOption {
        public int kind() {
            return KIND_NOP;
        }

        public int length() {
            return 1;
        }

        public void emit(byte[] b, int off) {
            b[off] = 1;
        }
    }

    /** Maximum segment size (kind 2, length 4), SYN only. */
    record Mss(int mss) implements TcpOption {
        public int kind() {
            return KIND_MSS;
        }

        public int length() {
            return 4;
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_MSS;
            b[off + 1] = 4;
            Bytes.put16(b, off + 2, mss);
        }
    }

    /** Window scale (RFC 7323 2.2, kind 3, length 3): shift count, at most 14 is meaningful. */
    record WindowScale(int shift) implements TcpOption {
        public int kind() {
            return KIND_WINDOW_SCALE;
        }

        public int length() {
            return 3;
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_WINDOW_SCALE;
            b[off + 1] = 3;
            b[off + 2] = (byte) shift;
        }
    }

    /** SACK permitted (RFC 2018, kind 4, length 2). */
    record SackPermitted() implements TcpOption {
        public int kind() {
            return KIND_SACK_PERMITTED;
        }

        public int length() {
            return 2;
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_SACK_PERMITTED;
            b[off + 1] = 2;
        }
    }

    /** One SACK block: left edge inclusive, right edge exclusive, 32-bit sequence numbers. */
    record SackBlock(int left, int right) {
    }

    /** SACK blocks (RFC 2018, kind 5, length 2 + 8n, 1 to 4 blocks). */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > 4) {
                throw new IllegalArgumentException("SACK option carries 1 to 4 blocks, not " + blocks.size());
            }
        }

        public int kind() {
            return KIND_SACK;
        }

        public int length() {
            return 2 + 8 * blocks.size();
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_SACK;
            b[off + 1] = (byte) length();
            int p = off + 2;
            for (SackBlock s : blocks) {
                Bytes.put32(b, p, s.left());
                Bytes.put32(b, p + 4, s.right());
                p += 8;
            }
        }
    }

    /** Timestamps (RFC 7323 3, kind 8, length 10); values are unsigned 32-bit. */
    record Timestamps(long tsVal, long tsEcr) implements TcpOption {
        public int kind() {
            return KIND_TIMESTAMPS;
        }

        public int length() {
            return 10;
        }

        public void emit(byte[] b, int off) {
            write(b, off, tsVal, tsEcr);
        }

        /** Writes the option these values make, as {@link #emit} of the record would. */
        public static void write(byte[] b, int off, long tsVal, long tsEcr) {
            b[off] = KIND_TIMESTAMPS;
            b[off + 1] = 10;
            Bytes.put32(b, off + 2, tsVal);
            Bytes.put32(b, off + 6, tsEcr);
        }
    }

    /** An option kind we do not interpret; its bytes after kind and length are kept. */
    record Unknown(int kind, byte[] data) implements TcpOption {
        public int length() {
            return 2 + data.length;
        }

        public void emit(byte[] b, int off) {
            b[off] = (byte) kind;
            b[off + 1] = (byte) length();
            System.arraycopy(data, 0, b, off + 2, data.length);
        }

        // Records compare arrays by reference; options are values, so compare contents.
        @Override
        public boolean equals(Object other) {
            return other instanceof Unknown o && kind == o.kind && java.util.Arrays.equals(data, o.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Unknown[" + "kind=" + kind + ", " + "data=" + Bytes.hex(data) + "]";
        }
    }

    /**
     * A known option whose length breaks its rule (e.g. MSS of length 5, an MPTCP DSS of length 9).
     * RFC 8684 and Linux ignore such an option rather than drop the segment; we keep its bytes and
     * the reason so that a decoder can count and show it.
     *
     * @param subtype the MPTCP subtype for kind 30, otherwise -1
     * @param raw the whole option as on the wire, kind and length bytes included
     */
    record Malformed(int kind, int subtype, byte[] raw, String reason) implements TcpOption {
        public int length() {
            return raw.length;
        }

        public void emit(byte[] b, int off) {
            System.arraycopy(raw, 0, b, off, raw.length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Malformed o && kind == o.kind && subtype == o.subtype
                    && java.util.Arrays.equals(raw, o.raw) && reason.equals(o.reason);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, subtype, java.util.Arrays.hashCode(raw), reason);
        }

        @Override
        public String toString() {
            return "Malformed[kind=" + kind + ", subtype=" + subtype + ", raw=" + Bytes.hex(raw) + ", reason=" + reason + "]";
        }
    }
}

package org.mptcplab.stack.wire;

/**
 * A header, option or packet that does not follow its wire format. It always says what was
 * wrong and where (byte offset from the start of the buffer handed to the decoder), with the
 * actual and expected values, e.g. "DSS option length 9 at offset 54: expected 4, 8, ...".
 *
 * <p>Checked on purpose: every decoder call site has to decide what a malformed input means
 * (count and drop, keep the layers decoded so far...). No stack trace is filled in: malformed
 * packets are routine input (fuzzers, hostile peers, broken captures), not programming errors,
 * and creating traces would make a flood of them expensive.
 */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of rule the input broke; lets callers count errors by kind. */
    public enum Kind {
        /** The buffer ends before the header or option does. */
        TRUNCATED,
        /** A length field has a value the format does not allow. */
        BAD_LENGTH,
        /** A field has a value the format does not allow (version, type...). */
        BAD_VALUE
    }

    private final Kind kind;
    private final int offset;

    public MalformedPacketException(Kind kind, int offset, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.offset = offset;
    }

    public static MalformedPacketException truncated(String what, int offset, int needed, int available) {
        return new MalformedPacketException(Kind.TRUNCATED, offset,
                what + " at offset " + offset + ": needs " + needed + " bytes, only " + available + " left");
    }

    public Kind kind() {
        return kind;
    }

    /** Byte offset of the offending header or field. */
    public int offset() {
        return offset;
    }
}

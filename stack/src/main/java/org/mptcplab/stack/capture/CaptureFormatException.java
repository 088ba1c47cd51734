package org.mptcplab.stack.capture;

import java.io.IOException;

/**
 * The file cannot be read as a capture at all: it cannot be opened, it starts with neither a pcap
 * nor a pcapng magic number, or its file header (the pcap file header, or the first pcapng
 * Section Header Block) is cut short or broken. Damage after a valid header is not thrown but
 * reported through {@link CaptureReader#errors()} and, where the reader resynchronised past it,
 * {@link CaptureReader#skips()}.
 */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param offset  byte offset in the file where the problem is, or -1 when no offset applies
     *                (the file could not be opened)
     * @param message what is wrong, with the actual and expected values
     */
    public CaptureFormatException(long offset, String message) {
        super(message);
        this.offset = offset;
    }

    public CaptureFormatException(long offset, String message, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the file where the problem is, or -1 when no offset applies. */
    public long offset() {
        return offset;
    }
}

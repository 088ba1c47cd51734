package org.mptcplab.stack.capture;

import java.util.Objects;

/**
 * A non-fatal problem found while reading a capture file: a damaged record or block that the
 * reader skipped, or a suspicious value it passed on. {@code message} is complete on its own
 * (it repeats the offset and gives actual and expected values), e.g.
 * "pcap record at offset 1234: captured length 1500 runs past end of file (1300 bytes left)".
 *
 * @param fileOffset byte offset, from the start of the file, of the record or block at fault
 * @param message    what is wrong, where, with the actual and expected values
 */
public record CaptureError(long fileOffset, String message) {
    public CaptureError {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return message;
    }
}

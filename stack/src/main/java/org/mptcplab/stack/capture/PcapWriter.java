package org.mptcplab.stack.capture;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a classic pcap file (draft-ietf-opsawg-pcap): little-endian, with the nanosecond magic
 * 0xA1B23C4D so that sub-microsecond virtual times survive (tshark, Wireshark, tcpdump and
 * {@link CaptureReader} read it), snaplen {@value #SNAPLEN}.
 *
 * <p>Output is buffered; call {@link #flush()} to make a live file readable up to the last
 * record, and {@link #close()} at the end (it flushes and closes the stream).
 *
 * <p><b>Not thread-safe, by design:</b> records must reach the file in a single, deliberate order
 * and one lock per packet would cost more than the write itself. A writer shared between threads
 * needs external synchronisation (or one writer thread fed by a queue).
 */
public final class PcapWriter implements AutoCloseable, Flushable {

    /** Snaplen written in the header; longer packets are truncated to it (original length kept). */
    public static final int SNAPLEN = 262_144;

    /** Nanosecond-resolution pcap magic (draft-ietf-opsawg-pcap section 4). */
    static final int MAGIC_NANOS = 0xA1B23C4D;

    private static final int RECORD_HEADER = 16;
    private static final int BUFFER = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_SECONDS = 0xFFFF_FFFFL; // An unsigned 32-bit field: until 2106.

    private final OutputStream out;
    private final int linkType;
    private final byte[] buffer = new byte[BUFFER];
    private int used;
    private long records;
    private boolean closed;
    /** File size limit in bytes (header included); Long.MAX_VALUE: none. */
    private long limitBytes = Long.MAX_VALUE;
    private long bytesWritten = 24;
    private long recordsNotWritten;

    private PcapWriter(OutputStream out, int linkType) {
        this.out = out;
        this.linkType = linkType;
        putInt(MAGIC_NANOS);
        putShort(2);          // Major version.
        putShort(4);          // Minor version.
        putInt(0);            // Reserved1 (once "thiszone"): SHOULD be 0.
        putInt(0);            // Reserved2 (once "sigfigs"): SHOULD be 0.
        putInt(SNAPLEN);
        putInt(linkType);     // No FCS information: the upper 16 bits stay 0.
    }

    /**
     * Creates (or truncates) {@code file} and writes the pcap file header to the buffer.
     *
     * @param linkType a {@link LinkType} value, 0 to 65535
     */
    public static PcapWriter create(Path file, int linkType) throws IOException {
        Objects.requireNonNull(file, "file");
        checkLinkType(linkType);
        return new PcapWriter(Files.newOutputStream(file), linkType);
    }

    /**
     * A writer on a stream it now owns: {@link #close()} closes the stream. Nothing is written
     * to the stream before the first flush.
     *
     * @param linkType a {@link LinkType} value, 0 to 65535
     */
    public static PcapWriter to(OutputStream out, int linkType) {
        Objects.requireNonNull(out, "out");
        checkLinkType(linkType);
        return new PcapWriter(out, linkType);
    }

    /** The link type given at creation. */
    public int linkType() {
        return linkType;
    }

    /**
     * Stops recording once the file would grow past {@code maxBytes} (header included), as
     * dumpcap's filesize autostop does: later packets are counted ({@link #recordsNotWritten()})
     * but not written, and the file stays a valid capture that ends at a whole record.
     *
     * @param maxBytes the limit, at least the 24-byte header; 0 means no limit
     */
    public PcapWriter limit(long maxBytes) {
        if (maxBytes < 0 || maxBytes > 0 && maxBytes < 24) {
            throw new IllegalArgumentException("a capture size limit must be 0 (none) or at least 24 bytes, got " + maxBytes);
        }
        limitBytes = maxBytes == 0 ? Long.MAX_VALUE : maxBytes;
        return this;
    }

    /** Whether the {@link #limit} stopped the recording. */
    public boolean limitReached() {
        return recordsNotWritten > 0;
    }

    /** Packets not recorded because of the {@link #limit}. */
    public long recordsNotWritten() {
        return recordsNotWritten;
    }

    /** Bytes of the file so far (header and records, buffered or written). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Records written so far. */
    public long recordsWritten() {
        return records;
    }

    /** Writes one whole packet. See {@link #write(long, byte[], int, int, int)}. */
    public void write(long timestampNanos, byte[] data) throws IOException {
        write(timestampNanos, data, 0, data.length, data.length);
    }

    /** Writes {@code data[off .. off + len)} as one whole packet. See {@link #write(long, byte[], int, int, int)}. */
    public void write(long timestampNanos, byte[] data, int off, int len) throws IOException {
        write(timestampNanos, data, off, len, len);
    }

    /**
     * Writes one record: {@code data[off .. off + len)} captured out of a packet that was
     * {@code originalLength} bytes on the wire. Bytes past {@link #SNAPLEN} are dropped, as a
     * capture with that snaplen would.
     *
     * @param timestampNanos nanoseconds since 1970-01-01T00:00:00Z, from 0 up to the end of
     *                       2106 (pcap stores unsigned 32-bit seconds)
     * @throws IllegalArgumentException if the timestamp is out of that range or
     *                                  {@code originalLength < len}
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not fit {@code data}
     * @throws IOException               if the stream fails or the writer is closed
     */
    public void write(long timestampNanos, byte[] data, int off, int len, int originalLength) throws IOException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (closed) {
            throw new IOException("PcapWriter is closed");
        }
        if (timestampNanos < 0 || timestampNanos / NANOS_PER_SECOND > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp " + timestampNanos
                    + " ns is outside what pcap can store (0 to " + MAX_SECONDS + " s after 1970)");
        }
        if (originalLength < len) {
            // draft-ietf-opsawg-pcap section 5: a writer "MUST write an Original Packet Length
            // that is greater than or equal to the Captured Packet Length".
            throw new IllegalArgumentException("original length " + originalLength
                    + " is smaller than captured length " + len);
        }
        int captured = Math.min(len, SNAPLEN);
        if (recordsNotWritten > 0 || bytesWritten + RECORD_HEADER + captured > limitBytes) {
            recordsNotWritten++;
            return;
        }
        bytesWritten += RECORD_HEADER + captured;
        if (used + RECORD_HEADER > BUFFER) {
            drain();
        }
        putInt((int) (timestampNanos / NANOS_PER_SECOND));
        putInt((int) (timestampNanos % NANOS_PER_SECOND));
        putInt(captured);
        putInt(originalLength);
        if (captured <= BUFFER - used) {
            System.arraycopy(data, off, buffer, used, captured);
            used += captured;
        } else {
            // Large packet: hand it straight to the stream instead of copying through the buffer.
            drain();
            out.write(data, off, captured);
        }
        records++;
    }

    /** Writes buffered records to the stream and flushes it. */
    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("PcapWriter is closed");
        }
        drain();
        out.flush();
    }

    /** Flushes and closes the stream. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream o = out) {
            drain();
            o.flush();
        }
    }

    private void drain() throws IOException {
        if (used > 0) {
            out.write(buffer, 0, used);
            used = 0;
        }
    }

    private void putInt(int v) {
        buffer[used] = (byte) v;
        buffer[used + 1] = (byte) (v >>> 8);
        buffer[used + 2] = (byte) (v >>> 16);
        buffer[used + 3] = (byte) (v >>> 24);
        used += 4;
    }

    private void putShort(int v) {
        buffer[used] = (byte) v;
        buffer[used + 1] = (byte) (v >>> 8);
        used += 2;
    }

    private static void checkLinkType(int linkType) {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type " + linkType + " is outside 0 to 65535");
        }
    }
}

package org.mptcplab.stack.capture;

import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a pcapng file (draft-ietf-opsawg-pcapng): one Section Header Block, then an Interface
 * Description Block per interface as it is added (each with its name and nanosecond timestamps,
 * if_tsresol 9), then an Enhanced Packet Block per packet. Interfaces are what a multipath capture
 * needs that classic pcap lacks: each path is its own interface, so Wireshark shows on which path
 * every packet went. Little-endian; snaplen {@value #SNAPLEN}.
 *
 * <p>Not thread-safe (see {@link PcapWriter}).
 */
public final class PcapngWriter implements AutoCloseable, Flushable {
    public static final int SNAPLEN = 262_144;

    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_END = 0;
    static final int OPT_COMMENT = 1;
    static final int SHB_USERAPPL = 4;
    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;

    private final OutputStream out;
    private int interfaces;
    private long packets;
    private long bytesWritten;
    private long limitBytes = Long.MAX_VALUE;
    private long packetsNotWritten;
    private boolean closed;

    private PcapngWriter(OutputStream out, String application) throws IOException {
        this.out = out;
        ByteBuffer opts = options(SHB_USERAPPL, application);
        ByteBuffer b = block(SHB, 16 + opts.remaining());
        b.putInt(BYTE_ORDER_MAGIC);
        b.putShort((short) 1);   // Major version.
        b.putShort((short) 0);   // Minor version.
        b.putLong(-1);           // Section length: not given.
        b.put(opts);
        emit(b);
    }

    /** Creates (or truncates) {@code file} and writes the section header. */
    public static PcapngWriter create(Path file, String application) throws IOException {
        Objects.requireNonNull(file, "file");
        return new PcapngWriter(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024), application);
    }

    /** A writer on a stream it now owns. */
    public static PcapngWriter to(OutputStream out, String application) throws IOException {
        return new PcapngWriter(new BufferedOutputStream(Objects.requireNonNull(out, "out"), 64 * 1024), application);
    }

    /**
     * Adds an interface (an IDB) and returns its id for {@link #write}.
     *
     * @param linkType a {@link LinkType} value
     * @param name     shown by Wireshark as the interface's name, e.g. "WiFi"
     */
    public int addInterface(int linkType, String name) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type " + linkType + " is not 0 to 65535");
        }
        ByteBuffer nameOpt = option(IF_NAME, name.getBytes(StandardCharsets.UTF_8));
        // if_tsresol 9: timestamps count nanoseconds (the session's virtual time).
        ByteBuffer res = option(IF_TSRESOL, new byte[] {9});
        ByteBuffer b = block(IDB, 8 + nameOpt.remaining() + res.remaining() + 4);
        b.putShort((short) linkType);
        b.putShort((short) 0);
        b.putInt(SNAPLEN);
        b.put(nameOpt).put(res);
        b.putShort((short) OPT_END).putShort((short) 0);
        emit(b);
        return interfaces++;
    }

    /** Stops writing packets once the file would pass {@code maxBytes} (they are counted instead). */
    public PcapngWriter limit(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the limit must be above 0");
        }
        limitBytes = maxBytes;
        return this;
    }

    public boolean limitReached() {
        return packetsNotWritten > 0;
    }

    public long packetsNotWritten() {
        return packetsNotWritten;
    }

    public long packetsWritten() {
        return packets;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** Writes one packet seen on interface {@code iface} at {@code timestampNanos}. */
    public void write(int iface, long timestampNanos, byte[] data, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the capture is closed");
        }
        if (iface < 0 || iface >= interfaces) {
            throw new IllegalArgumentException("no interface " + iface + " (" + interfaces + " added)");
        }
        int captured = Math.min(len, SNAPLEN);
        int padded = (captured + 3) & ~3;
        int total = 32 + padded;
        if (bytesWritten + total > limitBytes) {
            packetsNotWritten++;
            return;
        }
        ByteBuffer b = block(EPB, 20 + padded);
        b.putInt(iface);
        b.putInt((int) (timestampNanos >>> 32));
        b.putInt((int) timestampNanos);
        b.putInt(captured);
        b.putInt(len);
        b.put(data, off, captured);
        b.position(b.position() + (padded - captured));
        emit(b);
        packets++;
    }

    /** A block with its type and leading length written; the caller fills the body. */
    private static ByteBuffer block(int type, int bodyLength) {
        int total = 12 + bodyLength;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type);
        b.putInt(total);
        return b;
    }

    private void emit(ByteBuffer b) throws IOException {
        int total = b.capacity();
        b.position(total - 4);
        b.putInt(total);    // The trailing length: a reader may walk backwards.
        out.write(b.array(), 0, total);
        bytesWritten += total;
    }

    private static ByteBuffer options(int code, String text) {
        ByteBuffer o = option(code, text.getBytes(StandardCharsets.UTF_8));
        ByteBuffer all = ByteBuffer.allocate(o.remaining() + 4).order(ByteOrder.LITTLE_ENDIAN);
        all.put(o).putShort((short) OPT_END).putShort((short) 0);
        all.flip();
        return all;
    }

    private static ByteBuffer option(int code, byte[] value) {
        int padded = (value.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(4 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) code).putShort((short) value.length).put(value);
        b.position(4 + padded);
        b.flip();
        return b;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}

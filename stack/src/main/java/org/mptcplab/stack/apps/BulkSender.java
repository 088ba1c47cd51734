package org.mptcplab.stack.apps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.mptcplab.stack.mptcp.MptcpSocket;

/**
 * Sends {@code total} pseudo-random bytes (seeded, so the receiver's hash can be checked) as fast
 * as the send buffer takes them, then closes. Keeps a SHA-256 of what it wrote.
 */
public final class BulkSender implements MptcpSocket.Handler {
    private final long total;
    private final SplittableRandom rnd;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkOff = chunk.length;
    private int chunkLen = chunk.length;
    private long written;
    private final MessageDigest sha = Digests.sha256();
    private boolean hashing = true;
    private long connectedAt = -1;
    private long closedAt = -1;
    private String resetReason;
    private MptcpSocket socket;

    public BulkSender(long total, long seed) {
        this.total = total;
        this.rnd = new SplittableRandom(seed);
    }

    private boolean closeWhenDone = true;

    /** Keeps the connection open after the last byte (the application ends it some other way, e.g. abort). */
    public BulkSender withoutClose() {
        closeWhenDone = false;
        return this;
    }

    /**
     * For benchmarks of the stack alone: no SHA-256, and the bytes are a fixed random block sent
     * over and over instead of fresh random bytes (generating them would cost as much as a
     * stack's whole send path).
     */
    public BulkSender withoutHash() {
        hashing = false;
        rnd.nextBytes(chunk);
        return this;
    }

    @Override
    public void onConnected(long now, MptcpSocket s) {
        socket = s;
        connectedAt = now;
        pump(now, s);
    }

    @Override
    public void onWritable(long now, MptcpSocket s) {
        pump(now, s);
    }

    private void pump(long now, MptcpSocket s) {
        while (written < total) {
            if (chunkOff == chunkLen) {
                chunkLen = (int) Math.min(chunk.length, total - written);
                if (hashing) {
                    fill(rnd, chunk);
                }
                chunkOff = 0;
                if (hashing) {
                    sha.update(chunk, 0, chunkLen);
                }
            }
            int n = s.write(now, chunk, chunkOff, chunkLen - chunkOff);
            if (n <= 0) {
                return;
            }
            chunkOff += n;
            written += n;
        }
        if (closeWhenDone) {
            s.close(now);
        }
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The same bytes as {@code rnd.nextBytes(b)} (each {@code nextLong()} laid out low byte first),
     * eight at a time: byte by byte, generating the data took 40 % of the live stack thread.
     */
    static void fill(SplittableRandom rnd, byte[] b) {
        int i = 0;
        for (int end = b.length & ~7; i < end; i += 8) {
            LONG_LE.set(b, i, rnd.nextLong());
        }
        if (i < b.length) {
            for (long r = rnd.nextLong(); i < b.length; r >>>= 8) {
                b[i++] = (byte) r;
            }
        }
    }

    @Override
    public void onClosed(long now, MptcpSocket s, String reason) {
        closedAt = now;
        resetReason = reason;
    }

    public long written() {
        return written;
    }

    public boolean done() {
        return closedAt >= 0;
    }

    public long connectedAt() {
        return connectedAt;
    }

    public long closedAt() {
        return closedAt;
    }

    public String resetReason() {
        return resetReason;
    }

    public MptcpSocket socket() {
        return socket;
    }

    /** Hex SHA-256 of everything written (only complete once all was written). */
    public String sha256() {
        return Digests.hex(Digests.copy(sha).digest());
    }
}

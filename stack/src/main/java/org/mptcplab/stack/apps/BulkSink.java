package org.mptcplab.stack.apps;

import java.security.MessageDigest;
import org.mptcplab.stack.mptcp.MptcpSocket;

/**
 * Reads everything, hashes it (SHA-256), closes at the end of the stream. Records when bytes
 * arrived so that goodput and the longest delivery stall can be computed.
 */
public final class BulkSink implements MptcpSocket.Handler {
    private final byte[] buf = new byte[64 * 1024];
    private final MessageDigest sha = Digests.sha256();
    private boolean hashing = true;
    private long received;
    private long firstByteAt = -1;
    private long lastByteAt = -1;
    private long lastDeliveryAt = -1;
    private long maxStallNanos;
    private boolean eof;
    private long closedAt = -1;
    private String resetReason;
    private MptcpSocket socket;
    /** Stalls are only counted once data flows (the handshake is not a stall). */
    private long stallFrom = -1;

    public BulkSink withoutHash() {
        hashing = false;
        return this;
    }

    @Override
    public void onConnected(long now, MptcpSocket s) {
        socket = s;
    }

    @Override
    public void onReadable(long now, MptcpSocket s) {
        socket = s;
        int n;
        boolean any = false;
        while ((n = s.read(now, buf, 0, buf.length)) > 0) {
            if (hashing) {
                sha.update(buf, 0, n);
            }
            received += n;
            any = true;
        }
        if (any) {
            if (firstByteAt < 0) {
                firstByteAt = now;
            }
            if (lastDeliveryAt >= 0) {
                maxStallNanos = Math.max(maxStallNanos, now - lastDeliveryAt);
            }
            lastDeliveryAt = now;
            lastByteAt = now;
        }
        if (n < 0 && !eof) {
            eof = true;
            s.close(now);
        }
    }

    @Override
    public void onClosed(long now, MptcpSocket s, String reason) {
        closedAt = now;
        resetReason = reason;
    }

    public long received() {
        return received;
    }

    public boolean eof() {
        return eof;
    }

    public boolean done() {
        return closedAt >= 0;
    }

    public long firstByteAt() {
        return firstByteAt;
    }

    public long lastByteAt() {
        return lastByteAt;
    }

    /** Longest gap between two deliveries of data to this application. */
    public long maxStallNanos() {
        return maxStallNanos;
    }

    /**
     * Longest stall of a run that ended at {@code runEnd}: a stall lasts until data arrives or the
     * run ends, so a stream still open at the end (no end of stream seen) counts the gap since its
     * last delivery, or since the connect (time 0) when nothing ever arrived.
     */
    public long maxStallNanos(long runEnd) {
        if (eof) {
            return maxStallNanos;
        }
        long openGap = runEnd - Math.max(lastDeliveryAt, 0);
        return Math.max(maxStallNanos, openGap);
    }

    public String resetReason() {
        return resetReason;
    }

    public MptcpSocket socket() {
        return socket;
    }

    public String sha256() {
        return Digests.hex(Digests.copy(sha).digest());
    }
}

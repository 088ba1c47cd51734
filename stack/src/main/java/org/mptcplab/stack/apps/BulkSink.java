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
    private final java.util.List<Recovery> recoveries = new java.util.ArrayList<>();

    /**
     * The delivery stall around one event (a path going down): from the last delivery before the
     * event until every byte the sender had sent by then has been delivered, the longest gap
     * between two deliveries. A stall elsewhere in the run (a congestion loss on the surviving
     * path long after the handover) is not this event's.
     */
    public static final class Recovery {
        private final long eventAt;
        private final long untilBytes;
        private long previousDelivery;
        private long maxGapNanos;
        private long recoveredAt = -1;

        Recovery(long eventAt, long untilBytes, long previousDelivery) {
            this.eventAt = eventAt;
            this.untilBytes = untilBytes;
            this.previousDelivery = previousDelivery;
        }

        /** When the event happened. */
        public long eventAt() {
            return eventAt;
        }

        /** Bytes the receiver must have been given for the event to be over. */
        public long untilBytes() {
            return untilBytes;
        }

        /** When the receiver had been given them, -1 if never. */
        public long recoveredAt() {
            return recoveredAt;
        }

        /**
         * The longest gap between deliveries from the last one before the event until the
         * recovery; while not recovered, the gap still open at {@code runEnd} counts.
         */
        public long stallNanos(long runEnd) {
            return recoveredAt >= 0 ? maxGapNanos : Math.max(maxGapNanos, runEnd - previousDelivery);
        }

        void delivered(long now, long received) {
            if (recoveredAt >= 0) {
                return;
            }
            maxGapNanos = Math.max(maxGapNanos, now - previousDelivery);
            previousDelivery = now;
            if (received >= untilBytes) {
                recoveredAt = now;
            }
        }
    }

    /**
     * Starts measuring the stall around an event at {@code now}, which is over once {@code untilBytes}
     * have been delivered in all (already true: a stall of 0).
     */
    public Recovery watch(long now, long untilBytes) {
        Recovery r = new Recovery(now, untilBytes, lastDeliveryAt >= 0 ? lastDeliveryAt : now);
        if (received >= untilBytes) {
            r.recoveredAt = now;
        } else {
            recoveries.add(r);
        }
        return r;
    }

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
            if (!recoveries.isEmpty()) {
                for (int i = 0; i < recoveries.size(); i++) {
                    recoveries.get(i).delivered(now, received);
                }
                recoveries.removeIf(r -> r.recoveredAt >= 0);
            }
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

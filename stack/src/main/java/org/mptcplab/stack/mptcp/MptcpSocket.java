package org.mptcplab.stack.mptcp;

/**
 * The application's handle on one MPTCP connection: a small socket-like API on the sans-IO
 * stack. Calls are inputs to the stack; the driver drains the stack's output afterwards.
 * Readiness is reported through the {@link Handler}, called by the stack at the end of each input.
 */
public final class MptcpSocket {
    static final int WAKE_CONNECTED = 1;
    static final int WAKE_READABLE = 2;
    static final int WAKE_WRITABLE = 4;
    static final int WAKE_CLOSED = 8;

    /** Readiness callbacks. All default to doing nothing. */
    public interface Handler {
        default void onConnected(long now, MptcpSocket s) {
        }

        default void onReadable(long now, MptcpSocket s) {
        }

        default void onWritable(long now, MptcpSocket s) {
        }

        /** The connection ended: {@code reason} is null for an orderly close, else why it was reset. */
        default void onClosed(long now, MptcpSocket s, String reason) {
        }
    }

    final MptcpStack stack;
    final MptcpConnection conn;
    Handler handler = new Handler() {
    };
    int pendingWakes;
    boolean closedReported;

    MptcpSocket(MptcpStack stack, MptcpConnection conn) {
        this.stack = stack;
        this.conn = conn;
    }

    public void setHandler(Handler h) {
        this.handler = h;
    }

    /**
     * Queues up to {@code len} bytes; returns how many were taken (0 when the send buffer is full:
     * wait for onWritable), or -1 after close.
     */
    public int write(long now, byte[] b, int off, int len) {
        return conn.appWrite(now, b, off, len);
    }

    /** Reads up to {@code len} bytes; returns the count, 0 when none is ready, -1 at the end of the stream. */
    public int read(long now, byte[] b, int off, int len) {
        return conn.appRead(now, b, off, len);
    }

    /** Orderly close of our direction: DATA_FIN after the queued data (RFC 8684 3.3.3). */
    public void close(long now) {
        conn.appClose(now);
    }

    /** Abortive close: MP_FASTCLOSE (RFC 8684 3.5). */
    public void abort(long now) {
        conn.fastClose(now);
    }

    /**
     * Opens one more subflow by hand from our address {@code localAddressId} to the peer's
     * {@code remoteAddressId} (0: the first subflow's); see {@link MptcpConnection#openSubflow}.
     * Call inside {@code stack.run} so that the SYN goes out.
     *
     * @return the new subflow's id
     * @throws IllegalStateException with the reason when no join can be made now
     */
    public int openSubflow(long now, int localAddressId, int remoteAddressId) {
        return conn.openSubflow(now, localAddressId, remoteAddressId);
    }

    /** As above, toward the first peer address our address {@code localAddressId} reaches. */
    public int openSubflow(long now, int localAddressId) {
        return conn.openSubflow(now, localAddressId);
    }

    /** Closes subflow {@code subflowId} by hand, its data reinjected on the others; see {@link MptcpConnection#closeSubflow}. */
    public void closeSubflow(long now, int subflowId) {
        conn.closeSubflow(now, subflowId);
    }

    /** Marks a subflow as backup or regular and tells the peer with MP_PRIO (RFC 8684 3.3.8). */
    public void setBackup(long now, int subflowId, boolean backup) {
        for (Subflow s : conn.subflows) {
            if (s.id == subflowId) {
                s.localBackup = backup;
                s.sendMpPrio = true;
                s.sendAck(now);
            }
        }
    }

    public boolean isConnected() {
        return conn.established && !conn.closed;
    }

    public boolean isClosed() {
        return conn.closed;
    }

    public boolean isFallback() {
        return conn.fallback;
    }

    /** Why the connection was reset, or null. */
    public String resetReason() {
        return conn.resetReason;
    }

    public int sendBufferFree() {
        return conn.sendBuffer.free();
    }

    /** Bytes written and not yet acknowledged at the data level. */
    public long unacknowledged() {
        return conn.sendBuffer.end() - conn.dataUna;
    }

    public int localToken() {
        return conn.localToken;
    }

    public ConnectionSnapshot snapshot() {
        return conn.snapshot();
    }

    /**
     * Head-of-line blocking at this end's connection-level receive buffer up to {@code now}: how
     * much data waited out of order for the bytes before it, and how long (RFC 8684 3.3.1: data
     * from a fast subflow waits for the slow one's). Null before the buffer exists.
     */
    public ReceiveStats receiveStats(long now) {
        ReceiveBuffer rb = conn.receiveBuffer;
        if (rb == null) {
            return null;
        }
        return new ReceiveStats(rb.capacity(), rb.peakOutOfOrderBytes(), rb.meanOutOfOrderBytes(now),
                rb.outOfOrderBytesHeld(), rb.meanOutOfOrderDelayNanos(), rb.maxOutOfOrderDelayNanos());
    }

    /**
     * See {@link #receiveStats}: the buffer's size, the most bytes held out of order at once and
     * their mean over time, the bytes that ever waited, and the mean and longest wait.
     */
    public record ReceiveStats(int capacityBytes, int peakOutOfOrderBytes, double meanOutOfOrderBytes,
                               long outOfOrderBytesHeld, long meanOutOfOrderDelayNanos, long maxOutOfOrderDelayNanos) {
    }

    public MptcpConnection connection() {
        return conn;
    }
}

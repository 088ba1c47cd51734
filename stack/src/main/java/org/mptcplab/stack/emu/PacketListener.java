package org.mptcplab.stack.emu;

/**
 * Sees every datagram on the emulated network: when it enters a path direction, when it is
 * delivered, when it is dropped. Called on the network's thread, inside the event being processed.
 */
@FunctionalInterface
public interface PacketListener {

    /** What happened to the datagram. */
    enum PacketEvent {
        /** A host put it on the path (as the host sent it, before middlebox and faults). */
        SENT,
        /** It reached the receiving host (as received: middlebox and faults applied). */
        DELIVERED,
        /** Dropped because the direction was down, or went down while it was queued or in flight. */
        DROPPED_DOWN,
        /** Dropped by the fault injector. */
        DROPPED_FAULT,
        /** Dropped by the link's random loss. */
        DROPPED_LOSS,
        /** Dropped by the full drop-tail queue. */
        DROPPED_QUEUE;

        public boolean isDrop() {
            return this != SENT && this != DELIVERED;
        }
    }

    /**
     * @param data the datagram; valid only during the call (copy it to keep it), never modify it
     */
    void packet(long nowNanos, PathDirection direction, PacketEvent event, byte[] data);

    /**
     * Whether this listener may hold on to a datagram's array after the call (against the advice
     * above). While one that may is attached, arrays it was shown are never given back to their
     * sender for reuse. True unless a listener says otherwise: only one that copies what it keeps
     * (the capture writers, the window's packet recorder) lets the network recycle, which keeps a
     * watched run from allocating an array per datagram (BENCHMARKS.md, the window at 10x).
     */
    default boolean keepsArrays() {
        return true;
    }

    /** {@code listener}, declared as copying what it keeps (see {@link #keepsArrays}). */
    static PacketListener copying(PacketListener listener) {
        return new PacketListener() {
            @Override
            public void packet(long nowNanos, PathDirection direction, PacketEvent event, byte[] data) {
                listener.packet(nowNanos, direction, event, data);
            }

            @Override
            public boolean keepsArrays() {
                return false;
            }
        };
    }
}

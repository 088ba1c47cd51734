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
}

package org.mptcplab.app.live;

import java.io.IOException;

/**
 * A source and sink of Ethernet frames for one interface: a live pcap handle ({@link PcapDevice})
 * or, in tests, an in-memory wire. {@link LiveRunner} owns its devices: it starts them, sends
 * through them from its own thread and closes them when it stops.
 */
public interface FrameDevice extends AutoCloseable {
    /** Receives frames; called on a thread of the device's own, one frame at a time. */
    @FunctionalInterface
    interface Receiver {
        /** {@code frame} is handed over: the device does not reuse the array. */
        void frameReceived(byte[] frame);
    }

    /** The interface's name, for messages. */
    String name();

    /** The interface's MTU (largest IP datagram it carries), or -1 when unknown. */
    default int mtu() {
        return -1;
    }

    /** Starts delivering received frames to {@code receiver} (once). */
    void start(Receiver receiver);

    /** Puts one frame on the wire. Called from one thread at a time. */
    void send(byte[] frame) throws IOException;

    /**
     * What ended the receiving side unexpectedly (the interface went away...), or null while it is
     * fine or after an orderly {@link #close}.
     */
    Throwable failure();

    /** Stops receiving and releases the device. Idempotent. */
    @Override
    void close();
}

package org.mptcplab.stack.io;

/**
 * A sans-IO network endpoint: a host's whole stack, driven from outside (ARCHITECTURE.md, after
 * quinn-proto and smoltcp). It owns no thread, socket or clock: time comes in as a plain long of
 * nanoseconds, packets come in and go out as raw IP datagrams tagged with the host's interface.
 *
 * <p>The driver (the emulated network, or a pcap device loop) calls, in this order, as often as it
 * likes: {@link #handlePacket} for each arriving datagram and {@link #handleTimeout} when
 * {@link #nextTimeout} has passed; then {@link #pollTransmit} until it returns null. Application
 * calls on the endpoint's sockets are inputs too, and are followed by the same draining.
 */
public interface Endpoint {
    /** No timer pending. */
    long NEVER = Long.MAX_VALUE;

    /** One IP datagram arriving on interface {@code iface}; the endpoint must not keep {@code packet}. */
    void handlePacket(long nowNanos, int iface, byte[] packet, int off, int len);

    /** The next datagram to send, or null when there is none right now. */
    Transmit pollTransmit(long nowNanos);

    /** The earliest time at which {@link #handleTimeout} has work, or {@link #NEVER}. */
    long nextTimeout();

    /** Runs every timer due at or before {@code nowNanos}. */
    void handleTimeout(long nowNanos);

    /**
     * Hands every datagram ready now to {@code sink}, in order, exactly as calling
     * {@link #pollTransmit} until it returns null would; returns how many. A driver that calls
     * this per input spares the endpoint a {@link Transmit} per datagram. The arrays belong to the
     * receiver, as with {@link #pollTransmit}.
     */
    default long drainTransmits(long nowNanos, TransmitSink sink) {
        long n = 0;
        Transmit t;
        while ((t = pollTransmit(nowNanos)) != null) {
            n++;
            sink.transmit(t.iface(), t.packet());
        }
        return n;
    }

    /**
     * Gives back a datagram array this endpoint sent (or an exact copy of one) that the driver is
     * done with and that nobody holds any more: the endpoint may reuse it for a later datagram.
     * Optional for both sides: a driver need never call it (then arrays are simply left to the
     * garbage collector), and an endpoint may ignore it (the default). The emulated network calls it
     * only for a datagram no {@code PacketListener} was shown, after the receiving endpoint's
     * {@link #handlePacket} returned (which must not keep the array).
     */
    default void recycle(byte[] packet) {
    }

    /**
     * Checksum offload, as a network card or Linux's veth does it: a driver that fills in TCP
     * checksums itself wherever something looks at or changes a datagram, and knows that what it
     * delivers is intact, asks the endpoint to leave the TCP checksum of what it sends unfilled
     * (zero), and offers it datagrams it vouches for through {@link #handleVerifiedPacket}. Returns
     * whether the endpoint does so from now on; by default it does not, and fills its checksums.
     */
    default boolean offloadChecksums(boolean on) {
        return false;
    }

    /**
     * {@link #handlePacket} for a datagram the driver vouches for: it arrives exactly as its
     * sender, an endpoint that offloads checksums, built it, so its TCP checksum (which may be
     * unfilled) need not be checked. Called only on an endpoint whose {@link #offloadChecksums}
     * returned true.
     */
    default void handleVerifiedPacket(long nowNanos, int iface, byte[] packet, int off, int len) {
        handlePacket(nowNanos, iface, packet, off, len);
    }

    /** Where {@link #drainTransmits} puts each datagram. */
    @FunctionalInterface
    interface TransmitSink {
        /** One datagram leaving on interface {@code iface}; the array belongs to the receiver. */
        void transmit(int iface, byte[] packet);
    }

    /**
     * A datagram leaving the endpoint on interface {@code iface}. The array belongs to the receiver.
     */
    record Transmit(int iface, byte[] packet) {
    }
}

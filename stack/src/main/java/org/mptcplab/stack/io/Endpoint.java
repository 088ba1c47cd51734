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
     * A datagram leaving the endpoint on interface {@code iface}. The array belongs to the receiver.
     */
    record Transmit(int iface, byte[] packet) {
    }
}

package org.mptcplab.stack.emu;

import java.util.Arrays;
import org.mptcplab.stack.io.Endpoint;

/**
 * A host of the emulated network: a name, its stack ({@link Endpoint}) and its interfaces,
 * numbered 0, 1, 2..., each joined to at most one path.
 */
public final class Host {
    private final EmulatedNetwork network;
    private final String name;
    private final int index;
    final Endpoint endpoint;
    /** Outgoing direction per interface; null where no path is connected. */
    PathDirection[] outgoing = new PathDirection[0];
    /** The one pending timer event of this host (re-armed after every drain). */
    final Event timer;
    // Livelock guard: handleTimeout calls at one and the same instant.
    long lastTimerFire = Long.MIN_VALUE;
    long timerFiresAtSameInstant;
    long droppedNoPath;
    /** The endpoint leaves TCP checksums to the network ({@link Endpoint#offloadChecksums}). */
    boolean offloadsChecksums;
    /** Datagrams taken in the current drain (the never-runs-dry guard). */
    long drained;
    /** Routes each datagram the endpoint hands out to the path of its interface. */
    final Endpoint.TransmitSink sink;

    Host(EmulatedNetwork network, String name, int index, Endpoint endpoint) {
        this.network = network;
        this.name = name;
        this.index = index;
        this.endpoint = endpoint;
        this.timer = new Event() {
            @Override
            void fire() {
                network.fireTimer(Host.this);
            }
        };
        this.sink = (iface, packet) -> network.route(this, iface, packet);
    }

    public String name() {
        return name;
    }

    /** Order of addition, from 0. */
    public int index() {
        return index;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public EmulatedNetwork network() {
        return network;
    }

    /** The direction that carries what this host sends on {@code iface}, or null if none is connected. */
    public PathDirection outgoing(int iface) {
        return iface >= 0 && iface < outgoing.length ? outgoing[iface] : null;
    }

    /** Interfaces numbered so far (the highest connected one plus 1). */
    public int interfaceCount() {
        return outgoing.length;
    }

    /** The virtual time of this host's pending timer event, or {@link Endpoint#NEVER}. */
    public long timerAt() {
        return timer.isQueued() ? timer.time : Endpoint.NEVER;
    }

    /** Datagrams this host sent on an interface with no path: dropped. */
    public long droppedNoPath() {
        return droppedNoPath;
    }

    void attach(int iface, PathDirection d) {
        if (iface >= outgoing.length) {
            outgoing = Arrays.copyOf(outgoing, iface + 1);
        }
        outgoing[iface] = d;
    }

    @Override
    public String toString() {
        return name;
    }
}

package org.mptcplab.stack.emu;

import java.util.List;
import org.mptcplab.stack.capture.PcapWriter;

/**
 * A point-to-point link between one interface of host {@link #a()} and one of host {@link #b()}:
 * two independent {@link PathDirection}s. Paths are numbered in the order they are connected,
 * and that index (with the network seed) seeds their random streams.
 */
public final class Path {
    private final EmulatedNetwork network;
    private final int index;
    private final PathDirection aToB;
    private final PathDirection bToA;

    Path(EmulatedNetwork network, int index, Host a, int ifaceA, Host b, int ifaceB, LinkConfig aToB,
         LinkConfig bToA) {
        this.network = network;
        this.index = index;
        this.aToB = new PathDirection(network, this, 0, a, ifaceA, b, ifaceB, aToB);
        this.bToA = new PathDirection(network, this, 1, b, ifaceB, a, ifaceA, bToA);
    }

    public int index() {
        return index;
    }

    public Host a() {
        return aToB.from();
    }

    public int ifaceA() {
        return aToB.fromIface();
    }

    public Host b() {
        return bToA.from();
    }

    public int ifaceB() {
        return bToA.fromIface();
    }

    /** What {@link #a()} sends. */
    public PathDirection aToB() {
        return aToB;
    }

    /** What {@link #b()} sends. */
    public PathDirection bToA() {
        return bToA;
    }

    /** Both directions, a to b first. */
    public List<PathDirection> directions() {
        return List.of(aToB, bToA);
    }

    /** The direction on which {@code sender} sends (a to b when a host is joined to itself). */
    public PathDirection from(Host sender) {
        if (sender == aToB.from()) {
            return aToB;
        }
        if (sender == bToA.from()) {
            return bToA;
        }
        throw new IllegalArgumentException("host " + sender + " is not an end of path " + name());
    }

    /** "client:0<->server:1". */
    public String name() {
        return a().name() + ":" + ifaceA() + "<->" + b().name() + ":" + ifaceB();
    }

    /** Puts both directions up or down (a cable plugged in or pulled). See {@link PathDirection#setUp}. */
    public void setUp(boolean up) {
        aToB.setUp(up);
        bToA.setUp(up);
    }

    /** True when both directions are up. */
    public boolean isUp() {
        return aToB.isUp() && bToA.isUp();
    }

    public void setConfig(LinkConfig aToBConfig, LinkConfig bToAConfig) {
        aToB.setConfig(aToBConfig);
        bToA.setConfig(bToAConfig);
    }

    public void setMiddlebox(Middlebox middlebox) {
        aToB.setMiddlebox(middlebox);
        bToA.setMiddlebox(middlebox);
    }

    public void setFaults(FaultInjector faults) {
        aToB.setFaults(faults);
        bToA.setFaults(faults);
    }

    /**
     * Records every datagram entering this path (both directions, as sent, dropped ones too) to
     * {@code writer}, which must have link type RAW. Returns the listener, to remove it with
     * {@link EmulatedNetwork#removeListener}. The caller flushes and closes the writer.
     */
    public PacketListener record(PcapWriter writer) {
        return network.addListener(EmulatedNetwork.pcapListener(writer, this));
    }

    @Override
    public String toString() {
        return name();
    }
}

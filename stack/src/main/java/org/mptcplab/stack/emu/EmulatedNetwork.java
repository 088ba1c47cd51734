package org.mptcplab.stack.emu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;
import org.mptcplab.stack.io.Endpoint;

/**
 * The emulated network: a seeded discrete-event simulation in virtual time (long nanoseconds,
 * starting at 0) that joins hosts' sans-IO {@link Endpoint}s with point-to-point {@link Path}s.
 *
 * <p>Events are packet arrivals, host timers ({@link Endpoint#nextTimeout()}) and scheduled
 * actions, processed in order of time and, at equal times, of insertion. Virtual time jumps
 * straight to the next event. After every input to an endpoint (a datagram, a timeout, or a
 * scheduled action, which may call into endpoints) every host is drained
 * ({@link Endpoint#pollTransmit} until null, in order of addition) and its timer re-armed from a
 * fresh {@code nextTimeout()}: each host has exactly one pending timer event, moved whenever its
 * deadline changes; a deadline already past runs now.
 *
 * <p>Code that calls into an endpoint outside an event (before a run, or from another place)
 * must call {@link #drain(Host)} or {@link #drainAll()} afterwards; the run methods and
 * {@link #step()} also drain everything once when they start.
 *
 * <p>Single-threaded and clock-free: use it from one thread at a time (see {@link RealTimeDriver}).
 * Endpoint exceptions propagate out of the run methods.
 */
public final class EmulatedNetwork {
    /** handleTimeout calls at one instant, by one host, that mean the host is stuck. */
    static final long LIVELOCK_LIMIT = 1_000_000;
    /** Datagrams in one drain of one host that mean the endpoint never runs dry. */
    static final long DRAIN_LIMIT = 10_000_000;

    private final long seed;
    private final EventQueue queue = new EventQueue();
    private final List<Host> hostList = new ArrayList<>();
    private Host[] hosts = new Host[0];
    private final List<Path> paths = new ArrayList<>();
    private PacketListener[] listeners = new PacketListener[0];
    private long now;
    private long eventsProcessed;
    private boolean checksumOffload = true;

    public EmulatedNetwork(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The virtual time, in nanoseconds. */
    public long now() {
        return now;
    }

    /** Events processed so far. */
    public long eventsProcessed() {
        return eventsProcessed;
    }

    /** Events pending. */
    public int pendingEvents() {
        return queue.size();
    }

    /** The time of the next event, or {@link Long#MAX_VALUE} when there is none. */
    public long nextEventTime() {
        return queue.peekTime();
    }

    EventQueue queue() {
        return queue;
    }

    // ------------------------------------------------------------------ topology

    /** Adds a host; names must be unique. Adding hosts never changes the random streams of paths. */
    public Host addHost(String name, Endpoint endpoint) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        if (host(name) != null) {
            throw new IllegalArgumentException("a host named '" + name + "' exists already");
        }
        Host h = new Host(this, name, hostList.size(), endpoint);
        h.offloadsChecksums = checksumOffload && endpoint.offloadChecksums(true);
        hostList.add(h);
        hosts = hostList.toArray(new Host[0]);
        rearm(h);
        return h;
    }

    /**
     * Checksum offload (on by default): hosts whose endpoints support it
     * ({@link Endpoint#offloadChecksums}) leave TCP checksums out, and the network fills them in
     * only where something looks at or changes a datagram: a listener or capture, a middlebox, a
     * fault injector, or an endpoint without offload; a datagram that went untouched from one
     * offloading endpoint to another is delivered as verified, unchecked. As Linux skips the TCP
     * checksum over veth and loopback: the in-process link does not corrupt what it carries, and
     * what anyone sees of the traffic is byte for byte what it was without offload.
     */
    public void setChecksumOffload(boolean on) {
        checksumOffload = on;
        for (Host h : hosts) {
            h.offloadsChecksums = h.endpoint.offloadChecksums(on) && on;
        }
    }

    public boolean checksumOffload() {
        return checksumOffload;
    }

    /** The host of that name, or null. */
    public Host host(String name) {
        for (Host h : hosts) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        return null;
    }

    public List<Host> hosts() {
        return List.copyOf(hostList);
    }

    /**
     * Joins interface {@code ifaceA} of {@code a} and {@code ifaceB} of {@code b}: what a sends on
     * ifaceA arrives at b on ifaceB through {@code aToB}, and the other way through {@code bToA}.
     * An interface takes at most one path. The new path's index is the number of paths before it.
     */
    public Path connect(Host a, int ifaceA, Host b, int ifaceB, LinkConfig aToB, LinkConfig bToA) {
        checkHost(a);
        checkHost(b);
        Objects.requireNonNull(aToB, "aToB");
        Objects.requireNonNull(bToA, "bToA");
        checkFree(a, ifaceA);
        checkFree(b, ifaceB);
        if (a == b && ifaceA == ifaceB) {
            throw new IllegalArgumentException("cannot join interface " + ifaceA + " of host " + a + " to itself");
        }
        Path p = new Path(this, paths.size(), a, ifaceA, b, ifaceB, aToB, bToA);
        paths.add(p);
        a.attach(ifaceA, p.aToB());
        b.attach(ifaceB, p.bToA());
        return p;
    }

    /** {@link #connect(Host, int, Host, int, LinkConfig, LinkConfig)} with the same link both ways. */
    public Path connect(Host a, int ifaceA, Host b, int ifaceB, LinkConfig both) {
        return connect(a, ifaceA, b, ifaceB, both, both);
    }

    private void checkHost(Host h) {
        Objects.requireNonNull(h, "host");
        if (h.network() != this) {
            throw new IllegalArgumentException("host " + h + " belongs to another network");
        }
    }

    private static void checkFree(Host h, int iface) {
        if (iface < 0) {
            throw new IllegalArgumentException("interface " + iface + " of host " + h + " is negative");
        }
        if (h.outgoing(iface) != null) {
            throw new IllegalArgumentException("interface " + iface + " of host " + h + " is already joined to path "
                    + h.outgoing(iface).path().name());
        }
    }

    public List<Path> paths() {
        return List.copyOf(paths);
    }

    /** Snapshots of every path direction, in path order, a to b first. */
    public List<PathDirection.Snapshot> snapshot() {
        List<PathDirection.Snapshot> out = new ArrayList<>(paths.size() * 2);
        for (Path p : paths) {
            out.add(p.aToB().snapshot());
            out.add(p.bToA().snapshot());
        }
        return out;
    }

    // ------------------------------------------------------------------ actions

    /**
     * Runs {@code action} at virtual time {@code atNanos} (now, if that is past), after the events
     * already queued for that time; every host is drained afterwards.
     */
    public void schedule(long atNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        queue.schedule(new Action(action), Math.max(atNanos, now));
    }

    /** {@link #schedule} at {@code now() + delayNanos}. */
    public void scheduleIn(long delayNanos, Runnable action) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay " + delayNanos + " ns is negative");
        }
        schedule(Math.addExact(now, delayNanos), action);
    }

    private final class Action extends Event {
        private final Runnable action;

        Action(Runnable action) {
            this.action = action;
        }

        @Override
        void fire() {
            action.run();
            drainAll();
        }
    }

    // ------------------------------------------------------------------ running

    /** Processes the next event (after draining every host); false when there was none. */
    public boolean step() {
        drainAll();
        return stepOne();
    }

    private boolean stepOne() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        if (e.time > now) {
            now = e.time;
        }
        eventsProcessed++;
        e.fire();
        return true;
    }

    /** Processes every event up to and including time {@code t}, then sets the time to {@code t} (if later). */
    public void runUntil(long t) {
        drainAll();
        while (queue.peekTime() <= t) {
            stepOne();
        }
        if (t > now) {
            now = t;
        }
    }

    /**
     * Processes events until {@code done} is true (checked before each event) or the next event
     * is after {@code deadline}; in the latter case the time is set to the deadline. Returns
     * whether {@code done} holds.
     */
    public boolean runUntil(BooleanSupplier done, long deadline) {
        drainAll();
        while (!done.getAsBoolean()) {
            if (queue.peekTime() > deadline) {
                if (deadline > now) {
                    now = deadline;
                }
                return done.getAsBoolean();
            }
            stepOne();
        }
        return true;
    }

    /**
     * Processes events until none is left (returns true, the time stays at the last event) or the
     * next one is after {@code deadline} (returns false, the time is set to the deadline).
     */
    public boolean runUntilIdle(long deadline) {
        drainAll();
        while (!queue.isEmpty()) {
            if (queue.peekTime() > deadline) {
                if (deadline > now) {
                    now = deadline;
                }
                return false;
            }
            stepOne();
        }
        return true;
    }

    /**
     * For {@link RealTimeDriver}: processes at most {@code maxEvents} events due by {@code t}
     * (without the leading drain) and returns how many it did.
     */
    int runEvents(long t, int maxEvents) {
        int n = 0;
        while (n < maxEvents && queue.peekTime() <= t) {
            stepOne();
            n++;
        }
        return n;
    }

    /** Moves the clock forward to {@code t} when no event is due before it. */
    void advanceTo(long t) {
        if (queue.peekTime() < t) {
            throw new IllegalStateException("events are due before " + t + " ns");
        }
        if (t > now) {
            now = t;
        }
    }

    // ------------------------------------------------------------------ hosts' I/O

    /** Sends everything {@code host} has to send, then re-arms its timer. */
    public void drain(Host host) {
        checkHost(host);
        drainOne(host);
    }

    /** {@link #drain} of every host, in order of addition. */
    public void drainAll() {
        for (Host h : hosts) {
            drainOne(h);
        }
    }

    private void drainOne(Host h) {
        h.drained = 0;
        h.endpoint.drainTransmits(now, h.sink);
        rearm(h);
    }

    /** One datagram {@code h} sent on {@code iface} (from its drain). */
    void route(Host h, int iface, byte[] packet) {
        if (++h.drained > DRAIN_LIMIT) {
            throw new IllegalStateException("host '" + h.name() + "': pollTransmit returned more than " + DRAIN_LIMIT
                    + " datagrams in one drain at " + now + " ns: the endpoint never runs dry (a stack bug)");
        }
        PathDirection d = h.outgoing(iface);
        if (d == null) {
            h.droppedNoPath++;
        } else {
            d.enter(packet);
        }
    }

    private void rearm(Host h) {
        long t = h.endpoint.nextTimeout();
        if (t == Endpoint.NEVER) {
            queue.remove(h.timer);
            return;
        }
        if (t < now) {
            t = now;
        }
        if (!h.timer.isQueued() || h.timer.time != t) {
            queue.schedule(h.timer, t);
        }
    }

    void fireTimer(Host h) {
        Endpoint ep = h.endpoint;
        long due = ep.nextTimeout();
        if (due > now) {
            rearm(h); // the deadline moved later without an input we saw
            return;
        }
        if (h.lastTimerFire == now) {
            if (++h.timerFiresAtSameInstant > LIVELOCK_LIMIT) {
                throw new IllegalStateException("host '" + h.name() + "' livelocks at " + now + " ns: after "
                        + LIVELOCK_LIMIT + " handleTimeout calls at that instant its nextTimeout() is still " + due
                        + " ns, not later than now: the endpoint does not clear or move its expired timers (a stack bug)");
            }
        } else {
            h.lastTimerFire = now;
            h.timerFiresAtSameInstant = 1;
        }
        ep.handleTimeout(now);
        drainAll();
    }

    // ------------------------------------------------------------------ observation and recording

    /** Adds a listener for every datagram event; returns it. */
    public PacketListener addListener(PacketListener listener) {
        Objects.requireNonNull(listener, "listener");
        PacketListener[] l = Arrays.copyOf(listeners, listeners.length + 1);
        l[listeners.length] = listener;
        listeners = l;
        keepers = countKeepers(l);
        return listener;
    }

    private static int countKeepers(PacketListener[] l) {
        int n = 0;
        for (PacketListener x : l) {
            n += x.keepsArrays() ? 1 : 0;
        }
        return n;
    }

    /** Attached listeners that may keep arrays ({@link PacketListener#keepsArrays}). */
    private int keepers;

    public void removeListener(PacketListener listener) {
        List<PacketListener> l = new ArrayList<>(Arrays.asList(listeners));
        l.remove(listener);
        listeners = l.toArray(new PacketListener[0]);
        keepers = countKeepers(listeners);
    }

    /** Whether a listener is attached: the datagrams it sees need their checksums filled. */
    boolean hasListeners() {
        return listeners.length > 0;
    }

    /**
     * Whether a listener that may keep arrays is attached: a datagram shown to one is never given
     * back to its sender for reuse.
     */
    boolean listenersKeepArrays() {
        return keepers > 0;
    }

    void notify(PathDirection d, PacketEvent event, byte[] data) {
        PacketListener[] l = listeners;
        for (PacketListener x : l) {
            x.packet(now, d, event, data);
        }
    }

    /**
     * Records every datagram entering any path (as sent, dropped ones too: a capture at the
     * senders' interfaces) to {@code writer}, which must have link type RAW; the timestamp is the
     * virtual time (so captures start on 1970-01-01). Returns the listener, to remove it. The
     * caller flushes and closes the writer.
     */
    public PacketListener record(PcapWriter writer) {
        return addListener(pcapListener(writer, null));
    }

    /** Creates {@code file} and {@link #record}s to it; the caller closes the returned writer. */
    public PcapWriter recordTo(java.nio.file.Path file) throws IOException {
        PcapWriter w = PcapWriter.create(file, LinkType.RAW);
        record(w);
        return w;
    }

    static PacketListener pcapListener(PcapWriter writer, Path only) {
        Objects.requireNonNull(writer, "writer");
        if (writer.linkType() != LinkType.RAW) {
            throw new IllegalArgumentException("the emulated network carries IP datagrams: the capture needs link type "
                    + LinkType.RAW + " (RAW), not " + writer.linkType() + " (" + LinkType.name(writer.linkType()) + ")");
        }
        // The writer copies each datagram into its output at once.
        return PacketListener.copying((t, d, event, data) -> {
            if (event == PacketEvent.SENT && (only == null || d.path() == only)) {
                try {
                    writer.write(t, data);
                } catch (IOException e) {
                    throw new UncheckedIOException("writing the emulated network's capture failed", e);
                }
            }
        });
    }
}

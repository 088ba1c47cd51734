package org.mptcplab.stack.emu;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;

/**
 * One direction of a {@link Path}: what host {@link #from()} sends on interface
 * {@link #fromIface()} reaches host {@link #to()} on {@link #toIface()}.
 *
 * <p>A datagram entering goes, in this order: counted and shown to listeners as
 * {@link PacketEvent#SENT}; dropped if the direction is down; through the {@link Middlebox}; through
 * the {@link FaultInjector} (drop, corrupt, rewrite, then duplicate and reorder); then each copy
 * through random loss, the drop-tail queue, serialization at the link rate, then (when one is set)
 * the shared {@link Bottleneck}'s queue and rate, then propagation delay and jitter. Arrivals keep the order of entry (jitter never reorders), except for copies the fault
 * injector holds back.
 *
 * <p>Serialization is exact: the link is busy until a rational instant kept as whole nanoseconds
 * plus a remainder in units of 1/rate ns, so a long run at any rate does not drift; a packet is
 * complete at the ceiling of its exact end.
 *
 * <p>All randomness comes from one {@link SplittableRandom} per direction, seeded from the
 * network seed, the path index and the direction only; a draw is made only for a feature in use.
 */
public final class PathDirection {
    private static final long BIT_NANOS_PER_BYTE = 8L * 1_000_000_000L;

    private final EmulatedNetwork network;
    private final Path path;
    private final int direction;
    private final Host from;
    private final int fromIface;
    private final Host to;
    private final int toIface;
    private final SplittableRandom random;

    private LinkConfig config;
    private Middlebox middlebox = Middlebox.NONE;
    private FaultInjector faults = FaultInjector.NONE;
    private Bottleneck bottleneck;
    private boolean up = true;

    // The link is busy (serializing) until busyNanos + busyRemainder / rate (0 <= remainder < rate).
    private long busyNanos = Long.MIN_VALUE;
    private long busyRemainder;
    // Packets accepted whose serialization has not finished: start and end (ceilings), lengths.
    private long[] ringStart = new long[16];
    private long[] ringEnd = new long[16];
    private int[] ringLength = new int[16];
    private int ringHead;
    private int ringCount;
    private long ringBytes;
    /** Arrival time of the last packet that keeps the first-in first-out order. */
    private long lastArrival = Long.MIN_VALUE;
    private long inFlight;

    private long sentPackets;
    private long sentBytes;
    private long deliveredPackets;
    private long deliveredBytes;
    private long droppedDown;
    private long droppedFault;
    private long droppedLoss;
    private long droppedQueue;
    private long droppedBytes;
    private long duplicated;
    private long reordered;
    private long corrupted;
    private long rewritten;
    private long stripped;

    PathDirection(EmulatedNetwork network, Path path, int direction, Host from, int fromIface, Host to, int toIface,
                  LinkConfig config) {
        this.network = network;
        this.path = path;
        this.direction = direction;
        this.from = from;
        this.fromIface = fromIface;
        this.to = to;
        this.toIface = toIface;
        this.config = Objects.requireNonNull(config, "config");
        this.random = new SplittableRandom(streamSeed(network.seed(), path.index(), direction));
    }

    /**
     * The seed of one direction's random stream: a strong mix of (network seed, path index,
     * direction), so streams do not overlap and do not depend on other paths or hosts.
     */
    static long streamSeed(long networkSeed, int pathIndex, int direction) {
        long k = 2L * pathIndex + direction + 1;
        return mix64(mix64(networkSeed) + k * 0x9E3779B97F4A7C15L);
    }

    private static long mix64(long z) {
        // SplitMix64's finalizer (Steele, Lea, Flood 2014).
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------ identity and settings

    public Path path() {
        return path;
    }

    /** 0 for a to b, 1 for b to a. */
    public int direction() {
        return direction;
    }

    public Host from() {
        return from;
    }

    public int fromIface() {
        return fromIface;
    }

    public Host to() {
        return to;
    }

    public int toIface() {
        return toIface;
    }

    /** The direction the other way on the same path. */
    public PathDirection reverse() {
        return direction == 0 ? path.bToA() : path.aToB();
    }

    /** "client:0->server:0". */
    public String name() {
        return from.name() + ":" + fromIface + "->" + to.name() + ":" + toIface;
    }

    public LinkConfig config() {
        return config;
    }

    /**
     * Changes the link for datagrams entering from now on; those already queued or in flight keep
     * the timing they were given (and arrivals keep their order).
     */
    public void setConfig(LinkConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.rateBitsPerSecond() != this.config.rateBitsPerSecond() && busyRemainder != 0) {
            // The remainder counts 1/oldRate ns: round the busy time up to a whole nanosecond.
            busyNanos++;
            busyRemainder = 0;
        }
        this.config = config;
    }

    public Middlebox middlebox() {
        return middlebox;
    }

    public void setMiddlebox(Middlebox middlebox) {
        this.middlebox = Objects.requireNonNull(middlebox, "middlebox");
    }

    public FaultInjector faults() {
        return faults;
    }

    public void setFaults(FaultInjector faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    public boolean isUp() {
        return up;
    }

    /** The shared link this direction's packets cross after its own, or null (the default). */
    public Bottleneck bottleneck() {
        return bottleneck;
    }

    /**
     * Sends this direction's packets through {@code b} (null: no longer) after its own link's
     * serialization and before its propagation delay; see {@link Bottleneck}. Packets already on
     * their way keep the route they were given.
     */
    public void setBottleneck(Bottleneck b) {
        this.bottleneck = b;
    }

    /**
     * Puts the direction up or down. Going down is a cable pulled: what is queued or propagating
     * is dropped at once (counted as {@link PacketEvent#DROPPED_DOWN}), and so is whatever enters
     * while down. Coming up, the link is empty and idle.
     */
    public void setUp(boolean up) {
        if (up == this.up) {
            return;
        }
        this.up = up;
        if (up) {
            return;
        }
        ringHead = 0;
        ringCount = 0;
        ringBytes = 0;
        busyNanos = Long.MIN_VALUE;
        busyRemainder = 0;
        lastArrival = Long.MIN_VALUE;
        List<Event> lost = network.queue().removeIf(e -> e instanceof Arrival a && a.direction == this);
        for (Event e : lost) {
            inFlight--;
            Arrival a = (Arrival) e;
            if (a.unfilled && network.hasListeners()) {
                Datagrams.fillTcpChecksum(a.data);
            }
            drop(PacketEvent.DROPPED_DOWN, a.data);
        }
    }

    // ------------------------------------------------------------------ observation

    /** Counters since the path was connected. */
    public record Counters(long sentPackets, long sentBytes, long deliveredPackets, long deliveredBytes,
                           long droppedDown, long droppedFault, long droppedLoss, long droppedQueue,
                           long droppedBytes, long duplicated, long reordered, long corrupted, long rewritten,
                           long stripped) {
        public long droppedPackets() {
            return droppedDown + droppedFault + droppedLoss + droppedQueue;
        }
    }

    /**
     * The state of a direction at one instant, for the UI and the CLI.
     *
     * @param queuedBytes     bytes waiting for serialization (not counting the packet being serialized)
     * @param queuedPackets   packets waiting for serialization
     * @param inFlightPackets packets accepted and not yet delivered (serializing, waiting or propagating)
     */
    public record Snapshot(long nowNanos, int pathIndex, int direction, String name, boolean up, LinkConfig config,
                           Middlebox middlebox, FaultInjector faults, long queuedBytes, int queuedPackets,
                           long inFlightPackets, Counters counters) {
    }

    public Counters counters() {
        return new Counters(sentPackets, sentBytes, deliveredPackets, deliveredBytes, droppedDown, droppedFault,
                droppedLoss, droppedQueue, droppedBytes, duplicated, reordered, corrupted, rewritten, stripped);
    }

    public Snapshot snapshot() {
        long now = network.now();
        prune(now);
        boolean headInService = ringCount > 0 && ringStart[ringHead] <= now;
        long queued = headInService ? ringBytes - ringLength[ringHead] : ringBytes;
        int queuedPackets = headInService ? ringCount - 1 : ringCount;
        return new Snapshot(now, path.index(), direction, name(), up, config, middlebox, faults, queued, queuedPackets,
                inFlight, counters());
    }

    /** Bytes waiting for serialization now (see {@link Snapshot#queuedBytes}). */
    public long queuedBytes() {
        return snapshot().queuedBytes();
    }

    // ------------------------------------------------------------------ the datagram's way

    /** A host put {@code data} (now owned by the network) on this direction. */
    void enter(byte[] data) {
        sentPackets++;
        sentBytes += data.length;
        // Shown to a listener that may keep it, the array is never handed back for reuse.
        boolean exposed = network.listenersKeepArrays();
        boolean shown = network.hasListeners();
        // A sender that offloads checksums left the TCP checksum to us: filled wherever anything
        // looks at or changes the datagram (the fault injector's corruption must be caught by
        // the receiver's check, and the middlebox and rewrite faults adjust it incrementally).
        boolean touched = middlebox != Middlebox.NONE || !faults.isNone();
        boolean unfilled = from.offloadsChecksums;
        if (unfilled && (shown || touched)) {
            Datagrams.fillTcpChecksum(data);
            unfilled = false;
        }
        // Untouched from an offloading sender: the receiver need not check it.
        boolean vouched = from.offloadsChecksums && !touched;
        network.notify(this, PacketEvent.SENT, data);
        if (!up) {
            drop(PacketEvent.DROPPED_DOWN, data);
            return;
        }
        if (middlebox != Middlebox.NONE && Datagrams.stripMptcp(data, middlebox == Middlebox.STRIP_MPTCP_DATA)) {
            stripped++;
        }
        FaultInjector f = faults;
        if (f.isNone()) {
            transmit(data, false, exposed, unfilled, vouched);
            return;
        }
        if (f.drop() > 0 && random.nextDouble() < f.drop()) {
            drop(PacketEvent.DROPPED_FAULT, data);
            return;
        }
        if (f.corrupt() > 0 && random.nextDouble() < f.corrupt()) {
            Datagrams.corrupt(data, random);
            corrupted++;
        }
        if (f.rewritePayload() > 0 && random.nextDouble() < f.rewritePayload() && Datagrams.rewritePayload(data, random)) {
            rewritten++;
        }
        boolean duplicate = f.duplicate() > 0 && random.nextDouble() < f.duplicate();
        boolean holdBack = f.reorder() > 0 && random.nextDouble() < f.reorder();
        byte[] copy = duplicate ? data.clone() : null;
        if (holdBack) {
            reordered++;
        }
        transmit(data, holdBack, exposed, false, false);
        if (duplicate) {
            duplicated++;
            transmit(copy, false, exposed, false, false);
        }
    }

    /** Loss, queue, serialization, propagation: schedules the arrival. */
    private void transmit(byte[] data, boolean holdBack, boolean exposed, boolean unfilled, boolean vouched) {
        LinkConfig c = config;
        if (c.lossProbability() > 0 && random.nextDouble() < c.lossProbability()) {
            drop(PacketEvent.DROPPED_LOSS, data);
            return;
        }
        long now = network.now();
        long rate = c.rateBitsPerSecond();
        long complete;
        if (rate == 0 && c.delayNanos() == 0 && c.jitterNanos() == 0) {
            // An unlimited path with no delay takes no time at all: a whole transfer would happen
            // at one virtual instant, virtual time would never reach a deadline, and such a run
            // could not end. So it serves each packet at UNLIMITED_SERVICE_RATE. With a delay,
            // time moves by a round trip per receive window, and unlimited stays exactly that.
            rate = LinkConfig.UNLIMITED_SERVICE_RATE;
        }
        if (rate == 0) {
            complete = now;
        } else {
            prune(now);
            long startNanos;
            long startRemainder;
            if (busyNanos < now || busyNanos == now && busyRemainder == 0) {
                startNanos = now;
                startRemainder = 0;
            } else {
                // The link is busy: the packet waits, if the queue has room.
                if (c.queueBytes() > 0) {
                    boolean headInService = ringCount > 0 && ringStart[ringHead] <= now;
                    long waiting = headInService ? ringBytes - ringLength[ringHead] : ringBytes;
                    if (waiting + data.length > c.queueBytes()) {
                        drop(PacketEvent.DROPPED_QUEUE, data);
                        return;
                    }
                }
                startNanos = busyNanos;
                startRemainder = busyRemainder;
            }
            long total = startRemainder + Math.multiplyExact((long) data.length, BIT_NANOS_PER_BYTE);
            busyNanos = startNanos + total / rate;
            busyRemainder = total % rate;
            complete = busyNanos + (busyRemainder != 0 ? 1 : 0);
            push(startNanos + (startRemainder != 0 ? 1 : 0), complete, data.length);
        }
        inFlight++;
        Arrival a = freeArrivals;
        if (a != null) {
            freeArrivals = a.nextFree;
            a.nextFree = null;
        } else {
            a = new Arrival(this);
        }
        a.data = data;
        a.exposed = exposed;
        a.unfilled = unfilled;
        a.vouched = vouched;
        a.holdBack = holdBack;
        if (bottleneck != null) {
            // Off the access link, the packet meets the shared queue when its last bit is out.
            a.atBottleneck = true;
            network.queue().schedule(a, complete);
            return;
        }
        propagate(a, complete, c);
    }

    /** The packet is serialized by {@code complete}: delay and jitter, then it is due at the receiver. */
    private void propagate(Arrival a, long complete, LinkConfig c) {
        long arrival = complete + c.delayNanos();
        if (c.jitterNanos() > 0) {
            arrival += random.nextLong(c.jitterNanos() + 1);
        }
        if (a.holdBack) {
            arrival += faults.reorderDelayNanos();
        } else {
            if (arrival < lastArrival) {
                arrival = lastArrival;
            }
            lastArrival = arrival;
        }
        a.atBottleneck = false;
        network.queue().schedule(a, arrival);
    }

    /** The packet reached the shared bottleneck: drop-tail, its serialization there, then propagation. */
    private void crossBottleneck(Arrival a) {
        Bottleneck b = bottleneck;
        long complete = network.now();
        if (b != null) {
            complete = b.admit(network.now(), a.data.length);
            if (complete < 0) {
                byte[] data = a.data;
                a.data = null;
                a.nextFree = freeArrivals;
                freeArrivals = a;
                inFlight--;
                if (a.unfilled && network.hasListeners()) {
                    Datagrams.fillTcpChecksum(data);
                }
                drop(PacketEvent.DROPPED_QUEUE, data);
                return;
            }
        }
        propagate(a, complete, config);
    }

    private void deliver(Arrival a) {
        byte[] data = a.data;
        boolean exposed = a.exposed;
        boolean unfilled = a.unfilled;
        boolean vouched = a.vouched;
        // The event is out of the queue: keep it for the next datagram on this direction (a bulk
        // transfer would otherwise make one per packet).
        a.data = null;
        a.nextFree = freeArrivals;
        freeArrivals = a;
        inFlight--;
        deliveredPackets++;
        deliveredBytes += data.length;
        if (unfilled && (network.hasListeners() || !to.offloadsChecksums)) {
            Datagrams.fillTcpChecksum(data);
        }
        network.notify(this, PacketEvent.DELIVERED, data);
        if (vouched && to.offloadsChecksums) {
            to.endpoint.handleVerifiedPacket(network.now(), toIface, data, 0, data.length);
        } else {
            to.endpoint.handlePacket(network.now(), toIface, data, 0, data.length);
        }
        if (!exposed && !network.listenersKeepArrays()) {
            // Nobody saw the array but the receiver, which may not keep it (Endpoint.handlePacket):
            // the sender may fill it again instead of allocating a new one.
            from.endpoint.recycle(data);
        }
        network.drainAll();
    }

    private void drop(PacketEvent why, byte[] data) {
        switch (why) {
            case DROPPED_DOWN -> droppedDown++;
            case DROPPED_FAULT -> droppedFault++;
            case DROPPED_LOSS -> droppedLoss++;
            case DROPPED_QUEUE -> droppedQueue++;
            default -> throw new IllegalArgumentException(why + " is not a drop");
        }
        droppedBytes += data.length;
        network.notify(this, why, data);
    }

    // ------------------------------------------------------------------ the link's backlog

    private void push(long start, long end, int length) {
        if (ringCount == ringEnd.length) {
            int n = ringCount * 2;
            long[] s = new long[n];
            long[] e = new long[n];
            int[] l = new int[n];
            for (int i = 0; i < ringCount; i++) {
                int j = (ringHead + i) & (ringCount - 1);
                s[i] = ringStart[j];
                e[i] = ringEnd[j];
                l[i] = ringLength[j];
            }
            ringStart = s;
            ringEnd = e;
            ringLength = l;
            ringHead = 0;
        }
        int tail = (ringHead + ringCount) & (ringEnd.length - 1);
        ringStart[tail] = start;
        ringEnd[tail] = end;
        ringLength[tail] = length;
        ringCount++;
        ringBytes += length;
    }

    /** Forgets the packets whose serialization ended by {@code now}. */
    private void prune(long now) {
        int mask = ringEnd.length - 1;
        while (ringCount > 0 && ringEnd[ringHead] <= now) {
            ringBytes -= ringLength[ringHead];
            ringHead = (ringHead + 1) & mask;
            ringCount--;
        }
    }

    /** Arrival events done with, for reuse (a singly linked list through {@link Arrival#nextFree}). */
    private Arrival freeArrivals;

    /** A datagram due at the receiving host. */
    static final class Arrival extends Event {
        final PathDirection direction;
        byte[] data;
        /** Shown to a listener when it entered (see {@link #enter}). */
        boolean exposed;
        /** The TCP checksum is still left out (checksum offload, see {@link #enter}). */
        boolean unfilled;
        /** Untouched since an offloading sender built it: delivered as verified. */
        boolean vouched;
        /** Held back by the fault injector (out of the first-in first-out order). */
        boolean holdBack;
        /** Due at the {@link Bottleneck}, not yet at the receiver. */
        boolean atBottleneck;
        Arrival nextFree;

        Arrival(PathDirection direction) {
            this.direction = direction;
        }

        @Override
        void fire() {
            if (atBottleneck) {
                direction.crossBottleneck(this);
            } else {
                direction.deliver(this);
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}

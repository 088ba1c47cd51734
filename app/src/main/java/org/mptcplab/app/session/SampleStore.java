package org.mptcplab.app.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The session's memory, indexed by virtual time: subflow samples, flow samples and events.
 * Written by the engine's thread, read by any (the UI copies what it draws, under the lock, once a
 * frame). Bounded twice: samples older than {@link #windowNanos} behind the newest are dropped,
 * and so are the oldest once the estimated size passes {@link #byteBudget} (README, "Memory").
 */
public final class SampleStore {
    /** Default time window: the last 10 minutes of virtual time. */
    public static final long DEFAULT_WINDOW_NANOS = 600_000_000_000L;
    /** Default byte budget: 64 MiB of samples and events. */
    public static final long DEFAULT_BYTE_BUDGET = 64L << 20;
    /**
     * Packets have their own budget, so that a fast run cannot push the charts' history out:
     * 32 MiB, about 120,000 packets (40 s of the demo at full rate).
     */
    public static final long DEFAULT_PACKET_BUDGET = 32L << 20;

    private final long windowNanos;
    private final long byteBudget;
    private final ArrayDeque<Samples.Subflow> subflows = new ArrayDeque<>();
    private final ArrayDeque<Samples.Flow> flows = new ArrayDeque<>();
    private final ArrayDeque<Samples.Event> events = new ArrayDeque<>();
    private final ArrayDeque<Samples.Packet> packets = new ArrayDeque<>();
    private long packetBytes;
    private long packetBudget = DEFAULT_PACKET_BUDGET;
    private long bytes;
    private long dropped;
    /** Events ever added: the newest held event is number {@code eventsAdded}, counting from 1. */
    private long eventsAdded;
    private long generation;

    public SampleStore() {
        this(DEFAULT_WINDOW_NANOS, DEFAULT_BYTE_BUDGET);
    }

    public SampleStore(long windowNanos, long byteBudget) {
        if (windowNanos <= 0 || byteBudget < 4096) {
            throw new IllegalArgumentException("the window must be above 0 and the budget at least 4 KiB");
        }
        this.windowNanos = windowNanos;
        this.byteBudget = byteBudget;
    }

    public long windowNanos() {
        return windowNanos;
    }

    public long byteBudget() {
        return byteBudget;
    }

    public synchronized void add(Samples.Subflow s) {
        subflows.addLast(s);
        bytes += Samples.SUBFLOW_BYTES;
        trim(s.t());
    }

    public synchronized void add(Samples.Flow s) {
        flows.addLast(s);
        bytes += Samples.FLOW_BYTES;
        trim(s.t());
    }

    public synchronized void add(Samples.Packet p) {
        packets.addLast(p);
        packetBytes += Samples.PACKET_BYTES;
        long oldest = p.t() - windowNanos;
        while (!packets.isEmpty() && (packets.peekFirst().t() < oldest || packetBytes > packetBudget)) {
            packets.removeFirst();
            packetBytes -= Samples.PACKET_BYTES;
            dropped++;
        }
    }

    /** Packets sent at or after {@code from}, in the order their fate became known. */
    public synchronized List<Samples.Packet> packetsSince(long from) {
        List<Samples.Packet> out = new ArrayList<>();
        var it = packets.descendingIterator();
        // Fates arrive in time order, sends nearly so (a packet is stored at arrival): stop one
        // round trip's worth of packets after the first older one.
        int older = 0;
        while (it.hasNext()) {
            Samples.Packet x = it.next();
            if (x.t() < from) {
                if (++older > 4096) {
                    break;
                }
                continue;
            }
            out.add(x);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    public synchronized int packetCount() {
        return packets.size();
    }

    /** Sets the packets' own byte budget (at least 64 KiB). */
    public synchronized void setPacketBudget(long bytes) {
        if (bytes < 65536) {
            throw new IllegalArgumentException("the packet budget must be at least 64 KiB");
        }
        packetBudget = bytes;
    }

    public synchronized void add(Samples.Event e) {
        events.addLast(e);
        eventsAdded++;
        bytes += Samples.EVENT_BYTES;
        trim(e.t());
    }

    private void trim(long newest) {
        long oldest = newest - windowNanos;
        while (!subflows.isEmpty() && (subflows.peekFirst().t() < oldest || bytes > byteBudget && subflows.size() >= flows.size())) {
            subflows.removeFirst();
            bytes -= Samples.SUBFLOW_BYTES;
            dropped++;
        }
        while (!flows.isEmpty() && (flows.peekFirst().t() < oldest || bytes > byteBudget)) {
            flows.removeFirst();
            bytes -= Samples.FLOW_BYTES;
            dropped++;
        }
        while (!events.isEmpty() && (events.peekFirst().t() < oldest || bytes > byteBudget)) {
            events.removeFirst();
            bytes -= Samples.EVENT_BYTES;
            dropped++;
        }
    }

    /** Subflow samples at or after {@code from}, oldest first. */
    public synchronized List<Samples.Subflow> subflowsSince(long from) {
        return since(subflows, from, s -> s.t() >= from);
    }

    public synchronized List<Samples.Flow> flowsSince(long from) {
        return since(flows, from, s -> s.t() >= from);
    }

    public synchronized List<Samples.Event> eventsSince(long from) {
        return since(events, from, s -> s.t() >= from);
    }

    private static <T> List<T> since(ArrayDeque<T> q, long from, Predicate<T> keep) {
        // Newest are at the end: walk back to the first kept one, then copy forward.
        List<T> out = new ArrayList<>();
        var it = q.descendingIterator();
        while (it.hasNext()) {
            T x = it.next();
            if (!keep.test(x)) {
                break;
            }
            out.add(x);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Empties the store (a replay's playhead jumped back): every count starts again and
     * {@link #generation} moves on, so that a reader with a cursor knows to start over.
     */
    public synchronized void clear() {
        subflows.clear();
        flows.clear();
        events.clear();
        packets.clear();
        bytes = 0;
        packetBytes = 0;
        eventsAdded = 0;
        generation++;
    }

    /** How many times the store was {@link #clear cleared}. */
    public synchronized long generation() {
        return generation;
    }

    /** How many events were ever added (a cursor for {@link #eventsAfter}). */
    public synchronized long eventsAdded() {
        return eventsAdded;
    }

    /**
     * The events added after the first {@code seen} (a count from {@link #eventsAdded}), oldest
     * first: a reader that polls with its last count misses none that are still held and sees
     * none twice, even when many share one instant.
     */
    public synchronized List<Samples.Event> eventsAfter(long seen) {
        long fresh = Math.min(Math.max(0, eventsAdded - seen), events.size());
        List<Samples.Event> out = new ArrayList<>((int) fresh);
        var it = events.descendingIterator();
        for (long i = 0; i < fresh; i++) {
            out.add(it.next());
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Estimated bytes held now (samples, events and packets). */
    public synchronized long bytes() {
        return bytes + packetBytes;
    }

    /** Samples and events dropped by the window or the budget so far. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized int size() {
        return subflows.size() + flows.size() + events.size() + packets.size();
    }
}

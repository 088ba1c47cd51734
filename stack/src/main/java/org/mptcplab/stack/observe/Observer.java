package org.mptcplab.stack.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where a host's stack reports what it does: MIB counters, protocol events and sent mappings.
 * Bounded (the oldest events and mappings fall off), cheap on the hot path (a counter is an array
 * increment; mapping records can be switched off for benchmarks). Single-threaded like the stack:
 * a UI copies from it on the stack's thread (see the app's service layer).
 */
public final class Observer {
    private final long[] counters = new long[Mib.values().length];
    private final ArrayDeque<ProtocolEvent> events = new ArrayDeque<>();
    private final ArrayDeque<MappingRecord> mappings = new ArrayDeque<>();
    private final int maxEvents;
    private final int maxMappings;
    private boolean recordMappings = true;
    private long eventsTotal;
    private final List<java.util.function.Consumer<ProtocolEvent>> eventListeners = new ArrayList<>();

    public Observer() {
        this(100_000, 100_000);
    }

    public Observer(int maxEvents, int maxMappings) {
        this.maxEvents = maxEvents;
        this.maxMappings = maxMappings;
    }

    public void inc(Mib m) {
        counters[m.ordinal()]++;
    }

    public void add(Mib m, long n) {
        counters[m.ordinal()] += n;
    }

    public long get(Mib m) {
        return counters[m.ordinal()];
    }

    /** Every counter, including zeros, in declaration order. */
    public Map<Mib, Long> counters() {
        Map<Mib, Long> out = new EnumMap<>(Mib.class);
        for (Mib m : Mib.values()) {
            out.put(m, counters[m.ordinal()]);
        }
        return out;
    }

    public void event(long now, ProtocolEvent.Kind kind, int token, int subflowId, String detail) {
        ProtocolEvent e = new ProtocolEvent(now, kind, token, subflowId, detail);
        eventsTotal++;
        if (events.size() == maxEvents) {
            events.pollFirst();
        }
        events.addLast(e);
        for (var l : eventListeners) {
            l.accept(e);
        }
    }

    public void onEvent(java.util.function.Consumer<ProtocolEvent> listener) {
        eventListeners.add(listener);
    }

    public List<ProtocolEvent> events() {
        return new ArrayList<>(events);
    }

    public long eventsTotal() {
        return eventsTotal;
    }

    public void setRecordMappings(boolean on) {
        recordMappings = on;
    }

    public boolean recordsMappings() {
        return recordMappings;
    }

    public void mapping(long now, int token, int subflowId, long dsn, int ssn, int len, boolean reinjected) {
        if (!recordMappings) {
            return;
        }
        if (mappings.size() == maxMappings) {
            mappings.pollFirst();
        }
        mappings.addLast(new MappingRecord(now, token, subflowId, dsn, ssn, len, reinjected));
    }

    public List<MappingRecord> mappings() {
        return new ArrayList<>(mappings);
    }
}

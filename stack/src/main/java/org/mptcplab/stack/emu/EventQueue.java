package org.mptcplab.stack.emu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A binary min-heap of events on (time, insertion sequence), with each event knowing its index so
 * that a host's one timer event can be moved in O(log n) instead of piling up stale copies.
 */
final class EventQueue {
    private static final Comparator<Event> ORDER = (a, b) -> a.time != b.time ? Long.compare(a.time, b.time)
            : Long.compare(a.seq, b.seq);

    private Event[] heap = new Event[256];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Time of the earliest event, or {@link Long#MAX_VALUE} when empty. */
    long peekTime() {
        return size == 0 ? Long.MAX_VALUE : heap[0].time;
    }

    /** Queues {@code e} at {@code time}; an event already queued is moved there (and counts as inserted now). */
    void schedule(Event e, long time) {
        e.time = time;
        e.seq = nextSeq++;
        if (e.heapIndex >= 0) {
            int i = e.heapIndex;
            siftUp(i);
            if (e.heapIndex == i) {
                siftDown(i);
            }
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    Event poll() {
        if (size == 0) {
            return null;
        }
        Event top = heap[0];
        size--;
        Event last = heap[size];
        heap[size] = null;
        if (size > 0) {
            heap[0] = last;
            last.heapIndex = 0;
            siftDown(0);
        }
        top.heapIndex = -1;
        return top;
    }

    void remove(Event e) {
        int i = e.heapIndex;
        if (i < 0) {
            return;
        }
        size--;
        Event last = heap[size];
        heap[size] = null;
        e.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftUp(i);
            if (last.heapIndex == i) {
                siftDown(i);
            }
        }
    }

    /** Removes every event matching {@code filter} in O(n); returns them in firing order. */
    List<Event> removeIf(Predicate<Event> filter) {
        List<Event> removed = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            Event e = heap[i];
            if (filter.test(e)) {
                e.heapIndex = -1;
                removed.add(e);
            } else {
                heap[kept++] = e;
            }
        }
        if (removed.isEmpty()) {
            return removed;
        }
        Arrays.fill(heap, kept, size, null);
        size = kept;
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = i;
        }
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        removed.sort(ORDER);
        return removed;
    }

    private static boolean less(Event a, Event b) {
        return a.time < b.time || a.time == b.time && a.seq < b.seq;
    }

    private void siftUp(int i) {
        Event e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Event p = heap[parent];
            if (!less(e, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i) {
        Event e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Event c = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, e)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}

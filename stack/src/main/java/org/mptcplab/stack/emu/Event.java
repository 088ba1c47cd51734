package org.mptcplab.stack.emu;

/** Something that happens at a virtual time; ordered by time, then by insertion order. */
abstract class Event {
    long time;
    long seq;
    /** Position in the {@link EventQueue} heap, -1 when not queued. */
    int heapIndex = -1;

    abstract void fire();

    final boolean isQueued() {
        return heapIndex >= 0;
    }
}

package org.mptcplab.stack.sched;

/**
 * Redundant: every chunk on every usable subflow (as the out-of-tree Linux MPTCP "redundant"
 * scheduler), trading capacity for latency and loss resilience: the receiver keeps the first copy
 * of each byte and drops the rest (RFC 8684 3.3: data sequence numbers identify the bytes, so
 * copies are harmless). The chunk goes first on the minRTT choice; the connection then sends the
 * same data-sequence range on every other usable subflow that has room, and a subflow that had
 * none catches up on what it missed (not yet data-ACKed) when its window opens.
 */
public final class Redundant implements Scheduler {
    private SchedulingReason reason = SchedulingReason.NO_ROOM;

    @Override
    public String name() {
        return "redundant";
    }

    @Override
    public Scheduler copy() {
        return new Redundant();
    }

    /** The first copy's subflow, by minRTT's rule (the connection then copies to the others, {@link SchedulingReason#REDUNDANT_COPY}). */
    @Override
    public SubflowView pick(ConnectionView conn, int len) {
        SubflowView s = MinRtt.lowestRtt(conn, len);
        reason = MinRtt.reasonFor(conn, s);
        return s;
    }

    @Override
    public SchedulingReason reason() {
        return reason;
    }

    @Override
    public boolean redundant() {
        return true;
    }
}

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
    @Override
    public String name() {
        return "redundant";
    }

    @Override
    public SubflowView pick(ConnectionView conn, int len) {
        return MinRtt.lowestRtt(conn, len);
    }

    @Override
    public boolean redundant() {
        return true;
    }
}

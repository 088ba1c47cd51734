package org.mptcplab.stack.sched;

import java.util.List;

/** What a scheduler reads of an MPTCP connection (data level, RFC 8684 3.3). Read-only. */
public interface ConnectionView {
    /** The connection's subflows in the order they were added; the list must not be modified. */
    List<? extends SubflowView> subflowViews();

    /**
     * The connection-level send window in bytes: how far beyond the data ACK the peer lets us
     * send (RFC 8684 3.3.4, the window is relative to the data ACK). BLEST's |MPTCP_SW|.
     */
    long sendWindow();

    /** Bytes the application wrote that no subflow has carried yet (ECF's k). */
    long unsentBytes();

    /**
     * How many times so far the connection-level window stopped new data while the data ACK lagged
     * (head-of-line blocking at the receiver seen from the sender): BLEST's signal that its
     * estimate was too optimistic.
     */
    long windowBlockedCount();

    /** The time of the decision being asked for (virtual nanoseconds): BLEST moves lambda once per round trip. */
    long nowNanos();
}

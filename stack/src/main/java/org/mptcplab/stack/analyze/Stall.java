package org.mptcplab.stack.analyze;

import java.util.List;

/**
 * The longest time one direction of a connection made no data-level progress (no data ACK
 * moved) while data was outstanding (RFC 8684 3.3.2: the data ACK is cumulative, so it stops
 * exactly when the receiver stops getting in-order data): typically a handover, the data in
 * flight on a dead subflow waiting to be reinjected on another. With what happened in it.
 *
 * @param direction          0: the connection's client to server, 1: server to client
 * @param startNanos         the data ACK's last move before the gap (or when data became outstanding)
 * @param endNanos           when the data ACK moved again, or the capture's end if it never did
 * @param open               true when the data ACK never moved again before the capture ended
 * @param subflowRetransmits subflow-level retransmissions (all subflows) in the gap
 * @param reinjections       segments reinjected at the data level in the gap
 * @param events             the connection's events in the gap, in capture order
 * @param eventsNotKept      events in the gap past the per-connection limit ({@link CaptureAnalyzer#MAX_EVENTS})
 */
public record Stall(int direction, long startNanos, long endNanos, boolean open, long subflowRetransmits,
                    long reinjections, List<MptcpEvent> events, long eventsNotKept) {
    public Stall {
        events = List.copyOf(events);
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }
}

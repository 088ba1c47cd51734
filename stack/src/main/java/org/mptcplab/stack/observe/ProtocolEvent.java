package org.mptcplab.stack.observe;

/**
 * One protocol event, for the UI timeline and the CLI's {@code events}.
 *
 * @param timeNanos virtual or real time of the event
 * @param token the connection's local token (0 before there is one)
 * @param subflowId the subflow's id within its connection (-1 for connection-wide events)
 * @param detail human text: values and reasons
 */
public record ProtocolEvent(long timeNanos, Kind kind, int token, int subflowId, String detail) {
    public enum Kind {
        MP_CAPABLE, FALLBACK, SUBFLOW_ESTABLISHED, JOIN, JOIN_REJECTED, ADD_ADDR, ADD_ADDR_ECHO, REMOVE_ADDR, MP_PRIO,
        MP_FAIL, INFINITE_MAPPING, FASTCLOSE, SUBFLOW_RESET, SUBFLOW_CLOSED, RTO, FAST_RETRANSMIT, REINJECTION,
        DATA_FIN, CONNECTION_CLOSED, CONNECTION_RESET,
        /** The packet scheduler changed, or penalised a subflow (opportunistic retransmission). */
        SCHEDULER,
        /** The path manager opened a join (and why) or announced an address. */
        PATH_MANAGER
    }
}

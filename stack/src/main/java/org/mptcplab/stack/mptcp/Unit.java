package org.mptcplab.stack.mptcp;

/**
 * One segment's worth of a subflow's send queue, kept until the subflow's TCP ACK covers it so
 * that a retransmission repeats the same bytes under the same mapping (RFC 8684 3.3.1: a mapping,
 * once sent, is fixed).
 */
final class Unit {
    /** Absolute 32-bit subflow sequence number of the first byte (or of the FIN). */
    int seq;
    /** Payload bytes (0 for a bare FIN). */
    int len;
    /** Data sequence number of the first byte; meaningless for a FIN unit. */
    long dsn;
    boolean fin;
    /** First data of the MP_CAPABLE subflow before the peer's first DSS: sent with MP_CAPABLE (RFC 8684 3.1). */
    boolean mpCapableData;
    boolean reinjected;
    /** Its DSS carries a data ACK; without one the payload was sized 8 bytes larger (so it stays so). */
    boolean withDataAck = true;
    /** Its data was queued again on another subflow (once is enough). */
    boolean reinjectedElsewhere;
    long sentAt;
    int transmissions;
    boolean sacked;
    boolean lost;
    /**
     * The unit's own copy of its bytes (the first {@link #len} of the array, which may be longer:
     * it comes from the stack's pool), once the connection's send buffer let them go (they were
     * data-ACKed through another subflow first); null while the buffer has them.
     */
    byte[] data;

    /** Next in the subflow's list of free units. */
    Unit nextFree;

    /** Back to the state of a new unit, for reuse. */
    void clear() {
        seq = 0;
        len = 0;
        dsn = 0;
        fin = false;
        mpCapableData = false;
        reinjected = false;
        withDataAck = true;
        reinjectedElsewhere = false;
        sentAt = 0;
        transmissions = 0;
        sacked = false;
        lost = false;
        data = null;
    }

    int seqLength() {
        return len + (fin ? 1 : 0);
    }

    int end() {
        return seq + seqLength();
    }
}

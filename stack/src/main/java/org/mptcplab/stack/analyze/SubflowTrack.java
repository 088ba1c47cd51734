package org.mptcplab.stack.analyze;

import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.SeqNum;

/** The analyzer's running state of one TCP connection (a subflow once it shows MPTCP). */
final class SubflowTrack {
    static final String INITIAL = "initial";
    static final String JOIN = "join";
    static final String UNKNOWN = "unknown";

    final int index;
    final IpAddress clientAddress;
    final int clientPort;
    final IpAddress serverAddress;
    final int serverPort;
    /** [0]: client to server, [1]: server to client. */
    final Dir[] dir = {new Dir(), new Dir()};

    ConnectionTrack conn;
    /** This subflow's client is the connection's server (a join the server opened). */
    boolean flip;
    String role = UNKNOWN;
    boolean mptcp;
    /** MP_CAPABLE seen on the SYN, on the SYN/ACK, on the client's ACK. */
    boolean mpcSyn;
    boolean mpcSynAck;
    boolean mpcAck;
    boolean joinSynAck;
    int clientAddressId = -1;
    int serverAddressId = -1;
    long priorityChanges;
    long synAt = -1;
    long synAckAt = -1;
    long ackAt = -1;
    /** Whether a fallback or refusal was already looked for on this subflow's handshake. */
    boolean handshakeChecked;

    SubflowTrack(int index, IpAddress clientAddress, int clientPort, IpAddress serverAddress, int serverPort) {
        this.index = index;
        this.clientAddress = clientAddress;
        this.clientPort = clientPort;
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
    }

    /** The connection-level direction of data this subflow carries in subflow direction {@code d}. */
    int connDir(int d) {
        return flip ? d ^ 1 : d;
    }

    boolean closed() {
        return dir[0].rst || dir[1].rst || dir[0].fin && dir[1].fin;
    }

    String endpoint(int d) {
        IpAddress a = d == 0 ? clientAddress : serverAddress;
        int p = d == 0 ? clientPort : serverPort;
        return a instanceof Ipv6Address ? "[" + a + "]:" + p : a + ":" + p;
    }

    /**
     * A running estimate of the subflow's round trip: the smoothed half round trips of both
     * directions added, 0 while neither is known.
     */
    long roundTrip() {
        return Math.max(0, dir[0].srtt) + Math.max(0, dir[1].srtt);
    }

    /** One direction: the sender's sequence space and what the capture saw of it. */
    static final class Dir {
        boolean started;
        /** Started from the other side's ACK, before this side sent anything seen. */
        boolean fromAck;
        /** Raw sequence number of relative 0 (the ISN when the SYN was seen). */
        int base;
        /** Highest relative sequence number seen sent, plus one. */
        long hiEnd;
        boolean synSeen;
        int synSeq;
        /** ISN for DSS subflow sequence numbers (RFC 8684 3.3.1: relative to the ISN). */
        boolean isnKnown;
        int isn;

        long packets;
        long payloadPackets;
        long bytes;
        long retransmits;
        long retransmittedBytes;
        long reinjections;
        long reinjectedBytes;
        long mappings;

        /** Highest relative sequence number the peer acknowledged. */
        boolean acked;
        long ackHigh;

        TimedQueue segments;
        TimedQueue tsvals;
        boolean tsSeen;
        long tsHigh;
        final Samples rttAck = new Samples();
        final Samples rttTs = new Samples();
        long srtt = -1;

        long maxFlight;
        long windowStart = -1;
        long windowMax;
        final Samples cwnd = new Samples();

        /** The last DSS mappings received in this direction, null before the first. */
        MappingHistory maps;

        boolean fin;
        boolean rst;
        int rstReason = -1;
        boolean backup;
        long first = -1;
        long last = -1;

        /** Starts the sequence space at a segment: its SYN is relative 0, else the segment is relative 1. */
        void start(int seq, boolean syn) {
            started = true;
            fromAck = false;
            acked = false;
            if (syn) {
                base = seq;
                hiEnd = 0;
                isnKnown = true;
                isn = seq;
            } else {
                base = seq - 1;
                hiEnd = 1;
            }
        }

        /** Starts the sequence space from the peer's ACK of it (this side sent nothing seen yet). */
        void startFromAck(int ack) {
            started = true;
            fromAck = true;
            base = ack - 1;
            hiEnd = 1;
        }

        /** A raw sequence number as a relative 64-bit one, the closest to what was seen so far. */
        long rel(int seq) {
            return SeqNum.widen(hiEnd, (seq - base) & 0xffffffffL);
        }

        void rtt(long sample, boolean fromAck) {
            if (sample < 0) {
                return;
            }
            (fromAck ? rttAck : rttTs).add(sample);
            srtt = srtt < 0 ? sample : srtt - (srtt >> 3) + (sample >> 3);
        }

        long timestamp(long tsval32) {
            return tsSeen ? SeqNum.widen(tsHigh, tsval32) : tsval32;
        }

        DirectionReport report() {
            return new DirectionReport(packets, payloadPackets, bytes, retransmits, retransmittedBytes, reinjections,
                    reinjectedBytes, mappings, maxFlight, cwnd.count() == 0 ? -1 : cwnd.median(), rttAck.summary(),
                    rttTs.summary(), fin, rst, rstReason, first, last);
        }

        /**
         * The half round trip this direction measured: the median of the kind with more samples
         * (data/ACK pairs on a tie; a direction of pure ACKs has one pair, its handshake, and a
         * timestamp echo per ACK); -1 without samples.
         */
        long halfRoundTrip() {
            if (rttAck.count() == 0 && rttTs.count() == 0) {
                return -1;
            }
            return rttAck.count() >= rttTs.count() ? rttAck.median() : rttTs.median();
        }
    }
}

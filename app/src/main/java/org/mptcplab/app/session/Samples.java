package org.mptcplab.app.session;

import org.mptcplab.stack.mptcp.SubflowState;

/** What a session records, one record per kind; times are virtual nanoseconds from the session's start. */
public final class Samples {
    private Samples() {
    }

    /**
     * One subflow at one instant, seen from the sender (whose congestion window it is).
     *
     * @param flow    0 the MPTCP connection, 1 the single-path TCP comparison
     * @param path    index of the path the subflow runs on
     * @param sendBps payload bits per second sent on it since the previous sample (retransmissions included)
     * @param cc      the sender's congestion controller ("lia"), null where it is not ours (the kernel sends)
     * @param coupled whether that controller couples the subflows' increases (LIA, OLIA, BALIA)
     * @param ccIncrease its congestion-avoidance increase per RTT now, in segments (one Reno TCP: 1);
     *                NaN where unknown
     */
    public record Subflow(long t, int flow, int subflowId, int path, SubflowState state, boolean backup, long cwnd,
                          long ssthresh, long srttNanos, long rttvarNanos, long bytesInFlight, double sendBps,
                          long bytesSent, long bytesRetransmitted, String cc, boolean coupled, double ccIncrease) {
    }

    /**
     * One connection (flow) at one instant, and its traffic's own state.
     *
     * @param goodputBps     bytes handed to the receiving application since the previous sample, as bits/s
     * @param playerBufferS  seconds of video in the player's buffer (video only; NaN otherwise)
     * @param playerState    "starting", "playing" or "stalled" for video; "receiving" for bulk
     */
    public record Flow(long t, int flow, double goodputBps, long delivered, int sendBufferUsed, int receiveBufferUsed,
                       double playerBufferS, String playerState, long stalls, long stalledNanos) {
    }

    /** A protocol or network event in words, for the event log and the timeline. */
    public record Event(long t, int flow, String host, String kind, int subflowId, String detail) {
    }

    /**
     * One packet of the MPTCP connection on a path, recorded when its fate is known: when it was
     * sent, when it arrived (or that it was lost), its TCP header in brief and its MPTCP options.
     *
     * @param arrivedAt  virtual time of delivery; -1 if it was dropped
     * @param fate       "delivered", "lost" (random loss), "down" (the path was down) or "queue" (drop-tail)
     * @param toClient   server to client (the data direction of the demo's download)
     * @param dsn        relative data sequence number of the DSS mapping this packet carries (bytes from the
     *                   first mapping seen), or -1
     * @param dataAck    relative data ACK carried, or -1
     * @param options    the option names in order, e.g. "MP_CAPABLE" or "DSS"
     * @param headers    the IP and TCP headers as sent (no payload), for the packet inspector
     */
    public record Packet(long t, long arrivedAt, String fate, int path, boolean toClient, int flags, long seq, long ack,
                         int payloadLength, long dsn, int dataLength, long dataAck, boolean reinjected, boolean retransmitted,
                         String options, byte[] headers) {
        /** TCP flags as tcpdump writes them: S, S., ., P., F., R. */
        public String flagText() {
            StringBuilder sb = new StringBuilder();
            if ((flags & 0x02) != 0) {
                sb.append('S');
            }
            if ((flags & 0x01) != 0) {
                sb.append('F');
            }
            if ((flags & 0x04) != 0) {
                sb.append('R');
            }
            if ((flags & 0x08) != 0) {
                sb.append('P');
            }
            if ((flags & 0x10) != 0) {
                sb.append('.');
            }
            return sb.toString();
        }
    }

    /** Bytes one stored sample of each kind takes (object header, fields, references), for the byte budget. */
    static final int SUBFLOW_BYTES = 136;
    static final int FLOW_BYTES = 96;
    static final int EVENT_BYTES = 160;
    /** A packet: the record, its option text and a copy of its headers (about 80 bytes). */
    static final int PACKET_BYTES = 280;
}

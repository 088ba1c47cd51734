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
     */
    public record Subflow(long t, int flow, int subflowId, int path, SubflowState state, boolean backup, long cwnd,
                          long ssthresh, long srttNanos, long rttvarNanos, long bytesInFlight, double sendBps,
                          long bytesSent, long bytesRetransmitted) {
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

    /** Bytes one stored sample of each kind takes (object header, fields, references), for the byte budget. */
    static final int SUBFLOW_BYTES = 120;
    static final int FLOW_BYTES = 96;
    static final int EVENT_BYTES = 160;
}

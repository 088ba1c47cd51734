package org.mptcplab.stack.cc;

/**
 * NewReno (RFC 5681 slow start and congestion avoidance, RFC 6582 recovery), per subflow and
 * uncoupled, as Linux upstream MPTCP runs its subflows (its default there is Cubic).
 */
public class NewReno implements CongestionControl {
    protected final int mss;
    protected long cwnd;
    protected long ssthresh = Long.MAX_VALUE / 4;
    /** Bytes acknowledged in congestion avoidance not yet turned into window growth. */
    protected long caAcked;

    public NewReno(int mss) {
        this.mss = mss;
        // RFC 6928 initial window: 10 segments.
        this.cwnd = 10L * mss;
    }

    @Override
    public String name() {
        return "newreno";
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(long nowNanos, long bytesAcked, long srttNanos, long bytesInFlight) {
        if (cwnd < ssthresh) {
            // Slow start with appropriate byte counting, at most 2 MSS per ACK (RFC 3465 L=2).
            cwnd += Math.min(bytesAcked, 2L * mss);
            return;
        }
        increaseAvoidance(bytesAcked);
    }

    /** Congestion avoidance: one MSS per window's worth of acknowledged bytes (RFC 5681 3.1). */
    protected void increaseAvoidance(long bytesAcked) {
        caAcked += bytesAcked;
        if (caAcked >= cwnd) {
            caAcked -= cwnd;
            cwnd += mss;
        }
    }

    @Override
    public void onFastRetransmit(long bytesInFlight) {
        ssthresh = Math.max(bytesInFlight / 2, 2L * mss);
        cwnd = ssthresh;
        caAcked = 0;
    }

    @Override
    public void onRecoveryExit() {
        cwnd = Math.max(ssthresh, 2L * mss);
    }

    @Override
    public void onTimeout(long bytesInFlight) {
        ssthresh = Math.max(bytesInFlight / 2, 2L * mss);
        cwnd = mss;
        caAcked = 0;
    }
}

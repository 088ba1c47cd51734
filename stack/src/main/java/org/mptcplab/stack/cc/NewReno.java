package org.mptcplab.stack.cc;

/**
 * NewReno (RFC 5681 slow start and congestion avoidance, RFC 6582 recovery), per subflow and
 * uncoupled, as Linux upstream MPTCP runs its subflows (its default there is Cubic).
 *
 * <p>Slow start ends early on a rise in delay (HyStart's delay-increase test, Ha and Rhee 2011, as
 * Linux applies it to its default Cubic): once the minimum RTT of a round's first samples exceeds
 * the path's minimum RTT by an eighth of it (clamped to 4..16 ms), a queue is building, the path is
 * full, and doubling on would only overflow the bottleneck queue and lose up to half a window.
 * RFC 9406 (HyStart++) uses the same test but follows it with a conservative slow start that grows
 * the window threefold in five rounds, which on a queue deeper than the path's bandwidth-delay
 * product overflows it all the same; so slow start ends at once, as Linux does.
 */
public class NewReno implements CongestionControl {
    protected final int mss;
    protected long cwnd;
    protected long ssthresh = Long.MAX_VALUE / 4;
    /** Bytes acknowledged in congestion avoidance not yet turned into window growth. */
    protected long caAcked;
    /** Fractional window growth (bytes) not yet added, for algorithms that grow by fractions. */
    protected double pendingGrowth;

    /** HyStart's delay-increase exit from slow start (see the class comment). */
    private final boolean hystart;
    /** When the current round began: it ends when a segment sent after that is acknowledged. */
    private long roundStart = Long.MIN_VALUE;
    private long roundMinRtt = Long.MAX_VALUE;
    private int roundSamples;
    /** Smallest RTT seen on the subflow: the path's delay without a queue. */
    private long minRtt = Long.MAX_VALUE;
    /** HyStart's sample count per round and bounds of the delay threshold (as Linux). */
    static final int HYSTART_SAMPLES = 8;
    static final long HYSTART_MIN_THRESHOLD = 4_000_000L;
    static final long HYSTART_MAX_THRESHOLD = 16_000_000L;
    /** Below this many segments slow start runs unchecked (Linux's hystart_low_window). */
    static final int HYSTART_LOW_WINDOW = 16;
    private int hystartExits;

    public NewReno(int mss) {
        this(mss, true);
    }

    public NewReno(int mss, boolean hystart) {
        this.mss = mss;
        this.hystart = hystart;
        // RFC 6928 initial window: 10 segments.
        this.cwnd = 10L * mss;
    }

    /** "newreno" (with HyStart) or "reno" (without), as {@link CongestionControls#create} names them. */
    @Override
    public String name() {
        return hystart ? "newreno" : "reno";
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
    public void onRttSample(long nowNanos, long rttNanos, long sentAtNanos) {
        minRtt = Math.min(minRtt, rttNanos);
        if (!hystart || cwnd >= ssthresh) {
            return;
        }
        if (sentAtNanos >= roundStart) {
            // The acknowledged segment left after the round began: a new round starts now.
            roundStart = nowNanos;
            roundMinRtt = Long.MAX_VALUE;
            roundSamples = 0;
        }
        if (roundSamples >= HYSTART_SAMPLES) {
            return;
        }
        roundMinRtt = Math.min(roundMinRtt, rttNanos);
        if (++roundSamples == HYSTART_SAMPLES && cwnd >= (long) HYSTART_LOW_WINDOW * mss) {
            long threshold = Math.max(HYSTART_MIN_THRESHOLD, Math.min(HYSTART_MAX_THRESHOLD, minRtt / 8));
            if (roundMinRtt >= minRtt + threshold) {
                ssthresh = cwnd;
                hystartExits++;
            }
        }
    }

    /** How often slow start ended on a delay rise (for tests and the UI). */
    public int hystartExits() {
        return hystartExits;
    }

    @Override
    public void onAck(long nowNanos, long bytesAcked, long srttNanos, long bytesInFlight) {
        if (cwnd < ssthresh) {
            // Slow start with appropriate byte counting, at most 2 MSS per ACK (RFC 3465 L=2).
            cwnd += Math.min(bytesAcked, 2L * mss);
            return;
        }
        increaseAvoidance(nowNanos, bytesAcked, srttNanos);
    }

    /** Congestion avoidance hook with the time and RTT (CUBIC, the coupled algorithms). */
    protected void increaseAvoidance(long nowNanos, long bytesAcked, long srttNanos) {
        increaseAvoidance(bytesAcked);
    }

    /** Adds {@code bytes} (possibly fractional or negative) to cwnd, never below one segment. */
    protected void grow(double bytes) {
        pendingGrowth += bytes;
        long whole = (long) pendingGrowth;
        if (whole != 0) {
            pendingGrowth -= whole;
            cwnd = Math.max(mss, cwnd + whole);
        }
    }

    /** Sets both windows (tests, and {@link #takeOver}). */
    public void setWindows(long cwnd, long ssthresh) {
        this.cwnd = Math.max(mss, cwnd);
        this.ssthresh = Math.max(2L * mss, ssthresh);
        this.caAcked = 0;
        this.pendingGrowth = 0;
    }

    @Override
    public void takeOver(CongestionControl previous) {
        setWindows(previous.cwnd(), previous.ssthresh());
    }

    /** Reno's congestion avoidance increase for an ACK of {@code bytesAcked}, in bytes (RFC 5681 3.1 eq. 3). */
    protected double renoIncrease(long bytesAcked) {
        return (double) bytesAcked * mss / cwnd;
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
        pendingGrowth = 0;
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
        pendingGrowth = 0;
    }
}

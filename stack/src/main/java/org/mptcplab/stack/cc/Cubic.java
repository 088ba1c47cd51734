package org.mptcplab.stack.cc;

import java.util.List;

/**
 * CUBIC (RFC 9438), windows in bytes like {@link NewReno}, whose slow start (with HyStart) and
 * recovery it keeps. The cubic function is evaluated in segments, as the RFC writes it, and
 * converted to bytes with the MSS.
 */
public class Cubic extends NewReno {
    /** RFC 9438 4.1 / 5: C = 0.4 (segments per second cubed), beta_cubic = 0.7. */
    public static final double C = 0.4;
    public static final double BETA = 0.7;
    /** RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta), Reno's average rate at beta 0.7. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final long NO_EPOCH = Long.MIN_VALUE;

    private final boolean fastConvergence;
    /** W_max in segments: the window just before the last reduction (RFC 9438 4.2); 0 before any. */
    private double wMax;
    /** K in seconds (RFC 9438 4.2 eq. 2). */
    private double k;
    /** When the current congestion avoidance stage began (t = 0), or none yet. */
    private long epochStart = NO_EPOCH;
    /** W_est in segments, the Reno-friendly estimate (RFC 9438 4.3). */
    private double wEst;
    private boolean renoFriendly;
    /** The last ACK's time and smoothed RTT, for {@link #increasePerRtt()} between ACKs. */
    private long lastAckNanos;
    private long lastSrttNanos;

    public Cubic(int mss) {
        this(mss, true, true);
    }

    public Cubic(int mss, boolean hystart, boolean fastConvergence) {
        super(mss, hystart);
        this.fastConvergence = fastConvergence;
    }

    @Override
    public String name() {
        return "cubic";
    }

    /** RFC 9438 4.2 eq. 1: W_cubic(t) = C (t - K)^3 + W_max, in segments, t in seconds since the epoch. */
    public double wCubic(double tSeconds) {
        double d = tSeconds - k;
        return C * d * d * d + wMax;
    }

    public double wMaxSegments() {
        return wMax;
    }

    public double kSeconds() {
        return k;
    }

    public double wEstSegments() {
        return wEst;
    }

    @Override
    protected void increaseAvoidance(long nowNanos, long bytesAcked, long srttNanos) {
        double cw = (double) cwnd / mss;
        if (epochStart == NO_EPOCH) {
            // RFC 9438 4.2: a new congestion avoidance stage; cwnd_epoch is the window now.
            epochStart = nowNanos;
            if (wMax <= cw) {
                // No reduction below W_max (slow start ended without loss, or the window has grown
                // past it): the plateau is here, K = 0 (RFC 9438 4.2, cwnd_epoch >= W_max).
                wMax = cw;
                k = 0;
            } else {
                // RFC 9438 4.2 eq. 2: K = cubic_root((W_max - cwnd_epoch) / C).
                k = Math.cbrt((wMax - cw) / C);
            }
            // RFC 9438 4.3: W_est starts at cwnd_epoch.
            wEst = cw;
        }
        double segmentsAcked = (double) bytesAcked / mss;
        // RFC 9438 4.3: W_est += alpha_cubic * segments_acked / cwnd; alpha_cubic becomes 1 once
        // W_est has reached W_max.
        double alpha = wEst >= wMax ? 1.0 : ALPHA;
        wEst += alpha * segmentsAcked / cw;
        double t = (nowNanos - epochStart) / 1e9;
        if (wCubic(t) < wEst) {
            // RFC 9438 4.3: the Reno-friendly region; cwnd is set to W_est.
            renoFriendly = true;
            long est = (long) (wEst * mss);
            if (est > cwnd) {
                cwnd = est;
                pendingGrowth = 0;
            }
            return;
        }
        renoFriendly = false;
        // RFC 9438 4.4 / 4.5: target = W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd]; cwnd grows by
        // (target - cwnd) / cwnd per acknowledged segment.
        double target = wCubic(t + srttNanos / 1e9);
        target = Math.max(cw, Math.min(1.5 * cw, target));
        grow((target - cw) * mss * segmentsAcked / cw);
    }

    /** RFC 9438 4.6 and 4.7: a congestion event; W_max with fast convergence, ssthresh = flight * beta. */
    private void reduce(long bytesInFlight) {
        double cw = (double) cwnd / mss;
        if (fastConvergence && cw < wMax) {
            // RFC 9438 4.7: the window is shrinking, release bandwidth: W_max = cwnd (1 + beta) / 2.
            wMax = cw * (1 + BETA) / 2;
        } else {
            wMax = cw;
        }
        // RFC 9438 4.6: ssthresh = cwnd * beta_cubic, from the window, not from the bytes
        // outstanding: during SACK recovery (RFC 6675) new data keeps going out while holes are
        // repaired, so what is outstanding can be many windows, and a decrease computed from it
        // grew the window at each loss (40 MB over one 20 Mbit/s path retransmitted 304 MB).
        ssthresh = Math.max(Math.round(cwnd * BETA), 2L * mss);
        epochStart = NO_EPOCH;
        caAcked = 0;
        pendingGrowth = 0;
    }

    @Override
    public void onFastRetransmit(long bytesInFlight) {
        reduce(bytesInFlight);
        // RFC 9438 4.6: cwnd = max(ssthresh, 2 segments).
        cwnd = ssthresh;
    }

    @Override
    public void onTimeout(long bytesInFlight) {
        // RFC 9438 4.8: on a timeout ssthresh is reduced as for a loss, cwnd restarts at one segment
        // (RFC 5681 3.1) and the next congestion avoidance stage begins a new epoch.
        reduce(bytesInFlight);
        cwnd = mss;
    }

    @Override
    public void takeOver(CongestionControl previous) {
        super.takeOver(previous);
        wMax = 0;
        epochStart = NO_EPOCH;
    }

    @Override
    public void onAck(long nowNanos, long bytesAcked, long srttNanos, long bytesInFlight) {
        lastAckNanos = nowNanos;
        lastSrttNanos = srttNanos;
        super.onAck(nowNanos, bytesAcked, srttNanos, bytesInFlight);
    }

    /**
     * The window growth over the next RTT in congestion avoidance, in segments, as
     * {@link #increaseAvoidance} would give it at the last ACK: W_cubic(t + RTT) - cwnd clamped to
     * [0, cwnd / 2] (RFC 9438 4.4), or alpha_cubic in the Reno-friendly region (4.3). Before the
     * stage's first ACK, t = 0 and K as that ACK will set it.
     */
    @Override
    public double increasePerRtt() {
        long nowNanos = lastAckNanos;
        long srttNanos = lastSrttNanos;
        double cw = (double) cwnd / mss;
        double wm = wMax;
        double kk = k;
        double est = wEst;
        double t = 0;
        if (epochStart == NO_EPOCH) {
            if (wm <= cw) {
                wm = cw;
                kk = 0;
            } else {
                kk = Math.cbrt((wm - cw) / C);
            }
            est = cw;
        } else {
            t = Math.max(0, nowNanos - epochStart) / 1e9;
        }
        double alpha = est >= wm ? 1.0 : ALPHA;
        double d = t - kk;
        if (C * d * d * d + wm < est) {
            return alpha;
        }
        double e = t + Math.max(0, srttNanos) / 1e9 - kk;
        double target = Math.max(cw, Math.min(1.5 * cw, C * e * e * e + wm));
        return target - cw;
    }

    private static final List<String> NAMES = List.of("wMaxBytes", "kSeconds", "wEstBytes", "renoFriendly");

    @Override
    public List<String> variableNames() {
        return NAMES;
    }

    @Override
    public double variable(int index) {
        return switch (index) {
            case 0 -> wMax * mss;
            case 1 -> k;
            case 2 -> wEst * mss;
            case 3 -> renoFriendly ? 1.0 : 0.0;
            default -> throw new IndexOutOfBoundsException(index);
        };
    }
}

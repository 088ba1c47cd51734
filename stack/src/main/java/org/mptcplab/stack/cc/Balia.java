package org.mptcplab.stack.cc;

import java.util.List;

/**
 * BALIA, the Balanced Linked Adaptation algorithm (Peng, Walid, Hwang, Low, "Multipath TCP:
 * Analysis, Design and Implementation", IEEE/ACM ToN 2016, section VI, eq. (16)), windows in bytes.
 *
 * <p>With x_r = w_r / tau_r and alpha_r = max_k x_k / x_r, each ACK on r adds, in packets,
 * (x_r / (tau_r (sum_k x_k)^2)) * ((1 + alpha_r) / 2) * ((4 + alpha_r) / 5); in bytes that is
 * multiplied by bytes_acked * MSS. Each loss on r takes w_r / 2 * min(alpha_r, 1.5) off w_r.
 */
public final class Balia extends Coupled {
    private double alpha = 1;

    public Balia(int mss, Coupling coupling) {
        super(mss, coupling);
    }

    @Override
    public String name() {
        return "balia";
    }

    public double alpha() {
        return alpha;
    }

    /** Computes alpha_r; returns sum_k x_k (bytes per nanosecond), or 0 when uncoupled. */
    private double computeAlpha() {
        if (!selfActive()) {
            alpha = 1;
            return 0;
        }
        double sum = 0;
        double max = 0;
        for (int i = 0, n = coupling.size(); i < n; i++) {
            SubflowView v = coupling.subflow(i);
            if (!v.activeForCoupling()) {
                continue;
            }
            double x = cwndOf(v) / rttOf(v);
            sum += x;
            max = Math.max(max, x);
        }
        double xr = cwnd / rttOf(coupling.self());
        alpha = xr > 0 && sum > 0 ? max / xr : 1;
        return sum;
    }

    /** The increase in bytes BALIA gives an ACK of {@code bytesAcked} now (eq. 16, increase part). */
    public double increaseFor(long bytesAcked) {
        double sum = computeAlpha();
        if (sum <= 0) {
            return renoIncrease(bytesAcked);
        }
        double tau = rttOf(coupling.self());
        double xr = cwnd / tau;
        double perAck = xr / (tau * sum * sum) * ((1 + alpha) / 2) * ((4 + alpha) / 5);
        return perAck * bytesAcked * mss;
    }

    @Override
    protected void increaseAvoidance(long nowNanos, long bytesAcked, long srttNanos) {
        grow(increaseFor(bytesAcked));
    }

    /** The window after a loss: w_r - w_r / 2 * min(alpha_r, 1.5) (eq. 16, decrease part). */
    public long windowAfterLoss() {
        computeAlpha();
        double w = cwnd - cwnd / 2.0 * Math.min(alpha, 1.5);
        return Math.max(2L * mss, (long) w);
    }

    @Override
    public void onFastRetransmit(long bytesInFlight) {
        ssthresh = windowAfterLoss();
        cwnd = ssthresh;
        caAcked = 0;
        pendingGrowth = 0;
    }

    @Override
    public void onTimeout(long bytesInFlight) {
        // A timeout restarts from one segment as in TCP (RFC 5681 3.1); the threshold is BALIA's
        // reduced window.
        ssthresh = windowAfterLoss();
        cwnd = mss;
        caAcked = 0;
        pendingGrowth = 0;
    }

    private static final List<String> NAMES = List.of("alpha");

    @Override
    public List<String> variableNames() {
        return NAMES;
    }

    @Override
    public double variable(int index) {
        return switch (index) {
            case 0 -> alpha;
            default -> throw new IndexOutOfBoundsException(index);
        };
    }
}

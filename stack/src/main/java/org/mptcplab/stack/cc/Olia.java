package org.mptcplab.stack.cc;

import java.util.List;

/**
 * OLIA, the Opportunistic Linked Increases Algorithm (Khalili, Gast, Popovic, Le Boudec, "MPTCP
 * is not Pareto-optimal: performance issues and a possible solution", IEEE/ACM ToN 2013, section
 * V; draft-khalili-mptcp-congestion-control section 3), windows in bytes.
 *
 * <p>Definitions (paper V-A / draft 3): l1_r is the number of bytes acknowledged on path r between
 * its last two losses, l2_r those since its last loss, l_r = max(l1_r, l2_r). The presumed best
 * paths B are those maximising l_r / rtt_r^2 (a Reno path's rate goes as sqrt(l_r) / rtt_r); M are
 * the paths with the largest window; P is the set of active paths. For each ACK on r, in packets,
 * w_r += (w_r / rtt_r^2) / (sum_p w_p / rtt_p)^2 + alpha_r / w_r with alpha_r = 1 / (|P| |B\M|) for
 * r in B\M, -1 / (|P| |M|) for r in M if B\M is non-empty, 0 otherwise. In bytes both terms are
 * multiplied by bytes_acked * MSS. Losses halve w_r as TCP does.
 */
public final class Olia extends Coupled {
    /** Bytes acknowledged between the last two losses (l1) and since the last loss (l2). */
    private long l1;
    private long l2;
    private double alpha;
    private boolean inB;
    private boolean inM;

    public Olia(int mss, Coupling coupling) {
        super(mss, coupling);
    }

    @Override
    public String name() {
        return "olia";
    }

    /** l_r = max(l1_r, l2_r), in bytes. */
    public long interLossBytes() {
        return Math.max(l1, l2);
    }

    /** For tests and a switch-over: sets l1 and l2. */
    public void setInterLoss(long betweenLastTwoLosses, long sinceLastLoss) {
        l1 = betweenLastTwoLosses;
        l2 = sinceLastLoss;
    }

    public double alpha() {
        return alpha;
    }

    public boolean inBestPaths() {
        return inB;
    }

    public boolean inMaxWindowPaths() {
        return inM;
    }

    private static long interLossOf(SubflowView v) {
        return v.congestionControl() instanceof Olia o ? o.interLossBytes() : 0;
    }

    private static double bestMetric(long l, double rtt) {
        return l / (rtt * rtt);
    }

    /** The increase in bytes OLIA gives an ACK of {@code bytesAcked} now; sets alpha_r, B and M membership. */
    public double increaseFor(long bytesAcked) {
        if (!selfActive()) {
            alpha = 0;
            inB = inM = true;
            return renoIncrease(bytesAcked);
        }
        int paths = 0;
        double maxCwnd = 0;
        double best = -1;
        double sumRate = 0;
        for (int i = 0, n = coupling.size(); i < n; i++) {
            SubflowView v = coupling.subflow(i);
            if (!v.activeForCoupling()) {
                continue;
            }
            double w = cwndOf(v);
            double r = rttOf(v);
            paths++;
            maxCwnd = Math.max(maxCwnd, w);
            best = Math.max(best, bestMetric(interLossOf(v), r));
            sumRate += w / r;
        }
        int m = 0;
        int bNotM = 0;
        for (int i = 0, n = coupling.size(); i < n; i++) {
            SubflowView v = coupling.subflow(i);
            if (!v.activeForCoupling()) {
                continue;
            }
            if (cwndOf(v) == maxCwnd) {
                m++;
            } else if (bestMetric(interLossOf(v), rttOf(v)) == best) {
                bNotM++;
            }
        }
        SubflowView self = coupling.self();
        double rtt = rttOf(self);
        inM = cwnd == maxCwnd;
        inB = bestMetric(interLossBytes(), rtt) == best;
        if (inB && !inM) {
            alpha = 1.0 / (paths * bNotM);
        } else if (inM && bNotM > 0) {
            alpha = -1.0 / (paths * m);
        } else {
            alpha = 0;
        }
        double w = cwnd;
        double perAck = (w / (rtt * rtt)) / (sumRate * sumRate) + alpha / w;
        return perAck * bytesAcked * mss;
    }

    @Override
    public void onAck(long nowNanos, long bytesAcked, long srttNanos, long bytesInFlight) {
        l2 += bytesAcked;
        super.onAck(nowNanos, bytesAcked, srttNanos, bytesInFlight);
    }

    @Override
    protected void increaseAvoidance(long nowNanos, long bytesAcked, long srttNanos) {
        grow(increaseFor(bytesAcked));
    }

    private void loss() {
        l1 = l2;
        l2 = 0;
    }

    @Override
    public void onFastRetransmit(long bytesInFlight) {
        loss();
        super.onFastRetransmit(bytesInFlight);
    }

    @Override
    public void onTimeout(long bytesInFlight) {
        loss();
        super.onTimeout(bytesInFlight);
    }

    private static final List<String> NAMES = List.of("alpha", "inB", "inM", "interLossBytes");

    @Override
    public List<String> variableNames() {
        return NAMES;
    }

    @Override
    public double variable(int index) {
        return switch (index) {
            case 0 -> alpha;
            case 1 -> inB ? 1.0 : 0.0;
            case 2 -> inM ? 1.0 : 0.0;
            case 3 -> (double) interLossBytes();
            default -> throw new IndexOutOfBoundsException(index);
        };
    }
}

package org.mptcplab.stack.cc;

import java.util.List;

/**
 * LIA, the Linked Increases Algorithm (RFC 6356), windows in bytes.
 *
 * <p>RFC 6356 section 3, for each ACK on subflow i in congestion avoidance, in bytes:
 * cwnd_i += min(alpha * bytes_acked * MSS_i / cwnd_total, bytes_acked * MSS_i / cwnd_i), with
 * alpha = cwnd_total * max_i(cwnd_i / rtt_i^2) / (sum_i cwnd_i / rtt_i)^2 (section 4). The second
 * term caps the increase at what a single TCP would take on that path (goal 2 of section 2).
 * Decrease, slow start and recovery are as in TCP, per subflow (section 3).
 */
public final class Lia extends Coupled {
    private double alpha = 1;

    public Lia(int mss, Coupling coupling) {
        super(mss, coupling);
    }

    @Override
    public String name() {
        return "lia";
    }

    /** The last alpha computed (1 when uncoupled). */
    public double alpha() {
        return alpha;
    }

    /** RFC 6356 section 4: alpha over the active subflows; also sets {@link #alpha()}. Returns cwnd_total, or 0 when uncoupled. */
    double computeAlpha() {
        if (!selfActive()) {
            alpha = 1;
            return 0;
        }
        double total = 0;
        double best = 0;
        double sumRate = 0;
        for (int i = 0, n = coupling.size(); i < n; i++) {
            SubflowView v = coupling.subflow(i);
            if (!v.activeForCoupling()) {
                continue;
            }
            double w = cwndOf(v);
            double r = rttOf(v);
            total += w;
            best = Math.max(best, w / (r * r));
            sumRate += w / r;
        }
        if (sumRate <= 0) {
            alpha = 1;
            return 0;
        }
        alpha = total * best / (sumRate * sumRate);
        return total;
    }

    /** The increase in bytes LIA gives an ACK of {@code bytesAcked} in the current state. */
    public double increaseFor(long bytesAcked) {
        double total = computeAlpha();
        double reno = renoIncrease(bytesAcked);
        if (total <= 0) {
            return reno;
        }
        return Math.min(alpha * bytesAcked * mss / total, reno);
    }

    @Override
    protected void increaseAvoidance(long nowNanos, long bytesAcked, long srttNanos) {
        grow(increaseFor(bytesAcked));
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

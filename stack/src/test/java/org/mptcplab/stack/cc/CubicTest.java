package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CubicTest {
    static final long S = 1_000_000_000L;
    static final int MSS = 1000;

    /** A Cubic at 100 segments that just lost: W_max = 100, cwnd = 70 (beta 0.7). */
    static Cubic afterLoss() {
        Cubic c = new Cubic(MSS, false, true);
        c.setWindows(100_000, 100_000);
        c.onFastRetransmit(100_000);
        c.onRecoveryExit();
        return c;
    }

    /** Acknowledges one window in one-MSS ACKs at {@code now}. */
    static void round(Cubic c, long now, long rtt) {
        long w = c.cwnd();
        for (long acked = 0; acked < w; acked += MSS) {
            c.onAck(now, MSS, rtt, w);
        }
    }

    @Test
    void reductionAndK() {
        Cubic c = afterLoss();
        assertThat(c.cwnd()).isEqualTo(70_000);
        assertThat(c.ssthresh()).isEqualTo(70_000);
        assertThat(c.wMaxSegments()).isCloseTo(100, within(1e-12));
        c.onAck(S, MSS, 100_000_000L, 70_000); // the epoch starts
        // K = cbrt((W_max - cwnd_epoch) / C) = cbrt(30 / 0.4) = cbrt(75) = 4.2172 s.
        assertThat(c.kSeconds()).isCloseTo(4.217163, within(1e-6));
        assertThat(c.variables()).containsEntry("wMaxBytes", 100_000.0).containsKey("kSeconds");
        // W(t) = 0.4 (t - K)^3 + 100: W(0) = 70, W(K) = 100, W(K+1) = 100.4, W(K+2) = 103.2,
        // W(1) = 100 - 0.4 * 3.2172^3 = 86.680.
        assertThat(c.wCubic(0)).isCloseTo(70, within(1e-9));
        assertThat(c.wCubic(4.217163)).isCloseTo(100, within(1e-5));
        assertThat(c.wCubic(c.kSeconds() + 1)).isCloseTo(100.4, within(1e-9));
        assertThat(c.wCubic(c.kSeconds() + 2)).isCloseTo(103.2, within(1e-9));
        assertThat(c.wCubic(1)).isCloseTo(100 - 0.4 * Math.pow(4.217163 - 1, 3), within(1e-4));
    }

    /**
     * Driven by ACKs over a 200 ms RTT, cwnd follows W(t): concave up to W_max at K, then convex.
     * (At 200 ms Reno's estimate stays below: 70 + 0.529 * 36 rounds = 89 segments at K + 3.)
     */
    @Test
    void windowFollowsTheCubicCurve() {
        Cubic c = afterLoss();
        long rtt = 200_000_000L;
        long start = S;
        long now = start;
        double k = Math.cbrt(75);
        double atOne = 0;
        double atK = 0;
        double atK2 = 0;
        while (now - start <= (long) ((k + 3.05) * S)) {
            round(c, now, rtt);
            double t = (now - start) / 1e9;
            double w = (double) c.cwnd() / MSS;
            if (Math.abs(t - 1) < 0.05) {
                atOne = w;
            }
            if (Math.abs(t - 4.2) < 0.05) {
                atK = w;
            }
            if (Math.abs(t - 7.2) < 0.05) {
                atK2 = w;
            }
            now += rtt;
        }
        // After the round at t, cwnd is near W(t + RTT) (RFC 9438 4.4 target).
        assertThat(atOne).isCloseTo(0.4 * Math.pow(1.2 - k, 3) + 100, within(1.5));
        assertThat(atK).isCloseTo(0.4 * Math.pow(4.4 - k, 3) + 100, within(1.5));
        assertThat(atK2).isCloseTo(0.4 * Math.pow(7.4 - k, 3) + 100, within(1.5));
        assertThat(c.variables()).containsEntry("renoFriendly", 0.0);
        assertThat(atK).isBetween(99.0, 101.5); // the plateau at W_max
    }

    /** Fast convergence (RFC 9438 4.7): a loss below W_max sets W_max = cwnd (1 + beta) / 2. */
    @Test
    void fastConvergence() {
        Cubic c = afterLoss();
        c.setWindows(90_000, 70_000);
        c.onFastRetransmit(90_000);
        assertThat(c.wMaxSegments()).isCloseTo(90 * 0.85, within(1e-9));
        assertThat(c.cwnd()).isEqualTo(63_000);
        Cubic slow = new Cubic(MSS, false, false);
        slow.setWindows(100_000, 100_000);
        slow.onFastRetransmit(100_000);
        slow.setWindows(90_000, 70_000);
        slow.onFastRetransmit(90_000);
        assertThat(slow.wMaxSegments()).isCloseTo(90, within(1e-9));
    }

    /**
     * The Reno-friendly region (RFC 9438 4.3): on a 1 ms RTT the cubic curve barely moves in 0.2 s
     * while Reno's estimate W_est gains alpha_cubic = 0.529 segments a round up to W_max and one a
     * round after; cwnd is W_est.
     */
    @Test
    void renoFriendlyRegion() {
        Cubic c = afterLoss();
        long rtt = 1_000_000L;
        long now = S;
        for (int i = 0; i < 200; i++) {
            round(c, now, rtt);
            now += rtt;
        }
        double t = (now - rtt - S) / 1e9;
        assertThat(c.variables()).containsEntry("renoFriendly", 1.0);
        assertThat((double) c.cwnd() / MSS).isCloseTo(c.wEstSegments(), within(1.0));
        assertThat((double) c.cwnd() / MSS).isGreaterThan(c.wCubic(t) + 50);
        // 30 segments at 0.529 a round take ~57 rounds; the remaining ~143 add one each.
        assertThat(c.wEstSegments()).isBetween(235.0, 250.0);
    }

    /** Slow start is NewReno's, and a timeout drops to one segment with ssthresh = 0.7 flight. */
    @Test
    void slowStartAndTimeout() {
        Cubic c = new Cubic(MSS);
        assertThat(c.cwnd()).isEqualTo(10_000);
        c.onAck(0, 2000, 10_000_000L, 10_000);
        assertThat(c.cwnd()).isEqualTo(12_000);
        c.onTimeout(12_000);
        assertThat(c.cwnd()).isEqualTo(MSS);
        assertThat(c.ssthresh()).isEqualTo(8_400);
        assertThat(c.wMaxSegments()).isCloseTo(12, within(1e-9));
    }
}

package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6356 section 2's goals on seeded random states: a multipath flow should not take more than a
 * single TCP would on the best of its paths. Measured as the growth rate of the aggregate sending
 * rate: an ACK of one MSS on path r adds inc_r bytes to w_r, path r sees w_r / (MSS rtt_r) such
 * ACKs a second, and its rate w_r / rtt_r so grows by inc_r w_r / (MSS rtt_r^2) per second; Reno
 * alone on path r grows its rate by MSS / rtt_r^2 per second (one MSS per RTT). The sum over the
 * paths must not exceed the best path's Reno figure.
 */
class CoupledBoundsTest {
    static final int MSS = 1000;

    static FakeConnection randomState(String algorithm, SplittableRandom rnd) {
        FakeConnection c = new FakeConnection(algorithm, MSS);
        int n = 2 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            c.add((2 + rnd.nextInt(500)) * (long) MSS, 1 + rnd.nextInt(300));
            if (c.views.get(i).cc instanceof Olia o) {
                o.setInterLoss(rnd.nextInt(10_000_000), rnd.nextInt(10_000_000));
            }
        }
        return c;
    }

    static double increase(CongestionControl cc) {
        if (cc instanceof Lia l) {
            return l.increaseFor(MSS);
        } else if (cc instanceof Olia o) {
            return o.increaseFor(MSS);
        }
        return ((Balia) cc).increaseFor(MSS);
    }

    /**
     * Aggregate rate growth against Reno on the best path (bytes per second per second, RTTs in
     * seconds). LIA keeps it in every state. OLIA keeps it where its alpha_r are all 0 (B\M empty):
     * its alpha term moves growth onto the presumed best paths on purpose and may then exceed it
     * (e.g. a 1 ms path in B\M with alpha 1/2 grows 1.34 times Reno's rate there).
     */
    @ParameterizedTest
    @ValueSource(strings = {"lia", "olia"})
    void aggregateGrowthNeverExceedsRenoOnTheBestPath(String algorithm) {
        SplittableRandom rnd = new SplittableRandom(6356);
        int checked = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            FakeConnection c = randomState(algorithm, rnd);
            if (algorithm.equals("olia")) {
                boolean allZero = true;
                for (FakeConnection.View v : c.views) {
                    ((Olia) v.cc).increaseFor(MSS);
                    allZero &= ((Olia) v.cc).alpha() == 0;
                }
                if (!allZero) {
                    continue;
                }
            }
            checked++;
            double total = 0;
            double best = 0;
            StringBuilder state = new StringBuilder();
            for (FakeConnection.View v : c.views) {
                state.append(String.format(" [cwnd %d rtt %d ms inc %.3f %s]", v.cc.cwnd(), v.rttNanos / 1_000_000,
                        increase(v.cc), v.cc.variables()));
                double rtt = v.rttNanos / 1e9;
                total += increase(v.cc) * v.cc.cwnd() / (MSS * rtt * rtt);
                best = Math.max(best, MSS / (rtt * rtt));
            }
            assertThat(total).as("trial %d:%s", trial, state).isLessThanOrEqualTo(best * (1 + 1e-9));
        }
        assertThat(checked).isGreaterThan(1000);
    }

    /** Per ACK, no subflow grows faster than Reno would on that same path (RFC 6356 3's cap; BALIA's eq. 16 keeps it too). */
    @ParameterizedTest
    @ValueSource(strings = {"lia", "balia"})
    void perAckIncreaseNeverExceedsRenoOnThatPath(String algorithm) {
        SplittableRandom rnd = new SplittableRandom(6356);
        for (int trial = 0; trial < 20_000; trial++) {
            FakeConnection c = randomState(algorithm, rnd);
            for (FakeConnection.View v : c.views) {
                double reno = (double) MSS * MSS / v.cc.cwnd();
                assertThat(increase(v.cc)).as("trial %d", trial).isLessThanOrEqualTo(reno * (1 + 1e-9)).isPositive();
            }
        }
    }
}

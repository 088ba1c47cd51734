package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the window charts of each controller: its congestion-avoidance increase per round trip in
 * segments (one TCP: 1), and its internals by index, on hand-built states.
 */
class IncreasePerRttTest {
    static final long MS = 1_000_000L;

    @Test
    void renoAndNewRenoGrowOneSegmentPerRttUncoupled() {
        for (String n : List.of("newreno", "reno")) {
            CongestionControl c = CongestionControls.create(n, 1000, null);
            assertThat(c.name()).isEqualTo(n);
            assertThat(c.coupled()).isFalse();
            assertThat(c.increasePerRtt()).isEqualTo(1.0);
            assertThat(c.variableNames()).isEmpty();
            assertThat(c.variables()).isEmpty();
        }
    }

    /**
     * LIA, two like subflows (cwnd 20000, RTT 10 ms): alpha = 40000 * (20000/100) / (2 * 20000/10)^2
     * = 1/2, and each gets alpha * 20000 / 40000 = 1/4 segment per RTT: together 1/2 = alpha, half a
     * TCP's increase (with windows equal, they together take as much as one TCP on the shared path).
     */
    @Test
    void liaSharesOneTcpsIncreaseAndTheSharesAddUpToAlpha() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(20_000, 10);
        c.add(20_000, 10);
        Lia a = c.cc(0, Lia.class);
        Lia b = c.cc(1, Lia.class);
        assertThat(a.coupled()).isTrue();
        assertThat(a.increasePerRtt()).isCloseTo(0.25, within(1e-12));
        assertThat(a.increasePerRtt() + b.increasePerRtt()).isCloseTo(a.alpha(), within(1e-12));
        assertThat(a.variableNames()).containsExactly("alpha");
        assertThat(a.variable(0)).isCloseTo(0.5, within(1e-12));
        // The Reno cap (LiaTest): subflow 1 at cwnd 1e6, 100 ms takes one TCP's increase, no more.
        FakeConnection d = new FakeConnection("lia", 1000);
        d.add(1_000_000, 100);
        d.add(10_000, 1);
        assertThat(d.cc(0, Lia.class).increasePerRtt()).isCloseTo(1.0, within(1e-9));
        assertThat(d.cc(1, Lia.class).increasePerRtt()).isCloseTo(25.0 * 10_000 / 1e6, within(1e-9));
    }

    @Test
    void theIncreaseIsComputedFromTheWindowsNowNotAtTheLastAck() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(20_000, 10);
        FakeConnection.View other = c.add(20_000, 10);
        Lia a = c.cc(0, Lia.class);
        assertThat(a.increasePerRtt()).isCloseTo(0.25, within(1e-12));
        other.active = false; // the sibling became a backup: alone, LIA is Reno
        assertThat(a.increasePerRtt()).isEqualTo(1.0);
        assertThat(a.variable(0)).isEqualTo(1.0);
    }

    /**
     * OLIA (OliaTest's state): alpha_r is the second term of the increase per RTT, and over the
     * subflows the alpha_r sum to zero.
     */
    @Test
    void oliaIncreaseIsItsCoupledTermPlusAlphaR() {
        FakeConnection c = new FakeConnection("olia", 1000);
        c.add(30_000, 10);
        c.add(10_000, 10);
        Olia big = c.cc(0, Olia.class);
        Olia small = c.cc(1, Olia.class);
        big.setInterLoss(1_000, 0);
        small.setInterLoss(9_000, 0);
        // w^2/rtt^2 / (sum w/rtt)^2: 9/16 and 1/16; the small one is in B\M (alpha 1/2), the big in M (-1/2).
        assertThat(big.increasePerRtt()).isCloseTo(9.0 / 16 - 0.5, within(1e-12));
        assertThat(small.increasePerRtt()).isCloseTo(1.0 / 16 + 0.5, within(1e-12));
        assertThat(big.variable(0) + small.variable(0)).isCloseTo(0, within(1e-12));
        assertThat(small.variableNames()).containsExactly("alpha", "inB", "inM", "interLossBytes");
        assertThat(small.variables()).containsEntry("inB", 1.0).containsEntry("inM", 0.0).containsEntry("interLossBytes", 9_000.0);
    }

    /** BALIA, two like subflows: alpha_r = 1, each (1/2)^2 * 1 * 1 = 1/4 segment per RTT. */
    @Test
    void baliaIncreaseAtEqualRates() {
        FakeConnection c = new FakeConnection("balia", 1000);
        c.add(20_000, 10);
        c.add(20_000, 10);
        Balia a = c.cc(0, Balia.class);
        assertThat(a.increasePerRtt()).isCloseTo(0.25, within(1e-12));
        assertThat(a.variable(0)).isCloseTo(1.0, within(1e-12));
    }

    /** CUBIC: uncoupled; concave below W_max (growth toward it within the RTT), Reno-friendly where that is faster. */
    @Test
    void cubicGrowsTowardItsPlateauAndSaysWMax() {
        Cubic c = CubicTest.afterLoss(); // W_max 100 segments, cwnd 70
        assertThat(c.coupled()).isFalse();
        long s = 1_000_000_000L;
        c.onAck(s, 1000, 100 * MS, 70_000); // the epoch starts at t = 0, K = cbrt(75)
        // At t = 0, W(0) = 70 is below Reno's estimate: the Reno-friendly region, alpha_cubic per RTT.
        assertThat(c.increasePerRtt()).isCloseTo(Cubic.ALPHA, within(1e-12));
        c.onAck(2 * s, 1000, 100 * MS, 70_000); // t = 1 s: W(1) = 86.7, the concave region
        double k = Math.cbrt(75);
        // One RTT on: W(1.1) - cwnd.
        double expected = 0.4 * Math.pow(1.1 - k, 3) + 100 - c.cwnd() / 1000.0;
        assertThat(c.increasePerRtt()).isCloseTo(expected, within(1e-9)).isGreaterThan(10);
        assertThat(c.variableNames().get(0)).isEqualTo("wMaxBytes");
        assertThat(c.variable(0)).isEqualTo(100_000.0);
        assertThat(c.variable(1)).isCloseTo(k, within(1e-9));
    }

    @Test
    void indexesOutsideTheNamesAreRefused() {
        for (String n : CongestionControls.NAMES) {
            FakeConnection f = new FakeConnection(n, 1000);
            f.add(20_000, 10);
            CongestionControl c = f.views.get(0).cc;
            int size = c.variableNames().size();
            for (int i = 0; i < size; i++) {
                assertThat(c.variable(i)).as(n + " " + c.variableNames().get(i)).isNotNaN();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.variable(size))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}

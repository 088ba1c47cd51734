package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OliaTest {
    /**
     * Three paths, MSS 1000 (ms for RTTs):
     * A: cwnd 30000, RTT 10, l = 100000 -> l/rtt^2 = 1000;
     * B: cwnd 50000, RTT 20, l = 400000 -> 1000;
     * C: cwnd 50000, RTT 40, l = 100000 -> 62.5.
     * B (best paths) = {A, B}; M (largest windows) = {B, C}; B\M = {A}; |P| = 3.
     * alpha_A = 1/(3*1) = 1/3; alpha_B = alpha_C = -1/(3*2) = -1/6.
     */
    static FakeConnection threePaths() {
        FakeConnection c = new FakeConnection("olia", 1000);
        c.add(30_000, 10);
        c.add(50_000, 20);
        c.add(50_000, 40);
        c.cc(0, Olia.class).setInterLoss(100_000, 20_000);
        c.cc(1, Olia.class).setInterLoss(0, 400_000);
        c.cc(2, Olia.class).setInterLoss(100_000, 0);
        return c;
    }

    @Test
    void setsAndAlphas() {
        FakeConnection c = threePaths();
        Olia a = c.cc(0, Olia.class);
        Olia b = c.cc(1, Olia.class);
        Olia cc = c.cc(2, Olia.class);
        a.increaseFor(1000);
        b.increaseFor(1000);
        cc.increaseFor(1000);
        assertThat(new boolean[] {a.inBestPaths(), b.inBestPaths(), cc.inBestPaths()}).containsExactly(true, true, false);
        assertThat(new boolean[] {a.inMaxWindowPaths(), b.inMaxWindowPaths(), cc.inMaxWindowPaths()})
                .containsExactly(false, true, true);
        assertThat(a.alpha()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(b.alpha()).isCloseTo(-1.0 / 6, within(1e-12));
        assertThat(cc.alpha()).isCloseTo(-1.0 / 6, within(1e-12));
        assertThat(a.variables()).containsEntry("inB", 1.0).containsEntry("inM", 0.0).containsEntry("alpha", 1.0 / 3);
    }

    /**
     * The increase per ACK of 1000 bytes on A: sum cwnd/rtt = 3000 + 2500 + 1250 = 6750 (per ms);
     * (w_A/rtt_A^2)/6750^2 = 300/6750^2; alpha_A/w_A = (1/3)/30000; times 1000 * MSS.
     */
    @Test
    void increaseFollowsThePaper() {
        FakeConnection c = threePaths();
        double sum2 = 6750.0 * 6750.0;
        assertThat(c.cc(0, Olia.class).increaseFor(1000)).isCloseTo((300 / sum2 + 1.0 / 3 / 30_000) * 1e6, within(1e-9));
        assertThat(c.cc(1, Olia.class).increaseFor(1000)).isCloseTo((125 / sum2 - 1.0 / 6 / 50_000) * 1e6, within(1e-9));
        assertThat(c.cc(2, Olia.class).increaseFor(1000))
                .isCloseTo((50_000.0 / 1600 / sum2 - 1.0 / 6 / 50_000) * 1e6, within(1e-9));
    }

    /** When every best path has a largest window, B\M is empty and all alphas are 0. */
    @Test
    void noBestPathOutsideMMeansZeroAlpha() {
        FakeConnection c = new FakeConnection("olia", 1000);
        c.add(30_000, 10);
        c.add(50_000, 10);
        c.cc(0, Olia.class).setInterLoss(0, 10_000);
        c.cc(1, Olia.class).setInterLoss(0, 90_000);
        Olia a = c.cc(0, Olia.class);
        Olia b = c.cc(1, Olia.class);
        // sum cwnd/rtt = 3000 + 5000 = 8000; A: 300 / 8000^2 per byte, no alpha term.
        assertThat(a.increaseFor(1000)).isCloseTo(300 / 64e6 * 1e6, within(1e-9));
        assertThat(a.alpha()).isZero();
        assertThat(a.inBestPaths()).isFalse();
        b.increaseFor(1000);
        assertThat(b.alpha()).isZero();
        assertThat(b.inBestPaths()).isTrue();
        assertThat(b.inMaxWindowPaths()).isTrue();
    }

    /** l1 and l2 follow the losses: bytes since the last loss become those between the last two. */
    @Test
    void interLossDistanceTracksLosses() {
        FakeConnection c = new FakeConnection("olia", 1000);
        c.add(20_000, 10);
        Olia o = c.cc(0, Olia.class);
        for (int i = 0; i < 30; i++) {
            o.onAck(0, 1000, 10 * FakeConnection.MS, 20_000);
        }
        assertThat(o.interLossBytes()).isEqualTo(30_000);
        o.onFastRetransmit(20_000);
        o.onRecoveryExit();
        for (int i = 0; i < 5; i++) {
            o.onAck(0, 1000, 10 * FakeConnection.MS, 10_000);
        }
        assertThat(o.interLossBytes()).isEqualTo(30_000); // max(l1 = 30000, l2 = 5000)
        o.onTimeout(10_000);
        assertThat(o.interLossBytes()).isEqualTo(5_000);
        // Loss halves the window as TCP does.
        assertThat(o.ssthresh()).isEqualTo(5_000);
    }
}

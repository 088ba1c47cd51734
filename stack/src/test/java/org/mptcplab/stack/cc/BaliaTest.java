package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BaliaTest {
    /**
     * MSS 1000, RTTs in ms: A cwnd 20000, RTT 10 -> x_A = 2000; B cwnd 60000, RTT 20 -> x_B = 3000.
     * alpha_A = 3000/2000 = 1.5, alpha_B = 1; sum x = 5000.
     */
    static FakeConnection twoPaths() {
        FakeConnection c = new FakeConnection("balia", 1000);
        c.add(20_000, 10);
        c.add(60_000, 20);
        return c;
    }

    /**
     * Per ACK of 1000 bytes (times 1000 * MSS): A: 2000/(10 * 5000^2) * (2.5/2) * (5.5/5) =
     * 8e-6 * 1.375 = 1.1e-5 -> 11 bytes; B: 3000/(20 * 5000^2) * 1 * 1 = 6e-6 -> 6 bytes.
     */
    @Test
    void increase() {
        FakeConnection c = twoPaths();
        Balia a = c.cc(0, Balia.class);
        Balia b = c.cc(1, Balia.class);
        assertThat(a.increaseFor(1000)).isCloseTo(11.0, within(1e-9));
        assertThat(a.alpha()).isCloseTo(1.5, within(1e-12));
        assertThat(b.increaseFor(1000)).isCloseTo(6.0, within(1e-9));
        assertThat(b.alpha()).isCloseTo(1.0, within(1e-12));
        assertThat(a.variables()).containsEntry("alpha", 1.5);
    }

    /** Decrease: A 20000 - 20000/2 * min(1.5, 1.5) = 5000; B 60000 - 60000/2 * 1 = 30000. */
    @Test
    void decrease() {
        FakeConnection c = twoPaths();
        Balia a = c.cc(0, Balia.class);
        Balia b = c.cc(1, Balia.class);
        b.onFastRetransmit(60_000);
        assertThat(b.cwnd()).isEqualTo(30_000);
        assertThat(b.ssthresh()).isEqualTo(30_000);
        // Now x_B = 1500 < x_A = 2000: alpha_A = 1, A halves.
        FakeConnection c2 = twoPaths();
        c2.cc(0, Balia.class).onFastRetransmit(20_000);
        assertThat(c2.cc(0, Balia.class).cwnd()).isEqualTo(5_000);
        a.onTimeout(20_000);
        assertThat(a.cwnd()).isEqualTo(1000);
        assertThat(a.ssthresh()).isEqualTo(10_000); // A now has the largest x: alpha_A = 1, halved
    }

    /** alpha above 1.5 is capped in the decrease: cwnd 10000, RTT 10 -> x = 1000, alpha 3: 10000 - 5000 * 1.5. */
    @Test
    void decreaseCapsAlphaAtOneAndAHalf() {
        FakeConnection c = new FakeConnection("balia", 1000);
        c.add(10_000, 10);
        c.add(60_000, 20);
        Balia a = c.cc(0, Balia.class);
        assertThat(a.windowAfterLoss()).isEqualTo(2_500);
        assertThat(a.alpha()).isCloseTo(3.0, within(1e-12));
    }
}

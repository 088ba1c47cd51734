package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LiaTest {
    /**
     * RFC 6356 section 4 by hand, MSS 1000: subflow 1 has cwnd 20000 and RTT 10 ms, subflow 2 cwnd
     * 40000 and RTT 40 ms. In ms: cwnd/rtt^2 = 200 and 25 (max 200); sum cwnd/rtt = 2000 + 1000 =
     * 3000; cwnd_total = 60000; alpha = 60000 * 200 / 3000^2 = 4/3.
     */
    @Test
    void alphaAndIncreaseForTwoSubflows() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(20_000, 10);
        c.add(40_000, 40);
        Lia a = c.cc(0, Lia.class);
        Lia b = c.cc(1, Lia.class);
        // Coupled term: alpha * 1000 * 1000 / 60000 = 22.22 bytes; subflow 1's Reno cap is
        // 1000 * 1000 / 20000 = 50 and subflow 2's 25, so the coupled term applies to both.
        assertThat(a.increaseFor(1000)).isCloseTo(4.0 / 3 * 1e6 / 60_000, within(1e-9));
        assertThat(a.alpha()).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(b.increaseFor(1000)).isCloseTo(4.0 / 3 * 1e6 / 60_000, within(1e-9));
        assertThat(b.variables()).containsEntry("alpha", b.alpha());
    }

    /**
     * The Reno cap: subflow 1 has cwnd 1e6 and RTT 100 ms, subflow 2 cwnd 1e4 and RTT 1 ms. In ms:
     * cwnd/rtt^2 = 100 and 10000 (max 10000); sum cwnd/rtt = 10000 + 10000; alpha = 1.01e6 * 1e4 /
     * 2e4^2 = 25.25. Coupled term 25.25 * 1e6 / 1.01e6 = 25 bytes; Reno's on subflow 1 is
     * 1e6 / 1e6 = 1 byte, which applies; on subflow 2 Reno's is 100 and the coupled 25 applies.
     */
    @Test
    void increaseIsCappedAtRenoOnThatSubflow() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(1_000_000, 100);
        c.add(10_000, 1);
        assertThat(c.cc(0, Lia.class).increaseFor(1000)).isCloseTo(1.0, within(1e-9));
        assertThat(c.cc(0, Lia.class).alpha()).isCloseTo(25.25, within(1e-9));
        assertThat(c.cc(1, Lia.class).increaseFor(1000)).isCloseTo(25.0, within(1e-9));
    }

    /** A single subflow, or one whose siblings are inactive (backup), grows exactly as Reno. */
    @Test
    void aloneItIsReno() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(50_000, 20);
        c.add(80_000, 5).active = false;
        Lia a = c.cc(0, Lia.class);
        assertThat(a.increaseFor(1000)).isCloseTo(1e6 / 50_000, within(1e-9));
        assertThat(a.alpha()).isCloseTo(1, within(1e-12));
        // Over one window of ACKs of one MSS each it gains about one MSS (RFC 5681 3.1).
        for (int i = 0; i < 50; i++) {
            a.onAck(0, 1000, 20 * FakeConnection.MS, 50_000);
        }
        assertThat(a.cwnd()).isBetween(50_900L, 51_000L);
    }

    /** The same ACKs grow the window as the formula says (the fraction is carried, not lost). */
    @Test
    void onAckAppliesTheIncrease() {
        FakeConnection c = new FakeConnection("lia", 1000);
        c.add(20_000, 10);
        c.add(40_000, 40);
        Lia a = c.cc(0, Lia.class);
        for (int i = 0; i < 9; i++) {
            a.onAck(0, 1000, 10 * FakeConnection.MS, 20_000);
        }
        // Nine increases of about 22.2 bytes (alpha changes a little as cwnd grows): 199 or 200.
        assertThat(a.cwnd() - 20_000).isBetween(195L, 200L);
    }
}

package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Slow start, HyStart's delay-increase exit, congestion avoidance and the reactions to loss. */
class NewRenoTest {
    static final int MSS = 1428;
    static final long MS = 1_000_000L;

    /**
     * Plays rounds of slow start: each round acknowledges one window in ACKs of two segments,
     * each with the given RTT, the segments having been sent during the previous round.
     */
    static void round(NewReno cc, long[] clock, long rtt) {
        long roundStart = clock[0];
        long window = cc.cwnd();
        for (long acked = 0; acked < window && cc.cwnd() < cc.ssthresh(); acked += 2 * MSS) {
            clock[0] += 100_000;
            // sent after the previous round began, acknowledged now
            cc.onRttSample(clock[0], rtt, roundStart + 1);
            cc.onAck(clock[0], 2L * MSS, rtt, window);
        }
        clock[0] += rtt;
    }

    @Test
    void slowStartDoublesPerRoundWhileTheDelayStaysFlat() {
        NewReno cc = new NewReno(MSS);
        long[] t = {0};
        assertThat(cc.cwnd()).isEqualTo(10L * MSS); // RFC 6928
        for (int i = 0; i < 6; i++) {
            round(cc, t, 20 * MS);
        }
        assertThat(cc.cwnd()).isEqualTo(10L * MSS << 6);
        assertThat(cc.hystartExits()).isZero();
        assertThat(cc.ssthresh()).isGreaterThan(cc.cwnd());
    }

    @Test
    void aRiseInDelayOfAnEighthOfTheMinimumEndsSlowStart() {
        NewReno cc = new NewReno(MSS);
        long[] t = {0};
        round(cc, t, 40 * MS);
        round(cc, t, 40 * MS);
        // 40 ms / 8 = 5 ms: a rise of 4 ms is not enough...
        round(cc, t, 44 * MS);
        assertThat(cc.hystartExits()).isZero();
        // ...one of 5 ms is: the queue is building, the window stays where it is.
        round(cc, t, 45 * MS);
        assertThat(cc.hystartExits()).isEqualTo(1);
        long at = cc.cwnd();
        assertThat(cc.ssthresh()).isEqualTo(at);
        // From now on congestion avoidance: one segment per window acknowledged.
        for (long acked = 0; acked < at; acked += MSS) {
            cc.onAck(t[0], MSS, 45 * MS, at);
        }
        assertThat(cc.cwnd()).isEqualTo(at + MSS);
    }

    @Test
    void theThresholdIsClampedToFourAndSixteenMilliseconds() {
        // 10 ms path: an eighth is 1.25 ms, but the rise must reach 4 ms.
        NewReno a = new NewReno(MSS);
        long[] t = {0};
        round(a, t, 10 * MS);
        round(a, t, 10 * MS);
        round(a, t, 13 * MS);
        round(a, t, 13 * MS);
        assertThat(a.hystartExits()).isZero();
        round(a, t, 14 * MS);
        assertThat(a.hystartExits()).isEqualTo(1);
        // 400 ms path: an eighth is 50 ms, but 16 ms suffice.
        NewReno b = new NewReno(MSS);
        long[] u = {0};
        round(b, u, 400 * MS);
        round(b, u, 400 * MS);
        round(b, u, 416 * MS);
        assertThat(b.hystartExits()).isEqualTo(1);
    }

    @Test
    void belowSixteenSegmentsSlowStartIsNotChecked() {
        NewReno cc = new NewReno(MSS);
        // A round of 8 samples at 60 ms on a 20 ms path while the window is still the initial
        // 10 segments: too small a window to judge (Linux's low window).
        cc.onRttSample(1, 20 * MS, 0); // the path's minimum, in a first round
        for (int i = 0; i < 8; i++) {
            cc.onRttSample(100 + i, 60 * MS, 2); // a second round
        }
        assertThat(cc.hystartExits()).isZero();
        // The same round at 16 segments ends slow start.
        NewReno big = new NewReno(MSS);
        for (int i = 0; i < 3; i++) {
            big.onAck(0, 2L * MSS, 20 * MS, 0); // 10 -> 16 segments
        }
        big.onRttSample(1, 20 * MS, 0);
        for (int i = 0; i < 8; i++) {
            big.onRttSample(100 + i, 60 * MS, 2);
        }
        assertThat(big.hystartExits()).isEqualTo(1);
        assertThat(big.ssthresh()).isEqualTo(16L * MSS);
    }

    @Test
    void withoutHystartOnlyALossEndsSlowStart() {
        NewReno cc = new NewReno(MSS, false);
        long[] t = {0};
        round(cc, t, 20 * MS);
        round(cc, t, 20 * MS);
        round(cc, t, 80 * MS);
        round(cc, t, 80 * MS);
        assertThat(cc.hystartExits()).isZero();
        assertThat(cc.cwnd()).isEqualTo(10L * MSS << 4);
        cc.onFastRetransmit(cc.cwnd());
        assertThat(cc.cwnd()).isEqualTo(10L * MSS << 3); // RFC 5681 (4): half the flight
        assertThat(cc.ssthresh()).isEqualTo(cc.cwnd());
        cc.onTimeout(cc.cwnd());
        assertThat(cc.cwnd()).isEqualTo(MSS); // RFC 5681 3.1: the loss window
    }
}

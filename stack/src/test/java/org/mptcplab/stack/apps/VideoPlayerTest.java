package org.mptcplab.stack.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.VideoPlayer.State;

/**
 * The playback model with hand-fed arrivals. At 8 Mbit/s one byte is exactly 1 us of video, so
 * every figure below can be worked out by hand: 1,000,000 bytes are one second.
 */
class VideoPlayerTest {
    private static final long MS = 1_000_000L;
    private static final long BITRATE = 8_000_000L;

    @Test
    void startsAtTheTargetDrainsLinearlyStallsAndResumesAtTheRebufferTarget() {
        VideoPlayer p = new VideoPlayer(BITRATE, 1000 * MS, 500 * MS);
        assertThat(p.state(0)).isEqualTo(State.WAITING);
        p.feed(0, 0, false); // connected, nothing yet
        assertThat(p.state(50 * MS)).isEqualTo(State.WAITING);
        p.feed(100 * MS, 500_000, false);
        assertThat(p.state(150 * MS)).isEqualTo(State.STARTING);
        assertThat(p.bufferNanos(150 * MS)).isEqualTo(500 * MS);
        assertThat(p.startupNanos()).isEqualTo(-1);

        p.feed(200 * MS, 1_000_000, false);
        assertThat(p.state(200 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.startupNanos()).isEqualTo(200 * MS);
        // Between arrivals: one second of video per second of time.
        assertThat(p.bufferNanos(700 * MS)).isEqualTo(500 * MS);
        assertThat(p.playedNanos(700 * MS)).isEqualTo(500 * MS);
        assertThat(p.bufferSeconds(450 * MS)).isEqualTo(0.75);

        p.feed(900 * MS, 1_500_000, false);
        assertThat(p.bufferNanos(900 * MS)).isEqualTo(800 * MS);
        // Runs dry at 1.7 s: still playing at that instant (an arrival then would save it), stalled after.
        assertThat(p.state(1700 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.bufferNanos(1700 * MS)).isZero();
        assertThat(p.stalls(1700 * MS)).isZero();
        assertThat(p.state(1800 * MS)).isEqualTo(State.STALLED);
        assertThat(p.stalls(1800 * MS)).isEqualTo(1);
        assertThat(p.stalledNanos(1800 * MS)).isEqualTo(100 * MS);
        assertThat(p.playedNanos(1800 * MS)).isEqualTo(1500 * MS);

        p.feed(2000 * MS, 1_800_000, false); // 0.3 s buffered: below the rebuffer target
        assertThat(p.state(2100 * MS)).isEqualTo(State.STALLED);
        assertThat(p.stalledNanos(2100 * MS)).isEqualTo(400 * MS);
        assertThat(p.bufferNanos(2100 * MS)).isEqualTo(300 * MS);

        p.feed(2200 * MS, 2_300_000, false); // 0.8 s: resumes
        assertThat(p.state(2200 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.stalledNanos(2200 * MS)).isEqualTo(500 * MS);
        assertThat(p.stalledNanos(2500 * MS)).isEqualTo(500 * MS);
        assertThat(p.playedNanos(2500 * MS)).isEqualTo(1800 * MS);

        p.feed(2600 * MS, 2_300_000, true); // end of stream, 0.4 s left
        assertThat(p.state(2999 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.state(3000 * MS)).isEqualTo(State.ENDED);
        assertThat(p.endedAt(3500 * MS)).isEqualTo(3000 * MS);
        assertThat(p.playedNanos(3500 * MS)).isEqualTo(2300 * MS);
        assertThat(p.stalls(3500 * MS)).isEqualTo(1);
        assertThat(p.stalledNanos(3500 * MS)).isEqualTo(500 * MS);

        TrafficReport.VideoReport r = p.report(3500 * MS);
        assertThat(r).isEqualTo(new TrafficReport.VideoReport(BITRATE, 2_300_000, 200.0, 1, 500.0, 2300.0,
                State.ENDED, 0.0, 1000.0, 500.0));
    }

    @Test
    void queriesDoNotChangeTheStateSoAnEarlierArrivalStillCounts() {
        VideoPlayer p = new VideoPlayer(BITRATE, 0, 0);
        p.feed(0, 1_000_000, false); // start target 0: plays at the first byte
        assertThat(p.startupNanos()).isZero();
        // Asked at 1.5 s the buffer has run dry at 1 s...
        assertThat(p.state(1500 * MS)).isEqualTo(State.STALLED);
        assertThat(p.stalledNanos(1500 * MS)).isEqualTo(500 * MS);
        // ...but a query is no input: data that arrived at exactly 1 s (fed later) means no stall.
        p.feed(1000 * MS, 2_000_000, false);
        assertThat(p.stalls(1500 * MS)).isZero();
        assertThat(p.state(1500 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.bufferNanos(1500 * MS)).isEqualTo(500 * MS);
        // Times before the latest input are not kept.
        assertThatThrownBy(() -> p.state(900 * MS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the player's latest input");
    }

    @Test
    void aStallEndsWhenTheStreamEndsBelowTheRebufferTarget() {
        VideoPlayer p = new VideoPlayer(BITRATE);
        p.feed(0, 1_000_000, false);
        assertThat(p.state(0)).isEqualTo(State.PLAYING);
        assertThat(p.state(1200 * MS)).isEqualTo(State.STALLED);
        p.feed(1500 * MS, 1_100_000, true); // 0.1 s more and the end: no point waiting for 1 s
        assertThat(p.state(1500 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.stalledNanos(1500 * MS)).isEqualTo(500 * MS);
        assertThat(p.state(1600 * MS)).isEqualTo(State.ENDED);
        assertThat(p.stalls(2000 * MS)).isEqualTo(1);
        assertThat(p.stalledNanos(2000 * MS)).isEqualTo(500 * MS);
    }

    @Test
    void aStreamShorterThanTheStartTargetPlaysWhenItEnds() {
        VideoPlayer p = new VideoPlayer(BITRATE);
        p.feed(0, 0, false);
        p.feed(50 * MS, 300_000, false);
        assertThat(p.state(100 * MS)).isEqualTo(State.STARTING);
        p.feed(100 * MS, 400_000, true);
        assertThat(p.state(100 * MS)).isEqualTo(State.PLAYING);
        assertThat(p.startupNanos()).isEqualTo(100 * MS);
        assertThat(p.state(500 * MS)).isEqualTo(State.ENDED);
        assertThat(p.stalls(500 * MS)).isZero();
    }

    @Test
    void startupCountsFromBeginAndTheStartupWaitIsNoStall() {
        VideoPlayer p = new VideoPlayer(BITRATE, 500 * MS, 500 * MS);
        p.begin(10 * MS); // play pressed before the connection
        assertThat(p.state(20 * MS)).isEqualTo(State.WAITING);
        p.feed(40 * MS, 0, false); // connected
        p.begin(60 * MS); // ignored: playback has begun
        assertThat(p.beginAt()).isEqualTo(10 * MS);
        p.feed(300 * MS, 600_000, false);
        assertThat(p.startupNanos()).isEqualTo(290 * MS);
        assertThat(p.stalls(400 * MS)).isZero();
        assertThat(p.stalledNanos(400 * MS)).isZero();
    }

    @Test
    void anEmptyStreamEndsWithoutPlaying() {
        VideoPlayer p = new VideoPlayer(BITRATE);
        p.feed(0, 0, false);
        p.feed(100 * MS, 0, true);
        assertThat(p.state(100 * MS)).isEqualTo(State.ENDED);
        assertThat(p.startupNanos()).isEqualTo(-1);
        assertThat(p.report(200 * MS).startupMs()).isEqualTo(-1);
    }

    @Test
    void bitratesThatAreNotWholeBytesPerNanosecondRoundDownExactly() {
        VideoPlayer p = new VideoPlayer(3_000_000L, 0, 0);
        p.feed(0, 375_000, false); // exactly 1 s at 3 Mbit/s
        assertThat(p.bufferNanos(0)).isEqualTo(1000 * MS);
        VideoPlayer q = new VideoPlayer(3_000_000L, 0, 0);
        q.feed(0, 1, false); // 8 bits at 3 Mbit/s: 2666.66 ns, rounded down
        assertThat(q.bufferNanos(0)).isEqualTo(2666);
        // Large counts do not overflow: 10^12 bytes at 8 Mbit/s are 10^6 s.
        VideoPlayer big = new VideoPlayer(BITRATE, 0, 0);
        big.feed(0, 1_000_000_000_000L, false);
        assertThat(big.bufferNanos(0)).isEqualTo(1_000_000L * 1_000_000_000L);
    }
}

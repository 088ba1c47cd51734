package org.mptcplab.stack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.TrafficReport;
import org.mptcplab.stack.apps.VideoPlayer;
import org.mptcplab.stack.apps.VideoSender;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.sim.Scenario.SimulationResult;
import org.mptcplab.stack.sim.Scenario.Traffic;

/** Traffic models in whole headless runs: video over fast, slow and failing paths; request/response. */
class ScenarioTrafficTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static Traffic.Video video(long bitrate, long durationNanos) {
        return new Traffic.Video(bitrate, 250 * MS, durationNanos, 1000 * MS, 1000 * MS);
    }

    private static LinkConfig link(long mbit, long delayMs) {
        return new LinkConfig(mbit * 1_000_000L, delayMs * MS, 0, 0, 0);
    }

    @Test
    void videoOverAFasterPathPlaysWithoutStallsAfterAboutTheStartTarget() throws Exception {
        SimulationResult r = new Scenario().path(link(20, 10)).traffic(video(8_000_000, 10 * S)).seed(3).run();
        TrafficReport.VideoReport v = (TrafficReport.VideoReport) r.traffic();
        assertThat(r.finished()).isTrue();
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.direction()).isEqualTo("download");
        assertThat(r.bytesRequested()).isEqualTo(10_000_000);
        assertThat(r.bytesDelivered()).isEqualTo(10_000_000);
        assertThat(v.bytesReceived()).isEqualTo(10_000_000);
        assertThat(v.stalls()).isZero();
        assertThat(v.stalledMs()).isZero();
        // 1 s of video is four 250 ms chunks, the first handed over at the connect: three chunk
        // intervals, plus the server's half round trip to learn of the connection and a chunk's
        // transmission (100 ms at 20 Mbit/s) and delay.
        assertThat(v.startupMs()).isBetween(750.0, 1000.0);
        assertThat(v.bitrateBps()).isEqualTo(8_000_000);
        // The run ends with the last byte; what was buffered then is still to play.
        assertThat(v.playedMs() + v.bufferMs()).isEqualTo(10_000.0);
        assertThat(v.state()).isEqualTo(VideoPlayer.State.PLAYING);
    }

    @Test
    void videoOverASlowerPathStalls() throws Exception {
        SimulationResult r = new Scenario().path(link(4, 10)).traffic(video(8_000_000, 10 * S)).seed(3)
                .deadline(60 * S).run();
        TrafficReport.VideoReport v = (TrafficReport.VideoReport) r.traffic();
        assertThat(r.finished()).isTrue();
        assertThat(r.streamIntact()).isTrue();
        assertThat(v.stalls()).isPositive();
        // Half the bitrate: 10 s of video take about 20 s to arrive, so about 10 s are spent stalled
        // (some of them at the start).
        assertThat(v.stalledMs()).isGreaterThan(5000.0);
    }

    /**
     * A path going down for 4 s: MPTCP carries the stream on the other path and the player does
     * not notice; plain TCP (the server without MPTCP, so one subflow on path 1) stalls until the
     * path is back.
     */
    @Test
    void mptcpKeepsPlayingThroughAPathOutageWhereSinglePathTcpStalls() throws Exception {
        SimulationResult mptcp = outage(StackConfig.defaults());
        SimulationResult tcp = outage(StackConfig.defaults().withMptcp(false));
        TrafficReport.VideoReport m = (TrafficReport.VideoReport) mptcp.traffic();
        TrafficReport.VideoReport t = (TrafficReport.VideoReport) tcp.traffic();
        assertThat(mptcp.fallback()).isFalse();
        assertThat(tcp.fallback()).isTrue();
        assertThat(mptcp.streamIntact()).isTrue();
        assertThat(tcp.streamIntact()).isTrue();
        assertThat(m.stalls()).isZero();
        assertThat(t.stalls()).isPositive();
        // Down for 4 s with a second of buffer, and TCP's backed-off retransmission timer on top.
        assertThat(t.stalledMs()).isGreaterThan(2500.0);
    }

    private static SimulationResult outage(StackConfig server) throws Exception {
        return new Scenario().path(link(20, 10)).path(link(20, 10)).serverConfig(server)
                .event(new Scenario.PathEvent(3 * S, 0, false)).event(new Scenario.PathEvent(7 * S, 0, true))
                .traffic(video(8_000_000, 12 * S)).seed(5).deadline(120 * S).run();
    }

    @Test
    void theSameSeedGivesTheSameReport() throws Exception {
        Scenario a = new Scenario().path(LinkConfig.parse("10mbit,20ms,loss=1%")).path(link(6, 5))
                .traffic(video(8_000_000, 5 * S)).seed(11).deadline(60 * S);
        Scenario b = new Scenario().path(LinkConfig.parse("10mbit,20ms,loss=1%")).path(link(6, 5))
                .traffic(video(8_000_000, 5 * S)).seed(11).deadline(60 * S);
        SimulationResult ra = a.run();
        SimulationResult rb = b.run();
        assertThat(ra.traffic()).isEqualTo(rb.traffic());
        assertThat(ra.virtualNanos()).isEqualTo(rb.virtualNanos());
        assertThat(ra.networkEvents()).isEqualTo(rb.networkEvents());
        assertThat(ra.sha256Received()).isEqualTo(rb.sha256Received());
        assertThat(ra.subflows()).isEqualTo(rb.subflows());
    }

    @Test
    void anEndlessStreamRunsToTheDeadlineAndThatIsItsEnd() throws Exception {
        SimulationResult r = new Scenario().path(link(20, 10)).traffic(Traffic.Video.of(4_000_000)).seed(2)
                .deadline(5 * S).run();
        TrafficReport.VideoReport v = (TrafficReport.VideoReport) r.traffic();
        assertThat(r.finished()).isTrue();
        assertThat(r.resetReason()).isNull();
        assertThat(r.virtualNanos()).isEqualTo(5 * S);
        // Chunks due by the deadline, about 5 s of video; the player has nearly all of it.
        assertThat(r.bytesRequested()).isBetween(2_250_000L, 2_500_000L);
        assertThat(r.bytesDelivered()).isLessThanOrEqualTo(r.bytesRequested()).isGreaterThan(2_000_000L);
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.sha256Sent()).isEqualTo(r.sha256Received())
                .isEqualTo(VideoSender.sha256OfStream(2, r.bytesDelivered()));
        assertThat(v.state()).isEqualTo(VideoPlayer.State.PLAYING);
        assertThat(v.stalls()).isZero();
    }

    @Test
    void requestResponseLatenciesAreAboutOneRoundTripPlusTransmission() throws Exception {
        // 10 ms each way: a 20 ms round trip; a 200-byte request and a 2,000-byte response take
        // well under a millisecond each at 100 Mbit/s.
        SimulationResult r = new Scenario().path(link(100, 10))
                .traffic(new Traffic.RequestResponse(200, 2000, 50)).seed(4).run();
        TrafficReport.RequestResponseReport rr = (TrafficReport.RequestResponseReport) r.traffic();
        assertThat(r.finished()).isTrue();
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.direction()).isEqualTo("request-response");
        assertThat(r.bytesRequested()).isEqualTo(100_000);
        assertThat(r.bytesDelivered()).isEqualTo(100_000);
        assertThat(r.sha256Sent()).isNull();
        assertThat(rr.count()).isEqualTo(50);
        assertThat(rr.completed()).isEqualTo(50);
        assertThat(rr.minMs()).isBetween(20.0, 21.0);
        assertThat(rr.medianMs()).isBetween(20.0, 21.0);
        assertThat(rr.p95Ms()).isBetween(rr.medianMs(), 45.0);
        assertThat(rr.maxMs()).isBetween(rr.p95Ms(), 100.0);
    }

    @Test
    void bulkIsTheDefaultAndReportsNothingMore() throws Exception {
        SimulationResult r = new Scenario().path(link(50, 5)).bytes(1_000_000).run();
        assertThat(r.traffic()).isEqualTo(new TrafficReport.BulkReport());
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.direction()).isEqualTo("upload");
    }
}

package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.sim.Scenario;

/**
 * Our own recorded runs, where the truth is known: the stack reported live what it sent on each
 * subflow, what it reinjected and the receiver's longest delivery stall, and the analyzer, from
 * the pcap alone, must find the same.
 *
 * <p>Where the capture is taken matters. The emulator records each datagram as its sender puts it
 * on the path, dropped ones included ({@code EmulatedNetwork.record}): a capture at both
 * senders' interfaces. So every segment a subflow sent is in the pcap exactly once, and the
 * payload bytes the analyzer counts on a subflow are the stack's first transmissions plus its
 * retransmissions ({@code bytesSent + bytesRetransmitted}); the data ACKs are recorded when the
 * receiver sends them.
 */
class RecordedRunGroundTruthTest {
    private static final long MS = 1_000_000L;
    /** The receiver's delayed-ACK time (StackConfig.defaults): how late a data ACK may follow delivery. */
    private static final long DELAYED_ACK = StackConfig.defaults().delayedAckNanos();

    static Scenario scenario(String name) {
        Scenario s = new Scenario().seed(7).bytes(3_000_000).path(LinkConfig.parse("20mbit,10ms"))
                .path(LinkConfig.parse("20mbit,30ms"));
        return switch (name) {
            // A path fails silently mid-transfer: its data in flight is reinjected on the other.
            case "path-down" -> s.event(new Scenario.PathEvent(300 * MS, 0, false));
            // The client removes its address (REMOVE_ADDR) and reinjects at once.
            case "path-removed" -> s.event(new Scenario.PathEvent(300 * MS, 1, false, true));
            // Losses: subflow-level retransmissions only.
            case "loss" -> new Scenario().seed(7).bytes(3_000_000).path(LinkConfig.parse("20mbit,10ms,loss=2%"))
                    .path(LinkConfig.parse("20mbit,30ms,loss=1%"));
            // The server sends; IPv6; DSS checksums.
            case "download-v6" -> s.download(true).ipv6(true).clientConfig(StackConfig.defaults().withChecksum(true))
                    .event(new Scenario.PathEvent(300 * MS, 1, false));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"path-down", "path-removed", "loss", "download-v6"})
    void theAnalyzerFindsWhatTheStackReportedLive(String name, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve(name + ".pcap");
        Scenario.Run run = scenario(name).pcap(pcap).build();
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
        long reinjectedBytes = run.sendingSocket().snapshot().reinjectedBytes();
        boolean download = name.startsWith("download");
        long reinjectedSegments = (download ? r.serverCounters() : r.clientCounters()).getOrDefault(Mib.MPTCPRetrans, 0L);

        Analysis a = CaptureAnalyzer.analyze(pcap);
        assertThat(a.connections()).hasSize(1);
        ConnectionReport c = a.connections().get(0);
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.complete()).isTrue();
        assertThat(c.fallback()).isNull();
        assertThat(c.subflows()).hasSameSizeAs(r.subflows());

        // Per subflow, in the direction of the data: bytes, retransmitted bytes and segments.
        for (SubflowSnapshot truth : r.subflows()) {
            SubflowReport ours = c.subflows().stream()
                    .filter(s -> s.clientPort() == (download ? truth.remotePort() : truth.localPort())
                            && s.serverPort() == (download ? truth.localPort() : truth.remotePort()))
                    .findFirst().orElseThrow();
            DirectionReport data = download ? ours.toClient() : ours.toServer();
            String what = "subflow " + truth.localAddress() + ":" + truth.localPort();
            assertThat(data.bytes()).as(what + " bytes: first transmissions + retransmissions")
                    .isEqualTo(truth.bytesSent() + truth.bytesRetransmitted());
            assertThat(data.retransmittedBytes()).as(what + " retransmitted bytes").isEqualTo(truth.bytesRetransmitted());
            assertThat(data.retransmits()).as(what + " retransmitted segments").isEqualTo(truth.segmentsRetransmitted());
            assertThat((download ? ours.toServer() : ours.toClient()).bytes()).as("the receiver sends no data").isZero();
        }

        // Reinjections: bytes as the sending connection counted them, segments as its MPTCPRetrans.
        assertThat(c.reinjectedBytes()).as("reinjected bytes").isEqualTo(reinjectedBytes);
        assertThat(c.reinjections()).as("reinjected segments").isEqualTo(reinjectedSegments);
        assertThat((download ? c.toClient() : c.toServer()).bytes()).as("distinct data bytes").isEqualTo(3_000_000);

        // The longest stall: the receiver's longest gap between deliveries, seen in the capture as
        // the longest gap between data ACK moves; a data ACK leaves at most a delayed-ACK time
        // after the delivery it reports (and an ACK that fills a hole leaves at once).
        Stall stall = c.longestStall();
        assertThat(stall.direction()).isEqualTo(download ? 1 : 0);
        assertThat(stall.durationNanos()).as("longest stall, truth %d ns", r.maxStallNanos())
                .isCloseTo(r.maxStallNanos(), Offset.offset(DELAYED_ACK));
        switch (name) {
            case "path-down", "download-v6" -> {
                // The handover is the longest stall. It starts when in-order delivery stops,
                // within a round trip of the slower path (60 ms) of the path going down at 300 ms
                // (what was in flight on the other path still arrives), and in it the dead subflow
                // retransmitted and its data was reinjected.
                assertThat(r.handoverStallNanos()).isEqualTo(r.maxStallNanos());
                assertThat(stall.startNanos()).isBetween(240 * MS, 360 * MS);
                assertThat(stall.endNanos()).isGreaterThan(360 * MS);
                assertThat(stall.reinjections()).isPositive();
                assertThat(stall.subflowRetransmits()).isPositive();
                assertThat(stall.open()).isFalse();
            }
            case "path-removed" -> assertThat(c.events()).extracting(MptcpEvent::type).contains("REMOVE_ADDR");
            case "loss" -> {
                assertThat(c.reinjections()).isZero();
                assertThat(stall.subflowRetransmits()).isPositive();
            }
            default -> throw new IllegalArgumentException(name);
        }

        // The round trip of each subflow: both halves measured at their senders add up to the
        // path's (10 or 30 ms each way, plus queueing); the smallest samples are the bare delays.
        for (SubflowReport s : c.subflows()) {
            long oneWay = s.clientAddress().toString().contains(download ? ":1::" : "10.1.") ? 10 * MS : 30 * MS;
            DirectionReport data = download ? s.toClient() : s.toServer();
            DirectionReport acks = download ? s.toServer() : s.toClient();
            assertThat(data.rttAck().minNanos()).isBetween(oneWay, oneWay + 2 * MS);
            assertThat(acks.rttTimestamps().minNanos()).isBetween(oneWay, oneWay + 2 * MS);
            assertThat(s.rttNanos()).isGreaterThanOrEqualTo(2 * oneWay);
        }
        assertThat(List.of(c.toServer().dataFin(), c.toClient().dataFin())).containsOnly(true);
    }
}

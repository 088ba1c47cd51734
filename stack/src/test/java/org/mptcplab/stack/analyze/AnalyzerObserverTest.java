package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;

/**
 * What the analyzer tells its observer packet by packet (the replay draws from it) adds up to
 * what it reports at the end: every segment of every subflow, its reinjections and
 * retransmissions, its events, and the longest of the gaps is the report's stall.
 */
class AnalyzerObserverTest {
    private static final Path DIR = Path.of("..", "demo-captures");

    @ParameterizedTest
    @ValueSource(strings = {"handover.pcap", "handover-silent.pcap", "lossy-path.pcap", "add-remove-addr.pcap",
        "announce-port-ipv6.pcap", "kernel-to-kernel-4-subflows.pcapng", "lab-ours-to-kernel-handover.pcapng"})
    void theObserverSeesWhatTheReportSums(String name) throws Exception {
        CaptureAnalyzer analyzer = new CaptureAnalyzer();
        Map<Integer, long[]> perSubflow = new HashMap<>(); // packets, payload bytes, retransmitted segments, reinjected segments
        List<MptcpEvent> events = new ArrayList<>();
        List<long[]> gaps = new ArrayList<>();
        long[] lastT = {Long.MIN_VALUE};
        long[] dataBytes = new long[2];
        analyzer.observer(new CaptureAnalyzer.Observer() {
            @Override
            public void segment(CaptureAnalyzer.Segment s) {
                long[] c = perSubflow.computeIfAbsent(s.subflow, k -> new long[4]);
                c[0]++;
                c[1] += s.payloadLength;
                c[2] += s.retransmitted ? 1 : 0;
                c[3] += s.reinjected ? 1 : 0;
                assertThat(s.headerLength).isBetween(40, 120);
                assertThat(s.dataLength).isBetween(0, s.payloadLength);
                if (s.dataLength > 0) {
                    assertThat(s.dsn).isGreaterThanOrEqualTo(0);
                    dataBytes[s.toClient ? 1 : 0] += s.reinjected ? 0 : s.dataLength;
                }
                lastT[0] = Math.max(lastT[0], s.timeNanos);
            }

            @Override
            public void event(int connection, MptcpEvent e, boolean fromClient) {
                events.add(e);
            }

            @Override
            public void gap(int connection, int direction, long start, long end, boolean open, long retransmits,
                            long reinjections) {
                assertThat(end).isGreaterThanOrEqualTo(start);
                gaps.add(new long[] {direction, end - start});
            }
        });
        Path f = DIR.resolve(name);
        try (CaptureReader r = CaptureReader.open(f)) {
            CaptureRecord rec;
            long n = 0;
            while ((rec = r.next()) != null) {
                analyzer.packet(rec.timestampNanos(), rec.linkType(), rec.data(), rec.originalLength(), ++n, rec.fileOffset());
            }
            Analysis a = analyzer.finish(f.toString(), r);
            ConnectionReport c = a.connections().get(0);
            for (SubflowReport s : c.subflows()) {
                long[] seen = perSubflow.get(s.index());
                assertThat(seen).as("subflow %d seen", s.index()).isNotNull();
                assertThat(seen[0]).isEqualTo(s.toServer().packets() + s.toClient().packets());
                assertThat(seen[1]).isEqualTo(s.bytes());
                assertThat(seen[2]).isEqualTo(s.retransmits());
                assertThat(seen[3]).isEqualTo(s.toServer().reinjections() + s.toClient().reinjections());
            }
            assertThat(events).hasSize(c.events().size());
            for (int d = 0; d < 2; d++) {
                DataReport data = d == 0 ? c.toServer() : c.toClient();
                assertThat(dataBytes[d]).as("new data-level bytes, direction %d", d).isLessThanOrEqualTo(data.bytes());
                Stall longest = data.longestStall();
                int dir = d;
                long max = gaps.stream().filter(g -> g[0] == dir).mapToLong(g -> g[1]).max().orElse(-1);
                assertThat(max).as("the longest gap is the report's stall, direction %d", d)
                        .isEqualTo(longest == null ? -1 : longest.durationNanos());
            }
        }
    }
}

package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorded scenarios of demo-captures/ (the replay material): each reads to its end
 * without damage, holds what its README line says (connections, subflows, the events to look
 * for), and stays under 2 MB.
 */
class DemoCapturesAnalysisTest {
    private static final Path DIR = Path.of("..", "demo-captures");

    /** File: MPTCP connections, subflows of the first, events it must show, fallback. */
    record Expect(int connections, int subflows, List<String> events, boolean fallback) {
    }

    private static final Map<String, Expect> EXPECTED = Map.ofEntries(
            Map.entry("handover.pcap", new Expect(1, 2, List.of("REMOVE_ADDR", "MP_JOIN"), false)),
            Map.entry("handover-silent.pcap", new Expect(1, 2, List.of("MP_JOIN"), false)),
            Map.entry("backup-takeover.pcap", new Expect(1, 2, List.of("MP_JOIN", "REMOVE_ADDR"), false)),
            Map.entry("lossy-path.pcap", new Expect(1, 2, List.of("MP_JOIN"), false)),
            Map.entry("shared-bottleneck-lia.pcap", new Expect(1, 2, List.of("MP_JOIN"), false)),
            Map.entry("shared-bottleneck-newreno.pcap", new Expect(1, 2, List.of("MP_JOIN"), false)),
            Map.entry("fallback-middlebox.pcap", new Expect(1, 1, List.of(), true)),
            Map.entry("add-remove-addr.pcap", new Expect(1, 3, List.of("ADD_ADDR", "REMOVE_ADDR", "MP_JOIN"), false)),
            Map.entry("announce-port-ipv6.pcap", new Expect(1, 2, List.of("ADD_ADDR", "MP_JOIN"), false)),
            Map.entry("lab-ours-to-kernel-handover.pcapng", new Expect(1, 2, List.of("REMOVE_ADDR", "MP_JOIN"), false)),
            Map.entry("kernel-to-kernel-4-subflows.pcapng", new Expect(1, 4, List.of("MP_JOIN"), false)));

    static List<String> files() {
        return EXPECTED.keySet().stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("files")
    void eachDemoCaptureHoldsWhatItsReadmeSays(String name) throws Exception {
        Path f = DIR.resolve(name);
        assertThat(f).as("demo-captures/%s (scripts/demo-captures.sh records it)", name).exists();
        assertThat(Files.size(f)).as("under 2 MB").isLessThan(2_000_000L);
        Analysis a = CaptureAnalyzer.analyze(f);
        assertThat(a.readToEnd()).isTrue();
        assertThat(a.malformedPackets()).isZero();
        Expect e = EXPECTED.get(name);
        assertThat(a.connections()).as(name).hasSize(e.connections());
        ConnectionReport c = a.connections().get(0);
        assertThat(c.complete()).isTrue();
        assertThat(c.subflows()).as(name).hasSize(e.subflows());
        assertThat(c.fallback() != null).as(name + " fallback").isEqualTo(e.fallback());
        assertThat(c.events()).extracting(MptcpEvent::type).as(name).containsAll(e.events());
    }

    @org.junit.jupiter.api.Test
    void everyFileIsListedHere() throws Exception {
        try (var s = Files.list(DIR)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                    .sorted().toList()).isEqualTo(files());
        }
    }
}

package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.analyze.Analysis;
import org.mptcplab.stack.analyze.CaptureAnalyzer;

/** {@code bench-analyze} on tiny captures: the report's shape, tshark's agreement, argument errors. */
class BenchAnalyzeCommandTest {

    @Test
    void tinyRunReportsSpeedsAndAgreesWithTshark(@TempDir Path dir) {
        Path out = dir.resolve("bench.pcap");
        Cli.Result r = Cli.run("bench-analyze", "--packets", "2000", "--runs", "1", "--out", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String text = r.out();
        assertThat(text).startsWith("capture: " + out + "\n  2,000 packets, ");
        assertThat(text).contains("  1 MPTCP connections, 2 subflows, 0 plain TCP; malformed packets: 0, capture errors: 0\n");
        assertThat(text).containsPattern("\nours \\(read \\+ decode \\+ analyse, 1 thread\\): best [0-9,]+ packets/s");
        if (text.contains("tshark: not used")) {
            assertThat(text).contains("connections, subflows and bytes equal tshark's: not checked\n");
        } else {
            assertThat(text).containsPattern("\n  quiet   [0-9,]+ packets/s .* -o mptcp.analyze_mappings:TRUE -q -z conv,tcp");
            assertThat(text).containsPattern("\n  ours \\(median\\) is [0-9.]+x tshark's faster run; target 10x: (met|NOT met)\n");
            assertThat(text).contains("connections, subflows and bytes equal tshark's: yes\n");
        }
        assertThat(r.err()).contains("bench-analyze: writing a synthetic MPTCP capture of 2,000 packets", "analysis run 1/1");
    }

    @Test
    void jsonReport(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench-analyze", "--packets", "500", "--runs", "2", "--warmup", "0", "--json", "--no-tshark",
                "--out", dir.resolve("b.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o).containsEntry("packets", new BigDecimal(500)).containsEntry("connections", BigDecimal.ONE)
                .containsEntry("subflows", new BigDecimal(2)).containsKeys("ours", "tshark", "ratio", "matches_tshark");
        Map<?, ?> ours = (Map<?, ?>) o.get("ours");
        assertThat(((BigDecimal) ours.get("best_pps")).signum()).isPositive();
        assertThat((List<?>) ours.get("run_seconds")).hasSize(2);
        assertThat(o.get("ratio")).isNull();
        assertThat(((Map<?, ?>) o.get("tshark")).get("available")).isEqualTo(false);
    }

    @Test
    void differencesFromTsharkAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.pcap");
        SyntheticMptcpCapture.write(f, 200, 128, 3);
        Analysis a = CaptureAnalyzer.analyze(f);
        long bytes0 = a.connections().get(0).subflows().get(0).bytes();
        long bytes1 = a.connections().get(0).subflows().get(1).bytes();
        BenchAnalyzeCommand.TsharkRun same = new BenchAnalyzeCommand.TsharkRun(List.of("tshark"), 1, 0, "", 200,
                Map.of(0, new TreeSet<>(List.of(0, 1))), Map.of(0, bytes0, 1, bytes1), 2);
        assertThat(BenchAnalyzeCommand.compare(a, same)).isEmpty();
        BenchAnalyzeCommand.TsharkRun other = new BenchAnalyzeCommand.TsharkRun(List.of("tshark"), 1, 0, "", 200,
                new TreeMap<>(Map.of(0, new TreeSet<>(List.of(0)), 1, new TreeSet<>(List.of(1)))), Map.of(0, bytes0 + 1, 1, bytes1), 2);
        assertThat(BenchAnalyzeCommand.compare(a, other)).isEqualTo("subflow 0 bytes: ours " + bytes0 + ", tshark "
                + (bytes0 + 1) + "; subflows per MPTCP connection: ours [[0, 1]], tshark [[0], [1]]");
    }

    @Test
    void badValuesGiveClearErrors(@TempDir Path dir) {
        Cli.Result zero = Cli.run("bench-analyze", "--packets", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("bench-analyze: --packets must be from 100 to 1000000000, got 0\n");
        assertThat(Cli.run("bench-analyze", "--runs", "0").err()).contains("--runs must be from 1 to 1000, got 0");
        Cli.Result both = Cli.run("bench-analyze", "--file", "x.pcap", "--seed", "3");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--seed describes the generated capture and cannot be used with --file");
        Cli.Result missing = Cli.run("bench-analyze", "--file", dir.resolve("nope.pcap").toString(), "--no-tshark");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("bench-analyze: " + dir.resolve("nope.pcap") + ": no such file\n");
        Cli.Result badTshark = Cli.run("bench-analyze", "--packets", "100", "--tshark", dir.resolve("no-tshark").toString());
        assertThat(badTshark.exit()).isEqualTo(2);
        assertThat(badTshark.err()).contains("--tshark: '" + dir.resolve("no-tshark") + "' could not be run: error=2");
    }
}

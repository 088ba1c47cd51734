package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-stack} on small transfers (no real kernel run: stand-in scripts play the kernel
 * benchmark): the reports' shape, JSON keys, argument errors.
 */
class BenchStackCommandTest {

    @Test
    void goodputTextReport() {
        Cli.Result r = Cli.run("bench-stack", "--bytes", "2M", "--runs", "1", "--warmup", "0");
        assertThat(r.exit()).as(r.toString()).isZero();
        String t = r.out();
        assertThat(t).startsWith("stack goodput (in-process): 1 connection, client to server, 2 paths unlimited,50us each way,"
                + " 2,000,000 bytes, no hashing, no mapping log\n");
        assertThat(t).containsPattern("\n  run 1: [0-9.]+ Gbit/s, [0-9.]+ s wall, [0-9.]+ s virtual, [0-9,]+ network events\n");
        assertThat(t).containsPattern("\n +[0-9,]+ data \\+ [0-9,]+ ACK packets \\([0-9]+ payload bytes per data packet, "
                + "at most 1428\\); allocated [0-9.]+ MiB \\([0-9]+ B per data packet\\), [0-9]+ GCs \\([0-9]+ ms\\)\n");
        assertThat(t).containsPattern("\n +retransmitted [0-9,]+ bytes, [0-9]+ RTOs, [0-9]+ fast retransmits, [0-9,]+ reinjected, "
                + "[0-9,]+ packets dropped\n");
        assertThat(t).containsPattern("\nours: best [0-9.]+ Gbit/s, median [0-9.]+ Gbit/s over 1 run\\(s\\)");
        assertThat(t).containsPattern("\n  target 2 Gbit/s: (met|NOT met); goal 4 Gbit/s: (met|not met) \\(median\\)\n");
        assertThat(t).containsPattern("\n  subflows \\(last run, client\\): \\[id 0 path 1: [0-9,]+ bytes, [0-9.]+%\\]");
        assertThat(t).doesNotContain("FAILED", "kernel");
        assertThat(r.err()).contains("bench-stack: goodput: 2,000,000 bytes over 2 x unlimited,50us, 0 warm-up + 1 timed run(s)",
                "bench-stack: run 1/1: ");
    }

    @Test
    void goodputJson() {
        Cli.Result r = Cli.run("bench-stack", "--goodput", "--bytes", "1M", "--runs", "2", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o).containsKeys("mode", "bytes", "paths", "light", "warmup", "runs", "best_gbps", "median_gbps",
                "target_gbps", "goal_gbps", "target_met", "goal_met", "subflows", "machine", "kernel", "ratio_best",
                "ratio_median");
        assertThat(o.get("mode")).isEqualTo("goodput");
        assertThat(o.get("bytes")).isEqualTo(new BigDecimal(1_000_000));
        assertThat(o.get("paths")).isEqualTo(List.of("unlimited,50us", "unlimited,50us"));
        assertThat(o.get("kernel")).isNull();
        assertThat(o.get("ratio_best")).isNull();
        List<?> runs = (List<?>) o.get("runs");
        assertThat(runs).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> run = (Map<String, Object>) runs.get(0);
        assertThat(run).containsKeys("ok", "gbps", "wall_s", "virtual_s", "bytes_delivered", "data_packets",
                "ack_packets", "payload_bytes_per_data_packet", "allocated_bytes", "allocated_bytes_per_data_packet", "gc_count", "retransmitted_bytes",
                "rto_count", "dropped_packets");
        assertThat(run.get("ok")).isEqualTo(true);
        assertThat(run.get("bytes_delivered")).isEqualTo(new BigDecimal(1_000_000));
        assertThat((BigDecimal) o.get("best_gbps")).isGreaterThanOrEqualTo((BigDecimal) o.get("median_gbps"));
        assertThat(((BigDecimal) o.get("best_gbps")).signum()).isPositive();
        List<?> subflows = (List<?>) o.get("subflows");
        assertThat(subflows).hasSize(2);
        long sum = 0;
        for (Object f : subflows) {
            sum += ((BigDecimal) ((Map<?, ?>) f).get("bytes")).longValueExact();
        }
        assertThat(sum).isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void aggregationReportAndJson() {
        Cli.Result r = Cli.run("bench-stack", "--aggregation", "--bytes", "1M");
        assertThat(r.exit()).as(r.toString()).isZero();
        String t = r.out();
        assertThat(t).startsWith("aggregation: 1 connection, client to server, 1,000,000 bytes, seed 1\n"
                + "  path 1: 40mbit,10ms  (as run: 40mbit,10ms,queue=200kb)\n"
                + "  path 2: 20mbit,40ms  (as run: 20mbit,40ms,queue=400kb)\n"
                + "result: finished, stream intact (SHA-256 equal)\n");
        assertThat(t).containsPattern("\nours: [0-9.]+ Mbit/s goodput \\(1,000,000 bytes in [0-9.]+ s virtual");
        assertThat(t).containsPattern("\n  / 60 Mbit/s \\(the sum of the rates\\): +[0-9.]+ +\\(target 0.95: (met|NOT met)\\)\n");
        assertThat(t).containsPattern("\n  / 57.12 Mbit/s \\(payload ceiling, 1428/1500\\): +[0-9.]+\n");
        assertThat(t).contains("  ceiling: every data packet carries at most 1428 payload bytes in 1500 IP bytes");
        assertThat(t).containsPattern("\n  / [0-9.]+ Mbit/s \\(measured ceiling: payload is 0\\.9[0-9]+ of the IP bytes sent\\): "
                + "[0-9.]+\n");
        assertThat(t).containsPattern("\n    id 0 path 1: [0-9,]+ bytes \\([0-9.]+%\\), retransmitted [0-9,]+ bytes");

        Cli.Result j = Cli.run("bench-stack", "--aggregation", "--bytes", "1M", "--seed", "3", "--json");
        assertThat(j.exit()).as(j.toString()).isZero();
        Map<String, Object> o = Json.object(j.out().strip());
        assertThat(o).containsKeys("mode", "ok", "problem", "bytes", "seed", "bytes_delivered", "stream_intact", "paths",
                "paths_as_run", "goodput_bps", "duration_s", "wall_s", "ratio_to_60mbit", "payload_ceiling",
                "ratio_to_ceiling", "payload_share_measured", "ratio_to_measured_ceiling", "target_ratio", "target_met", "payload_per_data_packet", "max_stall_ms", "reinjected",
                "path_use", "subflows", "kernel", "kernel_ratio_to_60mbit", "ratio_to_kernel");
        assertThat(o.get("mode")).isEqualTo("aggregation");
        assertThat(o.get("ok")).isEqualTo(true);
        assertThat(o.get("seed")).isEqualTo(new BigDecimal(3));
        assertThat(o.get("stream_intact")).isEqualTo(true);
        assertThat(o.get("payload_ceiling")).isEqualTo(new BigDecimal("0.952"));
        BigDecimal ratio = (BigDecimal) o.get("ratio_to_60mbit");
        BigDecimal ceiling = (BigDecimal) o.get("ratio_to_ceiling");
        assertThat(ratio.signum()).isPositive();
        assertThat(ratio).isLessThan(BigDecimal.ONE);
        assertThat(ceiling).isGreaterThan(ratio);
        assertThat((List<?>) o.get("path_use")).hasSize(2);
        assertThat(o.get("kernel")).isNull();
    }

    @Test
    void memoryModeSamplesAShortRun() {
        Cli.Result r = Cli.run("bench-stack", "--memory", "--minutes", "0.5", "--interval", "10s");
        assertThat(r.exit()).as(r.toString()).isZero();
        String t = r.out();
        assertThat(t).startsWith("memory: 1 connection, client to server, bulk transfer over 2 x 40mbit,10ms (as run: "
                + "40mbit,10ms,queue=200kb), SHA-256 and mapping log on, 30.000 s virtual\n");
        assertThat(t).containsPattern("\n +10.000 s +[0-9.]+ MiB +[0-9,]+ bytes delivered");
        assertThat(t).containsPattern("\n +30.000 s +[0-9.]+ MiB +[0-9,]+ bytes delivered");
        assertThat(t).containsPattern("\nheap: first [0-9.]+ MiB, last [0-9.]+ MiB, min [0-9.]+ MiB, max [0-9.]+ MiB; growth "
                + "first to last [-+][0-9,]+ bytes \\([-+][0-9.]+ MiB\\) \\(limit 64.0 MiB\\): flat\n");
        assertThat(t).contains("0 interval(s) without delivery", "\nresult: heap flat\n");
        assertThat(r.err()).contains("bench-stack: 10.000 s virtual: heap ");

        Cli.Result j = Cli.run("bench-stack", "--memory", "--minutes", "0.1", "--interval", "2s", "--max-growth", "0",
                "--json");
        Map<String, Object> o = Json.object(j.out().strip());
        assertThat(o).containsKeys("mode", "ok", "problem", "paths", "virtual_s", "interval_s", "max_heap_bytes", "samples",
                "heap_first_bytes", "heap_last_bytes", "heap_min_bytes", "heap_max_bytes", "heap_growth_bytes",
                "max_growth_bytes", "bytes_delivered", "goodput_bps", "data_packets", "stalled_intervals", "subflows");
        assertThat((List<?>) o.get("samples")).hasSize(3);
        assertThat(o.get("virtual_s")).isEqualTo(new BigDecimal("6.000"));
        assertThat(o.get("problem")).isNull();
        // With no growth allowed, the exit status follows the measured growth.
        boolean grew = ((BigDecimal) o.get("heap_growth_bytes")).signum() > 0;
        assertThat(j.exit()).as(j.toString()).isEqualTo(grew ? 1 : 0);
        assertThat(o.get("ok")).isEqualTo(!grew);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) o.get("samples")).get(0);
        assertThat(first.keySet()).containsExactly("virtual_s", "heap_bytes", "bytes_delivered", "wall_s");
        assertThat(((BigDecimal) first.get("bytes_delivered")).signum()).isPositive();
    }

    @Test
    void badValuesExitTwoWithClearErrors(@TempDir Path dir) {
        assertError(new String[] {"--bytes", "0"}, "bench-stack: --bytes must be from 1 to 1000000000000 (1T), got 0\n");
        assertError(new String[] {"--bytes", "abc"}, "bench-stack: --bytes 'abc' is not a size (e.g. 2000000, 50M, 1.5GiB)\n");
        assertError(new String[] {"--runs", "0"}, "bench-stack: --runs must be from 1 to 1000, got 0\n");
        assertError(new String[] {"--warmup", "-1"}, "bench-stack: --warmup must be from 0 to 100, got -1\n");
        assertError(new String[] {"--goodput", "--memory"},
                "bench-stack: --goodput, --aggregation and --memory are different benchmarks: give one of them\n");
        assertError(new String[] {"--aggregation", "--runs", "3"}, "bench-stack: --runs applies to --goodput only (an "
                + "aggregation run is in virtual time: every run gives the same result), not --aggregation\n");
        assertError(new String[] {"--memory", "--bytes", "1M"},
                "bench-stack: --bytes does not apply to --memory (it runs for --minutes of virtual time), not --memory\n");
        assertError(new String[] {"--memory", "--kernel"},
                "bench-stack: --kernel does not apply to --memory (only our stack's heap is sampled), not --memory\n");
        assertError(new String[] {"--minutes", "1"}, "bench-stack: --minutes applies to --memory only, not --goodput\n");
        assertError(new String[] {"--kernel-runs", "2"}, "bench-stack: --kernel-runs needs --kernel\n");
        assertError(new String[] {"--memory", "--minutes", "0"},
                "bench-stack: --minutes must be more than 0 and at most 1440 (a day), got 0\n");
        assertError(new String[] {"--memory", "--minutes", "ten"},
                "bench-stack: --minutes 'ten' is not a number (e.g. 10 or 0.5)\n");
        assertError(new String[] {"--memory", "--interval", "0"}, "bench-stack: --interval must be at least 1ms, got 0\n");
        assertError(new String[] {"--memory", "--minutes", "0.1", "--interval", "10s"},
                "bench-stack: --interval 10s is longer than --minutes 0.1: there would be no sample\n");
        assertError(new String[] {"--memory", "--max-growth", "lots"},
                "bench-stack: --max-growth 'lots' is not a size (e.g. 2000000, 50M, 1.5GiB)\n");
        Path missing = dir.resolve("none.sh");
        assertError(new String[] {"--kernel", "--kernel-script", missing.toString()},
                "bench-stack: --kernel-script " + missing + ": no such file\n");
        assertError(new String[] {"--kernel", "--kernel-runs", "0"}, "bench-stack: --kernel-runs must be from 1 to 100, got 0\n");

        Cli.Result notNumber = Cli.run("bench-stack", "--runs", "many");
        assertThat(notNumber.exit()).isEqualTo(2);
        assertThat(notNumber.err()).startsWith("Invalid value for option '--runs': 'many' is not an int");
        Cli.Result unknown = Cli.run("bench-stack", "--fast");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--fast'");
    }

    private static void assertError(String[] args, String message) {
        String[] all = new String[args.length + 1];
        all[0] = "bench-stack";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Result r = Cli.run(all);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(message);
        assertThat(r.out()).isEmpty();
    }

    /** A stand-in for scripts/kernel-mptcp-bench.sh. */
    private static Path script(Path dir, String body) throws IOException {
        Path s = dir.resolve("kernel.sh");
        Files.writeString(s, "#!/usr/bin/env bash\n" + body + "\n");
        return s;
    }

    @Test
    void kernelResultIsParsedAndCompared(@TempDir Path dir) throws IOException {
        Path s = script(dir, "echo \"kernel-mptcp-bench: args $*\" >&2\n"
                + "echo 'kernel-mptcp-bench: server MPTCP counters: MPCapableSYNRX=1 MPJoinAckRx=1' >&2\n"
                + "echo 'kernel-mptcp-bench: path 1 rx_bytes=600000' >&2\n"
                + "echo 'kernel-mptcp-bench: path 2 rx_bytes=400000' >&2\n"
                + "echo 'kernel_goodput_bps=8000000000 bytes=1000000 seconds=0.001000'");
        Cli.Result r = Cli.run("bench-stack", "--bytes", "1M", "--runs", "1", "--warmup", "0", "--kernel", "--kernel-runs", "2",
                "--kernel-script", s.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("bench-stack: kernel: kernel-mptcp-bench: args --bytes 1000000 --paths 2 --timeout 120");
        Map<String, Object> o = Json.object(r.out().strip());
        Map<?, ?> k = (Map<?, ?>) o.get("kernel");
        assertThat(k.get("available")).isEqualTo(true);
        assertThat(k.get("best_bps")).isEqualTo(new BigDecimal(8_000_000_000L));
        assertThat(k.get("median_bps")).isEqualTo(new BigDecimal(8_000_000_000L));
        List<?> runs = (List<?>) k.get("runs");
        assertThat(runs).hasSize(2);
        Map<?, ?> run = (Map<?, ?>) runs.get(0);
        assertThat(run.get("path_rx_bytes")).isEqualTo(List.of(new BigDecimal(600000), new BigDecimal(400000)));
        assertThat(run.get("counters")).isEqualTo("MPCapableSYNRX=1 MPJoinAckRx=1");
        BigDecimal best = (BigDecimal) o.get("best_gbps");
        assertThat(((BigDecimal) o.get("ratio_best")).doubleValue()).isCloseTo(best.doubleValue() / 8, within(0.0002));

        Cli.Result agg = Cli.run("bench-stack", "--aggregation", "--bytes", "500K", "--kernel", "--kernel-script",
                s.toString());
        assertThat(agg.exit()).as(agg.toString()).isZero();
        assertThat(agg.err()).contains("args --bytes 500000 --paths 2 --rate 40mbit,20mbit --timeout 120");
        assertThat(agg.out()).contains("  kernel run 1: 8000.00 Mbit/s, 1,000,000 bytes in 0.001 s; IP bytes per path at "
                + "the server: path 1 600,000 (60.0%), path 2 400,000 (40.0%); server counters: MPCapableSYNRX=1 MPJoinAckRx=1\n",
                "kernel: best 8000.00 Mbit/s, median 8000.00 Mbit/s over 1 run(s)\n",
                "  (the kernel's paths have the same tbf rates but no delay: netem is not in this kernel)\n");
    }

    @Test
    void kernelUnavailableIsReportedNotFatal(@TempDir Path dir) throws IOException {
        Path s = script(dir, "echo 'kernel-mptcp-bench: needs root (network namespaces, veth, tc); run it as root' >&2\nexit 3");
        Cli.Result r = Cli.run("bench-stack", "--bytes", "500K", "--runs", "1", "--warmup", "0", "--kernel", "--kernel-script",
                s.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\nkernel: not available: needs root (network namespaces, veth, tc); run it as root\n");
    }

    @Test
    void kernelFailureFailsTheRun(@TempDir Path dir) throws IOException {
        Path s = script(dir, "echo 'kernel-mptcp-bench: the MPTCP client failed' >&2\nexit 1");
        Cli.Result r = Cli.run("bench-stack", "--bytes", "500K", "--runs", "1", "--warmup", "0", "--kernel", "--kernel-runs",
                "1", "--kernel-script", s.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("  kernel run 1: FAILED (exit 1): the MPTCP client failed\n");
    }
}

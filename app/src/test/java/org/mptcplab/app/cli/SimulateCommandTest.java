package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.emu.FaultInjector;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.sim.Scenario.PathSpec;

/** {@code simulate}: small headless runs end to end, the report's shape, argument errors, the parsers. */
class SimulateCommandTest {
    private static final String[] SMALL = {"simulate", "--path", "50mbit,5ms", "--path", "50mbit,5ms", "--bytes", "2M",
        "--seed", "1"};
    private static final String TSHARK = "/usr/bin/tshark";

    private static String[] args(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Map<String, Object> json(Cli.Result r) {
        assertThat(r.out()).as(r.toString()).endsWith("}\n");
        assertThat(r.lines()).as("one JSON object on one line").hasSize(1);
        return Json.object(r.out().strip());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> o, String key) {
        return (List<Map<String, Object>>) o.get(key);
    }

    private static long num(Object o) {
        return ((BigDecimal) o).longValueExact();
    }

    @Test
    void smallTwoPathRunIsIntactAndUsesBothPaths() {
        Cli.Result r = Cli.run(args(SMALL, "--json"));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Map<String, Object> o = json(r);
        assertThat(o).containsKeys("goodput_bps", "duration_s", "bytes_delivered", "bytes_requested", "stream_intact",
                "sha256_sent", "sha256_received", "finished", "fallback", "reset_reason", "max_stall_ms", "subflows",
                "events", "counters", "virtual_s", "wall_s", "seed", "paths");
        assertThat(o.get("status")).isEqualTo("ok");
        assertThat(o.get("stream_intact")).isEqualTo(true);
        assertThat(o.get("finished")).isEqualTo(true);
        assertThat(o.get("fallback")).isEqualTo(false);
        assertThat(o.get("reset_reason")).isNull();
        assertThat(num(o.get("bytes_requested"))).isEqualTo(2_000_000);
        assertThat(num(o.get("bytes_delivered"))).isEqualTo(2_000_000);
        assertThat((String) o.get("sha256_sent")).matches("[0-9a-f]{64}").isEqualTo(o.get("sha256_received"));
        assertThat(((BigDecimal) o.get("goodput_bps")).signum()).isPositive();
        assertThat(((BigDecimal) o.get("duration_s")).signum()).isPositive();
        assertThat((BigDecimal) o.get("virtual_s")).isGreaterThanOrEqualTo((BigDecimal) o.get("duration_s"));
        assertThat(num(o.get("seed"))).isEqualTo(1);
        assertThat(o.get("paths")).isEqualTo(List.of("50mbit,5ms", "50mbit,5ms"));

        List<Map<String, Object>> subflows = list(o, "subflows");
        assertThat(subflows).hasSize(2);
        long sum = 0;
        for (Map<String, Object> f : subflows) {
            assertThat(f).containsKeys("id", "local", "remote", "bytes", "retransmits", "retransmitted_bytes",
                    "rto_count", "fast_retransmits", "srtt_ms", "cwnd", "state", "backup", "close_reason", "scheduled",
                    "held_back");
            assertThat(num(f.get("bytes"))).isPositive();
            sum += num(f.get("bytes"));
        }
        assertThat(sum).isGreaterThanOrEqualTo(2_000_000);
        assertThat(subflows.get(0).get("local")).asString().startsWith("10.1.0.1:");
        assertThat(subflows.get(0).get("remote")).isEqualTo("10.1.0.2:5201");
        assertThat(subflows.get(1).get("local")).asString().startsWith("10.2.0.1:");
        assertThat(subflows.get(1).get("remote")).isEqualTo("10.2.0.2:5201");

        Map<?, ?> counters = (Map<?, ?>) o.get("counters");
        Map<?, ?> server = (Map<?, ?>) counters.get("server");
        Map<?, ?> client = (Map<?, ?>) counters.get("client");
        assertThat(num(server.get("MPJoinAckRx"))).isPositive();
        assertThat(num(client.get("MPCapableSYNTX"))).isEqualTo(1);
        assertThat(server.values()).allSatisfy(v -> assertThat(((BigDecimal) v).signum()).isPositive());

        List<Map<String, Object>> events = list(o, "events");
        assertThat(events).isNotEmpty();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("host")).isEqualTo("client");
            assertThat(e.get("kind")).isEqualTo("MP_CAPABLE");
        });
        assertThat(events).anySatisfy(e -> assertThat(e.get("kind")).isEqualTo("JOIN"));
        BigDecimal last = BigDecimal.ZERO;
        for (Map<String, Object> e : events) {
            assertThat(e).containsOnlyKeys("time_s", "host", "kind", "subflow", "detail");
            assertThat((BigDecimal) e.get("time_s")).as("events in time order").isGreaterThanOrEqualTo(last);
            last = (BigDecimal) e.get("time_s");
        }
    }

    @Test
    void sameSeedGivesTheSameReportExceptWallTime() {
        String a = Cli.run(args(SMALL, "--json")).out();
        String b = Cli.run(args(SMALL, "--json")).out();
        Map<String, Object> ja = Json.object(a.strip());
        Map<String, Object> jb = Json.object(b.strip());
        assertThat(ja.remove("wall_s")).isNotNull();
        assertThat(jb.remove("wall_s")).isNotNull();
        assertThat(ja.remove("wall_goodput_bps")).isNotNull();
        assertThat(jb.remove("wall_goodput_bps")).isNotNull();
        assertThat(ja).isEqualTo(jb);
        String wall = "\"wall_(s|goodput_bps)\":[0-9.]+";
        assertThat(a.replaceAll(wall, "")).isEqualTo(b.replaceAll(wall, ""));

        Map<String, Object> other = Json.object(Cli.run("simulate", "--path", "50mbit,5ms", "--path", "50mbit,5ms",
                "--bytes", "2M", "--seed", "2", "--json").out().strip());
        other.remove("wall_s");
        assertThat(other).isNotEqualTo(ja);
        assertThat(other.get("sha256_sent")).isNotEqualTo(ja.get("sha256_sent"));
    }

    @Test
    void textReport() {
        Cli.Result r = Cli.run(args(SMALL, "--events"));
        assertThat(r.exit()).as(r.toString()).isZero();
        String t = r.out();
        assertThat(t).startsWith("upload of 2,000,000 bytes (client sends) over 2 paths, seed 1\n"
                + "  path 1: 50mbit,5ms  (as run: 50mbit,5ms,queue=125kb)\n"
                + "  path 2: 50mbit,5ms  (as run: 50mbit,5ms,queue=125kb)\n"
                + "result: finished, stream intact\n"
                + "  delivered        2,000,000 of 2,000,000 bytes\n");
        assertThat(t).containsPattern("\n  goodput          [0-9]+\\.[0-9]{2} Mbit/s \\(virtual time\\)\n");
        assertThat(t).containsPattern("\n  wall goodput     [0-9]+\\.[0-9]{2} Mbit/s \\(bytes delivered over the run's wall-clock time");
        assertThat(t).containsPattern("\n  sha256 sent      ([0-9a-f]{64})\n  sha256 received  \\1\n");
        assertThat(t).contains("\n  stream intact    yes\n", "\n  fallback to TCP  no\n", "\n  reset            none\n",
                "\nsubflows (client, the sender):\n");
        assertThat(t).containsPattern("\n  0   10\\.1\\.0\\.1:[0-9]+ +10\\.1\\.0\\.2:5201 +[0-9,]+ ");
        assertThat(t).containsPattern("\n  1   10\\.2\\.0\\.1:[0-9]+ +10\\.2\\.0\\.2:5201 +[0-9,]+ ");
        assertThat(t).containsPattern("\n  server: .*MPJoinAckRx=1");
        assertThat(t).containsPattern("\n +0\\.0[0-9]+ s  client MP_CAPABLE +sf 0  MP_CAPABLE established as client");
        assertThat(t).containsPattern("\nrun: [0-9.]+ s virtual, [0-9.]+ s wall, [0-9,]+ network events\n$");

        Cli.Result quiet = Cli.run(SMALL);
        assertThat(quiet.out()).containsPattern("\nevents: [0-9]+ \\(--events lists them\\)\n")
                .doesNotContain("MP_CAPABLE established");
    }

    @Test
    void plainTcpServerFallsBackWithAnIntactStream() {
        Cli.Result r = Cli.run(args(SMALL, "--no-mptcp-server", "--json"));
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(o.get("fallback")).isEqualTo(true);
        assertThat(o.get("stream_intact")).isEqualTo(true);
        assertThat(o.get("mptcp_server")).isEqualTo(false);
        assertThat(list(o, "subflows")).hasSize(1);
        assertThat(list(o, "events")).anySatisfy(e -> assertThat(e.get("kind")).isEqualTo("FALLBACK"));
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) ((Map<?, ?>) o.get("counters")).get("client");
        assertThat(client).containsKey("MPCapableFallbackSYNACK").doesNotContainKey("MPJoinSynTx");
    }

    @Test
    void pathDownMidTransferStillDeliversTheStream() {
        // 10 MB over two 50 Mbit/s paths lasts past 0.5 s, when path 2 goes dark.
        Cli.Result r = Cli.run("simulate", "--path", "50mbit,5ms", "--path", "50mbit,5ms", "--bytes", "10M", "--seed", "1",
                "--down", "2@0.5s", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(o.get("stream_intact")).isEqualTo(true);
        assertThat(o.get("finished")).isEqualTo(true);
        assertThat(list(o, "path_changes")).containsExactly(Map.of("path", BigDecimal.valueOf(2),
                "time_s", new BigDecimal("0.5"), "up", false));
        // The dead path's subflow times out and its data is reinjected on the other one: the
        // handover takes well under a second (the kernel needs about 0.4 s, RECIPES.md).
        assertThat(list(o, "events")).anySatisfy(e -> {
            assertThat(e.get("kind")).isEqualTo("RTO");
            assertThat(e.get("subflow")).isEqualTo(BigDecimal.ONE);
            assertThat((BigDecimal) e.get("time_s")).isGreaterThan(new BigDecimal("0.5"));
        });
        assertThat(list(o, "events")).anySatisfy(e -> assertThat(e.get("kind")).isEqualTo("REINJECTION"));
        assertThat((BigDecimal) o.get("max_stall_ms")).isLessThan(new BigDecimal("1000"));
        Map<String, Object> second = list(o, "subflows").get(1);
        assertThat(second.get("path")).isEqualTo(BigDecimal.valueOf(2));
        assertThat(num(second.get("rto_count"))).isPositive();
    }

    @Test
    void deadlineBeforeTheEndExits1WithTheReason() {
        Cli.Result r = Cli.run(args(SMALL, "--deadline", "50ms", "--json"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        Map<String, Object> o = json(r);
        assertThat(o.get("finished")).isEqualTo(false);
        assertThat(o.get("stream_intact")).isEqualTo(false);
        assertThat(o.get("status")).isEqualTo("deadline");
        assertThat((String) o.get("reason")).startsWith("not finished by the deadline (0.05 s virtual)");
        assertThat(num(o.get("bytes_delivered"))).isLessThan(2_000_000);

        Cli.Result text = Cli.run(args(SMALL, "--deadline", "50ms"));
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.out()).contains("\nresult: not finished by the deadline (0.05 s virtual): ",
                "\n  stream intact    NO\n");
    }

    @Test
    void pcapIsReadByTsharkWithoutMalformedPackets(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("sim.pcap");
        Cli.Result r = Cli.run("simulate", "--path", "50mbit,5ms", "--path", "20mbit,10ms", "--bytes", "500K", "--pcap",
                pcap.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains(", capture in " + pcap + "\n");
        assertThat(Files.size(pcap)).isGreaterThan(500_000);
        assumeThat(Files.isExecutable(Path.of(TSHARK))).as(TSHARK + " is not installed: the capture is not checked"
                + " with tshark").isTrue();
        Tshark read = tshark("-r", pcap.toString());
        assertThat(read.exit()).as(read.output()).isZero();
        assertThat(read.output()).contains("MPTCP").doesNotContain("Malformed");
        Tshark expert = tshark("-r", pcap.toString(), "-z", "expert", "-q");
        assertThat(expert.exit()).as(expert.output()).isZero();
        assertThat(expert.output()).doesNotContain("Malformed");
    }

    @Test
    void unwritableCaptureExits1(@TempDir Path dir) {
        Path pcap = dir.resolve("missing-dir").resolve("x.pcap");
        Cli.Result r = Cli.run("simulate", "--bytes", "1K", "--pcap", pcap.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("simulate: " + pcap + ": cannot be written: no such directory\n");
        assertThat(r.out()).isEmpty();
    }

    record Tshark(int exit, String output) {
    }

    private static Tshark tshark(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TSHARK));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Tshark(p.exitValue(), out);
    }

    @Test
    void badValuesExit2NamingTheOptionAndTheProblem() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--path", "40mbitt,10ms"},
                "simulate: --path: path spec '40mbitt,10ms': unknown rate unit 'mbitt' (use bit, kbit, mbit, gbit)\n");
        cases.put(new String[] {"--bytes", "-5"}, "simulate: --bytes '-5' must be 0 or more\n");
        cases.put(new String[] {"--faults", "drop=2"}, "simulate: --faults 'drop=2': drop probability '2' is not between"
                + " 0 and 1\n");
        cases.put(new String[] {"--path", "50mbit,5ms", "--path", "50mbit,5ms", "--down", "3@1s"},
                "simulate: --down '3@1s': there is no path 3 (paths are numbered 1 to 2, one per --path)\n");
        cases.put(new String[] {"--bytes", "5X"}, "simulate: --bytes '5X' has an unknown size unit 'X' (use K, M, G for"
                + " powers of 1000 or KiB, MiB, GiB for powers of 1024)\n");
        cases.put(new String[] {"--bytes", "1.5"}, "simulate: --bytes '1.5' is not a whole number of bytes\n");
        cases.put(new String[] {"--faults", "drop=0.1,flip=0.1"}, "simulate: --faults 'drop=0.1,flip=0.1': unknown"
                + " fault 'flip' (use drop, duplicate, reorder, corrupt, rewrite)\n");
        cases.put(new String[] {"--faults", "reorder=0.1:5"}, "simulate: --faults 'reorder=0.1:5': reorder delay '5'"
                + " has no unit (use ns, us, ms, s)\n");
        cases.put(new String[] {"--faults", "drop=1%,drop=2%"}, "simulate: --faults 'drop=1%,drop=2%': drop is given"
                + " twice\n");
        cases.put(new String[] {"--up", "0@1s"}, "simulate: --up '0@1s': there is no path 0 (paths are numbered 1 to 1,"
                + " one per --path)\n");
        cases.put(new String[] {"--down", "1"}, "simulate: --down '1': not PATH@TIME (e.g. 1@2s: path 1 at 2 s virtual"
                + " time)\n");
        cases.put(new String[] {"--down", "1@-2s"}, "simulate: --down '1@-2s': time '-2s' must be 0 or more\n");
        cases.put(new String[] {"--middlebox", "strip"}, "simulate: --middlebox 'strip': unknown middlebox 'strip' (use"
                + " strip-all or strip-data)\n");
        cases.put(new String[] {"--middlebox", "strip-data:2"}, "simulate: --middlebox 'strip-data:2': there is no"
                + " path 2 (paths are numbered 1 to 1, one per --path)\n");
        cases.put(new String[] {"--deadline", "0s"}, "simulate: --deadline '0s' must be more than 0\n");
        cases.put(new String[] {"--deadline", "10"}, "simulate: --deadline '10' has no unit (use ns, us, ms, s)\n");
        cases.put(new String[] {"--path", "1mbit/2mbitt"}, "simulate: --path '1mbit/2mbitt': down direction (server"
                + " to client): path spec '2mbitt': unknown rate unit 'mbitt' (use bit, kbit, mbit, gbit)\n");
        cases.put(new String[] {"--cc", "bbr"}, "simulate: --cc 'bbr': unknown (known: newreno, reno, cubic, lia, olia, balia)\n");
        cases.put(new String[] {"--scheduler", "blestt"}, "simulate: --scheduler 'blestt': unknown (known: minrtt, roundrobin, redundant, blest, ecf)\n");
        cases.put(new String[] {"--pm", "binder"}, "simulate: --pm 'binder': unknown (known: fullmesh, ndiffports, manual)\n");
        String[] nine = new String[18];
        for (int i = 0; i < 9; i++) {
            nine[2 * i] = "--path";
            nine[2 * i + 1] = "1mbit";
        }
        cases.put(nine, "simulate: --path is given 9 times, at most 8 paths are supported\n");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            Cli.Result r = Cli.run(args(new String[] {"simulate"}, c.getKey()));
            assertThat(r.exit()).as(String.join(" ", c.getKey()) + ": " + r).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c.getKey())).isEqualTo(c.getValue());
            assertThat(r.out()).isEmpty();
        }

        Cli.Result several = Cli.run("simulate", "--bytes", "-5", "--faults", "drop=2");
        assertThat(several.exit()).isEqualTo(2);
        assertThat(several.err()).isEqualTo("simulate: --bytes '-5' must be 0 or more\n"
                + "simulate: --faults 'drop=2': drop probability '2' is not between 0 and 1\n");

        Cli.Result seed = Cli.run("simulate", "--seed", "abc");
        assertThat(seed.exit()).isEqualTo(2);
        assertThat(seed.err()).startsWith("Invalid value for option '--seed': 'abc' is not a long");
    }

    @Test
    @SuppressWarnings("unchecked")
    void policyOptionsChangeWhatRuns() throws Exception {
        // --pm none: the first subflow only, although two paths exist.
        Map<String, Object> none = (Map<String, Object>) Json.parse(Cli.run("simulate", "--path", "20mbit,5ms", "--path", "20mbit,5ms",
                "--bytes", "2M", "--pm", "none", "--json").out());
        Map<String, Object> mesh = (Map<String, Object>) Json.parse(Cli.run("simulate", "--path", "20mbit,5ms", "--path", "20mbit,5ms",
                "--bytes", "2M", "--json").out());
        assertThat((List<?>) none.get("subflows")).hasSize(1);
        assertThat((List<?>) mesh.get("subflows")).hasSize(2);
        assertThat(none.get("stream_intact")).isEqualTo(true);
        // --pm ndiffports: N subflows over the first path only, each from its own port.
        Map<String, Object> nd = (Map<String, Object>) Json.parse(Cli.run("simulate", "--path", "20mbit,5ms", "--path", "20mbit,5ms",
                "--bytes", "4M", "--pm", "ndiffports", "--ndiffports", "3", "--json").out());
        assertThat((List<?>) nd.get("subflows")).hasSize(3);
        assertThat(nd.get("stream_intact")).isEqualTo(true);
        assertThat(Cli.run("simulate", "--pm", "manual", "--ndiffports", "0").err()).contains("--ndiffports 0: at least 1");
        // --cc reno: slow start runs into the queue (retransmissions); newreno's HyStart does not.
        Map<String, Object> reno = (Map<String, Object>) Json.parse(Cli.run("simulate", "--path", "20mbit,40ms", "--bytes", "10M",
                "--cc", "reno", "--json").out());
        Map<String, Object> newreno = (Map<String, Object>) Json.parse(Cli.run("simulate", "--path", "20mbit,40ms", "--bytes", "10M",
                "--cc", "newreno", "--json").out());
        assertThat(retransmits(reno)).isPositive();
        assertThat(retransmits(newreno)).isZero();
    }

    @SuppressWarnings("unchecked")
    static long retransmits(Map<String, Object> report) {
        long n = 0;
        for (Object sf : (List<?>) report.get("subflows")) {
            n += ((Number) ((Map<String, Object>) sf).get("retransmits")).longValue();
        }
        return n;
    }

    @Test
    void helpDescribesTheOptionsCleanly() {
        Cli.Result r = Cli.run("simulate", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).as("picocli format warnings").isEmpty();
        assertThat(r.out()).startsWith("Usage: mptcp-lab simulate").contains("--path=SPEC", "--bytes=SIZE", "--seed=N",
                "--download", "--ipv6", "--checksum", "--no-mptcp-server", "--middlebox", "--faults", "--down=PATH@TIME",
                "--up=PATH@TIME", "--deadline=TIME", "--pcap=FILE", "--json", "--events", "loss=1%", "Exit status");
        for (String line : r.lines()) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        }
    }

    @Test
    void sizesTimesFaultsAndPathsParse() {
        assertThat(SimulateCommand.parseSize("0")).isZero();
        assertThat(SimulateCommand.parseSize("2000000")).isEqualTo(2_000_000);
        assertThat(SimulateCommand.parseSize("50M")).isEqualTo(50_000_000);
        assertThat(SimulateCommand.parseSize("1.5k")).isEqualTo(1500);
        assertThat(SimulateCommand.parseSize("2G")).isEqualTo(2_000_000_000L);
        assertThat(SimulateCommand.parseSize("1KiB")).isEqualTo(1024);
        assertThat(SimulateCommand.parseSize("3MiB")).isEqualTo(3L << 20);
        assertThat(SimulateCommand.parseSize("1.5GiB")).isEqualTo(3L << 29);
        assertThatThrownBy(() -> SimulateCommand.parseSize("99999999999G")).hasMessageStartingWith("is too large");
        assertThatThrownBy(() -> SimulateCommand.parseSize("")).hasMessageStartingWith("is not a size");

        assertThat(SimulateCommand.parseDuration("2s")).isEqualTo(2_000_000_000L);
        assertThat(SimulateCommand.parseDuration("0.5s")).isEqualTo(500_000_000L);
        assertThat(SimulateCommand.parseDuration("5ms")).isEqualTo(5_000_000L);
        assertThat(SimulateCommand.parseDuration("7us")).isEqualTo(7_000L);
        assertThat(SimulateCommand.parseDuration("0")).isZero();
        assertThatThrownBy(() -> SimulateCommand.parseDuration("1.5ns")).hasMessage("is not a whole number of nanoseconds");

        FaultInjector f = SimulateCommand.parseFaults("drop=0.01,duplicate=0.01,reorder=0.02:5ms,corrupt=0.001,rewrite=0.1%");
        assertThat(f).isEqualTo(new FaultInjector(0.01, 0.01, 0.02, 5_000_000L, 0.001, 0.001));
        assertThat(SimulateCommand.parseFaults("reorder=1%").reorderDelayNanos())
                .isEqualTo(SimulateCommand.DEFAULT_REORDER_DELAY_NANOS);
        assertThat(SimulateCommand.parseFaults("none")).isEqualTo(FaultInjector.NONE);

        assertThat(SimulateCommand.parsePath("40mbit,10ms/10mbit,10ms")).isEqualTo(new PathSpec(
                LinkConfig.of(40_000_000, 10_000_000), LinkConfig.of(10_000_000, 10_000_000)));
        assertThat(SimulateCommand.parsePath("20mbit,40ms,loss=1%")).isEqualTo(PathSpec.symmetric(
                LinkConfig.of(20_000_000, 40_000_000).withLoss(0.01)));

        SimulateCommand.PathChange c = SimulateCommand.parsePathChange("2@1.5s", false, 3);
        assertThat(c.path()).isEqualTo(1);
        assertThat(c.atNanos()).isEqualTo(1_500_000_000L);
        assertThat(c.up()).isFalse();
    }

    @Test
    void jsonWriterEscapesStrings() {
        String nasty = "quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \f nul \u0000 us \u001f ls \u2028"
                + " ps \u2029 e\u0301 \uD83D\uDE00 lone \uD800 end";
        SimulateCommand.JsonWriter w = new SimulateCommand.JsonWriter();
        w.beginObject().name(nasty).value(nasty).name("list").beginArray().value(1).value(true).nullValue()
                .value((String) null).beginObject().endObject().beginArray().endArray().endArray()
                .name("n").raw("1.5").endObject();
        String text = w.toString();
        assertThat(text).doesNotContain("\n", "\u2028", "\u0000").contains("\\u2028", "\\ud800", "\uD83D\uDE00");
        Map<String, Object> o = Json.object(text);
        assertThat(o.get(nasty)).isEqualTo(nasty);
        assertThat(o.get("list")).isEqualTo(java.util.Arrays.asList(BigDecimal.ONE, true, null, null, Map.of(), List.of()));
        assertThat(o.get("n")).isEqualTo(new BigDecimal("1.5"));
    }

    @Test
    void anUnknownScenarioListsTheKnownOnes() {
        Cli.Result r = Cli.run("simulate", "--scenario", "aggregat");
        Cli.Result bad = Cli.run("simulate", "--down", "1@1s,loud");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("'loud' after the comma: the only word there is 'signalled'");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--scenario 'aggregat': unknown (known: aggregate, handover, lossy, asymmetric-rtt, satellite, backup, "
                + "shared-bottleneck)");
    }

    @Test
    void aScenarioSetsItsPathsSizeAndEventsAndOptionsGivenToo() {
        // handover: path 1 goes down at 5 s; --bytes given on the command line wins over the preset's.
        Cli.Result r = Cli.run("simulate", "--scenario", "handover", "--bytes", "25M", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(o.get("paths")).isEqualTo(List.of("20mbit,10ms", "12mbit,35ms"));
        assertThat(num(o.get("bytes_delivered"))).isEqualTo(25_000_000);
        // Signalled: the client withdraws the address (REMOVE_ADDR), the server hears it.
        assertThat(list(o, "events")).anyMatch(e -> "server".equals(e.get("host")) && "REMOVE_ADDR".equals(e.get("kind")));
        // Told (REMOVE_ADDR, reinjection at once), the handover's gap is shorter than when the
        // retransmission timer must find out (61 ms against 297 ms on 2026-12-07), and within the
        // policies issue's target: one RTT of the surviving path (LTE's srtt then, queueing
        // included) plus 10 ms.
        Map<String, Object> silent = json(Cli.run("simulate", "--scenario", "handover", "--bytes", "25M", "--down", "1@5s", "--json"));
        assertThat(list(silent, "events")).noneMatch(e -> "REMOVE_ADDR".equals(e.get("kind")));
        assertThat((BigDecimal) o.get("handover_stall_ms")).isLessThan((BigDecimal) silent.get("handover_stall_ms"));
        Map<String, Object> h = list(o, "handovers").get(0);
        assertThat(h.get("path")).isEqualTo(BigDecimal.ONE);
        assertThat(h.get("signalled")).isEqualTo(true);
        assertThat((BigDecimal) h.get("stall_ms")).isEqualTo(o.get("handover_stall_ms"))
                .isLessThan(((BigDecimal) h.get("surviving_srtt_ms")).add(BigDecimal.TEN));
        assertThat(list(silent, "handovers").get(0).get("signalled")).isEqualTo(false);
        double shares = list(o, "subflows").stream().mapToDouble(f -> ((BigDecimal) f.get("share")).doubleValue()).sum();
        assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void aSmallReceiveBufferShowsHeadOfLineBlockingThatBlestAvoids() {
        // 10 ms against 200 ms of RTT with 512 KiB of receive buffer: minRTT's data on the slow
        // path holds the fast path's back (measured 2026-12-07: 25.9 Mbit/s, less than the fast
        // path alone, each out-of-order byte waiting 112 ms on average); BLEST keeps to the fast one.
        Map<String, Object> minrtt = json(Cli.run("simulate", "--scenario", "asymmetric-rtt", "--bytes", "20M",
                "--rcvbuf", "512KiB", "--json"));
        Map<String, Object> blest = json(Cli.run("simulate", "--scenario", "asymmetric-rtt", "--bytes", "20M",
                "--rcvbuf", "512KiB", "--scheduler", "blest", "--json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) minrtt.get("receive_buffer");
        assertThat(num(rb.get("capacity"))).isEqualTo(512 * 1024);
        assertThat(num(rb.get("peak_out_of_order_bytes"))).isPositive().isLessThanOrEqualTo(512 * 1024);
        assertThat((BigDecimal) rb.get("mean_out_of_order_delay_ms")).isGreaterThan(new BigDecimal("50"));
        assertThat((BigDecimal) rb.get("max_out_of_order_delay_ms")).isGreaterThanOrEqualTo((BigDecimal) rb.get("mean_out_of_order_delay_ms"));
        assertThat(((BigDecimal) blest.get("goodput_bps")).doubleValue())
                .isGreaterThan(1.5 * ((BigDecimal) minrtt.get("goodput_bps")).doubleValue());
        // Opportunistic retransmission with penalisation (NSDI 2012) gets minRTT out of it too
        // (45.8 Mbit/s over the full 100M on 2026-12-07).
        Map<String, Object> opportunistic = json(Cli.run("simulate", "--scenario", "asymmetric-rtt", "--bytes", "20M",
                "--rcvbuf", "512KiB", "--opportunistic", "--json"));
        assertThat(((BigDecimal) opportunistic.get("goodput_bps")).doubleValue())
                .isGreaterThan(1.5 * ((BigDecimal) minrtt.get("goodput_bps")).doubleValue());
        Cli.Result bad = Cli.run("simulate", "--rcvbuf", "1k");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--rcvbuf '1k' must be 16KiB to 1GiB");
    }

    @Test
    void theLossyScenarioStaysAboveTheCleanPathAlone() {
        Cli.Result r = Cli.run("simulate", "--scenario", "lossy", "--bytes", "15M", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(((BigDecimal) o.get("goodput_bps")).doubleValue()).as("the clean path alone carries 10 Mbit/s")
                .isGreaterThan(10e6);
    }

    @Test
    void theBackupScenarioKeepsDataOffTheBackupUntilThePrimaryFails() {
        Cli.Result r = Cli.run("simulate", "--scenario", "backup", "--bytes", "20M", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(o.get("backup_paths")).isEqualTo(List.of(BigDecimal.valueOf(2)));
        Map<String, Object> backup = list(o, "subflows").stream().filter(f -> num(f.get("path")) == 2).findFirst()
                .orElseThrow();
        assertThat(backup.get("backup")).isEqualTo(true);
        // Path 1 fails at 4 s, after about 9.4 MB: the backup carries the rest.
        assertThat(num(backup.get("bytes_acked"))).isGreaterThan(10_000_000);
        assertThat(list(o, "events")).anyMatch(e -> "server".equals(e.get("host")) && "REMOVE_ADDR".equals(e.get("kind")));
        // Why each subflow carried what it did: the primary for its RTT, the backup as a backup
        // (and what the primary had in flight, reinjected), and the switch said once.
        @SuppressWarnings("unchecked")
        Map<String, Object> primary = (Map<String, Object>) list(o, "subflows").stream().filter(f -> num(f.get("path")) == 1).findFirst()
                .orElseThrow().get("scheduled");
        assertThat(primary.keySet()).containsOnly("lowest_rtt");
        @SuppressWarnings("unchecked")
        Map<String, Object> onBackup = (Map<String, Object>) backup.get("scheduled");
        assertThat(onBackup.keySet()).contains("backup_no_regular").isSubsetOf("backup_no_regular", "reinjection");
        assertThat(num(onBackup.get("backup_no_regular"))).isGreaterThan(5_000);
        assertThat(num(backup.get("held_back"))).isZero();
        assertThat(list(o, "events")).filteredOn(e -> "SCHEDULER".equals(e.get("kind"))
                && String.valueOf(e.get("detail")).startsWith("backup subflow 1 now carries data")).hasSize(1);
        // The text report: a line per subflow.
        String text = Cli.run("simulate", "--scenario", "backup", "--bytes", "20M").out();
        assertThat(text).contains("scheduler minrtt, chunks per subflow and why:\n")
                .containsPattern("\\n  0 +[0-9,]+ chunks: 100% lowest RTT\\n")
                .containsPattern("\\n  1b +[0-9,]+ chunks: 9\\d% backup, no regular subflow usable, [0-9.]+% reinjection\\n");
    }

    @Test
    void ecfSaysHowOftenItHeldDataBackForTheFastPath() {
        Cli.Result r = Cli.run("simulate", "--path", "20mbit,10ms", "--path", "5mbit,100ms", "--scheduler", "ecf",
                "--bytes", "10M", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<Map<String, Object>> subflows = list(json(r), "subflows");
        assertThat(num(subflows.get(1).get("held_back"))).isPositive();
        assertThat(((Map<?, ?>) subflows.get(1).get("scheduled")).keySet()).hasSize(1).allMatch("faster_full"::equals);
        assertThat(num(subflows.get(0).get("held_back"))).isZero();
        assertThat(Cli.run("simulate", "--path", "20mbit,10ms", "--path", "5mbit,100ms", "--scheduler", "ecf",
                "--bytes", "10M").out()).containsPattern("held back [0-9,]+ times for a faster subflow");
    }

    @Test
    void theSharedBottleneckScenarioReportsTheCompetingFlowAndTheRatio() {
        Cli.Result r = Cli.run("simulate", "--scenario", "shared-bottleneck", "--bytes", "10M", "--cc", "lia", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = json(r);
        assertThat(o.get("competing_cc")).isEqualTo("newreno");
        assertThat(o.get("bottleneck")).isEqualTo("20mbit");
        double mptcp = ((BigDecimal) o.get("goodput_bps")).doubleValue();
        double tcp = ((BigDecimal) o.get("competing_goodput_bps")).doubleValue();
        assertThat(mptcp + tcp).isBetween(15e6, 20e6);
        assertThat(((BigDecimal) o.get("mptcp_tcp_ratio")).doubleValue()).isCloseTo(mptcp / tcp,
                org.assertj.core.data.Offset.offset(1e-3));
        Cli.Result text = Cli.run("simulate", "--scenario", "shared-bottleneck", "--bytes", "2M", "--cc", "lia");
        assertThat(text.out()).contains("competing TCP ", "MPTCP / TCP ", "bottleneck       20.00 Mbit/s");
    }

    @Test
    void withoutTheNewOptionsTheReportHasNoneOfTheirKeys() {
        Map<String, Object> o = json(Cli.run("simulate", "--bytes", "1M", "--json"));
        assertThat(o).doesNotContainKeys("competing_goodput_bps", "mptcp_tcp_ratio", "backup_paths", "bottleneck",
                "competing_tcp", "bottleneck_stats");
    }

    @Test
    void badBackupAndBottleneckArgumentsAreRefused() {
        Cli.Result one = Cli.run("simulate", "--path", "10mbit", "--path", "10mbit", "--backup", "1");
        assertThat(one.exit()).isEqualTo(2);
        assertThat(one.err()).contains("--backup '1': path 1 carries the initial subflow");
        Cli.Result three = Cli.run("simulate", "--path", "10mbit", "--path", "10mbit", "--backup", "3");
        assertThat(three.err()).contains("--backup '3': there is no path 3");
        Cli.Result delay = Cli.run("simulate", "--bottleneck", "20mbit,10ms");
        assertThat(delay.exit()).isEqualTo(2);
        assertThat(delay.err()).contains("--bottleneck '20mbit,10ms': a bottleneck has a rate and a queue only");
        Cli.Result alone = Cli.run("simulate", "--competing-tcp", "100mbit,10ms");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--competing-tcp needs a --bottleneck");
    }

    @Test
    void cubicOnOnePathRetransmitsLittleAndFillsIt() {
        // Regression: CUBIC's decrease once came from the bytes outstanding during SACK recovery,
        // and its window grew at each loss (40 MB over this path retransmitted 304 MB).
        Map<String, Object> o = json(Cli.run("simulate", "--path", "20mbit,10ms", "--bytes", "20M", "--cc", "cubic", "--json"));
        assertThat(o.get("status")).isEqualTo("ok");
        assertThat(num(list(o, "subflows").get(0).get("retransmitted_bytes"))).isLessThan(400_000);
        assertThat(((BigDecimal) o.get("goodput_bps")).doubleValue()).isGreaterThan(18e6);
    }
}

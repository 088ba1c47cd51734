package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.VideoSender;
import org.mptcplab.stack.sim.Scenario.Traffic;

/** {@code simulate --traffic}: video and request/response runs, their reports, and argument errors. */
class SimulateTrafficTest {
    private static final long MS = 1_000_000L;
    /** Two paths, the first down from 3 s to 7 s. */
    private static final String[] OUTAGE = {"simulate", "--path", "20mbit,10ms", "--path", "20mbit,10ms", "--down", "1@3s",
        "--up", "1@7s", "--deadline", "12s", "--seed", "1"};

    private static String[] args(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Map<String, Object> json(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).as("one JSON object on one line").hasSize(1);
        return Json.object(r.out().strip());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traffic(Map<String, Object> o) {
        return (Map<String, Object>) o.get("traffic");
    }

    private static long num(Object o) {
        return ((BigDecimal) o).longValueExact();
    }

    private static double dec(Object o) {
        return ((BigDecimal) o).doubleValue();
    }

    @Test
    void endlessVideoOverTwoPathsPlaysThroughAnOutageAndRunsToTheDeadline() {
        Map<String, Object> o = json(Cli.run(args(OUTAGE, "--traffic", "video:8mbit", "--json")));
        assertThat(o.get("status")).isEqualTo("ok");
        assertThat(o.get("finished")).isEqualTo(true);
        assertThat(o.get("stream_intact")).isEqualTo(true);
        assertThat(o.get("direction")).isEqualTo("download");
        assertThat(o.get("sender")).isEqualTo("server");
        assertThat(o.get("virtual_s")).isEqualTo(new BigDecimal("12"));
        Map<String, Object> t = traffic(o);
        assertThat(t).containsOnlyKeys("kind", "bitrate_bps", "chunk_ms", "duration_s", "start_target_ms",
                "rebuffer_target_ms", "startup_ms", "stalls", "stalled_ms", "played_ms", "buffer_ms", "state",
                "bytes_received");
        assertThat(t.get("kind")).isEqualTo("video");
        assertThat(num(t.get("bitrate_bps"))).isEqualTo(8_000_000);
        assertThat(num(t.get("chunk_ms"))).isEqualTo(250);
        assertThat(t.get("duration_s")).isNull();
        assertThat(num(t.get("start_target_ms"))).isEqualTo(1000);
        assertThat(num(t.get("rebuffer_target_ms"))).isEqualTo(1000);
        assertThat(dec(t.get("startup_ms"))).isBetween(750.0, 1250.0);
        assertThat(num(t.get("stalls"))).isZero();
        assertThat(dec(t.get("stalled_ms"))).isZero();
        assertThat(dec(t.get("played_ms"))).isGreaterThan(10_000.0);
        assertThat(t.get("state")).isEqualTo("PLAYING");
        assertThat(t.get("bytes_received")).isEqualTo(o.get("bytes_delivered"));
    }

    @Test
    void singlePathTcpStallsThroughTheSameOutage() {
        Map<String, Object> o = json(Cli.run(args(OUTAGE, "--traffic", "video:8mbit", "--no-mptcp-server", "--json")));
        assertThat(o.get("fallback")).isEqualTo(true);
        Map<String, Object> t = traffic(o);
        assertThat(num(t.get("stalls"))).isPositive();
        assertThat(dec(t.get("stalled_ms"))).isGreaterThan(3000.0);
    }

    @Test
    void aFiniteVideoEndsWhenItIsReceivedAndTheTextReportSaysHowItPlayed() {
        Cli.Result r = Cli.run("simulate", "--path", "20mbit,10ms", "--traffic", "video:8mbit,chunk=500ms,duration=4s,start=2s");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("video at 8 Mbit/s in 0.5 s chunks, 4 s of it (server sends) over 1 path, seed 1\n")
                .contains("result: finished, stream intact\n", "  delivered        4,000,000 of 4,000,000 bytes\n")
                .containsPattern("\n  video            0 stalls \\(0 ms stalled\\), startup [0-9.]+ ms, played [0-9.]+ ms,"
                        + " buffered [0-9.]+ ms, playing at the end\n")
                .contains("subflows (server, the sender):");
        Map<String, Object> o = json(Cli.run("simulate", "--path", "20mbit,10ms", "--traffic",
                "video:8mbit,chunk=500ms,duration=4s,start=2s", "--json"));
        Map<String, Object> t = traffic(o);
        assertThat(t.get("duration_s")).isEqualTo(new BigDecimal("4"));
        assertThat(num(t.get("start_target_ms"))).isEqualTo(2000);
        assertThat(num(o.get("bytes_requested"))).isEqualTo(4_000_000);
        // Four 500 ms chunks for the 2 s start target: three intervals and a chunk's transmission.
        assertThat(dec(t.get("startup_ms"))).isBetween(1500.0, 2000.0);
    }

    @Test
    void aPathSlowerThanTheBitrateStalls() {
        Map<String, Object> o = json(Cli.run("simulate", "--path", "4mbit,10ms", "--traffic",
                "video:8mbit,duration=5s", "--json"));
        assertThat(o.get("status")).isEqualTo("ok");
        assertThat(num(traffic(o).get("stalls"))).isPositive();
    }

    @Test
    void requestResponseReportsLatencies() {
        Map<String, Object> o = json(Cli.run("simulate", "--path", "100mbit,10ms", "--traffic", "rr:200/2k,n=30",
                "--json"));
        assertThat(o.get("status")).isEqualTo("ok");
        assertThat(o.get("direction")).isEqualTo("request-response");
        assertThat(o.get("sha256_sent")).isNull();
        assertThat(num(o.get("bytes_requested"))).isEqualTo(60_000);
        assertThat(num(o.get("bytes_delivered"))).isEqualTo(60_000);
        Map<String, Object> t = traffic(o);
        assertThat(t).containsOnlyKeys("kind", "request_bytes", "response_bytes", "count", "completed", "latency_ms");
        assertThat(t.get("kind")).isEqualTo("rr");
        assertThat(num(t.get("request_bytes"))).isEqualTo(200);
        assertThat(num(t.get("response_bytes"))).isEqualTo(2000);
        assertThat(num(t.get("count"))).isEqualTo(30);
        assertThat(num(t.get("completed"))).isEqualTo(30);
        @SuppressWarnings("unchecked")
        Map<String, Object> l = (Map<String, Object>) t.get("latency_ms");
        assertThat(l).containsOnlyKeys("min", "median", "p95", "max");
        // A 20 ms round trip, a fraction of a millisecond of transmission.
        assertThat(dec(l.get("min"))).isBetween(20.0, 21.0);
        assertThat(dec(l.get("median"))).isBetween(20.0, 21.0);
        assertThat(dec(l.get("max"))).isGreaterThanOrEqualTo(dec(l.get("p95")));

        Cli.Result text = Cli.run("simulate", "--path", "100mbit,10ms", "--traffic", "rr:200/2k,n=30");
        assertThat(text.out()).startsWith("request/response: 30 requests of 200 bytes (client), responses of 2,000"
                + " bytes (server) over 1 path, seed 1\n")
                .containsPattern("\n  latency          min [0-9.]+ ms, median [0-9.]+ ms, p95 [0-9.]+ ms, max [0-9.]+ ms"
                        + " \\(30 of 30 responses\\)\n")
                .contains("subflows (server, the responder):");
    }

    @Test
    void bulkIsTheDefaultAndItsJsonOnlyGainsTheTrafficKind() {
        Map<String, Object> o = json(Cli.run("simulate", "--path", "50mbit,5ms", "--bytes", "1M", "--json"));
        assertThat(traffic(o)).isEqualTo(Map.of("kind", "bulk"));
        Map<String, Object> explicit = json(Cli.run("simulate", "--path", "50mbit,5ms", "--bytes", "1M", "--traffic",
                "bulk", "--json"));
        o.remove("wall_s");
        o.remove("wall_goodput_bps");
        explicit.remove("wall_s");
        explicit.remove("wall_goodput_bps");
        assertThat(explicit).isEqualTo(o);
        Cli.Result text = Cli.run("simulate", "--path", "50mbit,5ms", "--bytes", "1M");
        assertThat(text.out()).startsWith("upload of 1,000,000 bytes (client sends) over 1 path, seed 1\n")
                .doesNotContain("  video ", "  latency ");
    }

    @Test
    void theSameSeedGivesTheSameVideoReport() {
        String[] a = args(OUTAGE, "--traffic", "video:6mbit,chunk=100ms", "--faults", "drop=1%", "--json");
        Map<String, Object> x = json(Cli.run(a));
        Map<String, Object> y = json(Cli.run(a));
        for (Map<String, Object> m : List.of(x, y)) {
            m.remove("wall_s");
            m.remove("wall_goodput_bps");
        }
        assertThat(x).isEqualTo(y);
    }

    @Test
    void badTrafficValuesExit2NamingTheOptionTheValueAndWhatIsExpected() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--traffic", "video:0mbit"},
                "simulate: --traffic 'video:0mbit': the bitrate must be above 0\n");
        cases.put(new String[] {"--traffic", "video"},
                "simulate: --traffic 'video': video needs a bitrate (e.g. video:8mbit)\n");
        cases.put(new String[] {"--traffic", "video:8mbt"},
                "simulate: --traffic 'video:8mbt': bitrate '8mbt' has an unknown rate unit 'mbt' (use bit, kbit, mbit,"
                        + " gbit)\n");
        cases.put(new String[] {"--traffic", "video:8"},
                "simulate: --traffic 'video:8': bitrate '8' has no unit (use bit, kbit, mbit, gbit)\n");
        cases.put(new String[] {"--traffic", "video:8mbit,chunk=0s"},
                "simulate: --traffic 'video:8mbit,chunk=0s': chunk must be above 0\n");
        cases.put(new String[] {"--traffic", "video:8mbit,duration=0"},
                "simulate: --traffic 'video:8mbit,duration=0': duration must be above 0\n");
        cases.put(new String[] {"--traffic", "video:8mbit,start=1"},
                "simulate: --traffic 'video:8mbit,start=1': start '1' has no unit (use ns, us, ms, s)\n");
        cases.put(new String[] {"--traffic", "video:8mbit,size=3"},
                "simulate: --traffic 'video:8mbit,size=3': unknown setting 'size' (use chunk, duration, start,"
                        + " rebuffer)\n");
        cases.put(new String[] {"--traffic", "video:8mbit,chunk=1s,chunk=2s"},
                "simulate: --traffic 'video:8mbit,chunk=1s,chunk=2s': chunk is given twice\n");
        cases.put(new String[] {"--traffic", "rr:200"},
                "simulate: --traffic 'rr:200': '200' is not REQUEST/RESPONSE (e.g. rr:200/20k)\n");
        cases.put(new String[] {"--traffic", "rr:0/20k"},
                "simulate: --traffic 'rr:0/20k': request size '0' must be 1 to 2147483647 bytes\n");
        cases.put(new String[] {"--traffic", "rr:200/20x"},
                "simulate: --traffic 'rr:200/20x': response size '20x' has an unknown size unit 'x' (use K, M, G for"
                        + " powers of 1000 or KiB, MiB, GiB for powers of 1024)\n");
        cases.put(new String[] {"--traffic", "rr:200/20k,n=0"},
                "simulate: --traffic 'rr:200/20k,n=0': n must be 1 to 2147483647, got 0\n");
        cases.put(new String[] {"--traffic", "rr:200/20k,n=many"},
                "simulate: --traffic 'rr:200/20k,n=many': n 'many' is not a count (e.g. n=100)\n");
        cases.put(new String[] {"--traffic", "stream"}, "simulate: --traffic 'stream': unknown traffic 'stream' (use"
                + " bulk, video:RATE or rr:REQUEST/RESPONSE, e.g. video:8mbit or rr:200/20k)\n");
        cases.put(new String[] {"--traffic", "bulk:5M"},
                "simulate: --traffic 'bulk:5M': bulk takes no settings (its size is --bytes)\n");
        cases.put(new String[] {"--traffic", "video:8mbit", "--bytes", "5M"},
                "simulate: --bytes '5M': only bulk traffic has a size (--traffic video:8mbit sends bitrate x duration);"
                        + " leave --bytes out\n");
        cases.put(new String[] {"--traffic", "rr:1/1", "--bytes", "5M"},
                "simulate: --bytes '5M': only bulk traffic has a size (--traffic rr:1/1 sends its requests); leave"
                        + " --bytes out\n");
        cases.put(new String[] {"--traffic", "rr:1/1", "--download"},
                "simulate: --download: request/response traffic goes both ways (requests from the client, responses"
                        + " from the server); leave --download out\n");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            Cli.Result r = Cli.run(args(new String[] {"simulate"}, c.getKey()));
            assertThat(r.exit()).as(String.join(" ", c.getKey()) + ": " + r).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c.getKey())).isEqualTo(c.getValue());
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void trafficParses() {
        assertThat(SimulateCommand.parseTraffic("bulk")).isEqualTo(new Traffic.Bulk());
        assertThat(SimulateCommand.parseTraffic(" Video:8mbit ")).isEqualTo(Traffic.Video.of(8_000_000));
        assertThat(SimulateCommand.parseTraffic("video:2.5mbit,chunk=100ms,duration=30s,start=0s,rebuffer=500ms"))
                .isEqualTo(new Traffic.Video(2_500_000, 100 * MS, 30_000 * MS, 0, 500 * MS));
        assertThat(((Traffic.Video) SimulateCommand.parseTraffic("video:800kbit")).durationNanos())
                .isEqualTo(VideoSender.FOREVER);
        assertThat(SimulateCommand.parseTraffic("rr:200/20k")).isEqualTo(new Traffic.RequestResponse(200, 20_000,
                SimulateCommand.DEFAULT_RR_COUNT));
        assertThat(SimulateCommand.parseTraffic("rr:1KiB/1MiB,n=7")).isEqualTo(new Traffic.RequestResponse(1024,
                1 << 20, 7));
        assertThat(SimulateCommand.parseRate("8mbit")).isEqualTo(8_000_000);
        assertThat(SimulateCommand.parseRate("1.5gbps")).isEqualTo(1_500_000_000);
    }

    @Test
    void helpDescribesTraffic() {
        Cli.Result r = Cli.run("simulate", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("--traffic=TRAFFIC", "video:RATE", "rr:REQUEST/RESPONSE", "bulk traffic only");
        for (String line : r.lines()) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        }
    }
}

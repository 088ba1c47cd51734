package org.mptcplab.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.mptcplab.stack.analyze.Analysis;
import org.mptcplab.stack.analyze.CaptureAnalyzer;
import org.mptcplab.stack.analyze.ConnectionReport;
import org.mptcplab.stack.analyze.SubflowReport;
import org.mptcplab.stack.capture.CaptureFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-analyze}: how fast {@code analyze} goes through a capture, next to tshark's MPTCP
 * analysis of the same file in the same run, and whether both find the same connections,
 * subflows and bytes.
 */
@Command(name = "bench-analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures capture analysis speed in packets/s: reads, decodes and analyses a",
            "large capture (by default the synthetic MPTCP capture of bench-decode, with",
            "1,000,000 packets) several times after a warm-up, then times tshark's MPTCP",
            "analysis of the same file and checks that both find the same MPTCP",
            "connections, subflows and bytes per subflow. Progress goes to stderr; the",
            "report (or, with --json, one JSON object) to stdout."},
        footer = {"", "Exit status: 0 done, 1 the capture could not be written or read,",
            "2 bad arguments, 3 our connections, subflows or bytes differ from tshark's."})
public final class BenchAnalyzeCommand implements Callable<Integer> {
    static final long DEFAULT_PACKETS = 1_000_000;
    /** The target: at least this many times tshark's MPTCP analysis. */
    static final double TARGET_RATIO = 10;
    private static final String NAME = "bench-analyze";

    @Spec
    CommandSpec spec;

    @Option(names = "--file", paramLabel = "FILE",
            description = "benchmark this pcap/pcapng file instead of generating one")
    Path file;

    @Option(names = "--packets", paramLabel = "N",
            description = "packets in the generated capture (default: 1000000, at least "
                    + SyntheticMptcpCapture.MIN_PACKETS + ")")
    Long packets;

    @Option(names = "--snaplen", paramLabel = "BYTES",
            description = "snap length of the generated capture, as tcpdump -s (default: 128, at least "
                    + SyntheticMptcpCapture.MIN_SNAPLEN + ")")
    Integer snaplen;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the generated capture (default: 1)")
    Long seed;

    @Option(names = "--out", paramLabel = "FILE",
            description = "write the generated capture here and keep it (default: a temporary file, deleted)")
    Path out;

    @Option(names = "--runs", paramLabel = "N", description = "timed analysis runs (default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed runs first (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--tshark", paramLabel = "PATH", description = "tshark to compare with (default: ${DEFAULT-VALUE})")
    String tshark = "tshark";

    @Option(names = "--no-tshark", description = "do not run tshark")
    boolean noTshark;

    @Option(names = "--json", description = "print the results as one JSON object")
    boolean json;

    /** One timed analysis: wall time and the bytes the thread allocated (-1 if unknown). */
    record Run(long nanos, long allocatedBytes) {
    }

    /** One tshark run, and with fields what it found. */
    record TsharkRun(List<String> command, long nanos, int exit, String error, long packets,
                     Map<Integer, TreeSet<Integer>> groups, Map<Integer, Long> bytes, int streams) {
        boolean ok() {
            return exit == 0;
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        String bad = checkArguments();
        if (bad != null) {
            err.println(NAME + ": " + bad);
            err.flush();
            return 2;
        }
        String version = null;
        String tsharkMissing = noTshark ? "skipped (--no-tshark)" : null;
        if (!noTshark) {
            String[] v = tsharkVersion(tshark);
            version = v[0];
            if (version == null) {
                if (spec.commandLine().getParseResult().hasMatchedOption("--tshark")) {
                    err.println(NAME + ": --tshark: " + v[1]);
                    err.flush();
                    return 2;
                }
                tsharkMissing = "not used: " + v[1];
            }
        }
        try (BenchCapture capture = BenchCapture.of(NAME, err, file)) {
            try {
                if (!capture.prepare(packets != null ? packets : DEFAULT_PACKETS,
                        snaplen != null ? snaplen : BenchDecodeCommand.DEFAULT_SNAPLEN,
                        seed != null ? seed : BenchDecodeCommand.DEFAULT_SEED, out)) {
                    return 1;
                }
                return bench(capture.path(), capture.generated(), capture.generateNanos(), version, tsharkMissing, stdout, err);
            } catch (CaptureFormatException e) {
                err.println(NAME + ": " + e.getMessage());
                err.flush();
                return 1;
            } catch (IOException e) {
                err.println(NAME + ": " + capture.path() + ": cannot be written: " + IoErrors.reason(e));
                err.flush();
                return 1;
            }
        }
    }

    private String checkArguments() {
        String conflict = BenchCapture.conflictsWithFile(file, packets, snaplen, seed, out);
        if (conflict != null) {
            return conflict;
        }
        if (packets != null && (packets < SyntheticMptcpCapture.MIN_PACKETS || packets > BenchDecodeCommand.MAX_PACKETS)) {
            return "--packets must be from " + SyntheticMptcpCapture.MIN_PACKETS + " to " + BenchDecodeCommand.MAX_PACKETS
                    + ", got " + packets;
        }
        if (snaplen != null && (snaplen < SyntheticMptcpCapture.MIN_SNAPLEN || snaplen > 262_144)) {
            return "--snaplen must be from " + SyntheticMptcpCapture.MIN_SNAPLEN + " (every header kept) to 262144, got "
                    + snaplen;
        }
        if (runs < 1 || runs > 1000) {
            return "--runs must be from 1 to 1000, got " + runs;
        }
        if (warmup < 0 || warmup > 100) {
            return "--warmup must be from 0 to 100, got " + warmup;
        }
        if (tshark.isBlank()) {
            return "--tshark must name a program";
        }
        return null;
    }

    private int bench(Path capture, SyntheticMptcpCapture.Result generated, long generateNanos, String version,
                      String tsharkMissing, PrintWriter stdout, PrintWriter err) throws CaptureFormatException, IOException {
        for (int i = 0; i < warmup; i++) {
            progress(err, "warm-up analysis " + (i + 1) + "/" + warmup);
            CaptureAnalyzer.analyze(capture);
        }
        Run[] timed = new Run[runs];
        Analysis analysis = null;
        for (int i = 0; i < runs; i++) {
            long a0 = allocated();
            long t0 = System.nanoTime();
            analysis = CaptureAnalyzer.analyze(capture);
            long nanos = System.nanoTime() - t0;
            long a1 = allocated();
            timed[i] = new Run(nanos, a0 < 0 || a1 < 0 ? -1 : a1 - a0);
            progress(err, "analysis run " + (i + 1) + "/" + runs + ": " + fmt(pps(analysis.packets(), nanos)) + " packets/s");
        }
        long[] sorted = Arrays.stream(timed).mapToLong(Run::nanos).sorted().toArray();
        long best = sorted[0];
        long median = (sorted[(runs - 1) / 2] + sorted[runs / 2]) / 2;

        TsharkRun quiet = null;
        TsharkRun fields = null;
        if (version != null) {
            List<String> base = List.of(tshark, "-r", capture.toString(), "-o", "mptcp.analyze_mappings:TRUE");
            List<String> q = new ArrayList<>(base);
            q.addAll(List.of("-q", "-z", "conv,tcp"));
            progress(err, "tshark: " + String.join(" ", q) + " > /dev/null");
            quiet = runTshark(q, false);
            List<String> f = new ArrayList<>(base);
            f.addAll(List.of("-T", "fields", "-e", "tcp.stream", "-e", "mptcp.stream", "-e", "tcp.len"));
            progress(err, "tshark: " + String.join(" ", f) + " (reading connections and bytes)");
            fields = runTshark(f, true);
        }
        String disagreement = fields == null || !fields.ok() ? null : compare(analysis, fields);
        Report r = new Report(capture, Files.size(capture), generated, generateNanos, analysis, timed, best, median, version,
                tsharkMissing, quiet, fields, disagreement);
        stdout.print(json ? r.json() + "\n" : r.text());
        stdout.flush();
        return fields != null && fields.ok() && !disagreement.isEmpty() ? 3 : 0;
    }

    /** Where our analysis and tshark's differ, in words; empty when they agree. */
    static String compare(Analysis a, TsharkRun t) {
        List<String> diffs = new ArrayList<>();
        if (t.packets() != a.packets()) {
            diffs.add("packets: ours " + a.packets() + ", tshark " + t.packets());
        }
        if (t.streams() != a.tcpConnections()) {
            diffs.add("TCP connections: ours " + a.tcpConnections() + ", tshark " + t.streams());
        }
        List<TreeSet<Integer>> ours = new ArrayList<>();
        for (ConnectionReport c : a.connections()) {
            TreeSet<Integer> g = new TreeSet<>();
            for (SubflowReport s : c.subflows()) {
                g.add(s.index());
                long theirs = t.bytes().getOrDefault(s.index(), 0L);
                if (theirs != s.bytes()) {
                    diffs.add("subflow " + s.index() + " bytes: ours " + s.bytes() + ", tshark " + theirs);
                }
            }
            ours.add(g);
        }
        List<TreeSet<Integer>> theirs = new ArrayList<>(t.groups().values());
        if (!new HashMap<>(count(ours)).equals(count(theirs))) {
            diffs.add("subflows per MPTCP connection: ours " + ours + ", tshark " + theirs);
        }
        return String.join("; ", diffs);
    }

    private static Map<TreeSet<Integer>, Integer> count(List<TreeSet<Integer>> groups) {
        Map<TreeSet<Integer>, Integer> m = new HashMap<>();
        for (TreeSet<Integer> g : groups) {
            m.merge(g, 1, Integer::sum);
        }
        return m;
    }

    private static long allocated() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        if (t instanceof com.sun.management.ThreadMXBean s && s.isThreadAllocatedMemorySupported()
                && s.isThreadAllocatedMemoryEnabled()) {
            return s.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    /** {version line, null} or {null, why tshark cannot be used}. */
    static String[] tsharkVersion(String tshark) {
        try {
            Process p = new ProcessBuilder(tshark, "--version").redirectErrorStream(true).start();
            String first = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (first == null && line.startsWith("TShark")) {
                        first = line.trim();
                    }
                }
            }
            int exit = p.waitFor();
            if (exit == 0 && first != null) {
                return new String[] {first, null};
            }
            return new String[] {null, "'" + tshark + " --version' did not print a TShark version (exit " + exit
                    + "); --tshark must name tshark"};
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            int at = m.indexOf("error=");
            return new String[] {null, "'" + tshark + "' could not be run: " + (at >= 0 ? m.substring(at) : m)
                    + "; install tshark (apt-get install tshark) or name it with --tshark PATH"};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {null, "interrupted while running '" + tshark + " --version'"};
        }
    }

    /**
     * Runs tshark, timed from start to exit. With {@code read} its output (tcp.stream,
     * mptcp.stream and tcp.len per packet) is read: the MPTCP connections as sets of tcp.streams,
     * and payload bytes per tcp.stream.
     */
    static TsharkRun runTshark(List<String> command, boolean read) throws IOException {
        Path errFile = Files.createTempFile("mptcp-lab-tshark-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(errFile.toFile());
            pb.redirectOutput(read ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = pb.start();
            long lines = 0;
            Map<Integer, TreeSet<Integer>> groups = new TreeMap<>();
            Map<Integer, Long> bytes = new HashMap<>();
            TreeSet<Integer> streams = new TreeSet<>();
            if (read) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII),
                        1 << 16)) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines++;
                        String[] f = line.split("\t", -1);
                        if (f.length < 3 || f[0].isEmpty()) {
                            continue;
                        }
                        int stream = Integer.parseInt(f[0]);
                        streams.add(stream);
                        if (!f[1].isEmpty()) {
                            groups.computeIfAbsent(Integer.parseInt(f[1]), k -> new TreeSet<>()).add(stream);
                        }
                        if (!f[2].isEmpty()) {
                            bytes.merge(stream, Long.parseLong(f[2]), Long::sum);
                        }
                    }
                }
            }
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for tshark", e);
            }
            long nanos = System.nanoTime() - t0;
            String error = "";
            if (exit != 0) {
                List<String> tail = new ArrayList<>();
                for (String l : Files.readAllLines(errFile, StandardCharsets.UTF_8)) {
                    if (!l.isBlank() && !l.startsWith("Running as user")) {
                        tail.add(l.trim());
                    }
                }
                error = String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size()));
            }
            return new TsharkRun(command, nanos, exit, error, lines, groups, bytes, streams.size());
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    private static void progress(PrintWriter err, String message) {
        err.println(NAME + ": " + message);
        err.flush();
    }

    static long pps(long packets, long nanos) {
        return nanos <= 0 ? 0 : Math.round(packets * 1e9 / nanos);
    }

    static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    private static String ratio(long a, long b) {
        return b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (double) a / b);
    }

    /** Everything measured, as text or JSON. */
    private record Report(Path file, long fileBytes, SyntheticMptcpCapture.Result generated, long generateNanos,
                          Analysis analysis, Run[] runs, long bestNanos, long medianNanos, String tsharkVersion,
                          String tsharkMissing, TsharkRun quiet, TsharkRun fields, String disagreement) {

        long packets() {
            return analysis.packets();
        }

        long bestPps() {
            return pps(packets(), bestNanos);
        }

        long medianPps() {
            return pps(packets(), medianNanos);
        }

        /** Allocated bytes per packet in the last run, -1 if unknown. */
        long bytesPerPacket() {
            long a = runs[runs.length - 1].allocatedBytes();
            return a < 0 || packets() == 0 ? -1 : Math.round((double) a / packets());
        }

        /** Our median over tshark's faster run: the conservative ratio. */
        Double ratio() {
            long t = Math.min(quiet == null || !quiet.ok() ? Long.MAX_VALUE : quiet.nanos(),
                    fields == null || !fields.ok() ? Long.MAX_VALUE : fields.nanos());
            return t == Long.MAX_VALUE ? null : (double) t / medianNanos;
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("capture: ").append(file).append('\n');
            sb.append("  ").append(fmt(packets())).append(" packets, ").append(fmt(fileBytes)).append(" bytes");
            if (generated != null) {
                sb.append(" (synthetic MPTCP, generated in ").append(seconds(generateNanos)).append(" s)");
            }
            sb.append('\n');
            int subflows = analysis.tcpConnections() - analysis.plainTcpConnections();
            sb.append("  ").append(analysis.connections().size()).append(" MPTCP connections, ").append(subflows)
                    .append(" subflows, ").append(analysis.plainTcpConnections()).append(" plain TCP; malformed packets: ")
                    .append(fmt(analysis.malformedPackets())).append(", capture errors: ")
                    .append(fmt(analysis.captureErrorCount())).append('\n');
            sb.append("ours (read + decode + analyse, 1 thread): best ").append(fmt(bestPps())).append(" packets/s (")
                    .append(seconds(bestNanos)).append(" s), median ").append(fmt(medianPps())).append(" packets/s (")
                    .append(seconds(medianNanos)).append(" s) over ").append(runs.length).append(" runs\n");
            sb.append("  runs (s):");
            for (Run r : runs) {
                sb.append(' ').append(seconds(r.nanos()));
            }
            sb.append('\n');
            if (bytesPerPacket() >= 0) {
                sb.append("  allocated: ").append(fmt(bytesPerPacket())).append(" bytes per packet (last run)\n");
            }
            if (tsharkMissing != null) {
                sb.append("tshark: ").append(tsharkMissing).append('\n');
            } else {
                sb.append("tshark: ").append(tsharkVersion).append('\n');
                tsharkLine(sb, "quiet   ", quiet);
                tsharkLine(sb, "fields  ", fields);
                Double ratio = ratio();
                if (ratio != null) {
                    sb.append(String.format(Locale.ROOT, "  ours (median) is %.1fx tshark's faster run; target %.0fx: %s%n",
                            ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT met"));
                }
            }
            sb.append("connections, subflows and bytes equal tshark's: ")
                    .append(disagreement == null ? "not checked" : disagreement.isEmpty() ? "yes" : "NO: " + disagreement)
                    .append('\n');
            return sb.toString();
        }

        private void tsharkLine(StringBuilder sb, String label, TsharkRun r) {
            sb.append("  ").append(label).append(fmt(pps(packets(), r.nanos()))).append(" packets/s (")
                    .append(seconds(r.nanos())).append(" s), ours median is ").append(BenchAnalyzeCommand.ratio(medianPps(), pps(packets(), r.nanos())))
                    .append("x: ").append(String.join(" ", r.command()))
                    .append(r.command().contains("fields") ? "" : " > /dev/null").append('\n');
            if (!r.ok()) {
                sb.append("    tshark FAILED (exit ").append(r.exit()).append("): ").append(r.error()).append('\n');
            }
        }

        String json() {
            SimulateCommand.JsonWriter j = new SimulateCommand.JsonWriter();
            j.beginObject();
            j.name("file").value(file.toString());
            j.name("file_bytes").value(fileBytes);
            j.name("packets").value(packets());
            j.name("generated").raw(generated == null ? "null" : "{\"seconds\":" + seconds(generateNanos) + "}");
            j.name("connections").value(analysis.connections().size());
            j.name("subflows").value(analysis.tcpConnections() - analysis.plainTcpConnections());
            j.name("machine").beginObject().name("cpus").value(Runtime.getRuntime().availableProcessors())
                    .name("java").value(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                    .name("os").value(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"))
                    .endObject();
            j.name("ours").beginObject().name("runs").value(runs.length).name("best_pps").value(bestPps())
                    .name("median_pps").value(medianPps()).name("best_seconds").raw(seconds(bestNanos))
                    .name("median_seconds").raw(seconds(medianNanos));
            j.name("run_seconds").beginArray();
            for (Run r : runs) {
                j.raw(seconds(r.nanos()));
            }
            j.endArray();
            j.name("allocated_bytes_per_packet").raw(bytesPerPacket() < 0 ? "null" : String.valueOf(bytesPerPacket()));
            j.endObject();
            j.name("tshark");
            if (tsharkMissing != null) {
                j.beginObject().name("available").value(false).name("reason").value(tsharkMissing).endObject();
            } else {
                j.beginObject().name("available").value(true).name("version").value(tsharkVersion);
                j.name("quiet");
                tsharkJson(j, quiet);
                j.name("fields");
                tsharkJson(j, fields);
                j.endObject();
            }
            Double ratio = ratio();
            j.name("ratio").raw(ratio == null ? "null" : String.format(Locale.ROOT, "%.1f", ratio));
            j.name("target_ratio").raw(String.format(Locale.ROOT, "%.0f", TARGET_RATIO));
            j.name("target_met").raw(ratio == null ? "null" : String.valueOf(ratio >= TARGET_RATIO));
            j.name("matches_tshark").raw(disagreement == null ? "null" : String.valueOf(disagreement.isEmpty()));
            if (disagreement != null && !disagreement.isEmpty()) {
                j.name("differences").value(disagreement);
            }
            j.endObject();
            return j.toString();
        }

        private void tsharkJson(SimulateCommand.JsonWriter j, TsharkRun r) {
            j.beginObject().name("command").value(String.join(" ", r.command())).name("exit").value(r.exit())
                    .name("seconds").raw(seconds(r.nanos())).name("pps").value(pps(packets(), r.nanos()));
            if (!r.ok()) {
                j.name("error").value(r.error());
            }
            j.endObject();
        }
    }
}

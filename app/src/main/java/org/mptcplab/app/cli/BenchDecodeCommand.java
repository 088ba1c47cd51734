package org.mptcplab.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.decode.DecodeStats;
import org.mptcplab.stack.decode.PacketFormat;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-decode}: how fast a capture is read and decoded, next to tshark on the same file in
 * the same run, and whether both count the same MPTCP options.
 */
@Command(name = "bench-decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures capture decoding speed in packets/s. Reads and decodes a large capture",
            "(by default a synthetic, reproducible MPTCP capture written for the purpose)",
            "several times after a warm-up, then times tshark on the same file and checks",
            "that both count the same MPTCP options per subtype. Progress goes to stderr;",
            "the report (or, with --json, one JSON object) to stdout."},
        footer = {"", "Exit status: 0 done, 1 the capture could not be written or read,",
            "2 bad arguments, 3 our MPTCP option counts differ from tshark's",
            "(or from what the generator wrote)."})
public final class BenchDecodeCommand implements Callable<Integer> {
    static final long DEFAULT_PACKETS = 2_000_000;
    static final int DEFAULT_SNAPLEN = 128;
    static final long DEFAULT_SEED = 1;
    static final long MAX_PACKETS = 1_000_000_000;
    /** The target on the 2-core reference machine. */
    static final long TARGET_PPS = 1_000_000;
    private static final String NAME = "bench-decode";

    @Spec
    CommandSpec spec;

    @Option(names = "--file", paramLabel = "FILE",
            description = "benchmark this pcap/pcapng file instead of generating one")
    Path file;

    @Option(names = "--packets", paramLabel = "N",
            description = "packets in the generated capture (default: 2000000, at least "
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

    @Option(names = "--runs", paramLabel = "N", description = "timed decode runs (default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed decode runs first (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--tshark", paramLabel = "PATH", description = "tshark to compare with (default: ${DEFAULT-VALUE})")
    String tshark = "tshark";

    @Option(names = "--no-tshark", description = "do not run tshark")
    boolean noTshark;

    @Option(names = "--json", description = "print the results as one JSON object")
    boolean json;

    /** One timed pass of our reader and decoder over the file. */
    record DecodeRun(long nanos, DecodeStats stats, long captureErrors) {
    }

    /** One tshark run: wall time, exit status and, when its output was read, what it printed. */
    record TsharkRun(List<String> command, long nanos, int exit, String stderrTail, long packets, long[] perSubtype,
                     long unparsed) {
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
        if (!noTshark && spec.commandLine().getParseResult().hasMatchedOption("--tshark") && tsharkVersion() == null) {
            // Named on purpose, so a tshark that is not there or not tshark is a bad argument,
            // found before the minutes of benchmarking rather than after.
            err.println(NAME + ": --tshark: " + tsharkProblem);
            err.flush();
            return 2;
        }
        try (BenchCapture capture = BenchCapture.of(NAME, err, file)) {
            try {
                if (!capture.prepare(packets != null ? packets : DEFAULT_PACKETS, snaplen != null ? snaplen : DEFAULT_SNAPLEN,
                        seed != null ? seed : DEFAULT_SEED, out)) {
                    return 1;
                }
                return bench(capture.path(), capture.generated(), capture.generateNanos(), stdout, err);
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

    /** What is wrong with the arguments, or null. */
    private String checkArguments() {
        String conflict = BenchCapture.conflictsWithFile(file, packets, snaplen, seed, out);
        if (conflict != null) {
            return conflict;
        }
        if (packets != null && (packets < SyntheticMptcpCapture.MIN_PACKETS || packets > MAX_PACKETS)) {
            return "--packets must be from " + SyntheticMptcpCapture.MIN_PACKETS + " to " + MAX_PACKETS
                    + " (the handshakes and teardown alone take " + SyntheticMptcpCapture.FIXED_PACKETS + "), got " + packets;
        }
        if (snaplen != null && (snaplen < SyntheticMptcpCapture.MIN_SNAPLEN || snaplen > 262_144)) {
            return "--snaplen must be from " + SyntheticMptcpCapture.MIN_SNAPLEN
                    + " (every header kept) to 262144, got " + snaplen;
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

    private int bench(Path capture, SyntheticMptcpCapture.Result generated, long generateNanos, PrintWriter stdout,
                      PrintWriter err) throws CaptureFormatException, IOException {
        long fileBytes = Files.size(capture);
        for (int i = 0; i < warmup; i++) {
            progress(err, "warm-up decode " + (i + 1) + "/" + warmup);
            decodeOnce(capture);
        }
        DecodeRun[] timed = new DecodeRun[runs];
        for (int i = 0; i < runs; i++) {
            timed[i] = decodeOnce(capture);
            progress(err, "decode run " + (i + 1) + "/" + runs + ": " + fmt(pps(timed[i].stats().packets(), timed[i].nanos()))
                    + " packets/s");
        }
        DecodeStats stats = timed[0].stats();
        long packetCount = stats.packets();
        long[] sorted = Arrays.stream(timed).mapToLong(DecodeRun::nanos).sorted().toArray();
        long bestNanos = sorted[0];
        // The median of an even count is the mean of the middle two.
        long medianNanos = (sorted[(runs - 1) / 2] + sorted[runs / 2]) / 2;
        long[] ours = perSubtype(stats);

        String tsharkVersion = null;
        String tsharkMissing = null;
        TsharkRun plain = null;
        TsharkRun fields = null;
        if (noTshark) {
            tsharkMissing = "skipped (--no-tshark)";
        } else {
            tsharkVersion = tsharkVersion();
            if (tsharkVersion == null) {
                tsharkMissing = "not used: " + tsharkProblem;
            } else {
                List<String> base = List.of(tshark, "-r", capture.toString(), "-o", "mptcp.analyze_mptcp:FALSE");
                progress(err, "tshark: " + String.join(" ", base) + " > /dev/null");
                plain = runTshark(base, false);
                List<String> f = new ArrayList<>(base);
                f.addAll(List.of("-T", "fields", "-e", "tcp.options.mptcp.subtype"));
                progress(err, "tshark: " + String.join(" ", f) + " (counting subtypes)");
                fields = runTshark(f, true);
            }
        }

        boolean generatorMatch = generated == null || Arrays.equals(generated.perSubtype(), ours)
                && generated.packets() == packetCount;
        Boolean tsharkMatch = fields == null || !fields.ok() ? null
                : Arrays.equals(fields.perSubtype(), ours) && fields.packets() == packetCount && fields.unparsed() == 0;
        Report report = new Report(capture, generated, generateNanos, fileBytes, packetCount, timed, bestNanos, medianNanos,
                ours, stats, tsharkVersion, tsharkMissing, plain, fields, generatorMatch, tsharkMatch);
        stdout.print(json ? report.json() + "\n" : report.text());
        stdout.flush();
        return !generatorMatch || Boolean.FALSE.equals(tsharkMatch) ? 3 : 0;
    }

    /** Reads and decodes every packet, counting MPTCP options (so the JIT cannot drop the work). */
    static DecodeRun decodeOnce(Path capture) throws CaptureFormatException {
        DecodeStats stats = new DecodeStats();
        long t0 = System.nanoTime();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CaptureRecord r;
            while ((r = reader.next()) != null) {
                stats.add(PacketDecoder.decode(r.linkType(), r.data()));
            }
            return new DecodeRun(System.nanoTime() - t0, stats, reader.errorCount());
        }
    }

    private static long[] perSubtype(DecodeStats stats) {
        long[] a = new long[16];
        for (int s = 0; s < 16; s++) {
            a[s] = stats.subtype(s);
        }
        return a;
    }

    /** Why {@link #tsharkVersion()} returned null: the program's own failure, in words. */
    private String tsharkProblem;

    /**
     * tshark's first version line, e.g. "TShark (Wireshark) 4.0.17 (...)", or null if it cannot be
     * run or is not tshark; then {@link #tsharkProblem} says why (not found, not executable, its
     * exit status and what it printed).
     */
    private String tsharkVersion() {
        try {
            Process p = new ProcessBuilder(tshark, "--version").redirectErrorStream(true).start();
            String first = null;
            String firstAny = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (first == null && line.startsWith("TShark")) {
                        first = line.trim();
                    }
                    if (firstAny == null && !line.isBlank()) {
                        firstAny = line.trim();
                    }
                }
            }
            int exit = p.waitFor();
            if (exit == 0 && first != null) {
                return first;
            }
            tsharkProblem = "'" + tshark + " --version' " + (exit == 0 ? "ran but" : "exited with status " + exit + " and")
                    + (firstAny == null ? " printed nothing" : " did not print a TShark version (first line: " + firstAny + ")")
                    + "; --tshark must name tshark";
            return null;
        } catch (IOException e) {
            // ProcessBuilder's message carries the OS reason: "error=2, No such file or directory".
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            int at = m.indexOf("error=");
            tsharkProblem = "'" + tshark + "' could not be run: " + (at >= 0 ? m.substring(at) : m)
                    + "; install tshark (apt-get install tshark) or name it with --tshark PATH";
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tsharkProblem = "interrupted while running '" + tshark + " --version'";
            return null;
        }
    }

    /**
     * Runs tshark and times it from start to exit. With {@code count} its output (one line of
     * comma-separated subtypes per packet) is read and counted; otherwise it goes to /dev/null.
     */
    static TsharkRun runTshark(List<String> command, boolean count) throws IOException {
        Path errFile = Files.createTempFile("mptcp-lab-tshark-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(errFile.toFile());
            pb.redirectOutput(count ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = pb.start();
            long lines = 0;
            long unparsed = 0;
            long[] per = new long[16];
            if (count) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII),
                        1 << 16)) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines++;
                        unparsed += countSubtypes(line, per);
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
            return new TsharkRun(command, nanos, exit, exit == 0 ? "" : tail(errFile), lines, per, unparsed);
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    /** Adds the subtypes of one tshark line ("", "2" or "3,2") to {@code per}; returns values it could not read. */
    static int countSubtypes(String line, long[] per) {
        int bad = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            int j = line.indexOf(',', i);
            if (j < 0) {
                j = n;
            }
            String v = line.substring(i, j).trim();
            try {
                int s = v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
                if (s >= 0 && s < 16) {
                    per[s]++;
                } else {
                    bad++;
                }
            } catch (NumberFormatException e) {
                bad++;
            }
            i = j + 1;
        }
        return bad;
    }

    /** The last lines of a tshark error file, without its "Running as user root" notice. */
    private static String tail(Path errFile) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(errFile, StandardCharsets.UTF_8)) {
            if (!l.isBlank() && !l.startsWith("Running as user")) {
                lines.add(l.trim());
            }
        }
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
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
    private record Report(Path file, SyntheticMptcpCapture.Result generated, long generateNanos, long fileBytes,
                          long packets, DecodeRun[] runs, long bestNanos, long medianNanos, long[] ours, DecodeStats stats,
                          String tsharkVersion, String tsharkMissing, TsharkRun plain, TsharkRun fields,
                          boolean generatorMatch, Boolean tsharkMatch) {

        long bestPps() {
            return pps(packets, bestNanos);
        }

        long medianPps() {
            return pps(packets, medianNanos);
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("capture: ").append(file).append('\n');
            sb.append("  ").append(fmt(packets)).append(" packets, ").append(fmt(fileBytes)).append(" bytes");
            if (generated != null) {
                sb.append(" (synthetic MPTCP, generated in ").append(seconds(generateNanos)).append(" s)");
            }
            sb.append('\n');
            sb.append("  malformed packets: ").append(fmt(stats.malformed())).append(", capture errors: ")
                    .append(fmt(runs[0].captureErrors())).append('\n');
            sb.append("ours (read + decode, 1 thread): best ").append(fmt(bestPps())).append(" packets/s (")
                    .append(seconds(bestNanos)).append(" s), median ").append(fmt(medianPps())).append(" packets/s (")
                    .append(seconds(medianNanos)).append(" s) over ").append(runs.length).append(" runs\n");
            sb.append("  runs (s):");
            for (DecodeRun r : runs) {
                sb.append(' ').append(seconds(r.nanos()));
            }
            sb.append('\n');
            sb.append("  target ").append(fmt(TARGET_PPS)).append(" packets/s: ")
                    .append(bestPps() >= TARGET_PPS ? "met" : "NOT met").append('\n');
            if (tsharkMissing != null) {
                sb.append("tshark: ").append(tsharkMissing).append('\n');
            } else {
                sb.append("tshark: ").append(tsharkVersion).append('\n');
                tsharkLine(sb, "plain   ", plain);
                tsharkLine(sb, "fields  ", fields);
            }
            sb.append("MPTCP options per subtype:\n");
            for (int s = 0; s < 16; s++) {
                long t = fields != null && fields.ok() ? fields.perSubtype()[s] : -1;
                long g = generated != null ? generated.perSubtype()[s] : -1;
                if (ours[s] == 0 && t <= 0 && g <= 0) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "  %-15s ours %,13d", MptcpOption.subtypeName(s), ours[s]));
                if (t >= 0) {
                    sb.append(String.format(Locale.ROOT, "   tshark %,13d", t));
                }
                if (g >= 0) {
                    sb.append(String.format(Locale.ROOT, "   generated %,13d", g));
                }
                sb.append('\n');
            }
            if (generated != null) {
                sb.append("counts equal what the generator wrote: ").append(generatorMatch ? "yes" : "NO").append('\n');
            }
            sb.append("counts equal tshark's: ").append(tsharkMatch == null ? "not checked"
                    : tsharkMatch ? "yes" : "NO (packets: ours " + fmt(packets) + ", tshark " + fmt(fields.packets())
                            + (fields.unparsed() > 0 ? ", " + fields.unparsed() + " tshark values unreadable" : "") + ")")
                    .append('\n');
            return sb.toString();
        }

        private void tsharkLine(StringBuilder sb, String label, TsharkRun r) {
            sb.append("  ").append(label).append(fmt(pps(packets, r.nanos()))).append(" packets/s (")
                    .append(seconds(r.nanos())).append(" s), ours best is ").append(ratio(bestPps(), pps(packets, r.nanos())))
                    .append("x: ").append(String.join(" ", r.command()))
                    .append(r.command().contains("fields") ? "" : " > /dev/null").append('\n');
            if (!r.ok()) {
                sb.append("    tshark FAILED (exit ").append(r.exit()).append("): ").append(r.stderrTail()).append('\n');
            }
        }

        String json() {
            StringBuilder sb = new StringBuilder(1024);
            sb.append("{\"file\":");
            PacketFormat.string(sb, file.toString());
            sb.append(",\"file_bytes\":").append(fileBytes).append(",\"packets\":").append(packets);
            sb.append(",\"generated\":");
            if (generated != null) {
                sb.append("{\"seconds\":").append(seconds(generateNanos)).append(",\"mptcp_options\":");
                subtypes(sb, generated.perSubtype());
                sb.append('}');
            } else {
                sb.append("null");
            }
            sb.append(",\"machine\":{\"cpus\":").append(Runtime.getRuntime().availableProcessors()).append(",\"java\":");
            PacketFormat.string(sb, System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            sb.append(",\"os\":");
            PacketFormat.string(sb, System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"));
            sb.append('}');
            sb.append(",\"ours\":{\"runs\":").append(runs.length).append(",\"best_pps\":").append(bestPps())
                    .append(",\"median_pps\":").append(medianPps()).append(",\"best_seconds\":").append(seconds(bestNanos))
                    .append(",\"median_seconds\":").append(seconds(medianNanos)).append(",\"run_seconds\":[");
            for (int i = 0; i < runs.length; i++) {
                sb.append(i == 0 ? "" : ",").append(seconds(runs[i].nanos()));
            }
            sb.append("],\"malformed_packets\":").append(stats.malformed()).append(",\"capture_errors\":")
                    .append(runs[0].captureErrors()).append(",\"mptcp_options\":");
            subtypes(sb, ours);
            sb.append("},\"target_pps\":").append(TARGET_PPS).append(",\"target_met\":").append(bestPps() >= TARGET_PPS);
            sb.append(",\"tshark\":");
            if (tsharkMissing != null) {
                sb.append("{\"available\":false,\"reason\":");
                PacketFormat.string(sb, tsharkMissing);
                sb.append('}');
            } else {
                sb.append("{\"available\":true,\"version\":");
                PacketFormat.string(sb, tsharkVersion);
                sb.append(",\"plain\":");
                tsharkJson(sb, plain);
                sb.append(",\"fields\":");
                tsharkJson(sb, fields);
                if (fields.ok()) {
                    sb.append(",\"mptcp_options\":");
                    subtypes(sb, fields.perSubtype());
                    sb.append(",\"packets\":").append(fields.packets());
                }
                sb.append('}');
            }
            sb.append(",\"counts_match_generator\":").append(generated == null ? "null" : String.valueOf(generatorMatch));
            sb.append(",\"counts_match_tshark\":").append(tsharkMatch == null ? "null" : tsharkMatch.toString());
            return sb.append('}').toString();
        }

        private void tsharkJson(StringBuilder sb, TsharkRun r) {
            sb.append("{\"command\":");
            PacketFormat.string(sb, String.join(" ", r.command()));
            sb.append(",\"exit\":").append(r.exit()).append(",\"seconds\":").append(seconds(r.nanos()))
                    .append(",\"pps\":").append(pps(packets, r.nanos()))
                    .append(",\"ratio\":").append(r.nanos() <= 0 ? "null" : ratio(bestPps(), pps(packets, r.nanos())));
            if (!r.ok()) {
                sb.append(",\"error\":");
                PacketFormat.string(sb, r.stderrTail());
            }
            sb.append('}');
        }

        private static void subtypes(StringBuilder sb, long[] per) {
            sb.append('{');
            boolean first = true;
            for (int s = 0; s < 16; s++) {
                if (per[s] > 0) {
                    sb.append(first ? "\"" : ",\"").append(MptcpOption.subtypeName(s)).append("\":").append(per[s]);
                    first = false;
                }
            }
            sb.append('}');
        }
    }
}

package org.mptcplab.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mptcplab.app.cli.SimulateCommand.JsonWriter;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.emu.Host;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.PathDirection;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.sim.Scenario.SimulationResult;
import org.mptcplab.stack.wire.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-stack}: how fast and how well our MPTCP stack moves data in the emulated network,
 * next to the Linux kernel's MPTCP on veth in the same run: in-process goodput over unlimited
 * links, aggregation of two rate-limited paths, and whether the heap stays flat over a long
 * transfer.
 */
@Command(name = "bench-stack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmarks our MPTCP stack in the emulated network (one connection, client to",
            "server, 2 paths, 2 subflows). One of:",
            "  --goodput      (the default) wall-clock goodput over 2 unlimited paths with",
            "                 50 us one-way delay, no hashing and no mapping log; warm-up",
            "                 runs, then timed runs, best and median",
            "  --aggregation  goodput over 40mbit,10ms + 20mbit,40ms in virtual time, its",
            "                 ratio to 60 Mbit/s and to the payload ceiling of these links",
            "  --memory       a bulk transfer of --minutes of virtual time over 2 x",
            "                 40mbit,10ms; the used heap after System.gc() every --interval",
            "With --kernel, the Linux kernel's MPTCP does the same transfer between two",
            "network namespaces (scripts/kernel-mptcp-bench.sh, needs root) in the same run",
            "and the ratio is shown. Progress goes to stderr; the report (or, with --json,",
            "one JSON object) to stdout."},
        footer = {"", "SIZE: bytes, or with K, M, G (powers of 1000) or KiB, MiB, GiB, e.g. 200M.",
            "TIME: a number and ns, us, ms or s, e.g. 30s.",
            "",
            "Exit status: 0 done (also when the kernel reference is unavailable: the report",
            "says why), 1 a transfer failed (reset, short, not finished), the kernel",
            "reference failed, or the heap grew by more than --max-growth; 2 bad arguments."})
public final class BenchStackCommand implements Callable<Integer> {
    static final long DEFAULT_GOODPUT_BYTES = 2_000_000_000L;
    static final long DEFAULT_AGGREGATION_BYTES = 1_000_000_000L;
    static final long MAX_BYTES = 1_000_000_000_000L;
    /** One-way delay of the unlimited goodput paths. */
    static final long GOODPUT_DELAY_NANOS = 50_000L;
    /** The floor and target on the 2-core reference machine. */
    static final double TARGET_GBPS = 2.0;
    static final double GOAL_GBPS = 4.0;
    static final long AGGREGATE_BPS = 60_000_000L;
    static final double AGGREGATION_TARGET = 0.95;
    /**
     * Payload of a full segment: MSS 1460 less timestamps (12 B with their two NOPs) and a DSS with a
     * mapping but no data ACK (18 B, padded to 20: an unchanged data ACK is left out, RFC 8684 3.3.2).
     */
    static final int FULL_PAYLOAD = 1428;
    static final int MTU = 1500;
    static final double PAYLOAD_CEILING = (double) FULL_PAYLOAD / MTU;
    static final String DEFAULT_MINUTES = "10";
    static final String DEFAULT_INTERVAL = "30s";
    static final String DEFAULT_MAX_GROWTH = "64MiB";
    static final String SCRIPT = "scripts/kernel-mptcp-bench.sh";
    private static final String NAME = "bench-stack";
    private static final Pattern KERNEL_LINE =
            Pattern.compile("kernel_goodput_bps=([0-9]+) bytes=([0-9]+) seconds=([0-9.]+)");
    private static final Pattern KERNEL_PATH = Pattern.compile("path ([0-9]+) rx_bytes=([0-9]+)");
    private static final Pattern KERNEL_COUNTERS = Pattern.compile("server MPTCP counters: ?(.*)");

    @Spec
    CommandSpec spec;

    @Option(names = "--goodput", description = "in-process goodput over unlimited links (the default)")
    boolean goodput;

    @Option(names = "--aggregation", description = "aggregation of 40mbit,10ms + 20mbit,40ms")
    boolean aggregation;

    @Option(names = "--memory", description = "heap over a long transfer in virtual time")
    boolean memory;

    @Option(names = "--bytes", paramLabel = "SIZE",
            description = "bytes per transfer (default: 2G for --goodput, 1G for --aggregation)")
    String bytesArg;

    @Option(names = "--runs", paramLabel = "N", description = "--goodput: timed runs (default: 5)")
    Integer runs;

    @Option(names = "--warmup", paramLabel = "N", description = "--goodput: untimed runs first (default: 1)")
    Integer warmup;

    @Option(names = "--minutes", paramLabel = "M",
            description = "--memory: virtual minutes of transfer (default: " + DEFAULT_MINUTES + "; fractions allowed)")
    String minutesArg;

    @Option(names = "--interval", paramLabel = "TIME",
            description = "--memory: virtual time between heap samples (default: " + DEFAULT_INTERVAL + ")")
    String intervalArg;

    @Option(names = "--max-growth", paramLabel = "SIZE",
            description = "--memory: fail if the heap grows more than this from the first sample to the last "
                    + "(default: " + DEFAULT_MAX_GROWTH + ")")
    String maxGrowthArg;

    @Option(names = "--seed", paramLabel = "N", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--kernel", description = "also run the Linux kernel's MPTCP on veth (" + SCRIPT + ", root)")
    boolean kernel;

    @Option(names = "--kernel-runs", paramLabel = "N",
            description = "kernel runs (default: 3 for --goodput, 1 for --aggregation)")
    Integer kernelRuns;

    @Option(names = "--kernel-script", paramLabel = "FILE",
            description = "the kernel benchmark script (default: " + SCRIPT + " in the current directory or the "
                    + "checkout the jar was built in)")
    Path kernelScript;

    @Option(names = "--json", description = "print the results as one JSON object")
    boolean json;

    enum Mode {
        GOODPUT("goodput"), AGGREGATION("aggregation"), MEMORY("memory");

        final String key;

        Mode(String key) {
            this.key = key;
        }
    }

    /** Everything the arguments mean, once checked. */
    record Settings(Mode mode, long bytes, int runs, int warmup, long durationNanos, long intervalNanos,
                    long maxGrowthBytes, int kernelRuns) {
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        Settings s = settings(problems);
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println(NAME + ": " + p);
            }
            err.flush();
            return 2;
        }
        try {
            return switch (s.mode()) {
                case GOODPUT -> goodput(s, out, err);
                case AGGREGATION -> aggregation(s, out, err);
                case MEMORY -> memory(s, out, err);
            };
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } finally {
            err.flush();
            out.flush();
        }
    }

    // ------------------------------------------------------------------ arguments

    Settings settings(List<String> problems) {
        int modes = (goodput ? 1 : 0) + (aggregation ? 1 : 0) + (memory ? 1 : 0);
        if (modes > 1) {
            problems.add("--goodput, --aggregation and --memory are different benchmarks: give one of them");
            return null;
        }
        Mode mode = aggregation ? Mode.AGGREGATION : memory ? Mode.MEMORY : Mode.GOODPUT;
        String modeOption = "--" + mode.key;
        List<String> notHere = new ArrayList<>();
        if (mode != Mode.GOODPUT) {
            if (runs != null) {
                notHere.add("--runs");
            }
            if (warmup != null) {
                notHere.add("--warmup");
            }
        }
        if (mode != Mode.MEMORY) {
            if (minutesArg != null) {
                notHere.add("--minutes");
            }
            if (intervalArg != null) {
                notHere.add("--interval");
            }
            if (maxGrowthArg != null) {
                notHere.add("--max-growth");
            }
        } else {
            if (bytesArg != null) {
                notHere.add("--bytes");
            }
            if (kernel) {
                notHere.add("--kernel");
            }
        }
        if (!kernel) {
            if (kernelRuns != null) {
                notHere.add("--kernel-runs");
            }
            if (kernelScript != null) {
                notHere.add("--kernel-script");
            }
        }
        for (String o : notHere) {
            String why = switch (o) {
                case "--runs", "--warmup" -> "applies to --goodput only"
                        + (mode == Mode.AGGREGATION ? " (an aggregation run is in virtual time: every run gives the same result)"
                        : "");
                case "--minutes", "--interval", "--max-growth" -> "applies to --memory only";
                case "--bytes" -> "does not apply to --memory (it runs for --minutes of virtual time)";
                case "--kernel" -> "does not apply to --memory (only our stack's heap is sampled)";
                default -> "needs --kernel";
            };
            problems.add(o + " " + why + (o.startsWith("--kernel-") ? "" : ", not " + modeOption));
        }
        long bytes = mode == Mode.AGGREGATION ? DEFAULT_AGGREGATION_BYTES : DEFAULT_GOODPUT_BYTES;
        if (bytesArg != null && mode != Mode.MEMORY) {
            try {
                bytes = SimulateCommand.parseSize(bytesArg);
                if (bytes < 1 || bytes > MAX_BYTES) {
                    problems.add("--bytes must be from 1 to " + MAX_BYTES + " (1T), got " + bytesArg.trim());
                }
            } catch (IllegalArgumentException e) {
                problems.add("--bytes '" + bytesArg + "' " + e.getMessage());
            }
        }
        int r = runs == null ? 5 : runs;
        if (r < 1 || r > 1000) {
            problems.add("--runs must be from 1 to 1000, got " + r);
        }
        int w = warmup == null ? 1 : warmup;
        if (w < 0 || w > 100) {
            problems.add("--warmup must be from 0 to 100, got " + w);
        }
        long duration = 0;
        String minutesText = minutesArg == null ? DEFAULT_MINUTES : minutesArg.trim();
        try {
            BigDecimal m = new BigDecimal(minutesText);
            BigDecimal nanos = m.multiply(BigDecimal.valueOf(60_000_000_000L));
            if (m.signum() <= 0 || m.compareTo(BigDecimal.valueOf(24 * 60)) > 0) {
                problems.add("--minutes must be more than 0 and at most 1440 (a day), got " + minutesText);
            } else if (nanos.stripTrailingZeros().scale() > 0) {
                problems.add("--minutes " + minutesText + " is not a whole number of nanoseconds");
            } else {
                duration = nanos.longValueExact();
            }
        } catch (NumberFormatException e) {
            problems.add("--minutes '" + minutesText + "' is not a number (e.g. 10 or 0.5)");
        }
        long interval = 0;
        String intervalText = intervalArg == null ? DEFAULT_INTERVAL : intervalArg;
        try {
            interval = SimulateCommand.parseDuration(intervalText);
            if (interval < 1_000_000L) {
                problems.add("--interval must be at least 1ms, got " + intervalText.trim());
            } else if (duration > 0 && interval > duration) {
                problems.add("--interval " + intervalText.trim() + " is longer than --minutes " + minutesText
                        + ": there would be no sample");
            }
        } catch (IllegalArgumentException e) {
            problems.add("--interval '" + intervalText + "' " + e.getMessage());
        }
        long maxGrowth = 0;
        String growthText = maxGrowthArg == null ? DEFAULT_MAX_GROWTH : maxGrowthArg;
        try {
            maxGrowth = SimulateCommand.parseSize(growthText);
        } catch (IllegalArgumentException e) {
            problems.add("--max-growth '" + growthText + "' " + e.getMessage());
        }
        int k = kernelRuns != null ? kernelRuns : mode == Mode.GOODPUT ? 3 : 1;
        if (k < 1 || k > 100) {
            problems.add("--kernel-runs must be from 1 to 100, got " + k);
        }
        if (kernelScript != null && !Files.isRegularFile(kernelScript)) {
            problems.add("--kernel-script " + kernelScript + ": " + (Files.exists(kernelScript) ? "not a regular file"
                    : "no such file"));
        }
        return new Settings(mode, bytes, r, w, duration, interval, maxGrowth, k);
    }

    // ------------------------------------------------------------------ goodput

    /** One timed transfer over unlimited links. */
    record GoodputRun(long bytes, long wallNanos, long virtualNanos, long durationNanos, long delivered, String problem,
                      long allocatedBytes, long dataPackets, long ackPackets, long gcCount, long gcMillis,
                      long networkEvents, long retransmittedBytes, long rtos, long fastRetransmits, long reinjected,
                      long droppedPackets, List<SubflowSnapshot> subflows) {
        double gbps() {
            return wallNanos <= 0 ? 0 : bytes * 8.0 / wallNanos;
        }
    }

    static List<LinkConfig> goodputPaths() {
        LinkConfig c = LinkConfig.UNLIMITED.withDelay(GOODPUT_DELAY_NANOS);
        return List.of(c, c);
    }

    static GoodputRun goodputOnce(long bytes, long seed) throws IOException {
        Scenario sc = new Scenario().bytes(bytes).seed(seed).light(true).deadline(600_000_000_000L);
        for (LinkConfig c : goodputPaths()) {
            sc.path(c);
        }
        long gc0 = gcCount();
        long gcMs0 = gcMillis();
        long alloc0 = allocatedBytes();
        SimulationResult r = sc.run();
        long alloc = allocatedBytes() - alloc0;
        long gc = gcCount() - gc0;
        long gcMs = gcMillis() - gcMs0;
        long[] pk = packets(r.pathStates());
        Traffic t = traffic(r);
        return new GoodputRun(bytes, r.wallNanos(), r.virtualNanos(), Math.round(r.durationSeconds() * 1e9),
                r.bytesDelivered(), problem(r), alloc0 < 0 ? -1 : alloc, pk[0], pk[1], gc, gcMs, r.networkEvents(),
                t.retxBytes(), t.rtos(), t.fastRetransmits(), t.reinjected(), pk[2], r.subflows());
    }

    private int goodput(Settings s, PrintWriter out, PrintWriter err) throws IOException {
        long bytes = s.bytes();
        progress(err, "goodput: " + fmt(bytes) + " bytes over 2 x " + goodputPaths().get(0).toSpec() + ", "
                + s.warmup() + " warm-up + " + s.runs() + " timed run(s)");
        for (int i = 0; i < s.warmup(); i++) {
            GoodputRun w = goodputOnce(bytes, seed);
            progress(err, "warm-up " + (i + 1) + "/" + s.warmup() + ": " + gbpsText(w.gbps()) + " Gbit/s ("
                    + secs(w.wallNanos()) + " s)" + (w.problem() == null ? "" : ", " + w.problem()));
        }
        List<GoodputRun> timed = new ArrayList<>();
        for (int i = 0; i < s.runs(); i++) {
            GoodputRun g = goodputOnce(bytes, seed);
            timed.add(g);
            progress(err, "run " + (i + 1) + "/" + s.runs() + ": " + gbpsText(g.gbps()) + " Gbit/s (" + secs(g.wallNanos())
                    + " s wall, " + secs(g.virtualNanos()) + " s virtual)" + (g.problem() == null ? "" : ", " + g.problem()));
        }
        KernelResult k = kernel ? runKernel(s, List.of("--bytes", Long.toString(bytes), "--paths", "2"),
                Math.max(120, bytes / 50_000_000L), err) : null;
        GoodputReport rep = new GoodputReport(bytes, s.warmup(), timed, k);
        out.print(json ? rep.json() + "\n" : rep.text());
        boolean ok = timed.stream().allMatch(g -> g.problem() == null) && (k == null || !k.failed());
        return ok ? 0 : 1;
    }

    record GoodputReport(long bytes, int warmup, List<GoodputRun> runs, KernelResult kernel) {
        double best() {
            return runs.stream().mapToDouble(GoodputRun::gbps).max().orElse(0);
        }

        double median() {
            return median(runs.stream().mapToDouble(GoodputRun::gbps).toArray());
        }

        static double median(double[] v) {
            double[] a = v.clone();
            Arrays.sort(a);
            int n = a.length;
            return n == 0 ? 0 : (a[(n - 1) / 2] + a[n / 2]) / 2;
        }

        GoodputRun last() {
            return runs.get(runs.size() - 1);
        }

        String text() {
            StringBuilder sb = new StringBuilder(2048);
            sb.append("stack goodput (in-process): 1 connection, client to server, 2 paths ")
                    .append(goodputPaths().get(0).toSpec()).append(" each way, ").append(fmt(bytes))
                    .append(" bytes, no hashing, no mapping log\n");
            sb.append("  warm-up runs: ").append(warmup).append('\n');
            int i = 1;
            for (GoodputRun g : runs) {
                sb.append(String.format(Locale.ROOT, "  run %d: %s Gbit/s, %s s wall, %s s virtual, %s network events%s%n",
                        i++, gbpsText(g.gbps()), secs(g.wallNanos()), secs(g.virtualNanos()), fmt(g.networkEvents()),
                        g.problem() == null ? "" : ", FAILED: " + g.problem()));
                sb.append(String.format(Locale.ROOT,
                        "         %s data + %s ACK packets (%s payload bytes per data packet, at most %d); allocated %s "
                        + "(%s B per data packet), %d GCs (%d ms)%n",
                        fmt(g.dataPackets()), fmt(g.ackPackets()), perPacket(g.delivered(), g.dataPackets()), FULL_PAYLOAD,
                        g.allocatedBytes() < 0 ? "n/a" : mib(g.allocatedBytes()),
                        g.allocatedBytes() < 0 ? "n/a" : perPacket(g.allocatedBytes(), g.dataPackets()), g.gcCount(),
                        g.gcMillis()));
                sb.append(String.format(Locale.ROOT,
                        "         retransmitted %s bytes, %d RTOs, %d fast retransmits, %s reinjected, %s packets dropped%n",
                        fmt(g.retransmittedBytes()), g.rtos(), g.fastRetransmits(), fmt(g.reinjected()),
                        fmt(g.droppedPackets())));
            }
            sb.append(String.format(Locale.ROOT, "ours: best %s Gbit/s, median %s Gbit/s over %d run(s) (wall clock, "
                    + "connect to both ends closed)%n", gbpsText(best()), gbpsText(median()), runs.size()));
            sb.append(String.format(Locale.ROOT, "  target %.0f Gbit/s: %s; goal %.0f Gbit/s: %s (median)%n", TARGET_GBPS,
                    median() >= TARGET_GBPS ? "met" : "NOT met", GOAL_GBPS, median() >= GOAL_GBPS ? "met" : "not met"));
            GoodputRun l = last();
            sb.append("  subflows (last run, client):");
            for (SubflowSnapshot f : l.subflows()) {
                sb.append(String.format(Locale.ROOT, " [id %d path %d: %s bytes, %.1f%%]", f.id(), f.iface() + 1,
                        fmt(f.bytesSent()), l.bytes() == 0 ? 0 : 100.0 * f.bytesSent() / l.bytes()));
            }
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "  virtual time of the last run: %s s (%s Gbit/s in virtual time)%n",
                    secs(l.durationNanos()), gbpsText(l.durationNanos() <= 0 ? 0 : l.delivered() * 8.0 / l.durationNanos())));
            if (kernel != null) {
                kernel.text(sb);
                if (kernel.bestBps() > 0) {
                    sb.append(String.format(Locale.ROOT, "ours / kernel: best %s, median %s%n",
                            ratio(best() * 1e9, kernel.bestBps()), ratio(median() * 1e9, kernel.medianBps())));
                }
            }
            return sb.toString();
        }

        String json() {
            JsonWriter j = new JsonWriter();
            j.beginObject();
            j.name("mode").value("goodput");
            j.name("bytes").value(bytes);
            j.name("paths").beginArray();
            for (LinkConfig c : goodputPaths()) {
                j.value(c.toSpec());
            }
            j.endArray();
            j.name("light").value(true);
            j.name("warmup").value(warmup);
            j.name("runs").beginArray();
            for (GoodputRun g : runs) {
                j.beginObject();
                j.name("ok").value(g.problem() == null);
                j.name("problem").value(g.problem());
                j.name("gbps").raw(dec(g.gbps(), 4));
                j.name("wall_s").raw(dec(g.wallNanos() / 1e9, 6));
                j.name("virtual_s").raw(dec(g.virtualNanos() / 1e9, 9));
                j.name("bytes_delivered").value(g.delivered());
                j.name("network_events").value(g.networkEvents());
                j.name("data_packets").value(g.dataPackets());
                j.name("ack_packets").value(g.ackPackets());
                j.name("payload_bytes_per_data_packet").raw(g.dataPackets() == 0 ? "null"
                        : dec((double) g.delivered() / g.dataPackets(), 1));
                j.name("allocated_bytes").value(g.allocatedBytes());
                j.name("allocated_bytes_per_data_packet").raw(g.allocatedBytes() < 0 || g.dataPackets() == 0 ? "null"
                        : dec((double) g.allocatedBytes() / g.dataPackets(), 1));
                j.name("gc_count").value(g.gcCount());
                j.name("gc_ms").value(g.gcMillis());
                j.name("retransmitted_bytes").value(g.retransmittedBytes());
                j.name("rto_count").value(g.rtos());
                j.name("fast_retransmits").value(g.fastRetransmits());
                j.name("reinjected").value(g.reinjected());
                j.name("dropped_packets").value(g.droppedPackets());
                j.endObject();
            }
            j.endArray();
            j.name("best_gbps").raw(dec(best(), 4));
            j.name("median_gbps").raw(dec(median(), 4));
            j.name("target_gbps").raw(dec(TARGET_GBPS, 1));
            j.name("goal_gbps").raw(dec(GOAL_GBPS, 1));
            j.name("target_met").value(median() >= TARGET_GBPS);
            j.name("goal_met").value(median() >= GOAL_GBPS);
            j.name("subflows");
            subflowsJson(j, last().subflows(), last().bytes());
            j.name("machine");
            machineJson(j);
            j.name("kernel");
            if (kernel == null) {
                j.nullValue();
            } else {
                kernel.json(j);
            }
            j.name("ratio_best").raw(kernel == null || kernel.bestBps() <= 0 ? "null" : dec(best() * 1e9 / kernel.bestBps(), 4));
            j.name("ratio_median").raw(kernel == null || kernel.medianBps() <= 0 ? "null"
                    : dec(median() * 1e9 / kernel.medianBps(), 4));
            j.endObject();
            return j.toString();
        }
    }

    // ------------------------------------------------------------------ aggregation

    static List<LinkConfig> aggregationPaths() {
        return List.of(LinkConfig.of(40_000_000L, 10_000_000L), LinkConfig.of(20_000_000L, 40_000_000L));
    }

    /** Per path, the data direction (client to server): IP bytes and packets sent, drops. */
    record PathUse(int path, String spec, long ipBytes, long packets, long dropped, double utilization) {
    }

    private int aggregation(Settings s, PrintWriter out, PrintWriter err) throws IOException {
        long bytes = s.bytes();
        // Four times the time at the payload ceiling, at least the default 600 s.
        long deadline = Math.max(600_000_000_000L, (long) Math.min(9e17, bytes * 8.0 / (AGGREGATE_BPS * PAYLOAD_CEILING) * 4e9));
        Scenario sc = new Scenario().bytes(bytes).seed(seed).deadline(deadline);
        for (LinkConfig c : aggregationPaths()) {
            sc.path(c);
        }
        progress(err, "aggregation: " + fmt(bytes) + " bytes over " + aggregationPaths().get(0).toSpec() + " + "
                + aggregationPaths().get(1).toSpec() + " (virtual time, SHA-256 at both ends)");
        SimulationResult r = sc.run();
        progress(err, "ours: " + mbps(r.goodputBps()) + " Mbit/s in " + dec(r.durationSeconds(), 3) + " s virtual ("
                + secs(r.wallNanos()) + " s wall)");
        String problem = problem(r);
        if (problem == null && !r.streamIntact()) {
            problem = "the received stream differs from the sent one";
        }
        List<PathUse> uses = new ArrayList<>();
        for (PathDirection.Snapshot p : r.pathStates()) {
            if (p.direction() != 0) {
                continue;
            }
            LinkConfig c = p.config();
            double capacity = c.rateBitsPerSecond() * r.durationSeconds();
            uses.add(new PathUse(p.pathIndex() + 1, c.toSpec(), p.counters().sentBytes(), p.counters().sentPackets(),
                    p.counters().droppedPackets(), capacity <= 0 ? 0 : p.counters().sentBytes() * 8.0 / capacity));
        }
        KernelResult k = kernel ? runKernel(s, List.of("--bytes", Long.toString(bytes), "--paths", "2", "--rate",
                "40mbit,20mbit"), Math.max(120, Math.round(bytes * 8.0 / 30e6)), err) : null;
        AggregationReport rep = new AggregationReport(bytes, seed, r, problem, uses, traffic(r), k);
        out.print(json ? rep.json() + "\n" : rep.text());
        return problem == null && (k == null || !k.failed()) ? 0 : 1;
    }

    record AggregationReport(long bytes, long seed, SimulationResult r, String problem, List<PathUse> paths, Traffic traffic,
                             KernelResult kernel) {
        double ratio() {
            return r.goodputBps() / AGGREGATE_BPS;
        }

        double ceilingRatio() {
            return ratio() / PAYLOAD_CEILING;
        }

        /** Payload bytes on the wire: first transmissions and retransmissions. */
        long dataPayload() {
            return r.subflows().stream().mapToLong(f -> f.bytesSent() + f.bytesRetransmitted()).sum();
        }

        long dataPackets() {
            return paths.stream().mapToLong(PathUse::packets).sum();
        }

        /** Measured: the share of the IP bytes sent client to server that is payload. */
        double payloadShare() {
            long ip = paths.stream().mapToLong(PathUse::ipBytes).sum();
            return ip == 0 ? 0 : (double) dataPayload() / ip;
        }

        double measuredCeilingRatio() {
            return payloadShare() <= 0 ? 0 : ratio() / payloadShare();
        }

        String text() {
            StringBuilder sb = new StringBuilder(2048);
            sb.append("aggregation: 1 connection, client to server, ").append(fmt(bytes)).append(" bytes, seed ")
                    .append(seed).append('\n');
            int i = 0;
            for (LinkConfig c : aggregationPaths()) {
                sb.append("  path ").append(i + 1).append(": ").append(c.toSpec()).append("  (as run: ")
                        .append(Scenario.withDefaultQueue(c).toSpec()).append(")\n");
                i++;
            }
            sb.append("result: ").append(problem == null ? "finished, stream intact (SHA-256 equal)" : "FAILED: " + problem)
                    .append('\n');
            sb.append(String.format(Locale.ROOT, "ours: %s Mbit/s goodput (%s bytes in %s s virtual, connect to the last "
                    + "byte delivered; %s s wall)%n", mbps(r.goodputBps()), fmt(r.bytesDelivered()), dec(r.durationSeconds(), 6),
                    secs(r.wallNanos())));
            sb.append(String.format(Locale.ROOT, "  / 60 Mbit/s (the sum of the rates):        %s  (target %.2f: %s)%n",
                    dec(ratio(), 4), AGGREGATION_TARGET, ratio() >= AGGREGATION_TARGET ? "met" : "NOT met"));
            sb.append(String.format(Locale.ROOT, "  / %s Mbit/s (payload ceiling, %d/%d):      %s%n",
                    mbps(AGGREGATE_BPS * PAYLOAD_CEILING), FULL_PAYLOAD, MTU, dec(ceilingRatio(), 4)));
            sb.append(String.format(Locale.ROOT, "  ceiling: every data packet carries at most %d payload bytes in %d IP "
                    + "bytes (MSS 1460 less timestamps 12 B and a DSS with a mapping, 20 B), so %.3f of the link rate is the most any goodput "
                    + "can be%n", FULL_PAYLOAD, MTU, PAYLOAD_CEILING));
            sb.append(String.format(Locale.ROOT, "  / %s Mbit/s (measured ceiling: payload is %s of the IP bytes sent): %s%n",
                    mbps(AGGREGATE_BPS * payloadShare()), dec(payloadShare(), 4), dec(measuredCeilingRatio(), 4)));
            sb.append(String.format(Locale.ROOT, "  measured: %s payload bytes on the wire (%s first transmissions, %s "
                    + "retransmitted) in %s IP packets client to server = %s per packet%n", fmt(dataPayload()),
                    fmt(dataPayload() - traffic.retxBytes()), fmt(traffic.retxBytes()), fmt(dataPackets()),
                    dec(dataPackets() == 0 ? 0 : (double) dataPayload() / dataPackets(), 1)));
            for (PathUse p : paths) {
                sb.append(String.format(Locale.ROOT, "  path %d %s: %s IP bytes in %s packets, %s of its rate over the "
                        + "transfer, %s dropped%n", p.path(), p.spec(), fmt(p.ipBytes()), fmt(p.packets()),
                        dec(p.utilization(), 4), fmt(p.dropped())));
            }
            sb.append("  subflows (client, the sender; bytes: first transmissions):\n");
            for (SubflowSnapshot f : r.subflows()) {
                sb.append(String.format(Locale.ROOT, "    id %d path %d: %s bytes (%.1f%%), retransmitted %s bytes, "
                        + "%d RTOs, %d fast retransmits, srtt %s ms%n", f.id(), f.iface() + 1, fmt(f.bytesSent()),
                        bytes == 0 ? 0 : 100.0 * f.bytesSent() / bytes, fmt(f.bytesRetransmitted()), f.rtoCount(),
                        f.fastRetransmits(), f.srttNanos() < 0 ? "-" : dec(f.srttNanos() / 1e6, 3)));
            }
            long twice = r.subflows().stream().mapToLong(SubflowSnapshot::bytesSent).sum() - r.bytesDelivered();
            sb.append(String.format(Locale.ROOT, "  reinjected %s (MPTCPRetrans; %s data bytes went out on both subflows), "
                    + "max delivery stall %s ms%n", fmt(traffic.reinjected()), fmt(Math.max(0, twice)),
                    dec(r.maxStallNanos() / 1e6, 3)));
            if (kernel != null) {
                kernel.text(sb);
                if (kernel.bestBps() > 0) {
                    sb.append(String.format(Locale.ROOT, "  kernel / 60 Mbit/s: %s; ours / kernel: %s%n",
                            dec(kernel.bestBps() / AGGREGATE_BPS, 4), BenchStackCommand.ratio(r.goodputBps(), kernel.bestBps())));
                }
                sb.append("  (the kernel's paths have the same tbf rates but no delay: netem is not in this kernel)\n");
            }
            return sb.toString();
        }

        String json() {
            JsonWriter j = new JsonWriter();
            j.beginObject();
            j.name("mode").value("aggregation");
            j.name("ok").value(problem == null);
            j.name("problem").value(problem);
            j.name("bytes").value(bytes);
            j.name("seed").value(seed);
            j.name("bytes_delivered").value(r.bytesDelivered());
            j.name("stream_intact").value(r.streamIntact());
            j.name("paths").beginArray();
            for (LinkConfig c : aggregationPaths()) {
                j.value(c.toSpec());
            }
            j.endArray();
            j.name("paths_as_run").beginArray();
            for (LinkConfig c : aggregationPaths()) {
                j.value(Scenario.withDefaultQueue(c).toSpec());
            }
            j.endArray();
            j.name("goodput_bps").raw(dec(r.goodputBps(), 0));
            j.name("duration_s").raw(dec(r.durationSeconds(), 9));
            j.name("wall_s").raw(dec(r.wallNanos() / 1e9, 3));
            j.name("ratio_to_60mbit").raw(dec(ratio(), 4));
            j.name("payload_ceiling").raw(dec(PAYLOAD_CEILING, 4));
            j.name("ratio_to_ceiling").raw(dec(ceilingRatio(), 4));
            j.name("payload_share_measured").raw(dec(payloadShare(), 4));
            j.name("ratio_to_measured_ceiling").raw(dec(measuredCeilingRatio(), 4));
            j.name("target_ratio").raw(dec(AGGREGATION_TARGET, 2));
            j.name("target_met").value(ratio() >= AGGREGATION_TARGET);
            j.name("payload_per_data_packet").raw(dataPackets() == 0 ? "null" : dec((double) dataPayload() / dataPackets(), 1));
            j.name("max_stall_ms").raw(dec(r.maxStallNanos() / 1e6, 3));
            j.name("reinjected").value(traffic.reinjected());
            j.name("path_use").beginArray();
            for (PathUse p : paths) {
                j.beginObject();
                j.name("path").value(p.path());
                j.name("spec").value(p.spec());
                j.name("ip_bytes").value(p.ipBytes());
                j.name("packets").value(p.packets());
                j.name("dropped").value(p.dropped());
                j.name("utilization").raw(dec(p.utilization(), 4));
                j.endObject();
            }
            j.endArray();
            j.name("subflows");
            subflowsJson(j, r.subflows(), bytes);
            j.name("kernel");
            if (kernel == null) {
                j.nullValue();
            } else {
                kernel.json(j);
            }
            j.name("kernel_ratio_to_60mbit").raw(kernel == null || kernel.bestBps() <= 0 ? "null"
                    : dec(kernel.bestBps() / AGGREGATE_BPS, 4));
            j.name("ratio_to_kernel").raw(kernel == null || kernel.bestBps() <= 0 ? "null"
                    : dec(r.goodputBps() / kernel.bestBps(), 4));
            j.endObject();
            return j.toString();
        }
    }

    // ------------------------------------------------------------------ memory

    static List<LinkConfig> memoryPaths() {
        LinkConfig c = LinkConfig.of(40_000_000L, 10_000_000L);
        return List.of(c, c);
    }

    /** One heap sample: virtual time, used heap after System.gc(), bytes delivered so far, wall time. */
    record HeapSample(long virtualNanos, long heapBytes, long delivered, long wallNanos) {
    }

    /**
     * A bulk transfer that does not end (far more bytes than fit in the time), sampled every
     * interval. Built as {@link Scenario#run} builds its run, with the same defaults as
     * {@code simulate}: SHA-256 of the stream and the (bounded) mapping log on.
     */
    private int memory(Settings s, PrintWriter out, PrintWriter err) {
        EmulatedNetwork net = new EmulatedNetwork(seed);
        MptcpStack client = new MptcpStack("client", StackConfig.defaults(), seed * 31 + 1);
        MptcpStack server = new MptcpStack("server", StackConfig.defaults(), seed * 31 + 2);
        Host ch = net.addHost("client", client);
        Host sh = net.addHost("server", server);
        List<LinkConfig> paths = memoryPaths();
        for (int i = 0; i < paths.size(); i++) {
            client.addAddress(i, IpAddress.parse("10." + (i + 1) + ".0.1"), 24);
            server.addAddress(i, IpAddress.parse("10." + (i + 1) + ".0.2"), 24);
            net.connect(ch, i, sh, i, Scenario.withDefaultQueue(paths.get(i)));
        }
        BulkSender sender = new BulkSender(Long.MAX_VALUE / 4, seed);
        BulkSink sink = new BulkSink();
        boolean[] taken = {false};
        server.listen(5201, sock -> {
            if (!taken[0]) {
                taken[0] = true;
                sock.setHandler(sink);
            } else {
                sock.setHandler(new MptcpSocket.Handler() {
                    @Override
                    public void onConnected(long now, MptcpSocket k) {
                        k.abort(now);
                    }
                });
            }
        });
        net.schedule(0, () -> client.connect(net.now(), IpAddress.parse("10.1.0.2"), 5201, sender));
        progress(err, "memory: bulk transfer over 2 x " + paths.get(0).toSpec() + " for " + secs(s.durationNanos())
                + " s virtual, heap sampled after System.gc() every " + secs(s.intervalNanos()) + " s virtual");
        Runtime rt = Runtime.getRuntime();
        List<HeapSample> samples = new ArrayList<>();
        String problem = null;
        long wall0 = System.nanoTime();
        long t = 0;
        while (t < s.durationNanos()) {
            t = Math.min(s.durationNanos(), t + s.intervalNanos());
            net.runUntil(t);
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            HeapSample h = new HeapSample(t, used, sink.received(), System.nanoTime() - wall0);
            samples.add(h);
            progress(err, String.format(Locale.ROOT, "%s s virtual: heap %s, %s bytes delivered (%s s wall)", secs(t),
                    mib(used), fmt(h.delivered()), secs(h.wallNanos())));
            if (sender.done() || sink.done()) {
                String reason = sender.resetReason() != null ? sender.resetReason() : sink.resetReason();
                problem = "the connection ended at " + secs(net.now()) + " s virtual"
                        + (reason == null ? "" : ": " + reason);
                break;
            }
        }
        long[] pk = packets(net.snapshot());
        List<SubflowSnapshot> subflows = sender.socket() == null ? List.of() : sender.socket().snapshot().subflows();
        MemoryReport rep = new MemoryReport(s, samples, problem, rt.maxMemory(), pk[0], subflows,
                client.observer().get(Mib.MPTCPRetrans));
        out.print(json ? rep.json() + "\n" : rep.text());
        return problem == null && rep.growth() <= s.maxGrowthBytes() ? 0 : 1;
    }

    record MemoryReport(Settings s, List<HeapSample> samples, String problem, long maxHeap, long dataPackets,
                        List<SubflowSnapshot> subflows, long reinjected) {
        long first() {
            return samples.isEmpty() ? 0 : samples.get(0).heapBytes();
        }

        long last() {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).heapBytes();
        }

        long min() {
            return samples.stream().mapToLong(HeapSample::heapBytes).min().orElse(0);
        }

        long max() {
            return samples.stream().mapToLong(HeapSample::heapBytes).max().orElse(0);
        }

        long growth() {
            return last() - first();
        }

        long delivered() {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).delivered();
        }

        long endNanos() {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).virtualNanos();
        }

        /** Samples after which no byte was delivered during the interval. */
        long stalledIntervals() {
            long n = 0;
            long prev = 0;
            for (HeapSample h : samples) {
                if (h.delivered() == prev) {
                    n++;
                }
                prev = h.delivered();
            }
            return n;
        }

        boolean ok() {
            return problem == null && growth() <= s.maxGrowthBytes();
        }

        String text() {
            StringBuilder sb = new StringBuilder(2048);
            sb.append("memory: 1 connection, client to server, bulk transfer over 2 x ").append(memoryPaths().get(0).toSpec())
                    .append(" (as run: ").append(Scenario.withDefaultQueue(memoryPaths().get(0)).toSpec())
                    .append("), SHA-256 and mapping log on, ").append(secs(s.durationNanos())).append(" s virtual\n");
            sb.append("  used heap after System.gc(), every ").append(secs(s.intervalNanos())).append(" s virtual (max heap ")
                    .append(mib(maxHeap)).append("):\n");
            long prevDelivered = 0;
            long prevT = 0;
            for (HeapSample h : samples) {
                double interval = (h.virtualNanos() - prevT) / 1e9;
                sb.append(String.format(Locale.ROOT, "  %10s s  %12s  %,15d bytes delivered  %7s Mbit/s in the interval  "
                                + "%8s s wall%n", secs(h.virtualNanos()), mib(h.heapBytes()), h.delivered(),
                        mbps(interval <= 0 ? 0 : (h.delivered() - prevDelivered) * 8 / interval), secs(h.wallNanos())));
                prevDelivered = h.delivered();
                prevT = h.virtualNanos();
            }
            sb.append(String.format(Locale.ROOT, "heap: first %s, last %s, min %s, max %s; growth first to last %s "
                    + "(limit %s): %s%n", mib(first()), mib(last()), mib(min()), mib(max()),
                    String.format(Locale.ROOT, "%+,d bytes (%s)", growth(), signedMib(growth())),
                    mib(s.maxGrowthBytes()), growth() <= s.maxGrowthBytes() ? "flat" : "GREW"));
            sb.append(String.format(Locale.ROOT, "transfer: %s bytes delivered in %s s virtual = %s Mbit/s, %s IP "
                    + "packets client to server, %s reinjected, %d interval(s) without delivery%n", fmt(delivered()), secs(endNanos()),
                    mbps(endNanos() == 0 ? 0 : delivered() * 8e9 / endNanos()), fmt(dataPackets), fmt(reinjected),
                    stalledIntervals()));
            for (SubflowSnapshot f : subflows) {
                sb.append(String.format(Locale.ROOT, "  subflow %d path %d: %s bytes, retransmitted %s bytes, %d RTOs, "
                        + "%d fast retransmits%n", f.id(), f.iface() + 1, fmt(f.bytesSent()), fmt(f.bytesRetransmitted()),
                        f.rtoCount(), f.fastRetransmits()));
            }
            sb.append("result: ").append(problem != null ? "FAILED: " + problem
                    : ok() ? "heap flat" : "FAILED: the heap grew by more than " + mib(s.maxGrowthBytes())).append('\n');
            return sb.toString();
        }

        String json() {
            JsonWriter j = new JsonWriter();
            j.beginObject();
            j.name("mode").value("memory");
            j.name("ok").value(ok());
            j.name("problem").value(problem);
            j.name("paths").beginArray();
            for (LinkConfig c : memoryPaths()) {
                j.value(c.toSpec());
            }
            j.endArray();
            j.name("virtual_s").raw(secs(s.durationNanos()));
            j.name("interval_s").raw(secs(s.intervalNanos()));
            j.name("max_heap_bytes").value(maxHeap);
            j.name("samples").beginArray();
            for (HeapSample h : samples) {
                j.beginObject();
                j.name("virtual_s").raw(secs(h.virtualNanos()));
                j.name("heap_bytes").value(h.heapBytes());
                j.name("bytes_delivered").value(h.delivered());
                j.name("wall_s").raw(dec(h.wallNanos() / 1e9, 3));
                j.endObject();
            }
            j.endArray();
            j.name("heap_first_bytes").value(first());
            j.name("heap_last_bytes").value(last());
            j.name("heap_min_bytes").value(min());
            j.name("heap_max_bytes").value(max());
            j.name("heap_growth_bytes").value(growth());
            j.name("max_growth_bytes").value(s.maxGrowthBytes());
            j.name("bytes_delivered").value(delivered());
            j.name("goodput_bps").raw(dec(endNanos() == 0 ? 0 : delivered() * 8e9 / endNanos(), 0));
            j.name("data_packets").value(dataPackets);
            j.name("reinjected").value(reinjected);
            j.name("stalled_intervals").value(stalledIntervals());
            j.name("subflows");
            subflowsJson(j, subflows, delivered());
            j.endObject();
            return j.toString();
        }
    }

    // ------------------------------------------------------------------ kernel reference

    /** One run of the kernel script. */
    record KernelRun(int exit, long goodputBps, long bytes, double seconds, List<Long> pathRxBytes, String counters,
                     String error) {
        boolean ok() {
            return error == null;
        }
    }

    /** The kernel runs, or why there are none ({@code unavailable}: not an error of the benchmark). */
    record KernelResult(List<String> command, List<KernelRun> runs, String unavailable, boolean inMbps) {
        boolean failed() {
            return unavailable == null && runs.stream().anyMatch(r -> !r.ok());
        }

        double[] ok() {
            return runs.stream().filter(KernelRun::ok).mapToDouble(KernelRun::goodputBps).toArray();
        }

        double bestBps() {
            return Arrays.stream(ok()).max().orElse(0);
        }

        double medianBps() {
            return GoodputReport.median(ok());
        }

        void text(StringBuilder sb) {
            if (unavailable != null) {
                sb.append("kernel: not available: ").append(unavailable).append('\n');
                return;
            }
            sb.append("kernel (Linux MPTCP, 2 namespaces, veth, offloads on): ").append(String.join(" ", command)).append('\n');
            int i = 1;
            for (KernelRun r : runs) {
                if (r.ok()) {
                    sb.append(String.format(Locale.ROOT, "  kernel run %d: %s, %s bytes in %s s; IP bytes per path at the "
                            + "server: %s; server counters: %s%n", i, rate(r.goodputBps(), inMbps), fmt(r.bytes()),
                            dec(r.seconds(), 3), pathList(r.pathRxBytes()), r.counters() == null ? "n/a" : r.counters()));
                } else {
                    sb.append("  kernel run ").append(i).append(": FAILED (exit ").append(r.exit()).append("): ")
                            .append(r.error()).append('\n');
                }
                i++;
            }
            if (bestBps() > 0) {
                sb.append(String.format(Locale.ROOT, "kernel: best %s, median %s over %d run(s)%n", rate(bestBps(), inMbps),
                        rate(medianBps(), inMbps), ok().length));
            }
        }

        void json(JsonWriter j) {
            j.beginObject();
            j.name("available").value(unavailable == null);
            j.name("reason").value(unavailable);
            j.name("command").value(command == null ? null : String.join(" ", command));
            j.name("runs").beginArray();
            for (KernelRun r : runs) {
                j.beginObject();
                j.name("ok").value(r.ok());
                j.name("exit").value(r.exit());
                j.name("error").value(r.error());
                j.name("goodput_bps").value(r.goodputBps());
                j.name("bytes").value(r.bytes());
                j.name("seconds").raw(dec(r.seconds(), 6));
                j.name("path_rx_bytes").beginArray();
                for (long b : r.pathRxBytes()) {
                    j.value(b);
                }
                j.endArray();
                j.name("counters").value(r.counters());
                j.endObject();
            }
            j.endArray();
            j.name("best_bps").raw(dec(bestBps(), 0));
            j.name("median_bps").raw(dec(medianBps(), 0));
            j.endObject();
        }
    }

    private KernelResult runKernel(Settings s, List<String> args, long timeoutSeconds, PrintWriter err) {
        boolean inMbps = s.mode() == Mode.AGGREGATION;
        Path script = kernelScript != null ? kernelScript : findScript();
        if (script == null) {
            return new KernelResult(null, List.of(), SCRIPT + " not found (run from the repository root or give "
                    + "--kernel-script)", inMbps);
        }
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        command.addAll(List.of("--timeout", Long.toString(timeoutSeconds)));
        List<KernelRun> out = new ArrayList<>();
        for (int i = 0; i < s.kernelRuns(); i++) {
            progress(err, "kernel run " + (i + 1) + "/" + s.kernelRuns() + ": " + String.join(" ", command));
            KernelRun r;
            try {
                r = kernelOnce(command, timeoutSeconds + 30, err);
            } catch (IOException e) {
                return new KernelResult(command, out, "cannot run " + script + ": " + e.getMessage(), inMbps);
            }
            if (r.exit() == 3) {
                return new KernelResult(command, out, r.error(), inMbps);
            }
            out.add(r);
            progress(err, "kernel run " + (i + 1) + "/" + s.kernelRuns() + ": " + (r.ok() ? rate(r.goodputBps(), inMbps)
                    : "FAILED: " + r.error()));
        }
        return new KernelResult(command, out, null, inMbps);
    }

    static KernelRun kernelOnce(List<String> command, long timeoutSeconds, PrintWriter err) throws IOException {
        Path outFile = Files.createTempFile("mptcp-lab-kernel-", ".out");
        Path errFile = Files.createTempFile("mptcp-lab-kernel-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            int exit;
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                    return new KernelRun(-1, 0, 0, 0, List.of(), null, "no result after " + timeoutSeconds + " s");
                }
                exit = p.exitValue();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the kernel benchmark", e);
            }
            String stdout = Files.readString(outFile, StandardCharsets.UTF_8);
            List<String> errLines = Files.readAllLines(errFile, StandardCharsets.UTF_8);
            List<Long> paths = new ArrayList<>();
            String counters = null;
            String lastMessage = null;
            for (String line : errLines) {
                String l = line.strip();
                if (l.isEmpty()) {
                    continue;
                }
                err.println(NAME + ": kernel: " + l);
                String m = l.startsWith("kernel-mptcp-bench: ") ? l.substring("kernel-mptcp-bench: ".length()) : l;
                lastMessage = m;
                Matcher pm = KERNEL_PATH.matcher(m);
                Matcher cm = KERNEL_COUNTERS.matcher(m);
                if (pm.matches()) {
                    paths.add(Long.parseLong(pm.group(2)));
                } else if (cm.matches()) {
                    counters = cm.group(1).strip();
                }
            }
            err.flush();
            Matcher km = KERNEL_LINE.matcher(stdout);
            if (exit != 0 || !km.find()) {
                String why = exit != 0 ? (lastMessage != null ? lastMessage : "exit " + exit)
                        : "no kernel_goodput_bps line in its output";
                return new KernelRun(exit, 0, 0, 0, paths, counters, why);
            }
            return new KernelRun(0, Long.parseLong(km.group(1)), Long.parseLong(km.group(2)),
                    Double.parseDouble(km.group(3)), paths, counters, null);
        } finally {
            Files.deleteIfExists(outFile);
            Files.deleteIfExists(errFile);
        }
    }

    /** {@value #SCRIPT} in the working directory, or in the checkout whose app/target holds this class. */
    static Path findScript() {
        Path here = Path.of(SCRIPT);
        if (Files.isRegularFile(here)) {
            return here;
        }
        try {
            CodeSource cs = BenchStackCommand.class.getProtectionDomain().getCodeSource();
            if (cs != null) {
                // app/target/mptcp-lab.jar or app/target/classes: three levels below the checkout.
                Path p = Path.of(cs.getLocation().toURI()).toAbsolutePath();
                for (int up = 0; up < 3 && p != null; up++) {
                    p = p.getParent();
                }
                if (p != null && Files.isRegularFile(p.resolve(SCRIPT))) {
                    return p.resolve(SCRIPT);
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    // ------------------------------------------------------------------ helpers

    /** What went wrong with a run, or null. */
    static String problem(SimulationResult r) {
        if (r.resetReason() != null) {
            return "connection reset: " + r.resetReason();
        }
        if (!r.finished()) {
            return "not finished by the deadline: " + r.bytesDelivered() + " of " + r.bytesRequested() + " bytes delivered";
        }
        if (r.bytesDelivered() != r.bytesRequested()) {
            return r.bytesDelivered() + " of " + r.bytesRequested() + " bytes delivered";
        }
        return null;
    }

    /** Retransmissions of the sending side. */
    record Traffic(long retxBytes, long rtos, long fastRetransmits, long reinjected) {
    }

    static Traffic traffic(SimulationResult r) {
        long retx = 0;
        long rtos = 0;
        long frx = 0;
        for (SubflowSnapshot f : r.subflows()) {
            retx += f.bytesRetransmitted();
            rtos += f.rtoCount();
            frx += f.fastRetransmits();
        }
        Long reinj = r.clientCounters().get(Mib.MPTCPRetrans);
        return new Traffic(retx, rtos, frx, reinj == null ? 0 : reinj);
    }

    /** Packets client to server, server to client, and dropped, over every path. */
    static long[] packets(List<PathDirection.Snapshot> paths) {
        long[] a = new long[3];
        for (PathDirection.Snapshot p : paths) {
            a[p.direction() == 0 ? 0 : 1] += p.counters().sentPackets();
            a[2] += p.counters().droppedPackets();
        }
        return a;
    }

    private static void subflowsJson(JsonWriter j, List<SubflowSnapshot> subflows, long total) {
        j.beginArray();
        for (SubflowSnapshot f : subflows) {
            j.beginObject();
            j.name("id").value(f.id());
            j.name("path").value(f.iface() + 1);
            j.name("bytes").value(f.bytesSent());
            j.name("share").raw(total <= 0 ? "null" : dec((double) f.bytesSent() / total, 4));
            j.name("retransmitted_bytes").value(f.bytesRetransmitted());
            j.name("rto_count").value(f.rtoCount());
            j.name("fast_retransmits").value(f.fastRetransmits());
            j.name("srtt_ms").raw(f.srttNanos() < 0 ? "null" : dec(f.srttNanos() / 1e6, 6));
            j.name("state").value(f.state().name());
            j.endObject();
        }
        j.endArray();
    }

    private static void machineJson(JsonWriter j) {
        j.beginObject();
        j.name("cpus").value(Runtime.getRuntime().availableProcessors());
        j.name("java").value(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        j.name("os").value(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        j.endObject();
    }

    /** Bytes allocated by this thread so far, or -1 if the JVM cannot tell. */
    static long allocatedBytes() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        if (t instanceof com.sun.management.ThreadMXBean s && s.isThreadAllocatedMemorySupported()
                && s.isThreadAllocatedMemoryEnabled()) {
            return s.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, g.getCollectionCount());
        }
        return n;
    }

    static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, g.getCollectionTime());
        }
        return n;
    }

    private static void progress(PrintWriter err, String message) {
        err.println(NAME + ": " + message);
        err.flush();
    }

    static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    static String gbpsText(double gbps) {
        return String.format(Locale.ROOT, "%.3f", gbps);
    }

    static String rate(double bps, boolean inMbps) {
        return inMbps ? mbps(bps) + " Mbit/s" : gbpsText(bps / 1e9) + " Gbit/s";
    }

    static String mbps(double bps) {
        return String.format(Locale.ROOT, "%.2f", bps / 1e6);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f MiB", bytes / 1048576.0);
    }

    static String perPacket(long bytes, long packets) {
        return packets == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", (double) bytes / packets);
    }

    static String ratio(double a, double b) {
        return b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", a / b);
    }

    static String dec(double v, int decimals) {
        return SimulateCommand.decimal(v, decimals);
    }

    private static String pathList(List<Long> bytes) {
        if (bytes.isEmpty()) {
            return "n/a";
        }
        long total = bytes.stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("path ").append(i + 1).append(' ').append(fmt(bytes.get(i)));
            if (total > 0) {
                sb.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * bytes.get(i) / total));
            }
        }
        return sb.toString();
    }
}

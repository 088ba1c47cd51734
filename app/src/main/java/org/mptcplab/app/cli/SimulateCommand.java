package org.mptcplab.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mptcplab.stack.apps.TrafficReport;
import org.mptcplab.stack.apps.VideoSender;
import org.mptcplab.stack.emu.FaultInjector;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.Middlebox;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.sim.Scenario.PathSpec;
import org.mptcplab.stack.sim.Scenario.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: one connection between an emulated client and server over N paths carrying a
 * bulk transfer, a video stream or request/response exchanges, headless and in virtual time, with
 * the report as text or one JSON object.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one bulk transfer (or a video stream, or request/response exchanges:",
            "--traffic) between an emulated client and server joined by 1 to 8 paths,",
            "headless and in virtual time (deterministic: the same arguments give the same",
            "packets), and reports goodput, stream integrity (SHA-256 at both ends), each",
            "subflow, fallback, resets, protocol events and both hosts' MIB counters.",
            "Paths are numbered from 1: path N joins client 10.N.0.1 (fd00:N::1) to server",
            "10.N.0.2 (fd00:N::2), port 5201; the client connects on path 1."},
        footer = {"", "SIZE: bytes, or with K, M, G (powers of 1000) or KiB, MiB, GiB, e.g. 50M.",
            "TIME: a number and ns, us, ms or s, e.g. 500ms, 2.5s.",
            "SPEC: RATE[,DELAY][,loss=P][,queue=SIZE][,jitter=TIME], e.g. 20mbit,40ms,loss=1%%",
            "  or UP/DOWN, each direction its own (UP: client to server), e.g.",
            "  40mbit,10ms/10mbit,10ms. A rate-limited direction without queue= gets a",
            "  drop-tail queue of twice its bandwidth-delay product (at least 64 KiB).",
            "TRAFFIC: bulk (default: --bytes one way, see --download), or",
            "  video:RATE[,chunk=TIME][,duration=TIME][,start=TIME][,rebuffer=TIME]: a live",
            "  stream from the server, one chunk of RATE x chunk (default 250ms) every chunk,",
            "  into a player that starts with start (default 1s) of video buffered and",
            "  after a stall resumes with rebuffer (default 1s); without duration it runs",
            "  until --deadline (which then ends it, not a failure); e.g. video:8mbit, or",
            "  rr:REQUEST/RESPONSE[,n=COUNT]: COUNT (default 100) requests of REQUEST bytes",
            "  from the client, one at a time, each answered with RESPONSE bytes; e.g.",
            "  rr:200/20k,n=100. RATE: a number and bit, kbit, mbit or gbit.",
            "SCENARIOS (--scenario NAME): aggregate (40mbit,10ms + 20mbit,40ms, 200M),",
            "  handover (20mbit,10ms + 12mbit,35ms, 40M, --down 1@5s,signalled), lossy",
            "  (20mbit,10ms,loss=2%% + 10mbit,20ms, 40M), asymmetric-rtt (50mbit,5ms +",
            "  50mbit,100ms, 100M), satellite (20mbit,300ms + 10mbit,25ms,",
            "  video:8mbit,duration=60s), backup (20mbit,10ms + 20mbit,30ms as --backup 2,",
            "  40M, --down 1@4s,signalled), shared-bottleneck (100mbit,10ms x 2 through",
            "  --bottleneck 20mbit beside --competing-tcp 100mbit,10ms, 60M; try --cc lia",
            "  against --cc newreno).",
            "",
            "Example: simulate --path 40mbit,10ms --path 20mbit,40ms,loss=1%% --bytes 50M",
            "         --seed 7 --pcap out.pcap --json",
            "",
            "Exit status: 0 the transfer finished with the stream intact (an endless video:",
            "ran until the deadline), 1 it ended with a reset, did not finish by the",
            "deadline or delivered a different stream (the report says which), or the",
            "capture could not be written; 2 bad arguments."})
public final class SimulateCommand implements Callable<Integer> {
    static final String DEFAULT_PATH = "100mbit,10ms";
    static final int MAX_PATHS = 8;
    static final long DEFAULT_REORDER_DELAY_NANOS = 10_000_000L;
    /** About 11.5 days, as the link delays: far beyond any sensible run, far from overflow. */
    static final long MAX_TIME_NANOS = 1_000_000_000_000_000L;
    private static final String NAME = "simulate";

    @Spec
    CommandSpec spec;

    @Option(names = "--path", paramLabel = "SPEC",
            description = "a path (repeatable, 1 to " + MAX_PATHS + " paths; default: one " + DEFAULT_PATH + ")")
    List<String> pathArgs = new ArrayList<>();

    static final String DEFAULT_BYTES = "10M";
    static final String DEFAULT_TRAFFIC = "bulk";
    static final int DEFAULT_RR_COUNT = 100;

    /** Null when not given: only bulk traffic has a size, so giving it with another is an error. */
    @Option(names = "--bytes", paramLabel = "SIZE",
            description = "bytes to transfer (default: " + DEFAULT_BYTES + "; bulk traffic only: video and rr size themselves)")
    String bytesArg;

    @Option(names = "--traffic", paramLabel = "TRAFFIC",
            description = "what the connection carries: bulk, video:RATE[,...] or rr:REQUEST/RESPONSE[,n=COUNT] "
                    + "(see TRAFFIC below; default: ${DEFAULT-VALUE})")
    String trafficArg = DEFAULT_TRAFFIC;

    @Option(names = "--seed", paramLabel = "N", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--download", description = "the server sends and the client receives (default: the client sends; "
            + "video always downloads, rr goes both ways)")
    boolean download;

    @Option(names = "--ipv6", description = "IPv6 addresses instead of IPv4")
    boolean ipv6;

    @Option(names = "--checksum", description = "both hosts require DSS checksums (RFC 8684 3.3)")
    boolean checksum;

    @Option(names = "--no-mptcp-server", description = "the server is a plain TCP host: the connection falls back to TCP")
    boolean noMptcpServer;

    @Option(names = "--middlebox", paramLabel = "KIND[:PATH]",
            description = "strip-all: remove every MPTCP option; strip-data: only on segments with payload; "
                    + "on every path, or on path PATH only (e.g. strip-data:2)")
    String middleboxArg;

    @Option(names = "--faults", paramLabel = "LIST",
            description = "faults on every path and direction, comma-separated probabilities (0.01 or 1%%): "
                    + "drop=P, duplicate=P, reorder=P[:DELAY] (held back DELAY, default 10ms), corrupt=P (one bit "
                    + "flipped, TCP checksum left wrong), rewrite=P (one payload byte changed, TCP checksum fixed: "
                    + "only the DSS checksum can tell); e.g. drop=0.01,reorder=0.02:5ms")
    String faultsArg;

    @Option(names = "--down", paramLabel = "PATH@TIME[,signalled]", description = "take path PATH down at virtual TIME, e.g. "
            + "1@2s (repeatable): the link fails and the hosts find out by their timers; with ,signalled the client's "
            + "interface goes down with it (REMOVE_ADDR to the server, reinjection at once)")
    List<String> downArgs = new ArrayList<>();

    @Option(names = "--up", paramLabel = "PATH@TIME[,signalled]", description = "bring path PATH back up at virtual TIME "
            + "(repeatable); with ,signalled the client's interface comes back with it (the path manager joins again)")
    List<String> upArgs = new ArrayList<>();

    @Option(names = "--deadline", paramLabel = "TIME",
            description = "give up at this virtual time if the transfer has not finished (default: ${DEFAULT-VALUE})")
    String deadlineArg = "600s";

    @Option(names = "--pcap", paramLabel = "FILE", description = "record every packet of every path to this pcap file")
    Path pcap;

    @Option(names = "--rcvbuf", paramLabel = "SIZE",
            description = "the connection-level receive buffer of both hosts (default 4MiB, rounded up to a power of "
                    + "two): smaller, data from a fast subflow waits for a slow one's and the window closes "
                    + "(head-of-line blocking, the asymmetric-rtt scenario's subject)")
    String rcvbufArg;
    /** From {@link #rcvbufArg}, checked; 0 leaves the default. */
    int rcvbufBytes;

    @Option(names = "--pcap-limit", paramLabel = "SIZE",
            description = "stop recording when the capture would grow past SIZE, saying so on stderr (default: ${DEFAULT-VALUE}; 0: no limit)")
    String pcapLimitArg = "1GiB";

    @Option(names = "--backup", paramLabel = "PATH",
            description = "the client's address on path PATH (2 or more: path 1 carries the initial subflow) is a "
                    + "backup: its join carries the B flag (RFC 8684 3.2), no data goes there while a regular path "
                    + "works (repeatable)")
    List<String> backupArgs = new ArrayList<>();

    @Option(names = "--bottleneck", paramLabel = "RATE[,queue=SIZE]",
            description = "a bottleneck shared by every path's data direction (and the --competing-tcp flow's): one "
                    + "rate, one drop-tail queue, packets served in arrival order after their own path's link; the "
                    + "queue defaults to twice the bandwidth-delay product at the longest path's round trip")
    String bottleneckArg;

    // The label is longer than 20 characters on purpose: picocli puts such an option on a line of
    // its own instead of widening the options column of the whole help.
    @Option(names = "--competing-tcp", paramLabel = "LINK_SPEC",
            description = "a single-path TCP flow (two more hosts, MPTCP off) on a path of its own (a path SPEC) through the "
                    + "--bottleneck, bulk in the same direction for the whole run; reports its goodput over the same "
                    + "span and the ratio (RFC 6356 goal 2: at most about 1 with lia, olia, balia)")
    String competingArg;

    @Mixin
    PolicyOptions policies = new PolicyOptions();

    @Option(names = "--announce-port", paramLabel = "P", description = "the server announces its other addresses "
            + "with port P (ADD_ADDR with a port, RFC 8684 3.4.1; Linux: ip mptcp endpoint add ADDR port P "
            + "signal) and takes the client's joins there")
    Integer announcePort;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "a named preset, see SCENARIOS below: its paths, traffic, size and path events, each "
                    + "replaced by the option when that is given too")
    String scenarioArg;

    /**
     * A named scenario of the policies issue: what it sets, and what to look at. Its options are
     * what a user would type, so {@code --scenario X --json} and the expanded command agree.
     */
    record Preset(String about, List<String> paths, String bytes, String traffic, List<String> down,
                  List<String> backup, String bottleneck, String competing) {
        Preset(String about, List<String> paths, String bytes, String traffic, List<String> down) {
            this(about, paths, bytes, traffic, down, List.of(), null, null);
        }
    }

    static final java.util.Map<String, Preset> SCENARIOS = new java.util.LinkedHashMap<>();

    static {
        SCENARIOS.put("aggregate", new Preset("two paths summed: 40 Mbit/s, 10 ms and 20 Mbit/s, 40 ms, 200 MB of bulk; "
                + "goodput against the sum (0.952 is the payload ceiling at MTU 1500 with a DSS per segment)",
                List.of("40mbit,10ms", "20mbit,40ms"), "200M", "bulk", List.of()));
        SCENARIOS.put("handover", new Preset("a WiFi-like path (20 Mbit/s, 10 ms) goes down at 5 s of a bulk transfer, "
                + "its interface with it (signalled), an LTE-like one (12 Mbit/s, 35 ms) remains: handover_stall_ms is the "
                + "handover's gap; --down 1@5s instead gives the silent case",
                List.of("20mbit,10ms", "12mbit,35ms"), "40M", "bulk", List.of("1@5s,signalled")));
        SCENARIOS.put("lossy", new Preset("one path with 2% loss (20 Mbit/s, 10 ms) beside a clean one (10 Mbit/s, 20 ms): "
                + "goodput should stay above the clean path alone",
                List.of("20mbit,10ms,loss=2%", "10mbit,20ms"), "40M", "bulk", List.of()));
        SCENARIOS.put("asymmetric-rtt", new Preset("10 ms against 200 ms of RTT (50 Mbit/s each): receive-buffer "
                + "head-of-line blocking, each scheduler's way with it",
                List.of("50mbit,5ms", "50mbit,100ms"), "100M", "bulk", List.of()));
        SCENARIOS.put("satellite", new Preset("a GEO-like path (20 Mbit/s, 600 ms RTT) beside an LTE-like one "
                + "(10 Mbit/s, 50 ms RTT) carrying 8 Mbit/s of video for 60 s: start-up and stalls",
                List.of("20mbit,300ms", "10mbit,25ms"), null, "video:8mbit,duration=60s", List.of()));
        SCENARIOS.put("backup", new Preset("a backup path (20 Mbit/s, 30 ms, B flag) beside the primary (20 Mbit/s, "
                + "10 ms), which goes down at 4 s, signalled: the backup subflow carries (next to) nothing before and "
                + "the rest after (RFC 8684 3.3.8)",
                List.of("20mbit,10ms", "20mbit,30ms"), "40M", "bulk", List.of("1@4s,signalled"), List.of("2"), null,
                null));
        SCENARIOS.put("shared-bottleneck", new Preset("two subflows (100 Mbit/s, 10 ms each) and a single-path TCP "
                + "flow share one 20 Mbit/s bottleneck: with --cc lia, olia or balia the connection should get at most "
                + "about what the TCP flow gets (RFC 6356 goal 2), uncoupled (newreno, cubic) about twice",
                List.of("100mbit,10ms", "100mbit,10ms"), "60M", "bulk", List.of(), List.of(), "20mbit",
                "100mbit,10ms"));
    }

    /** Fills in what {@code --scenario} sets and the command line left out; an unknown name is a problem. */
    void applyScenario(List<String> problems) {
        if (scenarioArg == null) {
            return;
        }
        Preset p = SCENARIOS.get(scenarioArg.trim());
        if (p == null) {
            problems.add("--scenario " + quote(scenarioArg) + ": unknown (known: " + String.join(", ", SCENARIOS.keySet()) + ")");
            return;
        }
        if (pathArgs.isEmpty()) {
            pathArgs = new ArrayList<>(p.paths());
        }
        boolean trafficGiven = !trafficArg.equals(DEFAULT_TRAFFIC);
        if (!trafficGiven) {
            trafficArg = p.traffic();
            if (bytesArg == null && p.bytes() != null) {
                bytesArg = p.bytes();
            }
        }
        if (downArgs.isEmpty() && upArgs.isEmpty()) {
            downArgs = new ArrayList<>(p.down());
        }
        if (backupArgs.isEmpty()) {
            backupArgs = new ArrayList<>(p.backup());
        }
        if (bottleneckArg == null) {
            bottleneckArg = p.bottleneck();
        }
        if (competingArg == null) {
            competingArg = p.competing();
        }
    }

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Option(names = "--events", description = "list the protocol events of both hosts in the text report")
    boolean events;

    /** A parsed path argument: what was typed and what it means. */
    record PathArg(String text, PathSpec spec) {
    }

    /** A parsed {@code --down}/{@code --up}: path index from 0. */
    record PathChange(String text, int path, long atNanos, boolean up, boolean signalled) {
    }

    /** A parsed {@code --middlebox}: path index from 0, or -1 for every path. */
    record MiddleboxArg(Middlebox kind, int path) {
    }

    /** Everything the arguments mean, once checked. */
    record Settings(List<PathArg> paths, long bytes, MiddleboxArg middlebox, FaultInjector faults,
                    List<PathChange> changes, long deadlineNanos, long pcapLimit, Scenario.Traffic traffic,
                    List<Integer> backup, LinkConfig bottleneck, LinkConfig competing) {
        Settings(List<PathArg> paths, long bytes, MiddleboxArg middlebox, FaultInjector faults,
                 List<PathChange> changes, long deadlineNanos, long pcapLimit, Scenario.Traffic traffic) {
            this(paths, bytes, middlebox, faults, changes, deadlineNanos, pcapLimit, traffic, List.of(), null, null);
        }

        boolean bulk() {
            return traffic instanceof Scenario.Traffic.Bulk;
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        applyScenario(problems);
        Settings settings = settings(problems);
        policies.validate(problems);
        if (announcePort != null && (announcePort < 1 || announcePort > 65535)) {
            problems.add("--announce-port " + announcePort + ": outside 1 to 65535");
        }
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println(NAME + ": " + p);
            }
            err.flush();
            return 2;
        }
        Scenario scenario = scenario(settings);
        SimulationResult result;
        // The session layer's engine, headless: the same run loop as the window's, as fast as it goes.
        try (org.mptcplab.app.session.EmulatedSession session = org.mptcplab.app.session.EmulatedSession.of(scenario)) {
            result = session.runToEnd();
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such directory"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            err.println(NAME + ": " + pcap + ": cannot be written: " + why);
            err.flush();
            return 1;
        }
        if (result.pcapPacketsNotRecorded() > 0) {
            // dumpcap's filesize autostop: the capture is valid up to the limit; the run went on.
            err.println(NAME + ": " + pcap + ": recording stopped at the --pcap-limit of " + pcapLimitArg.trim() + "; "
                    + fmt(result.pcapPacketsNotRecorded()) + " later packets were not recorded (raise it with "
                    + "--pcap-limit SIZE, or 0 for no limit)");
            err.flush();
        }
        Outcome outcome = Outcome.of(result, settings.deadlineNanos());
        out.print(json ? json(settings, result, outcome) + "\n" : text(settings, result, outcome));
        out.flush();
        return outcome.ok() ? 0 : 1;
    }

    // ------------------------------------------------------------------ arguments

    /** Parses and checks every option; what is wrong goes to {@code problems}, one line each. */
    Settings settings(List<String> problems) {
        List<String> pathTexts = pathArgs.isEmpty() ? List.of(DEFAULT_PATH) : pathArgs;
        List<PathArg> paths = new ArrayList<>();
        if (pathTexts.size() > MAX_PATHS) {
            problems.add("--path is given " + pathTexts.size() + " times, at most " + MAX_PATHS + " paths are supported");
        }
        for (String t : pathTexts) {
            try {
                paths.add(new PathArg(t, parsePath(t)));
            } catch (IllegalArgumentException e) {
                // LinkConfig's message quotes the spec already; an UP/DOWN one says which half.
                problems.add("--path" + (t.indexOf('/') < 0 ? "" : " " + quote(t)) + ": " + e.getMessage());
            }
        }
        Scenario.Traffic traffic = new Scenario.Traffic.Bulk();
        try {
            traffic = parseTraffic(trafficArg);
        } catch (IllegalArgumentException e) {
            problems.add("--traffic " + quote(trafficArg) + ": " + e.getMessage());
        }
        String bytesText = bytesArg == null ? DEFAULT_BYTES : bytesArg;
        long bytes = 0;
        try {
            bytes = parseSize(bytesText);
        } catch (IllegalArgumentException e) {
            problems.add("--bytes " + quote(bytesText) + " " + e.getMessage());
        }
        // Sizes and directions that a traffic model sets itself: a contradiction is refused, not ignored.
        if (bytesArg != null && !(traffic instanceof Scenario.Traffic.Bulk)) {
            problems.add("--bytes " + quote(bytesArg) + ": only bulk traffic has a size (--traffic " + trafficArg.trim()
                    + (traffic instanceof Scenario.Traffic.Video ? " sends bitrate x duration" : " sends its requests")
                    + "); leave --bytes out");
        }
        if (download && traffic instanceof Scenario.Traffic.RequestResponse) {
            problems.add("--download: request/response traffic goes both ways (requests from the client, responses"
                    + " from the server); leave --download out");
        }
        int pathCount = pathTexts.size();
        MiddleboxArg middlebox = new MiddleboxArg(Middlebox.NONE, -1);
        if (middleboxArg != null) {
            try {
                middlebox = parseMiddlebox(middleboxArg, pathCount);
            } catch (IllegalArgumentException e) {
                problems.add("--middlebox " + quote(middleboxArg) + ": " + e.getMessage());
            }
        }
        FaultInjector faults = FaultInjector.NONE;
        if (faultsArg != null) {
            try {
                faults = parseFaults(faultsArg);
            } catch (IllegalArgumentException e) {
                problems.add("--faults " + quote(faultsArg) + ": " + e.getMessage());
            }
        }
        long deadline = 0;
        try {
            deadline = parseDuration(deadlineArg);
            if (deadline == 0) {
                throw new IllegalArgumentException("must be more than 0");
            }
        } catch (IllegalArgumentException e) {
            problems.add("--deadline " + quote(deadlineArg) + " " + e.getMessage());
        }
        List<PathChange> changes = new ArrayList<>();
        for (boolean up : new boolean[] {false, true}) {
            for (String t : up ? upArgs : downArgs) {
                try {
                    changes.add(parsePathChange(t, up, pathCount));
                } catch (IllegalArgumentException e) {
                    problems.add((up ? "--up " : "--down ") + quote(t) + ": " + e.getMessage());
                }
            }
        }
        long pcapLimit = 0;
        try {
            pcapLimit = parseSize(pcapLimitArg);
            if (pcapLimit > 0 && pcapLimit < 24) {
                throw new IllegalArgumentException("is below the 24 bytes of a pcap file header (0 means no limit)");
            }
        } catch (IllegalArgumentException e) {
            problems.add("--pcap-limit " + quote(pcapLimitArg) + " " + e.getMessage());
        }
        List<Integer> backup = new ArrayList<>();
        for (String t : backupArgs) {
            try {
                int path = pathNumber(t.trim(), pathCount);
                if (path == 0) {
                    throw new IllegalArgumentException("path 1 carries the initial subflow, which no join opens: a "
                            + "backup is a path the client joins (2 to " + pathCount + ")");
                }
                if (!backup.contains(path)) {
                    backup.add(path);
                }
            } catch (IllegalArgumentException e) {
                problems.add("--backup " + quote(t) + ": " + e.getMessage());
            }
        }
        if (rcvbufArg != null) {
            try {
                long b = parseSize(rcvbufArg);
                if (b < 16 * 1024 || b > (1L << 30)) {
                    throw new IllegalArgumentException("must be 16KiB to 1GiB");
                }
                rcvbufBytes = (int) b;
            } catch (IllegalArgumentException e) {
                problems.add("--rcvbuf " + quote(rcvbufArg) + " " + e.getMessage());
            }
        }
        LinkConfig bottleneck = null;
        if (bottleneckArg != null) {
            try {
                bottleneck = parseBottleneck(bottleneckArg);
            } catch (IllegalArgumentException e) {
                problems.add("--bottleneck " + quote(bottleneckArg) + ": " + e.getMessage());
            }
        }
        LinkConfig competing = null;
        if (competingArg != null) {
            try {
                competing = LinkConfig.parse(competingArg.trim());
            } catch (IllegalArgumentException e) {
                problems.add("--competing-tcp: " + e.getMessage());
            }
            if (bottleneckArg == null) {
                problems.add("--competing-tcp needs a --bottleneck to compete at");
            }
        }
        return new Settings(paths, bytes, middlebox, faults, changes, deadline, pcapLimit, traffic, List.copyOf(backup),
                bottleneck, competing);
    }

    /** {@code RATE[,queue=SIZE]}: a rate above 0 and optionally the drop-tail limit; nothing else. */
    static LinkConfig parseBottleneck(String text) {
        LinkConfig c = LinkConfig.parse(text.trim());
        if (c.rateBitsPerSecond() == 0) {
            throw new IllegalArgumentException("a bottleneck needs a rate (e.g. 20mbit)");
        }
        if (c.delayNanos() != 0 || c.jitterNanos() != 0 || c.lossProbability() != 0) {
            throw new IllegalArgumentException("a bottleneck has a rate and a queue only (RATE[,queue=SIZE]): delay, "
                    + "jitter and loss belong to the paths");
        }
        return c;
    }

    private Scenario scenario(Settings s) {
        // Both hosts run the chosen policies (either can be the sender: --download).
        StackConfig client = policies.apply(StackConfig.defaults().withChecksum(checksum));
        StackConfig server = policies.apply(StackConfig.defaults().withChecksum(checksum).withMptcp(!noMptcpServer));
        if (rcvbufBytes > 0) {
            client = client.withBuffers(client.sendBufferBytes(), rcvbufBytes);
            server = server.withBuffers(server.sendBufferBytes(), rcvbufBytes);
        }
        if (announcePort != null) {
            server = server.withAnnouncePort(announcePort);
        }
        Scenario sc = new Scenario().bytes(s.bytes()).seed(seed).download(download).ipv6(ipv6).clientConfig(client)
                .serverConfig(server).faults(s.faults()).deadline(s.deadlineNanos()).pcap(pcap).pcapLimit(s.pcapLimit())
                .traffic(s.traffic());
        for (PathArg p : s.paths()) {
            sc.path(p.spec());
        }
        if (s.middlebox().kind() != Middlebox.NONE) {
            sc.middlebox(s.middlebox().kind(), s.middlebox().path());
        }
        for (PathChange c : s.changes()) {
            sc.event(new Scenario.PathEvent(c.atNanos(), c.path(), c.up(), c.signalled()));
        }
        for (int b : s.backup()) {
            sc.backup(b);
        }
        if (s.bottleneck() != null) {
            sc.bottleneck(s.bottleneck().rateBitsPerSecond(), s.bottleneck().queueBytes());
        }
        if (s.competing() != null) {
            sc.competingTcp(s.competing());
        }
        return sc;
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    /**
     * {@code bulk}, {@code video:RATE[,chunk=TIME][,duration=TIME][,start=TIME][,rebuffer=TIME]} or
     * {@code rr:REQUEST/RESPONSE[,n=COUNT]}; the message says what is wrong, without the option.
     */
    static Scenario.Traffic parseTraffic(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String kind = (colon < 0 ? t : t.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? null : t.substring(colon + 1).trim();
        switch (kind) {
            case "bulk" -> {
                if (rest != null) {
                    throw new IllegalArgumentException("bulk takes no settings (its size is --bytes)");
                }
                return new Scenario.Traffic.Bulk();
            }
            case "video" -> {
                return parseVideo(rest);
            }
            case "rr" -> {
                return parseRequestResponse(rest);
            }
            default -> throw new IllegalArgumentException("unknown traffic '" + kind
                    + "' (use bulk, video:RATE or rr:REQUEST/RESPONSE, e.g. video:8mbit or rr:200/20k)");
        }
    }

    private static Scenario.Traffic.Video parseVideo(String rest) {
        if (rest == null || rest.isEmpty()) {
            throw new IllegalArgumentException("video needs a bitrate (e.g. video:8mbit)");
        }
        String[] items = rest.split(",", -1);
        long bitrate;
        try {
            bitrate = parseRate(items[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bitrate '" + items[0].trim() + "' " + e.getMessage(), e);
        }
        if (bitrate == 0) {
            throw new IllegalArgumentException("the bitrate must be above 0");
        }
        Scenario.Traffic.Video d = Scenario.Traffic.Video.of(bitrate);
        Map<String, Long> set = settingsOf(items, List.of("chunk", "duration", "start", "rebuffer"), "e.g. chunk=250ms");
        for (Map.Entry<String, Long> e : set.entrySet()) {
            if (e.getValue() == 0 && (e.getKey().equals("chunk") || e.getKey().equals("duration"))) {
                throw new IllegalArgumentException(e.getKey() + " must be above 0");
            }
        }
        return new Scenario.Traffic.Video(bitrate, set.getOrDefault("chunk", d.chunkNanos()),
                set.getOrDefault("duration", d.durationNanos()), set.getOrDefault("start", d.startNanos()),
                set.getOrDefault("rebuffer", d.rebufferNanos()));
    }

    private static Scenario.Traffic.RequestResponse parseRequestResponse(String rest) {
        if (rest == null || rest.isEmpty()) {
            throw new IllegalArgumentException("rr needs REQUEST/RESPONSE sizes (e.g. rr:200/20k)");
        }
        String[] items = rest.split(",", -1);
        int slash = items[0].indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + items[0].trim() + "' is not REQUEST/RESPONSE (e.g. rr:200/20k)");
        }
        int request = messageSize("request", items[0].substring(0, slash));
        int response = messageSize("response", items[0].substring(slash + 1));
        Map<String, Long> set = settingsOf(items, List.of("n"), "e.g. n=100");
        long n = set.getOrDefault("n", (long) DEFAULT_RR_COUNT);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("n must be 1 to " + Integer.MAX_VALUE + ", got " + n);
        }
        return new Scenario.Traffic.RequestResponse(request, response, (int) n);
    }

    private static int messageSize(String what, String text) {
        long v;
        try {
            v = parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " size '" + text.trim() + "' " + e.getMessage(), e);
        }
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " size '" + text.trim() + "' must be 1 to " + Integer.MAX_VALUE
                    + " bytes");
        }
        return (int) v;
    }

    /** {@code key=value} items after the first; times for every key but {@code n}, a plain count. */
    private static Map<String, Long> settingsOf(String[] items, List<String> keys, String example) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (int i = 1; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item between commas");
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + item + "' is not NAME=VALUE (" + example + ")");
            }
            String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).trim();
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + item.substring(0, eq).trim() + "' (use "
                        + String.join(", ", keys) + ")");
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException(key + " is given twice");
            }
            long v;
            if (key.equals("n")) {
                if (!value.matches("[0-9]{1,18}")) {
                    throw new IllegalArgumentException("n '" + value + "' is not a count (e.g. n=100)");
                }
                v = Long.parseLong(value);
            } else {
                try {
                    v = parseDuration(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + " '" + value + "' " + e.getMessage(), e);
                }
            }
            out.put(key, v);
        }
        return out;
    }

    /** A rate in bits per second: a number and bit, kbit, mbit, gbit (or bps, kbps, mbps, gbps: bits too). */
    static long parseRate(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("must be above 0");
        }
        Matcher m = NUMBER_UNIT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a rate (a number and a unit, e.g. 8mbit)");
        }
        long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "bit", "bps" -> 1L;
            case "kbit", "kbps" -> 1_000L;
            case "mbit", "mbps" -> 1_000_000L;
            case "gbit", "gbps" -> 1_000_000_000L;
            case "" -> throw new IllegalArgumentException("has no unit (use bit, kbit, mbit, gbit)");
            default -> throw new IllegalArgumentException("has an unknown rate unit '" + m.group(2)
                    + "' (use bit, kbit, mbit, gbit)");
        };
        return whole(m.group(1), mult, "bits per second", 1_000_000_000_000L);
    }

    /** {@code SPEC} or {@code UP/DOWN}; see {@link LinkConfig#parse}. */
    static PathSpec parsePath(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return PathSpec.symmetric(LinkConfig.parse(text.trim()));
        }
        if (text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("more than one '/' (use UP/DOWN, e.g. 40mbit,10ms/10mbit,10ms)");
        }
        LinkConfig up;
        try {
            up = LinkConfig.parse(text.substring(0, slash).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("up direction (client to server): " + e.getMessage(), e);
        }
        LinkConfig down;
        try {
            down = LinkConfig.parse(text.substring(slash + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("down direction (server to client): " + e.getMessage(), e);
        }
        return new PathSpec(up, down);
    }

    private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z%]*)");

    /** A byte count: digits, optionally with a fraction, and B, K, M, G (1000s) or KiB, MiB, GiB (1024s). */
    static long parseSize(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("must be 0 or more");
        }
        Matcher m = NUMBER_UNIT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a size (e.g. 2000000, 50M, 1.5GiB)");
        }
        long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1_000L;
            case "m", "mb" -> 1_000_000L;
            case "g", "gb" -> 1_000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException("has an unknown size unit '" + m.group(2)
                    + "' (use K, M, G for powers of 1000 or KiB, MiB, GiB for powers of 1024)");
        };
        return whole(m.group(1), mult, "bytes", Long.MAX_VALUE);
    }

    /** {@link #parseSize} for option {@code option}: the message names the option and the value. */
    static long sizeOption(String option, String value) {
        try {
            return parseSize(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + quote(value) + " " + e.getMessage(), e);
        }
    }

    /** {@link #parseDuration} for option {@code option}: the message names the option and the value. */
    static long durationOption(String option, String value) {
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + quote(value) + " " + e.getMessage()
                    + (e.getMessage().startsWith("must be") ? " (a time such as 30s or 500ms)" : ""), e);
        }
    }

    /** A duration: a number and ns, us, ms or s; 0 may omit the unit. */
    static long parseDuration(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("must be 0 or more");
        }
        Matcher m = NUMBER_UNIT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a time (a number and a unit: ns, us, ms, s; e.g. 500ms)");
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "" -> {
                if (new BigDecimal(m.group(1)).signum() != 0) {
                    throw new IllegalArgumentException("has no unit (use ns, us, ms, s)");
                }
                yield 1L;
            }
            default -> throw new IllegalArgumentException("has an unknown time unit '" + m.group(2) + "' (use ns, us, ms, s)");
        };
        return whole(m.group(1), mult, "nanoseconds", MAX_TIME_NANOS);
    }

    private static long whole(String number, long mult, String base, long max) {
        BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(mult)).stripTrailingZeros();
        if (v.scale() > 0) {
            throw new IllegalArgumentException("is not a whole number of " + base);
        }
        if (v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException("is too large (at most " + max + " " + base + ")");
        }
        return v.longValueExact();
    }

    /** A probability: a fraction (0.01) or a percentage (1%), 0 to 1. */
    static double parseProbability(String text) {
        String t = text.trim();
        boolean percent = t.endsWith("%");
        String number = percent ? t.substring(0, t.length() - 1).trim() : t;
        if (!number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("'" + text + "' is not a probability (a fraction like 0.01 or a percentage like 1%)");
        }
        BigDecimal p = new BigDecimal(number);
        if (percent) {
            p = p.movePointLeft(2);
        }
        if (p.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("'" + text + "' is not between " + (percent ? "0% and 100%" : "0 and 1"));
        }
        return p.doubleValue();
    }

    /** {@code drop=P,duplicate=P,reorder=P[:DELAY],corrupt=P,rewrite=P} in any order, or {@code none}. */
    static FaultInjector parseFaults(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty (e.g. drop=0.01,reorder=0.02:5ms)");
        }
        if (text.trim().equalsIgnoreCase("none")) {
            return FaultInjector.NONE;
        }
        FaultInjector f = FaultInjector.NONE;
        List<String> seen = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item between commas");
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + item + "' is not NAME=PROBABILITY (e.g. drop=0.01)");
            }
            String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).trim();
            if (seen.contains(key)) {
                throw new IllegalArgumentException(key + " is given twice");
            }
            switch (key) {
                case "drop" -> f = f.withDrop(probability(key, value));
                case "duplicate" -> f = f.withDuplicate(probability(key, value));
                case "corrupt" -> f = f.withCorrupt(probability(key, value));
                case "rewrite" -> f = f.withRewritePayload(probability(key, value));
                case "reorder" -> {
                    int colon = value.indexOf(':');
                    double p = probability(key, colon < 0 ? value : value.substring(0, colon));
                    long delay = DEFAULT_REORDER_DELAY_NANOS;
                    if (colon >= 0) {
                        String d = value.substring(colon + 1).trim();
                        try {
                            delay = parseDuration(d);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("reorder delay '" + d + "' " + e.getMessage(), e);
                        }
                    }
                    f = f.withReorder(p, delay);
                }
                default -> throw new IllegalArgumentException("unknown fault '" + item.substring(0, eq).trim()
                        + "' (use drop, duplicate, reorder, corrupt, rewrite)");
            }
            seen.add(key);
        }
        return f;
    }

    private static double probability(String key, String value) {
        try {
            return parseProbability(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " probability " + e.getMessage(), e);
        }
    }

    /** {@code strip-all} or {@code strip-data}, optionally {@code :PATH}. */
    static MiddleboxArg parseMiddlebox(String text, int pathCount) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon).trim();
        Middlebox m = switch (kind) {
            case "strip-all" -> Middlebox.STRIP_MPTCP_ALL;
            case "strip-data" -> Middlebox.STRIP_MPTCP_DATA;
            case "none" -> Middlebox.NONE;
            default -> throw new IllegalArgumentException("unknown middlebox '" + kind + "' (use strip-all or strip-data)");
        };
        int path = colon < 0 ? -1 : pathNumber(t.substring(colon + 1).trim(), pathCount);
        return new MiddleboxArg(m, path);
    }

    /** {@code PATH@TIME[,signalled]}, the path numbered from 1. */
    static PathChange parsePathChange(String full, boolean up, int pathCount) {
        String text = full;
        boolean signalled = false;
        int comma = text.indexOf(',');
        if (comma >= 0) {
            String flag = text.substring(comma + 1).trim();
            if (!flag.equals("signalled")) {
                throw new IllegalArgumentException("'" + flag + "' after the comma: the only word there is 'signalled' "
                        + "(the client's interface goes " + (up ? "up" : "down") + " with the path)");
            }
            signalled = true;
            text = text.substring(0, comma);
        }
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("not PATH@TIME (e.g. 1@2s: path 1 at 2 s virtual time)");
        }
        int path = pathNumber(text.substring(0, at).trim(), pathCount);
        long nanos;
        try {
            nanos = parseDuration(text.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("time '" + text.substring(at + 1).trim() + "' " + e.getMessage(), e);
        }
        return new PathChange(full, path, nanos, up, signalled);
    }

    /** A path number from 1 to {@code pathCount}, returned as an index from 0. */
    private static int pathNumber(String text, int pathCount) {
        if (!text.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("path '" + text + "' is not a path number (1 to " + pathCount + ")");
        }
        int n = Integer.parseInt(text);
        if (n < 1 || n > pathCount) {
            throw new IllegalArgumentException("there is no path " + n + " (paths are numbered 1 to " + pathCount
                    + ", one per --path)");
        }
        return n - 1;
    }

    // ------------------------------------------------------------------ report

    /** How the run ended, for the exit status and both reports. */
    record Outcome(boolean ok, String status, String reason) {
        static Outcome of(SimulationResult r, long deadlineNanos) {
            if (r.resetReason() != null) {
                return new Outcome(false, "reset", "connection reset: " + r.resetReason());
            }
            if (!r.finished()) {
                return new Outcome(false, "deadline", "not finished by the deadline (" + seconds(deadlineNanos)
                        + " s virtual): " + r.bytesDelivered() + " of " + r.bytesRequested() + " bytes delivered");
            }
            if (!r.streamIntact()) {
                return new Outcome(false, "corrupted", "the received stream differs from the sent one ("
                        + r.bytesDelivered() + " of " + r.bytesRequested() + " bytes, SHA-256 "
                        + (r.sha256Sent() != null && r.sha256Sent().equals(r.sha256Received()) ? "equal" : "different")
                        + ")");
            }
            return new Outcome(true, "ok", null);
        }
    }

    /** Both hosts' events in time order (client first at equal times), each with its host. */
    record HostEvent(String host, ProtocolEvent event) {
    }

    static List<HostEvent> mergedEvents(SimulationResult r) {
        List<HostEvent> all = new ArrayList<>(r.clientEvents().size() + r.serverEvents().size());
        int i = 0;
        int j = 0;
        List<ProtocolEvent> c = r.clientEvents();
        List<ProtocolEvent> s = r.serverEvents();
        while (i < c.size() || j < s.size()) {
            if (j >= s.size() || i < c.size() && c.get(i).timeNanos() <= s.get(j).timeNanos()) {
                all.add(new HostEvent("client", c.get(i++)));
            } else {
                all.add(new HostEvent("server", s.get(j++)));
            }
        }
        return all;
    }

    /** The host whose subflows are reported: bulk's sender; the server for video (it streams) and rr (it responds). */
    private String sendingHost(Settings s) {
        return download || !s.bulk() ? "server" : "client";
    }

    private static String endpoint(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** Nanoseconds as exact seconds, e.g. 1.5 or 0.000123. */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** A double with at most {@code decimals} decimals, no exponent; "null" if not finite. */
    static String decimal(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private String options(Settings s) {
        List<String> o = new ArrayList<>();
        if (ipv6) {
            o.add("IPv6");
        }
        if (checksum) {
            o.add("DSS checksums");
        }
        if (noMptcpServer) {
            o.add("server without MPTCP");
        }
        if (s.middlebox().kind() != Middlebox.NONE) {
            o.add("middlebox " + middleboxArg.trim());
        }
        if (!s.faults().isNone()) {
            o.add("faults " + faultsArg.trim());
        }
        for (PathChange c : s.changes()) {
            o.add("path " + (c.path() + 1) + (c.up() ? " up at " : " down at ") + seconds(c.atNanos()) + " s"
                    + (c.signalled() ? " (signalled)" : ""));
        }
        for (int b : s.backup()) {
            o.add("path " + (b + 1) + " backup");
        }
        if (s.bottleneck() != null) {
            o.add("bottleneck " + bottleneckArg.trim());
        }
        if (s.competing() != null) {
            o.add("competing TCP on " + competingArg.trim());
        }
        return String.join(", ", o);
    }

    private static String effective(PathSpec p) {
        String up = Scenario.withDefaultQueue(p.up()).toSpec();
        String down = Scenario.withDefaultQueue(p.down()).toSpec();
        return up.equals(down) ? up : up + "/" + down;
    }

    String text(Settings s, SimulationResult r, Outcome o) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append(heading(s, r)).append(" over ").append(s.paths().size())
                .append(s.paths().size() == 1 ? " path" : " paths").append(", seed ").append(seed).append('\n');
        for (int i = 0; i < s.paths().size(); i++) {
            PathArg p = s.paths().get(i);
            String eff = effective(p.spec());
            sb.append("  path ").append(i + 1).append(": ").append(p.text());
            if (!eff.equals(p.text())) {
                sb.append("  (as run: ").append(eff).append(')');
            }
            sb.append('\n');
        }
        String opts = options(s);
        if (!opts.isEmpty()) {
            sb.append("  with ").append(opts).append('\n');
        }
        sb.append("result: ").append(o.ok() ? "finished, stream intact" : o.reason()).append('\n');
        sb.append("  delivered        ").append(fmt(r.bytesDelivered())).append(" of ").append(fmt(r.bytesRequested()))
                .append(" bytes\n");
        sb.append("  duration         ").append(decimal(r.durationSeconds(), 6))
                .append(" s (connect to the last byte delivered)\n");
        sb.append("  goodput          ");
        if (r.durationSeconds() <= 0) {
            sb.append("- (").append(noGoodputReason(r)).append(")\n");
        } else {
            sb.append(String.format(Locale.ROOT, "%.2f", r.goodputBps() / 1e6)).append(" Mbit/s (virtual time)");
            if (anyUnlimited(s)) {
                sb.append("; unlimited paths serve at ").append(LinkConfig.UNLIMITED_SERVICE_RATE / 1_000_000_000L)
                        .append(" Gbit/s, so this is the stack's reach, not a network's");
            }
            sb.append('\n');
        }
        sb.append("  wall goodput     ").append(String.format(Locale.ROOT, "%.2f", wallGoodputBps(r) / 1e6))
                .append(" Mbit/s (bytes delivered over the run's wall-clock time: the stack's own speed here)\n");
        sb.append("  stream intact    ").append(r.streamIntact() ? "yes" : "NO").append('\n');
        if (s.traffic() instanceof Scenario.Traffic.RequestResponse) {
            sb.append("  sha256           - (request/response has no content to hash; intact: every response whole)\n");
        } else {
            sb.append("  sha256 sent      ").append(r.sha256Sent()).append('\n');
            sb.append("  sha256 received  ").append(r.sha256Received()).append('\n');
        }
        sb.append("  fallback to TCP  ").append(r.fallback() ? "yes" : "no").append('\n');
        sb.append("  reset            ").append(r.resetReason() == null ? "none" : r.resetReason()).append('\n');
        sb.append("  max stall        ").append(decimal(r.maxStallNanos() / 1e6, 3)).append(" ms\n");
        MptcpSocket.ReceiveStats rstats = r.receiveStats();
        if (rstats != null) {
            sb.append("  out of order     ").append(fmt(rstats.outOfOrderBytesHeld())).append(" bytes waited for a hole, ")
                    .append(decimal(rstats.meanOutOfOrderDelayNanos() / 1e6, 1)).append(" ms on average, at most ")
                    .append(decimal(rstats.maxOutOfOrderDelayNanos() / 1e6, 1)).append(" ms; peak ")
                    .append(fmt(rstats.peakOutOfOrderBytes())).append(" of the ").append(fmt(rstats.capacityBytes()))
                    .append("-byte receive buffer\n");
        }
        for (Scenario.HandoverResult h : r.handovers()) {
            sb.append("  handover         path ").append(h.path() + 1).append(" down at ").append(seconds(h.atNanos()))
                    .append(" s").append(h.signalled() ? " (signalled)" : " (silent)").append(": ");
            if (h.stallNanos() < 0) {
                sb.append("stall not measured for this traffic\n");
                continue;
            }
            sb.append("stall ").append(decimal(h.stallNanos() / 1e6, 3)).append(" ms");
            if (h.survivingRttNanos() > 0) {
                sb.append(" (surviving subflow's srtt ").append(decimal(h.survivingRttNanos() / 1e6, 3)).append(" ms)");
            }
            sb.append(h.recoveredAtNanos() >= 0 ? ", all data sent before it delivered at " + seconds(h.recoveredAtNanos()) + " s"
                    : ", data sent before it never all delivered").append('\n');
        }
        trafficLine(sb, r.traffic());
        if (r.competing() != null) {
            Scenario.CompetingResult c = r.competing();
            sb.append("  competing TCP    ").append(String.format(Locale.ROOT, "%.2f", c.goodputBps() / 1e6))
                    .append(" Mbit/s (").append(c.congestionControl()).append(", ").append(fmt(c.bytesDelivered()))
                    .append(" bytes over the same ").append(decimal(c.seconds(), 3)).append(" s")
                    .append(c.resetReason() == null ? "" : ", reset: " + c.resetReason()).append(")\n");
            sb.append("  MPTCP / TCP      ").append(decimal(r.competingRatio(), 3))
                    .append(" (RFC 6356 goal 2: about 1 or less when coupled)\n");
            sb.append("  bottleneck       ").append(String.format(Locale.ROOT, "%.2f", c.bottleneckRateBps() / 1e6))
                    .append(" Mbit/s, queue ").append(fmt(c.bottleneckQueueBytes())).append(" bytes: ")
                    .append(fmt(c.bottleneck().forwardedPackets())).append(" packets forwarded, ")
                    .append(fmt(c.bottleneck().droppedPackets())).append(" dropped\n");
        }
        sb.append("subflows (").append(sendingHost(s))
                .append(s.traffic() instanceof Scenario.Traffic.RequestResponse ? ", the responder):\n" : ", the sender):\n");
        if (r.subflows().isEmpty()) {
            sb.append("  none\n");
        } else {
            int w = 12;
            for (SubflowSnapshot f : r.subflows()) {
                w = Math.max(w, Math.max(endpoint(f.localAddress(), f.localPort()).length(),
                        endpoint(f.remoteAddress(), f.remotePort()).length()));
            }
            String row = "  %-3s %-" + w + "s %-" + w + "s %14s %12s %5s %9s %9s %-11s %s%n";
            sb.append(String.format(Locale.ROOT, row, "id", "local", "remote", "bytes sent", "retx bytes", "RTOs",
                    "fast rtx", "srtt ms", "state", "close reason"));
            for (SubflowSnapshot f : r.subflows()) {
                sb.append(String.format(Locale.ROOT, row, f.id() + (f.backup() ? "b" : ""),
                        endpoint(f.localAddress(), f.localPort()), endpoint(f.remoteAddress(), f.remotePort()),
                        fmt(f.bytesSent()), fmt(f.bytesRetransmitted()), fmt(f.rtoCount()), fmt(f.fastRetransmits()),
                        f.srttNanos() < 0 ? "-" : decimal(f.srttNanos() / 1e6, 3), f.state(),
                        f.closeReason() == null ? "-" : f.closeReason()));
            }
            schedulingLines(sb, r.subflows());
        }
        sb.append("counters (non-zero):\n");
        counterLines(sb, "client", r.clientCounters());
        counterLines(sb, "server", r.serverCounters());
        List<HostEvent> evs = mergedEvents(r);
        if (events) {
            sb.append("events (").append(evs.size()).append("):\n");
            for (HostEvent e : evs) {
                ProtocolEvent p = e.event();
                sb.append(String.format(Locale.ROOT, "  %12s s  %-6s %-19s %-5s %s%n", seconds(p.timeNanos()), e.host(),
                        p.kind(), p.subflowId() < 0 ? "-" : "sf " + p.subflowId(), p.detail() == null ? "" : p.detail()));
            }
        } else {
            sb.append("events: ").append(evs.size()).append(" (--events lists them)\n");
        }
        sb.append("run: ").append(seconds(r.virtualNanos())).append(" s virtual, ").append(decimal(r.wallNanos() / 1e9, 3))
                .append(" s wall, ").append(fmt(r.networkEvents())).append(" network events");
        if (pcap != null) {
            sb.append(", capture in ").append(pcap);
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * Per subflow, the chunks the scheduler put on it and why (SchedulingReason), largest share
     * first, and how often BLEST or ECF held data back rather than send on it.
     */
    private void schedulingLines(StringBuilder sb, List<SubflowSnapshot> subflows) {
        sb.append("scheduler ").append(policies.scheduler).append(", chunks per subflow and why:\n");
        for (SubflowSnapshot f : subflows) {
            org.mptcplab.stack.sched.SchedulingCounts c = f.scheduled();
            long all = c.carried();
            sb.append(String.format(Locale.ROOT, "  %-3s %9s chunks", f.id() + (f.backup() ? "b" : ""), fmt(all)));
            String sep = ": ";
            List<Map.Entry<org.mptcplab.stack.sched.SchedulingReason, Long>> parts =
                    new ArrayList<>(c.carriedByReason().entrySet());
            parts.sort(Map.Entry.<org.mptcplab.stack.sched.SchedulingReason, Long>comparingByValue().reversed());
            for (var e : parts) {
                double pct = 100.0 * e.getValue() / all;
                sb.append(sep).append(pct >= 10 || pct == 0 ? String.format(Locale.ROOT, "%.0f", pct)
                        : String.format(Locale.ROOT, "%.1f", pct)).append("% ").append(e.getKey().words());
                sep = ", ";
            }
            if (c.heldBack() > 0) {
                sb.append("; held back ").append(fmt(c.heldBack())).append(" times for a faster subflow");
            }
            sb.append('\n');
        }
    }

    /** What ran, before " over N paths": the bulk wording is unchanged from before traffic models. */
    private String heading(Settings s, SimulationResult r) {
        if (s.traffic() instanceof Scenario.Traffic.Video v) {
            return "video at " + rate(v.bitrateBps()) + " in " + seconds(v.chunkNanos()) + " s chunks, "
                    + (v.endless() ? "until the deadline" : seconds(v.durationNanos()) + " s of it") + " (server sends)";
        }
        if (s.traffic() instanceof Scenario.Traffic.RequestResponse rr) {
            return "request/response: " + fmt(rr.count()) + " requests of " + fmt(rr.requestSize()) + " bytes (client), "
                    + "responses of " + fmt(rr.responseSize()) + " bytes (server)";
        }
        return (download ? "download" : "upload") + " of " + fmt(r.bytesRequested()) + " bytes (" + sendingHost(s)
                + " sends)";
    }

    /** A bitrate for people: 8 Mbit/s, 1.5 Mbit/s, 800 kbit/s. */
    static String rate(long bps) {
        if (bps >= 1_000_000_000L) {
            return decimal(bps / 1e9, 3) + " Gbit/s";
        }
        if (bps >= 1_000_000L) {
            return decimal(bps / 1e6, 3) + " Mbit/s";
        }
        if (bps >= 1_000L) {
            return decimal(bps / 1e3, 3) + " kbit/s";
        }
        return bps + " bit/s";
    }

    /** The traffic model's own figures, one line (none for bulk: the lines above are its figures). */
    private static void trafficLine(StringBuilder sb, TrafficReport t) {
        if (t instanceof TrafficReport.VideoReport v) {
            sb.append("  video            ").append(fmt(v.stalls())).append(v.stalls() == 1 ? " stall" : " stalls")
                    .append(" (").append(decimal(v.stalledMs(), 3)).append(" ms stalled), startup ")
                    .append(v.startupMs() < 0 ? "- (never played)" : decimal(v.startupMs(), 3) + " ms")
                    .append(", played ").append(decimal(v.playedMs(), 3)).append(" ms, buffered ")
                    .append(decimal(v.bufferMs(), 3)).append(" ms, ").append(v.state().name().toLowerCase(Locale.ROOT))
                    .append(" at the end\n");
        } else if (t instanceof TrafficReport.RequestResponseReport rr) {
            sb.append("  latency          ");
            if (rr.completed() == 0) {
                sb.append("- (no response completed)");
            } else {
                sb.append("min ").append(decimal(rr.minMs(), 3)).append(" ms, median ").append(decimal(rr.medianMs(), 3))
                        .append(" ms, p95 ").append(decimal(rr.p95Ms(), 3)).append(" ms, max ")
                        .append(decimal(rr.maxMs(), 3)).append(" ms");
            }
            sb.append(" (").append(fmt(rr.completed())).append(" of ").append(fmt(rr.count()))
                    .append(" responses)\n");
        }
    }

    /** The {@code "traffic"} object of the JSON report. */
    private static void trafficJson(JsonWriter j, Settings s, TrafficReport t) {
        j.beginObject();
        j.name("kind").value(t.kind());
        if (t instanceof TrafficReport.VideoReport v && s.traffic() instanceof Scenario.Traffic.Video spec) {
            j.name("bitrate_bps").value(v.bitrateBps());
            j.name("chunk_ms").raw(decimal(spec.chunkNanos() / 1e6, 6));
            j.name("duration_s");
            if (spec.endless()) {
                j.nullValue();
            } else {
                j.raw(seconds(spec.durationNanos()));
            }
            j.name("start_target_ms").raw(decimal(v.startTargetMs(), 6));
            j.name("rebuffer_target_ms").raw(decimal(v.rebufferTargetMs(), 6));
            j.name("startup_ms");
            if (v.startupMs() < 0) {
                j.nullValue();
            } else {
                j.raw(decimal(v.startupMs(), 6));
            }
            j.name("stalls").value(v.stalls());
            j.name("stalled_ms").raw(decimal(v.stalledMs(), 6));
            j.name("played_ms").raw(decimal(v.playedMs(), 6));
            j.name("buffer_ms").raw(decimal(v.bufferMs(), 6));
            j.name("state").value(v.state().name());
            j.name("bytes_received").value(v.bytesReceived());
        } else if (t instanceof TrafficReport.RequestResponseReport rr) {
            j.name("request_bytes").value(rr.requestSize());
            j.name("response_bytes").value(rr.responseSize());
            j.name("count").value(rr.count());
            j.name("completed").value(rr.completed());
            j.name("latency_ms");
            if (rr.completed() == 0) {
                j.nullValue();
            } else {
                j.beginObject();
                j.name("min").raw(decimal(rr.minMs(), 6));
                j.name("median").raw(decimal(rr.medianMs(), 6));
                j.name("p95").raw(decimal(rr.p95Ms(), 6));
                j.name("max").raw(decimal(rr.maxMs(), 6));
                j.endObject();
            }
        }
        j.endObject();
    }

    private static boolean anyUnlimited(Settings s) {
        for (PathArg p : s.paths()) {
            if (p.spec().up().rateBitsPerSecond() == 0 || p.spec().down().rateBitsPerSecond() == 0) {
                return true;
            }
        }
        return false;
    }

    static double wallGoodputBps(SimulationResult r) {
        return r.wallNanos() > 0 ? r.bytesDelivered() * 8 / (r.wallNanos() / 1e9) : 0;
    }

    /** Why a run has no goodput figure (its duration, connect to last byte delivered, is 0). */
    static String noGoodputReason(SimulationResult r) {
        return r.bytesDelivered() == 0 ? "no data was delivered" : "all data was delivered at the connect instant";
    }

    private static void counterLines(StringBuilder sb, String host, Map<Mib, Long> counters) {
        StringBuilder line = new StringBuilder("  " + host + ":");
        boolean any = false;
        for (Mib m : Mib.values()) {
            long v = counters.getOrDefault(m, 0L);
            if (v == 0) {
                continue;
            }
            String item = " " + m.name() + "=" + v;
            if (any && line.length() + item.length() > 100) {
                sb.append(line).append('\n');
                line = new StringBuilder("         ");
            }
            line.append(item);
            any = true;
        }
        if (!any) {
            line.append(" none");
        }
        sb.append(line).append('\n');
    }

    String json(Settings s, SimulationResult r, Outcome o) {
        JsonWriter j = new JsonWriter();
        j.beginObject();
        j.name("status").value(o.status());
        j.name("reason").value(o.reason());
        j.name("goodput_bps");
        if (r.durationSeconds() <= 0) {
            j.nullValue();
            j.name("goodput_null_reason").value(noGoodputReason(r));
        } else {
            j.raw(decimal(r.goodputBps(), 0));
        }
        j.name("goodput_time").value("virtual");
        j.name("unlimited_paths_bps");
        if (anyUnlimited(s)) {
            j.value(LinkConfig.UNLIMITED_SERVICE_RATE);
        } else {
            j.nullValue();
        }
        j.name("wall_goodput_bps").raw(decimal(wallGoodputBps(r), 0));
        j.name("pcap_packets_not_recorded").value(r.pcapPacketsNotRecorded());
        j.name("duration_s").raw(decimal(r.durationSeconds(), 9));
        j.name("bytes_delivered").value(r.bytesDelivered());
        j.name("bytes_requested").value(r.bytesRequested());
        j.name("stream_intact").value(r.streamIntact());
        j.name("sha256_sent").value(r.sha256Sent());
        j.name("sha256_received").value(r.sha256Received());
        j.name("finished").value(r.finished());
        j.name("fallback").value(r.fallback());
        j.name("reset_reason").value(r.resetReason());
        j.name("max_stall_ms").raw(decimal(r.maxStallNanos() / 1e6, 6));
        // The stall the handover itself caused (see Scenario.HandoverResult); max_stall_ms also
        // counts later gaps on the surviving path, a congestion loss there, say.
        long handoverStall = r.handoverStallNanos();
        j.name("handover_stall_ms").raw(handoverStall < 0 ? "null" : decimal(handoverStall / 1e6, 6));
        MptcpSocket.ReceiveStats rs = r.receiveStats();
        if (rs != null) {
            // Head-of-line blocking at the receiver (RFC 8684 3.3.1): data that waited for a hole.
            j.name("receive_buffer").beginObject();
            j.name("capacity").value(rs.capacityBytes());
            j.name("peak_out_of_order_bytes").value(rs.peakOutOfOrderBytes());
            j.name("mean_out_of_order_bytes").raw(decimal(rs.meanOutOfOrderBytes(), 0));
            j.name("out_of_order_bytes").value(rs.outOfOrderBytesHeld());
            j.name("mean_out_of_order_delay_ms").raw(decimal(rs.meanOutOfOrderDelayNanos() / 1e6, 3));
            j.name("max_out_of_order_delay_ms").raw(decimal(rs.maxOutOfOrderDelayNanos() / 1e6, 3));
            j.endObject();
        }
        j.name("handovers").beginArray();
        for (Scenario.HandoverResult h : r.handovers()) {
            j.beginObject();
            j.name("path").value(h.path() + 1);
            j.name("time_s").raw(seconds(h.atNanos()));
            j.name("signalled").value(h.signalled());
            j.name("bytes_sent_before").value(h.sentBytes());
            j.name("surviving_srtt_ms").raw(h.survivingRttNanos() < 0 ? "null" : decimal(h.survivingRttNanos() / 1e6, 6));
            j.name("stall_ms").raw(h.stallNanos() < 0 ? "null" : decimal(h.stallNanos() / 1e6, 6));
            j.name("recovered_s").raw(h.recoveredAtNanos() < 0 ? "null" : seconds(h.recoveredAtNanos()));
            j.endObject();
        }
        j.endArray();
        j.name("direction").value(r.direction());
        j.name("sender").value(sendingHost(s));
        if (r.competing() != null) {
            Scenario.CompetingResult c = r.competing();
            j.name("competing_goodput_bps").raw(decimal(c.goodputBps(), 0));
            j.name("competing_bytes").value(c.bytesDelivered());
            j.name("competing_cc").value(c.congestionControl());
            j.name("competing_reset_reason").value(c.resetReason());
            j.name("mptcp_tcp_ratio").raw(decimal(r.competingRatio(), 6));
            j.name("bottleneck_stats").beginObject();
            j.name("rate_bps").value(c.bottleneckRateBps());
            j.name("queue_bytes").value(c.bottleneckQueueBytes());
            j.name("forwarded_packets").value(c.bottleneck().forwardedPackets());
            j.name("dropped_packets").value(c.bottleneck().droppedPackets());
            j.name("max_backlog_bytes").value(c.bottleneck().maxBacklogBytes());
            j.endObject();
        }
        j.name("subflows").beginArray();
        long sentOnAll = 0;
        for (SubflowSnapshot f : r.subflows()) {
            sentOnAll += f.bytesSent();
        }
        for (SubflowSnapshot f : r.subflows()) {
            j.beginObject();
            j.name("id").value(f.id());
            j.name("local").value(endpoint(f.localAddress(), f.localPort()));
            j.name("remote").value(endpoint(f.remoteAddress(), f.remotePort()));
            j.name("path").value(f.iface() + 1);
            j.name("bytes").value(f.bytesSent());
            // Its part of what all subflows sent (retransmissions and reinjections included).
            j.name("share").raw(decimal(sentOnAll == 0 ? 0 : f.bytesSent() / (double) sentOnAll, 6));
            j.name("bytes_acked").value(f.bytesAcked());
            j.name("retransmits").value(f.segmentsRetransmitted());
            j.name("retransmitted_bytes").value(f.bytesRetransmitted());
            j.name("rto_count").value(f.rtoCount());
            j.name("fast_retransmits").value(f.fastRetransmits());
            j.name("srtt_ms");
            if (f.srttNanos() < 0) {
                j.nullValue();
            } else {
                j.raw(decimal(f.srttNanos() / 1e6, 6));
            }
            j.name("cwnd").value(f.cwnd());
            j.name("state").value(f.state().name());
            j.name("backup").value(f.backup());
            j.name("close_reason").value(f.closeReason());
            // The scheduler's chunks on this subflow per reason (non-zero only), and its waits.
            j.name("scheduled").beginObject();
            for (var e : f.scheduled().carriedByReason().entrySet()) {
                j.name(e.getKey().key()).value(e.getValue());
            }
            j.endObject();
            j.name("held_back").value(f.scheduled().heldBack());
            j.endObject();
        }
        j.endArray();
        j.name("events").beginArray();
        for (HostEvent e : mergedEvents(r)) {
            ProtocolEvent p = e.event();
            j.beginObject();
            j.name("time_s").raw(seconds(p.timeNanos()));
            j.name("host").value(e.host());
            j.name("kind").value(p.kind().name());
            j.name("subflow");
            if (p.subflowId() < 0) {
                j.nullValue();
            } else {
                j.value(p.subflowId());
            }
            j.name("detail").value(p.detail());
            j.endObject();
        }
        j.endArray();
        j.name("counters").beginObject();
        counters(j, "client", r.clientCounters());
        counters(j, "server", r.serverCounters());
        j.endObject();
        j.name("virtual_s").raw(seconds(r.virtualNanos()));
        j.name("wall_s").raw(decimal(r.wallNanos() / 1e9, 3));
        j.name("network_events").value(r.networkEvents());
        j.name("seed").value(seed);
        j.name("paths").beginArray();
        for (PathArg p : s.paths()) {
            j.value(p.text());
        }
        j.endArray();
        j.name("paths_as_run").beginArray();
        for (PathArg p : s.paths()) {
            j.value(effective(p.spec()));
        }
        j.endArray();
        j.name("ipv6").value(ipv6);
        j.name("checksum").value(checksum);
        j.name("mptcp_server").value(!noMptcpServer);
        j.name("middlebox").value(middleboxArg == null ? null : middleboxArg.trim());
        j.name("faults").value(faultsArg == null ? null : faultsArg.trim());
        j.name("path_changes").beginArray();
        for (PathChange c : s.changes()) {
            j.beginObject();
            j.name("path").value(c.path() + 1);
            j.name("time_s").raw(seconds(c.atNanos()));
            j.name("up").value(c.up());
            j.endObject();
        }
        j.endArray();
        if (!s.backup().isEmpty()) {
            j.name("backup_paths").beginArray();
            for (int b : s.backup()) {
                j.value(b + 1);
            }
            j.endArray();
        }
        if (s.bottleneck() != null) {
            j.name("bottleneck").value(bottleneckArg.trim());
        }
        if (s.competing() != null) {
            j.name("competing_tcp").value(competingArg.trim());
        }
        j.name("deadline_s").raw(seconds(s.deadlineNanos()));
        j.name("pcap").value(pcap == null ? null : pcap.toString());
        j.name("traffic");
        trafficJson(j, s, r.traffic());
        j.endObject();
        return j.toString();
    }

    private static void counters(JsonWriter j, String host, Map<Mib, Long> counters) {
        j.name(host).beginObject();
        for (Mib m : Mib.values()) {
            long v = counters.getOrDefault(m, 0L);
            if (v != 0) {
                j.name(m.name()).value(v);
            }
        }
        j.endObject();
    }

    /**
     * A minimal streaming JSON writer: commas and nesting are tracked, strings escaped per RFC 8259
     * (plus U+2028/U+2029 and unpaired surrogates, so that the text is safe everywhere).
     */
    static final class JsonWriter {
        private final StringBuilder sb = new StringBuilder(4096);
        /** Per open container: whether it has a member yet. */
        private final ArrayDeque<boolean[]> open = new ArrayDeque<>();
        private boolean afterName;

        private void separator() {
            if (afterName) {
                afterName = false;
                return;
            }
            boolean[] has = open.peek();
            if (has != null) {
                if (has[0]) {
                    sb.append(',');
                }
                has[0] = true;
            }
        }

        JsonWriter beginObject() {
            separator();
            sb.append('{');
            open.push(new boolean[1]);
            return this;
        }

        JsonWriter endObject() {
            open.pop();
            sb.append('}');
            return this;
        }

        JsonWriter beginArray() {
            separator();
            sb.append('[');
            open.push(new boolean[1]);
            return this;
        }

        JsonWriter endArray() {
            open.pop();
            sb.append(']');
            return this;
        }

        JsonWriter name(String n) {
            separator();
            string(sb, n);
            sb.append(':');
            afterName = true;
            return this;
        }

        JsonWriter value(String s) {
            separator();
            if (s == null) {
                sb.append("null");
            } else {
                string(sb, s);
            }
            return this;
        }

        JsonWriter value(long v) {
            separator();
            sb.append(v);
            return this;
        }

        JsonWriter value(boolean v) {
            separator();
            sb.append(v);
            return this;
        }

        JsonWriter nullValue() {
            separator();
            sb.append("null");
            return this;
        }

        /** A number already in JSON form (or {@code null}). */
        JsonWriter raw(String number) {
            separator();
            sb.append(number);
            return this;
        }

        static void string(StringBuilder sb, String s) {
            org.mptcplab.stack.decode.PacketFormat.string(sb, s);
        }

        @Override
        public String toString() {
            if (!open.isEmpty()) {
                throw new IllegalStateException(open.size() + " JSON containers left open");
            }
            return sb.toString();
        }
    }
}

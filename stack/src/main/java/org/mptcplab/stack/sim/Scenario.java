package org.mptcplab.stack.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.apps.TrafficReport;
import org.mptcplab.stack.apps.VideoPlayer;
import org.mptcplab.stack.apps.VideoSender;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.emu.Bottleneck;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.emu.FaultInjector;
import org.mptcplab.stack.emu.Host;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.Middlebox;
import org.mptcplab.stack.emu.Path;
import org.mptcplab.stack.mptcp.ConnectionSnapshot;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.IpAddress;

/**
 * A headless run: a client and a server host joined by N emulated paths, one connection carrying
 * the chosen {@link Traffic} (a bulk transfer by default), and whatever faults and path events the
 * scenario asks for. Deterministic: the same scenario and
 * seed give the same packets. Used by the {@code simulate} CLI, the stream-integrity tests and
 * the benchmarks.
 */
public final class Scenario {
    /** A path: its two directions' link settings. */
    public record PathSpec(LinkConfig up, LinkConfig down) {
        public static PathSpec symmetric(LinkConfig c) {
            return new PathSpec(c, c);
        }
    }

    /**
     * A scheduled change to a path: down or up. Silent by default: the link fails or returns and
     * the hosts find out from their timers. Signalled: the client's interface on the path goes
     * down with it (the client withdraws the address, RFC 8684 3.4.2 REMOVE_ADDR, and reinjects at
     * once) and comes back with it (the path manager joins again).
     */
    public record PathEvent(long atNanos, int path, boolean up, boolean signalled) {
        public PathEvent(long atNanos, int path, boolean up) {
            this(atNanos, path, up, false);
        }
    }

    /** What the connection carries. */
    public sealed interface Traffic {
        /** {@link Scenario#bytes} as fast as the connection goes, one way ({@link Scenario#download}). */
        record Bulk() implements Traffic {
        }

        /**
         * A live video stream from the server ({@link VideoSender}) into the client's player
         * ({@link VideoPlayer}); always a download. The run ends when the stream is received
         * whole, or for an endless one ({@link VideoSender#FOREVER}) at the deadline, which is
         * then its planned end and not a failure.
         */
        record Video(long bitrateBps, long chunkNanos, long durationNanos, long startNanos, long rebufferNanos)
                implements Traffic {
            /** Chunk interval by default: a few chunks fill the start target, as live streams do. */
            public static final long DEFAULT_CHUNK_NANOS = 250_000_000L;

            public Video {
                if (bitrateBps <= 0 || chunkNanos <= 0 || durationNanos <= 0 || startNanos < 0 || rebufferNanos < 0) {
                    throw new IllegalArgumentException("video needs a bitrate, chunk interval and duration above 0"
                            + " and targets of 0 or more (got " + bitrateBps + " bit/s, " + chunkNanos + " ns, "
                            + durationNanos + " ns, " + startNanos + " ns, " + rebufferNanos + " ns)");
                }
            }

            /** Endless, 250 ms chunks, the player's default targets. */
            public static Video of(long bitrateBps) {
                return new Video(bitrateBps, DEFAULT_CHUNK_NANOS, VideoSender.FOREVER,
                        VideoPlayer.DEFAULT_START_TARGET_NANOS, VideoPlayer.DEFAULT_REBUFFER_TARGET_NANOS);
            }

            public boolean endless() {
                return durationNanos == VideoSender.FOREVER;
            }
        }

        /**
         * {@code count} requests of {@code requestSize} bytes from the client, one at a time, each
         * answered by {@code responseSize} bytes from the server; the run ends after the last response.
         */
        record RequestResponse(int requestSize, int responseSize, int count) implements Traffic {
            public RequestResponse {
                if (requestSize < 1 || responseSize < 1 || count < 1) {
                    throw new IllegalArgumentException("request size, response size and count must be at least 1");
                }
            }
        }
    }

    private final List<PathSpec> paths = new ArrayList<>();
    private final java.util.SortedSet<Integer> backupPaths = new java.util.TreeSet<>();
    private long bottleneckRate;
    private long bottleneckQueue;
    private LinkConfig competingTcp;
    private final List<PathEvent> events = new ArrayList<>();
    private long bytes = 10_000_000;
    private long seed = 1;
    private boolean download;
    private boolean ipv6;
    private StackConfig clientConfig = StackConfig.defaults();
    private StackConfig serverConfig = StackConfig.defaults();
    private Middlebox middlebox = Middlebox.NONE;
    private int middleboxPath = -1;
    private FaultInjector faults = FaultInjector.NONE;
    private long deadlineNanos = 600_000_000_000L;
    private java.nio.file.Path pcap;
    private long pcapLimit;
    private boolean hash = true;
    private boolean recordMappings = true;
    private boolean checksumOffload = true;
    private Traffic traffic = new Traffic.Bulk();

    public Scenario path(LinkConfig both) {
        paths.add(PathSpec.symmetric(withDefaultQueue(both)));
        return this;
    }

    /**
     * A rate-limited link without a queue limit gets one: twice the bandwidth-delay product of its
     * round trip (at least 64 KiB), as a sensibly sized router buffer would be. An unbounded queue
     * would hold whole congestion windows and turn RTTs into seconds (bufferbloat).
     */
    public static LinkConfig withDefaultQueue(LinkConfig c) {
        if (c.rateBitsPerSecond() == 0 || c.queueBytes() > 0) {
            return c;
        }
        long rttNanos = Math.max(2 * c.delayNanos(), 10_000_000L);
        long bdp = c.rateBitsPerSecond() / 8 * rttNanos / 1_000_000_000L;
        return new LinkConfig(c.rateBitsPerSecond(), c.delayNanos(), c.jitterNanos(), c.lossProbability(),
                Math.max(64 * 1024, 2 * bdp));
    }

    public Scenario path(PathSpec p) {
        paths.add(new PathSpec(withDefaultQueue(p.up()), withDefaultQueue(p.down())));
        return this;
    }

    public Scenario bytes(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("bytes must be 0 or more, got " + n);
        }
        bytes = n;
        return this;
    }

    /** What the connection carries (default: bulk). {@link #bytes} and {@link #download} are bulk's only. */
    public Scenario traffic(Traffic t) {
        traffic = Objects.requireNonNull(t);
        return this;
    }

    public Traffic traffic() {
        return traffic;
    }

    public Scenario seed(long s) {
        seed = s;
        return this;
    }

    /** Server sends to client instead of client to server. */
    public Scenario download(boolean d) {
        download = d;
        return this;
    }

    public Scenario ipv6(boolean v6) {
        ipv6 = v6;
        return this;
    }

    public Scenario clientConfig(StackConfig c) {
        clientConfig = Objects.requireNonNull(c);
        return this;
    }

    public Scenario serverConfig(StackConfig c) {
        serverConfig = Objects.requireNonNull(c);
        return this;
    }

    /** A middlebox on path {@code path} (-1: all paths), both directions. */
    public Scenario middlebox(Middlebox m, int path) {
        middlebox = m;
        middleboxPath = path;
        return this;
    }

    /** Faults on every path, both directions. */
    public Scenario faults(FaultInjector f) {
        faults = Objects.requireNonNull(f);
        return this;
    }

    /**
     * Marks the client's address on path {@code path} (from 0) as a backup: the join from it
     * carries the B flag (RFC 8684 3.2, MP_JOIN "B" bit; 3.3.8), so neither end sends data there
     * while a regular subflow is usable. Path 0 carries the initial subflow, which no join opens.
     */
    public Scenario backup(int path) {
        if (path < 0) {
            throw new IllegalArgumentException("backup path " + path + " is negative");
        }
        backupPaths.add(path);
        return this;
    }

    /** The paths marked as backup ({@link #backup}), from 0, in order. */
    public List<Integer> backupPaths() {
        return List.copyOf(backupPaths);
    }

    /**
     * A shared bottleneck of {@code rateBitsPerSecond} that the data direction of every path (client
     * to server for an upload, server to client otherwise) and of the competing flow
     * ({@link #competingTcp}) cross after their own links: one drop-tail queue of
     * {@code queueBytes} (0: twice the bandwidth-delay product at the longest path's round trip,
     * at least 64 KiB, as {@link #withDefaultQueue}). See {@link Bottleneck}. The acknowledgements'
     * direction has no bottleneck: only the paths' own links.
     */
    public Scenario bottleneck(long rateBitsPerSecond, long queueBytes) {
        if (rateBitsPerSecond <= 0) {
            throw new IllegalArgumentException("the bottleneck's rate must be above 0");
        }
        if (queueBytes < 0) {
            throw new IllegalArgumentException("the bottleneck's queue must be 0 (default) or more");
        }
        bottleneckRate = rateBitsPerSecond;
        bottleneckQueue = queueBytes;
        return this;
    }

    /**
     * A competing single-path TCP flow on a path of its own ({@code access}, both ways) between two
     * more hosts with MPTCP off: a bulk transfer in the same direction as the connection's data, for
     * the whole run, through the {@link #bottleneck} (which it needs). It runs "regular TCP" in the
     * sense of RFC 6356 goal 2: the uncoupled counterpart of the connection's congestion control
     * (newreno for lia, olia, balia and newreno; reno and cubic for themselves). Reported as
     * {@link SimulationResult#competing()}.
     */
    public Scenario competingTcp(LinkConfig access) {
        competingTcp = withDefaultQueue(Objects.requireNonNull(access));
        return this;
    }

    /** The single-path counterpart of a congestion control, for the competing flow (RFC 6356 goal 2). */
    static String regularTcp(String congestionControl) {
        return switch (congestionControl) {
            case "reno", "cubic" -> congestionControl;
            default -> "newreno";
        };
    }

    public Scenario event(PathEvent e) {
        events.add(e);
        return this;
    }

    public Scenario deadline(long nanos) {
        deadlineNanos = nanos;
        return this;
    }

    public Scenario pcap(java.nio.file.Path file) {
        pcap = file;
        return this;
    }

    /** Stops recording when the capture would grow past this many bytes (0: no limit); see {@link PcapWriter#limit}. */
    public Scenario pcapLimit(long bytes) {
        pcapLimit = bytes;
        return this;
    }

    /** Off: no SHA-256 of the stream and no mapping log (pure speed runs). */
    public long seed() {
        return seed;
    }

    public Scenario light(boolean light) {
        hash = !light;
        recordMappings = !light;
        return this;
    }

    /**
     * The network's checksum offload ({@link EmulatedNetwork#setChecksumOffload}, on by default):
     * what a capture or a report shows is the same either way; off costs two checksums a segment.
     */
    public Scenario checksumOffload(boolean on) {
        checksumOffload = on;
        return this;
    }

    public List<PathSpec> paths() {
        return List.copyOf(paths);
    }

    static IpAddress address(int path, int host, boolean v6) {
        return IpAddress.parse(v6 ? "fd00:" + (path + 1) + "::" + host : "10." + (path + 1) + ".0." + host);
    }

    /** Runs to completion (both sides closed) or to the deadline, whichever comes first. */
    public SimulationResult run() throws IOException {
        return build().runToEnd();
    }

    /**
     * Builds the run without running it: the network, both hosts and their paths, the traffic's
     * applications, the scheduled path events and the connect at time 0. Whoever holds the
     * {@link Run} drives its network: {@link Run#runToEnd} as fast as it goes (the CLI), or a
     * session paced to the wall clock (the window), which adds its own hosts and timers to the
     * same network.
     */
    public Run build() throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one path");
        }
        EmulatedNetwork net = new EmulatedNetwork(seed);
        net.setChecksumOffload(checksumOffload);
        MptcpStack client = new MptcpStack("client", clientConfig, seed * 31 + 1);
        MptcpStack server = new MptcpStack("server", serverConfig, seed * 31 + 2);
        client.observer().setRecordMappings(recordMappings);
        server.observer().setRecordMappings(recordMappings);
        Host ch = net.addHost("client", client);
        Host sh = net.addHost("server", server);
        List<Path> netPaths = new ArrayList<>();
        int[] clientIds = new int[paths.size()];
        if (!backupPaths.isEmpty() && backupPaths.last() >= paths.size()) {
            throw new IllegalArgumentException("backup names path " + (backupPaths.last() + 1) + " but there are "
                    + paths.size());
        }
        if (competingTcp != null && bottleneckRate == 0) {
            throw new IllegalArgumentException("a competing TCP flow needs a shared bottleneck to compete at");
        }
        for (int i = 0; i < paths.size(); i++) {
            clientIds[i] = client.addAddress(i, address(i, 1, ipv6), ipv6 ? 64 : 24);
            if (backupPaths.contains(i)) {
                client.setAddressBackup(clientIds[i], true);
            }
            server.addAddress(i, address(i, 2, ipv6), ipv6 ? 64 : 24);
            Path p = net.connect(ch, i, sh, i, paths.get(i).up(), paths.get(i).down());
            if (middlebox != Middlebox.NONE && (middleboxPath < 0 || middleboxPath == i)) {
                p.setMiddlebox(middlebox);
            }
            if (!faults.isNone()) {
                p.setFaults(faults);
            }
            netPaths.add(p);
        }
        for (PathEvent e : events) {
            if (e.path() < 0 || e.path() >= netPaths.size()) {
                throw new IllegalArgumentException("path event names path " + (e.path() + 1) + " but there are "
                        + netPaths.size());
            }
        }
        PcapWriter writer = pcap == null ? null : net.recordTo(pcap);
        if (writer != null) {
            writer.limit(pcapLimit);
        }
        Run[] built = new Run[1];
        List<Handover> handovers = new ArrayList<>();
        for (PathEvent e : events) {
            net.schedule(e.atNanos(), () -> {
                if (!e.up() && built[0] != null) {
                    handovers.add(built[0].watchHandover(e));
                }
                netPaths.get(e.path()).setUp(e.up());
                if (e.signalled()) {
                    long now = net.now();
                    client.run(now, () -> {
                        if (e.up()) {
                            client.restoreAddress(now, clientIds[e.path()]);
                        } else {
                            client.removeAddress(now, clientIds[e.path()]);
                        }
                    });
                }
            });
        }
        Ends ends = traffic instanceof Traffic.Video v ? new VideoEnds(v)
                : traffic instanceof Traffic.RequestResponse rr ? new RequestResponseEnds(rr) : new BulkEnds();
        boolean dataDownstream = dataDownstream();
        Bottleneck neck = null;
        Competing competing = null;
        if (bottleneckRate > 0) {
            long queue = bottleneckQueue;
            if (queue == 0) {
                long maxDelay = 0;
                for (PathSpec p : paths) {
                    maxDelay = Math.max(maxDelay, Math.max(p.up().delayNanos(), p.down().delayNanos()));
                }
                if (competingTcp != null) {
                    maxDelay = Math.max(maxDelay, competingTcp.delayNanos());
                }
                queue = withDefaultQueue(LinkConfig.of(bottleneckRate, maxDelay)).queueBytes();
            }
            neck = new Bottleneck("bottleneck", bottleneckRate, queue);
            for (Path p : netPaths) {
                (dataDownstream ? p.bToA() : p.aToB()).setBottleneck(neck);
            }
            if (competingTcp != null) {
                competing = new Competing(net, neck, dataDownstream);
            }
        }
        MptcpSocket.Handler serverApp = ends.serverApp();
        MptcpSocket.Handler clientApp = ends.clientApp();
        Run run = new Run(net, client, server, List.copyOf(netPaths), ends, writer, deadlineNanos, neck, competing,
                handovers);
        built[0] = run;
        // The transfer is the first connection; anything else that reaches the listener (a join
        // SYN whose options a middlebox stripped looks like a new plain TCP connection) is refused.
        boolean[] taken = {false};
        server.listen(5201, s -> {
            if (!taken[0]) {
                taken[0] = true;
                s.setHandler(serverApp);
            } else {
                s.setHandler(new MptcpSocket.Handler() {
                    @Override
                    public void onConnected(long now, MptcpSocket k) {
                        k.abort(now);
                    }
                });
            }
        });
        ends.start(net, client, server);
        net.schedule(0, () -> run.clientSocket = client.connect(net.now(), address(0, 2, ipv6), 5201, clientApp));
        return run;
    }

    /**
     * A built run: its network and hosts, its traffic, and how it ends. Single-threaded: touch it
     * only from the thread that drives its network.
     */
    public static final class Run {
        private final EmulatedNetwork net;
        private final MptcpStack client;
        private final MptcpStack server;
        private final List<Path> paths;
        private final Ends ends;
        private final PcapWriter writer;
        private final long deadlineNanos;
        private MptcpSocket clientSocket;
        private final Bottleneck bottleneck;
        private final Competing competing;
        private final List<Handover> handovers;

        private Run(EmulatedNetwork net, MptcpStack client, MptcpStack server, List<Path> paths, Ends ends,
                    PcapWriter writer, long deadlineNanos, Bottleneck bottleneck, Competing competing,
                    List<Handover> handovers) {
            this.handovers = handovers;
            this.bottleneck = bottleneck;
            this.competing = competing;
            this.net = net;
            this.client = client;
            this.server = server;
            this.paths = paths;
            this.ends = ends;
            this.writer = writer;
            this.deadlineNanos = deadlineNanos;
        }

        public EmulatedNetwork network() {
            return net;
        }

        /** The shared bottleneck ({@link Scenario#bottleneck}), or null without one. */
        public Bottleneck bottleneck() {
            return bottleneck;
        }

        public MptcpStack client() {
            return client;
        }

        public MptcpStack server() {
            return server;
        }

        /** The paths, by index: path i joins interface i of both hosts. */
        public List<Path> paths() {
            return paths;
        }

        /** The client's socket once the connect ran (time 0), else null. */
        public MptcpSocket clientSocket() {
            return clientSocket;
        }

        /** The socket of the side that sends the bulk of the data (its subflows are the ones reported), or null yet. */
        public MptcpSocket sendingSocket() {
            return ends.sendingSocket(clientSocket);
        }

        /** Whether the traffic is over (both ends closed, or one reset). */
        public boolean done() {
            return ends.done();
        }

        /** Bytes the receiving application got so far. */
        public long delivered() {
            return ends.delivered();
        }

        /** The video player's buffer in seconds at {@code now}; NaN for other traffic. */
        public double bufferSeconds(long now) {
            return ends.bufferSeconds(now);
        }

        /** What the receiving application is doing: a video player's state, or "receiving". */
        public String receiverState(long now) {
            return ends.receiverState(now);
        }

        public long stalls(long now) {
            return ends.stalls(now);
        }

        public long stalledNanos(long now) {
            return ends.stalledNanos(now);
        }

        /** The scenario's deadline in virtual time. */
        public long deadlineNanos() {
            return deadlineNanos;
        }

        /** Runs the network until the traffic is done or the deadline, then reports, as {@link Scenario#run} does. */
        public SimulationResult runToEnd() throws IOException {
            boolean finished;
            long wallStart = System.nanoTime();
            try {
                finished = net.runUntil(competing == null ? ends::done : () -> {
                    competing.note(ends.delivered());
                    return ends.done();
                }, deadlineNanos);
            } catch (java.io.UncheckedIOException e) {
                // The recording failed mid-run (disk full, say): the run's report would be fine but
                // the capture is not, and that must not pass silently.
                throw e.getCause();
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
            return result(finished, System.nanoTime() - wallStart);
        }

        /** The report of the run as it stands; {@code finished}: the traffic ended by the deadline. */
        public SimulationResult result(boolean finished, long wall) {
            if (!finished && Boolean.getBoolean("mptcplab.debug")) {
                client.connections().forEach(c -> System.err.println("DEBUG client " + c.describe()));
                server.connections().forEach(c -> System.err.println("DEBUG server " + c.describe()));
            }
            finished = ends.finished(finished);
            ConnectionSnapshot snap = clientSocket == null ? null : clientSocket.snapshot();
            MptcpSocket sendSocket = ends.sendingSocket(clientSocket);
            ConnectionSnapshot sendSnap = sendSocket == null ? null : sendSocket == clientSocket ? snap : sendSocket.snapshot();
            // From the connect call (time 0) to the last byte handed to the receiving application.
            long end = ends.lastByteAt();
            double duration = end > 0 ? end / 1e9 : 0;
            List<SubflowSnapshot> subflows = sendSnap == null ? List.of() : sendSnap.subflows();
            List<ProtocolEvent> evs = new ArrayList<>(client.observer().events());
            List<ProtocolEvent> sevs = server.observer().events();
            long delivered = ends.delivered();
            return new SimulationResult(ends.requested(), delivered, duration,
                    duration > 0 ? delivered * 8 / duration : 0, ends.intact(), ends.sha256Sent(), ends.sha256Received(),
                    finished, ends.maxStallNanos(net.now()), snap != null && snap.fallback(), ends.resetReason(), subflows,
                    evs, sevs, client.observer().counters(), server.observer().counters(), net.now(), wall,
                    net.eventsProcessed(), ends.direction(), pathStates(),
                    writer == null ? 0 : writer.recordsNotWritten(), ends.report(net.now()),
                    competing == null ? null : competing.report(end, bottleneck), handoverResults(net.now()),
                    receiveStats());
        }

        private MptcpSocket.ReceiveStats receiveStats() {
            MptcpSocket r = ends.receivingSocket(clientSocket);
            return r == null ? null : r.receiveStats(net.now());
        }

        private List<HandoverResult> handoverResults(long runEnd) {
            List<HandoverResult> out = new ArrayList<>(handovers.size());
            for (Handover h : handovers) {
                out.add(h.result(runEnd));
            }
            return out;
        }

        /**
         * Path {@code e} is about to go down: what the sender has sent by now must reach the
         * receiver over what remains, and the longest delivery gap until it has is the handover's
         * stall. The surviving RTT is the smallest smoothed RTT among the sender's other
         * established subflows at this instant (queueing included: it is what the reinjected data
         * will meet).
         */
        private Handover watchHandover(PathEvent e) {
            long now = net.now();
            MptcpSocket sending = ends.sendingSocket(clientSocket);
            ConnectionSnapshot snap = sending == null ? null : sending.snapshot();
            long sent = snap == null ? 0 : snap.dataSent();
            long survivingRtt = -1;
            if (snap != null) {
                for (SubflowSnapshot f : snap.subflows()) {
                    if (f.iface() != e.path() && f.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED
                            && f.srttNanos() > 0 && (survivingRtt < 0 || f.srttNanos() < survivingRtt)) {
                        survivingRtt = f.srttNanos();
                    }
                }
            }
            return new Handover(e.path(), now, e.signalled(), sent, survivingRtt, ends.watch(now, sent));
        }

        /** The connection's paths' directions (a competing flow's path is not one of them). */
        private List<org.mptcplab.stack.emu.PathDirection.Snapshot> pathStates() {
            if (competing == null) {
                return net.snapshot();
            }
            List<org.mptcplab.stack.emu.PathDirection.Snapshot> out = new ArrayList<>();
            for (Path p : paths) {
                out.add(p.aToB().snapshot());
                out.add(p.bToA().snapshot());
            }
            return out;
        }
    }

    /**
     * The competing single-path TCP flow ({@link #competingTcp}): two more hosts with MPTCP off, on
     * a path of their own through the shared bottleneck, a bulk transfer from time 0 that outlasts
     * the run. Its goodput is counted over the same span as the connection's: from 0 to the
     * connection's last byte delivered.
     */
    private final class Competing {
        final String congestionControl = regularTcp((dataDownstream() ? serverConfig : clientConfig).congestionControl());
        final BulkSender sender = new BulkSender(Long.MAX_VALUE / 2, seed * 31 + 5).withoutHash();
        final BulkSink sink = new BulkSink().withoutHash();
        long seenDelivered = -1;
        long receivedAtLastByte;

        Competing(EmulatedNetwork net, Bottleneck neck, boolean down) {
            StackConfig tcpClient = clientConfig.withMptcp(false).withCongestionControl(congestionControl);
            StackConfig tcpServer = serverConfig.withMptcp(false).withCongestionControl(congestionControl);
            MptcpStack tc = new MptcpStack("competing-client", tcpClient, seed * 31 + 3);
            MptcpStack ts = new MptcpStack("competing-server", tcpServer, seed * 31 + 4);
            tc.observer().setRecordMappings(false);
            ts.observer().setRecordMappings(false);
            Host tch = net.addHost("competing-client", tc);
            Host tsh = net.addHost("competing-server", ts);
            IpAddress ca = IpAddress.parse(ipv6 ? "fd00:101::1" : "10.101.0.1");
            IpAddress sa = IpAddress.parse(ipv6 ? "fd00:101::2" : "10.101.0.2");
            tc.addAddress(0, ca, ipv6 ? 64 : 24);
            ts.addAddress(0, sa, ipv6 ? 64 : 24);
            Path p = net.connect(tch, 0, tsh, 0, competingTcp, competingTcp);
            (down ? p.bToA() : p.aToB()).setBottleneck(neck);
            MptcpSocket.Handler serverApp = down ? sender : sink;
            MptcpSocket.Handler clientApp = down ? sink : sender;
            ts.listen(5201, s -> s.setHandler(serverApp));
            net.schedule(0, () -> tc.connect(net.now(), sa, 5201, clientApp));
        }

        /** Before each event: what the competitor had when the connection last delivered. */
        void note(long connectionDelivered) {
            if (connectionDelivered != seenDelivered) {
                seenDelivered = connectionDelivered;
                receivedAtLastByte = sink.received();
            }
        }

        CompetingResult report(long connectionEnd, Bottleneck neck) {
            long bytes = connectionEnd > 0 ? receivedAtLastByte : sink.received();
            double seconds = connectionEnd > 0 ? connectionEnd / 1e9 : 0;
            return new CompetingResult(congestionControl, bytes, seconds, seconds > 0 ? bytes * 8 / seconds : 0,
                    sink.resetReason(), neck.counters(), neck.rateBitsPerSecond(), neck.queueBytes());
        }
    }

    private boolean dataDownstream() {
        return download || !(traffic instanceof Traffic.Bulk);
    }

    /**
     * The competing TCP flow's share of the bottleneck: {@code bytesDelivered} by the time the
     * connection delivered its last byte, over that same span ({@code seconds}), and the
     * bottleneck's counters at the end of the run.
     */
    public record CompetingResult(String congestionControl, long bytesDelivered, double seconds, double goodputBps,
                                  String resetReason, Bottleneck.Counters bottleneck, long bottleneckRateBps,
                                  long bottleneckQueueBytes) {
    }

    /** The two applications of a run's traffic, when it is done, and what they measured. */
    private abstract static class Ends {
        abstract MptcpSocket.Handler serverApp();

        abstract MptcpSocket.Handler clientApp();

        /** Before the connect: timers of the applications. */
        void start(EmulatedNetwork net, MptcpStack client, MptcpStack server) {
        }

        /** Checked before each network event: the run stops when true. */
        abstract boolean done();

        /** Whether the run counts as finished, given whether {@link #done} became true by the deadline. */
        boolean finished(boolean doneByDeadline) {
            return doneByDeadline;
        }

        /** The socket of the side that sends the bulk of the data (its subflows are reported). */
        abstract MptcpSocket sendingSocket(MptcpSocket clientSocket);

        /** The socket of the side that receives the bulk of the data, or null when both do. */
        abstract MptcpSocket receivingSocket(MptcpSocket clientSocket);

        abstract long requested();

        abstract long delivered();

        abstract long lastByteAt();

        abstract boolean intact();

        abstract String sha256Sent();

        abstract String sha256Received();

        abstract long maxStallNanos(long runEnd);

        /** Measures the receiver's stall around an event at {@code now} (see {@link BulkSink#watch}); null if this traffic cannot. */
        BulkSink.Recovery watch(long now, long untilBytes) {
            return null;
        }

        abstract String resetReason();

        abstract String direction();

        abstract TrafficReport report(long now);

        double bufferSeconds(long now) {
            return Double.NaN;
        }

        String receiverState(long now) {
            return "receiving";
        }

        long stalls(long now) {
            return 0;
        }

        long stalledNanos(long now) {
            return 0;
        }
    }

    private final class BulkEnds extends Ends {
        final BulkSender sender = new BulkSender(bytes, seed);
        final BulkSink sink = new BulkSink();

        BulkEnds() {
            if (!hash) {
                sender.withoutHash();
                sink.withoutHash();
            }
        }

        @Override
        MptcpSocket.Handler serverApp() {
            return download ? sender : sink;
        }

        @Override
        MptcpSocket.Handler clientApp() {
            return download ? sink : sender;
        }

        @Override
        boolean done() {
            // Done when both ends closed, or when one end was reset: a reset that cannot reach
            // the peer (its path is gone) leaves the peer waiting, as a real host without a user
            // timeout would be.
            return sender.done() && sink.done() || sender.done() && sender.resetReason() != null
                    || sink.done() && sink.resetReason() != null;
        }

        @Override
        MptcpSocket sendingSocket(MptcpSocket clientSocket) {
            return download ? sender.socket() : clientSocket;
        }

        @Override
        MptcpSocket receivingSocket(MptcpSocket clientSocket) {
            return download ? clientSocket : sink.socket();
        }

        @Override
        long requested() {
            return bytes;
        }

        @Override
        long delivered() {
            return sink.received();
        }

        @Override
        long lastByteAt() {
            return sink.lastByteAt();
        }

        @Override
        boolean intact() {
            return hash && sink.eof() && sink.received() == bytes && sender.sha256().equals(sink.sha256());
        }

        @Override
        String sha256Sent() {
            return hash ? sender.sha256() : null;
        }

        @Override
        String sha256Received() {
            return hash ? sink.sha256() : null;
        }

        @Override
        BulkSink.Recovery watch(long now, long untilBytes) {
            return sink.watch(now, untilBytes);
        }

        @Override
        long maxStallNanos(long runEnd) {
            return sink.maxStallNanos(runEnd);
        }

        @Override
        String resetReason() {
            return sender.resetReason() != null ? sender.resetReason() : sink.resetReason();
        }

        @Override
        String direction() {
            return download ? "download" : "upload";
        }

        @Override
        TrafficReport report(long now) {
            return new TrafficReport.BulkReport();
        }
    }

    private final class VideoEnds extends Ends {
        final Traffic.Video video;
        final VideoSender sender;
        final VideoPlayer player;

        VideoEnds(Traffic.Video v) {
            video = v;
            sender = new VideoSender(v.bitrateBps(), v.chunkNanos(), v.durationNanos(), seed);
            player = new VideoPlayer(v.bitrateBps(), v.startNanos(), v.rebufferNanos());
            if (!hash) {
                sender.withoutHash();
                player.withoutHash();
            }
        }

        @Override
        MptcpSocket.Handler serverApp() {
            return sender;
        }

        @Override
        MptcpSocket.Handler clientApp() {
            return player;
        }

        @Override
        void start(EmulatedNetwork net, MptcpStack client, MptcpStack server) {
            VideoSender.drive(net, server, sender);
        }

        @Override
        boolean done() {
            boolean reset = sender.done() && sender.resetReason() != null || player.done() && player.resetReason() != null;
            return reset || !video.endless() && sender.done() && player.done();
        }

        @Override
        boolean finished(boolean doneByDeadline) {
            // An endless stream runs until the deadline: reaching it is its planned end, as long as
            // the stream was running (connected, not reset).
            return video.endless() ? player.connectedAt() >= 0 && resetReason() == null : doneByDeadline;
        }

        @Override
        MptcpSocket sendingSocket(MptcpSocket clientSocket) {
            return sender.socket();
        }

        @Override
        MptcpSocket receivingSocket(MptcpSocket clientSocket) {
            return clientSocket;
        }

        /** The whole stream, or for an endless one what the server had produced by the end. */
        @Override
        long requested() {
            return video.endless() ? sender.due() : sender.totalBytes();
        }

        @Override
        long delivered() {
            return player.bytesReceived();
        }

        @Override
        long lastByteAt() {
            return player.lastByteAt();
        }

        @Override
        boolean intact() {
            if (!hash) {
                return false;
            }
            if (video.endless()) {
                // Cut off by the deadline: what arrived must be the stream's exact beginning.
                return player.sha256().equals(sha256Sent());
            }
            return player.eof() && player.bytesReceived() == sender.totalBytes() && sender.sha256().equals(player.sha256());
        }

        private String prefixSha;

        /** A finite stream's whole hash; of an endless one, the hash of the part the player received. */
        @Override
        String sha256Sent() {
            if (!hash) {
                return null;
            }
            if (!video.endless()) {
                return sender.sha256();
            }
            if (prefixSha == null) {
                prefixSha = VideoSender.sha256OfStream(seed, player.bytesReceived());
            }
            return prefixSha;
        }

        @Override
        String sha256Received() {
            return hash ? player.sha256() : null;
        }

        @Override
        BulkSink.Recovery watch(long now, long untilBytes) {
            return player.watch(now, untilBytes);
        }

        @Override
        long maxStallNanos(long runEnd) {
            return player.maxGapNanos(runEnd);
        }

        @Override
        String resetReason() {
            return sender.resetReason() != null ? sender.resetReason() : player.resetReason();
        }

        @Override
        String direction() {
            return "download";
        }

        @Override
        TrafficReport report(long now) {
            return player.report(now);
        }

        @Override
        double bufferSeconds(long now) {
            return player.bufferSeconds(now);
        }

        @Override
        String receiverState(long now) {
            return player.state(now).name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        long stalls(long now) {
            return player.stalls(now);
        }

        @Override
        long stalledNanos(long now) {
            return player.stalledNanos(now);
        }
    }

    private static final class RequestResponseEnds extends Ends {
        final org.mptcplab.stack.apps.RequestResponse requests;
        final Closing client;
        final Closing server;
        /** Deliveries of response bytes to the client: the run's duration and longest gap. */
        long lastByteAt = -1;
        long maxGap;

        RequestResponseEnds(Traffic.RequestResponse rr) {
            requests = new org.mptcplab.stack.apps.RequestResponse(rr.requestSize(), rr.responseSize(), rr.count());
            client = new Closing(requests) {
                @Override
                public void onReadable(long now, MptcpSocket s) {
                    long before = requests.responseBytes();
                    super.onReadable(now, s);
                    if (requests.responseBytes() > before) {
                        maxGap = Math.max(maxGap, now - Math.max(lastByteAt, 0));
                        lastByteAt = now;
                    }
                }
            };
            server = new Closing(new org.mptcplab.stack.apps.RequestResponse.Responder(rr.requestSize(),
                    rr.responseSize()));
        }

        @Override
        MptcpSocket.Handler serverApp() {
            return server;
        }

        @Override
        MptcpSocket.Handler clientApp() {
            return client;
        }

        @Override
        boolean done() {
            return client.closed && server.closed || client.closed && client.reason != null
                    || server.closed && server.reason != null;
        }

        @Override
        MptcpSocket sendingSocket(MptcpSocket clientSocket) {
            return server.socket;
        }

        @Override
        MptcpSocket receivingSocket(MptcpSocket clientSocket) {
            return null;
        }

        @Override
        long requested() {
            return (long) requests.count() * requests.responseSize();
        }

        @Override
        long delivered() {
            return requests.responseBytes();
        }

        @Override
        long lastByteAt() {
            return lastByteAt;
        }

        /** No content to hash: every response arrived, whole and no longer (sizes are counted exactly). */
        @Override
        boolean intact() {
            return requests.completed() == requests.count() && requests.responseBytes() == requested();
        }

        @Override
        String sha256Sent() {
            return null;
        }

        @Override
        String sha256Received() {
            return null;
        }

        @Override
        long maxStallNanos(long runEnd) {
            // Until the run's end while responses are still owed, as a bulk sink counts it.
            return requests.finished() ? maxGap : Math.max(maxGap, runEnd - Math.max(lastByteAt, 0));
        }

        @Override
        String resetReason() {
            return client.reason != null ? client.reason : server.reason;
        }

        @Override
        String direction() {
            return "request-response";
        }

        @Override
        TrafficReport report(long now) {
            return requests.report();
        }
    }

    /** Passes everything to {@code app} and notes when and how the connection closed. */
    private static class Closing implements MptcpSocket.Handler {
        final MptcpSocket.Handler app;
        MptcpSocket socket;
        boolean closed;
        String reason;

        Closing(MptcpSocket.Handler app) {
            this.app = app;
        }

        @Override
        public void onConnected(long now, MptcpSocket s) {
            socket = s;
            app.onConnected(now, s);
        }

        @Override
        public void onReadable(long now, MptcpSocket s) {
            app.onReadable(now, s);
        }

        @Override
        public void onWritable(long now, MptcpSocket s) {
            app.onWritable(now, s);
        }

        @Override
        public void onClosed(long now, MptcpSocket s, String why) {
            closed = true;
            reason = why;
            app.onClosed(now, s, why);
        }
    }

    /**
     * Everything a run measured. For video, the bytes and hashes are the stream's (of an endless
     * one, the part produced by the end and its beginning the player received); for request/response,
     * the responses' bytes, and no hash (intact: every response arrived whole). {@code traffic} is
     * the traffic model's own report, at the end of the run.
     */
    public record SimulationResult(long bytesRequested, long bytesDelivered, double durationSeconds, double goodputBps,
                                   boolean streamIntact, String sha256Sent, String sha256Received, boolean finished,
                                   long maxStallNanos, boolean fallback, String resetReason,
                                   List<SubflowSnapshot> subflows, List<ProtocolEvent> clientEvents,
                                   List<ProtocolEvent> serverEvents, Map<Mib, Long> clientCounters,
                                   Map<Mib, Long> serverCounters, long virtualNanos, long wallNanos, long networkEvents,
                                   String direction, List<org.mptcplab.stack.emu.PathDirection.Snapshot> pathStates,
                                   long pcapPacketsNotRecorded, TrafficReport traffic, CompetingResult competing,
                                   List<HandoverResult> handovers, MptcpSocket.ReceiveStats receiveStats) {
        /** The longest stall among the handovers (path downs), -1 without any measured one. */
        public long handoverStallNanos() {
            long max = -1;
            for (HandoverResult h : handovers) {
                max = Math.max(max, h.stallNanos());
            }
            return max;
        }

        /** The connection's goodput over the competing flow's (both over the same span), or NaN without one. */
        public double competingRatio() {
            return competing == null || competing.goodputBps() <= 0 ? Double.NaN : goodputBps / competing.goodputBps();
        }
    }

    /** A path-down event being watched: see {@link Run#watchHandover}. */
    private record Handover(int path, long atNanos, boolean signalled, long sentBytes, long survivingRttNanos,
                            BulkSink.Recovery recovery) {
        HandoverResult result(long runEnd) {
            return new HandoverResult(path, atNanos, signalled, sentBytes, survivingRttNanos,
                    recovery == null ? -1 : recovery.stallNanos(runEnd),
                    recovery == null ? -1 : recovery.recoveredAt());
        }
    }

    /**
     * What one path going down cost the transfer: {@code stallNanos} is the longest gap in
     * delivered data from the last delivery before the event until the receiver had everything
     * the sender had sent at the event ({@code sentBytes}), at {@code recoveredAtNanos} (-1 if it
     * never did; -1 stall when the traffic cannot be measured); {@code survivingRttNanos} is the
     * smallest smoothed RTT among the other established subflows then (-1 if none).
     */
    public record HandoverResult(int path, long atNanos, boolean signalled, long sentBytes, long survivingRttNanos,
                                 long stallNanos, long recoveredAtNanos) {
    }
}

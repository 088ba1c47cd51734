package org.mptcplab.app.session;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mptcplab.app.lab.Lab;
import org.mptcplab.app.live.LiveDeviceException;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.app.live.PathImpairment;
import org.mptcplab.app.live.PcapDevice;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapngWriter;
import org.mptcplab.stack.mptcp.ConnectionSnapshot;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.mptcp.SubflowState;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.IpAddress;

/**
 * A live session: the window's lab ({@link Lab#forWindow}: the Linux kernel's MPTCP in a namespace
 * of its own, one veth pair per path of the spec), our stack as the client on the near ends of the
 * veths through pcap, and the spec's traffic coming from the kernel: it is the server (a video
 * source, or a bulk source), our stack receives and plays. Real packets, at real time.
 *
 * <p>What the views show: our side as our stack knows it (subflow states, mappings, data ACKs,
 * events, counters, every frame at our end); the sender's congestion window and RTT as the kernel
 * reports them ({@code ss -ti} in its namespace, every {@value #PEER_POLL_MILLIS} ms), matched to
 * our subflows by port; the kernel's own MPTcpExt counters and sockets beside ours
 * ({@link #peerReport}). A frame is seen at our end only, so its time at the kernel is estimated
 * as half its subflow's RTT (for the ladder).
 *
 * <p>Path controls act on the real links: down (signalled) sets our end of the veth down and our
 * path manager removes the address (REMOVE_ADDR, RFC 8684 3.4.2); a black hole drops every frame
 * of the path in our link layer; rate and queue are a tbf qdisc on both ends of the veth (this
 * kernel has no netem), delay and loss are applied in our link layer in both directions.
 *
 * <p>The lab is made on {@link #start} (on a thread of its own: it takes seconds, and the UI
 * never waits) and removed on {@link #close}; if the app dies without closing, a watcher process
 * removes it ({@link Lab#watchOver}). Pause, step and speed do not exist at real time: they say so.
 */
public final class LiveSession extends Session {
    /** How often the kernel peer's tools are asked (each is a process: not every frame). */
    static final long PEER_POLL_MILLIS = 250;
    /** The kernel peer's address on path 1, as the lab numbers them: 10.N.0.2. */
    static final String PEER = "10.1.0.2";

    private final SessionSpec spec;
    private final SampleStore store;
    private final List<PathSettings> settings;
    private final PathStatus[] status;
    private final StringWriter labText = new StringWriter();
    private final Lab lab;
    private final long seed;
    private volatile State state;
    private volatile PeerReport peer = PeerReport.NONE;
    private volatile String phase = "not started";
    private volatile String failure;
    private volatile boolean closed;
    private Thread starter;
    private Thread poller;

    // Owned by the runner's thread once it runs.
    private MptcpStack client;
    private LiveRunner runner;
    private PathImpairment impairment;
    private int[] addressIds;
    private TrafficEnds traffic;
    private volatile MptcpSocket socket;
    private PacketRecorder packets;
    private final RateWindow goodput = new RateWindow();
    private double goodputBps;
    private final RateWindow[] pathRates;
    private final double[] pathBps;
    private final long[] oneWayNanos;
    private final Map<Integer, RateWindow> subflowRates = new HashMap<>();
    private final java.util.Set<Integer> closedSampled = new java.util.HashSet<>();
    /** The kernel's subflows by our local port (the kernel's remote port), from the latest poll. */
    private volatile Map<Integer, KernelSubflow> kernelSubflows = Map.of();
    private PcapngWriter recording;
    private int[] recordingIds;
    private volatile String recordingProblem;

    /** A subflow as the kernel (the sender) reports it in {@code ss -ti}. */
    record KernelSubflow(int peerPort, long cwndBytes, long ssthreshBytes, long srttNanos, long rttvarNanos,
                         long inFlightBytes, long bytesSent, long bytesRetransmitted, String congestionControl) {
    }

    /** Real interfaces (null: the window's lab): ours, and the server we connect to. */
    private final List<LiveEngine.Interface> interfaces;
    private final IpAddress server;
    private final int serverPort;

    /** The window's lab: the kernel in {@value Lab#WINDOW_SERVER_NS} sends the spec's traffic to us. */
    public LiveSession(SessionSpec spec, SampleStore store) {
        this(spec, store, null, null, 0);
    }

    /**
     * Real interfaces, as {@code connect --iface} uses them: our stack on {@code interfaces} (one
     * path each, in order; the spec's paths give their names and delay/loss), connecting to any
     * MPTCP server at {@code server}:{@code port} (the kernel's, {@code listen}...) and sending it
     * the spec's traffic: a bulk upload, or the video stream, whose viewer's buffer is what the
     * server has acknowledged at the data level (a remote player).
     */
    public static LiveSession onInterfaces(SessionSpec spec, SampleStore store, List<LiveEngine.Interface> interfaces,
                                           IpAddress server, int port) {
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("give at least one interface");
        }
        if (interfaces.size() != spec.paths().size()) {
            throw new IllegalArgumentException(interfaces.size() + " interfaces for " + spec.paths().size() + " paths");
        }
        for (LiveEngine.Interface f : interfaces) {
            if (f.address().byteLength() != server.byteLength()) {
                throw new IllegalArgumentException(f.name() + " has " + f.address() + ", not of the server's address family ("
                        + server + "): the first subflow cannot mix them");
            }
        }
        return new LiveSession(spec, store, List.copyOf(interfaces), server, port);
    }

    private LiveSession(SessionSpec spec, SampleStore store, List<LiveEngine.Interface> interfaces, IpAddress server, int port) {
        this.interfaces = interfaces;
        this.server = server;
        this.serverPort = port;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.store = Objects.requireNonNull(store, "store");
        if (spec.paths().size() > Lab.MAX_PATHS) {
            throw new IllegalArgumentException("the live lab has at most " + Lab.MAX_PATHS + " paths; the spec has "
                    + spec.paths().size());
        }
        this.settings = new ArrayList<>(spec.paths());
        this.status = new PathStatus[settings.size()];
        java.util.Arrays.fill(status, PathStatus.UP);
        this.pathRates = new RateWindow[settings.size()];
        for (int i = 0; i < pathRates.length; i++) {
            pathRates[i] = new RateWindow();
        }
        this.pathBps = new double[settings.size()];
        this.oneWayNanos = new long[settings.size()];
        java.util.Arrays.fill(oneWayNanos, 1_000_000L);
        this.lab = Lab.forWindow(new PrintWriter(labText, true));
        this.seed = spec.seed();
        publishIdle();
    }

    @Override
    public Kind kind() {
        return interfaces == null ? Kind.LIVE_LAB : Kind.LIVE_INTERFACES;
    }

    private boolean onLab() {
        return interfaces == null;
    }

    /** The name of path {@code i}'s interface at our end. */
    private String device(int i) {
        return onLab() ? lab.clientInterface(i + 1) : interfaces.get(i).name();
    }

    private String flowName() {
        return onLab() ? "MPTCP (kernel \u2192 us)" : "MPTCP (us \u2192 " + server + ":" + serverPort + ")";
    }

    /** Real interfaces need root (or CAP_NET_RAW) and libpcap, not the lab's tools. */
    static List<String> missingForInterfaces() {
        List<String> m = new ArrayList<>();
        for (String l : Lab.liveReadiness()) {
            if (l.startsWith("Missing here: root") || l.startsWith("Missing here: libpcap")) {
                m.add(l.substring("Missing here: ".length()));
            }
        }
        return m;
    }

    /** What is missing on this machine for a live session (empty: ready), each with what to do. */
    public static List<String> missing() {
        List<String> m = new ArrayList<>(Lab.missingRequirements());
        try {
            Class.forName("org.pcap4j.core.Pcaps");
        } catch (ClassNotFoundException e) {
            m.add("pcap4j on the class path");
        }
        return m;
    }

    // ------------------------------------------------------------------ running

    @Override
    public synchronized void start(double speed) {
        if (starter != null) {
            throw new IllegalStateException("the session runs already");
        }
        starter = new Thread(this::startLab, "live-lab-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startLab() {
        try {
            List<String> missing = onLab() ? missing() : missingForInterfaces();
            if (!missing.isEmpty()) {
                throw new IllegalStateException((onLab() ? "the live lab needs: " : "live mode needs: ") + String.join("; ", missing));
            }
            if (!onLab()) {
                phase = "opening " + interfaces.stream().map(LiveEngine.Interface::name).toList() + " with pcap";
                publishIdle();
                openStack();
                phase = "running";
                runner.start();
                runner.submit(this::connect);
                return;
            }
            phase = "creating the lab (namespace " + lab.serverNamespace() + ", " + settings.size() + " veth pairs)";
            publishIdle();
            lab.up(new Lab.Config(settings.size(), List.of(), false));
            lab.watchOver(ProcessHandle.current().pid());
            if (closed) {
                lab.down();
                return;
            }
            for (int i = 0; i < settings.size(); i++) {
                applyQdisc(i, settings.get(i));
            }
            phase = "opening " + lab.clientInterface(1) + (settings.size() > 1 ? ".." + lab.clientInterface(settings.size()) : "")
                    + " with pcap";
            publishIdle();
            openStack();
            phase = "running";
            runner.start();
            runner.submit(this::connect);
            startPoller();
        } catch (Exception | LinkageError e) {
            failure = (onLab() ? "the live lab did not start: " : "live mode did not start: ") + e.getMessage();
            phase = "failed";
            if (runner != null) {
                runner.stop();
            }
            if (onLab()) {
                lab.down();
            }
            publishIdle();
        }
    }

    private void openStack() throws LiveDeviceException {
        List<LiveEngine.Interface> list = new ArrayList<>();
        Map<String, PathImpairment.Settings> impair = new LinkedHashMap<>();
        for (int i = 0; i < settings.size(); i++) {
            LiveEngine.Interface f = onLab() ? new LiveEngine.Interface(device(i), EmulatedSession.addr(i, 1), 24, null)
                    : interfaces.get(i);
            list.add(f);
            impair.put(f.name(), impairmentOf(settings.get(i)));
        }
        // The MSS the interfaces' MTU allows (1460 on the lab's veths, as the default).
        // Our scheduler decides what we send: in the lab that is ACKs and the requests (the
        // kernel sends the video), on real interfaces the whole upload.
        StackConfig cfg = LiveEngine.withLinkMss(StackConfig.defaults().withCongestionControl(spec.congestionControl())
                .withScheduler(spec.scheduler()).withPathManager(spec.pathManager()), list);
        client = new MptcpStack("client", cfg, seed * 31 + 1);
        // The same live engine as connect and listen: our link layer, a pcap handle per veth, one runner.
        runner = LiveEngine.open(client, list, seed, 0, impair);
        impairment = runner.link().impairment();
        addressIds = new int[settings.size()];
        for (int i = 0; i < settings.size(); i++) {
            addressIds[i] = client.addressId(onLab() ? EmulatedSession.addr(i, 1) : interfaces.get(i).address());
            if (settings.get(i).backup()) {
                client.setAddressBackup(addressIds[i], true);
            }
        }
        packets = PacketRecorder.live(store);
        runner.tap(this::frame);
        runner.onSample(SAMPLE_NANOS / 1_000_000, r -> sample());
        client.observer().onEvent(this::event);
    }

    private static PathImpairment.Settings impairmentOf(PathSettings p) {
        return new PathImpairment.Settings(p.delayNanos(), 0, p.loss());
    }

    private void connect() {
        if (!onLab()) {
            connectUpload();
            return;
        }
        long now = runner.now();
        traffic = spec.traffic().kind() == TrafficSpec.Kind.VIDEO ? VideoTraffic.of(spec.traffic(), seed)
                : TrafficEnds.bulk(seed);
        MptcpSocket.Handler player = traffic.receiver();
        int port = spec.traffic().kind() == TrafficSpec.Kind.VIDEO ? Lab.VIDEO_PORT : Lab.SOURCE_PORT;
        byte[] request = request(spec.traffic());
        MptcpSocket.Handler h = new MptcpSocket.Handler() {
            @Override
            public void onConnected(long t, MptcpSocket s) {
                // The kernel's service waits for its request (what to send) before it sends.
                s.write(t, request, 0, request.length);
                player.onConnected(t, s);
            }

            @Override
            public void onReadable(long t, MptcpSocket s) {
                player.onReadable(t, s);
            }

            @Override
            public void onWritable(long t, MptcpSocket s) {
                player.onWritable(t, s);
            }

            @Override
            public void onClosed(long t, MptcpSocket s, String why) {
                player.onClosed(t, s, why);
            }
        };
        client.run(now, () -> socket = client.connect(now, IpAddress.parse(PEER), port, h));
        if (spec.flapPeriodNanos() > 0) {
            scheduleFlap(now + spec.flapPeriodNanos() - spec.flapDownNanos());
        }
    }

    /** The player of an upload: the viewer is at the server; it has what the server acknowledged. */
    private org.mptcplab.stack.apps.VideoPlayer remotePlayer;
    /** What the server acknowledged at the data level, as of the latest sample. */
    private volatile long dataAcked;

    /** Real interfaces: we send the spec's traffic to the server (any MPTCP sink). */
    private void connectUpload() {
        long now = runner.now();
        TrafficSpec t = spec.traffic();
        MptcpSocket.Handler app;
        if (t.kind() == TrafficSpec.Kind.VIDEO) {
            org.mptcplab.stack.apps.VideoSender sender = new org.mptcplab.stack.apps.VideoSender(t.bitrateBps(), t.chunkNanos(),
                    org.mptcplab.stack.apps.VideoSender.FOREVER, seed).withoutHash();
            org.mptcplab.stack.apps.VideoSender.drive(runner::schedule, runner::now, client, sender);
            remotePlayer = new org.mptcplab.stack.apps.VideoPlayer(t.bitrateBps(), t.startNanos(), t.startNanos()).withoutHash();
            app = sender;
        } else {
            app = new org.mptcplab.stack.apps.BulkSender(Long.MAX_VALUE / 4, seed).withoutHash();
        }
        traffic = new TrafficEnds() {
            @Override
            public MptcpSocket.Handler sender() {
                return app;
            }

            @Override
            public MptcpSocket.Handler receiver() {
                throw new IllegalStateException("the receiver is the server");
            }

            @Override
            public long delivered() {
                return dataAcked;
            }

            @Override
            public double bufferSeconds(long at) {
                return remotePlayer == null ? Double.NaN : remotePlayer.bufferSeconds(at);
            }

            @Override
            public String state(long at) {
                return remotePlayer == null ? "sending" : remotePlayer.state(at).name().toLowerCase(java.util.Locale.ROOT);
            }

            @Override
            public long stalls(long at) {
                return remotePlayer == null ? 0 : remotePlayer.stalls(at);
            }

            @Override
            public long stalledNanos(long at) {
                return remotePlayer == null ? 0 : remotePlayer.stalledNanos(at);
            }
        };
        client.run(now, () -> socket = client.connect(now, server, serverPort, app));
        if (spec.flapPeriodNanos() > 0) {
            scheduleFlap(now + spec.flapPeriodNanos() - spec.flapDownNanos());
        }
    }

    /** The request the kernel peer's service reads first: video (5204) bitrate and chunk ms; source (5202) a length. */
    static byte[] request(TrafficSpec t) {
        java.nio.ByteBuffer b;
        if (t.kind() == TrafficSpec.Kind.VIDEO) {
            b = java.nio.ByteBuffer.allocate(16);
            b.putLong(t.bitrateBps());
            b.putLong(Math.max(1, t.chunkNanos() / 1_000_000));
        } else {
            b = java.nio.ByteBuffer.allocate(8);
            b.putLong(1L << 50);
        }
        return b.array();
    }

    private void scheduleFlap(long at) {
        runner.schedule(at, () -> {
            if (flapLoop() && status[0] == PathStatus.UP) {
                doPathDown(0, false, "the demo loop");
            }
            runner.schedule(runner.now() + spec.flapDownNanos(), () -> {
                if (flapLoop() && status[0] != PathStatus.UP) {
                    doPathUp(0, "the demo loop");
                }
            });
            scheduleFlap(runner.now() + spec.flapPeriodNanos());
        });
    }

    // ------------------------------------------------------------------ the kernel peer

    private void startPoller() {
        poller = new Thread(() -> {
            while (!closed) {
                long t = runner.now();
                try {
                    Map<String, Long> counters = lab.peerCounters();
                    List<String> sockets = lab.peerSockets(spec.traffic().kind() == TrafficSpec.Kind.VIDEO
                            ? Lab.VIDEO_PORT : Lab.SOURCE_PORT);
                    Map<Integer, KernelSubflow> sf = new HashMap<>();
                    for (String line : sockets) {
                        KernelSubflow k = parseSubflow(line);
                        if (k != null) {
                            sf.put(k.peerPort(), k);
                        }
                    }
                    kernelSubflows = sf;
                    peer = new PeerReport(t, counters, sockets, null);
                } catch (RuntimeException e) {
                    peer = new PeerReport(t, Map.of(), List.of(), "cannot ask the kernel: " + e.getMessage());
                }
                try {
                    Thread.sleep(PEER_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "live-lab-peer");
        poller.setDaemon(true);
        poller.start();
    }

    private static final Pattern PEER_PORT = Pattern.compile("\\s\\S+:(\\d+)\\s+\\S*:(\\d+)\\b");
    private static final Pattern FIELD = Pattern.compile("\\b(cwnd|ssthresh|mss|unacked|bytes_sent|bytes_retrans):(\\d+)");
    private static final Pattern RTT = Pattern.compile("\\brtt:([0-9.]+)/([0-9.]+)");
    /** ss prints the subflow's congestion control as a bare word before its window scales. */
    private static final Pattern CC = Pattern.compile("\\s([a-z][a-z0-9_]*)\\s+wscale:");

    /**
     * A subflow line of the kernel's {@code ss -tni} (joined by {@link Lab#peerSockets}): its
     * peer's port (ours), cwnd and ssthresh (segments, times mss), rtt/rttvar (ms), unacked
     * segments (in flight), bytes sent and retransmitted. Null for a line that is not one.
     */
    static KernelSubflow parseSubflow(String line) {
        if (!line.startsWith("subflow ")) {
            return null;
        }
        Matcher pm = PEER_PORT.matcher(line);
        if (!pm.find()) {
            return null;
        }
        int peerPort = Integer.parseInt(pm.group(2));
        Map<String, Long> f = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
        }
        long mss = f.getOrDefault("mss", 1448L);
        long srtt = 0;
        long rttvar = 0;
        Matcher r = RTT.matcher(line);
        if (r.find()) {
            srtt = Math.round(Double.parseDouble(r.group(1)) * 1e6);
            rttvar = Math.round(Double.parseDouble(r.group(2)) * 1e6);
        }
        Matcher cc = CC.matcher(line);
        String algorithm = cc.find() && !cc.group(1).equals("sack") && !cc.group(1).equals("ts") ? cc.group(1) : null;
        return new KernelSubflow(peerPort, f.getOrDefault("cwnd", 0L) * mss,
                f.containsKey("ssthresh") ? f.get("ssthresh") * mss : Long.MAX_VALUE, srtt, rttvar,
                f.getOrDefault("unacked", 0L) * mss, f.getOrDefault("bytes_sent", 0L), f.getOrDefault("bytes_retrans", 0L),
                algorithm);
    }

    @Override
    public PeerReport peerReport() {
        return peer;
    }

    /** What the lab printed while it was made and removed (for a failure's details). */
    public String labLog() {
        return labText.toString();
    }

    /** Where the start is (creating the lab, opening the devices, running, failed). */
    public String phase() {
        return phase;
    }

    // ------------------------------------------------------------------ frames, events, samples

    private void frame(long now, int iface, boolean sent, byte[] frame) {
        if (iface < 0 || iface >= settings.size()) {
            return;
        }
        packets.seen(now, iface, !sent, frame, oneWay(iface));
        PcapngWriter w = recording;
        if (w != null) {
            try {
                w.write(recordingIds[iface], runner.epochNanos(now), frame, 0, frame.length);
                if (w.limitReached() && recordingProblem == null) {
                    recordingProblem = "the recording reached " + (RECORDING_LIMIT_BYTES >> 20) + " MiB and stopped growing";
                }
            } catch (java.io.IOException e) {
                recordingProblem = "writing the recording failed: " + e.getMessage();
                closeRecording();
            }
        }
    }

    /** Half the RTT of the newest measured subflow on {@code iface}, from the latest sample (1 ms before one). */
    private long oneWay(int iface) {
        return oneWayNanos[iface];
    }

    private void event(ProtocolEvent e) {
        store.add(new Samples.Event(e.timeNanos(), 0, "client", e.kind().name(), e.subflowId(), e.detail()));
    }

    private void netEvent(String kind, String detail) {
        store.add(new Samples.Event(runner.now(), -1, "network", kind, -1, detail));
    }

    private void sample() {
        long now = runner.now();
        MptcpSocket s = socket;
        ConnectionSnapshot c = s == null ? null : s.snapshot();
        Map<Integer, KernelSubflow> kernel = kernelSubflows;
        long[] perPath = new long[settings.size()];
        if (c != null) {
            for (SubflowSnapshot sf : c.subflows()) {
                if (sf.iface() >= 0 && sf.iface() < perPath.length) {
                    perPath[sf.iface()] += onLab() ? sf.bytesReceived() : sf.bytesSent();
                    KernelSubflow k = kernel.get(sf.localPort());
                    long rtt = k != null && k.srttNanos() > 0 ? k.srttNanos() : sf.srttNanos();
                    if (rtt > 0 && sf.state() != SubflowState.CLOSED) {
                        oneWayNanos[sf.iface()] = rtt / 2;
                    }
                }
                if (sf.state() == SubflowState.CLOSED) {
                    if (!closedSampled.add(sf.id())) {
                        continue;
                    }
                    subflowRates.remove(sf.id());
                }
                SubflowSnapshot v = senderView(sf, kernel.get(sf.localPort()));
                double bps = subflowRates.computeIfAbsent(sf.id(), k -> new RateWindow()).add(now,
                        onLab() ? sf.bytesReceived() : sf.bytesSent());
                store.add(new Samples.Subflow(now, 0, sf.id(), sf.iface(), sf.state(), sf.backup(), v.cwnd(), v.ssthresh(),
                        v.srttNanos(), v.rttvarNanos(), v.bytesInFlight(), bps, v.bytesSent(), v.bytesRetransmitted(),
                        v.congestionControl(), v.coupled(), v.increasePerRtt()));
            }
        }
        for (int i = 0; i < perPath.length; i++) {
            pathBps[i] = pathRates[i].add(now, perPath[i]);
        }
        if (c != null) {
            dataAcked = c.dataAcked();
            if (remotePlayer != null) {
                remotePlayer.feed(now, dataAcked, false);
            }
        }
        if (traffic != null) {
            goodputBps = goodput.add(now, traffic.delivered());
            store.add(new Samples.Flow(now, 0, goodputBps, traffic.delivered(), c == null ? 0 : c.sendBufferUsed(),
                    c == null ? 0 : c.receiveBufferUsed(), traffic.bufferSeconds(now), traffic.state(now),
                    traffic.stalls(now), traffic.stalledNanos(now)));
        }
        publish(now, c);
    }

    /**
     * Our subflow with the sender's congestion state where the kernel reported it (it sends the
     * data; our side only acknowledges); our own figures otherwise.
     */
    static SubflowSnapshot senderView(SubflowSnapshot sf, KernelSubflow k) {
        if (k == null) {
            return sf;
        }
        return new SubflowSnapshot(sf.id(), sf.localAddress(), sf.localPort(), sf.remoteAddress(), sf.remotePort(),
                sf.iface(), sf.state(), sf.backup(), sf.localAddressId(), sf.remoteAddressId(), k.cwndBytes(),
                k.ssthreshBytes(), k.srttNanos(), k.rttvarNanos(), sf.rtoNanos(), k.inFlightBytes(), k.bytesSent(),
                sf.bytesAcked(), k.bytesRetransmitted(), sf.segmentsRetransmitted(), sf.bytesReceived(), sf.sackHoles(),
                sf.rtoCount(), sf.fastRetransmits(), sf.closeReason(),
                k.congestionControl() == null ? null : "kernel " + k.congestionControl(), null, false, Double.NaN,
                org.mptcplab.stack.sched.SchedulingCounts.NONE);
    }

    private void publish(long now, ConnectionSnapshot c) {
        List<PathState> ps = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            ps.add(new PathState(i, settings.get(i), status[i], status[i] == PathStatus.UP ? pathBps[i] : 0));
        }
        List<FlowState> fs = new ArrayList<>();
        Map<Integer, KernelSubflow> kernel = kernelSubflows;
        List<SubflowSnapshot> subflows = new ArrayList<>();
        if (c != null) {
            for (SubflowSnapshot sf : shown(c.subflows())) {
                subflows.add(senderView(sf, kernel.get(sf.localPort())));
            }
        }
        TrafficEnds t = traffic;
        fs.add(new FlowState(0, flowName(), List.copyOf(subflows), t == null ? 0 : t.delivered(), goodputBps,
                t == null ? Double.NaN : t.bufferSeconds(now), t == null ? "waiting" : t.state(now),
                t == null ? 0 : t.stalls(now), t == null ? 0 : t.stalledNanos(now), c != null && c.fallback(),
                c == null ? "CONNECTING" : c.state(), -1, 0));
        LiveRunner r = runner;
        String f = failure;
        if (f == null && r != null && r.failure() != null) {
            f = "the live runner failed: " + r.failure();
        }
        state = new State(now, false, 1, List.copyOf(ps), List.copyOf(fs),
                client == null ? 0 : client.observer().eventsTotal(), f);
    }

    /** Before the runner runs: the paths as set, no flow yet, the phase in the flow's state. */
    private void publishIdle() {
        List<PathState> ps = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            ps.add(new PathState(i, settings.get(i), status[i], 0));
        }
        FlowState f = new FlowState(0, flowName(), List.of(), 0, 0, Double.NaN, phase, 0, 0, false,
                "CONNECTING", -1, 0);
        state = new State(0, false, 1, List.copyOf(ps), List.of(f), 0, failure);
    }

    @Override
    public State state() {
        return state;
    }

    // ------------------------------------------------------------------ commands

    private void onRunner(String what, Runnable r) {
        LiveRunner run = runner;
        if (run == null || !run.isRunning()) {
            throw new IllegalStateException(what + ": the live lab is not running yet (" + phase + ")");
        }
        run.submit(r);
    }

    private void check(int i) {
        if (i < 0 || i >= settings.size()) {
            throw new IllegalArgumentException("there is no path " + (i + 1) + " (the session has " + settings.size() + ")");
        }
    }

    @Override
    public void pathDown(int i, boolean silent) {
        check(i);
        onRunner("path down", () -> doPathDown(i, silent, "by hand"));
    }

    @Override
    public void pathUp(int i) {
        check(i);
        onRunner("path up", () -> doPathUp(i, "by hand"));
    }

    private void doPathDown(int i, boolean silent, String why) {
        if (status[i] != PathStatus.UP) {
            return;
        }
        long now = runner.now();
        String dev = device(i);
        if (silent) {
            // Every frame of the path dropped, both ways, in our link layer: nobody is told.
            impairment.setBoth(i, new PathImpairment.Settings(settings.get(i).delayNanos(), 0, 1.0));
            status[i] = PathStatus.DOWN_SILENT;
            netEvent("PATH_BLACKHOLE", settings.get(i).name() + " (" + dev + ") silently drops everything (black hole), " + why);
            return;
        }
        if (!onLab()) {
            // Not the host's own interface: our stack stops using it (every frame dropped in our
            // link layer) and tells the server with REMOVE_ADDR, as when its link goes down.
            impairment.setBoth(i, new PathImpairment.Settings(settings.get(i).delayNanos(), 0, 1.0));
            status[i] = PathStatus.DOWN_SIGNALLED;
            client.run(now, () -> client.removeAddress(now, addressIds[i]));
            netEvent("PATH_DOWN", settings.get(i).name() + " (" + dev + ") taken out of use by our stack (REMOVE_ADDR; the"
                    + " interface itself stays up), " + why);
            return;
        }
        Lab.Result r = Lab.run("ip", "link", "set", dev, "down");
        status[i] = PathStatus.DOWN_SIGNALLED;
        client.run(now, () -> client.removeAddress(now, addressIds[i]));
        netEvent("PATH_DOWN", settings.get(i).name() + " (" + dev + ") went down (ip link set " + dev + " down"
                + (r.exit() == 0 ? "" : ", which failed: " + r.output().trim()) + "), " + why);
    }

    private void doPathUp(int i, String why) {
        if (status[i] == PathStatus.UP) {
            return;
        }
        long now = runner.now();
        String dev = device(i);
        if (status[i] == PathStatus.DOWN_SILENT) {
            impairment.setBoth(i, impairmentOf(settings.get(i)));
            status[i] = PathStatus.UP;
            netEvent("PATH_UP", settings.get(i).name() + " (" + dev + ") passes frames again, " + why);
            return;
        }
        if (!onLab()) {
            impairment.setBoth(i, impairmentOf(settings.get(i)));
            status[i] = PathStatus.UP;
            client.run(now, () -> client.restoreAddress(now, addressIds[i]));
            netEvent("PATH_UP", settings.get(i).name() + " (" + dev + ") in use again, " + why);
            return;
        }
        Lab.Result r = Lab.run("ip", "link", "set", dev, "up");
        String detail = "";
        try {
            // A pcap handle's receive loop ends with its link: a fresh one for the link that is back.
            runner.replaceDevice(i, PcapDevice.open(dev));
            runner.link().announce();
        } catch (LiveDeviceException e) {
            detail = "; cannot reopen " + dev + ": " + e.getMessage();
        }
        status[i] = PathStatus.UP;
        client.run(now, () -> client.restoreAddress(now, addressIds[i]));
        netEvent("PATH_UP", settings.get(i).name() + " (" + dev + ") is back up" + (r.exit() == 0 ? "" : " (ip link set up failed: "
                + r.output().trim() + ")") + detail + ", " + why);
    }

    @Override
    public void setLink(int i, PathSettings p) {
        check(i);
        Objects.requireNonNull(p, "settings");
        PathSettings was = settings.get(i);
        if (!onLab() && (p.rateBps() != was.rateBps() || p.queueBytes() != was.queueBytes())) {
            throw new UnsupportedOperationException("rate and queue on a real interface: a qdisc there would shape the"
                    + " host's own traffic too; delay and loss apply (in our link layer)");
        }
        onRunner("link settings", () -> {
            PathSettings s = p.withBackup(settings.get(i).backup());
            settings.set(i, s);
            if (status[i] != PathStatus.DOWN_SILENT) {
                impairment.setBoth(i, impairmentOf(s));
            }
            String problem = onLab() ? applyQdisc(i, s) : null;
            netEvent("LINK_CHANGED", s.name() + " now " + s.linkSpec() + (problem == null ? "" : " (" + problem + ")"));
        });
    }

    /**
     * Rate and queue as a tbf qdisc on both ends of the veth (the kernel's egress and ours), or
     * none for an unlimited path. Returns what failed, or null.
     */
    private String applyQdisc(int i, PathSettings p) {
        String c = lab.clientInterface(i + 1);
        String s = lab.serverInterface(i + 1);
        if (p.rateBps() <= 0) {
            Lab.run("tc", "qdisc", "del", "dev", c, "root");
            Lab.run(lab.inServer("tc", "qdisc", "del", "dev", s, "root"));
            return null;
        }
        List<String> args = new ArrayList<>(List.of("rate", p.rateBps() + "bit", "burst", "32kb"));
        if (p.queueBytes() > 0) {
            args.addAll(List.of("limit", Long.toString(Math.max(p.queueBytes(), 32 * 1024))));
        } else {
            args.addAll(List.of("latency", "50ms"));
        }
        List<String> ours = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", c, "root", "tbf"));
        ours.addAll(args);
        List<String> theirs = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", s, "root", "tbf"));
        theirs.addAll(args);
        Lab.Result a = Lab.run(ours.toArray(String[]::new));
        Lab.Result b = Lab.run(lab.inServer(theirs.toArray(String[]::new)));
        if (a.exit() != 0) {
            return "tc on " + c + " failed: " + a.output().trim();
        }
        if (b.exit() != 0) {
            return "tc on " + s + " failed: " + b.output().trim();
        }
        return null;
    }

    @Override
    public void setBackup(int i, boolean backup) {
        check(i);
        onRunner("backup", () -> {
            long now = runner.now();
            settings.set(i, settings.get(i).withBackup(backup));
            client.setAddressBackup(addressIds[i], backup);
            MptcpSocket s = socket;
            if (s != null && !s.isClosed()) {
                for (SubflowSnapshot sf : s.snapshot().subflows()) {
                    if (sf.iface() == i && sf.state() == SubflowState.ESTABLISHED) {
                        client.run(now, () -> s.setBackup(now, sf.id(), backup));
                    }
                }
            }
            netEvent(backup ? "BACKUP_ON" : "BACKUP_OFF", settings.get(i).name() + (backup ? " is a backup path (MP_PRIO to the kernel)"
                    : " is a regular path (MP_PRIO to the kernel)"));
        });
    }

    @Override
    public CompletableFuture<String> addSubflow(int i) {
        check(i);
        return command("add a subflow", () -> {
            String done = Session.openSubflow(client, socket, addressIds[i], settings.get(i).name(), runner.now());
            netEvent("SUBFLOW_ADD", done);
            return done;
        });
    }

    @Override
    public CompletableFuture<String> removeSubflow(int i) {
        check(i);
        return command("remove a subflow", () -> {
            String done = Session.closeSubflow(client, socket, i, settings.get(i).name(), runner.now());
            netEvent("SUBFLOW_REMOVE", done);
            return done;
        });
    }

    private CompletableFuture<String> command(String what, java.util.function.Supplier<String> c) {
        return onEngine(r -> onRunner(what, r), c::get);
    }

    private static final String REAL_TIME = "a live session runs at real time: the Linux kernel on the other end"
            + " does not pause, step or speed up (the emulated mode does)";

    @Override
    public void pause() {
        throw new UnsupportedOperationException("pause: " + REAL_TIME);
    }

    @Override
    public void resume() {
        throw new UnsupportedOperationException("resume: " + REAL_TIME);
    }

    @Override
    public void step() {
        throw new UnsupportedOperationException("step: " + REAL_TIME);
    }

    @Override
    public void setSpeed(double speed) {
        if (speed != 1) {
            throw new UnsupportedOperationException("speed " + speed + "x: " + REAL_TIME);
        }
    }

    @Override
    public void runFor(long nanos) {
        throw new UnsupportedOperationException("a live session cannot run headless in virtual time; start it");
    }

    @Override
    public boolean isPaused() {
        return false;
    }

    @Override
    public Session restarted() {
        return new LiveSession(spec, new SampleStore(store.windowNanos(), store.byteBudget()), interfaces, server, serverPort);
    }


    // ------------------------------------------------------------------ recording

    @Override
    public void startRecording(java.nio.file.Path file) throws java.io.IOException {
        awaitFile(onEngine(r -> onRunner("recording", r), () -> {
            if (recording != null) {
                throw new IllegalStateException("a recording runs already");
            }
            PcapngWriter w = PcapngWriter.create(file, "MPTCP Lab (live lab)").limit(RECORDING_LIMIT_BYTES);
            int[] ids = new int[settings.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = w.addInterface(LinkType.ETHERNET, device(i) + " (" + settings.get(i).name() + ")");
            }
            recordingIds = ids;
            recordingProblem = null;
            recording = w;
            return null;
        }), "the live runner did not start the recording");
    }

    @Override
    public long stopRecording() throws java.io.IOException {
        return awaitFile(onEngine(r -> onRunner("recording", r), this::finishRecording),
                "the live runner did not stop the recording");
    }

    /** On the runner: closes the recording; packets written, -1 if none ran. */
    private long finishRecording() throws java.io.IOException {
        if (recording == null) {
            return -1;
        }
        long n = recording.packetsWritten();
        String problem = closeRecording();
        if (problem != null) {
            throw new java.io.IOException(problem);
        }
        return n;
    }

    private String closeRecording() {
        PcapngWriter w = recording;
        recording = null;
        if (w != null) {
            try {
                w.close();
            } catch (java.io.IOException e) {
                recordingProblem = "closing the recording failed: " + e.getMessage();
            }
        }
        return recordingProblem;
    }

    @Override
    public boolean isRecording() {
        return recording != null;
    }

    @Override
    public String recordingProblem() {
        return recordingProblem;
    }

    // ------------------------------------------------------------------ the rest

    @Override
    public Map<Mib, Long> counters(boolean server) {
        if (server || client == null) {
            // The server is the kernel: its counters are in the peer report, by its own names.
            return Map.of();
        }
        Map<Mib, Long> all = client.observer().counters();
        all.values().removeIf(v -> v == 0);
        return all;
    }

    @Override
    public SessionSpec spec() {
        return spec;
    }

    @Override
    public SampleStore store() {
        return store;
    }

    /**
     * Stops the runner (its devices closed), the poller, and removes the lab: the kernel peer, the
     * namespace, both ends of every veth. Safe to call more than once and before the start ended.
     */
    @Override
    public void close() {
        closed = true;
        Thread s = starter;
        if (s != null) {
            try {
                s.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LiveRunner r = runner;
        if (r != null) {
            if (recording != null && r.isRunning()) {
                try {
                    stopRecording();
                } catch (java.io.IOException e) {
                    recordingProblem = e.getMessage();
                }
            }
            r.stop();
        }
        Thread p = poller;
        if (p != null) {
            p.interrupt();
        }
        if (s != null && onLab()) {
            lab.down();
        }
    }
}

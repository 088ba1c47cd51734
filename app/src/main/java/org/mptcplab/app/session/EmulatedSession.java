package org.mptcplab.app.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.emu.Host;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.Path;
import org.mptcplab.stack.emu.RealTimeDriver;
import org.mptcplab.stack.mptcp.ConnectionSnapshot;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.wire.IpAddress;

/**
 * One run of the lab, emulated: a client and a server joined by the spec's paths, the spec's
 * traffic from server to client over MPTCP, and (for the demo) the same traffic over single-path
 * TCP on a copy of the first path. The stack runs on the engine's own thread, paced to the wall
 * clock at a chosen speed ({@link #start}), or on the caller's thread as fast as it goes
 * ({@link #runFor}); never on the UI thread. The UI reads {@link #state()} (a volatile immutable
 * snapshot, published at each sample) and {@link #store()} once a frame, and sends commands,
 * which run on the engine's thread between events.
 *
 * <p>Deterministic: the same spec (seed included) and the same commands at the same virtual
 * times give the same packets. Commands from a UI arrive at wall-clock moments, so a run steered
 * by hand is only reproducible as far as its commands are.
 */
public final class EmulatedSession extends Session {
    /** Its policies follow switchPolicies, so that a restart runs what is shown. */
    private volatile SessionSpec spec;
    private final Scenario.Run run;
    /** False for a CLI scenario: no samples, no packet records, no events in the store (the run is the scenario's alone). */
    private final boolean sampling;
    private final EmulatedNetwork net;
    private final List<PathSettings> settings;
    private final List<Path> paths = new ArrayList<>();
    private final PathStatus[] status;
    private final int[] clientAddressIds;
    private final List<Flow> flows = new ArrayList<>();
    private final SampleStore store;
    private final AtomicReference<State> state = new AtomicReference<>();
    private Path tcpPath;
    private RealTimeDriver driver;
    private final RateWindow[] pathRates;
    private final double[] pathBps;

    /** One connection and its hosts. */
    private final class Flow {
        final int index;
        final String name;
        final MptcpStack client;
        final MptcpStack server;
        final TrafficEnds traffic;
        /** The scenario's run, for the MPTCP flow (which the scenario built); null for the TCP comparison. */
        Scenario.Run run;
        MptcpSocket senderSocket;
        MptcpSocket clientSocket;

        MptcpSocket sender() {
            return run != null ? run.sendingSocket() : senderSocket;
        }

        MptcpSocket clientSide() {
            return run != null ? run.clientSocket() : clientSocket;
        }
        long lastDelivered;
        final java.util.Map<Integer, RateWindow> sendRates = new java.util.HashMap<>();
        final java.util.Set<Integer> closedSampled = new java.util.HashSet<>();
        final RateWindow goodput = new RateWindow();
        /** The sender's latest retransmission timeout: when the next try goes out, and the backoff. */
        volatile long nextRetransmissionAt = -1;
        volatile int backoff;
        double goodputBps;

        Flow(int index, String name, MptcpStack client, MptcpStack server, TrafficEnds traffic) {
            this.index = index;
            this.name = name;
            this.client = client;
            this.server = server;
            this.traffic = traffic;
        }
    }

    @Override
    public Kind kind() {
        return Kind.EMULATED;
    }

    public EmulatedSession(SessionSpec spec) {
        this(spec, new SampleStore());
    }

    public EmulatedSession(SessionSpec spec, SampleStore store) {
        this(spec, Objects.requireNonNull(store, "store"), built(scenarioOf(spec)), true);
    }

    /** A window's scenario records nothing to a file, so building it does no I/O that could fail. */
    private static Scenario.Run built(Scenario sc) {
        try {
            return sc.build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private EmulatedSession(SessionSpec spec, SampleStore store, Scenario.Run built, boolean sampling) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.store = store;
        this.sampling = sampling;
        this.settings = new ArrayList<>(spec.paths());
        this.run = built;
        this.net = run.network();
        int n = settings.size();
        status = new PathStatus[n];
        clientAddressIds = new int[n];
        java.util.Arrays.fill(status, PathStatus.UP);
        pathRates = new RateWindow[n];
        for (int i = 0; i < n; i++) {
            pathRates[i] = new RateWindow();
        }
        pathBps = new double[n];
        build();
        publish();
    }

    /**
     * A headless session of a scenario built by the CLI ({@code simulate}: its paths, traffic,
     * faults, middleboxes, path events and recording): the same engine and commands as the
     * window's, without the store's sampling, so that the run is exactly the scenario's. Run it
     * with {@link #runToEnd}.
     */
    public static EmulatedSession of(Scenario scenario) throws java.io.IOException {
        List<PathSettings> ps = new ArrayList<>();
        int i = 0;
        for (Scenario.PathSpec p : scenario.paths()) {
            LinkConfig c = p.up();
            ps.add(new PathSettings("path " + ++i, c.rateBitsPerSecond(), c.delayNanos(), c.lossProbability(), c.queueBytes(),
                    scenario.backupPaths().contains(i - 1)));
        }
        TrafficSpec t = scenario.traffic() instanceof Scenario.Traffic.Video v
                ? new TrafficSpec(TrafficSpec.Kind.VIDEO, v.bitrateBps(), v.chunkNanos(), v.startNanos()) : TrafficSpec.bulk();
        SessionSpec spec = new SessionSpec(ps, t, "newreno", "minrtt", "fullmesh", scenario.seed(), false, 0, 0);
        return new EmulatedSession(spec, new SampleStore(), scenario.build(), false);
    }

    /** The scenario of a window's spec: endless traffic from the server, no hashing, the spec's policies. */
    static Scenario scenarioOf(SessionSpec spec) {
        StackConfig c = StackConfig.defaults().withCongestionControl(spec.congestionControl()).withScheduler(spec.scheduler())
                .withPathManager(spec.pathManager()).withOpportunisticRetransmission(spec.opportunistic());
        Scenario sc = new Scenario().seed(spec.seed()).light(true).download(true).clientConfig(c).serverConfig(c)
                .bytes(Long.MAX_VALUE / 4).deadline(Long.MAX_VALUE);
        for (PathSettings p : spec.paths()) {
            sc.path(Scenario.PathSpec.symmetric(p.link()));
        }
        if (spec.bottleneckBps() > 0) {
            sc.bottleneck(spec.bottleneckBps(), 0);
        }
        TrafficSpec t = spec.traffic();
        if (t.kind() == TrafficSpec.Kind.VIDEO) {
            sc.traffic(new Scenario.Traffic.Video(t.bitrateBps(), t.chunkNanos(), org.mptcplab.stack.apps.VideoSender.FOREVER,
                    t.startNanos(), t.startNanos()));
        }
        return sc;
    }

    /**
     * Headless, on the caller's thread: runs until the scenario's traffic is done or its
     * deadline, and reports as {@code simulate} does.
     */
    public Scenario.SimulationResult runToEnd() throws java.io.IOException {
        if (driver != null) {
            throw new IllegalStateException("the session runs on its own thread");
        }
        try {
            return run.runToEnd();
        } finally {
            publish();
        }
    }

    private StackConfig config(boolean mptcp) {
        StackConfig c = StackConfig.defaults().withCongestionControl(spec.congestionControl()).withScheduler(spec.scheduler())
                .withPathManager(spec.pathManager());
        return mptcp ? c : c.withMptcp(false);
    }

    private void build() {
        long seed = spec.seed();
        MptcpStack client = run.client();
        MptcpStack server = run.server();
        for (int i = 0; i < settings.size(); i++) {
            clientAddressIds[i] = client.addressId(addr(i, 1));
            if (settings.get(i).backup()) {
                client.setAddressBackup(clientAddressIds[i], true);
            }
            paths.add(run.paths().get(i));
        }
        if (sampling) {
            net.addListener(new PacketRecorder(paths, store));
        }
        Flow mptcp = new Flow(0, "MPTCP", client, server, TrafficEnds.of(run));
        mptcp.run = run;
        flows.add(mptcp);
        if (spec.singlePathTcp()) {
            // The comparison: the same traffic over plain TCP (MPTCP off at the client, so the
            // handshake falls back, RFC 8684 3.1) on a copy of the first path.
            MptcpStack tc = new MptcpStack("tcp-client", config(false), seed * 31 + 3);
            MptcpStack ts = new MptcpStack("tcp-server", config(true), seed * 31 + 4);
            Host tch = net.addHost("tcp-client", tc);
            Host tsh = net.addHost("tcp-server", ts);
            tc.addAddress(0, IpAddress.parse("10.101.0.1"), 24);
            ts.addAddress(0, IpAddress.parse("10.101.0.2"), 24);
            tcpPath = net.connect(tch, 0, tsh, 0, settings.get(0).link(), settings.get(0).link());
            org.mptcplab.stack.emu.Bottleneck neck = run.bottleneck();
            if (neck != null) {
                // The server sends: its direction (b to a) crosses the bottleneck the MPTCP
                // subflows cross, so the two flows compete there (RFC 6356 goal 2).
                tcpPath.bToA().setBottleneck(neck);
            }
            flows.add(new Flow(1, neck != null ? "TCP, same bottleneck" : "TCP on " + settings.get(0).name(), tc, ts,
                    traffic(seed + 1)));
        }
        for (Flow f : flows) {
            int flowIndex = f.index;
            if (sampling) {
                f.client.observer().onEvent(e -> event(flowIndex, f.client.name(), e));
                f.server.observer().onEvent(e -> event(flowIndex, f.server.name(), e));
            }
            if (f.run != null) {
                continue; // the scenario listens, connects and starts its traffic
            }
            f.server.listen(PORT, s -> {
                if (f.senderSocket == null) {
                    f.senderSocket = s;
                    s.setHandler(f.traffic.sender());
                } else {
                    s.setHandler(new MptcpSocket.Handler() {
                        @Override
                        public void onConnected(long now, MptcpSocket k) {
                            k.abort(now);
                        }
                    });
                }
            });
            IpAddress serverAddr = IpAddress.parse("10.101.0.2");
            f.traffic.start(net, f.server);
            net.schedule(0, () -> f.clientSocket = f.client.connect(net.now(), serverAddr, PORT, f.traffic.receiver()));
        }
        if (spec.flapPeriodNanos() > 0) {
            scheduleFlap(spec.flapPeriodNanos() - spec.flapDownNanos());
        }
        for (SessionSpec.PathEvent e : spec.events()) {
            String why = "the " + spec.scenario() + " scenario";
            net.schedule(e.atNanos(), () -> {
                if (e.up()) {
                    doPathUp(e.path(), why);
                } else {
                    doPathDown(e.path(), !e.signalled(), why);
                }
            });
        }
        if (sampling) {
            net.schedule(SAMPLE_NANOS, this::sampleAndReschedule);
        }
    }

    private TrafficEnds traffic(long seed) {
        return switch (spec.traffic().kind()) {
            case BULK -> TrafficEnds.bulk(seed);
            case VIDEO -> VideoTraffic.of(spec.traffic(), seed);
        };
    }

    static IpAddress addr(int path, int host) {
        return IpAddress.parse("10." + (path + 1) + ".0." + host);
    }

    // ------------------------------------------------------------------ the demo's loop


    private void scheduleFlap(long at) {
        net.schedule(at, () -> {
            if (flapLoop() && status[0] == PathStatus.UP) {
                doPathDown(0, false, "the demo loop");
            }
            net.schedule(net.now() + spec.flapDownNanos(), () -> {
                if (flapLoop() && status[0] != PathStatus.UP) {
                    doPathUp(0, "the demo loop");
                }
            });
            scheduleFlap(net.now() + spec.flapPeriodNanos());
        });
    }


    // ------------------------------------------------------------------ commands

    /**
     * Takes path {@code i} down. Signalled: the client's interface goes down, so its path manager
     * closes the subflows there and tells the server with REMOVE_ADDR on a subflow that stays
     * (RFC 8684 3.4.2), and data is reinjected at once. Silent: a black hole; nobody is told, and
     * the subflow's retransmission timer has to find out.
     */
    @Override
    public void pathDown(int i, boolean silent) {
        check(i);
        run(() -> doPathDown(i, silent, "by hand"));
    }

    @Override
    public void pathUp(int i) {
        check(i);
        run(() -> doPathUp(i, "by hand"));
    }

    /** New link settings for path {@code i} (rate, delay, loss, queue); backup changes go through {@link #setBackup}. */
    @Override
    public void setLink(int i, PathSettings p) {
        check(i);
        Objects.requireNonNull(p, "settings");
        run(() -> {
            settings.set(i, p.withBackup(settings.get(i).backup()));
            LinkConfig c = p.link();
            paths.get(i).setConfig(c, c);
            if (i == 0 && tcpPath != null) {
                tcpPath.setConfig(c, c);
            }
            netEvent(i, "LINK_CHANGED", settings.get(i).name() + " now " + p.linkSpec());
        });
    }

    /**
     * Marks path {@code i} as backup or regular: new joins carry the B flag (RFC 8684 3.2) and
     * existing subflows there change with MP_PRIO (3.3.8).
     */
    @Override
    public void setBackup(int i, boolean backup) {
        check(i);
        run(() -> {
            settings.set(i, settings.get(i).withBackup(backup));
            Flow f = flows.get(0);
            f.client.setAddressBackup(clientAddressIds[i], backup);
            MptcpSocket s = f.clientSide();
            if (s != null && !s.isClosed()) {
                for (SubflowSnapshot sf : s.snapshot().subflows()) {
                    if (sf.iface() == i && sf.state().name().equals("ESTABLISHED")) {
                        s.setBackup(net.now(), sf.id(), backup);
                    }
                }
            }
            netEvent(i, backup ? "BACKUP_ON" : "BACKUP_OFF", settings.get(i).name() + (backup ? " is a backup path" : " is a regular path"));
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> addSubflow(int i) {
        check(i);
        return command(() -> {
            Flow f = flows.get(0);
            String done = Session.openSubflow(f.client, f.clientSide(), clientAddressIds[i], settings.get(i).name(), net.now());
            netEvent(i, "SUBFLOW_ADD", done);
            return done;
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> removeSubflow(int i) {
        check(i);
        return command(() -> {
            Flow f = flows.get(0);
            String done = Session.closeSubflow(f.client, f.clientSide(), i, settings.get(i).name(), net.now());
            netEvent(i, "SUBFLOW_REMOVE", done);
            return done;
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> setOpportunistic(boolean on) {
        return command(() -> {
            Flow f = flows.get(0);
            for (MptcpStack st : List.of(f.client, f.server)) {
                st.setOpportunisticRetransmission(on);
            }
            spec = spec.withOpportunistic(on);
            String done = "Opportunistic retransmission and penalisation " + (on ? "on" : "off");
            netEvent(-1, "POLICY", done + (on ? ": when the receive window blocks, the segment holding it goes again "
                    + "on a subflow with room and the slow subflow's window is halved (NSDI 2012)" : ""));
            return done;
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> switchPolicies(String congestionControl, String scheduler) {
        return command(() -> {
            Flow f = flows.get(0);
            for (MptcpStack st : List.of(f.client, f.server)) {
                st.setCongestionControl(congestionControl);
                st.setScheduler(scheduler);
            }
            spec = spec.withPolicies(congestionControl, scheduler, spec.pathManager());
            String done = "MPTCP now runs " + congestionControl + " with the " + scheduler + " scheduler";
            netEvent(-1, "POLICY", done);
            return done;
        });
    }

    /** A command with an answer, on the engine's thread (at once when headless). */
    private java.util.concurrent.CompletableFuture<String> command(java.util.function.Supplier<String> c) {
        return onEngine(this::run, c::get);
    }

    @Override
    public void pause() {
        if (driver != null) {
            driver.pause();
        }
        publishSoon();
    }

    @Override
    public void resume() {
        if (driver != null) {
            driver.resume();
        }
        publishSoon();
    }

    /** While paused: the next event (a packet arriving, a timer) and no more. */
    @Override
    public void step() {
        if (driver != null) {
            driver.step();
            driver.submit(this::publish);
        } else {
            net.runUntil(net.nextEventTime());
            publish();
        }
    }

    /** Virtual seconds per wall second, {@value #MIN_SPEED} to {@value #MAX_SPEED}. */
    @Override
    public void setSpeed(double speed) {
        if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
            throw new IllegalArgumentException("speed " + speed + " is outside " + MIN_SPEED + "x to " + MAX_SPEED + "x");
        }
        if (driver != null) {
            driver.setSpeed(speed);
        }
        this.speed = speed;
        publishSoon();
    }

    private double speed = 1;
    /** The engine thread's nice value in the window (0 normal, 19 lowest). */
    static final int ENGINE_NICE = Integer.getInteger("mptcplab.engineNice", 5);

    /** A new session from the same spec (same seed, same pictures). */
    @Override
    public Session restarted() {
        return new EmulatedSession(spec, new SampleStore(store.windowNanos(), store.byteBudget()));
    }

    private void check(int i) {
        if (i < 0 || i >= settings.size()) {
            throw new IllegalArgumentException("there is no path " + (i + 1) + " (the session has " + settings.size() + ")");
        }
    }

    private void run(Runnable r) {
        if (driver != null) {
            driver.submit(() -> {
                r.run();
                publish();
            });
        } else {
            r.run();
            net.drainAll();
            publish();
        }
    }

    private void publishSoon() {
        if (driver != null) {
            driver.submit(this::publish);
        } else {
            publish();
        }
    }

    private void doPathDown(int i, boolean silent, String why) {
        if (status[i] != PathStatus.UP) {
            return;
        }
        paths.get(i).setUp(false);
        if (i == 0 && tcpPath != null) {
            tcpPath.setUp(false);
        }
        status[i] = silent ? PathStatus.DOWN_SILENT : PathStatus.DOWN_SIGNALLED;
        if (!silent) {
            MptcpStack c = flows.get(0).client;
            long now = net.now();
            c.run(now, () -> c.removeAddress(now, clientAddressIds[i]));
        }
        netEvent(i, silent ? "PATH_BLACKHOLE" : "PATH_DOWN", settings.get(i).name()
                + (silent ? " silently drops everything (black hole), " : " went down (link down, signalled), ") + why);
    }

    private void doPathUp(int i, String why) {
        if (status[i] == PathStatus.UP) {
            return;
        }
        boolean wasSignalled = status[i] == PathStatus.DOWN_SIGNALLED;
        paths.get(i).setUp(true);
        if (i == 0 && tcpPath != null) {
            tcpPath.setUp(true);
        }
        status[i] = PathStatus.UP;
        if (wasSignalled) {
            MptcpStack c = flows.get(0).client;
            long now = net.now();
            c.run(now, () -> c.restoreAddress(now, clientAddressIds[i]));
        }
        netEvent(i, "PATH_UP", settings.get(i).name() + " is back up, " + why);
    }

    private void netEvent(int path, String kind, String detail) {
        store.add(new Samples.Event(net.now(), -1, "network", kind, -1, detail));
    }

    private static final java.util.regex.Pattern RTO_DETAIL = java.util.regex.Pattern.compile("RTO (\\d+) ms, backoff (\\d+)");

    private void event(int flow, String host, ProtocolEvent e) {
        store.add(new Samples.Event(e.timeNanos(), flow, host, e.kind().name(), e.subflowId(), e.detail()));
        Flow f = flows.get(flow);
        if (e.kind() == ProtocolEvent.Kind.RTO && host.equals(f.server.name()) && e.detail() != null) {
            // The sender's timer (the duration in the event) went off; it is doubled for the next
            // try (RFC 6298 5.5, at most 60 s, 2.5). A stalled player is waiting for exactly that
            // try; the window says so.
            java.util.regex.Matcher m = RTO_DETAIL.matcher(e.detail());
            if (m.find()) {
                long next = Math.min(2 * Long.parseLong(m.group(1)), 60_000L) * 1_000_000L;
                f.nextRetransmissionAt = e.timeNanos() + next;
                f.backoff = Integer.parseInt(m.group(2)) + 1;
            }
        }
    }

    // ------------------------------------------------------------------ recording

    private org.mptcplab.stack.capture.PcapngWriter recording;
    private org.mptcplab.stack.emu.PacketListener recorder;
    private java.nio.file.Path recordingFile;
    private volatile String recordingProblem;

    /**
     * Starts recording every packet of every path, as sent, to a pcapng file: one interface per
     * path (named after it) and one for the TCP comparison, timestamps in virtual nanoseconds.
     * Runs on the engine's thread; a failure to create the file is thrown here.
     */
    @Override
    public void startRecording(java.nio.file.Path file) throws java.io.IOException {
        awaitFile(onEngine(this::run, () -> {
            doStartRecording(file);
            return null;
        }), "the engine did not start the recording");
    }

    private void doStartRecording(java.nio.file.Path file) throws java.io.IOException {
        if (recording != null) {
            throw new IllegalStateException("a recording runs already (to " + recordingFile + ")");
        }
        org.mptcplab.stack.capture.PcapngWriter w = org.mptcplab.stack.capture.PcapngWriter.create(file, "MPTCP Lab")
                .limit(RECORDING_LIMIT_BYTES);
        java.util.Map<Path, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            ids.put(paths.get(i), w.addInterface(org.mptcplab.stack.capture.LinkType.RAW, settings.get(i).name()));
        }
        if (tcpPath != null) {
            ids.put(tcpPath, w.addInterface(org.mptcplab.stack.capture.LinkType.RAW, flows.get(1).name));
        }
        recording = w;
        recordingFile = file;
        recordingProblem = null;
        // The writer copies each datagram into its buffer at once: arrays may be reused.
        recorder = net.addListener(org.mptcplab.stack.emu.PacketListener.copying((t, d, event, data) -> {
            if (event != org.mptcplab.stack.emu.PacketListener.PacketEvent.SENT || recording == null) {
                return;
            }
            try {
                recording.write(ids.get(d.path()), t, data, 0, data.length);
                if (recording.limitReached() && recordingProblem == null) {
                    recordingProblem = "the recording reached " + (RECORDING_LIMIT_BYTES >> 20) + " MiB and stopped growing";
                }
            } catch (java.io.IOException e) {
                // A failed write ends the recording and says why; the run goes on.
                recordingProblem = "writing " + recordingFile.getFileName() + " failed: " + e.getMessage();
                closeRecording();
            }
        }));
    }

    /**
     * Stops the recording and closes its file.
     *
     * @return packets written, or -1 if none was running
     * @throws java.io.IOException if the file could not be completed
     */
    @Override
    public long stopRecording() throws java.io.IOException {
        return awaitFile(onEngine(this::run, this::finishRecording), "the engine did not stop the recording");
    }

    /** On the engine: closes the recording; packets written, -1 if none ran. */
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
        if (recorder != null) {
            net.removeListener(recorder);
            recorder = null;
        }
        org.mptcplab.stack.capture.PcapngWriter w = recording;
        recording = null;
        if (w == null) {
            return null;
        }
        try {
            w.close();
        } catch (java.io.IOException e) {
            recordingProblem = "closing " + recordingFile.getFileName() + " failed: " + e.getMessage();
        }
        return recordingProblem;
    }

    /** Whether a recording runs (it may have stopped by itself: see {@link #recordingProblem}). */
    @Override
    public boolean isRecording() {
        return recording != null;
    }

    /** Why the recording stopped or stopped growing, or null. */
    @Override
    public String recordingProblem() {
        return recordingProblem;
    }

    // ------------------------------------------------------------------ running

    /** Starts the engine's thread at {@code speed} virtual seconds per wall second. */
    @Override
    public synchronized void start(double speed) {
        if (driver != null) {
            throw new IllegalStateException("the session runs already");
        }
        setSpeed(speed);
        driver = new RealTimeDriver(net, speed);
        // Below the UI's threads: frames first; the network slips when the cores run short.
        driver.onThreadStart(() -> ThreadNice.lower(ENGINE_NICE));
        driver.start();
    }

    /** Headless: runs {@code nanos} of virtual time on the caller's thread, as fast as it goes. */
    @Override
    public void runFor(long nanos) {
        if (driver != null) {
            throw new IllegalStateException("the session runs on its own thread");
        }
        net.runUntil(net.now() + nanos);
        publish();
    }

    @Override
    public long slips() {
        RealTimeDriver d = driver;
        return d == null ? 0 : d.slips();
    }

    @Override
    public boolean isPaused() {
        return driver != null && driver.isPaused();
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.stop();
        }
        // The engine has stopped: finish a recording here, so that the file is complete.
        closeRecording();
    }

    /**
     * The MPTCP connection's MPTcpExt-style counters that are not zero, of the client or the
     * server. Read from any thread: the counters are plain longs, so a frame may see one that is
     * a packet old, never a broken one.
     */
    @Override
    public java.util.Map<org.mptcplab.stack.observe.Mib, Long> counters(boolean server) {
        Flow f = flows.get(0);
        java.util.Map<org.mptcplab.stack.observe.Mib, Long> all = (server ? f.server : f.client).observer().counters();
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

    /** The latest published state; never null. Safe from any thread, never blocks. */
    @Override
    public State state() {
        return state.get();
    }

    // ------------------------------------------------------------------ sampling

    private void sampleAndReschedule() {
        sample();
        net.schedule(net.now() + SAMPLE_NANOS, this::sampleAndReschedule);
    }

    private void sample() {
        long now = net.now();
        for (int i = 0; i < paths.size(); i++) {
            // Server to client: the direction the traffic goes.
            pathBps[i] = pathRates[i].add(now, paths.get(i).bToA().counters().sentBytes());
        }
        for (Flow f : flows) {
            MptcpSocket s = f.sender();
            if (s != null) {
                ConnectionSnapshot c = s.snapshot();
                for (SubflowSnapshot sf : c.subflows()) {
                    // A closed subflow is sampled once, as closed: the connection keeps every
                    // subflow it had, and an outage loop makes one more every 12 s; sampling them
                    // all would fill the store with copies of the dead (and its byte budget
                    // would then hold only seconds of history).
                    if (sf.state() == org.mptcplab.stack.mptcp.SubflowState.CLOSED) {
                        if (!f.closedSampled.add(sf.id())) {
                            continue;
                        }
                        f.sendRates.remove(sf.id());
                    }
                    double sendBps = f.sendRates.computeIfAbsent(sf.id(), k -> new RateWindow()).add(now, sf.bytesSent());
                    store.add(new Samples.Subflow(now, f.index, sf.id(), f.index == 0 ? sf.iface() : 0, sf.state(),
                            sf.backup(), sf.cwnd(), sf.ssthresh(), sf.srttNanos(), sf.rttvarNanos(), sf.bytesInFlight(),
                            sendBps, sf.bytesSent(), sf.bytesRetransmitted(), sf.congestionControl(), sf.coupled(),
                            sf.increasePerRtt()));
                }
            }
            long delivered = f.traffic.delivered();
            f.goodputBps = f.goodput.add(now, delivered);
            ConnectionSnapshot c = s == null ? null : s.snapshot();
            store.add(new Samples.Flow(now, f.index, f.goodputBps, delivered, c == null ? 0 : c.sendBufferUsed(),
                    c == null ? 0 : c.receiveBufferUsed(), f.traffic.bufferSeconds(now), f.traffic.state(now),
                    f.traffic.stalls(now), f.traffic.stalledNanos(now)));
        }
        publish();
    }

    private void publish() {
        long now = net.now();
        List<PathState> ps = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            ps.add(new PathState(i, settings.get(i), status[i], status[i] == PathStatus.UP ? pathBps[i] : 0));
        }
        List<FlowState> fs = new ArrayList<>();
        for (Flow f : flows) {
            MptcpSocket s = f.sender();
            ConnectionSnapshot c = s == null ? null : s.snapshot();
            fs.add(new FlowState(f.index, f.name, c == null ? List.of() : shown(c.subflows()), f.traffic.delivered(), f.goodputBps,
                    f.traffic.bufferSeconds(now), f.traffic.state(now), f.traffic.stalls(now), f.traffic.stalledNanos(now),
                    c != null && c.fallback(), c == null ? "CONNECTING" : c.state(),
                    f.nextRetransmissionAt > now ? f.nextRetransmissionAt : -1, f.backoff));
        }
        Throwable failure = driver == null ? null : driver.failure();
        state.set(new State(now, isPaused(), speed, List.copyOf(ps), List.copyOf(fs),
                flows.get(0).client.observer().eventsTotal() + flows.get(0).server.observer().eventsTotal(),
                failure == null ? null : failure.toString()));
    }
}

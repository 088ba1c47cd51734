package org.mptcplab.app.viewmodel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.mptcplab.app.session.SampleStore;
import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.session.PathSettings;

/**
 * The emulated lab as the window shows it: the running {@link Session}, its paths and flows as
 * view models, the event log, and the connection's commands (pause, step, speed, restart,
 * policies, the demo's outage loop, exports). Plain Java: javafx.beans only, no controls and no FX
 * thread, so it is tested without a display.
 *
 * <p>{@link #refresh} is the frame: the window calls it once per pulse; it reads the session's
 * published state (a volatile snapshot, never a lock held by the engine) and the events added
 * since the last frame. Commands go to the session, which runs them on its engine's thread.
 */
public final class LabViewModel implements AutoCloseable {
    /** The speed steps of the selector and of the +/- keys. */
    public static final List<Double> SPEEDS = List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0);
    /** What the stack offers today; the policies issue adds to these lists. */
    public static final List<String> CONGESTION_CONTROLS = org.mptcplab.stack.cc.CongestionControls.NAMES;
    public static final List<String> SCHEDULERS = org.mptcplab.stack.sched.Schedulers.NAMES;
    /** The scenario picker's names: the demo and the policies issue's scenarios. */
    public static final List<String> SCENARIOS = org.mptcplab.app.session.ScenarioPresets.names();
    public static final List<String> PATH_MANAGERS = org.mptcplab.stack.pm.PathManagers.NAMES;
    static final int MAX_EVENTS = 400;

    private final boolean realTime;
    private Session session;
    private final ObservableList<PathViewModel> paths = FXCollections.observableArrayList();
    /** The scheduler's recent decisions per subflow, for the path cards' words. */
    private final SchedulingWindow scheduling = new SchedulingWindow();
    private final ObservableList<FlowViewModel> flows = FXCollections.observableArrayList();
    private final ObservableList<EventLine> events = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper clock = new ReadOnlyStringWrapper(this, "clock", "");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper paused = new ReadOnlyBooleanWrapper(this, "paused");
    private final ReadOnlyDoubleWrapper speed = new ReadOnlyDoubleWrapper(this, "speed", 1);
    private final ReadOnlyObjectWrapper<Session.State> state = new ReadOnlyObjectWrapper<>(this, "state");
    private final ReadOnlyObjectWrapper<SessionSpec> spec = new ReadOnlyObjectWrapper<>(this, "spec");
    private final BooleanProperty flapLoop = new SimpleBooleanProperty(this, "flapLoop", true);
    private final ReadOnlyBooleanWrapper recording = new ReadOnlyBooleanWrapper(this, "recording");
    /** A moment every view shows (an event clicked in the log), or -1: follow the run. */
    private final ReadOnlyObjectWrapper<Session.Kind> kind = new ReadOnlyObjectWrapper<>(this, "kind", Session.Kind.EMULATED);
    private final javafx.beans.property.ReadOnlyLongWrapper focus = new javafx.beans.property.ReadOnlyLongWrapper(this, "focus", -1);
    private long eventsSeen;
    private long generationSeen;
    /** The engine's slips seen, and until when (wall) the status says it runs behind. */
    private long slipsSeen;
    private long behindUntil;

    /**
     * @param realTime true: the session runs on its own thread paced to the wall clock (the app);
     *                 false: nothing runs until the caller advances {@link #session()} (tests)
     */
    public LabViewModel(SessionSpec spec, boolean realTime) {
        this.realTime = realTime;
        focus.addListener((o, a, t) -> {
            if (t.longValue() < 0) {
                stallDetail.set("");
            }
        });
        flapLoop.addListener((o, a, on) -> session.setFlapLoop(on));
        open(Objects.requireNonNull(spec, "spec"));
    }

    private void open(SessionSpec s) {
        open(s, kind.get());
    }

    private void open(SessionSpec s, Session.Kind k) {
        if (k == Session.Kind.REPLAY) {
            k = Session.Kind.EMULATED; // a spec is emulated: a replay opens through replayCapture
        }
        session = k == Session.Kind.LIVE_LAB ? new org.mptcplab.app.session.LiveSession(s, new SampleStore())
                : Session.emulated(s, new SampleStore());
        kind.set(k);
        adopt(s);
        if (realTime || k == Session.Kind.LIVE_LAB) {
            // A live session always runs at real time (there is nothing to step by hand).
            session.start(k == Session.Kind.LIVE_LAB ? 1 : speed.get());
        }
        refresh();
    }

    /** The view models follow a new session's spec: its paths, a fresh event log. */
    private void adopt(SessionSpec s) {
        session.setFlapLoop(flapLoop.get());
        spec.set(s);
        eventsSeen = 0;
        generationSeen = session.store().generation();
        slipsSeen = 0;
        events.clear();
        if (paths.size() != s.paths().size()) {
            List<PathViewModel> list = new ArrayList<>();
            for (int i = 0; i < s.paths().size(); i++) {
                list.add(new PathViewModel(i, this::session));
            }
            paths.setAll(list);
        }
    }

    /**
     * Runs the current spec live: the window's lab is made (namespace, veths, the kernel's MPTCP
     * as the video server) on a thread of the session's, and the same views show real packets.
     * At most {@value org.mptcplab.app.lab.Lab#MAX_PATHS} paths; the TCP comparison stays emulated
     * only (the live lab carries the MPTCP connection).
     */
    public void startLive() {
        if (kind.get() == Session.Kind.LIVE_LAB) {
            return;
        }
        SessionSpec s = currentSpec();
        if (s.paths().size() > org.mptcplab.app.lab.Lab.MAX_PATHS) {
            say("The live lab has at most " + org.mptcplab.app.lab.Lab.MAX_PATHS + " paths; this spec has " + s.paths().size());
            return;
        }
        emulatedSpec = s;
        // The live lab carries the MPTCP connection only: no emulated TCP player beside it.
        replace(s.withSinglePathTcp(false), Session.Kind.LIVE_LAB);
        say("Starting the live lab: namespace " + org.mptcplab.app.lab.Lab.WINDOW_SERVER_NS + ", one veth pair per path,"
                + " the Linux kernel's MPTCP as the video server");
    }

    /** Back to the emulated run of the same spec; the live lab is removed (in the background). */
    public void stopLive() {
        if (!isLive()) {
            return;
        }
        SessionSpec back = emulatedSpec != null ? emulatedSpec.withPaths(currentSpec().paths()) : spec.get();
        replace(back, Session.Kind.EMULATED);
        say("The live lab is being removed; back to the emulated run");
    }

    private void replace(SessionSpec s, Session.Kind k) {
        focus.set(-1);
        Session old = session;
        closeInBackground(old);
        open(s, k);
        recording.set(false);
    }

    /** The spec the emulated run had before the live lab (with its TCP comparison). */
    private SessionSpec emulatedSpec;

    private final java.util.List<Thread> closing = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A live session's close removes its lab (a second or two of `ip` commands): never on the FX thread. */
    private void closeInBackground(Session old) {
        if (old.kind() != Session.Kind.LIVE_LAB) {
            old.close();
            return;
        }
        Thread t = new Thread(old::close, "live-lab-close");
        t.setDaemon(false);
        closing.add(t);
        t.start();
    }

    /** What runs the session: emulated or the live lab. */
    public ReadOnlyObjectProperty<Session.Kind> kindProperty() {
        return kind.getReadOnlyProperty();
    }

    /** Whether the session runs on real packets (the live lab or real interfaces). */
    public boolean isLive() {
        return kind.get() == Session.Kind.LIVE_LAB || kind.get() == Session.Kind.LIVE_INTERFACES;
    }

    /** Whether a capture is replayed. */
    public boolean isReplay() {
        return kind.get() == Session.Kind.REPLAY;
    }

    // ------------------------------------------------------------------ replay

    private final ReadOnlyDoubleWrapper loadProgress = new ReadOnlyDoubleWrapper(this, "loadProgress", -1);
    private final ReadOnlyStringWrapper loadText = new ReadOnlyStringWrapper(this, "loadText", "");
    private final ObservableList<String> replayConnections = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<List<org.mptcplab.app.replay.ReplayIndex.Stall>> bookmarks =
            new ReadOnlyObjectWrapper<>(this, "bookmarks", List.of());
    private final javafx.beans.property.ReadOnlyIntegerWrapper replayConnection =
            new javafx.beans.property.ReadOnlyIntegerWrapper(this, "replayConnection", -1);
    private volatile java.util.concurrent.atomic.AtomicBoolean loading;
    /** The spec and kind the lab had before the replay, to go back to. */
    private SessionSpec beforeReplay;

    /**
     * Reads {@code file} on a thread of its own and, once it is read, replays its MPTCP
     * connection with the most data (the others are in {@link #replayConnections()}). Meanwhile
     * {@link #loadProgressProperty()} goes from 0 to 1 and {@link #loadTextProperty()} says how
     * far; the window stays responsive, and {@link #cancelLoad()} stops the reading. A file that
     * is no capture, or holds no MPTCP, is said in the message line (and {@code done} gets it), and
     * the lab stays as it was.
     */
    public void openCapture(Path file, java.util.function.Consumer<String> done) {
        Objects.requireNonNull(file, "file");
        if (loading != null) {
            loading.set(true);
        }
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        loading = cancel;
        loadProgress.set(0);
        loadText.set("Reading " + file.getFileName() + "...");
        // The run the capture will replace waits meanwhile: the reading gets the CPU it would take.
        Session before = session;
        boolean resumeAfter = !isLive() && !before.isPaused();
        if (resumeAfter) {
            before.pause();
        }
        long startedAt = System.nanoTime();
        Thread t = new Thread(() -> {
            // Below the window's threads: on a busy machine the reading takes longer, the frames stay smooth.
            org.mptcplab.app.session.ThreadNice.lower(10);
            org.mptcplab.app.replay.ReplayIndex x;
            String failure = null;
            try {
                x = org.mptcplab.app.replay.ReplayIndex.load(file, (read, size, n) -> onFx(() -> {
                    if (loading == cancel) {
                        loadProgress.set(size <= 0 ? 0 : (double) read / size);
                        loadText.set(String.format(Locale.ROOT, "Reading %s: %,d packets, %.0f%% (Esc cancels)",
                                file.getFileName(), n, size <= 0 ? 0 : 100.0 * read / size));
                    }
                }), cancel);
            } catch (org.mptcplab.stack.capture.CaptureFormatException e) {
                x = null;
                failure = file.getFileName() + " cannot be replayed: " + e.getMessage();
            } catch (RuntimeException | OutOfMemoryError e) {
                x = null;
                failure = file.getFileName() + " cannot be replayed: " + e;
            }
            org.mptcplab.app.replay.ReplayIndex index = x;
            String why = failure;
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            onFx(() -> {
                if (loading != cancel) {
                    return; // another file was opened meanwhile
                }
                loading = null;
                String answer = why != null ? why : cancel.get() ? "Reading " + file.getFileName() + " was cancelled"
                        : adoptCapture(index, seconds);
                if (session == before && resumeAfter) {
                    before.resume(); // nothing replaced it
                }
                say(answer);
                loadText.set("");
                loadProgress.set(-1);
                if (done != null) {
                    done.accept(answer);
                }
            });
        }, "capture-reader");
        t.setDaemon(true);
        t.start();
    }

    /** Stops the reading of a capture, if one is being read. */
    public void cancelLoad() {
        java.util.concurrent.atomic.AtomicBoolean c = loading;
        if (c != null) {
            c.set(true);
        }
    }

    public boolean isLoading() {
        return loading != null;
    }

    /** Replays connection 0.. of a read capture, or says why it cannot. */
    private String adoptCapture(org.mptcplab.app.replay.ReplayIndex x, double seconds) {
        var a = x.analysis();
        String name = x.file().getFileName().toString();
        if (a.nothingReadable()) {
            return name + " holds nothing readable"
                    + (a.captureErrors().isEmpty() ? "" : ": " + a.captureErrors().get(0));
        }
        if (!a.hasMptcp()) {
            return String.format(Locale.ROOT, "%s has no MPTCP connection (%,d packets, %d TCP connections): nothing to replay",
                    name, a.packets(), a.tcpConnections());
        }
        // The connection with the most data first: in a capture of a phone, the one that matters.
        int best = 0;
        long most = -1;
        List<String> names = new ArrayList<>();
        for (var c : a.connections()) {
            long b = c.toServer().bytes() + c.toClient().bytes();
            if (b > most) {
                most = b;
                best = c.index();
            }
            names.add(org.mptcplab.app.replay.ReplaySession.describe(c));
        }
        replayConnections.setAll(names);
        replayCapture(new org.mptcplab.app.replay.ReplaySession(x, best, new SampleStore()));
        String damage = a.captureErrorCount() > 0 || !a.readToEnd()
                ? String.format(Locale.ROOT, "; the file is damaged (%d errors%s), the rest was read", a.captureErrorCount(),
                a.readToEnd() ? "" : ", reading stopped at offset " + a.stoppedAt()) : "";
        return String.format(Locale.ROOT, "Opened %s: %,d packets read in %.1f s, %d MPTCP connection%s%s; playing at %s (Space pauses)",
                name, a.packets(), seconds, a.connections().size(), a.connections().size() == 1 ? "" : "s", damage,
                Format.speed(speed.get()));
    }

    /** Replays {@code replay} in place of the running session (which is closed). */
    public void replayCapture(org.mptcplab.app.replay.ReplaySession replay) {
        if (!isReplay()) {
            beforeReplay = isLive() ? (emulatedSpec != null ? emulatedSpec : spec.get()) : currentSpec();
        }
        focus.set(-1);
        closeInBackground(session);
        recording.set(false);
        session = replay;
        kind.set(Session.Kind.REPLAY);
        adopt(replay.spec());
        replayConnection.set(replay.connection());
        bookmarks.set(replay.bookmarks());
        speed.set(org.mptcplab.app.replay.ReplaySession.startSpeed(replay.durationNanos()));
        if (realTime) {
            // It plays at once, slowly enough to follow (Space pauses).
            session.start(speed.get());
            session.resume();
        } else {
            session.setSpeed(speed.get());
        }
        refresh();
    }

    /** Another connection of the capture being replayed, from its start. */
    public void chooseConnection(int c) {
        if (!(session instanceof org.mptcplab.app.replay.ReplaySession r) || c == r.connection()) {
            return;
        }
        if (c < 0 || c >= r.index().analysis().connections().size()) {
            throw new IllegalArgumentException("the capture has connections 0 to "
                    + (r.index().analysis().connections().size() - 1) + ", not " + c);
        }
        replayCapture(r.withConnection(c));
        say("Connection " + org.mptcplab.app.replay.ReplaySession.describe(r.index().analysis().connections().get(c)));
    }

    /** Back from the replay to the emulated run it replaced. */
    public void stopReplay() {
        if (!isReplay()) {
            return;
        }
        SessionSpec back = beforeReplay != null ? beforeReplay : SessionSpec.demo();
        replace(back, Session.Kind.EMULATED);
        say("Back to the emulated run");
    }

    /** Moves the replay's playhead to {@code t} (the scrubber); the views follow. */
    public void seek(long t) {
        if (session instanceof org.mptcplab.app.replay.ReplaySession r) {
            focus.set(-1);
            r.seek(t);
        }
    }

    /**
     * Shows stall {@code s} (a bookmark): the playhead stops half a second after it ends, so that
     * every view holds what each subflow did before, during and after it; the views mark its start.
     */
    public void showStall(org.mptcplab.app.replay.ReplayIndex.Stall s) {
        if (!(session instanceof org.mptcplab.app.replay.ReplaySession r)) {
            return;
        }
        r.pause();
        r.seek(s.endNanos() + 500_000_000L);
        focus.set(s.startNanos());
        stallDetail.set(String.format(Locale.ROOT, "Stall at %.3f s, %.0f ms: %s", s.startNanos() / 1e9,
                s.durationNanos() / 1e6, String.join("  \u00b7  ", r.aroundStall(s))));
        say(String.format(Locale.ROOT, "Stall at %.3f s: %s", s.startNanos() / 1e9, org.mptcplab.app.replay.ReplayIndex.stallWords(s)));
    }

    /** While paused: back one packet (replay only). */
    public void stepBack() {
        if (session instanceof org.mptcplab.app.replay.ReplaySession r) {
            r.pause();
            r.stepBack();
        } else {
            say("Step back: only a replay can go back in time");
        }
    }

    /** The capture's duration, 0 outside a replay. */
    public long replayDurationNanos() {
        return session instanceof org.mptcplab.app.replay.ReplaySession r ? r.durationNanos() : 0;
    }

    private final ReadOnlyStringWrapper stallDetail = new ReadOnlyStringWrapper(this, "stallDetail", "");

    /** What each subflow did around the bookmark shown (one line), empty when none is. */
    public ReadOnlyStringProperty stallDetailProperty() {
        return stallDetail.getReadOnlyProperty();
    }

    /** The reading's progress, 0 to 1; -1 while no capture is being read. */
    public ReadOnlyDoubleProperty loadProgressProperty() {
        return loadProgress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty loadTextProperty() {
        return loadText.getReadOnlyProperty();
    }

    /** The replayed capture's MPTCP connections, one line each (index, token, version, subflows, bytes). */
    public ObservableList<String> replayConnections() {
        return replayConnections;
    }

    /** The connection replayed (its index in {@link #replayConnections()}), -1 outside a replay. */
    public javafx.beans.property.ReadOnlyIntegerProperty replayConnectionProperty() {
        return replayConnection.getReadOnlyProperty();
    }

    /** The replayed connection's stalls, longest first picked, in time order. */
    public ReadOnlyObjectProperty<List<org.mptcplab.app.replay.ReplayIndex.Stall>> bookmarksProperty() {
        return bookmarks.getReadOnlyProperty();
    }

    /**
     * Runs the spec's traffic on real interfaces against any MPTCP server, as {@code connect
     * --iface} does: {@code interfaces} in its syntax, space-separated ({@code IF=ADDR/PREFIX[,gw=GW]}
     * or {@code IF=host}), {@code server} as {@code ADDR:PORT}. The interfaces are resolved off
     * the FX thread (an {@code IF=host} asks the kernel); a bad value comes back to {@code
     * refused} with what is wrong, and nothing starts.
     */
    public void startLiveOnInterfaces(String interfaces, String server, java.util.function.Consumer<String> refused) {
        if (isLive()) {
            refused.accept("A live session runs already: stop it first");
            return;
        }
        SessionSpec base = currentSpec();
        Thread t = new Thread(() -> {
            try {
                String[] hp = org.mptcplab.app.session.LiveEngine.splitHostPort(server.trim());
                org.mptcplab.stack.wire.IpAddress addr;
                try {
                    addr = org.mptcplab.stack.wire.IpAddress.parse(hp[0]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("server '" + server.trim() + "': " + e.getMessage(), e);
                }
                int port = org.mptcplab.app.session.LiveEngine.parsePort("server '" + server.trim() + "'", hp[1]);
                List<org.mptcplab.app.session.LiveEngine.Interface> list = new ArrayList<>();
                for (String item : interfaces.trim().split("\\s+")) {
                    if (item.isEmpty()) {
                        continue;
                    }
                    if (!item.contains("=")) {
                        throw new IllegalArgumentException("interface '" + item + "': give IF=ADDR/PREFIX (e.g. eth0=192.168.1.20/24)"
                                + " or IF=host (share the kernel's address)");
                    }
                    list.add(item.endsWith("=host")
                            ? org.mptcplab.app.session.LiveEngine.hostIface(item.substring(0, item.length() - 5),
                                    addr.byteLength() == 16, org.mptcplab.app.lab.Lab.run("ip", "-j", "addr", "show", "dev",
                                            item.substring(0, item.length() - 5)).output())
                            : org.mptcplab.app.session.LiveEngine.parseIface(item));
                }
                if (list.isEmpty()) {
                    throw new IllegalArgumentException("give at least one interface, e.g. eth0=192.168.1.20/24");
                }
                if (list.size() > SessionSpec.MAX_PATHS) {
                    throw new IllegalArgumentException("at most " + SessionSpec.MAX_PATHS + " interfaces");
                }
                List<PathSettings> paths = new ArrayList<>();
                for (var f : list) {
                    paths.add(new PathSettings(f.name(), 0, 0, 0, 0, false));
                }
                SessionSpec s = base.withPaths(paths).withSinglePathTcp(false).withFlap(0, 0);
                org.mptcplab.app.session.LiveSession session = org.mptcplab.app.session.LiveSession.onInterfaces(s, new SampleStore(),
                        list, addr, port);
                onFx(() -> {
                    emulatedSpec = base;
                    focus.set(-1);
                    closeInBackground(this.session);
                    this.session = session;
                    kind.set(Session.Kind.LIVE_INTERFACES);
                    adopt(s);
                    session.start(1);
                    refresh();
                    say("Live on " + list.stream().map(org.mptcplab.app.session.LiveEngine.Interface::name).toList()
                            + " to " + server.trim());
                });
            } catch (IllegalArgumentException e) {
                onFx(() -> refused.accept(e.getMessage()));
            }
        }, "live-interfaces");
        t.setDaemon(true);
        t.start();
    }

    private static final String REAL_TIME = "The live lab runs at real time: the kernel does not pause, step or speed up";

    private boolean refuseLive(String what) {
        if (isLive()) {
            say(what + ": " + REAL_TIME);
            return true;
        }
        return false;
    }

    /** The frame: takes the session's latest state into the properties. Call on the FX thread. */
    public void refresh() {
        Session.State st = session.state();
        state.set(st);
        List<String> pathNames = st.paths().stream().map(p -> p.settings().name()).toList();
        List<String> flowNames = st.flows().stream().map(Session.FlowState::name).toList();
        var mptcpSubflows = st.flows().isEmpty() ? List.<org.mptcplab.stack.mptcp.SubflowSnapshot>of() : st.flows().get(0).subflows();
        var recent = scheduling.update(st.nowNanos(), mptcpSubflows);
        for (int i = 0; i < paths.size() && i < st.paths().size(); i++) {
            paths.get(i).update(st.paths().get(i), mptcpSubflows, recent);
        }
        while (flows.size() < st.flows().size()) {
            flows.add(new FlowViewModel());
        }
        if (flows.size() > st.flows().size() && !st.flows().isEmpty()) {
            flows.remove(st.flows().size(), flows.size());
        }
        boolean bulk = spec.get().traffic().kind() == org.mptcplab.app.session.TrafficSpec.Kind.BULK;
        for (int i = 0; i < st.flows().size(); i++) {
            flows.get(i).update(st.flows().get(i), st.nowNanos());
            flows.get(i).setBulk(bulk);
        }
        compare(st);
        long generation = session.store().generation();
        if (generation != generationSeen) {
            // The store was emptied (a replay's playhead jumped): the log starts over from what it holds.
            generationSeen = generation;
            eventsSeen = 0;
            events.clear();
        }
        List<Samples.Event> fresh = session.store().eventsAfter(eventsSeen);
        eventsSeen = session.store().eventsAdded();
        if (!fresh.isEmpty()) {
            // Oldest first into a list kept newest first, so the latest is where the eye is. A line
            // that repeats one of the newest run of repeatable lines (the same subflow timing out
            // again; client and server take turns while a path is dead) replaces it at the top.
            java.util.ArrayDeque<EventLine> lines = new java.util.ArrayDeque<>(fresh.size());
            for (Samples.Event e : fresh) {
                // The comparison flow's retransmissions are its routine, and its timeouts are told by
                // its player ("next retransmission in ..."): the log keeps MPTCP's story readable.
                if (e.flow() > 0 && (e.kind().equals("FAST_RETRANSMIT") || e.kind().equals("RTO"))) {
                    continue;
                }
                EventLine line = EventLine.of(e, flowNames, pathNames, st);
                EventLine match = line.foldKey() == null ? null : foldTarget(lines, line);
                if (match != null) {
                    lines.removeFirstOccurrence(match);
                } else if (line.foldKey() != null && lines.stream().allMatch(l -> l.foldKey() != null)) {
                    match = foldTarget(events, line);
                    if (match != null) {
                        events.remove(match);
                    }
                }
                lines.addFirst(match != null ? match.fold(line) : line);
            }
            List<EventLine> add = new ArrayList<>(lines);
            events.addAll(0, add.size() > MAX_EVENTS ? add.subList(0, MAX_EVENTS) : add);
            if (events.size() > MAX_EVENTS) {
                events.remove(MAX_EVENTS, events.size());
            }
        }
        if (recording.get() && !session.isRecording()) {
            // It stopped by itself (a failed write): say why.
            recording.set(false);
            say("The recording stopped: " + session.recordingProblem());
        }
        paused.set(st.paused());
        speed.set(st.speed());
        clock.set(String.format(Locale.ROOT, "t = %.1f s", st.nowNanos() / 1e9));
        StringBuilder sb = new StringBuilder(session instanceof org.mptcplab.app.replay.ReplaySession r
                ? "Replay of " + r.index().file().getFileName() + String.format(Locale.ROOT, " (%.3f of %.3f s)",
                st.nowNanos() / 1e9, r.durationNanos() / 1e9)
                : kind.get() == Session.Kind.LIVE_LAB ? "Live lab (the Linux kernel in "
                + org.mptcplab.app.lab.Lab.WINDOW_SERVER_NS + ", real packets on mlw1.." + st.paths().size() + ")"
                : kind.get() == Session.Kind.LIVE_INTERFACES ? "Live on real interfaces" : "Emulated");
        if (session instanceof org.mptcplab.app.session.LiveSession l && !l.phase().equals("running")) {
            sb.append("  \u00b7  ").append(l.phase());
        }
        if (!st.flows().isEmpty()) {
            Session.FlowState f = st.flows().get(0);
            long open = f.subflows().stream().filter(sf -> sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED).count();
            sb.append("  \u00b7  MPTCP ").append(f.connectionState().toLowerCase(Locale.ROOT)).append(", ")
                    .append(open).append(open == 1 ? " subflow" : " subflows").append(" established");
        }
        sb.append(isLive() ? "  \u00b7  real time" : "  \u00b7  speed " + Format.speed(st.speed())).append(st.paused() ? "  \u00b7  PAUSED" : "");
        if (!isReplay()) {
            sb.append("  \u00b7  seed ").append(spec.get().seed());
        }
        long slips = session.slips();
        if (slips > slipsSeen) {
            slipsSeen = slips;
            behindUntil = System.nanoTime() + 2_000_000_000L;
        }
        if (System.nanoTime() < behindUntil) {
            sb.append("  \u00b7  running behind: this machine cannot run it at ").append(Format.speed(st.speed()));
        }
        if (st.failure() != null) {
            sb.append(isLive() ? "  \u00b7  " : "  \u00b7  engine stopped: ").append(st.failure());
        }
        status.set(sb.toString());
    }

    // ------------------------------------------------------------------ commands

    /**
     * Moves every view to the moment {@code tNanos} (an event clicked in the log): the run pauses
     * there, the ladder and the data-sequence graph centre on it, the charts mark it. Resuming
     * follows the run again.
     */
    public void focusOn(long tNanos) {
        if (realTime && !isLive() && !session.isPaused()) {
            session.pause();
        }
        focus.set(Math.max(0, tNanos));
        say(String.format(java.util.Locale.ROOT, isLive() ? "Showing t = %.3f s (the live run goes on; Space follows it again)"
                : "Showing t = %.3f s (paused; Space resumes and follows the run)", tNanos / 1e9));
    }

    /** Back to following the run. */
    public void follow() {
        focus.set(-1);
    }

    public javafx.beans.property.ReadOnlyLongProperty focusProperty() {
        return focus.getReadOnlyProperty();
    }

    public void togglePause() {
        if (isLive()) {
            if (focus.get() >= 0) {
                focus.set(-1);
                say("Following the live run");
            } else {
                say("Pause: " + REAL_TIME);
            }
            return;
        }
        if (session.isPaused()) {
            focus.set(-1);
            session.resume();
            say("Running");
        } else {
            session.pause();
            say("Paused: Step (.) moves to the next event");
        }
    }

    /** While paused: the next event (a packet arriving, a timer firing). */
    public void step() {
        if (refuseLive("Step")) {
            return;
        }
        if (!session.isPaused() && realTime) {
            session.pause();
        }
        session.step();
    }

    public void setSpeed(double s) {
        if (s != 1 && refuseLive("Speed " + Format.speed(s))) {
            return;
        }
        session.setSpeed(s);
        speed.set(s);
    }

    public void faster() {
        if (refuseLive("Faster")) {
            return;
        }
        setSpeed(SPEEDS.stream().filter(v -> v > speed.get() + 1e-9).findFirst().orElse(SPEEDS.get(SPEEDS.size() - 1)));
        say("Speed " + Format.speed(speed.get()));
    }

    public void slower() {
        if (refuseLive("Slower")) {
            return;
        }
        double s = SPEEDS.get(0);
        for (double v : SPEEDS) {
            if (v < speed.get() - 1e-9) {
                s = v;
            }
        }
        setSpeed(s);
        say("Speed " + Format.speed(speed.get()));
    }

    /** The same spec again from t = 0: same seed, same pictures. */
    public void restart() {
        if (session instanceof org.mptcplab.app.replay.ReplaySession r) {
            r.seek(r.startNanos());
            focus.set(-1);
            say(r.startNanos() > 0 ? String.format(Locale.ROOT, "Back to the connection's start (%.3f s into the capture)",
                    r.startNanos() / 1e9) : "Back to the capture's start");
            return;
        }
        restart(spec.get());
        say("Restarted with seed " + spec.get().seed());
    }

    private void restart(SessionSpec s) {
        focus.set(-1);
        boolean wasRecording = session.isRecording();
        Session old = session;
        closeInBackground(old);
        if (kind.get() == Session.Kind.LIVE_INTERFACES) {
            // The same interfaces and server again (the spec alone does not say them).
            session = old.restarted();
            adopt(old.spec());
            session.start(1);
            refresh();
        } else {
            open(s);
        }
        recording.set(false);
        if (wasRecording) {
            say("The recording was finished with the old run; start a new one for this run");
        }
    }

    /**
     * Starts recording the run to a pcapng file (every packet of every path, one interface per
     * path). Blocks for the engine's next loop (milliseconds): call it off the FX thread.
     */
    public void startRecording(Path file) throws IOException {
        session.startRecording(file);
        onFx(() -> {
            recording.set(true);
            say("Recording to " + file.getFileName());
        });
    }

    /** Stops the recording; says how many packets it holds, or why it failed. Off the FX thread, as start. */
    public long stopRecording() throws IOException {
        long n = session.stopRecording();
        String why = session.recordingProblem();
        onFx(() -> {
            recording.set(false);
            say(n < 0 ? "No recording was running" : "Recorded " + n + " packets" + (why == null ? "" : " (" + why + ")"));
        });
        return n;
    }

    private java.util.concurrent.Executor fx = Runnable::run;

    /**
     * Where property changes made by commands that run off the FX thread go: the app passes
     * Platform::runLater; tests, which have no FX thread, keep the default (run at once).
     */
    public void setFxExecutor(java.util.concurrent.Executor executor) {
        fx = Objects.requireNonNull(executor, "executor");
    }

    /** Runs {@code r} where the properties may change (the FX thread in the app). */
    public void onFx(Runnable r) {
        fx.execute(r);
    }

    public ReadOnlyBooleanProperty recordingProperty() {
        return recording.getReadOnlyProperty();
    }

    /**
     * A congestion-control or scheduler change takes effect in the running connection (the
     * subflows keep their windows; the log says when); a path-manager change restarts the run
     * with the same seed (its joins are made at the start).
     */
    public void setPolicies(String cc, String scheduler, String pm) {
        if (isReplay()) {
            throw new IllegalArgumentException("a capture's policies are the hosts' own: they cannot be changed in a replay");
        }
        if (kind.get() == Session.Kind.LIVE_INTERFACES) {
            throw new IllegalArgumentException("stop the live session on real interfaces first: its policies are set when it starts");
        }
        check("congestion control", cc, CONGESTION_CONTROLS);
        check("scheduler", scheduler, SCHEDULERS);
        check("path manager", pm, org.mptcplab.stack.pm.PathManagers.ACCEPTED); // "none" is "manual"
        SessionSpec s = spec.get();
        if (s.congestionControl().equals(cc) && s.scheduler().equals(scheduler) && s.pathManager().equals(pm)) {
            return;
        }
        if (!s.pathManager().equals(pm)) {
            restart(s.withPolicies(cc, scheduler, pm));
            say("Restarted with " + cc + ", " + scheduler + ", " + pm + " (a path manager acts from the start)");
            return;
        }
        spec.set(s.withPolicies(cc, scheduler, pm));
        session.switchPolicies(cc, scheduler).whenComplete(sayOrUndo(s));
    }

    /**
     * For a command of the running session whose spec change was shown at once: says what was
     * done, or puts {@code before} back and says why it could not be.
     */
    private java.util.function.BiConsumer<String, Throwable> sayOrUndo(SessionSpec before) {
        return (done, failure) -> fx.execute(() -> {
            if (failure != null) {
                Throwable why = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                spec.set(before);
                say("Cannot: " + why.getMessage());
            } else {
                say(done);
            }
        });
    }

    /** How far back the flows' comparison looks: long enough to smooth a sawtooth, short enough to follow a cc switch. */
    static final long COMPARE_NANOS = 5_000_000_000L;
    private final long[] cmpT = new long[256];
    private final long[] cmpMptcp = new long[256];
    private final long[] cmpTcp = new long[256];
    private int cmpHead;
    private int cmpSize;

    /**
     * With bulk traffic, MPTCP's goodput over the TCP comparison's, both over the last {@link #COMPARE_NANOS} (bytes
     * delivered in that span): the number a shared bottleneck is about (RFC 6356 goal 2: a
     * coupled controller takes about what one TCP flow would, an uncoupled one about twice).
     */
    private void compare(Session.State st) {
        if (st.flows().size() < 2) {
            return;
        }
        if (spec.get().traffic().kind() != org.mptcplab.app.session.TrafficSpec.Kind.BULK) {
            // A video runs at its bitrate whichever flow is faster: the players tell the story.
            flows.get(0).setComparison("");
            flows.get(1).setComparison("");
            return;
        }
        long now = st.nowNanos();
        if (cmpSize > 0 && now < cmpT[(cmpHead + cmpSize - 1) % cmpT.length]) {
            cmpSize = 0; // a restart: time went back
        }
        if (cmpSize == 0 || now > cmpT[(cmpHead + cmpSize - 1) % cmpT.length]) {
            int at = (cmpHead + cmpSize) % cmpT.length;
            if (cmpSize == cmpT.length) {
                cmpHead = (cmpHead + 1) % cmpT.length;
            } else {
                cmpSize++;
            }
            cmpT[at] = now;
            cmpMptcp[at] = st.flows().get(0).delivered();
            cmpTcp[at] = st.flows().get(1).delivered();
        }
        // The oldest sample within the span (the ring holds about 12 s at 20 Hz).
        int oldest = cmpHead;
        for (int k = 0; k < cmpSize; k++) {
            int i = (cmpHead + k) % cmpT.length;
            if (now - cmpT[i] <= COMPARE_NANOS) {
                oldest = i;
                break;
            }
        }
        int newest = (cmpHead + cmpSize - 1) % cmpT.length;
        long span = cmpT[newest] - cmpT[oldest];
        long dm = cmpMptcp[newest] - cmpMptcp[oldest];
        long dt = cmpTcp[newest] - cmpTcp[oldest];
        if (span < 1_000_000_000L || dm <= 0 && dt <= 0) {
            flows.get(0).setComparison("");
            flows.get(1).setComparison("");
            return;
        }
        String secs = Format.fixed(span / 1e9, 0);
        if (dt <= 0) {
            flows.get(0).setComparison("TCP got nothing in the last " + secs + " s");
            flows.get(1).setComparison("");
            return;
        }
        double ratio = (double) dm / dt;
        boolean shared = spec.get().bottleneckBps() > 0;
        flows.get(0).setComparison(Format.fixed(ratio, 2) + "\u00d7 TCP's goodput" + (shared ? " in the shared bottleneck" : "")
                + " (last " + secs + " s)");
        flows.get(1).setComparison(shared ? "coupled cc aims at 1\u00d7 (RFC 6356), uncoupled gets about 2\u00d7" : "");
    }

    /** Opportunistic retransmission and penalisation on or off in the running connection (emulated only). */
    public void setOpportunistic(boolean on) {
        if (kind.get() == Session.Kind.LIVE_INTERFACES) {
            throw new IllegalArgumentException("stop the live session on real interfaces first: its policies are set when it starts");
        }
        SessionSpec s = spec.get();
        if (s.opportunistic() == on) {
            return;
        }
        spec.set(s.withOpportunistic(on));
        session.setOpportunistic(on).whenComplete(sayOrUndo(s));
    }

    /**
     * Starts scenario {@code name} ({@link #SCENARIOS}) from t = 0 with the policies and seed
     * shown; emulated only (a live run's paths are real interfaces).
     */
    public void chooseScenario(String name) {
        if (isReplay()) {
            throw new IllegalArgumentException("the scenarios are emulated: close the replay first");
        }
        if (kind.get() != Session.Kind.EMULATED) {
            throw new IllegalArgumentException("the scenarios are emulated: stop the live run first");
        }
        org.mptcplab.app.session.ScenarioPresets.Preset p = org.mptcplab.app.session.ScenarioPresets.get(name);
        restart(org.mptcplab.app.session.ScenarioPresets.spec(name, spec.get()));
        say("Scenario " + name + ": " + p.about());
    }

    /** What scenario {@code name} shows, in a sentence; for a spec of no preset, says so. */
    public static String aboutScenario(String name) {
        return SCENARIOS.contains(name) ? org.mptcplab.app.session.ScenarioPresets.get(name).about()
                : "a spec of no preset (loaded from a file)";
    }

    /** The line {@code line} repeats among the newest run of repeatable lines of {@code newestFirst}, or null. */
    private static EventLine foldTarget(Iterable<EventLine> newestFirst, EventLine line) {
        for (EventLine l : newestFirst) {
            if (l.foldKey() == null) {
                return null;
            }
            if (l.foldsWith(line)) {
                return l;
            }
        }
        return null;
    }

    private static void check(String what, String value, List<String> valid) {
        if (!valid.contains(value)) {
            throw new IllegalArgumentException("unknown " + what + " '" + value + "' (valid: " + String.join(", ", valid) + ")");
        }
    }

    /** The spec with the paths' settings as they are now. */
    public SessionSpec currentSpec() {
        return spec.get().withPaths(session.state().paths().stream().map(Session.PathState::settings).toList());
    }

    /** Loads a spec saved by {@link #saveSpec} and starts it. */
    public void loadSpec(Path file) throws IOException {
        SessionSpec s;
        try {
            s = SessionSpec.fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
        restart(s);
        say("Loaded " + file.getFileName());
    }

    /** Saves the spec as the paths are now (edits and backup flags included), so that loading it gives this setup. */
    public void saveSpec(Path file) throws IOException {
        Files.writeString(file, currentSpec().toJson(), StandardCharsets.UTF_8);
        say("Saved the spec to " + file.getFileName());
    }

    /**
     * Writes what the store holds as CSV, one row per sample: subflow rows (cwnd, ssthresh,
     * srtt...) and flow rows (goodput, buffers, the player) in one table with a kind column.
     */
    public void exportCsv(Path file) throws IOException {
        SampleStore store = session.store();
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("kind,t_s,flow,subflow,path,state,backup,cwnd_bytes,ssthresh_bytes,srtt_ms,rttvar_ms,in_flight_bytes,"
                + "send_bps,goodput_bps,delivered_bytes,send_buffer_bytes,receive_buffer_bytes,player_buffer_s,player_state,stalls,"
                + "cc,cc_increase_per_rtt\n");
        for (Samples.Subflow s : store.subflowsSince(0)) {
            sb.append("subflow,").append(sec(s.t())).append(',').append(s.flow()).append(',').append(s.subflowId()).append(',')
                    .append(s.path()).append(',').append(s.state()).append(',').append(s.backup()).append(',').append(s.cwnd())
                    .append(',').append(s.ssthresh() == Long.MAX_VALUE || s.ssthresh() < 0 ? "" : s.ssthresh()).append(',')
                    .append(fmt(s.srttNanos() / 1e6)).append(',').append(fmt(s.rttvarNanos() / 1e6)).append(',')
                    .append(s.bytesInFlight()).append(',').append(fmt(s.sendBps())).append(",,,,,,,,")
                    .append(s.cc() == null ? "" : s.cc()).append(',')
                    .append(Double.isNaN(s.ccIncrease()) ? "" : fmt(s.ccIncrease())).append('\n');
        }
        for (Samples.Flow f : store.flowsSince(0)) {
            sb.append("flow,").append(sec(f.t())).append(',').append(f.flow()).append(",,,,,,,,,,,").append(fmt(f.goodputBps()))
                    .append(',').append(f.delivered()).append(',').append(f.sendBufferUsed()).append(',')
                    .append(f.receiveBufferUsed()).append(',').append(Double.isNaN(f.playerBufferS()) ? "" : fmt(f.playerBufferS()))
                    .append(',').append(f.playerState()).append(',').append(f.stalls()).append(",,\n");
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        say("Wrote " + file.getFileName());
    }

    private static String sec(long t) {
        return String.format(Locale.ROOT, "%.3f", t / 1e9);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    /** A short message for the status line (what a command did, or why it could not). */
    public void say(String text) {
        message.set(text);
    }

    /** Closes the session and waits for live labs being removed (the app's exit: their veths must go). */
    @Override
    public void close() {
        session.close();
        for (Thread t : closing) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ------------------------------------------------------------------ properties

    public Session session() {
        return session;
    }

    public boolean isRealTime() {
        return realTime;
    }

    public ObservableList<PathViewModel> paths() {
        return paths;
    }

    public ObservableList<FlowViewModel> flows() {
        return flows;
    }

    /** Newest first, at most {@value #MAX_EVENTS}. */
    public ObservableList<EventLine> events() {
        return events;
    }

    public ReadOnlyStringProperty clockProperty() {
        return clock.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty pausedProperty() {
        return paused.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty speedProperty() {
        return speed.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Session.State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SessionSpec> specProperty() {
        return spec.getReadOnlyProperty();
    }

    public BooleanProperty flapLoopProperty() {
        return flapLoop;
    }
}

package org.mptcplab.app.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.mptcplab.app.session.PathSettings;
import org.mptcplab.app.session.SampleStore;
import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.session.TrafficSpec;
import org.mptcplab.stack.analyze.ConnectionReport;
import org.mptcplab.stack.analyze.SubflowReport;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.mptcp.SubflowState;
import org.mptcplab.stack.observe.Mib;

/**
 * A capture replayed in the session layer: one MPTCP connection of a {@link ReplayIndex}, fed
 * into the {@link SampleStore} up to a playhead, so that every view of a running connection
 * (topology, charts, data-sequence graph, ladder, packets, the event log) shows the capture as it
 * was at that moment. The playhead plays at a speed, pauses, steps one packet, and jumps
 * ({@link #seek}); a jump back refills the store with what lies before the new playhead.
 *
 * <p>Paths are the connection's address pairs (client address, server address) in order of first
 * appearance: what a phone's WiFi and LTE look like in a capture. Nothing can be changed in a
 * capture: the path and policy commands say so.
 *
 * <p>The engine thread does all the work; commands leave their wish in a volatile field and the
 * engine takes it at its next turn (every 10 ms), so a dragged scrubber never waits.
 */
public final class ReplaySession extends Session {
    /** History put back into the store on a jump: the charts' longest window. */
    static final long BACKFILL_NANOS = 300_000_000_000L;
    /** Packets put back on a jump at most (the store's packet budget holds about 120,000). */
    static final int BACKFILL_PACKETS = 60_000;
    /** Log lines put back on a jump: the log keeps 400. */
    static final int BACKFILL_EVENTS = 400;
    private static final String READ_ONLY = "a capture is replayed as it was recorded: nothing in it can be changed";

    private final ReplayIndex index;
    private final int connection;
    private final ConnectionReport report;
    private final SampleStore store;
    private final SessionSpec spec;
    /** Which direction is the data's: 1 server to client. */
    private final int dataDir;
    private final Map<Integer, Integer> pathOfSubflow = new HashMap<>();
    private final List<String> captions = new ArrayList<>();
    private final List<Samples.Event> events;
    /** Where the connection starts to show: its first packet, less {@link #START_LEAD_NANOS}. */
    private final long start;
    static final long START_LEAD_NANOS = 50_000_000L;

    private final Object lock = new Object();
    private long playhead;
    /** Everything up to this time is in the store; -1: nothing yet. */
    private long fedTo = -1;
    private int packetPos;
    private int samplePos;
    private int flowPos;
    private int eventPos;
    private final Map<Integer, Samples.Subflow> latest = new LinkedHashMap<>();
    private Samples.Flow latestFlow;
    private volatile long seekTo = -1;
    private volatile int stepBy;
    private volatile boolean paused = true;
    private volatile double speed = 1;
    private volatile State state;
    private Thread engine;
    private volatile boolean closed;
    /** Paused or speed changed since the last publication (the engine publishes it). */
    private volatile boolean changed = true;

    public ReplaySession(ReplayIndex index, int connection, SampleStore store) {
        this.index = index;
        this.connection = connection;
        this.report = index.analysis().connections().get(connection);
        this.store = store;
        this.dataDir = report.toClient().bytes() >= report.toServer().bytes() ? 1 : 0;
        this.events = index.events(connection);
        this.spec = specOf(report, pathOfSubflow, captions);
        // A capture often holds other traffic first (ARP, another connection): the playhead starts
        // just before this connection's first packet.
        long first = index.firstPacketNanos(connection);
        this.start = first > START_LEAD_NANOS ? first - START_LEAD_NANOS : 0;
        if (start > 0) {
            jump(start);
        }
        publish();
    }

    /** Paths of a connection: its address pairs, at most {@link SessionSpec#MAX_PATHS} (the rest share the last). */
    private static SessionSpec specOf(ConnectionReport c, Map<Integer, Integer> pathOf, List<String> captions) {
        Map<String, Integer> pairs = new LinkedHashMap<>();
        List<PathSettings> paths = new ArrayList<>();
        for (SubflowReport s : c.subflows()) {
            // The connection's client end first, whoever opened the subflow.
            String client = (s.reversed() ? s.serverAddress() : s.clientAddress()).toString();
            String server = (s.reversed() ? s.clientAddress() : s.serverAddress()).toString();
            String key = client + " \u21c4 " + server;
            Integer p = pairs.get(key);
            if (p == null) {
                if (paths.size() < SessionSpec.MAX_PATHS) {
                    p = paths.size();
                    pairs.put(key, p);
                    paths.add(new PathSettings(client, 0, 0, 0, 0, s.clientBackup() || s.serverBackup()));
                    captions.add("to " + server + (s.rttNanos() > 0
                            ? String.format(Locale.ROOT, "  \u00b7  RTT %.0f ms (median)", s.rttNanos() / 1e6) : ""));
                } else {
                    p = SessionSpec.MAX_PATHS - 1;
                    captions.set(p, "other address pairs");
                }
            }
            pathOf.put(s.index(), p);
        }
        if (paths.isEmpty()) {
            paths.add(new PathSettings("unknown", 0, 0, 0, 0, false));
            captions.add("no subflow");
        }
        return new SessionSpec(paths, TrafficSpec.bulk(), "capture", "capture", "capture", 0, false, 0, 0,
                "replay", List.of(), 0, false);
    }

    public ReplayIndex index() {
        return index;
    }

    public int connection() {
        return connection;
    }

    public ConnectionReport report() {
        return report;
    }

    /**
     * The speed a replay starts at: slow enough that the capture lasts at least 10 s on screen
     * (a 1.6 s handover plays in 16 s at 0.1x), at most 1x.
     */
    public static double startSpeed(long durationNanos) {
        double want = durationNanos / 10e9;
        double best = org.mptcplab.app.viewmodel.LabViewModel.SPEEDS.get(0);
        for (double v : org.mptcplab.app.viewmodel.LabViewModel.SPEEDS) {
            if (v <= want + 1e-9 && v <= 1) {
                best = v;
            }
        }
        return best;
    }

    /** Where the playhead starts (and Restart goes): just before the connection's first packet. */
    public long startNanos() {
        return start;
    }

    /** The capture's duration: the playhead's range is 0 to this. */
    public long durationNanos() {
        return index.durationNanos();
    }

    /**
     * What each subflow did around stall {@code s}, one line per subflow: from the second before
     * it to its end, in the data's direction, the segments and bytes it sent, how many of them were
     * retransmissions and reinjections, and when it sent last before the stall ended (a dead path
     * goes quiet; the path that takes over carries the reinjections).
     */
    public List<String> aroundStall(ReplayIndex.Stall s) {
        long from = s.startNanos() - 1_000_000_000L;
        Map<Integer, long[]> per = new LinkedHashMap<>();
        for (SubflowReport r : report.subflows()) {
            per.put(r.index(), new long[] {0, 0, 0, 0, -1, 0});
        }
        int n = index.packetCount();
        for (int pos = index.firstPacketAt(Math.max(0, from)); pos < n; pos++) {
            int k = index.at(pos);
            long t = index.pt[k];
            if (t > s.endNanos()) {
                break;
            }
            if (index.pconn[k] != connection || (index.pbits[k] & 1) != dataDir) {
                continue;
            }
            long[] c = per.computeIfAbsent(index.psub[k], x -> new long[] {0, 0, 0, 0, -1, 0});
            if (index.plen[k] > 0) {
                c[0]++;
                c[1] += index.plen[k];
                c[2] += (index.pbits[k] & 2) != 0 ? 1 : 0;
                c[3] += (index.pbits[k] & 4) != 0 ? 1 : 0;
                c[4] = t;
                if (t >= s.startNanos()) {
                    c[5] += index.plen[k];
                }
            }
        }
        List<String> out = new ArrayList<>();
        per.forEach((sub, c) -> {
            int path = pathOfSubflow.getOrDefault(sub, 0);
            String name = spec.paths().get(path).name();
            if (c[0] == 0) {
                out.add(String.format(Locale.ROOT, "subflow %d (%s): sent nothing from 1 s before the stall to its end", sub, name));
                return;
            }
            out.add(String.format(Locale.ROOT, "subflow %d (%s): %d segments, %s (%s in the stall), %d retransmitted, %d reinjected; last sent %s",
                    sub, name, c[0], org.mptcplab.app.viewmodel.Format.bytes(c[1]), org.mptcplab.app.viewmodel.Format.bytes(c[5]),
                    c[2], c[3], c[4] < s.startNanos()
                            ? String.format(Locale.ROOT, "%.0f ms before the stall began", (s.startNanos() - c[4]) / 1e6)
                            : String.format(Locale.ROOT, "%.0f ms into it", (c[4] - s.startNanos()) / 1e6)));
        });
        return out;
    }

    /** The stalls to bookmark: the longest of the data direction, in time order. */
    public List<ReplayIndex.Stall> bookmarks() {
        return index.bookmarks(connection, dataDir);
    }

    @Override
    public Kind kind() {
        return Kind.REPLAY;
    }

    @Override
    public boolean dataToClient() {
        return dataDir == 1;
    }

    @Override
    public String pathCaption(int i) {
        return i < captions.size() ? captions.get(i) : null;
    }

    // ------------------------------------------------------------------ the playhead

    /** Moves the playhead to {@code t} (clamped to the capture); the views follow at the engine's next turn. */
    public void seek(long t) {
        seekTo = Math.max(0, Math.min(durationNanos(), t));
        if (engine == null) {
            pump(0);
        }
    }

    public long playhead() {
        synchronized (lock) {
            return playhead;
        }
    }

    @Override
    public void pause() {
        paused = true;
        publishLater();
    }

    @Override
    public void resume() {
        if (playheadAtEnd()) {
            // At the end, Play starts again from the beginning, as a player does.
            seek(start);
        }
        paused = false;
        publishLater();
    }

    private boolean playheadAtEnd() {
        return state.nowNanos() >= durationNanos();
    }

    /** While paused: to the next packet of the connection (its time), and no more. */
    @Override
    public void step() {
        stepBy++;
        if (engine == null) {
            pump(0);
        }
    }

    /** While paused: back to the previous packet of the connection. */
    public void stepBack() {
        stepBy--;
        if (engine == null) {
            pump(0);
        }
    }

    @Override
    public void setSpeed(double s) {
        if (!(s >= MIN_SPEED && s <= MAX_SPEED)) {
            throw new IllegalArgumentException("speed must be " + MIN_SPEED + " to " + MAX_SPEED + ", not " + s);
        }
        speed = s;
        publishLater();
    }

    @Override
    public void start(double s) {
        setSpeed(s);
        engine = new Thread(this::loop, "replay-engine");
        engine.setDaemon(true);
        engine.start();
    }

    private void loop() {
        // Below the window's threads, as the emulated engine: the frames first.
        org.mptcplab.app.session.ThreadNice.lower(10);
        long last = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long wall = now - last;
            last = now;
            pump(paused ? 0 : (long) (Math.min(wall, 250_000_000L) * speed));
        }
    }

    /** Headless: plays {@code nanos} of capture time on the caller's thread. */
    @Override
    public void runFor(long nanos) {
        boolean was = paused;
        paused = false;
        pump(nanos);
        paused = was;
        publish();
    }

    /** One turn: a pending jump or step, then {@code advance} of capture time. */
    private void pump(long advance) {
        synchronized (lock) {
            boolean moved = false;
            long target = seekTo;
            if (target >= 0) {
                seekTo = -1;
                jump(target);
                moved = true;
            }
            int steps = stepBy;
            if (steps != 0) {
                stepBy = 0;
                stepPackets(steps);
                moved = true;
            }
            // Playing with nothing to advance still shows what lies at the playhead (a capture whose
            // packets share one timestamp lasts 0 s).
            if (advance > 0 || !paused && fedTo < playhead) {
                long to = Math.min(durationNanos(), playhead + advance);
                feed(to);
                playhead = to;
                if (to >= durationNanos()) {
                    paused = true;
                }
                moved = true;
            }
            // A paused replay's engine still turns every 10 ms: it publishes only what changed.
            if (moved || changed) {
                changed = false;
                publish();
            }
        }
    }

    private void stepPackets(int steps) {
        int n = index.packetCount();
        long to = playhead;
        if (steps > 0) {
            int pos = index.firstPacketAt(fedTo + 1);
            int found = 0;
            for (; pos < n; pos++) {
                if (index.pconn[index.at(pos)] == connection && ++found == steps) {
                    to = index.pt[index.at(pos)];
                    break;
                }
            }
            if (found < steps) {
                to = durationNanos();
            }
            feed(to);
            playhead = to;
        } else {
            int pos = index.firstPacketAt(playhead) - 1;
            int found = 0;
            to = 0;
            for (; pos >= 0; pos--) {
                if (index.pconn[index.at(pos)] == connection && --found == steps) {
                    to = index.pt[index.at(pos)];
                    break;
                }
            }
            jump(to);
        }
    }

    /** The store emptied and refilled with what lies before {@code t}, then the playhead there. */
    private void jump(long t) {
        store.clear();
        latest.clear();
        latestFlow = null;
        long from = Math.max(0, t - BACKFILL_NANOS);
        samplePos = ReplayIndex.firstAt(index.st, index.samples, from);
        flowPos = ReplayIndex.firstAt(index.ft, index.flowSamples, from);
        int firstAtT = index.firstPacketAt(t + 1);
        packetPos = Math.max(index.firstPacketAt(from), firstAtT - BACKFILL_PACKETS);
        int lastEvent = 0;
        while (lastEvent < events.size() && events.get(lastEvent).t() <= t) {
            lastEvent++;
        }
        eventPos = Math.max(0, lastEvent - BACKFILL_EVENTS);
        feed(t);
        playhead = t;
    }

    /** Puts everything of the connection up to {@code to} into the store. */
    private void feed(long to) {
        int n = index.packetCount();
        while (packetPos < n) {
            int k = index.at(packetPos);
            if (index.pt[k] > to) {
                break;
            }
            if (index.pconn[k] == connection) {
                store.add(index.packet(packetPos, pathOfSubflow.getOrDefault(index.psub[k], 0)));
            }
            packetPos++;
        }
        while (samplePos < index.samples && index.st[samplePos] <= to) {
            int i = samplePos++;
            if (index.sconn[i] != connection || (index.sbits[i] & 1) != dataDir) {
                continue;
            }
            int sub = index.ssub[i];
            Samples.Subflow s = new Samples.Subflow(index.st[i], 0, sub, pathOfSubflow.getOrDefault(sub, 0),
                    ReplayIndex.stateOf(index.sbits[i]), (index.sbits[i] & 2) != 0, index.scwnd[i], -1,
                    Math.max(0, index.srtt[i]), 0, index.sflight[i], index.sbps[i], index.ssent[i], index.sretrans[i],
                    null, false, Double.NaN);
            store.add(s);
            latest.put(sub, s);
        }
        while (flowPos < index.flowSamples && index.ft[flowPos] <= to) {
            int i = flowPos++;
            if (index.fconn[i] != connection || index.fdir[i] != dataDir) {
                continue;
            }
            Samples.Flow f = new Samples.Flow(index.ft[i], 0, index.fbps[i], index.fdelivered[i], 0, 0, Double.NaN,
                    "receiving", 0, 0);
            store.add(f);
            latestFlow = f;
        }
        while (eventPos < events.size() && events.get(eventPos).t() <= to) {
            store.add(events.get(eventPos++));
        }
        fedTo = to;
    }

    private void publishLater() {
        changed = true;
        if (engine == null) {
            publish();
        }
        // Otherwise the engine publishes at its next turn.
    }

    private void publish() {
        synchronized (lock) {
            List<SubflowSnapshot> subs = new ArrayList<>(latest.size());
            double[] pathBps = new double[spec.paths().size()];
            boolean[] pathOpen = new boolean[spec.paths().size()];
            boolean anyOpen = false;
            for (Samples.Subflow s : latest.values()) {
                SubflowReport r = subflowReport(s.subflowId());
                subs.add(snapshot(s, r));
                if (s.state() != SubflowState.CLOSED) {
                    pathBps[s.path()] += s.sendBps();
                    pathOpen[s.path()] = true;
                    anyOpen = true;
                }
            }
            List<PathState> paths = new ArrayList<>();
            for (int i = 0; i < spec.paths().size(); i++) {
                boolean seen = false;
                for (Samples.Subflow s : latest.values()) {
                    seen |= s.path() == i;
                }
                paths.add(new PathState(i, spec.paths().get(i), !seen || pathOpen[i] ? PathStatus.UP : PathStatus.CLOSED,
                        pathBps[i]));
            }
            Samples.Flow f = latestFlow;
            String connState = latest.isEmpty() ? "NOT_STARTED" : anyOpen ? "ESTABLISHED" : "CLOSED";
            FlowState flow = new FlowState(0, "MPTCP", subs, f == null ? 0 : f.delivered(), f == null ? 0 : f.goodputBps(),
                    Double.NaN, "receiving", 0, 0, report.fallback() != null, connState, -1, 0);
            state = new State(playhead, paused, speed, paths, List.of(flow), store.eventsAdded(), null);
        }
    }

    private SubflowReport subflowReport(int index) {
        for (SubflowReport r : report.subflows()) {
            if (r.index() == index) {
                return r;
            }
        }
        return null;
    }

    /** A subflow as the path cards take it, from what the capture showed of its data's sender. */
    private SubflowSnapshot snapshot(Samples.Subflow s, SubflowReport r) {
        boolean senderIsSubflowClient = (dataDir == 0) != (r != null && r.reversed());
        String local = r == null ? "?" : (senderIsSubflowClient ? r.clientAddress() : r.serverAddress()).toString();
        String remote = r == null ? "?" : (senderIsSubflowClient ? r.serverAddress() : r.clientAddress()).toString();
        int lp = r == null ? 0 : senderIsSubflowClient ? r.clientPort() : r.serverPort();
        int rp = r == null ? 0 : senderIsSubflowClient ? r.serverPort() : r.clientPort();
        int lid = r == null ? -1 : senderIsSubflowClient ? r.clientAddressId() : r.serverAddressId();
        int rid = r == null ? -1 : senderIsSubflowClient ? r.serverAddressId() : r.clientAddressId();
        return new SubflowSnapshot(s.subflowId(), local, lp, remote, rp, s.path(), s.state(), s.backup(), lid, rid,
                s.cwnd(), -1, s.srttNanos(), 0, 0, s.bytesInFlight(), s.bytesSent(), 0, s.bytesRetransmitted(), 0, 0, 0,
                0, 0, null, null, null, false, Double.NaN, org.mptcplab.stack.sched.SchedulingCounts.NONE);
    }

    /** One line about the connection, for the picker and the status bar. */
    public static String describe(ConnectionReport c) {
        long bytes = c.toServer().bytes() + c.toClient().bytes();
        return String.format(Locale.ROOT, "#%d  token %s  v%s  %d subflow%s  %s%s%s", c.index(),
                c.token() < 0 ? "unknown" : String.format("%08x", c.token()), c.version() < 0 ? "?" : c.version(),
                c.subflows().size(), c.subflows().size() == 1 ? "" : "s",
                org.mptcplab.app.viewmodel.Format.bytes(bytes), c.complete() ? "" : "  (started before the capture)",
                c.fallback() != null ? "  (fell back to TCP)" : "");
    }

    // ------------------------------------------------------------------ what a capture cannot do

    @Override
    public void pathDown(int i, boolean silent) {
        throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public void pathUp(int i) {
        throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public void setLink(int i, PathSettings p) {
        throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public void setBackup(int i, boolean backup) {
        throw new UnsupportedOperationException(READ_ONLY);
    }

    @Override
    public CompletableFuture<String> addSubflow(int i) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(READ_ONLY));
    }

    @Override
    public CompletableFuture<String> removeSubflow(int i) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(READ_ONLY));
    }

    @Override
    public Session restarted() {
        return new ReplaySession(index, connection, new SampleStore());
    }

    /** The same capture, another of its connections. */
    public ReplaySession withConnection(int c) {
        return new ReplaySession(index, c, new SampleStore());
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void startRecording(java.nio.file.Path file) throws java.io.IOException {
        throw new java.io.IOException("a replay records nothing: the capture is the recording (" + index.file() + ")");
    }

    @Override
    public long stopRecording() {
        return -1;
    }

    @Override
    public boolean isRecording() {
        return false;
    }

    @Override
    public String recordingProblem() {
        return null;
    }

    @Override
    public Map<Mib, Long> counters(boolean server) {
        return Map.of();
    }

    @Override
    public SessionSpec spec() {
        return spec;
    }

    @Override
    public SampleStore store() {
        return store;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public void close() {
        closed = true;
        if (engine != null) {
            engine.interrupt();
        }
    }
}

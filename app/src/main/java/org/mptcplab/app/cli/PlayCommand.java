package org.mptcplab.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.stack.decode.PacketFormat;
import org.mptcplab.stack.mptcp.SubflowSnapshot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code play}: the window's session, headless. Runs a session spec (the demo, or one saved from
 * the window's Export menu) in virtual time as fast as it goes, on the same session layer as the
 * window, so the same spec gives the same run here and there; reports each flow (the video
 * player's stalls, goodput, subflows) and can write the samples as CSV and the packets as pcapng.
 */
@Command(name = "play", mixinStandardHelpOptions = true,
        description = {"Runs a session spec of the window (the demo when no SPEC is given) headless, in",
            "virtual time, on the window's own session layer: the same spec gives the same run.",
            "Reports each flow: bytes delivered, goodput, the video player's stalls, subflows."},
        footer = {"", "Example: play --for 60s --csv samples.csv --pcapng run.pcapng",
            "         play --capture demo-captures/handover.pcap --csv handover.csv   (a capture replayed,",
            "         as the window's Replay: the subflows' time series as CSV)",
            "", "Exit status: 0 done, 1 a file could not be written (or a capture cannot be replayed),",
            "2 bad arguments (or a spec that cannot be read: the message says which field and why;",
            "or a --connection the capture does not have)."})
public final class PlayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "a session spec (JSON) saved by the window")
    Path specFile;

    @Option(names = "--for", paramLabel = "TIME", description = "virtual time to run (default 30s; a capture: to its end)")
    String duration;

    @Option(names = "--capture", paramLabel = "FILE", description = {"replay this pcap/pcapng capture instead of a spec, as the",
        "window's Replay does: its MPTCP connection with the most data, from just before its first packet"})
    Path capture;

    @Option(names = "--connection", paramLabel = "N", description = "with --capture: replay the capture's connection N (as analyze numbers them)")
    Integer connection;

    @Option(names = "--csv", paramLabel = "FILE", description = "write the samples as CSV (the window's Export, Samples as CSV)")
    Path csv;

    @Option(names = "--pcapng", paramLabel = "FILE", description = "record every packet of every path to FILE, an interface per path")
    Path pcapng;

    @Option(names = "--json", description = "one JSON object instead of the text report")
    boolean json;

    @Option(names = "--live", description = {"run the spec in the window's live lab instead (root, kernel MPTCP):",
        "the kernel's MPTCP sends the traffic over real veth pairs, for --for of real time; the lab is",
        "removed at the end (and by its watcher if this process dies)"})
    boolean live;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (capture != null) {
            return replay(out, err);
        }
        if (connection != null) {
            err.println("play: --connection needs --capture");
            return 2;
        }
        long nanos;
        try {
            nanos = SimulateCommand.durationOption("--for", duration == null ? "30s" : duration);
            if (nanos <= 0) {
                throw new IllegalArgumentException("--for '" + duration + "' must be above 0 (e.g. 30s)");
            }
        } catch (IllegalArgumentException e) {
            err.println("play: " + e.getMessage());
            return 2;
        }
        SessionSpec s;
        if (specFile == null) {
            s = SessionSpec.demo();
        } else {
            try {
                s = SessionSpec.fromJson(Files.readString(specFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("play: cannot read the spec " + specFile + ": " + IoErrors.reason(e));
                return 2;
            } catch (IllegalArgumentException e) {
                err.println("play: the spec " + specFile + " is not a session spec: " + e.getMessage());
                return 2;
            }
        }
        if (live) {
            return playLive(s, nanos, out, err);
        }
        try (LabViewModel lab = new LabViewModel(s, false)) {
            Session session = lab.session();
            long packets = recorded(session, () -> session.runFor(nanos), err);
            if (packets == FAILED) {
                return 1;
            }
            if (csv != null) {
                try {
                    lab.exportCsv(csv);
                } catch (IOException e) {
                    err.println("play: cannot write " + csv + ": " + IoErrors.reason(e));
                    return 1;
                }
            }
            report(out, s, session, packets);
        }
        return 0;
    }

    /** {@code --capture}: the window's replay session, headless. */
    private int replay(PrintWriter out, PrintWriter err) {
        if (specFile != null || live || pcapng != null) {
            err.println("play: --capture replays a capture; it takes no SPEC, --live or --pcapng (the capture is the recording)");
            return 2;
        }
        long nanos = -1;
        if (duration != null) {
            try {
                nanos = SimulateCommand.durationOption("--for", duration);
                if (nanos <= 0) {
                    throw new IllegalArgumentException("--for '" + duration + "' must be above 0 (e.g. 30s)");
                }
            } catch (IllegalArgumentException e) {
                err.println("play: " + e.getMessage());
                return 2;
            }
        }
        org.mptcplab.app.replay.ReplayIndex x;
        try {
            x = org.mptcplab.app.replay.ReplayIndex.load(capture, null, null);
        } catch (org.mptcplab.stack.capture.CaptureFormatException e) {
            err.println("play: " + capture + " cannot be replayed: " + e.getMessage());
            return 1;
        }
        var a = x.analysis();
        if (!a.hasMptcp()) {
            err.println("play: " + capture + " has no MPTCP connection (" + a.packets() + " packets): nothing to replay");
            return 1;
        }
        int c = 0;
        if (connection != null) {
            if (connection < 0 || connection >= a.connections().size()) {
                err.println("play: --connection " + connection + ": the capture has connections 0 to " + (a.connections().size() - 1));
                return 2;
            }
            c = connection;
        } else {
            long most = -1;
            for (var r : a.connections()) {
                long b = r.toServer().bytes() + r.toClient().bytes();
                if (b > most) {
                    most = b;
                    c = r.index();
                }
            }
        }
        try (LabViewModel lab = new LabViewModel(SessionSpec.demo(), false)) {
            org.mptcplab.app.replay.ReplaySession r = new org.mptcplab.app.replay.ReplaySession(x, c, new org.mptcplab.app.session.SampleStore());
            lab.replayCapture(r);
            long start = r.startNanos();
            r.runFor(nanos < 0 ? r.durationNanos() - start : nanos);
            if (csv != null) {
                try {
                    lab.exportCsv(csv);
                } catch (IOException e) {
                    err.println("play: cannot write " + csv + ": " + IoErrors.reason(e));
                    return 1;
                }
            }
            Session.State st = r.state();
            List<org.mptcplab.app.replay.ReplayIndex.Stall> marks = r.bookmarks();
            if (json) {
                StringBuilder sb = new StringBuilder("{\"mode\":\"replay\",\"capture\":");
                PacketFormat.string(sb, capture.toString());
                sb.append(",\"connection\":").append(c).append(",\"from_s\":").append(fmt(start / 1e9))
                        .append(",\"to_s\":").append(fmt(st.nowNanos() / 1e9))
                        .append(",\"bytes_delivered\":").append(st.flows().get(0).delivered())
                        .append(",\"subflows\":[");
                List<SubflowSnapshot> subs = st.flows().get(0).subflows();
                for (int i = 0; i < subs.size(); i++) {
                    SubflowSnapshot sf = subs.get(i);
                    sb.append(i == 0 ? "" : ",").append("{\"id\":").append(sf.id()).append(",\"path\":");
                    PacketFormat.string(sb, r.spec().paths().get(sf.iface()).name());
                    sb.append(",\"state\":");
                    PacketFormat.string(sb, sf.state().name().toLowerCase(Locale.ROOT));
                    sb.append(",\"bytes_sent\":").append(sf.bytesSent()).append(",\"bytes_retransmitted\":")
                            .append(sf.bytesRetransmitted()).append('}');
                }
                sb.append("],\"stalls\":[");
                for (int i = 0; i < marks.size(); i++) {
                    var m = marks.get(i);
                    sb.append(i == 0 ? "" : ",").append("{\"start_s\":").append(fmt(m.startNanos() / 1e9))
                            .append(",\"duration_ms\":").append(fmt(m.durationNanos() / 1e6)).append('}');
                }
                sb.append("],\"events\":").append(r.store().eventsAdded()).append('}');
                out.println(sb);
                return 0;
            }
            out.printf(Locale.ROOT, "replayed %s, connection %s, from %.3f s to %.3f s of the capture%n", capture,
                    org.mptcplab.app.replay.ReplaySession.describe(r.report()).trim(), start / 1e9, st.nowNanos() / 1e9);
            Session.FlowState f = st.flows().get(0);
            out.printf(Locale.ROOT, "%,d bytes delivered (the data ACK's progress)%n", f.delivered());
            for (SubflowSnapshot sf : f.subflows()) {
                out.printf(Locale.ROOT, "subflow %d on %s: %s, %,d bytes sent, %,d retransmitted%n", sf.id(),
                        r.spec().paths().get(sf.iface()).name(), sf.state().name().toLowerCase(Locale.ROOT), sf.bytesSent(),
                        sf.bytesRetransmitted());
            }
            for (var m : marks) {
                out.printf(Locale.ROOT, "stall at %.3f s: %s%n", m.startNanos() / 1e9, org.mptcplab.app.replay.ReplayIndex.stallWords(m));
            }
            out.printf(Locale.ROOT, "%d events in the log%n", r.store().eventsAdded());
            if (csv != null) {
                out.printf(Locale.ROOT, "samples written to %s%n", csv);
            }
        }
        return 0;
    }

    /** The live lab, headless: the same session layer as the window's Live card, at real time. */
    private int playLive(SessionSpec s, long nanos, PrintWriter out, PrintWriter err) {
        List<String> missing = org.mptcplab.app.session.LiveSession.missing();
        if (!missing.isEmpty()) {
            err.println("play --live: the live lab needs " + String.join("; ", missing));
            return 1;
        }
        SessionSpec spec = s.withSinglePathTcp(false);
        try (org.mptcplab.app.session.LiveSession session = new org.mptcplab.app.session.LiveSession(spec,
                new org.mptcplab.app.session.SampleStore())) {
            session.start(1);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!session.phase().equals("running") && session.state().failure() == null && System.nanoTime() < deadline) {
                sleep(50);
            }
            if (session.state().failure() != null || !session.phase().equals("running")) {
                err.println("play --live: " + (session.state().failure() != null ? session.state().failure()
                        : "the lab did not start within 60 s (" + session.phase() + ")"));
                return 1;
            }
            long packets = recorded(session, () -> {
                long end = System.nanoTime() + nanos;
                while (System.nanoTime() < end && session.state().failure() == null) {
                    sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                }
            }, err);
            if (packets == FAILED) {
                return 1;
            }
            report(out, spec, session, packets);
            return session.state().failure() == null ? 0 : 1;
        }
    }

    /** {@link #recorded}'s answer when a file failed (what failed is said on stderr). */
    private static final long FAILED = Long.MIN_VALUE;

    /** Runs {@code run}, recorded to --pcapng if given: the packets written, -1 without a recording, or {@link #FAILED}. */
    private long recorded(Session session, Runnable run, PrintWriter err) {
        if (pcapng != null) {
            try {
                session.startRecording(pcapng);
            } catch (IOException e) {
                err.println("play: cannot record to " + pcapng + ": " + IoErrors.reason(e));
                return FAILED;
            }
        }
        run.run();
        if (pcapng == null) {
            return -1;
        }
        try {
            return session.stopRecording();
        } catch (IOException e) {
            err.println("play: the recording " + pcapng + " could not be completed: " + e.getMessage());
            return FAILED;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(PrintWriter out, SessionSpec s, Session session, long packets) {
        Session.State st = session.state();
        double seconds = st.nowNanos() / 1e9;
        if (json) {
            StringBuilder sb = new StringBuilder("{\"virtual_s\":").append(fmt(seconds)).append(",\"seed\":").append(s.seed())
                    .append(",\"flows\":[");
            for (int i = 0; i < st.flows().size(); i++) {
                Session.FlowState f = st.flows().get(i);
                sb.append(i == 0 ? "" : ",").append("{\"name\":");
                PacketFormat.string(sb, f.name());
                sb.append(",\"bytes_delivered\":").append(f.delivered())
                        .append(",\"goodput_bps\":").append(fmt(f.delivered() * 8 / Math.max(1e-9, seconds)))
                        .append(",\"fallback\":").append(f.fallback())
                        .append(",\"player_state\":");
                PacketFormat.string(sb, f.playerState());
                sb.append(",\"stalls\":").append(f.stalls())
                        .append(",\"stalled_ms\":").append(fmt(f.stalledNanos() / 1e6))
                        .append(",\"subflows_open\":").append(f.subflows().stream().filter(x -> x.state().synchronizedState()).count())
                        .append('}');
            }
            sb.append("],\"mode\":");
            PacketFormat.string(sb, session.kind().label());
            if (session.kind() != Session.Kind.EMULATED) {
                sb.append(",\"kernel_counters\":{");
                boolean first = true;
                for (var e : session.peerReport().counters().entrySet()) {
                    if (e.getValue() != 0) {
                        sb.append(first ? "" : ",");
                        PacketFormat.string(sb, e.getKey());
                        sb.append(':').append(e.getValue());
                        first = false;
                    }
                }
                sb.append('}');
            }
            sb.append(",\"events\":").append(session.store().eventsAdded())
                    .append(",\"pcapng_packets\":").append(packets < 0 ? "null" : String.valueOf(packets)).append('}');
            out.println(sb);
            return;
        }
        out.printf(Locale.ROOT, "played %.1f s of %s, seed %d, %d paths%n", seconds,
                session.kind() == Session.Kind.EMULATED ? "virtual time" : "real time in the live lab", s.seed(), s.paths().size());
        for (Session.FlowState f : st.flows()) {
            out.printf(Locale.ROOT, "%-14s %,d bytes delivered, %.2f Mbit/s on average%s%n", f.name(), f.delivered(),
                    f.delivered() * 8 / Math.max(1e-9, seconds) / 1e6, f.fallback() ? " (plain TCP)" : "");
            if (!Double.isNaN(f.playerBufferS())) {
                out.printf(Locale.ROOT, "%-14s player %s, %d %s, %.1f s frozen%n", "", f.playerState(), f.stalls(),
                        f.stalls() == 1 ? "stall" : "stalls", f.stalledNanos() / 1e9);
            }
            for (SubflowSnapshot sf : f.subflows()) {
                out.printf(Locale.ROOT, "%-14s subflow %d on %s: %s, %,d bytes sent%n", "", sf.id(),
                        sf.iface() < s.paths().size() && f.name().startsWith("MPTCP") ? s.paths().get(sf.iface()).name() : "its path",
                        sf.state().name().toLowerCase(Locale.ROOT), sf.bytesSent());
            }
        }
        long highlights = session.store().eventsSince(0).stream().filter(e -> e.flow() < 0).count();
        out.printf(Locale.ROOT, "%d protocol and network events (%d path changes)%n", session.store().eventsAdded(), highlights);
        if (packets >= 0) {
            out.printf(Locale.ROOT, "recorded %,d packets to %s%n", packets, pcapng);
        }
        if (csv != null) {
            out.printf(Locale.ROOT, "samples written to %s%n", csv);
        }
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}

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
            "", "Exit status: 0 done, 1 a file could not be written, 2 bad arguments (or a spec",
            "that cannot be read: the message says which field and why)."})
public final class PlayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "a session spec (JSON) saved by the window")
    Path specFile;

    @Option(names = "--for", paramLabel = "TIME", description = "virtual time to run (default 30s)")
    String duration = "30s";

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
        long nanos;
        try {
            nanos = SimulateCommand.durationOption("--for", duration);
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

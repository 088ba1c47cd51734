package org.mptcplab.app.session;

import java.util.ArrayList;
import java.util.List;

import org.mptcplab.stack.mptcp.SubflowSnapshot;

/**
 * One run of the lab, as the window and the CLI see it: a spec, an engine that runs the stack on
 * a thread of its own (never the UI's), a store of samples indexed by time, a published state the
 * UI reads once a frame, and commands that are the same in every mode. {@link EmulatedSession}
 * runs the stack in the in-process network (paced to the wall clock at a chosen speed, or as fast
 * as it goes); {@link LiveSession} runs it on real links against the Linux kernel's MPTCP, at
 * real time. A command a mode cannot do throws {@link UnsupportedOperationException} whose
 * message says why, for the window and the CLI to show as it is.
 */
public abstract class Session implements AutoCloseable {
    /** Samples are taken every 20 ms of the session's time: smooth at 0.05x, cheap at 10x. */
    public static final long SAMPLE_NANOS = 20_000_000L;
    public static final double MIN_SPEED = 0.05;
    public static final double MAX_SPEED = 10;
    static final int PORT = 5201;
    /** Default size guard of a recording, as simulate's --pcap-limit. */
    public static final long RECORDING_LIMIT_BYTES = 1L << 30;

    /** How a session's packets move. */
    public enum Kind {
        EMULATED("emulated"), LIVE_LAB("live lab"), LIVE_INTERFACES("live, real interfaces"), REPLAY("replay");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What a path is doing, as the topology shows it. */
    public enum PathStatus {
        UP, DOWN_SIGNALLED, DOWN_SILENT,
        /** A replayed capture's path whose subflows all closed (FIN or RST seen): what the capture can tell. */
        CLOSED
    }

    /** A path now: its settings and status. */
    public record PathState(int index, PathSettings settings, PathStatus status, double sentBps) {
    }

    /** One flow now: its subflows (sender's view), its traffic's state, its totals. */
    public record FlowState(int index, String name, List<SubflowSnapshot> subflows, long delivered, double goodputBps,
                            double playerBufferS, String playerState, long stalls, long stalledNanos, boolean fallback,
                            String connectionState, long nextRetransmissionAt, int backoff) {
    }

    /** Everything the window draws that is not history: published at each sample. */
    public record State(long nowNanos, boolean paused, double speed, List<PathState> paths, List<FlowState> flows,
                        long eventsTotal, String failure) {
    }

    /** An emulated session of {@code spec}. */
    public static Session emulated(SessionSpec spec, SampleStore store) {
        return new EmulatedSession(spec, store);
    }

    public abstract Kind kind();

    // ------------------------------------------------------------------ commands

    /**
     * Takes path {@code i} down. Signalled: the client's interface goes down, so its path manager
     * closes the subflows there and tells the server with REMOVE_ADDR on a subflow that stays
     * (RFC 8684 3.4.2), and data is reinjected at once. Silent: a black hole; nobody is told, and
     * the subflow's retransmission timer has to find out.
     */
    public abstract void pathDown(int i, boolean silent);

    public abstract void pathUp(int i);

    /** New link settings for path {@code i} (rate, delay, loss, queue); backup changes go through {@link #setBackup}. */
    public abstract void setLink(int i, PathSettings p);

    /**
     * Marks path {@code i} as backup or regular: new joins carry the B flag (RFC 8684 3.2) and
     * existing subflows there change with MP_PRIO (3.3.8).
     */
    public abstract void setBackup(int i, boolean backup);

    /**
     * Opens one more MPTCP subflow on path {@code i} by hand (a manual path manager's command):
     * an MP_JOIN from the client's address there (RFC 8684 3.2). Completes with what was done, or
     * exceptionally with why it could not be (no handshake yet, the path is down...).
     */
    public abstract java.util.concurrent.CompletableFuture<String> addSubflow(int i);

    /**
     * Closes the newest established subflow on path {@code i} by hand: its data is reinjected on
     * the others (RFC 8684 3.3.6), then it ends with a FIN. Completes as {@link #addSubflow}.
     */
    public abstract java.util.concurrent.CompletableFuture<String> removeSubflow(int i);

    /**
     * Switches the MPTCP connection's congestion control and packet scheduler while it runs: the
     * subflows keep their windows (a new controller takes cwnd and ssthresh over) and the next chunk
     * is scheduled by the new policy. Both ends' stacks switch (the server sends in the demo). The
     * future completes with what was done, or fails with why it cannot.
     */
    public java.util.concurrent.CompletableFuture<String> switchPolicies(String congestionControl, String scheduler) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this session cannot switch policies while it runs"));
    }

    /**
     * Opportunistic retransmission and penalisation (Raiciu et al., NSDI 2012) on or off in the
     * running connection, at both ends. Completes as {@link #switchPolicies}.
     */
    public java.util.concurrent.CompletableFuture<String> setOpportunistic(boolean on) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this session cannot switch opportunistic retransmission while it runs"));
    }

    /** The two commands above, on the engine's thread, for a client stack and its socket. */
    static String openSubflow(org.mptcplab.stack.mptcp.MptcpStack client, org.mptcplab.stack.mptcp.MptcpSocket socket,
                              int addressId, String pathName, long now) {
        if (socket == null) {
            throw new IllegalStateException("the connection is not open yet");
        }
        int[] id = new int[1];
        RuntimeException[] failed = new RuntimeException[1];
        client.run(now, () -> {
            try {
                id[0] = socket.openSubflow(now, addressId);
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return "subflow " + id[0] + " opened on " + pathName + " by hand (MP_JOIN)";
    }

    static String closeSubflow(org.mptcplab.stack.mptcp.MptcpStack client, org.mptcplab.stack.mptcp.MptcpSocket socket,
                               int path, String pathName, long now) {
        if (socket == null) {
            throw new IllegalStateException("the connection is not open yet");
        }
        int newest = -1;
        for (SubflowSnapshot sf : socket.snapshot().subflows()) {
            if (sf.iface() == path && sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED) {
                newest = Math.max(newest, sf.id());
            }
        }
        if (newest < 0) {
            throw new IllegalStateException("no established subflow on " + pathName);
        }
        int id = newest;
        RuntimeException[] failed = new RuntimeException[1];
        client.run(now, () -> {
            try {
                socket.closeSubflow(now, id);
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return "subflow " + id + " on " + pathName + " closed by hand (its data reinjected, then FIN)";
    }

    public abstract void pause();

    public abstract void resume();

    /** While paused: the next event (a packet arriving, a timer) and no more. */
    public abstract void step();

    /** Virtual seconds per wall second, {@value #MIN_SPEED} to {@value #MAX_SPEED}. */
    public abstract void setSpeed(double speed);

    /** A new session from the same spec (same seed, same pictures), not started. */
    public abstract Session restarted();

    private volatile boolean flapOn = true;

    /** Switches the demo's down/up loop of the first path on or off (off: the path stays as it is). */
    public void setFlapLoop(boolean on) {
        flapOn = on;
    }

    public boolean flapLoop() {
        return flapOn;
    }

    /**
     * Runs {@code c} on the engine's thread through {@code engine} (a session's way of putting work
     * there) and completes with its answer, or with what it threw.
     */
    static <T> java.util.concurrent.CompletableFuture<T> onEngine(java.util.function.Consumer<Runnable> engine,
                                                                   java.util.concurrent.Callable<T> c) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        engine.accept(() -> {
            try {
                f.complete(c.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Waits (10 s at most) for the engine's answer to a file command (a recording): its I/O failure
     * as it is, any other failure as an I/O failure with its message, and no answer as one that
     * says {@code what} did not happen.
     */
    static <T> T awaitFile(java.util.concurrent.CompletableFuture<T> f, String what) throws java.io.IOException {
        try {
            return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.io.IOException io) {
                throw io;
            }
            throw new java.io.IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException(what + ": " + e, e);
        }
    }

    /** Starts the engine's thread at {@code speed} (a live session ignores it: real time). */
    public abstract void start(double speed);

    /** Headless: runs {@code nanos} of the session's time on the caller's thread, as fast as it goes. */
    public abstract void runFor(long nanos);

    public abstract boolean isPaused();

    /**
     * Times the engine fell more than a quarter second behind the wall clock and gave up catching
     * up (the machine cannot run this at the chosen speed); 0 where time is real.
     */
    public long slips() {
        return 0;
    }

    /** Starts recording every packet to a pcapng file; a failure to create it is thrown here. */
    public abstract void startRecording(java.nio.file.Path file) throws java.io.IOException;

    /**
     * Stops the recording and closes its file.
     *
     * @return packets written, or -1 if none was running
     */
    public abstract long stopRecording() throws java.io.IOException;

    /** Whether a recording runs (it may have stopped by itself: see {@link #recordingProblem}). */
    public abstract boolean isRecording();

    /** Why the recording stopped or stopped growing, or null. */
    public abstract String recordingProblem();

    /** The MPTCP connection's MPTcpExt-style counters that are not zero, of the client or the server. */
    public abstract java.util.Map<org.mptcplab.stack.observe.Mib, Long> counters(boolean server);

    /**
     * What the peer reports of itself, where it is a real host (the Linux kernel in the live lab):
     * lines of its own tools, newest first taken; empty for an emulated peer.
     */
    public PeerReport peerReport() {
        return PeerReport.NONE;
    }

    /** The kernel peer's view: its MPTcpExt counters and its subflows as {@code ss -M} lists them. */
    public record PeerReport(long takenAtNanos, java.util.Map<String, Long> counters, List<String> subflows, String problem) {
        public static final PeerReport NONE = new PeerReport(-1, java.util.Map.of(), List.of(), null);
    }

    public abstract SessionSpec spec();

    /**
     * Whether the connection's data goes from server to client (the lab's download); a replayed
     * capture may carry it the other way. The data-sequence graph and the ladder follow it.
     */
    public boolean dataToClient() {
        return true;
    }

    /** What the topology writes along path {@code i}, or null for its link settings. */
    public String pathCaption(int i) {
        return null;
    }

    public abstract SampleStore store();

    /** The latest published state; never null. Safe from any thread, never blocks. */
    public abstract State state();

    @Override
    public abstract void close();

    /**
     * The subflows the window shows: every open one, and of the closed ones only the newest on
     * each path (what just happened there), not the whole history of an outage loop.
     */
    public static List<SubflowSnapshot> shown(List<SubflowSnapshot> all) {
        java.util.Map<Integer, Integer> newestClosed = new java.util.HashMap<>();
        for (SubflowSnapshot sf : all) {
            if (sf.state() == org.mptcplab.stack.mptcp.SubflowState.CLOSED) {
                newestClosed.merge(sf.iface(), sf.id(), Math::max);
            }
        }
        List<SubflowSnapshot> out = new ArrayList<>(all.size());
        for (SubflowSnapshot sf : all) {
            if (sf.state() != org.mptcplab.stack.mptcp.SubflowState.CLOSED || newestClosed.get(sf.iface()).intValue() == sf.id()) {
                out.add(sf);
            }
        }
        return out;
    }

}

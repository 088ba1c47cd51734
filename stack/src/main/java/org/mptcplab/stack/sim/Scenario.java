package org.mptcplab.stack.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.capture.PcapWriter;
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
 * A headless run: a client and a server host joined by N emulated paths, one bulk transfer, and
 * whatever faults and path events the scenario asks for. Deterministic: the same scenario and
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

    /** A scheduled change to a path: down, up, or a new link config. */
    public record PathEvent(long atNanos, int path, boolean up) {
    }

    private final List<PathSpec> paths = new ArrayList<>();
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
    public Scenario light(boolean light) {
        hash = !light;
        recordMappings = !light;
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
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one path");
        }
        EmulatedNetwork net = new EmulatedNetwork(seed);
        MptcpStack client = new MptcpStack("client", clientConfig, seed * 31 + 1);
        MptcpStack server = new MptcpStack("server", serverConfig, seed * 31 + 2);
        client.observer().setRecordMappings(recordMappings);
        server.observer().setRecordMappings(recordMappings);
        Host ch = net.addHost("client", client);
        Host sh = net.addHost("server", server);
        List<Path> netPaths = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            client.addAddress(i, address(i, 1, ipv6), ipv6 ? 64 : 24);
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
        PcapWriter writer = pcap == null ? null : net.recordTo(pcap);
        if (writer != null) {
            writer.limit(pcapLimit);
        }
        for (PathEvent e : events) {
            if (e.path() < 0 || e.path() >= netPaths.size()) {
                throw new IllegalArgumentException("path event names path " + (e.path() + 1) + " but there are "
                        + netPaths.size());
            }
            net.schedule(e.atNanos(), () -> netPaths.get(e.path()).setUp(e.up()));
        }
        BulkSender sender = new BulkSender(bytes, seed);
        BulkSink sink = new BulkSink();
        if (!hash) {
            sender.withoutHash();
            sink.withoutHash();
        }
        MptcpStack sendingStack = download ? server : client;
        MptcpSocket.Handler serverApp = download ? sender : sink;
        MptcpSocket.Handler clientApp = download ? sink : sender;
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
        MptcpSocket[] cs = new MptcpSocket[1];
        net.schedule(0, () -> cs[0] = client.connect(net.now(), address(0, 2, ipv6), 5201, clientApp));
        boolean finished;
        long wallStart = System.nanoTime();
        try {
            // Done when both ends closed, or when one end was reset: a reset that cannot reach
            // the peer (its path is gone) leaves the peer waiting, as a real host without a user
            // timeout would be.
            finished = net.runUntil(() -> sender.done() && sink.done()
                    || sender.done() && sender.resetReason() != null || sink.done() && sink.resetReason() != null,
                    deadlineNanos);
        } catch (java.io.UncheckedIOException e) {
            // The recording failed mid-run (disk full, say): the run's report would be fine but
            // the capture is not, and that must not pass silently.
            throw e.getCause();
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        long wall = System.nanoTime() - wallStart;
        if (!finished && Boolean.getBoolean("mptcplab.debug")) {
            client.connections().forEach(c -> System.err.println("DEBUG client " + c.describe()));
            server.connections().forEach(c -> System.err.println("DEBUG server " + c.describe()));
        }
        ConnectionSnapshot snap = cs[0] == null ? null : cs[0].snapshot();
        ConnectionSnapshot sendSnap = download ? (sender.socket() == null ? null : sender.socket().snapshot()) : snap;
        // From the connect call (time 0) to the last byte handed to the receiving application.
        long end = sink.lastByteAt();
        double duration = end > 0 ? end / 1e9 : 0;
        List<SubflowSnapshot> subflows = sendSnap == null ? List.of() : sendSnap.subflows();
        String reset = sender.resetReason() != null ? sender.resetReason() : sink.resetReason();
        List<ProtocolEvent> evs = new ArrayList<>(client.observer().events());
        List<ProtocolEvent> sevs = server.observer().events();
        return new SimulationResult(bytes, sink.received(), duration,
                duration > 0 ? sink.received() * 8 / duration : 0, hash && sink.eof() && sink.received() == bytes
                && sender.sha256().equals(sink.sha256()), hash ? sender.sha256() : null, hash ? sink.sha256() : null,
                finished, sink.maxStallNanos(net.now()), snap != null && snap.fallback(), reset, subflows, evs, sevs,
                client.observer().counters(), server.observer().counters(), net.now(), wall, net.eventsProcessed(),
                sendingStack == client ? "upload" : "download", net.snapshot(),
                writer == null ? 0 : writer.recordsNotWritten());
    }

    /** Everything a run measured. */
    public record SimulationResult(long bytesRequested, long bytesDelivered, double durationSeconds, double goodputBps,
                                   boolean streamIntact, String sha256Sent, String sha256Received, boolean finished,
                                   long maxStallNanos, boolean fallback, String resetReason,
                                   List<SubflowSnapshot> subflows, List<ProtocolEvent> clientEvents,
                                   List<ProtocolEvent> serverEvents, Map<Mib, Long> clientCounters,
                                   Map<Mib, Long> serverCounters, long virtualNanos, long wallNanos, long networkEvents,
                                   String direction, List<org.mptcplab.stack.emu.PathDirection.Snapshot> pathStates,
                                   long pcapPacketsNotRecorded) {
    }
}

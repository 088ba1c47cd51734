package org.mptcplab.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mptcplab.app.lab.Lab;
import org.mptcplab.app.session.LiveEngine;
import org.mptcplab.app.live.FreeAddress;
import org.mptcplab.app.live.LinkLayer;
import org.mptcplab.app.live.LiveDeviceException;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.app.live.PcapDevice;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.mptcp.ConnectionSnapshot;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code connect}: our stack as an MPTCP client on real interfaces (pcap), against any MPTCP peer,
 * typically the Linux kernel in the lab. Run it in the namespace that holds the interfaces:
 * {@code ip netns exec mptcplab-c java -jar mptcp-lab.jar connect --lab --bytes 10M}.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Our MPTCP stack as a client on real interfaces, through pcap: sends bytes to a sink, or",
            "echoes them through an echo server, and reports like simulate. Needs root (or CAP_NET_RAW)."},
        footer = {"", "With --lab: the lab's interfaces mlc1..N (10.N.0.1/24, fd00:N::1/64) and the kernel peer",
            "10.1.0.2 (sink 5201, echo 5203; + 1000 for its plain-TCP variants). Run inside the lab's client",
            "namespace: ip netns exec " + Lab.CLIENT_NS + " java -jar mptcp-lab.jar connect --lab --bytes 10M",
            "Exit status: 0 done with the stream intact, 1 failed (reset, timeout, device error), 2 bad arguments."})
public final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iface", paramLabel = "IF[=ADDR/PREFIX[,gw=GW]|=host]",
            description = {"an interface to use, with the address our stack takes on it (repeat, one per path);",
                "IF alone: a free address of the kernel's subnet on IF, probed first (RFC 5227);",
                "IF=host: share the kernel's own address on IF (nftables keeps the kernel off our ports)"})
    List<String> ifaces = new ArrayList<>();

    @Option(names = "--to", paramLabel = "ADDR:PORT", description = "the peer ([v6]:port for IPv6)")
    String to;

    @Option(names = "--lab", description = "use the lab made by `lab up` (interfaces, addresses and peer)")
    boolean lab;

    @Option(names = "--ipv6", description = "with --lab: IPv6 addresses")
    boolean ipv6;

    @Option(names = "--plain-tcp-server", description = "with --lab: the peer's plain TCP service (fallback)")
    boolean plainTcpServer;

    @Option(names = "--bytes", paramLabel = "SIZE", description = "send SIZE bytes to a sink (K, M, G or KiB, MiB, GiB)")
    String bytes;

    @Option(names = "--echo", paramLabel = "SIZE", description = "send SIZE bytes to an echo server and check them back")
    String echo;

    @Option(names = "--checksum", description = "require DSS checksums")
    boolean checksum;

    @Option(names = "--fastclose", description = "end with MP_FASTCLOSE (an abortive close, RFC 8684 3.5) once the echo is back")
    boolean fastclose;

    @Option(names = "--timeout", paramLabel = "TIME", description = "give up after this much real time (default 60s)")
    String timeout = "60s";

    @Option(names = "--pcap", paramLabel = "FILE", description = "record every frame sent and received")
    Path pcap;

    @Option(names = "--linger", paramLabel = "TIME", description = "keep the connection open TIME after the transfer"
            + " (every byte acknowledged, or echoed back) before closing it, so that the peer's path manager can"
            + " still announce addresses and subflows can still join (default 0s)")
    String linger = "0s";

    @picocli.CommandLine.Mixin
    PolicyOptions policies = new PolicyOptions();

    @picocli.CommandLine.Mixin
    LivePathOptions pathOptions = new LivePathOptions();

    @Option(names = "--json", description = "one JSON object instead of text")
    boolean json;

    @Option(names = "--seed", description = "seed of keys, nonces and ports (default: from the clock)")
    Long seed;

    // The parsing of --iface and --to is the session layer's (the window's Live card takes the same syntax).

    static LiveEngine.Interface hostIface(String name, boolean v6, String ipJsonAddrs) {
        return LiveEngine.hostIface(name, v6, ipJsonAddrs);
    }

    static LiveEngine.Interface parseIface(String text) {
        return LiveEngine.parseIface(text);
    }

    static LiveEngine.Interface resolveIface(String text, boolean v6, long seed, int index, PrintWriter err) {
        return LiveEngine.resolveIface(text, v6, seed, index, err);
    }

    static int parsePort(String what, String text) {
        return LiveEngine.parsePort(what, text);
    }

    static String[] splitHostPort(String text) {
        return LiveEngine.splitHostPort(text);
    }

    static String family(IpAddress a) {
        return LiveEngine.family(a);
    }

    /** Interfaces mlc1..N in this namespace, as `lab up` made them. */
    static int labPaths() {
        int n = 0;
        while (Files.exists(Paths.get("/sys/class/net/mlc" + (n + 1)))) {
            n++;
        }
        return n;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<LiveEngine.Interface> list = new ArrayList<>();
        long seedValue = seed != null ? seed : System.nanoTime();
        LivePathOptions.Parsed pathSettings;
        IpAddress peer;
        int port;
        long total;
        long deadlineNanos;
        long lingerNanos;
        try {
            if ((bytes == null) == (echo == null)) {
                throw new IllegalArgumentException("give one of --bytes SIZE (to a sink) or --echo SIZE (to an echo server)");
            }
            if (fastclose && echo == null) {
                throw new IllegalArgumentException("--fastclose goes with --echo (the abort comes once every byte is back)");
            }
            total = SimulateCommand.sizeOption(bytes != null ? "--bytes" : "--echo", bytes != null ? bytes : echo);
            deadlineNanos = SimulateCommand.durationOption("--timeout", timeout);
            lingerNanos = SimulateCommand.durationOption("--linger", linger);
            if (fastclose && lingerNanos > 0) {
                throw new IllegalArgumentException("--linger does not go with --fastclose (the abort comes as soon as every byte is back)");
            }
            // The policies first: a typo there is said before any interface is probed.
            List<String> bad = new ArrayList<>();
            policies.validate(bad);
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", bad));
            }
            if (lab) {
                int paths = labPaths();
                if (paths == 0) {
                    throw new IllegalArgumentException("--lab: no lab interfaces (mlc1...) here; run `lab up` as root, then this"
                            + " command inside the lab's client namespace: ip netns exec " + Lab.CLIENT_NS + " java -jar ...");
                }
                for (int i = 1; i <= paths; i++) {
                    list.add(new LiveEngine.Interface("mlc" + i, IpAddress.parse(ipv6 ? "fd00:" + i + "::1" : "10." + i + ".0.1"),
                            ipv6 ? 64 : 24, null));
                }
                peer = IpAddress.parse(ipv6 ? "fd00:1::2" : "10.1.0.2");
                port = (echo != null ? Lab.ECHO_PORT : Lab.SINK_PORT) + (plainTcpServer ? Lab.PLAIN_TCP_OFFSET : 0);
            } else {
                if (ifaces.isEmpty() || to == null) {
                    throw new IllegalArgumentException("give --iface IF=ADDR/PREFIX (one per path) and --to ADDR:PORT, or --lab");
                }
                String[] hp = splitHostPort(to);
                try {
                    peer = IpAddress.parse(hp[0]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--to '" + to + "': " + e.getMessage(), e);
                }
                port = parsePort("--to '" + to + "'", hp[1]);
                for (String t : ifaces) {
                    LiveEngine.Interface iface = resolveIface(t, peer.byteLength() == 16, seedValue, list.size(), err);
                    if (iface.address().byteLength() != peer.byteLength()) {
                        // One connection has one address family (RFC 8684 joins may mix them, but
                        // the first subflow cannot): catch it here, before a device is opened.
                        throw new IllegalArgumentException("--iface '" + t + "': " + family(iface.address()) + " address, but --to "
                                + hp[0] + " is " + family(peer) + " address; give " + family(peer)
                                + " address (or IF alone to have one chosen)");
                    }
                    list.add(iface);
                }
            }
            pathSettings = pathOptions.parse(list.stream().map(LiveEngine.Interface::name).toList());
        } catch (IllegalArgumentException e) {
            err.println("connect: " + e.getMessage());
            return 2;
        }
        long s = seedValue;
        MptcpStack stack = new MptcpStack("client", LiveEngine.withLinkMss(policies.apply(StackConfig.defaults().withChecksum(checksum)), list), s);
        LiveRunner runner;
        try {
            runner = LiveEngine.open(stack, list, s, 0, pathSettings.impairments());
        } catch (LiveDeviceException e) {
            err.println("connect: " + e.getMessage());
            return 1;
        }
        if (pcap != null) {
            runner.recordTo(pcap);
        }
        ifaceNames = list.stream().map(LiveEngine.Interface::name).toList();
        PathControl paths = pathOptions.attach(stack, runner, list.stream().map(LiveEngine.Interface::name).toList(), pathSettings);
        Client client = new Client(total, echo != null, s);
        client.paths = paths;
        // Upload stalls: the longest gap between advances of the data-level acknowledgement.
        client.lingerNanos = lingerNanos;
        runner.onSample(STALL_SAMPLE_MILLIS, r -> {
            client.sampleProgress();
            if (client.lingerOver()) {
                stack.run(r.now(), () -> client.socket.close(r.now()));
            }
        });
        client.fastclose = fastclose;
        if (fastclose || lingerNanos > 0) {
            client.sender.withoutClose(); // the connection ends with MP_FASTCLOSE, not DATA_FIN
        }
        runner.start();
        long t0 = System.nanoTime();
        runner.submit(() -> stack.run(runner.now(), () -> stack.connect(runner.now(), peer, port, client)));
        String failure = null;
        try {
            client.done.get(deadlineNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            failure = "not finished within " + timeout;
        }
        long elapsed = System.nanoTime() - t0;
        CompletableFuture<Object[]> snap = new CompletableFuture<>();
        runner.submit(() -> snap.complete(new Object[] {client.socket == null ? null : client.socket.snapshot(),
            stack.observer().events(), stack.observer().counters(), paths.log()}));
        Object[] st = snap.get(5, TimeUnit.SECONDS);
        pathLog = castLog(st[3]);
        runner.stop();
        if (runner.failure() != null) {
            failure = "the stack thread failed: " + runner.failure();
        }
        if (failure == null && client.resetReason != null && !(fastclose && client.resetReason.startsWith("fast close"))) {
            failure = "reset: " + client.resetReason;
        }
        boolean intact = failure == null && client.intact();
        report(out, (ConnectionSnapshot) st[0], castEvents(st[1]), castCounters(st[2]), client, elapsed, failure, intact,
                peer, port);
        out.flush();
        return intact ? 0 : 1;
    }

    /** How often the link watcher looks at the interfaces (RFC-free: a live-mode choice, cheap sysfs reads). */
    static final long LINK_WATCH_MILLIS = 50;
    static final long STALL_SAMPLE_MILLIS = 5;

    private List<PathControl.Entry> pathLog = List.of();
    private List<String> ifaceNames = List.of();

    @SuppressWarnings("unchecked")
    private static List<PathControl.Entry> castLog(Object o) {
        return (List<PathControl.Entry>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<ProtocolEvent> castEvents(Object o) {
        return (List<ProtocolEvent>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Mib, Long> castCounters(Object o) {
        return (Map<Mib, Long>) o;
    }

    private void report(PrintWriter out, ConnectionSnapshot c, List<ProtocolEvent> events, Map<Mib, Long> counters,
                        Client client, long elapsed, String failure, boolean intact, IpAddress peer, int port) {
        // With --linger the held time is not transfer time: goodput ends when the transfer did.
        long end = client.transferDoneAt > 0 ? client.transferDoneAt : client.finishedAt;
        double seconds = (end > 0 ? end - client.startedAt : elapsed) / 1e9;
        double goodput = seconds > 0 ? client.total * 8 / seconds : 0;
        Map<String, Long> kernel = lab ? Lab.kernelCounters() : Map.of();
        if (json) {
            SimulateCommand.JsonWriter j = new SimulateCommand.JsonWriter();
            j.beginObject();
            j.name("status").value(intact ? "ok" : "failed");
            j.name("reason");
            if (failure == null) {
                j.nullValue();
            } else {
                j.value(failure);
            }
            j.name("peer").value(peer + ":" + port);
            j.name("mode").value(client.echo ? "echo" : "sink");
            j.name("bytes").value(client.total);
            j.name("goodput_bps").value((long) goodput);
            j.name("duration_s").raw(SimulateCommand.decimal(seconds, 6));
            j.name("stream_intact").value(intact);
            j.name("sha256_sent").value(client.sentHash());
            j.name("sha256_received");
            if (client.echo) {
                j.value(client.receivedHash());
            } else {
                j.nullValue();
            }
            j.name("fallback").value(c != null && c.fallback());
            j.name("max_stall_ms").raw(SimulateCommand.decimal(client.maxStallNanos / 1e6, 3));
            j.name("subflows").beginArray();
            if (c != null) {
                for (SubflowSnapshot f : c.subflows()) {
                    j.beginObject();
                    j.name("id").value(f.id());
                    j.name("local").value(f.localAddress() + ":" + f.localPort());
                    j.name("remote").value(f.remoteAddress() + ":" + f.remotePort());
                    j.name("bytes").value(f.bytesSent());
                    j.name("bytes_received").value(f.bytesReceived());
                    j.name("interface").value(f.iface() >= 0 && f.iface() < ifaceNames.size() ? ifaceNames.get(f.iface()) : "?");
                    j.name("retransmits").value(f.segmentsRetransmitted());
                    j.name("srtt_ms").raw(f.srttNanos() < 0 ? "null" : SimulateCommand.decimal(f.srttNanos() / 1e6, 3));
                    j.name("state").value(f.state().name());
                    j.name("backup").value(f.backup());
                    j.endObject();
                }
            }
            j.endArray();
            PathControl.writeJson(j, pathLog);
            j.name("events").beginArray();
            for (ProtocolEvent e : events) {
                j.beginObject();
                j.name("time_s").raw(SimulateCommand.decimal(e.timeNanos() / 1e9, 6));
                j.name("kind").value(e.kind().name());
                j.name("subflow").value(e.subflowId());
                j.name("detail").value(e.detail());
                j.endObject();
            }
            j.endArray();
            j.name("counters").beginObject();
            counters.forEach((k, v) -> {
                if (v != 0) {
                    j.name(k.name()).value(v);
                }
            });
            j.endObject();
            j.name("kernel_counters").beginObject();
            kernel.forEach((k, v) -> {
                if (v != 0) {
                    j.name(k).value(v);
                }
            });
            j.endObject();
            j.endObject();
            out.println(j);
            return;
        }
        out.printf("%s of %,d bytes with %s:%d: %s%n", client.echo ? "echo" : "upload", client.total, peer, port,
                intact ? "done, stream intact" : "FAILED: " + failure);
        out.printf("  goodput %.2f Mbit/s over %.3f s, longest stall %.1f ms, fallback %s%n", goodput / 1e6, seconds,
                client.maxStallNanos / 1e6, c != null && c.fallback() ? "yes" : "no");
        out.println("  sha256 sent     " + client.sentHash());
        if (client.echo) {
            out.println("  sha256 echoed   " + client.receivedHash());
        }
        if (c != null) {
            for (SubflowSnapshot f : c.subflows()) {
                out.printf("  subflow %d %s:%d -> %s:%d  sent %,d  retx %d  srtt %s  %s%n", f.id(), f.localAddress(),
                        f.localPort(), f.remoteAddress(), f.remotePort(), f.bytesSent(), f.segmentsRetransmitted(),
                        f.srttNanos() < 0 ? "-" : String.format("%.2f ms", f.srttNanos() / 1e6), f.state());
            }
        }
        for (PathControl.Entry e : pathLog) {
            out.printf("  %9.3f s  %s %s (%s): %s%n", e.timeNanos() / 1e9, e.iface(), e.action(), e.cause(), e.detail());
        }
        StringBuilder sb = new StringBuilder("  our counters:");
        counters.forEach((k, v) -> {
            if (v != 0) {
                sb.append(' ').append(k).append('=').append(v);
            }
        });
        out.println(sb);
        if (!kernel.isEmpty()) {
            StringBuilder kb = new StringBuilder("  kernel MPTcpExt:");
            kernel.forEach((k, v) -> {
                if (v != 0) {
                    kb.append(' ').append(k).append('=').append(v);
                }
            });
            out.println(kb);
        }
    }

    /** Writes the bytes (and, for echo, reads them back); all on the stack thread. */
    static final class Client implements MptcpSocket.Handler {
        final long total;
        final boolean echo;
        final BulkSender sender;
        final MessageDigest received = digest();
        final byte[] buf = new byte[65536];
        long receivedBytes;
        long startedAt;
        long finishedAt;
        long lastDelivery = -1;
        long maxStallNanos;
        String resetReason;
        MptcpSocket socket;
        boolean fastclose;
        long lingerNanos;
        long transferDoneAt = -1;
        boolean lingerClosed;
        PathControl paths;
        long lastAcked;
        long lastProgress = -1;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Client(long total, boolean echo, long seed) {
            this.total = total;
            this.echo = echo;
            this.sender = new BulkSender(total, seed);
        }

        static MessageDigest digest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void onConnected(long now, MptcpSocket s) {
            socket = s;
            startedAt = System.nanoTime();
            if (paths != null) {
                paths.connected(now, s);
            }
            sender.onConnected(now, s);
        }

        @Override
        public void onWritable(long now, MptcpSocket s) {
            sender.onWritable(now, s);
        }

        @Override
        public void onReadable(long now, MptcpSocket s) {
            int n;
            while ((n = s.read(now, buf, 0, buf.length)) > 0) {
                received.update(buf, 0, n);
                receivedBytes += n;
                long t = System.nanoTime();
                if (lastDelivery > 0) {
                    maxStallNanos = Math.max(maxStallNanos, t - lastDelivery);
                }
                lastDelivery = t;
            }
            if (fastclose && receivedBytes == total) {
                s.abort(now); // MP_FASTCLOSE with the peer's key, RST on the subflows
            }
        }

        @Override
        public void onClosed(long now, MptcpSocket s, String reason) {
            resetReason = reason;
            finishedAt = System.nanoTime();
            done.complete(null);
        }

        /**
         * Upload (sink) mode: the receiver's progress is the data-level acknowledgement (RFC 8684
         * 3.3.2); a stall is the longest time it did not move while bytes were outstanding.
         * Called on the runner's thread every few milliseconds.
         */
        void sampleProgress() {
            if (echo || socket == null) {
                return;
            }
            long acked = sender.written() - socket.unacknowledged();
            long t = System.nanoTime();
            if (acked > lastAcked) {
                if (lastProgress > 0) {
                    maxStallNanos = Math.max(maxStallNanos, t - lastProgress);
                }
                lastAcked = acked;
                lastProgress = t;
            } else if (lastProgress < 0) {
                lastProgress = t;
            }
        }

        /**
         * With --linger: true once, when the transfer has been over (every byte data-acknowledged,
         * RFC 8684 3.3.2, or every echoed byte back) for the linger time; the caller then closes.
         */
        boolean lingerOver() {
            if (lingerNanos <= 0 || lingerClosed || socket == null) {
                return false;
            }
            boolean over = echo ? receivedBytes == total : sender.written() == total && socket.unacknowledged() == 0;
            long t = System.nanoTime();
            if (over && transferDoneAt < 0) {
                transferDoneAt = t;
            }
            if (transferDoneAt >= 0 && t - transferDoneAt >= lingerNanos) {
                lingerClosed = true;
                return true;
            }
            return false;
        }

        boolean intact() {
            return sender.written() == total && (!echo || receivedBytes == total && receivedHash().equals(sentHash()));
        }

        String sentHash() {
            return sender.sha256();
        }

        String receivedHash() {
            try {
                return Bytes.hex(((MessageDigest) received.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

package org.mptcplab.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mptcplab.app.lab.Lab;
import org.mptcplab.app.session.LiveEngine;
import org.mptcplab.app.live.LinkLayer;
import org.mptcplab.app.live.LiveDeviceException;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.app.live.PcapDevice;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.apps.Echo;
import org.mptcplab.stack.mptcp.ConnectionSnapshot;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code listen}: our stack as an MPTCP server on real interfaces, for one connection (a sink,
 * or an echo), e.g. the kernel as the client in the lab's server namespace.
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Our MPTCP stack as a server on real interfaces, through pcap: accepts one connection,",
            "reads it (sink, SHA-256 of what arrived) or echoes it, and reports when it closes."},
        footer = {"", "With --lab: the lab's interfaces mlc1..N with 10.N.0.1/24 (fd00:N::1/64). Run inside the",
            "lab's client namespace; the kernel can then connect from " + Lab.SERVER_NS + " to 10.1.0.1:PORT.",
            "Exit status: 0 a connection was served and closed in order, 1 failure or timeout, 2 bad arguments."})
public final class ListenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iface", paramLabel = "IF[=ADDR/PREFIX[,gw=GW]|=host]", description = "an interface to use (repeat);"
            + " IF alone: a free address of the kernel's subnet there; IF=host: share the kernel's own address"
            + " (nftables keeps the kernel off our ports)")
    List<String> ifaces = new ArrayList<>();

    @picocli.CommandLine.Mixin
    PolicyOptions policies = new PolicyOptions();

    @Option(names = "--lab", description = "use the lab's interfaces and addresses")
    boolean lab;

    @Option(names = "--ipv6", description = "IPv6: with --lab the lab's fd00:N::1/64; with --iface IF or IF=host an IPv6"
            + " address of the kernel's subnet there (default IPv4)")
    boolean ipv6;

    @Option(names = "--port", paramLabel = "P", description = "port to listen on (default 5201)")
    int port = 5201;

    @Option(names = "--echo", description = "echo what arrives instead of only reading it")
    boolean echo;

    @Option(names = "--no-announce", description = "do not announce the other addresses (ADD_ADDR)")
    boolean noAnnounce;

    @Option(names = "--announce-port", paramLabel = "P", description = "announce the other addresses with port P "
            + "(ADD_ADDR with a port, RFC 8684 3.4.1; Linux: ip mptcp endpoint add ADDR port P signal) and take the "
            + "client's joins there; on a shared (IF=host) address the nftables guard keeps the kernel off it too")
    Integer announcePort;

    @Option(names = "--timeout", paramLabel = "TIME", description = "give up after this much real time (default 60s)")
    String timeout = "60s";

    @picocli.CommandLine.Mixin
    LivePathOptions pathOptions = new LivePathOptions();

    @Option(names = "--json", description = "one JSON object instead of text")
    boolean json;

    @Option(names = "--seed", description = "seed of keys, nonces and ports (default: from the clock)")
    Long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<LiveEngine.Interface> list = new ArrayList<>();
        long seedValue = seed != null ? seed : System.nanoTime();
        long deadline;
        LivePathOptions.Parsed pathSettings;
        try {
            deadline = SimulateCommand.durationOption("--timeout", timeout);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port " + port + " is outside 1 to 65535");
            }
            if (announcePort != null && (announcePort < 1 || announcePort > 65535)) {
                throw new IllegalArgumentException("--announce-port " + announcePort + " is outside 1 to 65535");
            }
            if (announcePort != null && noAnnounce) {
                throw new IllegalArgumentException("--announce-port with --no-announce: nothing is announced");
            }
            List<String> bad = new ArrayList<>();
            policies.validate(bad);
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", bad));
            }
            if (lab) {
                int paths = ConnectCommand.labPaths();
                if (paths == 0) {
                    throw new IllegalArgumentException("--lab: no lab interfaces (mlc1...) here; run `lab up` as root, then"
                            + " this command inside " + Lab.CLIENT_NS);
                }
                for (int i = 1; i <= paths; i++) {
                    list.add(new LiveEngine.Interface("mlc" + i, IpAddress.parse(ipv6 ? "fd00:" + i + "::1" : "10." + i + ".0.1"),
                            ipv6 ? 64 : 24, null));
                }
            } else {
                if (ifaces.isEmpty()) {
                    throw new IllegalArgumentException("give --iface IF=ADDR/PREFIX (one per path), or --lab");
                }
                for (String t : ifaces) {
                    // IF alone: a free address of the kernel's subnet there, IPv4 or with --ipv6 IPv6 (FreeAddress).
                    list.add(ConnectCommand.resolveIface(t, ipv6, seedValue, list.size(), err));
                }
            }
            pathSettings = pathOptions.parse(list.stream().map(LiveEngine.Interface::name).toList());
        } catch (IllegalArgumentException e) {
            err.println("listen: " + e.getMessage());
            return 2;
        }
        long s = seedValue;
        StackConfig serverConfig = LiveEngine.withLinkMss(policies.apply(StackConfig.defaults()), list);
        if (noAnnounce && serverConfig.fullMesh()) {
            serverConfig = serverConfig.withFullMesh(false); // a server's full mesh only announces
        }
        if (announcePort != null) {
            serverConfig = serverConfig.withAnnouncePort(announcePort);
        }
        MptcpStack stack = new MptcpStack("server", serverConfig, s);
        LiveRunner runner;
        try {
            // Joins come to the announced port too: on a shared address the guard keeps the kernel off it.
            runner = LiveEngine.open(stack, list, s, announcePort == null ? List.of(port) : List.of(port, announcePort),
                    pathSettings.impairments());
        } catch (LiveDeviceException e) {
            err.println("listen: " + e.getMessage());
            return 1;
        }
        PathControl paths = pathOptions.attach(stack, runner, list.stream().map(LiveEngine.Interface::name).toList(),
                pathSettings);
        CompletableFuture<String> closed = new CompletableFuture<>();
        BulkSink sink = new BulkSink();
        Echo echoApp = new Echo();
        MptcpSocket[] accepted = new MptcpSocket[1];
        runner.submit(() -> stack.listen(port, sk -> {
            if (accepted[0] != null) {
                sk.abort(runner.now()); // one connection at a time
                return;
            }
            accepted[0] = sk;
            paths.connected(runner.now(), sk); // the path script's clock starts at the accept
            MptcpSocket.Handler app = echo ? echoApp : sink;
            sk.setHandler(new MptcpSocket.Handler() {
                @Override
                public void onReadable(long now, MptcpSocket k) {
                    app.onReadable(now, k);
                }

                @Override
                public void onWritable(long now, MptcpSocket k) {
                    app.onWritable(now, k);
                }

                @Override
                public void onClosed(long now, MptcpSocket k, String reason) {
                    closed.complete(reason == null ? "" : reason);
                }
            });
        }));
        runner.start();
        if (!json) {
            out.println("listening on port " + port + " at " + list.stream().map(f -> f.address().toString()).toList());
            out.flush();
        }
        String reason;
        try {
            reason = closed.get(deadline, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            reason = "no connection served within " + timeout;
        }
        CompletableFuture<Object[]> snap = new CompletableFuture<>();
        runner.submit(() -> snap.complete(new Object[] {accepted[0] == null ? null : accepted[0].snapshot(),
            stack.observer().counters(), paths.log()}));
        Object[] st = snap.get(5, TimeUnit.SECONDS);
        runner.stop();
        ConnectionSnapshot c = (ConnectionSnapshot) st[0];
        @SuppressWarnings("unchecked")
        Map<Mib, Long> counters = (Map<Mib, Long>) st[1];
        @SuppressWarnings("unchecked")
        List<PathControl.Entry> pathLog = (List<PathControl.Entry>) st[2];
        boolean ok = reason.isEmpty() && runner.failure() == null;
        long got = echo ? echoApp.echoed() : sink.received();
        if (json) {
            SimulateCommand.JsonWriter j = new SimulateCommand.JsonWriter();
            j.beginObject();
            j.name("status").value(ok ? "ok" : "failed");
            j.name("reason");
            if (ok) {
                j.nullValue();
            } else {
                j.value(reason);
            }
            j.name("mode").value(echo ? "echo" : "sink");
            j.name("bytes").value(got);
            j.name("sha256_received");
            if (echo) {
                j.nullValue();
            } else {
                j.value(sink.sha256());
            }
            j.name("fallback").value(c != null && c.fallback());
            j.name("max_stall_ms").raw(SimulateCommand.decimal(sink.maxStallNanos() / 1e6, 3));
            j.name("subflows").beginArray();
            if (c != null) {
                for (SubflowSnapshot f : c.subflows()) {
                    j.beginObject();
                    j.name("id").value(f.id());
                    j.name("local").value(f.localAddress() + ":" + f.localPort());
                    j.name("remote").value(f.remoteAddress() + ":" + f.remotePort());
                    j.name("bytes_received").value(f.bytesReceived());
                    j.name("bytes").value(f.bytesSent());
                    j.name("backup").value(f.backup());
                    j.name("state").value(f.state().name());
                    j.endObject();
                }
            }
            j.endArray();
            PathControl.writeJson(j, pathLog);
            j.name("counters").beginObject();
            counters.forEach((k, v) -> {
                if (v != 0) {
                    j.name(k.name()).value(v);
                }
            });
            j.endObject();
            j.endObject();
            out.println(j);
        } else {
            out.printf("%s: %,d bytes %s, fallback %s%n", ok ? "served" : "FAILED (" + reason + ")", got,
                    echo ? "echoed" : "received (sha256 " + sink.sha256() + ")", c != null && c.fallback() ? "yes" : "no");
            if (c != null) {
                for (SubflowSnapshot f : c.subflows()) {
                    out.printf("  subflow %d %s:%d <- %s:%d  received %,d  %s%n", f.id(), f.localAddress(), f.localPort(),
                            f.remoteAddress(), f.remotePort(), f.bytesReceived(), f.state());
                }
            }
        }
        out.flush();
        return ok ? 0 : 1;
    }
}

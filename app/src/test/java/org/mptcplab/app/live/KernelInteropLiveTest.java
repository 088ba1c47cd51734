package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mptcplab.app.live.RootShell.must;
import static org.mptcplab.app.live.RootShell.onPath;
import static org.mptcplab.app.live.RootShell.run;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.IpAddress;

/**
 * The first real interop check: our stack, on a veth end in this JVM's namespace, against the
 * Linux kernel's MPTCP echo server in a namespace of its own. Needs root (namespaces, veth, pcap);
 * SKIPPED with a message otherwise.
 *
 * <p>Topology: veth {@code mlt<pid>a} stays in the root namespace (pcap4j can only open interfaces
 * of the JVM's own namespace) with no IP address at all and IPv6 off, so the host kernel never
 * answers for our address; {@code mlt<pid>b} is in {@code mptcplab-t<pid>} with 10.99.0.2/24.
 * Our stack is 10.99.0.1 with its own MAC and answers ARP itself. Offloads are off on both ends
 * (RECIPES.md: partial checksums otherwise). The capture of everything our side sent and
 * received is kept in {@code target/live-it/}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelInteropLiveTest {
    static final IpAddress OURS = IpAddress.parse("10.99.0.1");
    static final IpAddress KERNEL = IpAddress.parse("10.99.0.2");
    static final int PORT = 5999;
    static final int TOTAL = 100 * 1024;

    final long pid = ProcessHandle.current().pid();
    final String ns = "mptcplab-t" + pid;
    final String hostVeth = "mlt" + pid + "a";
    final String nsVeth = "mlt" + pid + "b";
    Process server;
    final List<String> serverOutput = new CopyOnWriteArrayList<>();
    LiveRunner runner;
    boolean created;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(RootShell.isRoot(),
                "SKIPPED: the live interop test needs root (it creates a network namespace and a veth pair and"
                        + " opens a pcap handle); run the build as root to include it");
        for (String c : List.of("ip", "ethtool", "nstat", "python3")) {
            assumeTrue(onPath(c), "SKIPPED: the live interop test needs `" + c + "` (RECIPES.md lists the packages)");
        }
        Path enabled = Paths.get("/proc/sys/net/mptcp/enabled");
        assumeTrue(Files.exists(enabled) && Files.readString(enabled).trim().equals("1"),
                "SKIPPED: the kernel has no MPTCP enabled (/proc/sys/net/mptcp/enabled)");
        try {
            PcapDevice.checkLibpcap();
        } catch (LiveDeviceException e) {
            assumeTrue(false, "SKIPPED: " + e.getMessage());
        }
        RootShell.removeStale("mlt", "mptcplab-t");
        created = true;
        must("ip", "netns", "add", ns);
        must("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth, "netns", ns);
        // The host kernel must stay out of our address: no IPv4 address on the veth, IPv6 off.
        Files.writeString(Paths.get("/proc/sys/net/ipv6/conf", hostVeth, "disable_ipv6"), "1");
        must("ethtool", "-K", hostVeth, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off");
        must("ip", "link", "set", hostVeth, "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
        must("ip", "-n", ns, "addr", "add", KERNEL + "/24", "dev", nsVeth);
        must("ip", "netns", "exec", ns, "ethtool", "-K", nsVeth, "tx", "off", "rx", "off", "tso", "off", "gso", "off",
                "gro", "off");
        must("ip", "-n", ns, "link", "set", nsVeth, "up");
        must("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.mptcp.enabled=1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (kernelCapture != null) {
            Thread.sleep(500);
            kernelCapture.destroy(); // SIGTERM: tshark finishes its file
            kernelCapture.waitFor(5, TimeUnit.SECONDS);
        }
        if (runner != null) {
            runner.stop();
        }
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        if (created) {
            run("ip", "netns", "del", ns);
            run("ip", "link", "del", hostVeth); // normally gone with its peer already
        }
    }

    static final String ECHO_SERVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', int(sys.argv[1])))",
            "s.listen(8)",
            "print('ready', flush=True)",
            "c, a = s.accept()",
            "print('accepted', a[0], a[1], flush=True)",
            "n = 0",
            "while True:",
            "    d = c.recv(65536)",
            "    if not d:",
            "        break",
            "    c.sendall(d)",
            "    n += len(d)",
            "c.close()",
            "print('echoed', n, flush=True)",
            "");

    Process kernelCapture;

    /**
     * With {@code -Dmptcplab.live.kernelCapture=true} (and tshark installed), also records what
     * the kernel's veth end sees, to {@code target/live-it/kernel-side.pcap}.
     */
    void maybeCaptureKernelSide() throws Exception {
        if (!Boolean.getBoolean("mptcplab.live.kernelCapture") || !onPath("tshark")) {
            return;
        }
        Path out = Paths.get("target", "live-it", "kernel-side.pcap").toAbsolutePath();
        Files.createDirectories(out.getParent());
        kernelCapture = new ProcessBuilder("ip", "netns", "exec", ns, "tshark", "-q", "-i", nsVeth, "-w", out.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(1500); // tshark needs a moment before it captures
    }

    void startServer() throws Exception {
        server = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-u", "-c", ECHO_SERVER, String.valueOf(PORT))
                .redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    serverOutput.add(line);
                    if (line.equals("ready")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            ready.complete(null);
        }, "echo-server-output");
        t.setDaemon(true);
        t.start();
        ready.get(10, TimeUnit.SECONDS);
        assertThat(serverOutput).as("the kernel echo server started").contains("ready");
    }

    /** Sends {@code data}, collects the echo, closes once all came back. */
    static final class EchoClient implements MptcpSocket.Handler {
        final byte[] data;
        int written;
        final ByteArrayOutputStream echo = new ByteArrayOutputStream();
        final byte[] buf = new byte[65536];
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final CompletableFuture<Void> echoed = new CompletableFuture<>();
        boolean fallback;

        EchoClient(byte[] data) {
            this.data = data;
        }

        @Override
        public void onConnected(long now, MptcpSocket s) {
            fallback = s.isFallback();
            pump(now, s);
        }

        @Override
        public void onWritable(long now, MptcpSocket s) {
            pump(now, s);
        }

        void pump(long now, MptcpSocket s) {
            while (written < data.length) {
                int n = s.write(now, data, written, data.length - written);
                if (n <= 0) {
                    return;
                }
                written += n;
            }
        }

        @Override
        public void onReadable(long now, MptcpSocket s) {
            int n;
            while ((n = s.read(now, buf, 0, buf.length)) > 0) {
                echo.write(buf, 0, n);
            }
            if (echo.size() >= data.length && !echoed.isDone()) {
                echoed.complete(null);
                s.close(now);
            }
        }

        @Override
        public void onClosed(long now, MptcpSocket s, String reason) {
            closed.complete(reason == null ? "orderly" : "reset: " + reason);
        }
    }

    /** Every counter of {@code ns} (nstat names, e.g. MPTcpExtMPCapableSYNRX, TcpExtTCPOFOQueue). */
    static Map<String, Long> nstat(String ns) throws Exception {
        // -a absolute, -s do not touch nstat's history file (others may use it), -z zeros too.
        String out = must("ip", "netns", "exec", ns, "nstat", "-asz");
        Map<String, Long> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && !f[0].startsWith("#") && f[1].matches("\\d+")) {
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    /** The MPTcpExt counters without their prefix. */
    static Map<String, Long> mptcp(Map<String, Long> all) {
        Map<String, Long> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("MPTcpExt")) {
                m.put(k.substring("MPTcpExt".length()), v);
            }
        });
        return m;
    }

    @Test
    void mpCapableClientEchoes100KbThroughTheKernelsMptcpServer() throws Exception {
        maybeCaptureKernelSide();
        startServer();
        long seed = 20261101L;
        MptcpStack stack = new MptcpStack("live", StackConfig.defaults(), seed);
        stack.addAddress(0, OURS, 24);
        LinkLayer link = new LinkLayer(stack).addInterface(0, LinkLayer.derivedMac(seed, 0)).addAddress(0, OURS, 24);
        PcapDevice device = PcapDevice.open(hostVeth);
        Path dir = Paths.get("target", "live-it");
        Files.createDirectories(dir);
        Path pcap = dir.resolve("kernel-echo.pcap"); // the last run's, for tshark
        runner = new LiveRunner(link, Map.of(0, device)).recordTo(pcap);
        runner.start();

        byte[] data = new byte[TOTAL];
        new SplittableRandom(seed).nextBytes(data);
        EchoClient client = new EchoClient(data);
        long t0 = System.nanoTime();
        runner.submit(() -> stack.run(runner.now(), () -> stack.connect(runner.now(), KERNEL, PORT, client)));

        try {
            client.echoed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no complete echo within 10 s (runner failure: " + runner.failure()
                    + ", send errors " + runner.sendErrors() + " (last: " + runner.lastSendError() + ")"
                    + ", device failures " + runner.deviceFailures() + ", link counters " + onStack(link::counters)
                    + ", stack counters " + onStack(() -> nonZero(stack)) + ", server said " + serverOutput
                    + ", capture " + pcap + ")", e);
        }
        long echoMillis = (System.nanoTime() - t0) / 1_000_000;
        String closing = client.closed.get(10, TimeUnit.SECONDS);
        assertThat(server.waitFor(5, TimeUnit.SECONDS)).as("the echo server ends after our close").isTrue();
        Map<String, Long> kernelAll = nstat(ns);
        Map<String, Long> kernel = mptcp(kernelAll);
        Map<Mib, Long> ours = onStack(() -> nonZero(stack));
        Map<LinkLayer.Counter, Long> linkCounters = onStack(link::counters);
        runner.stop();

        System.out.println("[live interop] echo of " + TOTAL + " bytes in " + echoMillis + " ms; close: " + closing
                + "; fallback: " + client.fallback);
        System.out.println("[live interop] kernel (nstat -az in " + ns + ", non-zero MPTcpExt): " + nonZero(kernel));
        Map<String, Long> tcp = new TreeMap<>(nonZero(kernelAll));
        tcp.keySet().removeIf(k -> !k.startsWith("Tcp"));
        System.out.println("[live interop] kernel (non-zero Tcp*): " + tcp);
        System.out.println("[live interop] our stack counters: " + ours);
        System.out.println("[live interop] link layer: " + linkCounters);
        System.out.println("[live interop] runner: sent " + runner.framesSent() + ", received " + runner.framesReceived()
                + ", send errors " + runner.sendErrors() + ", capture " + pcap.toAbsolutePath());
        System.out.println("[live interop] server: " + serverOutput);

        assertThat(runner.failure()).isNull();
        assertThat(client.fallback).as("MP_CAPABLE negotiated, no fallback").isFalse();
        assertThat(Arrays.equals(client.echo.toByteArray(), data)).as("echo byte for byte").isTrue();
        assertThat(closing).isEqualTo("orderly");
        assertThat(serverOutput).contains("echoed " + TOTAL);
        assertThat(kernel.get("MPCapableSYNRX")).isEqualTo(1L);
        assertThat(kernel.get("MPCapableACKRX")).isEqualTo(1L);
        assertThat(kernel.getOrDefault("MPFallbackTokenInit", 0L)).isZero();
        assertThat(kernel.getOrDefault("MPCapableFallbackACK", 0L)).isZero();
        assertThat(kernel.getOrDefault("DSSNotMatching", 0L)).isZero();
        assertThat(kernel.getOrDefault("MPRstRx", 0L)).isZero();
        assertThat(runner.sendErrors()).isZero();
        assertThat(linkCounters.get(LinkLayer.Counter.OVER_MTU)).isZero();
    }

    <T> T onStack(java.util.function.Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        runner.submit(() -> f.complete(s.get()));
        return f.get(5, TimeUnit.SECONDS);
    }

    static Map<Mib, Long> nonZero(MptcpStack stack) {
        Map<Mib, Long> m = new TreeMap<>();
        stack.observer().counters().forEach((k, v) -> {
            if (v != 0) {
                m.put(k, v);
            }
        });
        return m;
    }

    static Map<String, Long> nonZero(Map<String, Long> all) {
        Map<String, Long> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (v != 0) {
                m.put(k, v);
            }
        });
        return m;
    }
}

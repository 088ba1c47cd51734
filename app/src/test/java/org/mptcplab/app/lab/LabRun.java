package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mptcplab.app.cli.Json;

/**
 * Runs our CLI inside the lab's client namespace (pcap opens interfaces of its own namespace only)
 * and reads the evidence: its JSON, the kernel's MPTcpExt counters, the kernel peer's log.
 */
final class LabRun {
    /**
     * A fresh seed per run: the same seed gives the same port and ISN, and the kernel still holds
     * the last connection of that 4-tuple in TIME_WAIT (it answers our SYN with an ACK, and the
     * handshake loses a second to the SYN's retransmission).
     */
    private static final AtomicLong SEED = new AtomicLong(System.nanoTime() & 0xffffffL);

    private LabRun() {
    }

    /** Brings {@code lab} up, or skips the calling test class with what is missing (root, kernel MPTCP...). */
    static void upOrSkip(Lab lab, Lab.Config cfg) throws Exception {
        List<String> missing = Lab.missingRequirements();
        org.junit.jupiter.api.Assumptions.assumeTrue(missing.isEmpty(),
                "skipped: kernel interop needs " + String.join("; ", missing));
        lab.up(cfg);
    }

    /**
     * The kernel as MPTCP client: a python3 socket in the server namespace connects to our stack
     * at {@code addr}:{@code port} (retrying while it starts), sends {@code bytes} seeded random
     * bytes, half-closes, waits for our close; prints the SHA-256 of what it sent.
     */
    static Lab.Result kernelUpload(String addr, int port, int bytes, int seed) {
        String family = addr.contains(":") ? "socket.AF_INET6" : "socket.AF_INET";
        String py = "import socket,hashlib,random,time\n"
                + "d=random.Random(" + seed + ").randbytes(" + bytes + ")\n"
                + "for i in range(100):\n"
                + "    try:\n"
                + "        s=socket.socket(" + family + ",socket.SOCK_STREAM,262); s.settimeout(3); s.connect(('" + addr + "',"
                + port + ")); break\n"
                + "    except OSError:\n"
                + "        s.close(); time.sleep(0.1)\n"
                // Never a hang: once Linux 6.18 left a SYN of this client unanswered in SYN-SENT
                // for ten minutes without retransmitting it, and the test waited with it.
                + "s.settimeout(60)\n"
                + "s.sendall(d); s.shutdown(socket.SHUT_WR)\n"
                + "while s.recv(65536): pass\n"
                + "s.close(); print(hashlib.sha256(d).hexdigest())\n";
        return Lab.run("ip", "netns", "exec", Lab.SERVER_NS, "python3", "-c", py);
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", Lab.CLIENT_NS,
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                "org.mptcplab.app.Launcher"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@code connect --lab --json ARGS}. */
    static Process start(String... args) throws Exception {
        List<String> cmd = javaCommand("connect", "--lab", "--json", "--timeout", "30s", "--seed",
                Long.toString(SEED.incrementAndGet()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits for a started connect; it must exit 0; returns its JSON. */
    static Map<String, Object> finish(Process p, String what) throws Exception {
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("%s ended", what).isTrue();
        assertThat(p.exitValue()).as("%s exited %d: %s", what, p.exitValue(), out).isZero();
        return Json.object(out.trim());
    }

    static Map<String, Object> connect(String... args) throws Exception {
        return finish(start(args), "connect " + String.join(" ", args));
    }

    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long x = v - before.getOrDefault(k, 0L);
            if (x != 0) {
                d.put(k, x);
            }
        });
        return d;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        return (List<Map<String, Object>>) json.get(key);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    static long num(Object o) {
        return ((BigDecimal) o).longValueExact();
    }

    static double dbl(Object o) {
        return ((BigDecimal) o).doubleValue();
    }

    /** The subflows of a report that left from interface {@code iface}. */
    static List<Map<String, Object>> subflowsOn(Map<String, Object> json, String iface) {
        return list(json, "subflows").stream().filter(f -> iface.equals(f.get("interface"))).toList();
    }

    /** The kernel sink received exactly what we sent: its log has our byte count and SHA-256. */
    static void assertKernelSinkGot(Map<String, Object> json, long bytes) throws Exception {
        assertThat(json.get("stream_intact")).isEqualTo(true);
        String sha = (String) json.get("sha256_sent");
        String peerLog = Files.readString(Lab.STATE_DIR.resolve("peer.log"));
        assertThat(peerLog).contains("bytes=" + bytes + " sha256=" + sha);
    }

    /** Polls the kernel's counters until {@code counter} rose by {@code by} over {@code before}. */
    static void awaitKernel(Map<String, Long> before, String counter, long by, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (Lab.kernelCounters().getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L) < by) {
            assertThat(System.nanoTime()).as("kernel %s +%d within %d ms", counter, by, timeoutMillis).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

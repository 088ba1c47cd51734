package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INTEROP.md scenarios against the Linux kernel, our stack as the client, through the lab: the
 * CLI runs inside the lab's client namespace (pcap opens interfaces of its own namespace only)
 * and the kernel's MPTcpExt counters are the evidence. Needs root and kernel MPTCP; skipped with
 * the reason otherwise. The lab is removed afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelInteropScenariosTest {
    static final StringWriter LOG = new StringWriter();
    static final Lab LAB = new Lab(new PrintWriter(LOG, true));

    @BeforeAll
    static void up() throws Exception {
        LabRun.upOrSkip(LAB, new Lab.Config(2, List.of(), false));
    }

    @AfterAll
    static void down() {
        if (Lab.missingRequirements().isEmpty()) {
            LAB.down();
        }
    }

    /** A different seed per run: the same seed reuses a 4-tuple the kernel may still hold in TIME_WAIT. */
    static final java.util.concurrent.atomic.AtomicLong SEED = new java.util.concurrent.atomic.AtomicLong(8684);

    /** Runs {@code connect --lab ARGS --json} in the client namespace (IPv6 with {@code v6}); returns its output. */
    static String connect(boolean v6, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", Lab.CLIENT_NS,
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                "org.mptcplab.app.Launcher", "connect", "--lab", "--json", "--timeout", "30s", "--seed",
                Long.toString(SEED.incrementAndGet())));
        if (v6) {
            cmd.add("--ipv6");
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        int exit = p.waitFor();
        assertThat(exit).as("connect %s exited %d: %s %s", List.of(args), exit, out, err).isZero();
        return out;
    }

    /** One of our MPTcpExt-style counters from connect's JSON ("counters"), 0 when absent. */
    static long counter(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"counters\":\\{[^}]*\"" + name + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        return LabRun.delta(before, after);
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(1)
    void scenario1MpCapableClientEchoesAMegabyteEachWay(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        String out = connect(v6, "--echo", "1M");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(out).contains("\"stream_intact\":true", "\"fallback\":false");
        assertThat(k.get("MPCapableSYNRX")).isEqualTo(1L);
        assertThat(k.get("MPCapableACKRX")).isEqualTo(1L);
        assertThat(k.getOrDefault("MPFallbackTokenInit", 0L)).isZero();
        assertThat(k.getOrDefault("MPRstRx", 0L)).isZero();
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(2)
    void scenario3PlainTcpServerGivesAFallbackThatWorks(boolean v6) throws Exception {
        String out = connect(v6, "--plain-tcp-server", "--echo", "300K");
        assertThat(out).contains("\"stream_intact\":true", "\"fallback\":true");
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(3)
    void scenarios4And6TheKernelAnnouncesWeEchoAndJoin(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        // The kernel announces one address at a time and may send the second after a short
        // transfer ended: the connection lingers so that every announcement and the join happen.
        String out = connect(v6, "--bytes", "5M", "--linger", "3s");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(out).contains("\"stream_intact\":true", "\"MPJoinSynAckRx\":1");
        // The lab announces path 2 in both families; we echo both and join the one of our family.
        // Linux 6.18 may re-send an announcement once its ADD_ADDR timer fires (RFC 8684 3.4.1
        // makes the echo the acknowledgement; it re-sent id 1 ~0.65 s later though it had counted
        // our echo): every ADD_ADDR it sent reached us and every echo we sent reached it.
        long received = counter(out, "AddAddr");
        long echoed = counter(out, "EchoAddTx");
        assertThat(k.get("AddAddrTx")).isGreaterThanOrEqualTo(2L).isEqualTo(received);
        assertThat(echoed).isEqualTo(received);
        assertThat(k.get("EchoAdd")).isEqualTo(echoed);
        assertThat(k.get("MPJoinSynRx")).isEqualTo(1L);
        assertThat(k.get("MPJoinAckRx")).isEqualTo(1L);
        assertThat(k.getOrDefault("MPJoinAckHMacFailure", 0L)).isZero();
        // The kernel's sink saw exactly our bytes: its SHA-256 equals ours.
        String sha = out.replaceAll(".*\"sha256_sent\":\"([0-9a-f]{64})\".*", "$1").trim();
        String peerLog = java.nio.file.Files.readString(Lab.STATE_DIR.resolve("peer.log"));
        assertThat(peerLog).contains("bytes=5000000 sha256=" + sha);
    }

    @Test
    @Order(4)
    void ipv6EchoWithDssChecksums() throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        String out = connect(true, "--checksum", "--echo", "500K");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(out).contains("\"stream_intact\":true", "\"fallback\":false");
        assertThat(k.getOrDefault("DataCsumErr", 0L)).isZero();
        assertThat(k.get("MPCapableACKRX")).isEqualTo(1L);
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(5)
    void scenarios2And7TheKernelConnectsToUsAndJoins(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", Lab.CLIENT_NS,
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                "org.mptcplab.app.Launcher", "listen", "--lab", "--port", "7000", "--json", "--timeout", "30s",
                "--seed", Long.toString(SEED.incrementAndGet())));
        if (v6) {
            cmd.add("--ipv6");
        }
        Process server = new ProcessBuilder(cmd).start();
        // The kernel client: an MPTCP socket in the server namespace sends 2 MB and closes.
        Lab.Result client = LabRun.kernelUpload(v6 ? "fd00:1::1" : "10.1.0.1", 7000, 2_000_000, 1);
        String out = new String(server.getInputStream().readAllBytes());
        int exit = server.waitFor();
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(client.exit()).as(client.output()).isZero();
        assertThat(exit).as(out).isZero();
        String sha = client.output().trim();
        assertThat(out).contains("\"bytes\":2000000", "\"sha256_received\":\"" + sha + "\"", "\"fallback\":false");
        assertThat(k.get("MPCapableSYNTX")).isEqualTo(1L);
        assertThat(k.get("MPCapableSYNACKRX")).isEqualTo(1L);
        // We announce our second address; the kernel client accepts it and joins (the role of
        // scenario 7: the kernel opens the join, we accept it).
        assertThat(k.get("MPJoinSynTx")).isEqualTo(1L);
        assertThat(k.get("MPJoinSynAckRx")).isEqualTo(1L);
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(6)
    void scenario10FastcloseWithTheRightKey(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        String out = connect(v6, "--echo", "200K", "--fastclose");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(out).contains("\"stream_intact\":true");
        assertThat(k.get("MPFastcloseRx")).isEqualTo(1L);
        assertThat(java.nio.file.Files.readString(Lab.STATE_DIR.resolve("peer.log"))).contains("echo-mptcp with " + (v6 ? "fd00:1::1" : "10.1.0.1") + " ended");
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(7)
    void scenario5NoSubflowsAllowedTheFirstSubflowKeepsWorking(boolean v6) throws Exception {
        Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "limits", "set", "subflows", "0", "add_addr_accepted", "8");
        try {
            Map<String, Long> before = Lab.kernelCounters();
            String out = connect(v6, "--bytes", "2M");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertThat(out).contains("\"stream_intact\":true", "\"fallback\":false");
            // No join is accepted (RFC 8684 3.2 lets the server refuse; the kernel may not even announce).
            assertThat(k.getOrDefault("MPJoinAckRx", 0L)).isZero();
            assertThat(k.get("MPCapableACKRX")).isEqualTo(1L);
        } finally {
            Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "limits", "set", "subflows", "8", "add_addr_accepted", "8");
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(8)
    void scenario12TheKernelRequiresChecksums(boolean v6) throws Exception {
        Lab.run("ip", "netns", "exec", Lab.SERVER_NS, "sysctl", "-q", "-w", "net.mptcp.checksum_enabled=1");
        try {
            Map<String, Long> before = Lab.kernelCounters();
            String out = connect(v6, "--echo", "1M");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertThat(out).contains("\"stream_intact\":true", "\"fallback\":false");
            assertThat(k.getOrDefault("DataCsumErr", 0L)).isZero();
            assertThat(k.get("MPCapableACKRX")).isEqualTo(1L);
        } finally {
            Lab.run("ip", "netns", "exec", Lab.SERVER_NS, "sysctl", "-q", "-w", "net.mptcp.checksum_enabled=0");
        }
    }

    /**
     * What the live mode records (every frame sent and received, with a join, DSS checksums on the
     * IPv6 run) is read by tshark with its MPTCP analysis and TCP checksum checks on: no expert
     * error or warning, nothing malformed, and our DSS mappings are there to read.
     */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    @Order(9)
    void liveRecordingsReadCleanlyInTshark(boolean v6, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/tshark")),
                "skipped: tshark is not installed (apt-get install tshark)");
        java.nio.file.Path pcap = dir.resolve("live-" + (v6 ? "v6" : "v4") + ".pcap");
        String out = v6 ? connect(true, "--checksum", "--echo", "300K", "--linger", "3s", "--pcap", pcap.toString())
                : connect(false, "--bytes", "2M", "--linger", "3s", "--pcap", pcap.toString());
        assertThat(out).contains("\"stream_intact\":true", "\"MPJoinSynAckRx\":1");
        Process t = new ProcessBuilder("tshark", "-r", pcap.toString(), "-o", "mptcp.analyze_mptcp:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-q", "-z", "expert,warn").redirectErrorStream(true).start();
        String expert = new String(t.getInputStream().readAllBytes());
        assertThat(t.waitFor()).isZero();
        assertThat(expert).as("tshark expert report").doesNotContain("Errors (").doesNotContain("Malformed");
        // Warnings: none about how a packet is formed (groups Malformed, Protocol, Checksum...).
        // TCP's "Sequence" group is tshark's analysis of what the network did (a segment filling
        // the receiver's window, a frame the capture did not see, reordering): live paths do that.
        List<String> warnings = new ArrayList<>();
        boolean inWarns = false;
        for (String line : expert.split("\n")) {
            if (line.startsWith("Warns (")) {
                inWarns = true;
            } else if (inWarns && line.matches("\\s+\\d+\\s+\\S+\\s+\\S+\\s+.*")) {
                warnings.add(line.trim());
            } else if (inWarns && line.matches("\\S.*\\(\\d+\\)")) {
                inWarns = false;
            }
        }
        assertThat(warnings).as("tshark expert warnings").allMatch(w -> w.matches("\\d+\\s+Sequence\\s+TCP\\s+.*"));
        // Our data segments (on the joined subflow for the upload; the echo's are on either).
        // Either subflow: which one the scheduler filled depends on when the join completed.
        String ours = v6 ? "(ipv6.src==fd00:1::1 || ipv6.src==fd00:2::1)" : "(ip.src==10.1.0.1 || ip.src==10.2.0.1)";
        Process d = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", ours + " && tcp.options.mptcp.rawdataseqno && tcp.len>0",
                "-T", "fields", "-e", "frame.number").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long mapped = new String(d.getInputStream().readAllBytes()).lines().count();
        d.waitFor();
        assertThat(mapped).as("our data segments with a DSS mapping").isPositive();
    }

    /**
     * Live paths that look slower than the veths: {@code --impair} delays every frame 25 ms each
     * way in our backend (netem is not in this kernel), so each subflow's smoothed RTT is above
     * 50 ms where the bare lab has well under 10 ms; the stream stays intact.
     */
    @Test
    @Order(10)
    void impairedPathsHaveTheAddedDelay() throws Exception {
        String out = connect(false, "--bytes", "1M", "--impair", "mlc1=delay=25ms", "--impair", "mlc2=delay=25ms,loss=0.5%");
        assertThat(out).contains("\"stream_intact\":true");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"srtt_ms\":([0-9.]+)").matcher(out);
        int n = 0;
        while (m.find()) {
            assertThat(Double.parseDouble(m.group(1))).as("srtt of subflow %d in %s", n, out).isGreaterThan(50.0);
            n++;
        }
        assertThat(n).as("subflows").isEqualTo(2);
    }
}

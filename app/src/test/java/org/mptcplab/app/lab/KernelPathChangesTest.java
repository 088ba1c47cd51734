package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.app.lab.LabRun.assertKernelSinkGot;
import static org.mptcplab.app.lab.LabRun.awaitKernel;
import static org.mptcplab.app.lab.LabRun.delta;
import static org.mptcplab.app.lab.LabRun.list;
import static org.mptcplab.app.lab.LabRun.map;
import static org.mptcplab.app.lab.LabRun.num;
import static org.mptcplab.app.lab.LabRun.subflowsOn;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INTEROP.md scenarios 8 (an address removed mid-transfer, both directions) and 9 (backup paths:
 * the MP_JOIN B flag and MP_PRIO) against the Linux kernel, over IPv4 and IPv6. Two paths of
 * 20 Mbit/s each (tbf from `lab up`), so that a transfer of a few MB lasts long enough for a
 * change to land in its middle. A lab of its own: changing the rates of a running lab made joins
 * go unanswered. Needs root and kernel MPTCP; skipped with the reason otherwise.
 */
class KernelPathChangesTest {
    static final StringWriter LOG = new StringWriter();
    static final Lab LAB = new Lab(new PrintWriter(LOG, true));

    @BeforeAll
    static void up() throws Exception {
        LabRun.upOrSkip(LAB, new Lab.Config(2, List.of("20mbit"), false));
    }

    @AfterAll
    static void down() {
        if (Lab.missingRequirements().isEmpty()) {
            LAB.down();
        }
    }

    static String[] family(boolean v6) {
        return v6 ? new String[] {"--ipv6"} : new String[0];
    }

    static String kernelPath2(boolean v6) {
        return v6 ? "fd00:2::2" : "10.2.0.2";
    }

    static String[] args(boolean v6, String... more) {
        String[] f = family(v6);
        String[] all = new String[f.length + more.length];
        System.arraycopy(f, 0, all, 0, f.length);
        System.arraycopy(more, 0, all, f.length, more.length);
        return all;
    }

    /** Scenario 8, the kernel's side: it deletes its signal endpoint while we upload over it. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void scenario8TheKernelRemovesItsAddressMidTransfer(boolean v6) throws Exception {
        String addr = kernelPath2(v6);
        int id = Lab.endpointId(addr);
        assertThat(id).as("the lab's signal endpoint for %s", addr).isPositive();
        Map<String, Long> before = Lab.kernelCounters();
        Process p = LabRun.start(args(v6, "--bytes", "5M", "--no-link-watch"));
        try {
            // Our join toward the announced address is up: then the kernel takes the address away.
            awaitKernel(before, "MPJoinAckRx", 1, 10_000);
            Thread.sleep(300);
            assertThat(Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "delete", "id", Integer.toString(id)).exit())
                    .isZero();
            Map<String, Object> json = LabRun.finish(p, "connect (scenario 8, kernel side)");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertKernelSinkGot(json, 5_000_000);
            // The kernel sent REMOVE_ADDR and closed its subflow on that address; nobody reset anything.
            assertThat(k.get("RmAddrTx")).as("kernel %s", k).isEqualTo(1L);
            assertThat(k.get("RmSubflow")).as("kernel %s", k).isEqualTo(1L);
            assertThat(k.getOrDefault("MPRstRx", 0L)).isZero();
            Map<String, Object> ours = map(json, "counters");
            assertThat(num(ours.get("RmAddr"))).isEqualTo(1);
            List<Map<String, Object>> path2 = subflowsOn(json, "mlc2");
            assertThat(path2).hasSize(1);
            assertThat(path2.get(0).get("state")).isEqualTo("CLOSED");
            assertThat(num(subflowsOn(json, "mlc1").get(0).get("bytes"))).isPositive();
        } finally {
            p.destroyForcibly();
            // The lab as before for the tests that follow.
            Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "add", addr, "id", Integer.toString(id), "dev", "mls2",
                    "signal");
        }
    }

    /** Scenario 8, our side: --path-down sends REMOVE_ADDR; --path-up joins again. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void scenario8WeRemoveAnAddressAndLaterRestoreIt(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        // The first join must happen before mlc2 goes down: the lab announces path 2 in both
        // families, and the kernel sends one ADD_ADDR at a time, the next after the first is echoed
        // or its timer fires; for IPv6, announced second, that was 1.13 s after the start in a
        // loaded full run (after the old down time of 1 s: no first join, so no rejoin to count).
        // --linger: an 8 MB transfer can end before mlc2 comes back on a fast run; the connection
        // must still be open then, or there is nothing to join; 3 s leaves room for a join SYN that
        // waits for neighbour discovery or is sent again after the initial RTO (1 s).
        String[] run = args(v6, "--bytes", "8M", "--no-link-watch", "--path-down", "mlc2@2s", "--path-up", "mlc2@2.6s",
                "--linger", "3s");
        Map<String, Object> json = LabRun.connect(run);
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        if (k.getOrDefault("MPJoinSynRx", 0L) != 2L) {
            // Seen in loaded full runs (IPv6 only) while the path went down at 1 s: the IPv6
            // announcement came after it (see above). Should it happen again, it is said loudly,
            // with our events, and tried once more; the second run must pass every check below.
            System.out.println("[scenario 8] ipv6=" + v6 + " FLAKE: the kernel saw no rejoin (" + k + "); our events: "
                    + json.get("events") + "; path events: " + json.get("path_events") + "; running it again");
            before = Lab.kernelCounters();
            json = LabRun.connect(run);
            k = delta(before, Lab.kernelCounters());
        }
        assertKernelSinkGot(json, 8_000_000);
        // The kernel received our REMOVE_ADDR and closed its subflow for it (RmAddr counts that), no MP_TCPRST.
        assertThat(k.get("RmAddr")).as("kernel %s", k).isEqualTo(1L);
        assertThat(k.getOrDefault("MPRstRx", 0L)).as("kernel %s", k).isZero();
        assertThat(num(map(json, "counters").get("RmAddrTx"))).isEqualTo(1);
        // After --path-up: a second join from mlc2.
        assertThat(k.get("MPJoinSynRx")).as("kernel %s", k).isEqualTo(2L);
        assertThat(subflowsOn(json, "mlc2")).hasSize(2);
        assertThat(list(json, "path_events")).extracting(e -> e.get("action")).containsExactly("down", "up");
    }

    /** Scenario 9a: our join from mlc2 is a backup (B flag); nothing is sent there while mlc1 works. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void scenario9aWeJoinAsBackupAndSendNothingThere(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Map<String, Object> json = LabRun.connect(args(v6, "--bytes", "3M", "--backup", "mlc2"));
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertKernelSinkGot(json, 3_000_000);
        assertThat(k.get("MPJoinSynBackupRx")).as("kernel %s", k).isEqualTo(1L);
        assertThat(k.get("MPJoinAckRx")).as("kernel %s", k).isEqualTo(1L);
        List<Map<String, Object>> backup = subflowsOn(json, "mlc2");
        assertThat(backup).hasSize(1);
        assertThat(backup.get(0).get("backup")).isEqualTo(true);
        // RFC 8684 3.3.8: a backup subflow carries data only when no regular one is usable.
        assertThat(num(backup.get(0).get("bytes"))).isZero();
        assertThat(num(subflowsOn(json, "mlc1").get(0).get("bytes"))).isEqualTo(3_000_000);
    }

    /** Scenario 9b: mid-transfer we send MP_PRIO (backup) on the mlc2 subflow; the kernel counts it, mlc2 goes quiet. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void scenario9bMpPrioMakesAPathBackupMidTransfer(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Map<String, Object> json = LabRun.connect(args(v6, "--bytes", "6M", "--backup", "mlc2@1.2s"));
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertKernelSinkGot(json, 6_000_000);
        assertThat(k.get("MPPrioRx")).as("kernel %s", k).isEqualTo(1L);
        assertThat(num(map(json, "counters").get("MPPrioTx"))).isEqualTo(1);
        List<Map<String, Object>> path2 = subflowsOn(json, "mlc2");
        assertThat(path2).hasSize(1);
        assertThat(path2.get(0).get("backup")).isEqualTo(true);
        // Data placement: what mlc2 had sent when MP_PRIO went out is (nearly) all it ever sent.
        String detail = (String) list(json, "path_events").get(0).get("detail");
        assertThat(detail).matches("MP_PRIO on subflow \\d+ after \\d+ bytes sent");
        long atPrio = Long.parseLong(detail.replaceAll(".* after (\\d+) bytes sent", "$1"));
        long total = num(path2.get(0).get("bytes"));
        assertThat(atPrio).as("mlc2 carried data before MP_PRIO").isPositive();
        assertThat(total - atPrio).as("bytes sent on mlc2 after MP_PRIO (total %d)", total).isLessThan(64 * 1024);
    }

    /**
     * Scenario 8 with our stack as the server: the kernel client uploads and joins toward the
     * address we announce; {@code listen --path-down mlc2@1s} withdraws it (REMOVE_ADDR), the kernel
     * closes that subflow and the data goes on over mlc1, byte-exact.
     */
    @org.junit.jupiter.api.Test
    void scenario8AsServerWeRemoveTheAddressTheKernelJoined() throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Process server = new ProcessBuilder(LabRun.javaCommand("listen", "--lab", "--port", "7100", "--json", "--timeout",
                "30s", "--no-link-watch", "--path-down", "mlc2@1s")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Lab.Result client = LabRun.kernelUpload("10.1.0.1", 7100, 8_000_000, 8);
        Map<String, Object> json = LabRun.finish(server, "listen --path-down");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(client.exit()).as(client.output()).isZero();
        assertThat(num(json.get("bytes"))).isEqualTo(8_000_000L);
        assertThat(json.get("sha256_received")).isEqualTo(client.output().trim());
        assertThat(k.get("MPJoinSynTx")).as("kernel %s", k).isEqualTo(1L);
        assertThat(k.get("RmAddr")).as("kernel %s", k).isEqualTo(1L);
        assertThat(k.getOrDefault("MPRstRx", 0L)).as("kernel %s", k).isZero();
        assertThat(num(map(json, "counters").get("RmAddrTx"))).isEqualTo(1);
        assertThat(list(json, "path_events")).extracting(e -> e.get("action")).containsExactly("down");
    }

    /**
     * Scenario 9 from the kernel's side: it marks the endpoint our join went to as backup
     * ({@code ip mptcp endpoint change id N backup}) mid-upload and sends MP_PRIO on that subflow;
     * we honour it: almost nothing more goes there while mlc1 works (RFC 8684 3.3.8).
     */
    @org.junit.jupiter.api.Test
    void scenario9cTheKernelsMpPrioMakesOurSubflowBackup() throws Exception {
        String addr = kernelPath2(false);
        int id = Lab.endpointId(addr);
        assertThat(id).as("the lab's signal endpoint for %s", addr).isPositive();
        Map<String, Long> before = Lab.kernelCounters();
        Process p = LabRun.start("--bytes", "8M", "--no-link-watch");
        try {
            awaitKernel(before, "MPJoinAckRx", 1, 10_000);
            Thread.sleep(500); // both subflows carry data for a while
            assertThat(Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "change", "id", Integer.toString(id), "backup")
                    .exit()).isZero();
            Map<String, Object> json = LabRun.finish(p, "connect (scenario 9, kernel MP_PRIO)");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertKernelSinkGot(json, 8_000_000);
            assertThat(k.get("MPPrioTx")).as("kernel %s", k).isEqualTo(1L);
            assertThat(num(map(json, "counters").get("MPPrioRx"))).isEqualTo(1);
            Map<String, Object> prio = list(json, "events").stream()
                    .filter(e -> "MP_PRIO".equals(e.get("kind")) && String.valueOf(e.get("detail")).contains("to backup"))
                    .findFirst().orElseThrow();
            long atPrio = Long.parseLong(String.valueOf(prio.get("detail")).replaceAll(".*after (\\d+) bytes.*", "$1"));
            Map<String, Object> sf2 = subflowsOn(json, "mlc2").get(0);
            assertThat(atPrio).as("mlc2 carried data before MP_PRIO").isPositive();
            assertThat(num(sf2.get("bytes")) - atPrio).as("bytes sent on mlc2 after MP_PRIO").isLessThan(64 * 1024);
            assertThat(num(subflowsOn(json, "mlc1").get(0).get("bytes"))).isGreaterThan(4_000_000L);
        } finally {
            p.destroyForcibly();
            Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "change", "id", Integer.toString(id), "nobackup");
        }
    }
}

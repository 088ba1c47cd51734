package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.app.lab.LabRun.assertKernelSinkGot;
import static org.mptcplab.app.lab.LabRun.awaitKernel;
import static org.mptcplab.app.lab.LabRun.dbl;
import static org.mptcplab.app.lab.LabRun.delta;
import static org.mptcplab.app.lab.LabRun.list;
import static org.mptcplab.app.lab.LabRun.num;
import static org.mptcplab.app.lab.LabRun.subflowsOn;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INTEROP.md scenario 11 (a path's link goes down mid-transfer: handover, stall measured) and the
 * live link watcher (down, then up again: REMOVE_ADDR, then a new join), against the Linux kernel.
 * Its own lab with two 20 Mbit/s paths, made by {@code lab up} with the rates from the start (a
 * qdisc replaced in a running lab left joins unanswered); the link is set up again and the lab
 * removed at the end. Needs root and kernel MPTCP; skipped with the reason otherwise.
 */
class KernelLinkDownTest {
    static final StringWriter LOG = new StringWriter();
    static final Lab LAB = new Lab(new PrintWriter(LOG, true));

    @BeforeAll
    static void up() throws Exception {
        LabRun.upOrSkip(LAB, new Lab.Config(2, List.of("20mbit"), false));
    }

    @AfterEach
    void linkBackUp() {
        if (Lab.missingRequirements().isEmpty()) {
            Lab.run("ip", "-n", Lab.CLIENT_NS, "link", "set", "mlc2", "up");
        }
    }

    @AfterAll
    static void down() {
        if (Lab.missingRequirements().isEmpty()) {
            LAB.down();
        }
    }

    static void link(String state) {
        assertThat(Lab.run("ip", "-n", Lab.CLIENT_NS, "link", "set", "mlc2", state).exit()).isZero();
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void scenario11ALinkGoesDownMidTransferAndTheOtherPathFinishesIt(boolean v6) throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Process p = v6 ? LabRun.start("--ipv6", "--bytes", "6M") : LabRun.start("--bytes", "6M");
        try {
            awaitKernel(before, "MPJoinAckRx", 1, 10_000);
            Thread.sleep(700); // both paths carry data by now
            link("down");
            Map<String, Object> json = LabRun.finish(p, "connect (scenario 11)");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertKernelSinkGot(json, 6_000_000);
            assertThat(num(subflowsOn(json, "mlc2").get(0).get("bytes"))).as("mlc2 carried data before").isPositive();
            // The stall: the longest time our data-level acknowledgement did not move.
            double stall = dbl(json.get("max_stall_ms"));
            assertThat(stall).as("max_stall_ms").isPositive().isLessThan(10_000);
            // The link watcher saw it and the stack told the kernel over mlc1 (REMOVE_ADDR).
            assertThat(list(json, "path_events")).extracting(e -> e.get("action")).contains("link down", "down");
            assertThat(k.get("RmAddr")).as("kernel %s", k).isEqualTo(1L);
            assertThat(k.getOrDefault("MPRstRx", 0L)).as("kernel %s", k).isZero();
            System.out.println("[scenario 11] ipv6=" + v6 + " max_stall_ms=" + stall + " kernel " + k);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Live mode: the link goes down and comes back during a longer transfer; after up we join again. */
    @Test
    void theLinkWatcherRemovesTheAddressOnDownAndJoinsAgainOnUp() throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Process p = LabRun.start("--bytes", "12M");
        try {
            awaitKernel(before, "MPJoinAckRx", 1, 10_000);
            Thread.sleep(500);
            link("down");
            Thread.sleep(1000);
            link("up");
            Map<String, Object> json = LabRun.finish(p, "connect (link down and up)");
            Map<String, Long> k = delta(before, Lab.kernelCounters());
            assertKernelSinkGot(json, 12_000_000);
            assertThat(list(json, "path_events")).extracting(e -> e.get("action"))
                    .containsExactly("link down", "down", "link up", "up");
            assertThat((String) list(json, "path_events").get(3).get("detail")).contains("device reopened", "restored");
            assertThat(k.get("RmAddr")).as("kernel %s", k).isEqualTo(1L);
            // A second join toward the kernel after the link came back (RFC 8684 3.2).
            assertThat(k.get("MPJoinSynRx")).as("kernel %s", k).isEqualTo(2L);
            assertThat(num(LabRun.map(json, "counters").get("MPJoinSynTx"))).isGreaterThanOrEqualTo(2);
            System.out.println("[link watch] kernel " + k + " path events " + list(json, "path_events"));
        } finally {
            p.destroyForcibly();
        }
    }
}

package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.app.lab.LabRun.delta;
import static org.mptcplab.app.lab.LabRun.list;
import static org.mptcplab.app.lab.LabRun.map;
import static org.mptcplab.app.lab.LabRun.num;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.cli.Json;

/**
 * The path manager's options against the Linux kernel in the lab (policies issue): ADD_ADDR with
 * a port both ways, the C flag, and the kernel's limits in its own terms. Needs root and kernel
 * MPTCP; skipped with the reason otherwise. The lab is removed afterwards.
 */
class KernelPathManagerTest {
    static final Lab LAB = new Lab(new PrintWriter(new StringWriter(), true));

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

    /** Our listen in the client namespace, the kernel client uploading 2 MB to it. */
    private static Map<String, Object> kernelUploadsTo(String... listenOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("listen", "--lab", "--port", "7000", "--json", "--timeout", "30s"));
        args.addAll(List.of(listenOptions));
        Process server = new ProcessBuilder(LabRun.javaCommand(args.toArray(String[]::new)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Lab.Result client = LabRun.kernelUpload("10.1.0.1", 7000, 2_000_000, 3);
        String out = new String(server.getInputStream().readAllBytes());
        assertThat(server.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exit()).as(client.output()).isZero();
        assertThat(server.exitValue()).as(out).isZero();
        Map<String, Object> json = Json.object(out.trim());
        assertThat(json.get("bytes")).isEqualTo(java.math.BigDecimal.valueOf(2_000_000));
        assertThat(json.get("sha256_received")).isEqualTo(client.output().trim());
        assertThat(json.get("fallback")).isEqualTo(false);
        return json;
    }

    @Test
    void weAnnounceWithAPortAndTheKernelJoinsThatPort() throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Map<String, Object> json = kernelUploadsTo("--announce-port", "7001");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        // The kernel took the port from our ADD_ADDR (its PortAdd, counted once or twice per
        // announcement in Linux 6.18 runs) and joined there.
        assertThat(k.get("PortAdd")).isPositive();
        assertThat(k.get("MPJoinPortSynAckRx")).isEqualTo(1L);
        assertThat(num(map(json, "counters").get("MPJoinPortSynRx"))).isEqualTo(1);
        assertThat(list(json, "subflows")).anyMatch(f -> "10.2.0.1:7001".equals(f.get("local")));
    }

    @Test
    void withTheCFlagTheKernelStillConnectsAndJoinsOnlyWhatWeAnnounce() throws Exception {
        Map<String, Long> before = Lab.kernelCounters();
        Map<String, Object> json = kernelUploadsTo("--no-join-initial");
        Map<String, Long> k = delta(before, Lab.kernelCounters());
        assertThat(k.get("MPCapableSYNACKRX")).isEqualTo(1L);
        assertThat(k.get("MPJoinSynAckRx")).isEqualTo(1L);
        assertThat(map(json, "counters")).doesNotContainKey("MPJoinRejected");
        // The first subflow is the only one to our first address: the join went to path 2.
        assertThat(list(json, "subflows").subList(1, list(json, "subflows").size()))
                .isNotEmpty().allMatch(f -> ((String) f.get("local")).startsWith("10.2.0.1:"));
    }

    @Test
    void theKernelAnnouncesWithAPortAndWeJoinThereUnlessTheLimitSaysNo() throws Exception {
        int id = Lab.endpointId("10.2.0.2");
        Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "delete", "id", Integer.toString(id));
        Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "add", "10.2.0.2", "dev", LAB.serverInterface(2), "port", "7002", "signal");
        try {
            Map<String, Object> json = LabRun.connect("--bytes", "2M", "--linger", "2s");
            LabRun.assertKernelSinkGot(json, 2_000_000);
            assertThat(num(map(json, "counters").get("PortAdd"))).isEqualTo(1);
            assertThat(num(map(json, "counters").get("MPJoinPortSynAckRx"))).isEqualTo(1);
            assertThat(list(json, "subflows")).anyMatch(f -> "10.2.0.2:7002".equals(f.get("remote")));
            // add_addr_accepted 0, as Linux's default: the announcements are echoed, not joined.
            Map<String, Object> limited = LabRun.connect("--bytes", "1M", "--linger", "2s", "--limits", "add_addr_accepted=0");
            LabRun.assertKernelSinkGot(limited, 1_000_000);
            assertThat(list(limited, "subflows")).hasSize(1);
            Map<String, Object> c = map(limited, "counters");
            assertThat(num(c.get("AddAddrDrop"))).isEqualTo(num(c.get("AddAddr"))).isPositive();
            assertThat(num(c.get("EchoAddTx"))).isEqualTo(num(c.get("AddAddr")));
            assertThat(list(limited, "events")).anyMatch(e -> ((String) e.get("detail"))
                    .startsWith("add_addr_accepted limit 0 reached"));
        } finally {
            int port = Lab.endpointId("10.2.0.2");
            Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "delete", "id", Integer.toString(port));
            Lab.run("ip", "-n", Lab.SERVER_NS, "mptcp", "endpoint", "add", "10.2.0.2", "dev", LAB.serverInterface(2), "signal");
        }
    }
}

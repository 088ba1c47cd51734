package org.mptcplab.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.lab.Lab;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.mptcp.SubflowState;

/**
 * The window's live lab against the Linux kernel: real namespaces, veths, pcap and the kernel's
 * MPTCP as the video server. Real time: waits poll with deadlines (no fixed sleeps). Skipped, with
 * what is missing, where root, kernel MPTCP or libpcap are not there.
 */
@Tag("kernel")
class LiveSessionTest {
    private static SessionSpec spec() {
        return new SessionSpec(List.of(
                new PathSettings("WiFi", 20_000_000L, 5_000_000L, 0, 0, false),
                new PathSettings("LTE", 12_000_000L, 15_000_000L, 0, 0, false)),
                TrafficSpec.video(4_000_000L), "newreno", "minrtt", "fullmesh", 7, false, 0, 0);
    }

    private static void skipUnlessReady() {
        List<String> missing = LiveSession.missing();
        Assumptions.assumeTrue(missing.isEmpty(), "skipped: the live lab needs " + String.join("; ", missing));
    }

    private static void await(String what, long seconds, BooleanSupplier done, Session s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what + "; state " + s.state()
                        + (s instanceof LiveSession l ? "; lab log: " + l.labLog() : ""));
            }
            Thread.sleep(50);
        }
    }

    private static long established(Session s, int path) {
        return s.state().flows().get(0).subflows().stream()
                .filter(sf -> sf.iface() == path && sf.state() == SubflowState.ESTABLISHED).count();
    }

    @Test
    void kernelStreamsVideoToUsOverTwoPathsAndAPathGoesDownAndComesBack() throws Exception {
        skipUnlessReady();
        try (LiveSession s = new LiveSession(spec(), new SampleStore())) {
            s.start(1);
            await("two subflows established", 20, () -> established(s, 0) == 1 && established(s, 1) == 1, s);
            await("video playing", 10, () -> s.state().flows().get(0).playerState().equals("playing"), s);
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).isTrue();

            // The kernel's own view is there beside ours: counters and its subflows with cwnd.
            await("the kernel's report", 5, () -> s.peerReport().counters().getOrDefault("MPCapableSYNRX", 0L) >= 1
                    && s.peerReport().subflows().stream().anyMatch(l -> l.contains("cwnd:")), s);
            // The sender's congestion window is the kernel's, matched to our subflows.
            await("kernel cwnd on our subflows", 5, () -> s.state().flows().get(0).subflows().stream()
                    .allMatch(sf -> sf.cwnd() > 0 && sf.srttNanos() > 0), s);
            assertThat(s.store().packetsSince(0)).isNotEmpty();

            // WiFi down, signalled: our subflow there closes, the kernel goes on over LTE.
            s.pathDown(0, false);
            await("path 1 down", 5, () -> s.state().paths().get(0).status() == Session.PathStatus.DOWN_SIGNALLED
                    && established(s, 0) == 0, s);
            long before = s.state().flows().get(0).delivered();
            await("delivery goes on over LTE", 10, () -> s.state().flows().get(0).delivered() > before + 500_000, s);

            // Back up: the subflow rejoins.
            s.pathUp(0);
            await("path 1 rejoined", 15, () -> established(s, 0) == 1, s);

            assertThat(s.store().eventsAfter(0)).anyMatch(e -> e.kind().equals("PATH_DOWN"))
                    .anyMatch(e -> e.kind().equals("PATH_UP"));
            assertThatThrownBy(s::pause).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("real time");
        }
        // Closed: the namespace and both ends of the veths are gone.
        assertThat(Lab.run("ip", "netns", "list").output()).doesNotContain(Lab.WINDOW_SERVER_NS);
        assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).isFalse();
    }

    @Test
    void onRealInterfacesWeSendTheVideoToAnyServerAndLeaveTheInterfacesAsTheyWere() throws Exception {
        skipUnlessReady();
        // Real interfaces made for the test: the window lab's veths, with the kernel's sink on 5201.
        Lab lab = Lab.forWindow(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        try {
            lab.up(new Lab.Config(2, List.of(), false));
            List<LiveEngine.Interface> ifaces = List.of(LiveEngine.parseIface("mlw1=10.1.0.1/24"),
                    LiveEngine.parseIface("mlw2=10.2.0.1/24"));
            SessionSpec s2 = new SessionSpec(List.of(new PathSettings("mlw1", 0, 0, 0, 0, false),
                    new PathSettings("mlw2", 0, 0, 0, 0, false)), TrafficSpec.video(4_000_000L), "newreno", "minrtt",
                    "fullmesh", 11, false, 0, 0);
            try (LiveSession s = LiveSession.onInterfaces(s2, new SampleStore(), ifaces,
                    org.mptcplab.stack.wire.IpAddress.parse("10.1.0.2"), Lab.SINK_PORT)) {
                assertThat(s.kind()).isEqualTo(Session.Kind.LIVE_INTERFACES);
                s.start(1);
                await("two subflows", 20, () -> established(s, 0) == 1 && established(s, 1) == 1, s);
                // The viewer is the server: its buffer is what it acknowledged at the data level.
                await("the remote player plays", 10, () -> s.state().flows().get(0).playerState().equals("playing"), s);
                // We are the sender here: the subflows are ours (minRTT may leave the slower one idle at 4 Mbit/s).
                assertThat(s.state().flows().get(0).subflows()).anyMatch(sf -> sf.bytesSent() > 0);
                assertThatThrownBy(() -> s.setLink(0, s.spec().paths().get(0).withRate(10_000_000L)))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("host's own traffic");

                s.pathDown(0, false);
                await("mlw1 out of use", 10, () -> established(s, 0) == 0, s);
                // Our stack stopped using it; the interface itself is untouched.
                assertThat(Lab.run("ip", "-br", "link", "show", "mlw1").output()).contains("UP");
                long acked = s.state().flows().get(0).delivered();
                await("the server still gets the video", 10, () -> s.state().flows().get(0).delivered() > acked + 300_000, s);
                s.pathUp(0);
                await("mlw1 rejoined", 15, () -> established(s, 0) == 1, s);
            }
            // Closing the session leaves the interfaces (they were not ours to remove).
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).isTrue();
        } finally {
            lab.down();
        }
    }

    @Test
    void theWatcherRemovesTheLabWhenTheAppDiesWithoutClosingIt() throws Exception {
        skipUnlessReady();
        Lab lab = Lab.forWindow(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        Process app = new ProcessBuilder("sleep", "1").start(); // stands for an app that is killed
        try {
            lab.up(new Lab.Config(2, List.of(), false));
            lab.watchOver(app.pid());
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw2"))).isTrue();
            app.waitFor(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(Paths.get("/sys/class/net/mlw1")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).as("the veth is gone").isFalse();
            assertThat(Lab.run("ip", "netns", "list").output()).doesNotContain(Lab.WINDOW_SERVER_NS);
        } finally {
            lab.down();
        }
    }

    @Test
    void anAppKilledMidRunLeavesNoLabBehind() throws Exception {
        skipUnlessReady();
        // The headless front-end of the same live session (play --live), killed with SIGKILL: no
        // shutdown hook runs, so only the watcher started with the lab can clean up.
        Process app = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
                System.getProperty("java.class.path"), "org.mptcplab.app.Launcher", "play", "--live", "--for", "60s")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(Paths.get("/sys/class/net/mlw2")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw2"))).as("the lab came up").isTrue();
            Thread.sleep(1500); // running: devices open, the video flowing
            app.destroyForcibly();
            assertThat(app.waitFor(10, TimeUnit.SECONDS)).isTrue();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(Paths.get("/sys/class/net/mlw1")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).as("the veths are gone").isFalse();
            assertThat(Lab.run("ip", "netns", "list").output()).doesNotContain(Lab.WINDOW_SERVER_NS);
        } finally {
            app.destroyForcibly();
            Lab.forWindow(new java.io.PrintWriter(java.io.Writer.nullWriter())).down();
        }
    }

    @Test
    void parsesTheKernelsSubflowLine() {
        String line = "subflow ESTAB 0 0 10.1.0.2:5204 10.1.0.1:40321 ts sack cubic wscale:7,7 rto:204 "
                + "rtt:10.5/2.25 ato:40 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:23 ssthresh:17 bytes_sent:123456 "
                + "bytes_retrans:2896 bytes_acked:100000 segs_out:90 unacked:4 tcp-ulp-mptcp flags:Jec token:0000(id:0)/1234(id:0)";
        LiveSession.KernelSubflow k = LiveSession.parseSubflow(line);
        assertThat(k.peerPort()).isEqualTo(40321);
        assertThat(k.cwndBytes()).isEqualTo(23 * 1448);
        assertThat(k.ssthreshBytes()).isEqualTo(17 * 1448);
        assertThat(k.srttNanos()).isEqualTo(10_500_000L);
        assertThat(k.rttvarNanos()).isEqualTo(2_250_000L);
        assertThat(k.inFlightBytes()).isEqualTo(4 * 1448);
        assertThat(k.bytesSent()).isEqualTo(123456);
        assertThat(k.bytesRetransmitted()).isEqualTo(2896);
        assertThat(k.congestionControl()).isEqualTo("cubic");
        assertThat(LiveSession.parseSubflow("MPTCP ESTAB 0 0 10.1.0.2:5204 10.1.0.1:40321")).isNull();
        // The kernel's MPTcpExt counters out of nstat.
        assertThat(LiveSession.request(TrafficSpec.video(8_000_000L))).hasSize(16);
        SubflowSnapshot ours = new SubflowSnapshot(3, "10.1.0.1", 40321, "10.1.0.2", 5204, 0, SubflowState.ESTABLISHED, false,
                0, 0, 14600, Long.MAX_VALUE, 0, 0, 200_000_000L, 0, 10, 10, 0, 0, 5000, 0, 0, 0, null, "newreno", "newreno", false, 1,
                org.mptcplab.stack.sched.SchedulingCounts.NONE);
        SubflowSnapshot v = LiveSession.senderView(ours, k);
        assertThat(v.cwnd()).isEqualTo(23 * 1448);
        assertThat(v.bytesReceived()).isEqualTo(5000);
        assertThat(v.id()).isEqualTo(3);
        // The path card names the sender's controller: the kernel's, not ours.
        assertThat(v.congestion()).isEqualTo("kernel cubic");
        assertThat(LiveSession.parseSubflow(line.replace(" cubic", "")).congestionControl()).isNull();
        // The kernel sends: its controller's internals and its scheduler's decisions are not ours to tell.
        assertThat(v.congestionControl()).isNull();
        assertThat(v.increasePerRtt()).isNaN();
        assertThat(v.scheduled().carried()).isZero();
    }
}

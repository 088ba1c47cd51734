package org.mptcplab.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.mptcp.SubflowState;

/** The session layer headless, in virtual time: no threads, no sleeps. */
class SessionTest {
    private static final long S = 1_000_000_000L;

    private static SessionSpec bulkTwoPaths() {
        return SessionSpec.demo().withFlap(0, 0).withTraffic(TrafficSpec.bulk()).withSinglePathTcp(false);
    }

    @Test
    void specRoundTripsThroughJson() {
        SessionSpec demo = SessionSpec.demo().withSeed(42);
        assertThat(SessionSpec.fromJson(demo.toJson())).isEqualTo(demo);
        SessionSpec lossy = demo.withPaths(List.of(new PathSettings("a", 5_000_000, 1_000_000, 0.015, 30_000, true)));
        assertThat(SessionSpec.fromJson(lossy.toJson())).isEqualTo(lossy);
    }

    @Test
    void aBrokenSpecSaysWhichFieldIsWrong() {
        String json = SessionSpec.demo().toJson().replace("\"rate_bps\": 20000000", "\"rate_bps\": \"fast\"");
        assertThatThrownBy(() -> SessionSpec.fromJson(json)).hasMessageContaining("paths[1]")
                .hasMessageContaining("rate_bps");
        assertThatThrownBy(() -> SessionSpec.fromJson("[1,2]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> SessionSpec.fromJson("{\"paths\": ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothPathsCarryDataOnceTheJoinIsUp() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            s.runFor(3 * S);
            Session.FlowState f = s.state().flows().get(0);
            assertThat(f.subflows()).hasSize(2);
            assertThat(f.subflows()).allMatch(sf -> sf.state() == SubflowState.ESTABLISHED && sf.bytesSent() > 100_000);
            // 20 + 12 Mbit/s of links: the connection goes well beyond either path alone.
            assertThat(f.goodputBps()).isGreaterThan(22e6);
            assertThat(s.store().subflowsSince(0)).isNotEmpty();
            assertThat(s.store().eventsSince(0)).extracting(Samples.Event::kind).contains("MP_CAPABLE", "JOIN");
        }
    }

    @Test
    void subflowsAddedAndRemovedByHand() throws Exception {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            assertThat(s.addSubflow(0)).failsWithin(java.time.Duration.ofSeconds(1))
                    .withThrowableThat().withMessageContaining("not open yet");
            s.runFor(2 * S);
            String done = s.addSubflow(0).get();
            assertThat(done).contains("opened on WiFi");
            s.runFor(2 * S);
            java.util.function.LongSupplier onWifi = () -> s.state().flows().get(0).subflows().stream()
                    .filter(sf -> sf.iface() == 0 && sf.state() == SubflowState.ESTABLISHED).count();
            assertThat(onWifi.getAsLong()).isEqualTo(2);
            assertThat(s.state().flows().get(0).subflows().stream().filter(sf -> sf.iface() == 0)
                    .allMatch(sf -> sf.bytesSent() > 0)).isTrue();
            assertThat(s.removeSubflow(0).get()).contains("closed by hand");
            s.runFor(1 * S);
            assertThat(onWifi.getAsLong()).isEqualTo(1);
            assertThat(s.removeSubflow(1).get()).isNotNull();
            s.runFor(1 * S);
            assertThat(s.removeSubflow(1)).failsWithin(java.time.Duration.ofSeconds(1))
                    .withThrowableThat().withMessageContaining("no established subflow on LTE");
            assertThat(s.store().eventsSince(0)).extracting(Samples.Event::kind).contains("SUBFLOW_ADD", "SUBFLOW_REMOVE");
            s.runFor(2 * S);
            assertThat(s.state().flows().get(0).goodputBps()).as("the connection goes on over WiFi").isGreaterThan(10e6);
        }
    }

    @Test
    void sameSpecSameRun() {
        try (Session a = new EmulatedSession(SessionSpec.demo().withTraffic(TrafficSpec.bulk()));
             Session b = new EmulatedSession(SessionSpec.demo().withTraffic(TrafficSpec.bulk()))) {
            a.runFor(15 * S);
            b.runFor(15 * S);
            assertThat(a.store().subflowsSince(0)).isEqualTo(b.store().subflowsSince(0));
            assertThat(a.store().eventsSince(0)).isEqualTo(b.store().eventsSince(0));
            Session c = a.restarted();
            c.runFor(15 * S);
            assertThat(c.store().flowsSince(0)).isEqualTo(a.store().flowsSince(0));
        }
    }

    @Test
    void aSignalledPathDownClosesItsSubflowAndTellsThePeer() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            s.runFor(2 * S);
            s.pathDown(0, false);
            assertThat(s.state().paths().get(0).status()).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
            s.runFor(1 * S);
            List<SubflowSnapshot> subflows = s.state().flows().get(0).subflows();
            assertThat(subflows.stream().filter(sf -> sf.iface() == 0))
                    .allMatch(sf -> sf.state() != SubflowState.ESTABLISHED);
            assertThat(s.store().eventsSince(2 * S)).extracting(Samples.Event::kind)
                    .contains("PATH_DOWN", "REMOVE_ADDR");
            long before = s.state().flows().get(0).delivered();
            s.runFor(1 * S);
            // LTE carries on alone: about 12 Mbit/s in that second.
            assertThat(s.state().flows().get(0).delivered() - before).isGreaterThan(1_000_000);

            s.pathUp(0);
            s.runFor(2 * S);
            assertThat(s.state().flows().get(0).subflows().stream()
                    .filter(sf -> sf.iface() == 0 && sf.state() == SubflowState.ESTABLISHED)).isNotEmpty();
        }
    }

    @Test
    void aSilentPathDownIsFoundByTheRetransmissionTimer() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            s.runFor(2 * S);
            s.pathDown(0, true);
            assertThat(s.state().paths().get(0).status()).isEqualTo(Session.PathStatus.DOWN_SILENT);
            s.runFor(3 * S);
            List<String> kinds = s.store().eventsSince(2 * S).stream().map(Samples.Event::kind).toList();
            assertThat(kinds).contains("PATH_BLACKHOLE", "RTO").doesNotContain("REMOVE_ADDR");
        }
    }

    @Test
    void linkSettingsAndBackupTakeEffect() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            s.runFor(2 * S);
            s.setLink(1, s.spec().paths().get(1).withRate(2_000_000));
            s.setBackup(1, true);
            assertThat(s.state().paths().get(1).settings().rateBps()).isEqualTo(2_000_000);
            assertThat(s.state().paths().get(1).settings().backup()).isTrue();
            s.runFor(2 * S);
            assertThat(s.store().eventsSince(2 * S)).extracting(Samples.Event::kind).contains("LINK_CHANGED", "BACKUP_ON", "MP_PRIO");
            assertThatThrownBy(() -> s.pathDown(5, false)).hasMessageContaining("no path 6");
        }
    }

    @Test
    void theStoreForgetsWhatIsOlderThanItsWindow() {
        SampleStore store = new SampleStore(2 * S, 1 << 20);
        try (Session s = new EmulatedSession(bulkTwoPaths(), store)) {
            s.runFor(6 * S);
            assertThat(store.subflowsSince(0).get(0).t()).isGreaterThanOrEqualTo(4 * S - Session.SAMPLE_NANOS);
            assertThat(store.dropped()).isPositive();
        }
    }

    @Test
    void speedOutsideItsRangeIsRefusedInWords() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            assertThatThrownBy(() -> s.setSpeed(20)).hasMessageContaining("0.05x to 10");
        }
    }

    @Test
    void packetsAreRecordedWithTheirFateAndMptcpOptions() {
        try (Session s = new EmulatedSession(bulkTwoPaths())) {
            s.runFor(2 * S);
            List<Samples.Packet> ps = s.store().packetsSince(0);
            assertThat(ps).isNotEmpty();
            Samples.Packet syn = ps.stream().filter(p -> p.flagText().equals("S")).findFirst().orElseThrow();
            assertThat(syn.options()).isEqualTo("MP_CAPABLE");
            assertThat(syn.fate()).isEqualTo("delivered");
            // 10 ms one way on WiFi.
            assertThat(syn.arrivedAt() - syn.t()).isBetween(10_000_000L, 11_000_000L);
            assertThat(ps).anyMatch(p -> p.options().contains("MP_JOIN") && p.path() == 1);
            assertThat(ps).anyMatch(p -> p.dsn() >= 0 && p.toClient() && p.dataLength() > 0);
            assertThat(ps).anyMatch(p -> p.dataAck() > 0 && !p.toClient());
            s.pathDown(0, false);
            s.runFor(1 * S);
            List<Samples.Packet> after = s.store().packetsSince(2 * S);
            assertThat(after).anyMatch(Samples.Packet::reinjected);
            assertThat(s.store().packetsSince(0)).anyMatch(p -> p.fate().equals("down"));
        }
    }

    @Test
    void theDemoPlaysOnOverMptcpWhileSinglePathTcpStallsInTheWifiOutage() {
        try (Session s = new EmulatedSession(SessionSpec.demo())) {
            // Moving within 3 s of the start: playing after the 1 s start target.
            s.runFor(3 * S);
            Session.FlowState mptcp = s.state().flows().get(0);
            assertThat(mptcp.playerState()).isEqualTo("playing");
            // WiFi goes down at 8 s for 4 s: the TCP player's buffer (about 1 s) runs dry.
            s.runFor(8 * S);
            mptcp = s.state().flows().get(0);
            Session.FlowState tcp = s.state().flows().get(1);
            assertThat(s.state().paths().get(0).status()).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
            assertThat(tcp.playerState()).isEqualTo("stalled");
            assertThat(mptcp.playerState()).isEqualTo("playing");
            // What the stalled TCP player waits for: its sender's backed-off retransmission timer.
            assertThat(tcp.nextRetransmissionAt()).isGreaterThan(s.state().nowNanos());
            assertThat(tcp.backoff()).isGreaterThanOrEqualTo(2);
            // After the first outage TCP's backlog arrives at once and buffers a few seconds, so
            // its second stall comes some seconds into the second outage (20 s to 24 s).
            s.runFor(19 * S);
            mptcp = s.state().flows().get(0);
            tcp = s.state().flows().get(1);
            assertThat(mptcp.stalls()).isZero();
            assertThat(tcp.stalls()).isGreaterThanOrEqualTo(2);
            assertThat(tcp.stalledNanos()).isGreaterThan(3 * S);
            // The outage loop brought WiFi back and MPTCP rejoined it.
            assertThat(mptcp.subflows().stream().filter(sf -> sf.iface() == 0
                    && sf.state() == SubflowState.ESTABLISHED)).isNotEmpty();
        }
    }

    @Test
    void aRecordingIsAPcapngWithAnInterfacePerPathThatTsharkReadsCleanly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("run.pcapng");
        try (Session s = new EmulatedSession(SessionSpec.demo())) {
            // Across the first WiFi outage (8 s), when LTE carries the video.
            s.runFor(7 * S);
            s.startRecording(file);
            assertThat(s.isRecording()).isTrue();
            assertThatThrownBy(() -> s.startRecording(dir.resolve("other.pcapng"))).hasMessageContaining("runs already");
            s.runFor(2 * S);
            long n = s.stopRecording();
            assertThat(n).isGreaterThan(1000);
            assertThat(s.stopRecording()).isEqualTo(-1);
            java.util.Set<Integer> interfaces = new java.util.HashSet<>();
            long read = 0;
            try (org.mptcplab.stack.capture.CaptureReader r = org.mptcplab.stack.capture.CaptureReader.open(file)) {
                for (org.mptcplab.stack.capture.CaptureRecord c; (c = r.next()) != null; ) {
                    interfaces.add(c.interfaceId());
                    read++;
                }
                assertThat(r.readToEnd()).isTrue();
            }
            assertThat(read).isEqualTo(n);
            // WiFi, LTE and the TCP comparison.
            assertThat(interfaces).containsExactlyInAnyOrder(0, 1, 2);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/tshark").canExecute(),
                "tshark is not installed (scripts/setup.sh installs it): the pcapng was checked by our reader only");
        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "mptcp.analyze_mptcp:TRUE", "-q",
                "-z", "expert,error").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).doesNotContain("Errors (");
    }

    @Test
    void aRecordingThatCannotBeCreatedSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (Session s = new EmulatedSession(SessionSpec.demo())) {
            assertThatThrownBy(() -> s.startRecording(dir.resolve("no/such/dir/x.pcapng")))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("no/such/dir");
            assertThat(s.isRecording()).isFalse();
        }
    }

    @Test
    void closedSubflowsOfAnOutageLoopDoNotPileUp() {
        try (Session s = new EmulatedSession(SessionSpec.demo())) {
            s.runFor(130 * S);
            // Ten outages: ten WiFi subflows closed. The window shows the newest closed one per
            // path at most, and the store samples each closed subflow once.
            List<SubflowSnapshot> shown = s.state().flows().get(0).subflows();
            assertThat(shown.stream().filter(sf -> sf.state() == SubflowState.CLOSED).count()).isLessThanOrEqualTo(2);
            long closedSamples = s.store().subflowsSince(60 * S).stream()
                    .filter(x -> x.flow() == 0 && x.state() == SubflowState.CLOSED).count();
            assertThat(closedSamples).isLessThanOrEqualTo(6);
        }
    }
}

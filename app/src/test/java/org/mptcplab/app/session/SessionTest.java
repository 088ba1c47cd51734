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
        try (Session s = new Session(bulkTwoPaths())) {
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
    void sameSpecSameRun() {
        try (Session a = new Session(SessionSpec.demo().withTraffic(TrafficSpec.bulk()));
             Session b = new Session(SessionSpec.demo().withTraffic(TrafficSpec.bulk()))) {
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
        try (Session s = new Session(bulkTwoPaths())) {
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
        try (Session s = new Session(bulkTwoPaths())) {
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
        try (Session s = new Session(bulkTwoPaths())) {
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
        try (Session s = new Session(bulkTwoPaths(), store)) {
            s.runFor(6 * S);
            assertThat(store.subflowsSince(0).get(0).t()).isGreaterThanOrEqualTo(4 * S - Session.SAMPLE_NANOS);
            assertThat(store.dropped()).isPositive();
        }
    }

    @Test
    void speedOutsideItsRangeIsRefusedInWords() {
        try (Session s = new Session(bulkTwoPaths())) {
            assertThatThrownBy(() -> s.setSpeed(20)).hasMessageContaining("0.05x to 10");
        }
    }
}

package org.mptcplab.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.mptcp.SubflowSnapshot;

/** The window's scenario presets, run headless in virtual time. */
class ScenarioPresetsTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theDemoComesFirstAndEveryPresetNamesItself() {
        assertThat(ScenarioPresets.names()).startsWith("demo").contains("aggregate", "handover", "lossy",
                "asymmetric-rtt", "satellite", "backup", "shared-bottleneck");
        for (String n : ScenarioPresets.names()) {
            ScenarioPresets.Preset p = ScenarioPresets.get(n);
            assertThat(p.spec().scenario()).isEqualTo(n);
            assertThat(p.about()).isNotBlank();
            assertThat(SessionSpec.fromJson(p.spec().toJson())).as(n).isEqualTo(p.spec());
        }
        assertThat(ScenarioPresets.get("demo").spec()).isEqualTo(SessionSpec.demo());
        assertThatThrownBy(() -> ScenarioPresets.get("aggregat")).hasMessageContaining("known: demo, aggregate");
    }

    @Test
    void aPickedScenarioKeepsThePoliciesAndSeedShown() {
        SessionSpec current = SessionSpec.demo().withPolicies("lia", "blest", "fullmesh").withSeed(7);
        SessionSpec s = ScenarioPresets.spec("shared-bottleneck", current);
        assertThat(s.congestionControl()).isEqualTo("lia");
        assertThat(s.scheduler()).isEqualTo("blest");
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.bottleneckBps()).isEqualTo(20_000_000L);
        assertThat(s.scenario()).isEqualTo("shared-bottleneck");
    }

    @Test
    void aSpecSavedBeforeScenariosLoadsAsCustomWithNoEventsAndNoBottleneck() {
        String old = SessionSpec.demo().toJson().replaceAll(",\\s*\"scenario\"[\\s\\S]*\\}\\s*$", "\n}\n");
        assertThat(old).doesNotContain("scenario").doesNotContain("bottleneck");
        SessionSpec s = SessionSpec.fromJson(old);
        assertThat(s.scenario()).isEqualTo("custom");
        assertThat(s.events()).isEmpty();
        assertThat(s.bottleneckBps()).isZero();
        String badEvent = ScenarioPresets.get("handover").spec().toJson().replace("\"path\": 1", "\"path\": 3");
        assertThatThrownBy(() -> SessionSpec.fromJson(badEvent)).hasMessageContaining("events[1]")
                .hasMessageContaining("1 to 2");
    }

    @Test
    void theHandoverTakesWifiDownAtFiveSecondsSignalledAndLteCarriesOn() {
        try (Session s = new EmulatedSession(ScenarioPresets.get("handover").spec())) {
            s.runFor(4900_000_000L);
            assertThat(s.state().paths().get(0).status()).isEqualTo(Session.PathStatus.UP);
            s.runFor(200_000_000L);
            assertThat(s.state().paths().get(0).status()).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
            assertThat(s.store().eventsSince(0)).anyMatch(e -> e.kind().equals("PATH_DOWN")
                    && e.detail().contains("the handover scenario"));
            long before = s.state().flows().get(0).delivered();
            s.runFor(2 * S);
            assertThat(s.state().flows().get(0).delivered() - before).as("LTE's 12 Mbit/s carry on")
                    .isGreaterThan(2_000_000);
            // The TCP comparison runs on a copy of WiFi, which went down with it.
            assertThat(s.state().flows().get(1).name()).isEqualTo("TCP on WiFi");
        }
    }

    @Test
    void overTheSharedBottleneckCoupledCcTakesAboutWhatTcpGetsAndUncoupledMore() {
        double coupled = ratio("lia");
        double uncoupled = ratio("newreno");
        // RFC 6356 goal 2: about 1 coupled; two independent flows take about twice.
        assertThat(coupled).isBetween(0.5, 1.3);
        assertThat(uncoupled).isGreaterThan(1.5);
    }

    private static double ratio(String cc) {
        SessionSpec spec = ScenarioPresets.spec("shared-bottleneck", SessionSpec.demo().withPolicies(cc, "minrtt", "fullmesh"));
        try (Session s = new EmulatedSession(spec)) {
            s.runFor(20 * S);
            List<Session.FlowState> f = s.state().flows();
            assertThat(f.get(1).name()).isEqualTo("TCP, same bottleneck");
            long mptcp = f.get(0).delivered();
            long tcp = f.get(1).delivered();
            // Both through one 20 Mbit/s: together no more than it carries.
            assertThat((mptcp + tcp) * 8 / 20.0).isLessThanOrEqualTo(20e6);
            assertThat(f.get(0).subflows()).filteredOn(SubflowSnapshot::bytesSent, 0L).isEmpty();
            return (double) mptcp / tcp;
        }
    }
}

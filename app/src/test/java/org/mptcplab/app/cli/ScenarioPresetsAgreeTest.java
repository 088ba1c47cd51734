package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.session.PathSettings;
import org.mptcplab.app.session.ScenarioPresets;
import org.mptcplab.app.session.SessionSpec;

/** The window's scenario picker and {@code simulate --scenario} run the same paths and path events. */
class ScenarioPresetsAgreeTest {
    @Test
    void everyCliScenarioIsInThePickerWithTheSamePathsEventsBackupAndBottleneck() {
        assertThat(ScenarioPresets.names()).containsAll(SimulateCommand.SCENARIOS.keySet());
        SimulateCommand.SCENARIOS.forEach((name, cli) -> {
            SessionSpec w = ScenarioPresets.get(name).spec();
            assertThat(w.paths().stream().map(PathSettings::linkSpec).toList()).as(name).isEqualTo(cli.paths());
            List<String> downs = w.events().stream().map(e -> (e.path() + 1) + "@" + e.atNanos() / 1_000_000_000L + "s"
                    + (e.signalled() ? ",signalled" : "")).toList();
            assertThat(downs).as(name).isEqualTo(cli.down());
            assertThat(w.events()).as(name).noneMatch(SessionSpec.PathEvent::up);
            List<String> backups = new java.util.ArrayList<>();
            for (int i = 0; i < w.paths().size(); i++) {
                if (w.paths().get(i).backup()) {
                    backups.add(Integer.toString(i + 1));
                }
            }
            assertThat(backups).as(name).isEqualTo(cli.backup());
            assertThat(w.bottleneckBps() == 0 ? null : w.bottleneckBps() / 1_000_000 + "mbit").as(name)
                    .isEqualTo(cli.bottleneck());
            assertThat(w.traffic().kind() == org.mptcplab.app.session.TrafficSpec.Kind.VIDEO).as(name)
                    .isEqualTo(cli.traffic().startsWith("video"));
        });
    }
}

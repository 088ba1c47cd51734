package org.mptcplab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.viewmodel.PathViewModel.Field;

/** The lab's view models without a display or an FX thread, in virtual time. */
class LabViewModelTest {
    private static final long S = 1_000_000_000L;
    private LabViewModel vm;

    static SessionSpec spec() {
        return SessionSpec.demo().withFlap(0, 0);
    }

    @BeforeEach
    void open() {
        vm = new LabViewModel(spec(), false);
    }

    @AfterEach
    void close() {
        vm.close();
    }

    private void run(long nanos) {
        vm.session().runFor(nanos);
        vm.refresh();
    }

    @Test
    void showsThePathsTheFlowsAndWhatHappenedInWords() {
        run(2 * S);
        assertThat(vm.paths()).extracting(p -> p.nameProperty().get()).containsExactly("WiFi", "LTE");
        assertThat(vm.paths().get(0).statusTextProperty().get()).isEqualTo("up");
        assertThat(vm.paths().get(0).textProperty(Field.RATE).get()).isEqualTo("20mbit");
        assertThat(vm.paths().get(1).textProperty(Field.DELAY).get()).isEqualTo("35ms");
        assertThat(vm.paths().get(0).textProperty(Field.LOSS).get()).isEqualTo("0%");
        assertThat(vm.paths().get(0).textProperty(Field.QUEUE).get()).isEqualTo("auto");
        assertThat(vm.paths().get(1).subflowsProperty().get()).isEqualTo("subflow 1 established");
        assertThat(vm.flows()).extracting(f -> f.nameProperty().get()).containsExactly("MPTCP", "TCP on WiFi");
        assertThat(vm.flows().get(0).detailProperty().get()).isEqualTo("2 subflows open");
        assertThat(vm.flows().get(1).detailProperty().get()).isEqualTo("plain TCP, 1 path");
        assertThat(vm.clockProperty().get()).isEqualTo("t = 2.0 s");
        assertThat(vm.statusProperty().get()).contains("2 subflows established", "seed 1");
        // Newest first; the join is said in words with its path's name.
        List<String> texts = vm.events().stream().map(EventLine::text).toList();
        assertThat(texts).anyMatch(t -> t.contains("new subflow 1 (LTE) joined (MP_JOIN)"));
        assertThat(vm.events().get(0).tNanos()).isGreaterThanOrEqualTo(vm.events().get(vm.events().size() - 1).tNanos());
    }

    @Test
    void eventsAreNeitherLostNorRepeatedBetweenFrames() {
        for (int i = 0; i < 20; i++) {
            run(S / 10);
        }
        long fromStore = vm.session().store().eventsSince(0).stream()
                .filter(e -> !(e.flow() > 0 && (e.kind().equals("FAST_RETRANSMIT") || e.kind().equals("RTO")))).count();
        assertThat(vm.events().stream().mapToInt(EventLine::repeats).sum()).isEqualTo((int) fromStore);
    }

    @Test
    void aSubflowTimingOutAgainAndAgainIsOneLineThatCounts() {
        run(S);
        vm.paths().get(0).blackHole(); // silent: only the retransmission timer finds out (RFC 6298)
        for (int i = 0; i < 80; i++) {
            run(S / 10); // eight seconds, frame by frame: the folding works across frames too
        }
        long timeouts = vm.session().store().eventsSince(0).stream().filter(e -> e.flow() == 0 && e.kind().equals("RTO")).count();
        assertThat(timeouts).as("timeouts of the MPTCP flow in the store").isGreaterThanOrEqualTo(3);
        List<EventLine> rto = vm.events().stream().filter(l -> l.kind().equals("RTO")).toList();
        assertThat(rto.stream().mapToInt(EventLine::repeats).sum()).isEqualTo((int) timeouts);
        assertThat(rto.size()).as("lines for %d timeouts: %s", timeouts, rto).isLessThan((int) timeouts);
        EventLine folded = rto.stream().filter(l -> l.repeats() > 1).findFirst().orElseThrow();
        assertThat(folded.text()).contains("retransmission timeout on subflow 0 (WiFi)",
                "(" + folded.repeats() + " in a row since ");
        assertThat(folded.tNanos()).as("shown at the latest timeout").isGreaterThan(folded.firstNanos());
    }

    @Test
    void clientAndServerTimingOutInTurnsStayTwoLines() {
        // The demo's outage (signalled): both ends of the dead WiFi subflow time out, in turns.
        run(S);
        vm.paths().get(0).toggle();
        for (int i = 0; i < 60; i++) {
            run(S / 10);
        }
        long timeouts = vm.session().store().eventsSince(0).stream()
                .filter(e -> e.flow() == 0 && e.kind().equals("RTO") && e.subflowId() == 0).count();
        assertThat(timeouts).as("timeouts of subflow 0 in the store").isGreaterThanOrEqualTo(6);
        List<EventLine> rto = vm.events().stream().filter(l -> l.kind().equals("RTO")).toList();
        assertThat(rto.stream().mapToInt(EventLine::repeats).sum()).isEqualTo((int) timeouts);
        // At most: each end's first timeout (before the reinjection line) and each end's run since.
        assertThat(rto).as("lines for %d timeouts: %s", timeouts, rto).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void oneClickTakesAPathDownAndBack() {
        run(S);
        PathViewModel wifi = vm.paths().get(0);
        wifi.toggle();
        vm.refresh();
        assertThat(wifi.getStatus()).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
        assertThat(wifi.throughputProperty().get()).isEqualTo("no traffic");
        assertThat(vm.events().get(0).text()).contains("WiFi went down");
        assertThat(vm.events().get(0).highlight()).isTrue();
        run(S);
        assertThat(vm.events().stream().map(EventLine::text)).anyMatch(t -> t.contains("REMOVE_ADDR"));
        wifi.toggle();
        vm.refresh();
        assertThat(wifi.getStatus()).isEqualTo(Session.PathStatus.UP);
        wifi.blackHole();
        vm.refresh();
        assertThat(wifi.getStatus()).isEqualTo(Session.PathStatus.DOWN_SILENT);
        assertThat(wifi.statusTextProperty().get()).contains("black hole");
    }

    @Test
    void badFieldValuesAreRefusedWithTheReason() {
        run(S / 2);
        PathViewModel wifi = vm.paths().get(0);
        assertThat(wifi.apply(Field.RATE, "fast")).isFalse();
        assertThat(wifi.errorProperty(Field.RATE).get()).contains("fast");
        assertThat(wifi.apply(Field.RATE, "0")).isFalse();
        assertThat(wifi.errorProperty(Field.RATE).get()).contains("above 0");
        assertThat(wifi.apply(Field.LOSS, "150%")).isFalse();
        assertThat(wifi.errorProperty(Field.LOSS).get()).contains("150%");
        assertThat(wifi.apply(Field.DELAY, "10")).isFalse();
        assertThat(wifi.errorProperty(Field.DELAY).get()).contains("unit");
        assertThat(wifi.apply(Field.DELAY, "")).isFalse();
        assertThat(wifi.errorProperty(Field.DELAY).get()).contains("10ms");
        assertThat(wifi.apply(Field.QUEUE, "10ms,loss=1%")).isFalse();
        assertThat(vm.session().state().paths().get(0).settings().rateBps()).isEqualTo(20_000_000L);

        assertThat(wifi.apply(Field.RATE, " 5mbit ")).isTrue();
        assertThat(wifi.errorProperty(Field.RATE).get()).isEmpty();
        assertThat(wifi.apply(Field.DELAY, "40ms")).isTrue();
        assertThat(wifi.apply(Field.LOSS, "1.5%")).isTrue();
        assertThat(wifi.apply(Field.QUEUE, "64kb")).isTrue();
        vm.refresh();
        var settings = vm.session().state().paths().get(0).settings();
        assertThat(settings.rateBps()).isEqualTo(5_000_000L);
        assertThat(settings.delayNanos()).isEqualTo(40_000_000L);
        assertThat(settings.loss()).isEqualTo(0.015);
        assertThat(settings.queueBytes()).isEqualTo(64_000L);
        assertThat(wifi.textProperty(Field.LOSS).get()).isEqualTo("1.5%");
        assertThat(wifi.apply(Field.RATE, "unlimited")).isTrue();
        assertThat(wifi.apply(Field.QUEUE, "auto")).isTrue();
        assertThat(vm.session().state().paths().get(0).settings().queueBytes()).isZero();
    }

    @Test
    void backupGoesToTheSession() {
        run(S);
        vm.paths().get(1).setBackup(true);
        run(S / 2);
        assertThat(vm.session().state().paths().get(1).settings().backup()).isTrue();
        assertThat(vm.events().stream().map(EventLine::text)).anyMatch(t -> t.contains("MP_PRIO"));
    }

    @Test
    void restartGivesTheSameRunAndPoliciesRestart() {
        run(2 * S);
        String first = vm.session().store().subflowsSince(0).toString();
        vm.restart();
        assertThat(vm.clockProperty().get()).isEqualTo("t = 0.0 s");
        assertThat(vm.events()).isEmpty();
        run(2 * S);
        assertThat(vm.session().store().subflowsSince(0).toString()).isEqualTo(first);

        assertThatThrownBy(() -> vm.setPolicies("bbr", "minrtt", "fullmesh"))
                .hasMessageContaining("unknown congestion control 'bbr'").hasMessageContaining("newreno, reno, cubic, lia, olia, balia");
        vm.setPolicies("newreno", "minrtt", "none");
        assertThat(vm.specProperty().get().pathManager()).isEqualTo("none");
        run(2 * S);
        // No path manager: the connection stays on its first subflow.
        assertThat(vm.paths().get(1).subflowsProperty().get()).isEqualTo("no subflow");
    }

    @Test
    void congestionControlAndSchedulerSwitchWhileTheConnectionRuns() {
        run(3 * S);
        long before = vm.session().state().nowNanos();
        vm.setPolicies("lia", "blest", "fullmesh");
        run(S);
        assertThat(vm.session().state().nowNanos()).as("no restart: time went on").isGreaterThan(before);
        assertThat(vm.specProperty().get().congestionControl()).isEqualTo("lia");
        assertThat(vm.specProperty().get().scheduler()).isEqualTo("blest");
        assertThat(vm.events().stream().map(EventLine::text)).anyMatch(t -> t.contains("MPTCP now runs lia with the blest scheduler"));
        // The stacks' events say the connection took the scheduler at its next send.
        assertThat(vm.session().store().eventsSince(0)).anyMatch(e -> e.kind().equals("SCHEDULER") && e.detail().contains("minrtt -> blest"));
        assertThat(vm.statusProperty().get()).contains("2 subflows established");
        // LIA's alpha (RFC 6356 4) on each path card, from the sender's controller.
        assertThat(vm.paths().get(0).subflowsProperty().get()).matches("subflow 0 established \\(lia alpha=[0-9.]+\\)");
        // A restart keeps what was switched to.
        vm.restart();
        assertThat(vm.specProperty().get().congestionControl()).isEqualTo("lia");
        assertThat(((org.mptcplab.app.session.EmulatedSession) vm.session()).spec().scheduler()).isEqualTo("blest");
    }

    @Test
    void speedStepsThroughItsList() {
        assertThat(vm.speedProperty().get()).isEqualTo(1.0);
        vm.faster();
        assertThat(vm.speedProperty().get()).isEqualTo(2.0);
        for (int i = 0; i < 10; i++) {
            vm.faster();
        }
        assertThat(vm.speedProperty().get()).isEqualTo(10.0);
        for (int i = 0; i < 10; i++) {
            vm.slower();
        }
        assertThat(vm.speedProperty().get()).isEqualTo(0.05);
        assertThat(Format.speed(0.05)).isEqualTo("0.05x");
        assertThat(Format.speed(2)).isEqualTo("2x");
    }

    @Test
    void exportsWriteAndTheSpecReloads(@TempDir Path dir) throws IOException {
        run(S);
        Path csv = dir.resolve("s.csv");
        vm.exportCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("kind,t_s,flow,subflow,path,state");
        assertThat(lines).anyMatch(l -> l.startsWith("subflow,")).anyMatch(l -> l.startsWith("flow,"));
        int columns = lines.get(0).split(",", -1).length;
        assertThat(lines).allMatch(l -> l.split(",", -1).length == columns);

        vm.paths().get(0).apply(Field.RATE, "7mbit");
        Path json = dir.resolve("spec.json");
        vm.saveSpec(json);
        vm.loadSpec(json);
        assertThat(vm.specProperty().get().paths().get(0).rateBps()).isEqualTo(7_000_000L);
        assertThat(vm.specProperty().get().withPaths(spec().paths())).isEqualTo(spec());
        Files.writeString(json, "{\"paths\": 3}");
        assertThatThrownBy(() -> vm.loadSpec(json)).isInstanceOf(IOException.class).hasMessageContaining("paths");
        assertThatThrownBy(() -> vm.exportCsv(dir.resolve("no/such/dir/x.csv"))).isInstanceOf(IOException.class);
    }
}

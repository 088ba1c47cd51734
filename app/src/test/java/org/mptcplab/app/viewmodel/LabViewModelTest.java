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
        // The sender's controller and its increase per RTT (newreno: 1 segment), last on subflow rows.
        assertThat(lines.get(0)).endsWith(",stalls,cc,cc_increase_per_rtt");
        assertThat(lines).anyMatch(l -> l.startsWith("subflow,") && l.endsWith(",newreno,1.000"));

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

    // ---- the scheduler's decisions in words (SchedulingReason)

    @Test
    void pathCardsSayWhatTheSchedulerDoesWithThemNow() {
        run(3 * S);
        // The demo's video over minRTT: WiFi has the lowest RTT and carries nearly everything.
        assertThat(vm.paths().get(0).schedulingProperty().get()).matches("carries \\d+% of chunks: lowest RTT");
        String lte = vm.paths().get(1).schedulingProperty().get();
        assertThat(lte).matches("carries (<1|\\d+)% of chunks: faster subflow's window full|no chunks lately");
        // A backup carries nothing while WiFi works, and says why.
        vm.paths().get(1).setBackup(true);
        run(5 * S);
        assertThat(vm.paths().get(1).schedulingProperty().get()).isEqualTo("no chunks: a backup, and a regular subflow works");
        assertThat(vm.paths().get(0).schedulingProperty().get()).isEqualTo("carries 100% of chunks: lowest RTT");
    }

    @Test
    void aBackupTakingOverAndHandingBackIsSaidOnceEachAndHighlighted() {
        run(S);
        vm.paths().get(1).setBackup(true);
        run(2 * S);
        vm.paths().get(0).toggle(); // WiFi down, signalled: the backup is all there is
        for (int i = 0; i < 50; i++) {
            run(S / 10); // frame by frame: the cards' words cover the last second
        }
        List<EventLine> onto = vm.events().stream().filter(l -> l.text().contains("now carries data")).toList();
        assertThat(onto).hasSize(1);
        assertThat(onto.get(0).text()).isEqualTo("server: backup subflow 1 (LTE) now carries data: no regular subflow is usable (RFC 8684 3.3.8)");
        assertThat(onto.get(0).highlight()).isTrue();
        assertThat(vm.paths().get(1).schedulingProperty().get()).isEqualTo("carries 100% of chunks: backup, no regular subflow usable");
        assertThat(vm.paths().get(0).schedulingProperty().get()).isEmpty(); // no subflow there now
        vm.paths().get(0).toggle(); // WiFi back: a new regular subflow joins and takes the data again
        run(5 * S);
        List<EventLine> back = vm.events().stream().filter(l -> l.text().contains("back to regular subflows")).toList();
        assertThat(back).hasSize(1);
        assertThat(back.get(0).text()).matches("server: back to regular subflows: subflow \\d+ \\(WiFi\\) carries data again, backups idle");
        assertThat(back.get(0).highlight()).isTrue();
        // Where the data WiFi had in flight went, said with the path's name.
        assertThat(vm.events()).anySatisfy(l -> {
            assertThat(l.text()).isEqualTo("server: reinjected data goes out on subflow 1 (LTE), minrtt's pick: backup, no regular subflow usable");
            assertThat(l.highlight()).isTrue();
        });
    }

    @Test
    void schedulerLinesNameEachSubflowsPathAndHoldingBackFoldsIntoOneLine() {
        org.mptcplab.app.session.Samples.Event hold = new org.mptcplab.app.session.Samples.Event(12 * S, 0, "server",
                "SCHEDULER", 1, "ecf holds data for subflow 0 rather than send on subflow 1: waiting for subflow 0 finishes sooner");
        EventLine first = EventLine.of(hold, List.of("MPTCP"), List.of("WiFi", "LTE"), null);
        assertThat(first.text()).isEqualTo("server: ecf holds data for subflow 0 rather than send on subflow 1: waiting for "
                + "subflow 0 finishes sooner");
        assertThat(first.highlight()).isFalse();
        EventLine again = EventLine.of(new org.mptcplab.app.session.Samples.Event(25 * S, 0, "server", "SCHEDULER", 1,
                hold.detail()), List.of("MPTCP"), List.of("WiFi", "LTE"), null);
        assertThat(first.foldsWith(again)).isTrue();
        assertThat(first.fold(again).text()).endsWith("(2 times since 12.000 s)");
        // A switch of policy does not fold.
        EventLine sw = EventLine.of(new org.mptcplab.app.session.Samples.Event(S, 0, "server", "SCHEDULER", -1,
                "scheduler minrtt -> ecf"), List.of("MPTCP"), List.of("WiFi", "LTE"), null);
        assertThat(sw.text()).isEqualTo("server: scheduler minrtt -> ecf");
        assertThat(sw.foldKey()).isNull();
        // With the session's state the subflows' paths are named, each of them.
        run(2 * S);
        EventLine named = EventLine.of(hold, List.of("MPTCP"), List.of("WiFi", "LTE"), vm.session().state());
        assertThat(named.text()).isEqualTo("server: ecf holds data for subflow 0 (WiFi) rather than send on subflow 1 (LTE): "
                + "waiting for subflow 0 (WiFi) finishes sooner");
    }

    @Test
    void theCardsWordsChangeOnceASecondNotEveryFrame() {
        SchedulingWindow w = new SchedulingWindow();
        run(S);
        var start = w.update(vm.session().state().nowNanos(), vm.session().state().flows().get(0).subflows());
        for (int i = 0; i < 9; i++) {
            run(S / 10); // frames within the second: the same answer, so the cards are not laid out again
            assertThat(w.update(vm.session().state().nowNanos(), vm.session().state().flows().get(0).subflows())).isSameAs(start);
        }
        run(S / 10);
        var next = w.update(vm.session().state().nowNanos(), vm.session().state().flows().get(0).subflows());
        assertThat(next).isNotSameAs(start);
        // The last second's chunks: a second of 8 Mbit/s video, about 690 chunks of 1448 bytes or less.
        long chunks = next.values().stream().mapToLong(org.mptcplab.stack.sched.SchedulingCounts::carried).sum();
        assertThat(chunks).isBetween(500L, 1500L);
    }
}

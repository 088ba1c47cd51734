package org.mptcplab.stack.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;

/** Whole transfers in virtual time: which subflow carried the chunks, for which reason, and what was said. */
class SchedulingReasonTransferTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    private static SubflowSnapshot on(List<SubflowSnapshot> l, int path) {
        return l.stream().filter(f -> f.iface() == path).findFirst().orElseThrow();
    }

    private static List<String> said(Scenario.SimulationResult r) {
        return r.clientEvents().stream().filter(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER).map(ProtocolEvent::detail).toList();
    }

    @Test
    void aBackupCarriesDataOnlyOnceThePrimaryFailsAndTheSwitchIsSaidOnce() throws Exception {
        Scenario sc = new Scenario().path(LinkConfig.of(20_000_000L, 10 * MS)).path(LinkConfig.of(20_000_000L, 30 * MS))
                .backup(1).bytes(20_000_000).seed(1).event(new Scenario.PathEvent(4 * S, 0, false, true));
        Scenario.Run run = sc.build();
        run.network().runUntil(4 * S - 1);
        List<SubflowSnapshot> before = run.clientSocket().snapshot().subflows();
        // Before the failure: the backup idle, every chunk on the primary for the lowest RTT.
        assertThat(on(before, 1).backup()).isTrue();
        assertThat(on(before, 1).scheduled().carried()).isZero();
        assertThat(on(before, 0).scheduled().carriedByReason().keySet()).containsOnly(SchedulingReason.LOWEST_RTT);
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
        SubflowSnapshot backup = on(r.subflows(), 1);
        // After it: the backup carries the rest as a backup, plus what the primary had in flight
        // (reinjected); it never carried a chunk for another reason.
        assertThat(backup.scheduled().get(SchedulingReason.BACKUP_NO_REGULAR)).isGreaterThan(5_000);
        assertThat(backup.scheduled().carriedByReason().keySet())
                .containsOnly(SchedulingReason.BACKUP_NO_REGULAR, SchedulingReason.REINJECTION);
        assertThat(backup.scheduled().main()).isEqualTo(SchedulingReason.BACKUP_NO_REGULAR);
        List<ProtocolEvent> switches = r.clientEvents().stream().filter(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER
                && e.detail().startsWith("backup subflow")).toList();
        assertThat(switches).hasSize(1);
        assertThat(switches.get(0).timeNanos()).isGreaterThanOrEqualTo(4 * S);
        assertThat(switches.get(0).subflowId()).isEqualTo(backup.id());
        assertThat(switches.get(0).detail())
                .isEqualTo("backup subflow 1 now carries data: no regular subflow is usable (RFC 8684 3.3.8)");
        // The primary's data went out again on the backup, and that was said.
        assertThat(said(r)).contains("reinjected data goes out on subflow 1, minrtt's pick: backup, no regular subflow usable");
    }

    @Test
    void minRttPutsTheSlowSubflowsChunksDownToTheFastOnesFullWindow() throws Exception {
        Scenario.SimulationResult r = new Scenario().bytes(4_000_000).seed(7).deadline(120 * S)
                .path(LinkConfig.of(20_000_000L, 10 * MS)).path(LinkConfig.of(10_000_000L, 40 * MS)).run();
        assertThat(r.streamIntact()).isTrue();
        SchedulingCounts fast = on(r.subflows(), 0).scheduled();
        SchedulingCounts slow = on(r.subflows(), 1).scheduled();
        assertThat(fast.main()).isEqualTo(SchedulingReason.LOWEST_RTT);
        assertThat(slow.main()).isEqualTo(SchedulingReason.FASTER_FULL);
        assertThat(slow.get(SchedulingReason.FASTER_FULL)).isGreaterThan(100);
        // About every data segment is one decision (a few short ones at the end and the first
        // window before the join); the counts are chunks, not bytes.
        assertThat(fast.carried() + slow.carried()).isBetween(4_000_000L / 1460, 4_000_000L / 1000);
        assertThat(said(r)).isEmpty(); // nothing a person needs told: no backup, no reinjection
    }

    @Test
    void roundRobinAndRedundantSayTheirOwnReasons() throws Exception {
        LinkConfig c = LinkConfig.of(20_000_000L, 10 * MS);
        StackConfig rr = StackConfig.defaults().withScheduler("roundrobin");
        Scenario.SimulationResult turns = new Scenario().bytes(2_000_000).seed(3).clientConfig(rr).path(c).path(c).run();
        for (SubflowSnapshot f : turns.subflows()) {
            assertThat(f.scheduled().carriedByReason().keySet()).containsOnly(SchedulingReason.ROUND_ROBIN_TURN);
        }
        StackConfig red = StackConfig.defaults().withScheduler("redundant");
        Scenario.SimulationResult copies = new Scenario().bytes(2_000_000).seed(3).clientConfig(red).path(c).path(c).run();
        long copied = copies.subflows().stream().mapToLong(f -> f.scheduled().get(SchedulingReason.REDUNDANT_COPY)).sum();
        long firsts = copies.subflows().stream().mapToLong(f -> f.scheduled().carried()).sum() - copied;
        assertThat(copied).isGreaterThan(firsts * 8 / 10); // nearly every chunk twice
    }

    @Test
    void ecfHoldsDataForTheFastSubflowAndSaysSoOncePerEpisodeAtMostEveryTenSeconds() throws Exception {
        // A fast path and a much slower one: ECF keeps most data for the fast path.
        StackConfig ecf = StackConfig.defaults().withScheduler("ecf");
        Scenario.SimulationResult r = new Scenario().bytes(20_000_000).seed(2).deadline(120 * S).clientConfig(ecf)
                .path(LinkConfig.of(20_000_000L, 10 * MS)).path(LinkConfig.of(5_000_000L, 100 * MS)).run();
        assertThat(r.streamIntact()).isTrue();
        SchedulingCounts slow = on(r.subflows(), 1).scheduled();
        assertThat(slow.get(SchedulingReason.ECF_WAIT_FOR_FASTER)).isGreaterThan(10);
        assertThat(on(r.subflows(), 0).scheduled().heldBack()).isZero();
        List<ProtocolEvent> holds = r.clientEvents().stream().filter(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER
                && e.detail().contains("holds data")).toList();
        assertThat(holds).isNotEmpty();
        assertThat(holds.get(0).detail())
                .isEqualTo("ecf holds data for subflow 0 rather than send on subflow 1: waiting for subflow 0 finishes sooner");
        assertThat(holds.get(0).subflowId()).isEqualTo(1);
        for (int i = 1; i < holds.size(); i++) {
            assertThat(holds.get(i).timeNanos() - holds.get(i - 1).timeNanos()).isGreaterThanOrEqualTo(10 * S);
        }
    }

    @Test
    void aSignalledHandoverSaysWhereTheReinjectionGoes() throws Exception {
        Scenario.SimulationResult r = new Scenario().path(LinkConfig.of(20_000_000L, 10 * MS))
                .path(LinkConfig.of(12_000_000L, 35 * MS)).bytes(12_000_000).seed(1)
                .event(new Scenario.PathEvent(3 * S, 0, false, true)).run();
        assertThat(r.streamIntact()).isTrue();
        assertThat(on(r.subflows(), 1).scheduled().get(SchedulingReason.REINJECTION)).isPositive();
        assertThat(said(r)).anyMatch(d -> d.startsWith("reinjected data goes out on subflow 1, minrtt's pick: "));
    }
}

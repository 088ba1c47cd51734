package org.mptcplab.stack.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;

/** Whole transfers over two emulated paths, in virtual time, for each policy. */
class SchedulerTransferTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    static List<String> names() {
        return Schedulers.NAMES;
    }

    private static Scenario.SimulationResult run(Scenario sc, String scheduler, boolean opportunistic) throws Exception {
        Scenario.Run run = sc.build();
        run.client().setScheduler(scheduler);
        run.client().setOpportunisticRetransmission(opportunistic);
        return run.runToEnd();
    }

    private static long sent(Scenario.SimulationResult r, int id) {
        return r.subflows().stream().filter(s -> s.id() == id).mapToLong(SubflowSnapshot::bytesSent).sum();
    }

    @ParameterizedTest
    @MethodSource("names")
    void bulkTransferOverTwoPathsArrivesIntact(String name) throws Exception {
        long bytes = 4_000_000;
        Scenario sc = new Scenario().bytes(bytes).seed(7).deadline(120 * S)
                .path(LinkConfig.of(20_000_000L, 10 * MS)).path(LinkConfig.of(10_000_000L, 40 * MS));
        Scenario.SimulationResult r = run(sc, name, false);
        assertThat(r.finished()).as(name).isTrue();
        assertThat(r.bytesDelivered()).isEqualTo(bytes);
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.subflows()).hasSize(2);
        if (!name.equals("blest") && !name.equals("ecf")) {
            // These fill the slow path whenever it has room; BLEST and ECF may rightly leave it idle.
            assertThat(sent(r, 1)).as(name + ": bytes on the second subflow").isGreaterThan(bytes / 10);
        }
    }

    @Test
    void redundantSendsEveryChunkOnBothSubflowsAndTheStreamStaysIntact() throws Exception {
        long bytes = 4_000_000;
        LinkConfig c = LinkConfig.of(50_000_000L, 10 * MS);
        Scenario sc = new Scenario().bytes(bytes).seed(3).deadline(60 * S).path(c).path(c);
        Scenario.SimulationResult red = run(sc, "redundant", false);
        assertThat(red.finished()).isTrue();
        assertThat(red.streamIntact()).isTrue();
        assertThat(red.bytesDelivered()).isEqualTo(bytes);
        // Everything sent after the join went on both: the first subflow carried the whole
        // stream, the second all of it but the first few windows (before its join completed).
        assertThat(sent(red, 0)).isGreaterThanOrEqualTo(bytes);
        assertThat(sent(red, 1)).isGreaterThan(bytes * 8 / 10);
        // minRTT on the same paths splits the stream instead: no byte twice.
        Scenario.SimulationResult split = run(new Scenario().bytes(bytes).seed(3).deadline(60 * S).path(c).path(c),
                "minrtt", false);
        assertThat(sent(split, 0) + sent(split, 1)).isLessThan(bytes * 11 / 10);
    }

    @Test
    void minRttUsesTheSlowSubflowOnceTheFastOnesWindowIsFull() throws Exception {
        // Unlimited links, 5 vs 50 ms; loss on the fast one keeps its window small, so it fills:
        // the slow subflow must then take data (it carries most of it).
        long bytes = 20_000_000;
        Scenario sc = new Scenario().bytes(bytes).seed(3).deadline(120 * S)
                .path(LinkConfig.UNLIMITED.withDelay(5 * MS).withLoss(0.002))
                .path(LinkConfig.UNLIMITED.withDelay(50 * MS));
        Scenario.SimulationResult r = run(sc, "minrtt", false);
        assertThat(r.streamIntact()).isTrue();
        assertThat(sent(r, 1)).isGreaterThan(bytes / 4);
    }

    @Test
    void penalisationHalvesTheWindowOfTheSubflowThatHoldsTheReceiveWindow() throws Exception {
        // A small receive buffer, a fast and a slow path: the slow path's segments at the data ACK
        // hold the window while the fast one has room.
        StackConfig small = StackConfig.defaults().withBuffers(4 << 20, 192 << 10);
        Scenario sc = new Scenario().bytes(6_000_000).seed(5).deadline(120 * S).serverConfig(small)
                .path(LinkConfig.of(40_000_000L, 5 * MS)).path(LinkConfig.of(5_000_000L, 100 * MS));
        Scenario.SimulationResult on = run(sc, "minrtt", true);
        assertThat(on.streamIntact()).isTrue();
        List<ProtocolEvent> penalties = on.clientEvents().stream()
                .filter(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER && e.detail().contains("penalised")).toList();
        assertThat(penalties).isNotEmpty();
        for (ProtocolEvent e : penalties) {
            // The slow subflow (1) holds the head and is halved; the head went again on the fast one (0).
            assertThat(e.subflowId()).as(e.detail()).isEqualTo(1);
            assertThat(e.detail()).contains("sent again on subflow 0");
            String[] w = e.detail().replaceAll(".*cwnd (\\d+) -> (\\d+).*", "$1 $2").split(" ");
            long before = Long.parseLong(w[0]);
            long after = Long.parseLong(w[1]);
            assertThat(after).isEqualTo(Math.max(before / 2, 2L * 1460)); // half, at least two segments
        }
        // Off (the default): no penalty, no opportunistic retransmission.
        Scenario.SimulationResult off = run(new Scenario().bytes(6_000_000).seed(5).deadline(120 * S)
                .serverConfig(small).path(LinkConfig.of(40_000_000L, 5 * MS)).path(LinkConfig.of(5_000_000L, 100 * MS)),
                "minrtt", false);
        assertThat(off.streamIntact()).isTrue();
        assertThat(off.clientEvents()).noneMatch(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER && e.detail().contains("penalised"));
    }

    @Test
    void switchingSchedulerMidTransferIsReportedAndKeepsTheStreamIntact() throws Exception {
        long bytes = 4_000_000;
        Scenario sc = new Scenario().bytes(bytes).seed(9).deadline(120 * S)
                .path(LinkConfig.of(20_000_000L, 10 * MS)).path(LinkConfig.of(10_000_000L, 40 * MS));
        Scenario.Run run = sc.build();
        run.network().schedule(500 * MS, () -> run.client().setScheduler("roundrobin"));
        run.network().schedule(900 * MS, () -> run.client().setScheduler("ecf"));
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
        assertThat(r.clientEvents().stream().filter(e -> e.kind() == ProtocolEvent.Kind.SCHEDULER)
                .map(ProtocolEvent::detail).filter(d -> d.startsWith("scheduler ")))
                .containsExactly("scheduler minrtt -> roundrobin", "scheduler roundrobin -> ecf");
        assertThat(run.clientSocket().connection().scheduler().name()).isEqualTo("ecf");
    }
}

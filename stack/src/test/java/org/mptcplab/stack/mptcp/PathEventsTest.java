package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;

/**
 * A path's failures as the path manager meets them: an interface that goes down and comes back
 * (signalled: REMOVE_ADDR, reinjection at once, a new join), and a path that fails silently,
 * found by its timeouts (Linux's stale subflow, net.mptcp.stale_loss_cnt).
 */
class PathEventsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    private static List<String> events(MptcpStack st, ProtocolEvent.Kind kind) {
        return st.observer().events().stream().filter(e -> e.kind() == kind).map(ProtocolEvent::detail).toList();
    }

    @Test
    void aSilentPathsSubflowTurnsStaleIsLeftAndRecoversWhenThePathReturns() throws Exception {
        // Path 2 fails without a signal at 2 s and comes back at 12 s of a transfer that outlasts both.
        Scenario sc = new Scenario().seed(29).bytes(30_000_000L).path(LinkConfig.parse("10mbit,10ms"))
                .path(LinkConfig.parse("10mbit,10ms"))
                .event(new Scenario.PathEvent(2 * S, 1, false)).event(new Scenario.PathEvent(12 * S, 1, true));
        Scenario.Run run = sc.build();
        run.network().runUntil(11 * S);
        MptcpStack client = run.client();
        assertThat(client.observer().get(Mib.SubflowStale)).as("once, not at every timeout").isEqualTo(1);
        List<ProtocolEvent> pm = client.observer().events().stream()
                .filter(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER && e.detail().contains("stale")).toList();
        assertThat(pm).singleElement().satisfies(e -> assertThat(e.detail()).startsWith("subflow 1 10.2.0.1 -> 10.2.0.2"
                + " stale: nothing received over 5 retransmission timeouts in a row (stale_loss_cnt 4); the scheduler"
                + " leaves it and its data goes again on the others (subflow 0 works)"));
        long staleAt = pm.get(0).timeNanos();
        assertThat(client.observer().events()).as("its data reinjected, at its first timeout already").anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ProtocolEvent.Kind.REINJECTION);
            assertThat(e.subflowId()).isEqualTo(1);
            assertThat(e.timeNanos()).isBetween(2 * S, staleAt);
        });
        Subflow sf = run.clientSocket().connection().subflows.stream().filter(s -> s.id == 1).findFirst().orElseThrow();
        assertThat(sf.stale).isTrue();
        assertThat(sf.alive()).as("the scheduler leaves it").isFalse();
        long sentWhileStale = sf.bytesSent;
        run.network().runUntil(run.network().now() + 500 * MS);
        assertThat(sf.bytesSent).as("no new data while stale (only its own retransmission)")
                .isLessThanOrEqualTo(sentWhileStale + 1460);

        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
        assertThat(client.observer().get(Mib.SubflowRecover)).isEqualTo(1);
        assertThat(events(client, ProtocolEvent.Kind.PATH_MANAGER)).anySatisfy(d -> assertThat(d)
                .isEqualTo("subflow 1 10.2.0.1 -> 10.2.0.2 recovered: a segment arrived after it was stale"));
        assertThat(sf.bytesSent).as("used again after it recovered").isGreaterThan(sentWhileStale + 100_000);
    }

    @Test
    void staleLossCountZeroTurnsTheCheckOff() throws Exception {
        Scenario sc = new Scenario().seed(30).bytes(20_000_000L).path(LinkConfig.parse("10mbit,10ms"))
                .path(LinkConfig.parse("10mbit,10ms")).clientConfig(StackConfig.defaults().withStaleLossCount(0))
                .event(new Scenario.PathEvent(2 * S, 1, false));
        Scenario.Run run = sc.build();
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
        assertThat(run.client().observer().get(Mib.SubflowStale)).isZero();
        assertThat(events(run.client(), ProtocolEvent.Kind.PATH_MANAGER)).noneMatch(d -> d.contains("stale"));
    }

    @Test
    void aSignalledLinkDownAndUpSayWhatThePathManagerDid() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 31);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(60_000_000, 31);
        p.server.listen(80, s -> s.setHandler(sink));
        p.act(() -> p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> sink.received() > 3_000_000, 10 * S);
        int id = p.client.addressId(Pair.addr(1, 1, false));
        long downAt = p.now;
        p.act(() -> p.client.removeAddress(p.now, id));
        List<ProtocolEvent> atDown = p.client.observer().events().stream().filter(e -> e.timeNanos() == downAt).toList();
        assertThat(atDown).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ProtocolEvent.Kind.REMOVE_ADDR);
            assertThat(e.detail()).isEqualTo("local address id 2 10.2.0.1 removed (interface down): REMOVE_ADDR to the"
                    + " peer, 1 subflow on it closed, its data reinjected at once");
        });
        assertThat(atDown).anySatisfy(e -> assertThat(e.kind()).isEqualTo(ProtocolEvent.Kind.REINJECTION));
        p.runUntil(() -> sink.received() > 10_000_000, 10 * S);
        assertThat(p.server.observer().get(Mib.RmAddr)).isEqualTo(1);
        long upAt = p.now;
        p.act(() -> p.client.restoreAddress(p.now, id));
        assertThat(p.client.observer().events()).anySatisfy(e -> {
            assertThat(e.timeNanos()).isEqualTo(upAt);
            assertThat(e.kind()).isEqualTo(ProtocolEvent.Kind.PATH_MANAGER);
            assertThat(e.detail()).isEqualTo("full mesh: local address 10.2.0.1 is back: join 10.2.0.1 -> 10.2.0.2"
                    + " (address ids 2/2)");
        });
        p.runUntil(() -> sender.done() && sink.done(), 120 * S);
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
    }
}

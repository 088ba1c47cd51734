package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MptcpOption;

/** The path managers at work in a whole connection, in virtual time. */
class PathManagerTest {
    private static final long MS = 1_000_000L;

    private static List<SubflowSnapshot> established(MptcpSocket s) {
        return s.snapshot().subflows().stream().filter(f -> f.state() == SubflowState.ESTABLISHED).toList();
    }

    private static Scenario paths(Scenario sc, int n) {
        for (int i = 0; i < n; i++) {
            sc.path(LinkConfig.parse((10 + 10 * i) + "mbit," + (10 + 5 * i) + "ms"));
        }
        return sc;
    }

    @Test
    void fullMeshOverTwoAndThreePathsOpensASubflowPerPair() throws Exception {
        for (int n = 2; n <= 3; n++) {
            Scenario.Run run = paths(new Scenario().seed(11).bytes(20_000_000L), n).build();
            run.network().runUntil(800 * MS);
            List<SubflowSnapshot> up = established(run.clientSocket());
            assertThat(up).as(n + " paths").hasSize(n);
            assertThat(up.stream().map(SubflowSnapshot::iface).collect(Collectors.toSet())).hasSize(n);
            assertThat(up.stream().map(f -> f.localAddress() + ">" + f.remoteAddress()).collect(Collectors.toSet()))
                    .hasSize(n);
            assertThat(run.client().observer().events().stream()
                    .filter(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER && e.detail().contains("join"))
                    .count()).as("the joins say why").isEqualTo(n - 1);
            assertThat(run.server().observer().events().stream()
                    .filter(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER && e.detail().contains("announce"))
                    .count()).as("the server announced its other addresses").isEqualTo(n - 1);
            Scenario.SimulationResult r = run.runToEnd();
            assertThat(r.finished()).isTrue();
            assertThat(r.streamIntact()).isTrue();
        }
    }

    @Test
    void ndiffportsOpensNSubflowsOnDistinctPortsOverTheFirstPathAndKeepsN() throws Exception {
        StackConfig nd = StackConfig.defaults().withPathManager("ndiffports").withNdiffports(3);
        Scenario.Run run = new Scenario().seed(12).bytes(40_000_000L)
                .path(LinkConfig.parse("20mbit,10ms")).path(LinkConfig.parse("20mbit,10ms"))
                .clientConfig(nd).serverConfig(nd).build();
        run.network().runUntil(800 * MS);
        MptcpSocket c = run.clientSocket();
        List<SubflowSnapshot> up = established(c);
        assertThat(up).hasSize(3);
        assertThat(up).allSatisfy(f -> {
            assertThat(f.iface()).isZero();
            assertThat(f.localAddress()).isEqualTo(up.get(0).localAddress());
            assertThat(f.remoteAddress()).isEqualTo(up.get(0).remoteAddress());
        });
        assertThat(up.stream().map(SubflowSnapshot::localPort).distinct().count()).as("each on its own port").isEqualTo(3);
        assertThat(run.server().observer().events()).as("the server announces nothing")
                .noneMatch(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER);
        assertThat(run.client().observer().events()).noneMatch(e -> e.kind() == ProtocolEvent.Kind.ADD_ADDR);
        run.network().runUntil(run.network().now() + 1000 * MS);
        assertThat(established(c)).allSatisfy(f -> assertThat(f.bytesSent()).as("subflow " + f.id() + " carries data").isPositive());

        // Reset one of the joins: the path manager opens another to keep 3.
        int victim = up.get(2).id();
        long now = run.network().now();
        run.client().run(now, () -> {
            for (Subflow s : new java.util.ArrayList<>(c.conn.subflows)) {
                if (s.id == victim) {
                    s.reset(now, "test reset", MptcpOption.MpTcpRst.UNSPECIFIED);
                }
            }
        });
        run.network().runUntil(run.network().now() + 100 * MS);
        assertThat(established(c)).hasSize(2);
        run.network().runUntil(run.network().now() + 2000 * MS);
        List<SubflowSnapshot> again = established(c);
        assertThat(again).hasSize(3);
        assertThat(again).noneMatch(f -> f.id() == victim);
        assertThat(again.stream().map(SubflowSnapshot::localPort).distinct().count()).isEqualTo(3);
        assertThat(run.client().observer().events()).anyMatch(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER
                && e.detail().contains("back to 3 subflows"));

        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.finished()).isTrue();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void manualOpensNothingByItselfButTheCommandsWork() throws Exception {
        for (String name : List.of("manual", "none")) {
            StackConfig m = StackConfig.defaults().withPathManager(name);
            Scenario.Run run = new Scenario().seed(13).bytes(60_000_000L)
                    .path(LinkConfig.parse("20mbit,10ms")).path(LinkConfig.parse("10mbit,20ms"))
                    .clientConfig(m).serverConfig(m).build();
            run.network().runUntil(2000 * MS);
            MptcpSocket c = run.clientSocket();
            assertThat(established(c)).as(name + ": the first subflow only").hasSize(1);
            assertThat(run.client().observer().events()).noneMatch(e -> e.kind() == ProtocolEvent.Kind.ADD_ADDR
                    || e.kind() == ProtocolEvent.Kind.PATH_MANAGER);
            assertThat(run.server().observer().events()).noneMatch(e -> e.kind() == ProtocolEvent.Kind.PATH_MANAGER);

            int local = run.client().addressId(IpAddress.parse("10.1.0.1"));
            int[] id = new int[1];
            long now = run.network().now();
            run.client().run(now, () -> id[0] = c.openSubflow(now, local, 0));
            run.network().runUntil(run.network().now() + 2000 * MS);
            assertThat(established(c)).as(name + ": opened by hand").hasSize(2).anyMatch(f -> f.id() == id[0]);

            // A reset subflow stays closed: nothing rejoins by itself.
            long t = run.network().now();
            run.client().run(t, () -> {
                for (Subflow s : new java.util.ArrayList<>(c.conn.subflows)) {
                    if (s.id == id[0]) {
                        s.reset(t, "test reset", MptcpOption.MpTcpRst.UNSPECIFIED);
                    }
                }
            });
            run.network().runUntil(run.network().now() + 5000 * MS);
            assertThat(established(c)).hasSize(1);
            assertThat(c.snapshot().subflows()).as(name + ": no rejoin").allMatch(f -> f.id() <= id[0]);
            Scenario.SimulationResult r = run.runToEnd();
            assertThat(r.finished()).isTrue();
            assertThat(r.streamIntact()).isTrue();
        }
    }
}

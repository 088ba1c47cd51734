package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.wire.MptcpOption;

/**
 * The kernel's per-connection limits in its own terms ({@code ip mptcp limits set subflows N
 * add_addr_accepted M}), ADD_ADDR with a port, and the C flag of MP_CAPABLE: whole connections
 * between two of our stacks, in virtual time.
 */
class PathManagerLimitsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    private static Scenario paths(int n, long seed) {
        Scenario sc = new Scenario().seed(seed).bytes(40_000_000L);
        for (int i = 0; i < n; i++) {
            sc.path(LinkConfig.parse("20mbit,10ms"));
        }
        return sc;
    }

    private static List<SubflowSnapshot> established(MptcpSocket s) {
        return s.snapshot().subflows().stream().filter(f -> f.state() == SubflowState.ESTABLISHED).toList();
    }

    private static List<String> events(MptcpStack st, ProtocolEvent.Kind kind) {
        return st.observer().events().stream().filter(e -> e.kind() == kind).map(ProtocolEvent::detail).toList();
    }

    @Test
    void theConfigSpeaksTheKernelsTermsAndKeepsTheOldDefaults() {
        StackConfig d = StackConfig.defaults();
        assertThat(d.subflowsLimit()).as("8 subflows in all, as before").isEqualTo(7);
        assertThat(d.addAddrAcceptedLimit()).isEqualTo(8);
        assertThat(d.allowJoinInitialAddress()).isTrue();
        assertThat(d.announcePort()).isEqualTo(-1);
        assertThat(d.staleLossCount()).isEqualTo(4);
        StackConfig linux = d.withLimits(2, 0);
        assertThat(linux.subflowsLimit()).isEqualTo(2);
        assertThat(linux.addAddrAcceptedLimit()).isZero();
        assertThatThrownBy(() -> d.withSubflowsLimit(9)).hasMessageContaining("subflows limit 9 is outside 0 to 8");
        assertThatThrownBy(() -> d.withAddAddrAcceptedLimit(-1))
                .hasMessageContaining("add_addr_accepted limit -1 is outside 0 to 8");
        assertThatThrownBy(() -> d.withAnnouncePort(70000)).hasMessageContaining("outside 1 to 65535");
        assertThatThrownBy(() -> d.withStaleLossCount(-1)).hasMessageContaining("negative");
    }

    @Test
    void ourJoinsStopAtTheSubflowsLimitAndAnEventSaysWhich() throws Exception {
        Scenario.Run run = paths(3, 21).clientConfig(StackConfig.defaults().withSubflowsLimit(1)).build();
        run.network().runUntil(800 * MS);
        assertThat(established(run.clientSocket())).as("the first subflow and one more").hasSize(2);
        List<String> pm = events(run.client(), ProtocolEvent.Kind.PATH_MANAGER);
        assertThat(pm.stream().filter(d -> d.contains(": join ")).count()).isEqualTo(1);
        assertThat(pm).anySatisfy(d -> assertThat(d)
                .contains("subflows limit 1 reached (1 besides the first): no join 10.3.0.1 -> 10.3.0.2"));
        assertThat(run.server().observer().get(Mib.MPJoinSynRx)).isEqualTo(1);
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void aPeersJoinBeyondOurSubflowsLimitIsRefusedWithMpTcpRst() throws Exception {
        Scenario.Run run = paths(3, 22).serverConfig(StackConfig.defaults().withSubflowsLimit(1)).build();
        run.network().runUntil(400 * MS); // before the client's path manager tries again (500 ms later)
        assertThat(established(run.clientSocket())).hasSize(2);
        MptcpStack server = run.server();
        assertThat(server.observer().get(Mib.MPJoinSynRx)).isEqualTo(2);
        assertThat(server.observer().get(Mib.MPJoinRejected)).isEqualTo(1);
        assertThat(server.observer().get(Mib.MPRstTx)).as("the RST carries MP_TCPRST").isEqualTo(1);
        assertThat(events(server, ProtocolEvent.Kind.JOIN_REJECTED)).singleElement().asString()
                .contains("join from 10.", "rejected: subflows limit 1 reached (1 besides the first; ip mptcp limits set"
                        + " subflows N)");
        assertThat(events(run.client(), ProtocolEvent.Kind.SUBFLOW_RESET)).anySatisfy(d -> assertThat(d)
                .contains("administratively prohibited"));
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void anAddAddrBeyondTheAcceptedLimitIsEchoedCountedAndNotJoined() throws Exception {
        Scenario.Run run = paths(3, 23).clientConfig(StackConfig.defaults().withAddAddrAcceptedLimit(1)).build();
        run.network().runUntil(1500 * MS);
        MptcpStack client = run.client();
        assertThat(established(run.clientSocket())).hasSize(2);
        assertThat(client.observer().get(Mib.AddAddr)).isEqualTo(2);
        assertThat(client.observer().get(Mib.AddAddrDrop)).isEqualTo(1);
        assertThat(client.observer().get(Mib.EchoAddTx)).as("both echoed (RFC 8684 3.4.1)").isEqualTo(2);
        assertThat(run.server().observer().get(Mib.EchoAdd)).isEqualTo(2);
        assertThat(run.server().observer().get(Mib.AddAddrTx)).as("echoed: not announced again").isEqualTo(2);
        assertThat(events(client, ProtocolEvent.Kind.PATH_MANAGER)).anySatisfy(d -> assertThat(d)
                .matches("add_addr_accepted limit 1 reached: address id \\d 10\\.[23]\\.0\\.2 not used"));
        assertThat(run.clientSocket().connection().peerAddresses()).hasSize(2);

        // add_addr_accepted 0 (Linux's default): every announcement is echoed, none used.
        Scenario.Run none = paths(2, 24).clientConfig(StackConfig.defaults().withAddAddrAcceptedLimit(0)).build();
        none.network().runUntil(1500 * MS);
        assertThat(established(none.clientSocket())).hasSize(1);
        assertThat(none.client().observer().get(Mib.AddAddrDrop)).isEqualTo(1);
        assertThat(none.client().observer().get(Mib.MPJoinSynTx)).isZero();
        assertThat(none.server().observer().get(Mib.EchoAdd)).isEqualTo(1);
        assertThat(events(none.client(), ProtocolEvent.Kind.PATH_MANAGER))
                .contains("add_addr_accepted limit 0 reached: address id 2 10.2.0.2 not used");
    }

    @Test
    void anAddressAnnouncedWithAPortIsJoinedAtThatPortAndTheServerTakesTheJoinThere() throws Exception {
        Scenario.Run run = paths(2, 25).serverConfig(StackConfig.defaults().withAnnouncePort(5202)).build();
        run.network().runUntil(800 * MS);
        List<SubflowSnapshot> up = established(run.clientSocket());
        assertThat(up).hasSize(2);
        assertThat(up.get(1).remoteAddress() + ":" + up.get(1).remotePort()).isEqualTo("10.2.0.2:5202");
        assertThat(up.get(0).remotePort()).isEqualTo(5201);
        MptcpStack client = run.client();
        MptcpStack server = run.server();
        assertThat(client.observer().get(Mib.AddAddr)).as("the HMAC over id, address and port checks").isEqualTo(1);
        assertThat(client.observer().get(Mib.AddAddrDrop)).isZero();
        assertThat(client.observer().get(Mib.PortAdd)).isEqualTo(1);
        assertThat(client.observer().get(Mib.MPJoinPortSynAckRx)).isEqualTo(1);
        assertThat(server.observer().get(Mib.MPJoinPortSynRx)).isEqualTo(1);
        assertThat(server.observer().get(Mib.EchoAdd)).as("the echo, with the port, stops the announcement").isEqualTo(1);
        assertThat(server.observer().get(Mib.MismatchPortSynRx)).isZero();
        assertThat(events(server, ProtocolEvent.Kind.PATH_MANAGER))
                .contains("fullmesh: announce address id 2 10.2.0.2 port 5202 (joins accepted there)");
        assertThat(events(client, ProtocolEvent.Kind.ADD_ADDR)).contains("peer announced address id 2 10.2.0.2:5202");
        assertThat(events(client, ProtocolEvent.Kind.PATH_MANAGER)).anySatisfy(d -> assertThat(d)
                .endsWith("join 10.2.0.1 -> 10.2.0.2:5202 (address ids 2/2)"));
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void oneAddressAnnouncedWithItsOwnPortByTheStackApi() throws Exception {
        Scenario.Run run = paths(3, 26).build();
        // Before the connection: the second server address with port 7000, the third without.
        run.server().setAnnouncePort(2, 7000);
        assertThat(run.server().announcePort(2)).isEqualTo(7000);
        assertThat(run.server().announcePort(3)).isEqualTo(-1);
        run.network().runUntil(800 * MS);
        List<String> remotes = established(run.clientSocket()).stream()
                .map(f -> f.remoteAddress() + ":" + f.remotePort()).toList();
        assertThat(remotes).containsExactlyInAnyOrder("10.1.0.2:5201", "10.2.0.2:7000", "10.3.0.2:5201");
        assertThatThrownBy(() -> run.server().setAnnouncePort(9, 7000)).hasMessageContaining("no address with id 9");
        assertThatThrownBy(() -> run.server().setAnnouncePort(2, 0)).hasMessageContaining("outside 1 to 65535");
    }

    @Test
    void withTheCFlagTheServerRefusesJoinsToItsFirstAddressAndStillAnnouncesTheOthers() throws Exception {
        StackConfig noInitial = StackConfig.defaults().withAllowJoinInitialAddress(false);
        Scenario.Run run = paths(2, 27).serverConfig(noInitial).build();
        run.network().runUntil(800 * MS);
        MptcpConnection c = run.clientSocket().connection();
        assertThat(c.peerForbidsInitialJoin()).as("the client read C in the SYN/ACK").isTrue();
        assertThat(events(run.client(), ProtocolEvent.Kind.MP_CAPABLE)).singleElement().asString()
                .endsWith(", C received: no join to the peer's first address and port");
        assertThat(events(run.server(), ProtocolEvent.Kind.MP_CAPABLE)).singleElement().asString()
                .endsWith(", C sent: no join to our first address and port");
        assertThat(established(run.clientSocket())).as("the announced address is joined").hasSize(2);
        // A join to the first address and port, by hand: our client refuses to try (RFC 8684 3.1 MUST NOT).
        long now = run.network().now();
        int first = run.client().addressId(c.initialLocal());
        assertThatThrownBy(() -> c.openSubflow(now, first, 0)).hasMessageContaining("C flag");
        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void ourClientHonoursThePeersCFlagWhenItsFirstSubflowFails() throws Exception {
        for (boolean c : new boolean[] {true, false}) {
            StackConfig server = StackConfig.defaults().withAllowJoinInitialAddress(!c);
            Scenario.Run run = paths(2, 28).bytes(20_000_000L).serverConfig(server).build();
            run.network().runUntil(800 * MS);
            MptcpSocket cs = run.clientSocket();
            assertThat(established(cs)).hasSize(2);
            long now = run.network().now();
            run.client().run(now, () -> cs.connection().initialSubflow.reset(now, "test reset",
                    MptcpOption.MpTcpRst.UNSPECIFIED));
            run.network().runUntil(now + 3 * S);
            List<String> joins = events(run.client(), ProtocolEvent.Kind.PATH_MANAGER).stream()
                    .filter(d -> d.contains("rejoin")).toList();
            if (c) {
                assertThat(joins).as("no join to the peer's address id 0").isEmpty();
                assertThat(established(cs)).hasSize(1);
            } else {
                assertThat(joins).singleElement().asString().endsWith("join 10.1.0.1 -> 10.1.0.2 (address ids 0/0)");
                assertThat(established(cs)).hasSize(2);
            }
            assertThat(run.runToEnd().streamIntact()).isTrue();
        }
    }
}

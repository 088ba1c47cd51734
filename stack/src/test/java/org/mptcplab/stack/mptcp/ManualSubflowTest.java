package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.sim.Scenario;

/** Subflows opened and closed by hand (a manual path manager's commands), in virtual time. */
class ManualSubflowTest {
    private static final long MS = 1_000_000L;

    private static long open(MptcpSocket s, int iface) {
        return s.snapshot().subflows().stream()
                .filter(f -> f.iface() == iface && f.state() == SubflowState.ESTABLISHED).count();
    }

    @Test
    void aSecondSubflowOnTheSamePathJoinsThenClosesAndTheStreamStaysIntact() throws Exception {
        Scenario sc = new Scenario().seed(5).bytes(30_000_000L)
                .path(LinkConfig.parse("20mbit,10ms")).path(LinkConfig.parse("10mbit,30ms"));
        Scenario.Run run = sc.build();
        run.network().runUntil(500 * MS);
        MptcpSocket c = run.clientSocket();
        MptcpStack stack = run.client();
        assertThat(open(c, 0)).isEqualTo(1);
        assertThat(open(c, 1)).isEqualTo(1);

        // Path 2's address: the join goes to the peer's address that it reaches (announced by ADD_ADDR).
        int local = stack.addressId(org.mptcplab.stack.wire.IpAddress.parse("10.2.0.1"));
        int[] id = new int[1];
        long now = run.network().now();
        stack.run(now, () -> id[0] = c.openSubflow(now, local));
        // The join's SYN waits in path 2's queue behind the transfer (its RTT is about 180 ms now),
        // or is dropped there and sent again after the initial RTO (1 s, RFC 6298 2.1).
        run.network().runUntil(run.network().now() + 3000 * MS);
        assertThat(open(c, 1)).as("two subflows on path 2, one pair of addresses").isEqualTo(2);
        SubflowSnapshot extra = c.snapshot().subflows().stream().filter(f -> f.id() == id[0]).findFirst().orElseThrow();
        assertThat(extra.remoteAddress()).isEqualTo("10.2.0.2");
        run.network().runUntil(run.network().now() + 2000 * MS);
        assertThat(c.snapshot().subflows().stream().filter(f -> f.id() == id[0]).findFirst().orElseThrow().bytesSent())
                .as("the new subflow carries data").isPositive();

        long t = run.network().now();
        stack.run(t, () -> c.closeSubflow(t, id[0]));
        run.network().runUntil(run.network().now() + 500 * MS);
        assertThat(open(c, 1)).isEqualTo(1);

        Scenario.SimulationResult r = run.runToEnd();
        assertThat(r.finished()).isTrue();
        assertThat(r.streamIntact()).isTrue();
    }

    @Test
    void whatCannotBeDoneSaysWhy() throws Exception {
        Scenario.Run run = new Scenario().seed(6).bytes(5_000_000L).path(LinkConfig.parse("20mbit,10ms")).build();
        run.network().runUntil(300 * MS);
        MptcpSocket c = run.clientSocket();
        int only = c.snapshot().subflows().get(0).id();
        assertThatThrownBy(() -> c.closeSubflow(run.network().now(), only)).hasMessageContaining("last established");
        assertThatThrownBy(() -> c.closeSubflow(run.network().now(), 99)).hasMessageContaining("no subflow 99");
        assertThatThrownBy(() -> c.openSubflow(run.network().now(), 42)).hasMessageContaining("no address id 42");
        MptcpSocket server = run.sendingSocket() == c ? null : run.sendingSocket();
        assertThat(server).isNull(); // an upload: the client sends
    }
}

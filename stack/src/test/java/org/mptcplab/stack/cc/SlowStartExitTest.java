package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.PathDirection;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.sim.Scenario.SimulationResult;

/**
 * End to end in the emulated network: on a path with a drop-tail queue twice its bandwidth-delay
 * product, HyStart ends slow start when the queue starts to build, before it overflows; plain slow
 * start (RFC 5681 alone) doubles on until half a window is lost. Both deliver the stream intact.
 */
class SlowStartExitTest {
    static SimulationResult run(String cc) throws Exception {
        StackConfig cfg = StackConfig.defaults().withCongestionControl(cc);
        return new Scenario().path(LinkConfig.parse("20mbit,40ms")).bytes(10_000_000).seed(3)
                .clientConfig(cfg).serverConfig(cfg).run();
    }

    static long queueDrops(SimulationResult r) {
        return r.pathStates().stream().map(PathDirection.Snapshot::counters)
                .mapToLong(PathDirection.Counters::droppedQueue).sum();
    }

    @Test
    void hystartLeavesSlowStartWithoutOverflowingTheQueue() throws Exception {
        SimulationResult hy = run("newreno");
        SimulationResult plain = run("reno");
        assertThat(hy.streamIntact()).isTrue();
        assertThat(plain.streamIntact()).isTrue();
        SubflowSnapshot h = hy.subflows().get(0);
        SubflowSnapshot p = plain.subflows().get(0);
        // 10 MB at 20 Mbit/s (4 s) never reaches the 600 kB the path holds (200 kB in flight,
        // 400 kB queued) in congestion avoidance: no loss at all.
        assertThat(queueDrops(hy)).isZero();
        assertThat(h.bytesRetransmitted()).isZero();
        assertThat(h.rtoCount()).isZero();
        // Plain slow start overflows the queue by a large part of a window.
        assertThat(queueDrops(plain)).isGreaterThan(50);
        assertThat(p.bytesRetransmitted()).isGreaterThan(50L * 1400);
        // A single path with a queue this deep stays busy through SACK recovery either way: the
        // loss costs retransmissions (and, with several subflows, reinjections), not time here.
        assertThat(hy.durationSeconds()).isLessThanOrEqualTo(plain.durationSeconds());
    }

    @Test
    void anUnknownCongestionControlIsRefusedByName() {
        StackConfig cfg = StackConfig.defaults().withCongestionControl("cubic2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Scenario().path(LinkConfig.parse("20mbit,40ms"))
                .bytes(1000).clientConfig(cfg).run())
                .hasMessageContaining("unknown congestion control 'cubic2'").hasMessageContaining("newreno, reno");
    }
}

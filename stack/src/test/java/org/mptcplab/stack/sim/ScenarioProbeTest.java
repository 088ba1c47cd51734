package org.mptcplab.stack.sim;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;

class ScenarioProbeTest {
    @Test
    void probe() throws Exception {
        long bytes = Long.getLong("probe.bytes", 100_000_000L);
        Scenario sc = new Scenario();
        for (String p : System.getProperty("probe.paths", "40mbit,10ms;20mbit,40ms").split(";")) {
            sc.path(LinkConfig.parse(p));
        }
        var r = sc.bytes(bytes).seed(7).run();
        System.out.printf("PROBE goodput=%.1f Mbit/s ratio=%.3f dur=%.2f intact=%b finished=%b reset=%s stall=%d wall=%.2fs%n", r.goodputBps() / 1e6, r.goodputBps() / 60e6, r.durationSeconds(), r.streamIntact(), r.finished(), r.resetReason(), r.maxStallNanos() / 1000000, r.wallNanos() / 1e9);
        r.subflows().forEach(s -> System.out.printf("PROBE sf%d sent=%d retx=%d rtos=%d frx=%d srtt=%.1fms cwnd=%d%n", s.id(), s.bytesSent(), s.bytesRetransmitted(), s.rtoCount(), s.fastRetransmits(), s.srttNanos() / 1e6, s.cwnd()));
        System.out.println("PROBE events=" + r.clientEvents().size() + " reinj=" + r.clientCounters().get(org.mptcplab.stack.observe.Mib.MPTCPRetrans));
    }
}

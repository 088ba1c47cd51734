package org.mptcplab.stack.cc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-ACK work of every controller allocates nothing (the engine's budget is 256 B per packet
 * in all, see AllocationBudgetTest): congestion avoidance on three coupled subflows, with the
 * RTT samples and a loss now and then, counted by the JVM's per-thread allocation counter.
 */
class PerAckAllocationTest {
    static java.util.List<String> names() {
        return CongestionControls.NAMES;
    }

    private static long drive(FakeConnection c, int rounds) {
        long now = 0;
        long acked = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < c.views.size(); i++) {
                CongestionControl cc = c.views.get(i).cc;
                long rtt = c.views.get(i).rttNanos;
                cc.onRttSample(now, rtt, now - rtt);
                cc.onAck(now, 1000, rtt, cc.cwnd());
                acked += cc.cwnd();
                if (r % 5000 == 4999) {
                    cc.onFastRetransmit(cc.cwnd());
                    cc.onRecoveryExit();
                }
            }
            now += 100_000;
        }
        return acked;
    }

    @ParameterizedTest
    @MethodSource("names")
    void congestionAvoidanceAllocatesNothing(String name) {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FakeConnection c = new FakeConnection(name, 1000);
        c.add(40_000, 10);
        c.add(60_000, 30);
        c.add(20_000, 50);
        long id = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            drive(c, 50_000); // warm-up (compilation, escape analysis)
            long before = t.getThreadAllocatedBytes(id);
            drive(c, 100_000);
            best = Math.min(best, t.getThreadAllocatedBytes(id) - before);
        }
        // 300000 ACKs: anything per ACK would show as megabytes.
        assertThat(best).as("bytes allocated over 300000 ACKs").isLessThan(16_384);
    }
}

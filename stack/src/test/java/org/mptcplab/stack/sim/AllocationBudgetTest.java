package org.mptcplab.stack.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.PathDirection;

/**
 * The engine's steady-state allocation per data packet in a bulk transfer with nothing listening
 * (what {@code bench-stack --goodput} measures): issue 9 asks for less than 256 bytes. An
 * allocation count, not a timing, so it is stable enough to guard: bytes allocated by this thread
 * are counted exactly by the JVM ({@code ThreadMXBean.getThreadAllocatedBytes}).
 *
 * <p>Steady state is measured as a difference: after warm-up runs (so that the hot methods are
 * compiled and escape analysis has removed what it can), a short and a long transfer run, and
 * the extra bytes of the long one are divided by its extra data packets. Set-up (hosts, buffers,
 * the handshake, the report) costs the same in both and cancels out.
 */
class AllocationBudgetTest {
    private static final long BUDGET_BYTES_PER_PACKET = 256;

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t;
        }
        return null;
    }

    private record Run(long allocated, long dataPackets) {
    }

    private static Run run(com.sun.management.ThreadMXBean t, long bytes) throws Exception {
        Scenario sc = new Scenario().bytes(bytes).seed(1).light(true).deadline(600_000_000_000L);
        LinkConfig c = LinkConfig.UNLIMITED.withDelay(50_000L);
        sc.path(c).path(c);
        long id = Thread.currentThread().getId();
        long before = t.getThreadAllocatedBytes(id);
        Scenario.SimulationResult r = sc.run();
        long allocated = t.getThreadAllocatedBytes(id) - before;
        assertTrue(r.finished() && r.bytesDelivered() == bytes, "the transfer did not complete: " + r.resetReason());
        long data = 0;
        for (PathDirection.Snapshot p : r.pathStates()) {
            if (p.direction() == 0) {
                data += p.counters().sentPackets();
            }
        }
        return new Run(allocated, data);
    }

    @Test
    void bulkTransferAllocatesLessThan256BytesPerDataPacket() throws Exception {
        com.sun.management.ThreadMXBean t = threads();
        Assumptions.assumeTrue(t != null, "this JVM does not count allocated bytes per thread");
        for (int i = 0; i < 4; i++) {
            run(t, 40_000_000L);
        }
        double best = Double.MAX_VALUE;
        // The smallest of three measurements: a compilation that lands mid-run (deoptimising a
        // method, so that escape analysis is briefly off) can only add bytes, never remove them.
        for (int i = 0; i < 3; i++) {
            Run small = run(t, 10_000_000L);
            Run large = run(t, 70_000_000L);
            double perPacket = (double) (large.allocated() - small.allocated())
                    / (large.dataPackets() - small.dataPackets());
            best = Math.min(best, perPacket);
        }
        System.out.printf("steady-state allocation: %.1f B per data packet%n", best);
        assertTrue(best < BUDGET_BYTES_PER_PACKET, String.format(
                "a bulk transfer allocates %.1f B per data packet in steady state, over the %d B budget "
                        + "(see PERFORMANCE.md for what allocates)", best, BUDGET_BYTES_PER_PACKET));
    }
}

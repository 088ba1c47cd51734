package org.mptcplab.stack.mptcp;

import org.junit.jupiter.api.Test;

class SpeedProbeTest {
    @Test
    void probe() {
        for (int run = 0; run < 3; run++) {
            Pair p = new Pair(2, StackConfig.defaults().withBuffers(8 << 20, 8 << 20), StackConfig.defaults().withBuffers(8 << 20, 8 << 20), 9);
            p.delay = 50_000; // 50 us
            p.client.observer().setRecordMappings(false);
            byte[] data = BulkTransferTest.random(100_000_000, 9);
            long t0 = System.nanoTime();
            byte[] got = BulkTransferTest.transfer(p, data, 80);
            long t1 = System.nanoTime();
            System.out.printf("PROBE %d bytes in %.3f s wall = %.2f Gbit/s; virtual %.3f s; equal=%b%n", got.length,
                    (t1 - t0) / 1e9, got.length * 8.0 / (t1 - t0), p.now / 1e9, java.util.Arrays.equals(got, data));
            p.client.observer().events().forEach(e -> System.out.println("PROBE " + e));
        }
    }
}

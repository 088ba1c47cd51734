package org.mptcplab.stack.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BulkSenderFillTest {
    /** The fast fill gives exactly nextBytes' stream, so seeds keep meaning the same bytes. */
    @Test
    void fillIsNextBytesEightAtATime() {
        for (int len : new int[] {0, 1, 7, 8, 9, 15, 16, 1000, 65536}) {
            for (long seed = 0; seed < 5; seed++) {
                byte[] a = new byte[len];
                byte[] b = new byte[len];
                SplittableRandom r1 = new SplittableRandom(seed);
                SplittableRandom r2 = new SplittableRandom(seed);
                r1.nextBytes(a);
                BulkSender.fill(r2, b);
                assertThat(b).as("len %d seed %d", len, seed).isEqualTo(a);
                assertThat(r2.nextLong()).isEqualTo(r1.nextLong());
            }
        }
    }
}

package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The connection-level receive buffer (RFC 8684 3.3.2) against a plain model: segments of a
 * stream arrive in any order, overlapping, repeated and beyond the window, with the application
 * reading in between; what it reads must be the stream, and the data ACK, the window and the
 * out-of-order byte count must be the model's at every step. Seeded; DSNs start just below
 * 2^64 so that the stream wraps.
 */
class ReceiveBufferTest {
    private static byte at(long offset) {
        return (byte) (offset * 131 + (offset >>> 9) * 7);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void anyArrivalOrderGivesTheStreamAndTheModelsAckAndWindow(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 << (12 + r.nextInt(4)); // 4 to 32 KiB
        long first = -(long) r.nextInt(1, 200_000); // the 2^64 wrap falls inside the stream
        int total = 300_000;
        ReceiveBuffer b = new ReceiveBuffer(capacity, first);
        boolean[] have = new boolean[total];
        long next = 0;
        long read = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] src = new byte[4096];
        byte[] dst = new byte[8192];
        int steps = 0;
        while (read < total && steps++ < 2_000_000) {
            if (r.nextInt(4) == 0) {
                int n = b.read(dst, 0, r.nextInt(1, dst.length));
                out.write(dst, 0, n);
                read += n;
            }
            // A segment somewhere around the window: behind it, in it, or past its edge.
            long from = Math.max(0, next - 3000 + r.nextInt(capacity + 6000));
            int len = r.nextInt(1, 1500);
            if (from >= total) {
                continue;
            }
            len = (int) Math.min(len, total - from);
            for (int i = 0; i < len; i++) {
                src[i] = at(from + i);
            }
            int became = b.receive(first + from, src, 0, len);
            // The model: bytes inside the window are taken, the rest dropped.
            long limit = read + b.capacity();
            for (long o = from; o < from + len && o < limit; o++) {
                have[(int) o] = true;
            }
            long before = next;
            while (next < total && have[(int) next]) {
                next++;
            }
            assertThat(became).as("step %d: bytes that became readable", steps).isEqualTo((int) (next - before));
            assertThat(b.next()).as("step %d: the data ACK", steps).isEqualTo(first + next);
            assertThat(b.window()).as("step %d: the window", steps).isEqualTo(b.capacity() - (int) (next - read));
            long ooo = 0;
            for (long o = next; o < Math.min(total, read + b.capacity()); o++) {
                ooo += have[(int) o] ? 1 : 0;
            }
            assertThat(b.outOfOrderBytes()).as("step %d: bytes held out of order", steps).isEqualTo((int) ooo);
        }
        int n;
        while ((n = b.read(dst, 0, dst.length)) > 0) {
            out.write(dst, 0, n);
        }
        byte[] got = out.toByteArray();
        assertThat(got.length).isEqualTo(total);
        for (int i = 0; i < total; i++) {
            if (got[i] != at(i)) {
                throw new AssertionError("byte " + i + " differs from the stream");
            }
        }
    }

    @Test
    void duplicatesAreCountedOnceAndRangesMergeAcrossHoles() {
        ReceiveBuffer b = new ReceiveBuffer(65536, 1000);
        byte[] d = new byte[100];
        assertThat(b.receive(1200, d, 0, 100)).isZero();
        assertThat(b.receive(1400, d, 0, 100)).isZero();
        assertThat(b.outOfOrderSegments()).isEqualTo(2);
        assertThat(b.receive(1250, d, 0, 100)).isZero(); // 50 held already, 50 new: joins the first run
        assertThat(b.duplicateBytes()).isEqualTo(50);
        assertThat(b.outOfOrderSegments()).isEqualTo(2);
        assertThat(b.receive(1350, d, 0, 50)).isZero(); // fills the gap between the runs: one run
        assertThat(b.outOfOrderSegments()).isEqualTo(1);
        assertThat(b.outOfOrderBytes()).isEqualTo(300);
        assertThat(b.outOfOrderArrivals()).isEqualTo(4);
        assertThat(b.receive(1000, new byte[200], 0, 200)).as("the hole filled: everything in order").isEqualTo(500);
        assertThat(b.outOfOrderSegments()).isZero();
        assertThat(b.outOfOrderBytes()).isZero();
        assertThat(b.next()).isEqualTo(1500);
    }

    @Test
    void headOfLineBlockingIsMeasuredAsBytesWaitingAndHowLong() {
        long ms = 1_000_000L;
        ReceiveBuffer b = new ReceiveBuffer(1 << 16, 0);
        byte[] d = new byte[300];
        // t=0: [100,200) arrives before [0,100): it waits. t=4: [250,300) waits too.
        assertThat(b.receive(0, 100, d, 0, 100)).isZero();
        assertThat(b.receive(4 * ms, 250, d, 0, 50)).isZero();
        assertThat(b.peakOutOfOrderBytes()).isEqualTo(150);
        // t=10: the first hole fills: [100,200) waited 10 ms, [250,300) still waits.
        assertThat(b.receive(10 * ms, 0, d, 0, 100)).isEqualTo(200);
        assertThat(b.maxOutOfOrderDelayNanos()).isEqualTo(10 * ms);
        // t=20: [200,250) fills the last hole: [250,300) waited 16 ms.
        assertThat(b.receive(20 * ms, 200, d, 0, 50)).isEqualTo(100);
        assertThat(b.maxOutOfOrderDelayNanos()).isEqualTo(16 * ms);
        assertThat(b.outOfOrderBytesHeld()).isEqualTo(150);
        // Byte-time waited: 100 x 10 ms + 50 x 16 ms = 1800 byte-ms over 150 bytes: 12 ms each.
        assertThat(b.meanOutOfOrderDelayNanos()).isEqualTo(12 * ms);
        // Over 0..40 ms: 1800 byte-ms / 40 ms = 45 bytes held on average.
        assertThat(b.meanOutOfOrderBytes(40 * ms)).isEqualTo(45.0);
    }

    @Test
    void mergedRangesWaitFromTheirOldestByte() {
        long ms = 1_000_000L;
        ReceiveBuffer b = new ReceiveBuffer(1 << 16, 0);
        byte[] d = new byte[100];
        b.receive(0, 200, d, 0, 100);          // oldest
        b.receive(5 * ms, 100, d, 0, 100);     // touches it: one range [100,300) whose oldest byte is from t=0
        b.receive(30 * ms, 0, d, 0, 100);
        assertThat(b.maxOutOfOrderDelayNanos()).isEqualTo(30 * ms);
        assertThat(b.meanOutOfOrderDelayNanos()).isEqualTo((100 * 30 + 100 * 25) * ms / 200);
    }
}

package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mapped-DSN set: overlap counts and merging, against a bit set, and its bound. */
class IntervalSetTest {

    @Test
    void countsWhatWasAlreadyCoveredAndMerges() {
        IntervalSet s = new IntervalSet();
        assertThat(s.add(0, 100)).isZero();
        assertThat(s.add(100, 200)).as("adjacent: appended").isZero();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.add(300, 400)).isZero();
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.add(150, 350)).as("50 of the first range, 50 of the second").isEqualTo(100);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.high()).isEqualTo(400);
        assertThat(s.add(10, 20)).isEqualTo(10);
        assertThat(s.add(5, 5)).isZero();
    }

    @Test
    void agreesWithABitSetOnRandomRanges() {
        SplittableRandom r = new SplittableRandom(5);
        IntervalSet s = new IntervalSet();
        BitSet bits = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            int a = r.nextInt(100_000);
            int b = a + 1 + r.nextInt(200);
            BitSet range = new BitSet();
            range.set(a, b);
            range.and(bits);
            assertThat(s.add(a, b)).isEqualTo(range.cardinality());
            bits.set(a, b);
        }
    }

    @Test
    void pastItsBoundItFillsTheLowestHoles() {
        IntervalSet s = new IntervalSet();
        for (int i = 0; i <= IntervalSet.MAX_RANGES; i++) {
            s.add(10L * i, 10L * i + 5);
        }
        assertThat(s.size()).isEqualTo(IntervalSet.MAX_RANGES);
        assertThat(s.holesFilled()).isEqualTo(5);
        assertThat(s.add(5, 10)).as("the hole that was filled counts as mapped").isEqualTo(5);
        assertThat(s.add(15, 20)).as("the next hole is still a hole").isZero();
        assertThat(s.size()).as("which joined two ranges").isEqualTo(IntervalSet.MAX_RANGES - 1);
        s.add(1_000_000, 1_000_001);
        assertThat(s.holesFilled()).as("room for one more").isEqualTo(5);
        s.add(2_000_000, 2_000_001);
        assertThat(s.holesFilled()).as("then the lowest hole again").isEqualTo(10);
        assertThat(s.size()).isEqualTo(IntervalSet.MAX_RANGES);
    }
}

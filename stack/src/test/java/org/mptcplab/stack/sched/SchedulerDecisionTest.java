package org.mptcplab.stack.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each policy's decision on hand-built states, the expected outcome computed by hand from its rule. */
class SchedulerDecisionTest {
    // ---- names and factory

    @Test
    void factoryKnowsEveryNameAndListsThemOnAnUnknownOne() {
        assertThat(Schedulers.NAMES).containsExactly("minrtt", "roundrobin", "redundant", "blest", "ecf");
        for (String n : Schedulers.NAMES) {
            assertThat(Schedulers.create(n).name()).isEqualTo(n);
        }
        assertThatThrownBy(() -> Schedulers.create("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fastest")
                .hasMessageContaining("minrtt, roundrobin, redundant, blest, ecf");
        // Each connection gets its own instance: every policy remembers at least its last reason.
        for (String n : Schedulers.NAMES) {
            Scheduler s = Schedulers.create(n);
            assertThat(s.copy()).isNotSameAs(s).isInstanceOf(s.getClass());
        }
    }

    // ---- minRTT

    @Test
    void minRttTakesTheFastestWithRoomAndTheSlowOneWhenTheFastIsFull() {
        Stub.Sf fast = new Stub.Sf(0, 10);
        Stub.Sf slow = new Stub.Sf(1, 100);
        Stub.Conn c = new Stub.Conn(slow, fast);
        Scheduler s = new MinRtt();
        assertThat(s.pick(c, 1400)).isSameAs(fast);
        fast.full();
        assertThat(s.pick(c, 1400)).isSameAs(slow);
        // Less room than one segment is no room (the segment would go out short).
        fast.inFlight = fast.cwnd - 500;
        assertThat(s.pick(c, 1400)).isSameAs(slow);
        slow.full();
        assertThat(s.pick(c, 1400)).isNull();
    }

    @Test
    void backupsOnlyWhenNoRegularSubflowIsAlive() {
        Stub.Sf regular = new Stub.Sf(0, 100).full();
        Stub.Sf backup = new Stub.Sf(1, 5);
        backup.backup = true;
        Stub.Conn c = new Stub.Conn(regular, backup);
        for (Scheduler s : List.of(new MinRtt(), new RoundRobin(), new Blest(), new Ecf(), new Redundant())) {
            assertThat(s.pick(c, 1400)).as(s.name()).isNull(); // the regular one is alive, just full
        }
        regular.backoff = 2; // timed out twice in a row: dead for the scheduler
        for (Scheduler s : List.of(new MinRtt(), new RoundRobin(), new Blest(), new Ecf(), new Redundant())) {
            assertThat(s.pick(c, 1400)).as(s.name()).isSameAs(backup);
        }
    }

    // ---- round-robin

    @Test
    void roundRobinAlternatesAndSkipsSubflowsWithoutRoom() {
        Stub.Sf a = new Stub.Sf(0, 10);
        Stub.Sf b = new Stub.Sf(1, 80);
        Stub.Sf c = new Stub.Sf(2, 40);
        Stub.Conn conn = new Stub.Conn(a, b, c);
        Scheduler rr = new RoundRobin();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(rr.pick(conn, 1400).id());
        }
        assertThat(order).containsExactly(0, 1, 2, 0, 1, 2);
        b.full();
        order.clear();
        for (int i = 0; i < 4; i++) {
            order.add(rr.pick(conn, 1400).id());
        }
        assertThat(order).containsExactly(0, 2, 0, 2);
        // minRTT, for contrast, never leaves the fastest.
        assertThat(new MinRtt().pick(conn, 1400).id()).isZero();
    }

    // ---- BLEST: X = MSS_f * (cwnd_f + (rtt_s/rtt_f - 1)/2) * rtt_s/rtt_f; skip x_s if X*lambda > SW - MSS_s*(inflight_s+1)

    @Test
    void blestWaitsForTheFastSubflowWhenTheSlowOneWouldBlockTheWindow() {
        Stub.Sf fast = new Stub.Sf(0, 10).full(); // cwnd 10 segments of 1000 B, no room
        Stub.Sf slow = new Stub.Sf(1, 40);       // rtt ratio 4, nothing in flight
        Stub.Conn c = new Stub.Conn(fast, slow);
        // X = 1000 * (10 + (4 - 1) / 2) * 4 = 46000; lambda starts at 1.2: X * lambda = 55200.
        // The slow segment keeps 1000 B of window: it could block the fast path below 56200.
        c.sendWindow = 56_000;
        Blest blest = new Blest();
        assertThat(blest.pick(c, 1400)).isNull();
        assertThat(blest.lambda()).isEqualTo(1.2);
        assertThat(blest.reason()).isEqualTo(SchedulingReason.BLEST_WOULD_BLOCK);
        c.sendWindow = 57_000; // 55200 > 56000 is false: room for both
        assertThat(blest.pick(c, 1400)).isSameAs(slow);
        // What the slow path already has in flight holds window too: 55200 > 57000 - 3000.
        slow.inFlight = 2_000;
        assertThat(blest.pick(c, 1400)).isNull();
        // The fast path has room: plain minRTT, whatever the window.
        fast.inFlight = 0;
        assertThat(blest.pick(c, 1400)).isSameAs(fast);
    }

    @Test
    void blestMovesLambdaOncePerRoundTripUpAfterABlockingAndDownOtherwiseWithinItsBounds() {
        long ms = 1_000_000L;
        Stub.Sf fast = new Stub.Sf(0, 10).full(); // the fast subflow's srtt, 10 ms, is the round trip
        Stub.Sf slow = new Stub.Sf(1, 40);
        Stub.Conn c = new Stub.Conn(fast, slow);
        c.sendWindow = 57_000; // lambda 1.2: 55200 <= 56000, send on the slow path
        Blest blest = new Blest();
        assertThat(blest.pick(c, 1400)).isSameAs(slow);
        c.blocked++; // the window blocked all the same
        c.now = 5 * ms; // within the round trip: lambda waits
        assertThat(blest.pick(c, 1400)).isSameAs(slow);
        assertThat(blest.lambda()).isEqualTo(1.2);
        c.now = 10 * ms; // a round trip on: 1.24, and 57040 > 56000
        assertThat(blest.pick(c, 1400)).isNull();
        assertThat(blest.lambda()).isCloseTo(1.24, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 2; i < 10; i++) { // blocked every round trip: up to 1.3 and no further
            c.blocked++;
            c.now = i * 10 * ms;
            blest.pick(c, 1400);
        }
        assertThat(blest.lambda()).isCloseTo(1.3, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 10; i < 50; i++) { // no blocking: down by 0.01 per round trip, to 1.0 and no further
            c.now = i * 10 * ms;
            blest.pick(c, 1400);
        }
        assertThat(blest.lambda()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    // ---- ECF: n = 1 + k/cwnd_f; wait if n*rtt_f < (1 + waiting*beta)(rtt_s + delta) and k/cwnd_s*rtt_s >= 2 rtt_f + delta

    @Test
    void ecfWaitsWhenTheFastPathFinishesFirstAndHoldsOnWithHysteresis() {
        Stub.Sf fast = new Stub.Sf(0, 10).full(); // cwnd_f 10000 B, rtt_f 10 ms
        Stub.Sf slow = new Stub.Sf(1, 40);       // cwnd_s 10000 B, rtt_s 40 ms, delta 0
        Stub.Conn c = new Stub.Conn(fast, slow);
        Ecf ecf = new Ecf();
        // k = 20000: n = 3, 30 ms < 40 ms; and 2 * 40 = 80 ms >= 20 ms: wait for the fast path.
        c.unsent = 20_000;
        assertThat(ecf.pick(c, 1400)).isNull();
        assertThat(ecf.waiting()).isTrue();
        // k = 35000: n = 4.5, 45 ms is not < 40 ms, but waiting: 45 < 1.25 * 40 = 50 -> keep waiting.
        c.unsent = 35_000;
        assertThat(ecf.pick(c, 1400)).isNull();
        // The same state without the hysteresis: use the slow path.
        assertThat(new Ecf().pick(c, 1400)).isSameAs(slow);
        // k = 50000: n = 6, 60 ms >= 50 ms: use the slow path and stop waiting.
        c.unsent = 50_000;
        assertThat(ecf.pick(c, 1400)).isSameAs(slow);
        assertThat(ecf.waiting()).isFalse();
    }

    @Test
    void ecfUsesTheSlowPathWhenItCostsNothingAndCountsRttVariation() {
        // Less than a window counts as one window on either path (any send takes a round trip; as
        // the authors' mptcp_ecf.c counts it). rtt_f 10 ms, rtt_s 20 ms, delta 5 ms: n = 2, 20 < 25,
        // but the slow path's one round, 20 ms, is under 2 * 10 + 5: it costs nothing, use it.
        Stub.Sf fastNear = new Stub.Sf(0, 10).full();
        Stub.Sf near = new Stub.Sf(1, 20);
        near.rttvar = 5 * Stub.MS;
        Stub.Conn cn = new Stub.Conn(fastNear, near);
        cn.unsent = 1_000;
        assertThat(new Ecf().pick(cn, 1400)).isSameAs(near);
        // The same 1000 B with a 40 ms slow path: its round, 40 ms, is 2 fast rounds and more: wait.
        Stub.Sf fast = new Stub.Sf(0, 10).full();
        Stub.Sf slow = new Stub.Sf(1, 40);
        Stub.Conn c = new Stub.Conn(fast, slow);
        c.unsent = 1_000;
        assertThat(new Ecf().pick(c, 1400)).isNull();
        // k = 32000: n = 4.2, 42 ms is not < 40 ms: slow path...
        c.unsent = 32_000;
        assertThat(new Ecf().pick(c, 1400)).isSameAs(slow);
        // ...unless the RTTs vary: delta = 5 ms, 42 < 45, and 3.2 * 40 = 128 >= 25: wait.
        slow.rttvar = 5 * Stub.MS;
        assertThat(new Ecf().pick(c, 1400)).isNull();
    }

    // ---- the reasons each decision gives (SchedulingReason)

    @Test
    void minRttSaysLowestRttFasterFullBackupOrNoRoom() {
        Stub.Sf fast = new Stub.Sf(0, 10);
        Stub.Sf slow = new Stub.Sf(1, 100);
        Stub.Sf backup = new Stub.Sf(2, 5);
        backup.backup = true;
        Stub.Conn c = new Stub.Conn(slow, fast, backup);
        for (Scheduler s : List.of(new MinRtt(), new Redundant())) {
            fast.inFlight = 0;
            slow.inFlight = 0;
            fast.backoff = 0;
            slow.backoff = 0;
            assertThat(s.pick(c, 1400)).as(s.name()).isSameAs(fast);
            assertThat(s.reason()).as(s.name()).isEqualTo(SchedulingReason.LOWEST_RTT);
            fast.full();
            assertThat(s.pick(c, 1400)).isSameAs(slow);
            assertThat(s.reason()).as(s.name()).isEqualTo(SchedulingReason.FASTER_FULL);
            slow.full();
            assertThat(s.pick(c, 1400)).isNull();
            assertThat(s.reason()).as(s.name()).isEqualTo(SchedulingReason.NO_ROOM);
            assertThat(s.heldBackFrom()).isNull();
            fast.backoff = 2;
            slow.backoff = 2;
            assertThat(s.pick(c, 1400)).isSameAs(backup);
            assertThat(s.reason()).as(s.name()).isEqualTo(SchedulingReason.BACKUP_NO_REGULAR);
        }
        // A tie in RTT is no faster subflow: the one picked has the lowest RTT.
        Stub.Sf twin = new Stub.Sf(3, 10);
        Stub.Sf first = new Stub.Sf(4, 10).full();
        Scheduler m = new MinRtt();
        assertThat(m.pick(new Stub.Conn(first, twin), 1400)).isSameAs(twin);
        assertThat(m.reason()).isEqualTo(SchedulingReason.LOWEST_RTT);
    }

    @Test
    void roundRobinSaysItsTurnOrBackup() {
        Stub.Sf a = new Stub.Sf(0, 10);
        Stub.Sf b = new Stub.Sf(1, 80);
        Stub.Sf backup = new Stub.Sf(2, 5);
        backup.backup = true;
        Stub.Conn c = new Stub.Conn(a, b, backup);
        Scheduler rr = new RoundRobin();
        assertThat(rr.pick(c, 1400)).isSameAs(a);
        assertThat(rr.reason()).isEqualTo(SchedulingReason.ROUND_ROBIN_TURN);
        assertThat(rr.pick(c, 1400)).isSameAs(b);
        assertThat(rr.reason()).isEqualTo(SchedulingReason.ROUND_ROBIN_TURN);
        a.full();
        b.full();
        assertThat(rr.pick(c, 1400)).isNull();
        assertThat(rr.reason()).isEqualTo(SchedulingReason.NO_ROOM);
        a.backoff = 2;
        b.backoff = 2;
        assertThat(rr.pick(c, 1400)).isSameAs(backup);
        assertThat(rr.reason()).isEqualTo(SchedulingReason.BACKUP_NO_REGULAR);
    }

    @Test
    void blestSaysWhenItHoldsDataBackAndFromWhichSubflow() {
        Stub.Sf fast = new Stub.Sf(0, 10).full();
        Stub.Sf slow = new Stub.Sf(1, 40);
        Stub.Conn c = new Stub.Conn(fast, slow);
        Blest blest = new Blest();
        c.sendWindow = 56_000; // X * lambda = 55200 > 55000: could block (the case of the test above)
        assertThat(blest.pick(c, 1400)).isNull();
        assertThat(blest.reason()).isEqualTo(SchedulingReason.BLEST_WOULD_BLOCK);
        assertThat(blest.reason().heldBack()).isTrue();
        assertThat(blest.heldBackFrom()).isSameAs(slow);
        c.sendWindow = 57_000;
        assertThat(blest.pick(c, 1400)).isSameAs(slow);
        assertThat(blest.reason()).isEqualTo(SchedulingReason.FASTER_FULL);
        assertThat(blest.heldBackFrom()).isNull();
        fast.inFlight = 0;
        assertThat(blest.pick(c, 1400)).isSameAs(fast);
        assertThat(blest.reason()).isEqualTo(SchedulingReason.LOWEST_RTT);
        fast.full();
        slow.full();
        assertThat(blest.pick(c, 1400)).isNull();
        assertThat(blest.reason()).isEqualTo(SchedulingReason.NO_ROOM);
        assertThat(blest.heldBackFrom()).isNull();
    }

    @Test
    void ecfSaysWhenWaitingForTheFastSubflowIsSooner() {
        Stub.Sf fast = new Stub.Sf(0, 10).full();
        Stub.Sf slow = new Stub.Sf(1, 40);
        Stub.Conn c = new Stub.Conn(fast, slow);
        Ecf ecf = new Ecf();
        c.unsent = 20_000; // n = 3, 30 ms < 40 ms: wait (the case of the test above)
        assertThat(ecf.pick(c, 1400)).isNull();
        assertThat(ecf.reason()).isEqualTo(SchedulingReason.ECF_WAIT_FOR_FASTER);
        assertThat(ecf.heldBackFrom()).isSameAs(slow);
        c.unsent = 50_000; // n = 6, 60 ms >= 50 ms: the slow path, for the fast one's full window
        assertThat(ecf.pick(c, 1400)).isSameAs(slow);
        assertThat(ecf.reason()).isEqualTo(SchedulingReason.FASTER_FULL);
        assertThat(ecf.heldBackFrom()).isNull();
        fast.inFlight = 0;
        assertThat(ecf.pick(c, 1400)).isSameAs(fast);
        assertThat(ecf.reason()).isEqualTo(SchedulingReason.LOWEST_RTT);
    }

    @Test
    void reasonsHaveWordsKeysAndSayWhetherAChunkWent() {
        assertThat(SchedulingReason.COUNT).isEqualTo(SchedulingReason.values().length);
        for (SchedulingReason r : SchedulingReason.values()) {
            assertThat(r.words()).isNotBlank();
            assertThat(r.key()).matches("[a-z_]+");
        }
        assertThat(SchedulingReason.LOWEST_RTT.key()).isEqualTo("lowest_rtt");
        assertThat(SchedulingReason.all().stream().filter(SchedulingReason::carries)).containsExactly(
                SchedulingReason.LOWEST_RTT, SchedulingReason.FASTER_FULL, SchedulingReason.ROUND_ROBIN_TURN,
                SchedulingReason.BACKUP_NO_REGULAR, SchedulingReason.REINJECTION,
                SchedulingReason.OPPORTUNISTIC_RETRANSMISSION, SchedulingReason.REDUNDANT_COPY);
        assertThat(SchedulingReason.all().stream().filter(SchedulingReason::heldBack))
                .containsExactly(SchedulingReason.BLEST_WOULD_BLOCK, SchedulingReason.ECF_WAIT_FOR_FASTER);
        long[] live = new long[SchedulingReason.COUNT];
        live[SchedulingReason.LOWEST_RTT.ordinal()] = 30;
        live[SchedulingReason.FASTER_FULL.ordinal()] = 10;
        live[SchedulingReason.ECF_WAIT_FOR_FASTER.ordinal()] = 99;
        SchedulingCounts counts = SchedulingCounts.copyOf(live);
        live[SchedulingReason.LOWEST_RTT.ordinal()] = 50; // a copy: the live counters move on
        assertThat(counts.get(SchedulingReason.LOWEST_RTT)).isEqualTo(30);
        assertThat(counts.carried()).isEqualTo(40);
        assertThat(counts.heldBack()).isEqualTo(99);
        assertThat(counts.main()).isEqualTo(SchedulingReason.LOWEST_RTT);
        assertThat(counts.carriedByReason()).containsExactly(java.util.Map.entry(SchedulingReason.LOWEST_RTT, 30L),
                java.util.Map.entry(SchedulingReason.FASTER_FULL, 10L));
        assertThat(SchedulingCounts.copyOf(live).since(counts).get(SchedulingReason.LOWEST_RTT)).isEqualTo(20);
        assertThat(SchedulingCounts.NONE.main()).isNull();
        assertThat(counts.since(SchedulingCounts.NONE)).isEqualTo(counts).hasSameHashCodeAs(counts);
        assertThat(counts).hasToString("{lowest_rtt=30, faster_full=10, ecf_wait_for_faster=99}");
    }
}

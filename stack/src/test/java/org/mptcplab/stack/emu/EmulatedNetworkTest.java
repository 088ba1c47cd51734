package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;
import org.mptcplab.stack.io.Endpoint;

/** The network's timing, queue, loss, jitter, up/down, timers and determinism, in virtual time. */
class EmulatedNetworkTest {
    static final long US = 1_000L;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** Two hosts, a (iface 0) and b (iface 0), one path. */
    static final class Pair {
        final EmulatedNetwork net;
        final TestEndpoint a = new TestEndpoint();
        final TestEndpoint b = new TestEndpoint();
        final Host ha;
        final Host hb;
        final Path path;

        Pair(long seed, LinkConfig aToB, LinkConfig bToA) {
            net = new EmulatedNetwork(seed);
            ha = net.addHost("a", a);
            hb = net.addHost("b", b);
            path = net.connect(ha, 0, hb, 0, aToB, bToA);
        }

        Pair(LinkConfig both) {
            this(1, both, both);
        }

        void sendAt(long t, byte[] datagram) {
            net.schedule(t, () -> a.send(0, datagram));
        }

        PathDirection.Counters ab() {
            return path.aToB().counters();
        }

        List<Integer> seqsAtB() {
            return b.received.stream().map(r -> Packets.seq(r.data())).toList();
        }
    }

    // ------------------------------------------------------------------ rate and delay

    @Test
    void serializationPlusPropagationIsExact() {
        // 1500 B at 12 Mbit/s: 12000 bits / 12e6 bit/s = 1 ms, plus 10 ms of propagation.
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms"));
        p.sendAt(0, Packets.sized(0, 1500));
        p.sendAt(50 * MS, Packets.sized(1, 1500));
        p.net.runUntilIdle(10 * S);
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS, 61 * MS);
        assertThat(p.b.received).allSatisfy(r -> assertThat(r.iface()).isZero());
        assertThat(p.net.now()).isEqualTo(61 * MS);
    }

    @Test
    void backToBackPacketsQueueBehindEachOther() {
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms"));
        List<PathDirection.Snapshot> snaps = new ArrayList<>();
        p.net.schedule(0, () -> {
            for (int i = 0; i < 3; i++) {
                p.a.send(0, Packets.sized(i, 1500));
            }
        });
        for (long t : new long[] {0, 1_500 * US, 3 * MS, 12_500 * US}) {
            p.net.schedule(t, () -> snaps.add(p.path.aToB().snapshot()));
        }
        p.net.runUntilIdle(S);
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS, 12 * MS, 13 * MS);
        assertThat(p.seqsAtB()).containsExactly(0, 1, 2);
        // At 0 one packet serializes and two wait; at 1.5 ms one waits; from 3 ms all propagate.
        assertThat(snaps).extracting(PathDirection.Snapshot::queuedBytes).containsExactly(3000L, 1500L, 0L, 0L);
        assertThat(snaps).extracting(PathDirection.Snapshot::queuedPackets).containsExactly(2, 1, 0, 0);
        assertThat(snaps).extracting(PathDirection.Snapshot::inFlightPackets).containsExactly(3L, 3L, 3L, 1L);
    }

    @Test
    void fractionalSerializationTimesDoNotDrift() {
        // 1500 B at 7 Mbit/s is 12/7 ms, not a whole number of nanoseconds: packet k (1-based)
        // completes at exactly ceil(k * 12e6 / 7) ns, and 7000 of them take exactly 12 s.
        Pair p = new Pair(LinkConfig.parse("7mbit"));
        int n = 7000;
        p.net.schedule(0, () -> {
            for (int i = 0; i < n; i++) {
                p.a.send(0, Packets.sized(i, 1500));
            }
        });
        p.net.runUntilIdle(100 * S);
        List<Long> times = p.b.arrivalTimes();
        assertThat(times).hasSize(n);
        for (int k = 1; k <= n; k++) {
            long exactNumerator = k * 12_000_000L;
            long ceil = (exactNumerator + 6) / 7;
            assertThat(times.get(k - 1)).as("packet %d", k).isEqualTo(ceil);
        }
        assertThat(times.get(n - 1)).isEqualTo(12 * S);
    }

    @Test
    void anIdleLinkStartsSerializingAtOnce() {
        // 1000 B at 3 Mbit/s = 8/3 ms; sent 10 ms apart, the link is idle for each.
        Pair p = new Pair(LinkConfig.parse("3mbit,1ms"));
        p.sendAt(0, Packets.sized(0, 1000));
        p.sendAt(10 * MS, Packets.sized(1, 1000));
        p.net.runUntilIdle(S);
        assertThat(p.b.arrivalTimes()).containsExactly(2_666_667L + MS, 10 * MS + 2_666_667L + MS);
    }

    // ------------------------------------------------------------------ queue

    @Test
    void queueLimitDropsTheRightPackets() {
        // Queue 3000 B: one packet serializing plus two waiting; the 4th to 6th are dropped.
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms,queue=3000b"));
        List<Integer> droppedSeqs = new ArrayList<>();
        p.net.addListener((t, d, e, data) -> {
            if (e == PacketEvent.DROPPED_QUEUE) {
                droppedSeqs.add(Packets.seq(data));
            }
        });
        p.net.schedule(0, () -> {
            for (int i = 0; i < 6; i++) {
                p.a.send(0, Packets.sized(i, 1500));
            }
        });
        // At 1 ms packet 0 is done, 1 serializes, 2 waits (1500 B): one more fits, the next does not.
        p.net.schedule(MS, () -> {
            p.a.send(0, Packets.sized(6, 1500));
            p.a.send(0, Packets.sized(7, 1500));
        });
        p.net.runUntilIdle(S);
        assertThat(p.seqsAtB()).containsExactly(0, 1, 2, 6);
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS, 12 * MS, 13 * MS, 14 * MS);
        assertThat(droppedSeqs).containsExactly(3, 4, 5, 7);
        PathDirection.Counters c = p.ab();
        assertThat(c.sentPackets()).isEqualTo(8);
        assertThat(c.deliveredPackets()).isEqualTo(4);
        assertThat(c.droppedQueue()).isEqualTo(4);
        assertThat(c.droppedBytes()).isEqualTo(4 * 1500);
        assertThat(c.droppedPackets()).isEqualTo(4);
    }

    @Test
    void aPacketLargerThanTheQueueStillPassesAnIdleLink() {
        Pair p = new Pair(LinkConfig.parse("12mbit,0ms,queue=100b"));
        p.net.schedule(0, () -> {
            p.a.send(0, Packets.sized(0, 1500));
            p.a.send(0, Packets.sized(1, 60)); // waits behind the first, fits
            p.a.send(0, Packets.sized(2, 60)); // 120 B waiting would exceed 100
        });
        p.net.runUntilIdle(S);
        assertThat(p.seqsAtB()).containsExactly(0, 1);
        assertThat(p.ab().droppedQueue()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ loss and jitter

    static List<TestEndpoint.Received> lossyRun(long seed, int n) {
        Pair p = new Pair(seed, LinkConfig.parse("unlimited,5ms,loss=10%,jitter=1ms"), LinkConfig.UNLIMITED);
        for (int i = 0; i < n; i++) {
            p.sendAt(i * 10 * US, Packets.sized(i, 100));
        }
        p.net.runUntilIdle(100 * S);
        PathDirection.Counters c = p.ab();
        assertThat(c.deliveredPackets() + c.droppedLoss()).isEqualTo(n);
        assertThat(c.deliveredPackets()).isEqualTo(p.b.received.size());
        return p.b.received;
    }

    @Test
    void lossRateIsWithinStatisticalBoundsAndReproducible() {
        int n = 20_000;
        List<TestEndpoint.Received> first = lossyRun(42, n);
        // Binomial(20000, 0.9): mean 18000, sd 42.4; 5 sd either way.
        assertThat(first.size()).isBetween(18_000 - 212, 18_000 + 212);
        List<TestEndpoint.Received> again = lossyRun(42, n);
        assertThat(again).isEqualTo(first); // times, interfaces and bytes, one by one
        List<TestEndpoint.Received> other = lossyRun(43, n);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void jitterNeverReorders() {
        Pair p = new Pair(LinkConfig.parse("unlimited,10ms,jitter=5ms"));
        int n = 2000;
        for (int i = 0; i < n; i++) {
            p.sendAt(i * 100 * US, Packets.sized(i, 200));
        }
        p.net.runUntilIdle(100 * S);
        List<Integer> seqs = p.seqsAtB();
        assertThat(seqs).hasSize(n).isSorted();
        List<Long> times = p.b.arrivalTimes();
        assertThat(times).isSorted();
        long delayed = 0;
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long sent = i * 100 * US;
            long t = times.get(i);
            assertThat(t).isGreaterThanOrEqualTo(sent + 10 * MS);
            assertThat(t).isLessThanOrEqualTo(Math.max(sent + 15 * MS, previous));
            if (t > sent + 10 * MS) {
                delayed++;
            }
            previous = t;
        }
        assertThat(delayed).as("jitter has an effect").isGreaterThan(n * 9L / 10);
    }

    @Test
    void theSameSeedGivesTheSamePacketsByteForByte() throws Exception {
        byte[] first = fullFeaturedRun(7);
        byte[] second = fullFeaturedRun(7);
        assertThat(second).isEqualTo(first);
        assertThat(fullFeaturedRun(8)).isNotEqualTo(first);
    }

    /**
     * Both directions of two paths with every random feature on; returns a capture of what was
     * sent followed by everything each host received (times and bytes).
     */
    static byte[] fullFeaturedRun(long seed) throws Exception {
        EmulatedNetwork net = new EmulatedNetwork(seed);
        TestEndpoint a = new TestEndpoint();
        TestEndpoint b = new TestEndpoint();
        Host ha = net.addHost("a", a);
        Host hb = net.addHost("b", b);
        LinkConfig link = LinkConfig.parse("20mbit,10ms,loss=3%,jitter=2ms,queue=20kb");
        FaultInjector faults = FaultInjector.NONE.withDrop(0.02).withDuplicate(0.05).withReorder(0.05, 3 * MS)
                .withCorrupt(0.05).withRewritePayload(0.05);
        for (int i = 0; i < 2; i++) {
            Path path = net.connect(ha, i, hb, i, link);
            path.setFaults(faults);
        }
        // b answers every datagram with a small one on the same interface.
        b.onPacket = (self, now, iface, data) -> self.send(iface, Packets.tcp(Packets.B4, Packets.A4, data.length, 0,
                List.of()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = PcapWriter.to(out, LinkType.RAW);
        net.record(w);
        for (int i = 0; i < 3000; i++) {
            int seq = i;
            net.schedule(i * 200 * US, () -> a.send(seq % 2, Packets.sized(seq, 100 + seq % 1400)));
        }
        net.runUntilIdle(100 * S);
        for (TestEndpoint e : List.of(a, b)) {
            for (TestEndpoint.Received r : e.received) {
                w.write(r.time(), r.data());
            }
        }
        w.close();
        return out.toByteArray();
    }

    @Test
    void addingHostsAndPathsLaterKeepsTheRandomStreamsOfExistingPaths() {
        LinkConfig lossy = LinkConfig.parse("10mbit,5ms,loss=20%,jitter=3ms");
        List<TestEndpoint.Received> alone;
        {
            Pair p = new Pair(99, lossy, lossy);
            for (int i = 0; i < 500; i++) {
                p.sendAt(i * MS, Packets.sized(i, 500));
            }
            p.net.runUntilIdle(100 * S);
            alone = p.b.received;
        }
        Pair p = new Pair(99, lossy, lossy);
        TestEndpoint c = new TestEndpoint();
        Host hc = p.net.addHost("c", c);
        p.net.connect(p.ha, 1, hc, 0, lossy);
        for (int i = 0; i < 500; i++) {
            int seq = i;
            p.sendAt(i * MS, Packets.sized(i, 500));
            p.net.schedule(i * MS + 300 * US, () -> p.a.send(1, Packets.sized(seq, 700)));
        }
        p.net.runUntilIdle(100 * S);
        assertThat(c.received).isNotEmpty();
        assertThat(p.b.received).isEqualTo(alone);
    }

    // ------------------------------------------------------------------ up and down

    @Test
    void aDownLinkDropsQueuedInFlightAndNewPacketsAndUpRestores() {
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms"));
        List<Integer> downSeqs = new ArrayList<>();
        p.net.addListener((t, d, e, data) -> {
            if (e == PacketEvent.DROPPED_DOWN) {
                downSeqs.add(Packets.seq(data));
            }
        });
        p.net.schedule(0, () -> {
            for (int i = 0; i < 5; i++) {
                p.a.send(0, Packets.sized(i, 1500)); // serialized by 1, 2, 3, 4, 5 ms
            }
        });
        // At 2.5 ms: 0 and 1 propagate, 2 serializes, 3 and 4 wait. All are lost.
        p.net.schedule(2_500 * US, () -> p.path.setUp(false));
        p.net.schedule(3 * MS, () -> {
            p.a.send(0, Packets.sized(5, 1500));
            p.b.send(0, Packets.sized(100, 100));
        });
        p.net.schedule(4 * MS, () -> {
            assertThat(p.path.aToB().snapshot().inFlightPackets()).isZero();
            assertThat(p.path.aToB().snapshot().queuedBytes()).isZero();
            p.path.setUp(true);
            p.a.send(0, Packets.sized(6, 1500));
        });
        p.net.runUntilIdle(S);
        assertThat(downSeqs).containsExactly(0, 1, 2, 3, 4, 5, 100);
        // The link is empty and idle when it comes back: 1 ms of serialization, 10 ms of delay.
        assertThat(p.seqsAtB()).containsExactly(6);
        assertThat(p.b.arrivalTimes()).containsExactly(15 * MS);
        assertThat(p.a.received).isEmpty();
        assertThat(p.ab().droppedDown()).isEqualTo(6);
        assertThat(p.path.bToA().counters().droppedDown()).isEqualTo(1);
        assertThat(p.path.isUp()).isTrue();
    }

    @Test
    void oneDirectionCanGoDownAlone() {
        Pair p = new Pair(LinkConfig.parse("unlimited,1ms"));
        p.path.aToB().setUp(false);
        p.sendAt(0, Packets.sized(0, 100));
        p.net.schedule(0, () -> p.b.send(0, Packets.sized(1, 100)));
        p.net.runUntilIdle(S);
        assertThat(p.b.received).isEmpty();
        assertThat(p.a.arrivalTimes()).containsExactly(MS);
        assertThat(p.path.isUp()).isFalse();
    }

    // ------------------------------------------------------------------ runtime changes

    @Test
    void setConfigTakesEffectForNewPacketsAndKeepsOrder() {
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms"));
        p.sendAt(0, Packets.sized(0, 1500));
        p.net.schedule(MS, () -> {
            p.path.aToB().setConfig(LinkConfig.parse("12mbit,2ms"));
            p.a.send(0, Packets.sized(1, 1500)); // 1 + 1 + 2 = 4 ms, but not before packet 0 (11 ms)
        });
        p.sendAt(20 * MS, Packets.sized(2, 1500)); // 20 + 1 + 2
        p.net.schedule(30 * MS, () -> p.path.aToB().setConfig(LinkConfig.parse("24mbit,2ms")));
        p.sendAt(40 * MS, Packets.sized(3, 1500)); // 40 + 0.5 + 2
        p.net.runUntilIdle(S);
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS, 11 * MS, 23 * MS, 42_500 * US);
        assertThat(p.seqsAtB()).containsExactly(0, 1, 2, 3);
        assertThat(p.path.aToB().config()).isEqualTo(LinkConfig.parse("24mbit,2ms"));
    }

    // ------------------------------------------------------------------ hosts, interfaces, timers

    @Test
    void datagramsArriveOnTheInterfaceThePathJoins() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        TestEndpoint a = new TestEndpoint();
        TestEndpoint b = new TestEndpoint();
        Host ha = net.addHost("a", a);
        Host hb = net.addHost("b", b);
        net.connect(ha, 0, hb, 2, LinkConfig.parse("unlimited,1ms"));
        net.connect(ha, 1, hb, 0, LinkConfig.parse("unlimited,2ms"));
        net.schedule(0, () -> {
            a.send(0, Packets.sized(0, 100));
            a.send(1, Packets.sized(1, 100));
            a.send(5, Packets.sized(2, 100)); // no path there
            b.send(0, Packets.sized(3, 100));
        });
        net.runUntilIdle(S);
        assertThat(b.received).extracting(TestEndpoint.Received::iface).containsExactly(2, 0);
        assertThat(b.arrivalTimes()).containsExactly(MS, 2 * MS);
        assertThat(a.received).extracting(TestEndpoint.Received::iface).containsExactly(1);
        assertThat(ha.droppedNoPath()).isEqualTo(1);
        assertThat(ha.outgoing(1).to()).isSameAs(hb);
        assertThat(ha.outgoing(1).toIface()).isZero();
        assertThat(ha.outgoing(1).name()).isEqualTo("a:1->b:0");
        assertThat(ha.outgoing(1).path().name()).isEqualTo("a:1<->b:0");
        assertThatThrownBy(() -> net.connect(ha, 0, hb, 5, LinkConfig.UNLIMITED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface 0 of host a is already joined to path a:0<->b:2");
        assertThatThrownBy(() -> net.addHost("a", new TestEndpoint()))
                .hasMessage("a host named 'a' exists already");
    }

    @Test
    void timersFireAtTheirTimeAndRearm() {
        Pair p = new Pair(LinkConfig.parse("unlimited,3ms"));
        // a: a periodic timer every 5 ms until 20 ms.
        p.a.setTimer(5 * MS);
        p.a.onTimer = now -> {
            if (now < 20 * MS) {
                p.a.setTimer(now + 5 * MS);
            }
        };
        // b: a far timer, then each arrival adds an earlier one 1 ms later.
        p.b.setTimer(S);
        p.b.onPacket = (self, now, iface, data) -> self.setTimer(now + MS);
        p.sendAt(2 * MS, Packets.sized(0, 100));
        p.sendAt(7 * MS, Packets.sized(1, 100));
        assertThat(p.ha.timerAt()).isEqualTo(Endpoint.NEVER); // not seen until drained
        p.net.drain(p.ha);
        assertThat(p.ha.timerAt()).isEqualTo(5 * MS);
        assertThat(p.net.runUntilIdle(10 * S)).isTrue();
        assertThat(p.a.timerFires).containsExactly(5 * MS, 10 * MS, 15 * MS, 20 * MS);
        assertThat(p.b.timerFires).containsExactly(6 * MS, 11 * MS, S);
        assertThat(p.net.now()).isEqualTo(S);
        assertThat(p.ha.timerAt()).isEqualTo(Endpoint.NEVER);
    }

    @Test
    void aDeadlineInThePastRunsNow() {
        Pair p = new Pair(LinkConfig.UNLIMITED);
        p.net.schedule(10 * MS, () -> p.a.setTimer(3 * MS));
        p.net.runUntilIdle(S);
        assertThat(p.a.timerFires).containsExactly(10 * MS);
    }

    @Test
    void timersSetOutsideAnEventAreSeenByTheNextRun() {
        Pair p = new Pair(LinkConfig.parse("unlimited,1ms"));
        p.net.runUntil(5 * MS);
        p.a.setTimer(7 * MS);
        p.a.send(0, Packets.sized(0, 100));
        p.net.runUntil(20 * MS);
        assertThat(p.a.timerFires).containsExactly(7 * MS);
        assertThat(p.b.arrivalTimes()).containsExactly(6 * MS);
        assertThat(p.net.now()).isEqualTo(20 * MS);
    }

    /** An endpoint whose timer never clears: a stack bug the network must surface. */
    static class StuckEndpoint implements Endpoint {
        long calls;

        @Override
        public void handlePacket(long nowNanos, int iface, byte[] packet, int off, int len) {
        }

        @Override
        public Transmit pollTransmit(long nowNanos) {
            return null;
        }

        @Override
        public long nextTimeout() {
            return 2 * MS;
        }

        @Override
        public void handleTimeout(long nowNanos) {
            calls++;
        }
    }

    @Test
    void theLivelockGuardStopsAnEndpointWhoseTimerNeverClears() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        net.addHost("fine", new TestEndpoint());
        StuckEndpoint stuck = new StuckEndpoint();
        net.addHost("stuck", stuck);
        assertThatThrownBy(() -> net.runUntil(S))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("host 'stuck' livelocks at 2000000 ns: after 1000000 handleTimeout calls at that instant"
                        + " its nextTimeout() is still 2000000 ns, not later than now: the endpoint does not clear or"
                        + " move its expired timers (a stack bug)");
        assertThat(stuck.calls).isEqualTo(1_000_000);
        assertThat(net.now()).isEqualTo(2 * MS);
    }

    @Test
    void anEndpointThatNeverRunsDryIsStopped() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        byte[] d = Packets.sized(0, 40);
        Host h = net.addHost("chatty", new StuckEndpoint() {
            @Override
            public Transmit pollTransmit(long nowNanos) {
                return new Transmit(7, d);
            }
        });
        assertThatThrownBy(net::step).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("host 'chatty': pollTransmit returned more than 10000000 datagrams in one drain");
        assertThat(h.droppedNoPath()).isEqualTo(EmulatedNetwork.DRAIN_LIMIT);
    }

    // ------------------------------------------------------------------ scheduling and running

    @Test
    void actionsAtTheSameTimeRunInInsertionOrder() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        List<String> order = new ArrayList<>();
        net.schedule(5, () -> order.add("5a"));
        net.schedule(3, () -> {
            order.add("3");
            net.schedule(5, () -> order.add("5c")); // inserted later: runs after 5a and 5b
            net.schedule(0, () -> order.add("past->3")); // in the past: runs now, after this one
        });
        net.schedule(5, () -> order.add("5b"));
        net.scheduleIn(4, () -> order.add("4"));
        net.runUntilIdle(100);
        assertThat(order).containsExactly("3", "past->3", "4", "5a", "5b", "5c");
        assertThat(net.eventsProcessed()).isEqualTo(6);
    }

    @Test
    void runUntilStopsWhenDoneOrAtTheDeadline() {
        Pair p = new Pair(LinkConfig.parse("12mbit,10ms"));
        p.sendAt(0, Packets.sized(0, 1500));
        p.sendAt(0, Packets.sized(1, 1500));
        assertThat(p.net.runUntil(() -> p.b.received.size() == 1, S)).isTrue();
        assertThat(p.net.now()).isEqualTo(11 * MS);
        assertThat(p.net.nextEventTime()).isEqualTo(12 * MS);
        assertThat(p.net.runUntil(() -> p.b.received.size() == 5, 50 * MS)).isFalse();
        assertThat(p.net.now()).isEqualTo(50 * MS);
        assertThat(p.b.received).hasSize(2);
        p.sendAt(60 * MS, Packets.sized(2, 1500));
        assertThat(p.net.runUntilIdle(65 * MS)).isFalse();
        assertThat(p.net.now()).isEqualTo(65 * MS);
        p.net.runUntil(70 * MS);
        assertThat(p.net.now()).isEqualTo(70 * MS);
        assertThat(p.net.step()).isTrue();
        assertThat(p.net.step()).isFalse();
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS, 12 * MS, 71 * MS);
        assertThat(p.net.now()).isEqualTo(71 * MS);
    }
}

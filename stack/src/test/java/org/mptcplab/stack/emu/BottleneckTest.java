package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A shared bottleneck: one rate and one drop-tail queue for the packets of several paths, in arrival order. */
class BottleneckTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** Hosts a and c send to b and d over two paths (120 Mbit/s, 10 ms) that share {@code neck}. */
    static final class Two {
        final EmulatedNetwork net = new EmulatedNetwork(1);
        final TestEndpoint a = new TestEndpoint();
        final TestEndpoint b = new TestEndpoint();
        final TestEndpoint c = new TestEndpoint();
        final TestEndpoint d = new TestEndpoint();
        final Path p1;
        final Path p2;

        Two(Bottleneck neck) {
            LinkConfig access = LinkConfig.parse("120mbit,10ms");
            p1 = net.connect(net.addHost("a", a), 0, net.addHost("b", b), 0, access);
            p2 = net.connect(net.addHost("c", c), 0, net.addHost("d", d), 0, access);
            p1.aToB().setBottleneck(neck);
            p2.aToB().setBottleneck(neck);
        }
    }

    @Test
    void packetsOfBothPathsAreSerializedOneAfterTheOtherAtTheSharedRate() {
        // 1500 B: 0.1 ms at 120 Mbit/s (access), 1 ms at 12 Mbit/s (bottleneck), then 10 ms.
        Bottleneck neck = new Bottleneck("neck", 12_000_000, 64 * 1024);
        Two t = new Two(neck);
        t.net.schedule(0, () -> {
            t.a.send(0, Packets.sized(0, 1500));
            t.c.send(0, Packets.sized(1, 1500));
            t.a.send(0, Packets.sized(2, 1500));
        });
        t.net.runUntilIdle(S);
        // a's first and c's first both leave their access links at 0.1 ms: a's first (queued first)
        // is served 0.1-1.1 ms, c's 1.1-2.1 ms; a's second left its access link at 0.2 ms, after c's.
        assertThat(t.b.arrivalTimes()).containsExactly(11 * MS + MS / 10, 13 * MS + MS / 10);
        assertThat(t.d.arrivalTimes()).containsExactly(12 * MS + MS / 10);
        assertThat(neck.counters().forwardedPackets()).isEqualTo(3);
        assertThat(neck.counters().droppedPackets()).isZero();
    }

    @Test
    void theSharedQueueDropsTheTailWhoeverSends() {
        // 4500 B owed at most: the packet in service and two waiting; the fourth, 0.1 ms after the
        // first began (150 B of it out), would make 5850 B.
        Bottleneck neck = new Bottleneck("neck", 12_000_000, 4_500);
        Two t = new Two(neck);
        t.net.schedule(0, () -> {
            for (int i = 0; i < 3; i++) {
                t.a.send(0, Packets.sized(i, 1500));
                t.c.send(0, Packets.sized(10 + i, 1500));
            }
        });
        t.net.runUntilIdle(S);
        assertThat(t.b.received.size() + t.d.received.size()).isEqualTo(3);
        assertThat(neck.counters().droppedPackets()).isEqualTo(3);
        long drops = t.p1.aToB().counters().droppedQueue() + t.p2.aToB().counters().droppedQueue();
        assertThat(drops).isEqualTo(3);
        assertThat(t.p1.aToB().snapshot().inFlightPackets() + t.p2.aToB().snapshot().inFlightPackets()).isZero();
    }

    @Test
    void withoutABottleneckNothingChanges() {
        EmulatedNetworkTest.Pair p = new EmulatedNetworkTest.Pair(LinkConfig.parse("12mbit,10ms"));
        p.sendAt(0, Packets.sized(0, 1500));
        p.net.runUntilIdle(S);
        assertThat(p.b.arrivalTimes()).containsExactly(11 * MS);
        assertThat(p.path.aToB().bottleneck()).isNull();
    }

    @Test
    void aPathGoingDownDropsWhatWaitsForTheBottleneck() {
        Bottleneck neck = new Bottleneck("neck", 12_000_000, 64 * 1024);
        Two t = new Two(neck);
        t.net.schedule(0, () -> t.a.send(0, Packets.sized(0, 1500)));
        t.net.schedule(MS / 20, () -> t.p1.setUp(false));
        t.net.runUntilIdle(S);
        assertThat(t.b.received).isEmpty();
        assertThat(t.p1.aToB().counters().droppedDown()).isEqualTo(1);
        assertThat(neck.counters().forwardedPackets()).isZero();
    }
}

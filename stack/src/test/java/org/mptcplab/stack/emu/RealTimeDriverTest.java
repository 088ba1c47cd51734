package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.MS;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.EmulatedNetworkTest.Pair;

/**
 * The real-time driver, in short real runs. Timing is shared with other processes, so the
 * assertions are loose: order and progress, not precision.
 */
class RealTimeDriverTest {

    static long virtualNow(RealTimeDriver d) throws Exception {
        CompletableFuture<Long> f = new CompletableFuture<>();
        d.submit(() -> f.complete(d.network().now()));
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void runsTheNetworkAgainstWallTimeAndSamples() throws Exception {
        Pair p = new Pair(LinkConfig.parse("10mbit,20ms"));
        for (int i = 0; i < 5; i++) {
            p.sendAt(i * 10 * MS, Packets.sized(i, 1000));
        }
        AtomicInteger samples = new AtomicInteger();
        CompletableFuture<Long> fifth = new CompletableFuture<>();
        p.b.onPacket = (self, now, iface, data) -> {
            if (self.received.size() == 5) {
                fifth.complete(now);
            }
        };
        long wallStart = System.nanoTime();
        try (RealTimeDriver d = new RealTimeDriver(p.net, 1.0).onSample(10, net -> samples.incrementAndGet())) {
            d.start();
            long at = fifth.get(5, TimeUnit.SECONDS);
            long wall = System.nanoTime() - wallStart;
            // 40 ms + 0.8 ms + 20 ms of virtual time: at speed 1, not much less wall time.
            assertThat(at).isEqualTo(40 * MS + 800_000 + 20 * MS);
            assertThat(wall).isGreaterThan(at / 2);
            assertThat(samples.get()).isPositive();
            assertThat(d.isRunning()).isTrue();
        }
        assertThat(p.b.received).hasSize(5);
    }

    @Test
    void pauseFreezesVirtualTimeAndSpeedScalesIt() throws Exception {
        EmulatedNetwork net = new EmulatedNetwork(1);
        try (RealTimeDriver d = new RealTimeDriver(net, 1.0)) {
            d.start();
            d.pause();
            assertThat(d.isPaused()).isTrue();
            long t1 = virtualNow(d);
            Thread.sleep(60);
            long t2 = virtualNow(d);
            assertThat(t2).isEqualTo(t1);
            d.setSpeed(20);
            d.resume();
            Thread.sleep(100);
            long t3 = virtualNow(d);
            // ~2 s of virtual time at 20x; even a badly delayed thread gets well past 100 ms.
            assertThat(t3 - t2).isGreaterThan(200 * MS);
            assertThat(d.speed()).isEqualTo(20);
        }
    }

    @Test
    void submittedActionsReachEndpointsAndDrain() throws Exception {
        Pair p = new Pair(LinkConfig.parse("unlimited,5ms"));
        CompletableFuture<Long> arrived = new CompletableFuture<>();
        p.b.onPacket = (self, now, iface, data) -> arrived.complete(now);
        try (RealTimeDriver d = new RealTimeDriver(p.net, 2.0)) {
            d.start();
            long[] sentAt = new long[1];
            d.submit(() -> {
                sentAt[0] = p.net.now();
                p.a.send(0, Packets.sized(0, 100));
            });
            assertThat(arrived.get(5, TimeUnit.SECONDS)).isEqualTo(sentAt[0] + 5 * MS);
        }
    }

    @Test
    void anEndpointFailureEndsTheThreadAndIsReported() throws Exception {
        Pair p = new Pair(LinkConfig.parse("unlimited,1ms"));
        p.b.onPacket = (self, now, iface, data) -> {
            throw new IllegalStateException("boom");
        };
        p.sendAt(0, Packets.sized(0, 100));
        RealTimeDriver d = new RealTimeDriver(p.net, 1.0);
        d.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (d.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(d.isRunning()).isFalse();
        assertThat(d.failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        d.stop();
    }

    @Test
    void badSpeedsAreRejected() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        assertThatThrownBy(() -> new RealTimeDriver(net, 0)).hasMessage("speed 0.0 is not a finite number above 0");
        RealTimeDriver d = new RealTimeDriver(net, 1);
        assertThatThrownBy(() -> d.setSpeed(Double.POSITIVE_INFINITY))
                .hasMessage("speed Infinity is not a finite number above 0");
        assertThatThrownBy(() -> d.setSpeed(Double.NaN)).hasMessage("speed NaN is not a finite number above 0");
    }
}

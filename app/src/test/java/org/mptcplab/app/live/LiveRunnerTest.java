package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MacAddress;

/**
 * Two stacks, each with its link layer and runner, joined by an in-memory wire: the runner's loop
 * in real time (threads, parking, wake-ups, recording) without root or real interfaces.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveRunnerTest {
    static final IpAddress CLIENT = IpAddress.parse("10.9.0.1");
    static final IpAddress SERVER = IpAddress.parse("10.9.0.2");
    static final int PORT = 5001;

    final List<LiveRunner> runners = new ArrayList<>();

    @AfterEach
    void stopAll() {
        runners.forEach(LiveRunner::stop);
    }

    record Host(MptcpStack stack, LinkLayer link, LiveRunner runner) {
    }

    Host host(String name, long seed, IpAddress address, FrameDevice device, PathImpairment impairment) {
        MptcpStack stack = new MptcpStack(name, StackConfig.defaults(), seed);
        stack.addAddress(0, address, 24);
        LinkLayer link = new LinkLayer(stack).addInterface(0, LinkLayer.derivedMac(seed, 0)).addAddress(0, address, 24);
        link.setImpairment(impairment);
        LiveRunner r = new LiveRunner(link, Map.of(0, device));
        runners.add(r);
        return new Host(stack, link, r);
    }

    /** Runs {@code s} on the runner's thread and returns its value. */
    static <T> T onStack(LiveRunner r, Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        r.submit(() -> {
            try {
                f.complete(s.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    static void await(LiveRunner r, Supplier<Boolean> condition, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!onStack(r, condition)) {
            assertThat(r.failure()).isNull();
            assertThat(System.nanoTime()).as("waited %d ms", timeoutMillis).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void bulkTransferBetweenTwoRunnersWithArpAndARecordingOfBothDirections(@TempDir Path dir) throws Exception {
        long started = System.currentTimeMillis() * 1_000_000L;
        MemoryWire wire = new MemoryWire();
        Host client = host("client", 1, CLIENT, wire.a, null);
        Host server = host("server", 2, SERVER, wire.b, null);
        BulkSink sink = new BulkSink();
        server.stack().listen(PORT, s -> s.setHandler(sink));
        Path pcap = dir.resolve("client.pcap");
        client.runner().recordTo(pcap);
        server.runner().start();
        client.runner().start();

        BulkSender sender = new BulkSender(1_000_000, 42);
        LiveRunner cr = client.runner();
        cr.submit(() -> client.stack().run(cr.now(), () -> client.stack().connect(cr.now(), SERVER, PORT, sender)));
        await(server.runner(), () -> sink.done() && sink.received() == 1_000_000, 15_000);
        await(cr, sender::done, 5_000);

        assertThat(onStack(server.runner(), sink::sha256)).isEqualTo(onStack(cr, sender::sha256));
        assertThat(onStack(cr, sender::resetReason)).isNull();
        assertThat(onStack(cr, () -> sender.socket().isFallback())).isFalse();
        assertThat(onStack(cr, () -> client.link().neighbour(0, SERVER)))
                .isEqualTo(LinkLayer.derivedMac(2, 0));
        assertThat(onStack(cr, () -> client.link().counter(LinkLayer.Counter.OVER_MTU))).isZero();
        cr.stop();
        // Counted after the stop: a frame that arrives between a count and the stop is still
        // recorded (the server's runner keeps sending until it is stopped too).
        long sent = cr.framesSent();
        long received = cr.framesReceived();
        assertThat(wire.a.closed).as("the runner closes its devices").isTrue();
        assertThat(cr.sendErrors()).isZero();
        assertThat(onStack(server.runner(), () -> server.link().counter(LinkLayer.Counter.OVER_MTU))).isZero();
        assertThat(cr.recordErrors()).isZero();

        MacAddress clientMac = LinkLayer.derivedMac(1, 0);
        MacAddress serverMac = LinkLayer.derivedMac(2, 0);
        int fromClient = 0;
        int fromServer = 0;
        long first = Long.MAX_VALUE;
        long wallNow = System.currentTimeMillis() * 1_000_000L;
        List<Integer> types = new ArrayList<>();
        try (CaptureReader rd = CaptureReader.open(pcap)) {
            assertThat(rd.linkType()).isEqualTo(LinkType.ETHERNET);
            for (CaptureRecord rec : rd) {
                EthernetHeader eth = EthernetHeader.parse(rec.data(), 0, rec.data().length);
                types.add(eth.etherType());
                if (eth.source().equals(clientMac)) {
                    fromClient++;
                } else if (eth.source().equals(serverMac)) {
                    fromServer++;
                }
                // Wire-side times: not necessarily in file order, but all from this run.
                assertThat(rec.timestampNanos()).isBetween(started - 5_000_000L, wallNow + 5_000_000L);
                first = Math.min(first, rec.timestampNanos());
            }
            assertThat(rd.errors()).isEmpty();
        }
        assertThat(fromClient).isEqualTo(sent);
        assertThat(fromServer).isEqualTo(received);
        assertThat(first).isGreaterThanOrEqualTo(started - 5_000_000L);
        assertThat(types.get(0)).as("first the ARP request").isEqualTo(EthernetHeader.TYPE_ARP);
        assertThat(types.get(1)).as("then its reply").isEqualTo(EthernetHeader.TYPE_ARP);
        assertThat(types.subList(2, types.size())).containsOnly(EthernetHeader.TYPE_IPV4);
    }

    @Test
    void egressDelayStretchesTheHandshake() throws Exception {
        MemoryWire wire = new MemoryWire();
        PathImpairment slow = new PathImpairment(1).set(0, PathImpairment.Direction.EGRESS,
                new PathImpairment.Settings(30_000_000L, 0, 0));
        Host client = host("client", 1, CLIENT, wire.a, slow);
        Host server = host("server", 2, SERVER, wire.b, null);
        server.stack().listen(PORT, s -> s.setHandler(new BulkSink()));
        server.runner().start();
        client.runner().start();
        LiveRunner cr = client.runner();
        BulkSender sender = new BulkSender(10_000, 1);
        long start = onStack(cr, () -> {
            long now = cr.now();
            client.stack().run(now, () -> client.stack().connect(now, SERVER, PORT, sender));
            return now;
        });
        await(cr, () -> sender.connectedAt() >= 0, 5_000);
        // ARP request and SYN each wait 30 ms on the way out.
        assertThat(onStack(cr, sender::connectedAt) - start).isGreaterThanOrEqualTo(60_000_000L);
        await(cr, sender::done, 5_000);
    }

    @Test
    void actionsAndSamplesRunOnTheStackThreadAndAFailureStopsIt() throws Exception {
        MemoryWire wire = new MemoryWire();
        Host h = host("solo", 3, CLIENT, wire.a, null);
        List<String> sampleThreads = new CopyOnWriteArrayList<>();
        h.runner().onSample(20, r -> sampleThreads.add(Thread.currentThread().getName()));
        h.runner().start();
        assertThat(onStack(h.runner(), () -> Thread.currentThread().getName())).isEqualTo("live-stack");
        Thread.sleep(150);
        assertThat(sampleThreads.size()).isGreaterThanOrEqualTo(3);
        assertThat(sampleThreads).containsOnly("live-stack");

        h.runner().submit(() -> {
            throw new IllegalStateException("boom");
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (h.runner().isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(h.runner().isRunning()).isFalse();
        assertThat(h.runner().failure()).hasMessage("boom");
        h.runner().stop();
        h.runner().stop();
        assertThat(wire.a.closed).isTrue();
    }

    @Test
    void framesForAnotherMacOnTheWireAreCountedNotHandled() throws Exception {
        MemoryWire wire = new MemoryWire();
        Host h = host("solo", 3, CLIENT, wire.b, null);
        h.runner().start();
        byte[] junk = new byte[60];
        new EthernetHeader(MacAddress.parse("02:00:00:00:00:77"), MacAddress.parse("02:00:00:00:00:78"),
                EthernetHeader.TYPE_IPV4).emit(junk, 0);
        wire.a.start(f -> { });
        for (int i = 0; i < 10; i++) {
            wire.a.send(junk);
        }
        await(h.runner(), () -> h.link().counter(LinkLayer.Counter.NOT_FOR_US) == 10, 5_000);
        assertThat(h.runner().framesReceived()).isEqualTo(10);
        assertThat(h.runner().framesSent()).isZero();
    }
}

package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.wire.IpAddress;

/**
 * The network hands a delivered datagram's array back to its sender for reuse
 * ({@code Endpoint.recycle}) only when no listener was shown it: a listener may keep the arrays it
 * gets, and they must never change under it, even after it was removed.
 */
class DatagramReuseTest {

    private record Seen(byte[] array, byte[] copy) {
    }

    /** The client's stack, counting (and checking) the arrays the network gives back to it. */
    private static final class Counting implements Endpoint {
        final MptcpStack stack;
        final IdentityHashMap<byte[], Boolean> shown;
        long recycled;
        long recycledShown;

        Counting(MptcpStack stack, IdentityHashMap<byte[], Boolean> shown) {
            this.stack = stack;
            this.shown = shown;
        }

        @Override
        public void handlePacket(long now, int iface, byte[] packet, int off, int len) {
            stack.handlePacket(now, iface, packet, off, len);
        }

        @Override
        public void handleVerifiedPacket(long now, int iface, byte[] packet, int off, int len) {
            stack.handleVerifiedPacket(now, iface, packet, off, len);
        }

        @Override
        public boolean offloadChecksums(boolean on) {
            return stack.offloadChecksums(on);
        }

        @Override
        public Transmit pollTransmit(long now) {
            return stack.pollTransmit(now);
        }

        @Override
        public long drainTransmits(long now, TransmitSink sink) {
            return stack.drainTransmits(now, sink);
        }

        @Override
        public long nextTimeout() {
            return stack.nextTimeout();
        }

        @Override
        public void handleTimeout(long now) {
            stack.handleTimeout(now);
        }

        @Override
        public void recycle(byte[] packet) {
            recycled++;
            if (shown.containsKey(packet)) {
                recycledShown++;
            }
            stack.recycle(packet);
        }
    }

    @Test
    void arraysShownToAListenerAreNeverReusedEvenAfterItWasRemoved() {
        EmulatedNetwork net = new EmulatedNetwork(3);
        MptcpStack client = new MptcpStack("client", StackConfig.defaults(), 1);
        MptcpStack server = new MptcpStack("server", StackConfig.defaults(), 2);
        IdentityHashMap<byte[], Boolean> shown = new IdentityHashMap<>();
        Counting counting = new Counting(client, shown);
        Host ch = net.addHost("client", counting);
        Host sh = net.addHost("server", server);
        client.addAddress(0, IpAddress.parse("10.1.0.1"), 24);
        server.addAddress(0, IpAddress.parse("10.1.0.2"), 24);
        net.connect(ch, 0, sh, 0, LinkConfig.parse("200mbit,1ms"));
        List<Seen> seen = new ArrayList<>();
        PacketListener l = net.addListener((t, d, e, data) -> {
            seen.add(new Seen(data, data.clone()));
            shown.put(data, Boolean.TRUE);
        });
        // The listener sees the first 20 ms of the transfer, some of it in flight when it goes;
        // then nothing listens and arrays are reused.
        net.schedule(20_000_000L, () -> net.removeListener(l));
        BulkSender sender = new BulkSender(3_000_000, 5);
        BulkSink sink = new BulkSink();
        server.listen(5201, s -> s.setHandler(sink));
        net.schedule(0, () -> client.connect(net.now(), IpAddress.parse("10.1.0.2"), 5201, sender));
        assertThat(net.runUntil(() -> sender.done() && sink.done(), 60_000_000_000L)).isTrue();
        assertThat(sink.received()).isEqualTo(3_000_000);

        assertThat(seen).hasSizeGreaterThan(100);
        assertThat(counting.recycled).as("datagram arrays given back once nothing listened").isGreaterThan(1000);
        assertThat(counting.recycledShown).as("arrays a listener was shown, given back for reuse").isZero();
        for (Seen s : seen) {
            assertThat(Arrays.equals(s.array(), s.copy())).as("an array a listener was shown changed afterwards")
                    .isTrue();
        }
    }
}

package org.mptcplab.stack.apps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.emu.Host;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.sim.Scenario;
import org.mptcplab.stack.wire.IpAddress;

/** The live sender on a small emulated network, driven by {@link VideoSender#drive}: virtual time only. */
class VideoSenderTest {
    private static final long MS = 1_000_000L;

    /** A server (sending) and a client (playing) joined by one path. */
    private record Rig(EmulatedNetwork net, VideoSender sender, VideoPlayer player) {
    }

    private static Rig rig(LinkConfig link, VideoSender sender, VideoPlayer player) {
        return rig(link, StackConfig.defaults(), sender, player);
    }

    private static Rig rig(LinkConfig link, StackConfig serverConfig, VideoSender sender, VideoPlayer player) {
        EmulatedNetwork net = new EmulatedNetwork(3);
        MptcpStack client = new MptcpStack("client", StackConfig.defaults(), 11);
        MptcpStack server = new MptcpStack("server", serverConfig, 12);
        Host ch = net.addHost("client", client);
        Host sh = net.addHost("server", server);
        client.addAddress(0, IpAddress.parse("10.1.0.1"), 24);
        server.addAddress(0, IpAddress.parse("10.1.0.2"), 24);
        LinkConfig l = Scenario.withDefaultQueue(link);
        net.connect(ch, 0, sh, 0, l, l);
        server.listen(5201, s -> s.setHandler(sender));
        VideoSender.drive(net, server, sender); // before the connection: armed when it is established
        net.schedule(0, () -> client.connect(net.now(), IpAddress.parse("10.1.0.2"), 5201, player));
        return new Rig(net, sender, player);
    }

    @Test
    void handsOverOneChunkPerIntervalFromTheConnectAndClosesAfterTheLast() {
        // 8 Mbit/s in 250 ms chunks: 250,000 bytes each; 2 s of video are 8 chunks, 2,000,000 bytes.
        VideoSender sender = new VideoSender(8_000_000, 250 * MS, 2000 * MS, 5);
        Rig r = rig(new LinkConfig(100_000_000, 5 * MS, 0, 0, 0), sender, new VideoPlayer(8_000_000));
        assertThat(sender.nextTickAt()).isEqualTo(Long.MAX_VALUE);
        r.net().runUntil(() -> sender.connectedAt() >= 0, 1000 * MS);
        long c = sender.connectedAt();
        assertThat(c).isPositive();
        assertThat(sender.chunksDue()).isEqualTo(1);
        assertThat(sender.due()).isEqualTo(250_000);
        assertThat(sender.nextTickAt()).isEqualTo(c + 250 * MS);
        for (int k = 1; k < 8; k++) {
            r.net().runUntil(c + k * 250 * MS - 1);
            assertThat(sender.chunksDue()).as("just before chunk %d", k).isEqualTo(k);
            assertThat(sender.due()).isEqualTo(k * 250_000L);
            r.net().runUntil(c + k * 250 * MS);
            assertThat(sender.chunksDue()).as("at chunk %d", k).isEqualTo(k + 1);
            assertThat(sender.due()).isEqualTo((k + 1) * 250_000L);
            // A fast path: the socket takes each chunk at once.
            assertThat(sender.queued()).isZero();
            assertThat(sender.written()).isEqualTo(sender.due());
        }
        assertThat(sender.nextTickAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(sender.finishedSending()).isTrue();
        r.net().runUntil(() -> sender.done() && r.player().done(), 10_000 * MS);
        assertThat(r.player().bytesReceived()).isEqualTo(2_000_000);
        assertThat(r.player().sha256()).isEqualTo(sender.sha256())
                .isEqualTo(VideoSender.sha256OfStream(5, 2_000_000));
        assertThat(r.player().state(r.net().now())).isIn(VideoPlayer.State.PLAYING, VideoPlayer.State.ENDED);
        assertThat(r.player().stalls(r.net().now())).isZero();
    }

    @Test
    void aSlowPathQueuesTheBacklogInTheAppAndLosesNothing() {
        // 8 Mbit/s of video over 2 Mbit/s: the (256 KiB) send buffer fills, the rest waits in the sender.
        VideoSender sender = new VideoSender(8_000_000, 100 * MS, 3000 * MS, 9);
        Rig r = rig(new LinkConfig(2_000_000, 10 * MS, 0, 0, 0),
                StackConfig.defaults().withBuffers(256 * 1024, 256 * 1024), sender, new VideoPlayer(8_000_000));
        r.net().runUntil(() -> sender.connectedAt() >= 0, 1000 * MS);
        long c = sender.connectedAt();
        r.net().runUntil(c + 2950 * MS);
        assertThat(sender.chunksDue()).isEqualTo(30);
        assertThat(sender.due()).isEqualTo(3_000_000);
        assertThat(sender.queued()).isPositive();
        assertThat(sender.written()).isLessThan(sender.due());
        assertThat(sender.finishedSending()).isFalse();
        boolean done = r.net().runUntil(() -> sender.done() && r.player().done(), 60_000 * MS);
        assertThat(done).isTrue();
        assertThat(sender.written()).isEqualTo(3_000_000);
        assertThat(r.player().bytesReceived()).isEqualTo(3_000_000);
        assertThat(r.player().sha256()).isEqualTo(sender.sha256());
        // A quarter of the bitrate: the player must have stalled.
        assertThat(r.player().stalls(r.net().now())).isPositive();
        // What was buffered when the last byte came plays out within the 3 s of the stream.
        assertThat(r.player().state(r.net().now() + 3000 * MS)).isEqualTo(VideoPlayer.State.ENDED);
    }

    @Test
    void chunksThatAreNotWholeBytesDoNotDriftAndTheLastMayBeShort() {
        // 1,000,001 bit/s x 10 ms = 10,000.01 bytes a chunk; 1.005 s of video: 101 chunks, the last 5 ms.
        VideoSender s = new VideoSender(1_000_001, 10 * MS, 1005 * MS, 1);
        assertThat(s.totalBytes()).isEqualTo(VideoSender.bytesOfVideo(1_000_001, 1005 * MS)).isEqualTo(125_625);
        Rig r = rig(new LinkConfig(100_000_000, 1 * MS, 0, 0, 0), s, new VideoPlayer(1_000_001).withoutHash());
        r.net().runUntil(() -> s.connectedAt() >= 0, 1000 * MS);
        long c = s.connectedAt();
        r.net().runUntil(c + 990 * MS);
        assertThat(s.chunksDue()).isEqualTo(100);
        assertThat(s.due()).isEqualTo(VideoSender.bytesOfVideo(1_000_001, 1000 * MS)).isEqualTo(125_000);
        r.net().runUntil(c + 1000 * MS);
        assertThat(s.chunksDue()).isEqualTo(101);
        assertThat(s.due()).isEqualTo(125_625);
        assertThat(s.nextTickAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEndlessStreamKeepsTicking() {
        VideoSender s = new VideoSender(4_000_000, 500 * MS, VideoSender.FOREVER, 2).withoutHash();
        assertThat(s.totalBytes()).isEqualTo(Long.MAX_VALUE);
        Rig r = rig(new LinkConfig(50_000_000, 5 * MS, 0, 0, 0), s, new VideoPlayer(4_000_000).withoutHash());
        r.net().runUntil(() -> s.connectedAt() >= 0, 1000 * MS);
        long c = s.connectedAt();
        r.net().runUntil(c + 60_000 * MS);
        assertThat(s.chunksDue()).isEqualTo(121);
        assertThat(s.due()).isEqualTo(121 * 250_000L);
        assertThat(s.nextTickAt()).isEqualTo(c + 60_500 * MS);
        assertThat(s.finishedSending()).isFalse();
        long now = r.net().now();
        assertThat(r.player().stalls(now)).isZero();
        assertThat(r.player().state(now)).isEqualTo(VideoPlayer.State.PLAYING);
    }
}

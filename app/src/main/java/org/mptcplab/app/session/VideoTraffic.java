package org.mptcplab.app.session;

import java.util.Locale;

import org.mptcplab.stack.apps.VideoPlayer;
import org.mptcplab.stack.apps.VideoSender;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;

/**
 * Video traffic for a session: the stack's {@link VideoSender} on the server, a live stream for as
 * long as the session runs, and its {@link VideoPlayer} on the client, whose buffer, state and
 * stalls the window shows. The player restarts after a stall once it has the start target again.
 */
final class VideoTraffic {
    private VideoTraffic() {
    }

    static TrafficEnds of(TrafficSpec spec, long seed) {
        VideoSender sender = new VideoSender(spec.bitrateBps(), spec.chunkNanos(), VideoSender.FOREVER, seed).withoutHash();
        VideoPlayer player = new VideoPlayer(spec.bitrateBps(), spec.startNanos(), spec.startNanos()).withoutHash();
        return new TrafficEnds() {
            @Override
            public MptcpSocket.Handler sender() {
                return sender;
            }

            @Override
            public MptcpSocket.Handler receiver() {
                return player;
            }

            @Override
            public void start(EmulatedNetwork net, MptcpStack server) {
                // Chunks are due on the clock from the connect on: the sender's timer runs as an
                // input of the server's stack, so its output is sent at once.
                VideoSender.drive(net, server, sender);
            }

            @Override
            public long delivered() {
                return player.bytesReceived();
            }

            @Override
            public double bufferSeconds(long now) {
                return player.bufferSeconds(now);
            }

            @Override
            public String state(long now) {
                return player.state(now).name().toLowerCase(Locale.ROOT);
            }

            @Override
            public long stalls(long now) {
                return player.stalls(now);
            }

            @Override
            public long stalledNanos(long now) {
                return player.stalledNanos(now);
            }
        };
    }
}

package org.mptcplab.app.session;

/**
 * What the session's connection carries. The server sends (a download, as a video service
 * would); the client receives.
 *
 * @param kind           bulk (as fast as the connection goes) or video (a stream at a bitrate
 *                       into a player with a playback buffer)
 * @param bitrateBps     video bitrate
 * @param chunkNanos     video chunk interval: the server writes one chunk of bitrate x interval
 * @param startNanos     seconds of video the player buffers before it starts (and restarts after a stall)
 */
public record TrafficSpec(Kind kind, long bitrateBps, long chunkNanos, long startNanos) {
    public enum Kind { BULK, VIDEO }

    public TrafficSpec {
        if (kind == Kind.VIDEO && (bitrateBps <= 0 || chunkNanos <= 0 || startNanos < 0)) {
            throw new IllegalArgumentException("video needs a bitrate and a chunk interval above 0 (got "
                    + bitrateBps + " bit/s, " + chunkNanos + " ns chunks)");
        }
    }

    public static TrafficSpec bulk() {
        return new TrafficSpec(Kind.BULK, 0, 0, 0);
    }

    /**
     * A live stream at {@code bitrateBps}: the server sends what the camera made every 40 ms (25
     * frames a second), the player starts with 1 s of video and restarts after a stall with 1 s.
     * Live means the buffer cannot grow beyond what the start target put there, so an outage of
     * more than about a second shows. Coarser chunks (e.g. 250 ms) arrive as bursts that a
     * path's queue may not hold when the other path fails.
     */
    public static TrafficSpec video(long bitrateBps) {
        return new TrafficSpec(Kind.VIDEO, bitrateBps, 40_000_000L, 1_000_000_000L);
    }
}

package org.mptcplab.stack.apps;

import org.mptcplab.stack.mptcp.MptcpSocket;

/**
 * The client side of a video stream: a player with a playback buffer. Received bytes become
 * seconds of video at the stream's bitrate; playing drains them at one second per second.
 *
 * <p>States: {@link State#WAITING} (playback not begun, or no data yet), {@link State#STARTING}
 * (buffering until the start target), {@link State#PLAYING}, {@link State#STALLED} (the buffer
 * ran dry; playing resumes when the rebuffer target is buffered, or when the stream has ended and
 * what remains is all in), {@link State#ENDED} (the stream ended and its last byte was played).
 *
 * <p>Everything is exact in virtual time and computed lazily: bytes arrive only at {@code
 * onReadable} times and between two arrivals the buffer drains linearly, so the player keeps its
 * state as of its latest input and every query projects it forward to the {@code now} asked for
 * (where the buffer runs dry, a stall begins at that very instant, not at the next input). Any
 * {@code now} at or after the latest input may be asked, in any order: a window sampling at
 * arbitrary times gets the same figures a run's end does. Times before the latest input are not
 * kept and are refused.
 *
 * <p>Defaults: 1 s of video before playback starts and 1 s after a stall before it resumes, short
 * targets as a live stream would use (a longer one hides more of a path's outage and delays the
 * start by as much).
 */
public final class VideoPlayer implements MptcpSocket.Handler {
    public static final long DEFAULT_START_TARGET_NANOS = 1_000_000_000L;
    public static final long DEFAULT_REBUFFER_TARGET_NANOS = 1_000_000_000L;

    /** Where playback is. */
    public enum State { WAITING, STARTING, PLAYING, STALLED, ENDED }

    private final long bitrateBps;
    private final long startTargetNanos;
    private final long rebufferTargetNanos;
    /** Reads, hashes, closes at the end of the stream, and measures gaps between deliveries. */
    private final BulkSink sink = new BulkSink();

    private long connectedAt = -1;
    private long beginAt = -1;
    private long firstPlayAt = -1;
    private boolean streamEnded;
    private String resetReason;
    /** Video received, in nanoseconds of playback. */
    private long contentNanos;
    /** The playback as of the latest input. */
    private final Playback at = new Playback();

    public VideoPlayer(long bitrateBps) {
        this(bitrateBps, DEFAULT_START_TARGET_NANOS, DEFAULT_REBUFFER_TARGET_NANOS);
    }

    /**
     * @param startTargetNanos    video buffered before playback starts (0: at the first byte)
     * @param rebufferTargetNanos video buffered after a stall before playback resumes (0: at the next byte)
     */
    public VideoPlayer(long bitrateBps, long startTargetNanos, long rebufferTargetNanos) {
        if (bitrateBps <= 0 || startTargetNanos < 0 || rebufferTargetNanos < 0) {
            throw new IllegalArgumentException("the bitrate must be above 0 and the targets 0 or more (got "
                    + bitrateBps + " bit/s, " + startTargetNanos + " ns, " + rebufferTargetNanos + " ns)");
        }
        this.bitrateBps = bitrateBps;
        this.startTargetNanos = startTargetNanos;
        this.rebufferTargetNanos = rebufferTargetNanos;
    }

    /** No SHA-256 of the stream (endless runs). */
    public VideoPlayer withoutHash() {
        sink.withoutHash();
        return this;
    }

    /**
     * The playback state machine between inputs. Nothing changes between two inputs except that
     * playing drains the buffer, and that it stalls (or ends) where the buffer is empty.
     */
    private static final class Playback {
        State state = State.WAITING;
        long time = Long.MIN_VALUE;
        long played;
        long stalls;
        /** Total of the stalls that are over. */
        long stalledDone;
        long stallStart = -1;
        long endedAt = -1;

        Playback copy() {
            Playback p = new Playback();
            p.state = state;
            p.time = time;
            p.played = played;
            p.stalls = stalls;
            p.stalledDone = stalledDone;
            p.stallStart = stallStart;
            p.endedAt = endedAt;
            return p;
        }

        void advance(long t, long content, boolean ended) {
            if (state == State.PLAYING) {
                long buffer = content - played;
                long elapsed = t - time;
                // At the instant the buffer empties an arrival may still refill it without a stall;
                // when no more can come, the stream has ended there.
                if (ended ? elapsed < buffer : elapsed <= buffer) {
                    played += elapsed;
                } else {
                    played = content;
                    long empty = time + buffer;
                    if (ended) {
                        state = State.ENDED;
                        endedAt = empty;
                    } else {
                        state = State.STALLED;
                        stalls++;
                        stallStart = empty;
                    }
                }
            }
            time = t;
        }

        long stalledNanos(long now) {
            return stalledDone + (state == State.STALLED ? now - stallStart : 0);
        }
    }

    /** The playback at {@code now}, projected from the latest input (which it does not change). */
    private Playback view(long now) {
        if (at.time == Long.MIN_VALUE) {
            return at.copy();
        }
        if (now < at.time) {
            throw new IllegalArgumentException("time " + now + " ns is before the player's latest input at "
                    + at.time + " ns (earlier states are not kept)");
        }
        Playback p = at.copy();
        p.advance(now, contentNanos, streamEnded);
        return p;
    }

    /** Brings the kept state to {@code now} before an input changes it. */
    private void settle(long now) {
        if (at.time != Long.MIN_VALUE && now < at.time) {
            throw new IllegalArgumentException("input at " + now + " ns is before the previous one at " + at.time + " ns");
        }
        at.advance(now, contentNanos, streamEnded);
    }

    /** Transitions an input can cause (more data, the end of the stream, playback begun). */
    private void evaluate(long now) {
        long buffer = contentNanos - at.played;
        switch (at.state) {
            case WAITING, STARTING -> {
                if (beginAt < 0) {
                    return;
                }
                if (buffer > 0 && (buffer >= startTargetNanos || streamEnded)) {
                    at.state = State.PLAYING;
                    firstPlayAt = now;
                } else if (streamEnded && buffer == 0) {
                    at.state = State.ENDED;
                    at.endedAt = now;
                } else if (bytesReceived() > 0) {
                    at.state = State.STARTING;
                }
            }
            case STALLED -> {
                if (buffer > 0 && (buffer >= rebufferTargetNanos || streamEnded)) {
                    at.state = State.PLAYING;
                    at.stalledDone += now - at.stallStart;
                    at.stallStart = -1;
                } else if (streamEnded && buffer == 0) {
                    // Stalled at the very end: nothing more to wait for.
                    at.state = State.ENDED;
                    at.endedAt = now;
                    at.stalledDone += now - at.stallStart;
                    at.stallStart = -1;
                }
            }
            case PLAYING -> {
                if (streamEnded && buffer == 0) {
                    at.state = State.ENDED;
                    at.endedAt = now;
                }
            }
            case ENDED -> {
            }
        }
    }

    /**
     * The user pressed play at {@code now}: startup is measured from here. Only before the
     * connection is established (playback starts there by default); later calls are ignored.
     */
    public void begin(long now) {
        if (beginAt >= 0) {
            return;
        }
        settle(now);
        beginAt = now;
        evaluate(now);
    }

    @Override
    public void onConnected(long now, MptcpSocket s) {
        settle(now);
        connectedAt = now;
        sink.onConnected(now, s);
        if (beginAt < 0) {
            beginAt = now;
        }
        evaluate(now);
    }

    @Override
    public void onReadable(long now, MptcpSocket s) {
        settle(now);
        sink.onReadable(now, s);
        received(now, sink.received(), sink.eof());
    }

    @Override
    public void onClosed(long now, MptcpSocket s, String reason) {
        settle(now);
        sink.onClosed(now, s, reason);
        resetReason = reason;
        // No more data can come, whether the close was orderly or not.
        streamEnded = true;
        evaluate(now);
    }

    private void received(long now, long totalBytes, boolean eof) {
        contentNanos = VideoSender.mulDiv(totalBytes, 8_000_000_000L, bitrateBps);
        streamEnded |= eof;
        evaluate(now);
    }

    /**
     * For players without a socket of their own (tests, replays, and a live run whose viewer is
     * a remote host: fed with the data the peer acknowledged): at {@code now} the stream has
     * delivered {@code totalBytes} in all, and {@code eof} says whether it has ended. The
     * player's own socket callbacks do the same.
     */
    public void feed(long now, long totalBytes, boolean eof) {
        settle(now);
        if (connectedAt < 0) {
            connectedAt = now;
            if (beginAt < 0) {
                beginAt = now;
            }
        }
        fedBytes = totalBytes;
        contentNanos = VideoSender.mulDiv(totalBytes, 8_000_000_000L, bitrateBps);
        streamEnded |= eof;
        evaluate(now);
    }

    /** Bytes given by {@link #feed} (the tests' stand-in for a socket). */
    private long fedBytes;

    public State state(long now) {
        return view(now).state;
    }

    /** Seconds of video received and not yet played at {@code now}. */
    public double bufferSeconds(long now) {
        return bufferNanos(now) / 1e9;
    }

    public long bufferNanos(long now) {
        return contentNanos - view(now).played;
    }

    /** Video played by {@code now}. */
    public long playedNanos(long now) {
        return view(now).played;
    }

    /** Stall episodes by {@code now} (the wait before the first frame is startup, not a stall). */
    public long stalls(long now) {
        return view(now).stalls;
    }

    /** Time spent stalled by {@code now}, an ongoing stall included up to {@code now}. */
    public long stalledNanos(long now) {
        Playback p = view(now);
        return p.stalledNanos(now);
    }

    /** From playback begun ({@link #begin}, by default the connection) to the first frame; -1 before that. */
    public long startupNanos() {
        return firstPlayAt < 0 ? -1 : firstPlayAt - beginAt;
    }

    /** When the last byte was played, or -1 if not by {@code now}. */
    public long endedAt(long now) {
        return view(now).endedAt;
    }

    public long bytesReceived() {
        return Math.max(sink.received(), fedBytes);
    }

    public long bitrateBps() {
        return bitrateBps;
    }

    public long startTargetNanos() {
        return startTargetNanos;
    }

    public long rebufferTargetNanos() {
        return rebufferTargetNanos;
    }

    public long connectedAt() {
        return connectedAt;
    }

    public long beginAt() {
        return beginAt;
    }

    public long firstPlayAt() {
        return firstPlayAt;
    }

    /** The stream's end was seen (or the connection is gone): no more data will come. */
    public boolean streamEnded() {
        return streamEnded;
    }

    public boolean eof() {
        return sink.eof();
    }

    public boolean done() {
        return sink.done();
    }

    public String resetReason() {
        return resetReason;
    }

    /** When the latest byte arrived, -1 before any. */
    public long lastByteAt() {
        return sink.lastByteAt();
    }

    /** Longest gap between two deliveries of data, as {@link BulkSink#maxStallNanos(long)}. */
    public long maxGapNanos(long runEnd) {
        return sink.maxStallNanos(runEnd);
    }

    /** The stall around an event, as {@link BulkSink#watch}. */
    public BulkSink.Recovery watch(long now, long untilBytes) {
        return sink.watch(now, untilBytes);
    }

    public MptcpSocket socket() {
        return sink.socket();
    }

    /** Hex SHA-256 of everything received. */
    public String sha256() {
        return sink.sha256();
    }

    /** What the player measured by {@code now}. */
    public TrafficReport.VideoReport report(long now) {
        Playback p = view(now);
        return new TrafficReport.VideoReport(bitrateBps, bytesReceived(),
                firstPlayAt < 0 ? -1 : ms(firstPlayAt - beginAt), p.stalls, ms(p.stalledNanos(now)), ms(p.played),
                p.state, ms(contentNanos - p.played), ms(startTargetNanos), ms(rebufferTargetNanos));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}

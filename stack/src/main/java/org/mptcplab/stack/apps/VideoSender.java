package org.mptcplab.stack.apps;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;

/**
 * The server side of a live video stream: from the moment the connection is established it hands
 * the socket one chunk of video every {@code chunkNanos} of virtual time, each {@code bitrate x
 * chunk / 8} bytes (chunk {@code k} at {@code connected + k x chunk}). It is live, so the pace is
 * set by the clock and not by the connection: what is due but not yet taken by the socket (its
 * send buffer is full) waits in the application and is written on {@code onWritable}, never
 * dropped, so a slow path shows up as a growing backlog here and a draining buffer at the player.
 *
 * <p>The bytes are the same seeded pseudo-random stream as {@link BulkSender}'s (64 KiB blocks of
 * {@link BulkSender#fill}), so the receiver's SHA-256 can be checked, also for a prefix of an
 * endless stream ({@link #sha256OfStream}).
 *
 * <p>Timer: the sans-IO stack has no application timers, so the driver asks {@link #nextTickAt()}
 * and calls {@link #tick(long)} then, as an input of the stack ({@link MptcpStack#run}); {@link
 * #drive} does that on an {@link EmulatedNetwork}.
 */
public final class VideoSender implements MptcpSocket.Handler {
    /** A duration: the stream never ends (the run or the session stops it). */
    public static final long FOREVER = Long.MAX_VALUE;
    private static final int BLOCK = 64 * 1024;

    private final long bitrateBps;
    private final long chunkNanos;
    private final long durationNanos;
    private final long seed;
    private final long totalBytes;
    private final long chunkCount;
    private final SplittableRandom rnd;
    private final byte[] block = new byte[BLOCK];
    private int blockOff = BLOCK;
    private final MessageDigest sha = Digests.sha256();
    private boolean hashing = true;

    private MptcpSocket socket;
    private long connectedAt = -1;
    /** Chunks handed over so far (their bytes are due). */
    private long chunksDue;
    private long due;
    private long written;
    private boolean closeSent;
    private long closedAt = -1;
    private String resetReason;
    /** Set by {@link #drive}: arms a call of {@link #tick} at the given time. */
    private java.util.function.LongConsumer timer;
    /** The time the timer was last armed for: a tick called from elsewhere must not arm a second one. */
    private long armedAt = Long.MIN_VALUE;
    private final byte[] discard = new byte[4096];

    /**
     * @param bitrateBps    the video's bitrate, bits per second (above 0)
     * @param chunkNanos    how often a chunk is handed to the socket, and how much video it holds (above 0)
     * @param durationNanos how much video there is ({@link #FOREVER}: endless); the last chunk may be shorter
     * @param seed          seed of the bytes
     */
    public VideoSender(long bitrateBps, long chunkNanos, long durationNanos, long seed) {
        if (bitrateBps <= 0 || chunkNanos <= 0 || durationNanos <= 0) {
            throw new IllegalArgumentException("bitrate, chunk interval and duration must be above 0 (got "
                    + bitrateBps + " bit/s, " + chunkNanos + " ns, " + durationNanos + " ns)");
        }
        this.bitrateBps = bitrateBps;
        this.chunkNanos = chunkNanos;
        this.durationNanos = durationNanos;
        this.seed = seed;
        this.totalBytes = durationNanos == FOREVER ? Long.MAX_VALUE : bytesOfVideo(bitrateBps, durationNanos);
        this.chunkCount = durationNanos == FOREVER ? Long.MAX_VALUE : (durationNanos - 1) / chunkNanos + 1;
        this.rnd = new SplittableRandom(seed);
    }

    /** No SHA-256, and one random block sent over and over (an endless stream need not pay for hashing). */
    public VideoSender withoutHash() {
        hashing = false;
        BulkSender.fill(rnd, block);
        return this;
    }

    /** Bytes of {@code nanos} of video at {@code bitrateBps}, rounded down (exact for any size). */
    public static long bytesOfVideo(long bitrateBps, long nanos) {
        return mulDiv(bitrateBps, nanos, 8_000_000_000L);
    }

    /** {@code a * b / c} rounded down, for non-negative values, without overflow of the product. */
    static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo / c;
        }
        BigInteger r = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
        return r.bitLength() < 64 ? r.longValue() : Long.MAX_VALUE;
    }

    /**
     * Wires {@code sender} to a network: each tick runs at {@link #nextTickAt()} as an input of
     * {@code stack} (so what it writes is sent at once), and re-arms the next. Call it before or
     * after the connection is made; the first tick is armed when it is established.
     */
    public static void drive(EmulatedNetwork net, MptcpStack stack, VideoSender sender) {
        drive(net::schedule, net::now, stack, sender);
    }

    /** Schedules an action at a time of the caller's clock (an emulated network, or a live runner's). */
    public interface Scheduler {
        void at(long atNanos, Runnable action);
    }

    /** As {@link #drive(EmulatedNetwork, MptcpStack, VideoSender)}, on any clock (a live run's). */
    public static void drive(Scheduler scheduler, java.util.function.LongSupplier clock, MptcpStack stack, VideoSender sender) {
        if (sender.timer != null) {
            throw new IllegalStateException("this video sender is driven already");
        }
        sender.timer = at -> scheduler.at(at, () -> stack.run(clock.getAsLong(), () -> sender.tick(clock.getAsLong())));
        sender.arm();
    }

    private void arm() {
        long at = nextTickAt();
        if (timer != null && at != Long.MAX_VALUE && at != armedAt) {
            armedAt = at;
            timer.accept(at);
        }
    }

    @Override
    public void onConnected(long now, MptcpSocket s) {
        socket = s;
        connectedAt = now;
        release(now);
        pump(now);
        arm();
    }

    @Override
    public void onWritable(long now, MptcpSocket s) {
        socket = s;
        pump(now);
    }

    @Override
    public void onReadable(long now, MptcpSocket s) {
        // The player sends nothing; drain so that its end of stream is seen and the buffer stays free.
        while (s.read(now, discard, 0, discard.length) > 0) {
            // discard
        }
    }

    @Override
    public void onClosed(long now, MptcpSocket s, String reason) {
        closedAt = now;
        resetReason = reason;
    }

    /**
     * When the next chunk is due, or {@link Long#MAX_VALUE} when none is (not connected yet, all
     * chunks handed over, or the connection is gone).
     */
    public long nextTickAt() {
        if (connectedAt < 0 || chunksDue >= chunkCount || closedAt >= 0) {
            return Long.MAX_VALUE;
        }
        long at = connectedAt + chunksDue * chunkNanos;
        // chunksDue * chunkNanos can only overflow for an endless stream after centuries of virtual time.
        return at < connectedAt ? Long.MAX_VALUE : at;
    }

    /** Hands over every chunk due by {@code now} (a late tick catches up) and writes what the socket takes. */
    public void tick(long now) {
        if (connectedAt < 0 || closedAt >= 0) {
            return;
        }
        release(now);
        pump(now);
        arm();
    }

    private void release(long now) {
        while (chunksDue < chunkCount && connectedAt + chunksDue * chunkNanos <= now) {
            chunksDue++;
            // Cumulative, so that a bitrate x chunk that is not a whole number of bytes does not drift.
            long videoNanos = chunksDue >= chunkCount ? durationNanos : chunksDue * chunkNanos;
            due = durationNanos == FOREVER ? bytesOfVideo(bitrateBps, videoNanos)
                    : Math.min(totalBytes, bytesOfVideo(bitrateBps, videoNanos));
        }
    }

    private void pump(long now) {
        MptcpSocket s = socket;
        if (s == null || closeSent) {
            return;
        }
        while (written < due) {
            if (blockOff == BLOCK) {
                if (hashing) {
                    BulkSender.fill(rnd, block);
                }
                blockOff = 0;
            }
            int len = (int) Math.min(BLOCK - blockOff, due - written);
            int n = s.write(now, block, blockOff, len);
            if (n <= 0) {
                return;
            }
            if (hashing) {
                sha.update(block, blockOff, n);
            }
            blockOff += n;
            written += n;
        }
        if (chunksDue >= chunkCount && written == due) {
            closeSent = true;
            s.close(now);
        }
    }

    /**
     * Hex SHA-256 of the first {@code length} bytes of the stream a sender with {@code seed}
     * (hashing on) sends: checks the prefix a receiver got of an endless stream.
     */
    public static String sha256OfStream(long seed, long length) {
        SplittableRandom r = new SplittableRandom(seed);
        MessageDigest d = Digests.sha256();
        byte[] b = new byte[BLOCK];
        for (long left = length; left > 0; left -= BLOCK) {
            BulkSender.fill(r, b);
            d.update(b, 0, (int) Math.min(BLOCK, left));
        }
        return Digests.hex(d.digest());
    }

    public long bitrateBps() {
        return bitrateBps;
    }

    public long chunkNanos() {
        return chunkNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    public long seed() {
        return seed;
    }

    /** Bytes of the whole stream ({@link Long#MAX_VALUE} when endless). */
    public long totalBytes() {
        return totalBytes;
    }

    /** Chunks handed over so far. */
    public long chunksDue() {
        return chunksDue;
    }

    /** Bytes handed over so far (written or waiting). */
    public long due() {
        return due;
    }

    /** Bytes the socket took. */
    public long written() {
        return written;
    }

    /** Bytes due but not yet taken by the socket: the backlog of a path that cannot keep up. */
    public long queued() {
        return due - written;
    }

    /** Every chunk was handed over and written, and the close was sent. */
    public boolean finishedSending() {
        return closeSent;
    }

    public boolean done() {
        return closedAt >= 0;
    }

    public long connectedAt() {
        return connectedAt;
    }

    public long closedAt() {
        return closedAt;
    }

    public String resetReason() {
        return resetReason;
    }

    public MptcpSocket socket() {
        return socket;
    }

    /** Hex SHA-256 of everything written (of the whole stream once {@link #finishedSending()}). */
    public String sha256() {
        return Digests.hex(Digests.copy(sha).digest());
    }
}

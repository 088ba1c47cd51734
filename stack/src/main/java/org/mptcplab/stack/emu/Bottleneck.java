package org.mptcplab.stack.emu;

import java.util.Objects;

/**
 * A link shared by several {@link PathDirection}s: one rate and one drop-tail queue that serve
 * the packets of every attached direction in the order they reach it, first come first served,
 * as the single output port of a router where several paths meet (the shared bottleneck of
 * RFC 6356 section 2, against which its goal 2, "do no harm", is stated).
 *
 * <p>An attached direction ({@link PathDirection#setBottleneck}) first serializes a packet at its
 * own rate (its access link); the packet reaches the bottleneck when that ends, waits in the
 * shared queue, is serialized at the bottleneck's rate, then takes the direction's own
 * propagation delay (and jitter). So the delay of a path is the sum of its links' delays, all
 * counted after the bottleneck: directions with different delays meet the queue in the order they
 * left their access links.
 *
 * <p>Serialization is exact as in {@link PathDirection} (whole nanoseconds plus a remainder in
 * units of 1/rate ns). The drop-tail limit counts the bytes still owed to the link: those of the
 * packets waiting and the rest of the one being serialized. No randomness: a bottleneck never
 * changes the random streams of paths.
 */
public final class Bottleneck {
    private static final long BIT_NANOS_PER_BYTE = 8L * 1_000_000_000L;

    /** So that the backlog in bit-nanoseconds stays far from overflow. */
    static final long MAX_QUEUE_BYTES = 1L << 30;

    private final String name;
    private final long rateBitsPerSecond;
    private final long queueBytes;

    // Busy (serializing) until busyNanos + busyRemainder / rate (0 <= remainder < rate).
    private long busyNanos = Long.MIN_VALUE;
    private long busyRemainder;

    private long forwardedPackets;
    private long forwardedBytes;
    private long droppedPackets;
    private long droppedBytes;
    private long maxBacklogBytes;

    /**
     * @param rateBitsPerSecond above 0
     * @param queueBytes        drop-tail limit on the bytes owed to the link, above 0
     */
    public Bottleneck(String name, long rateBitsPerSecond, long queueBytes) {
        this.name = Objects.requireNonNull(name, "name");
        if (rateBitsPerSecond <= 0 || rateBitsPerSecond > LinkConfig.MAX_RATE) {
            throw new IllegalArgumentException("bottleneck rate " + rateBitsPerSecond + " bit/s is outside 1 to "
                    + LinkConfig.MAX_RATE);
        }
        if (queueBytes <= 0 || queueBytes > MAX_QUEUE_BYTES) {
            throw new IllegalArgumentException("bottleneck queue " + queueBytes + " bytes is outside 1 to "
                    + MAX_QUEUE_BYTES);
        }
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.queueBytes = queueBytes;
    }

    public String name() {
        return name;
    }

    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    public long queueBytes() {
        return queueBytes;
    }

    /** What the bottleneck did so far. */
    public record Counters(long forwardedPackets, long forwardedBytes, long droppedPackets, long droppedBytes,
                           long maxBacklogBytes) {
    }

    public Counters counters() {
        return new Counters(forwardedPackets, forwardedBytes, droppedPackets, droppedBytes, maxBacklogBytes);
    }

    /** Bytes still owed to the link at {@code now} (rounded up). */
    long backlogBytes(long now) {
        if (busyNanos < now || busyNanos == now && busyRemainder == 0) {
            return 0;
        }
        // (busy - now) ns at rate bit/s, in bytes: ((busyNanos - now) * rate + remainder) / 8e9.
        long owedBitNanos = Math.addExact(Math.multiplyExact(busyNanos - now, rateBitsPerSecond), busyRemainder);
        return (owedBitNanos + BIT_NANOS_PER_BYTE - 1) / BIT_NANOS_PER_BYTE;
    }

    /**
     * A packet of {@code length} bytes reaches the bottleneck at {@code now}: the instant its
     * serialization here completes, or -1 when the queue is full (drop-tail).
     */
    long admit(long now, int length) {
        long startNanos;
        long startRemainder;
        if (busyNanos < now || busyNanos == now && busyRemainder == 0) {
            startNanos = now;
            startRemainder = 0;
        } else {
            long backlog = backlogBytes(now);
            if (backlog + length > queueBytes) {
                droppedPackets++;
                droppedBytes += length;
                return -1;
            }
            startNanos = busyNanos;
            startRemainder = busyRemainder;
        }
        long total = startRemainder + Math.multiplyExact((long) length, BIT_NANOS_PER_BYTE);
        busyNanos = startNanos + total / rateBitsPerSecond;
        busyRemainder = total % rateBitsPerSecond;
        forwardedPackets++;
        forwardedBytes += length;
        maxBacklogBytes = Math.max(maxBacklogBytes, backlogBytes(now));
        return busyNanos + (busyRemainder != 0 ? 1 : 0);
    }

    @Override
    public String toString() {
        return name;
    }
}

package org.mptcplab.app.live;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Delay and loss for live paths, inside the sans-IO layer (the kernel here has no netem). Per
 * interface and direction: a one-way delay with optional jitter, and random loss from a seeded
 * generator. A frame offered at {@code now} is either dropped or released at
 * {@code now + delay + x}, but never before the frame offered before it in the same direction of
 * the same interface: jitter does not reorder. Time is whatever clock the caller uses (the live
 * runner's, or a test's virtual one).
 *
 * <p><b>Jitter</b> {@code x} wanders around 0 as a Gaussian Ornstein-Uhlenbeck process with
 * standard deviation jitter/2 and correlation time {@value #JITTER_CORRELATION_NANOS} ns, clamped
 * to +/- jitter: frames close together see similar delays (as on a real link, where delay comes
 * from queues that change at their own pace) and frames far apart independent ones. Independent
 * draws per frame would not do: with the no-reordering rule, a bulk flow's frames would nearly all
 * wait for the slowest draw of the recent ones, so "5 ms +/- 3 ms" would behave as 8 ms.
 *
 * <p>Loss applies to every frame, ARP and neighbour discovery included, as a lossy radio link
 * would. An interface and direction without settings passes frames on at once, in order.
 */
public final class PathImpairment {
    /** Frames leaving the host (egress) or arriving at it (ingress). */
    public enum Direction {
        EGRESS, INGRESS
    }

    /**
     * One direction's impairment.
     *
     * @param delayNanos      one-way delay added to every frame
     * @param jitterNanos     each frame's delay varies within +/- this (standard deviation half of
     *                        it, correlated over {@link #JITTER_CORRELATION_NANOS}; the total is
     *                        clamped at 0), without reordering
     * @param lossProbability chance, 0 to 1, that a frame is dropped
     */
    public record Settings(long delayNanos, long jitterNanos, double lossProbability) {
        /** Nothing added. */
        public static final Settings NONE = new Settings(0, 0, 0);
        /**
         * A rough illustration of a home Wi-Fi hop: 5 ms +/- 3 ms one way, 1 % loss. Not a model
         * of any real network: real Wi-Fi delay comes in bursts (retries, rate changes, contention).
         */
        public static final Settings WIFI = new Settings(5_000_000L, 3_000_000L, 0.01);
        /**
         * A rough illustration of an LTE path: 35 ms +/- 10 ms one way, 0.5 % loss. Real cellular
         * links hide most loss behind link-layer retransmission and vary with load and signal.
         */
        public static final Settings LTE = new Settings(35_000_000L, 10_000_000L, 0.005);

        public Settings {
            if (delayNanos < 0 || delayNanos > 3_600_000_000_000L) {
                throw new IllegalArgumentException("delay " + delayNanos + " ns is outside 0 to 1 hour");
            }
            if (jitterNanos < 0 || jitterNanos > 3_600_000_000_000L) {
                throw new IllegalArgumentException("jitter " + jitterNanos + " ns is outside 0 to 1 hour");
            }
            if (!(lossProbability >= 0 && lossProbability <= 1)) {
                throw new IllegalArgumentException("loss probability " + lossProbability + " is outside 0 to 1");
            }
        }

        /** "none", "wifi" or "lte" (case-insensitive). */
        public static Settings preset(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "wifi" -> WIFI;
                case "lte" -> LTE;
                default -> throw new IllegalArgumentException("unknown impairment preset '" + name
                        + "' (known: none, wifi, lte)");
            };
        }

        public boolean isNone() {
            return delayNanos == 0 && jitterNanos == 0 && lossProbability == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "delay %.1f ms +/- %.1f ms, loss %.2f %%", delayNanos / 1e6,
                    jitterNanos / 1e6, lossProbability * 100);
        }
    }

    private record Key(int iface, Direction direction) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Integer.compare(iface, o.iface);
            return c != 0 ? c : direction.compareTo(o.direction);
        }
    }

    private record Pending(long release, byte[] frame) {
    }

    /** Correlation time of the jitter process: offsets this far apart are about 1/e correlated. */
    public static final long JITTER_CORRELATION_NANOS = 10_000_000L;

    private static final class Lane {
        Settings settings = Settings.NONE;
        final SplittableRandom random;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        long lastRelease = Long.MIN_VALUE;
        /** The jitter process: current offset (ns) and when it was last drawn; NaN before the first draw. */
        double jitter = Double.NaN;
        long jitterAt;
        long offered;
        long dropped;

        Lane(SplittableRandom random) {
            this.random = random;
        }
    }

    private final long seed;
    private final Map<Key, Lane> lanes = new TreeMap<>();

    /** @param seed the loss and jitter draws; each interface and direction gets its own stream */
    public PathImpairment(long seed) {
        this.seed = seed;
    }

    /** Sets the impairment of {@code iface} in {@code direction}; frames already queued keep their times. */
    public PathImpairment set(int iface, Direction direction, Settings settings) {
        lane(iface, direction).settings = java.util.Objects.requireNonNull(settings, "settings");
        return this;
    }

    /** Sets both directions of {@code iface}. */
    public PathImpairment setBoth(int iface, Settings settings) {
        return set(iface, Direction.EGRESS, settings).set(iface, Direction.INGRESS, settings);
    }

    public Settings settings(int iface, Direction direction) {
        Lane l = lanes.get(new Key(iface, direction));
        return l == null ? Settings.NONE : l.settings;
    }

    private Lane lane(int iface, Direction direction) {
        return lanes.computeIfAbsent(new Key(iface, direction), k -> {
            long s = seed ^ (0x9E3779B97F4A7C15L * (2L * iface + direction.ordinal() + 1));
            return new Lane(new SplittableRandom(s));
        });
    }

    /**
     * Offers a frame at {@code now}: returns false when it is lost, true when it is queued for
     * release (possibly at {@code now} already).
     */
    public boolean offer(long now, int iface, Direction direction, byte[] frame) {
        Lane l = lane(iface, direction);
        l.offered++;
        Settings s = l.settings;
        if (s.lossProbability() > 0 && l.random.nextDouble() < s.lossProbability()) {
            l.dropped++;
            return false;
        }
        long delay = s.delayNanos();
        if (s.jitterNanos() > 0) {
            delay = Math.max(0, delay + jitter(l, now, s.jitterNanos()));
        }
        long release = now + delay;
        if (l.lastRelease != Long.MIN_VALUE && release - l.lastRelease < 0) {
            release = l.lastRelease; // no reordering
        }
        l.lastRelease = release;
        l.queue.addLast(new Pending(release, frame));
        return true;
    }

    /** The next value of the lane's jitter process at {@code now} (exact Ornstein-Uhlenbeck update). */
    private static long jitter(Lane l, long now, long bound) {
        double sigma = bound / 2.0;
        double g = gaussian(l.random);
        if (Double.isNaN(l.jitter) || now - l.jitterAt < 0) {
            l.jitter = sigma * g;
        } else {
            double rho = Math.exp(-(double) (now - l.jitterAt) / JITTER_CORRELATION_NANOS);
            l.jitter = rho * l.jitter + Math.sqrt(1 - rho * rho) * sigma * g;
        }
        l.jitterAt = now;
        l.jitter = Math.max(-bound, Math.min(bound, l.jitter));
        return Math.round(l.jitter);
    }

    /** A standard normal draw (Box-Muller), from the lane's own generator. */
    private static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(); // (0, 1]
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The frame of {@code direction} due first, if it is due at {@code now}; else null. */
    public Frame poll(long now, Direction direction) {
        Lane best = null;
        int bestIface = 0;
        for (Map.Entry<Key, Lane> e : lanes.entrySet()) {
            if (e.getKey().direction() != direction) {
                continue;
            }
            Pending p = e.getValue().queue.peekFirst();
            if (p != null && p.release() - now <= 0
                    && (best == null || p.release() - best.queue.peekFirst().release() < 0)) {
                best = e.getValue();
                bestIface = e.getKey().iface();
            }
        }
        return best == null ? null : new Frame(bestIface, best.queue.pollFirst().frame());
    }

    /** The earliest release time of a queued frame, or {@code Long.MAX_VALUE}. */
    public long nextTimeout() {
        long t = Long.MAX_VALUE;
        for (Lane l : lanes.values()) {
            Pending p = l.queue.peekFirst();
            if (p != null) {
                t = Math.min(t, p.release());
            }
        }
        return t;
    }

    /** Frames waiting in {@code iface}'s {@code direction}. */
    public int queued(int iface, Direction direction) {
        Lane l = lanes.get(new Key(iface, direction));
        return l == null ? 0 : l.queue.size();
    }

    /** Frames offered to {@code iface}'s {@code direction} so far. */
    public long offered(int iface, Direction direction) {
        Lane l = lanes.get(new Key(iface, direction));
        return l == null ? 0 : l.offered;
    }

    /** Frames lost in {@code iface}'s {@code direction} so far. */
    public long dropped(int iface, Direction direction) {
        Lane l = lanes.get(new Key(iface, direction));
        return l == null ? 0 : l.dropped;
    }
}

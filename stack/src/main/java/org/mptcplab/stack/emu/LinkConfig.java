package org.mptcplab.stack.emu;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One direction of an emulated link: what a datagram entering it goes through (netem-like).
 *
 * @param rateBitsPerSecond serialization rate; 0 is unlimited: no serialization time, no queue;
 *                          but with no delay either, each packet is served at
 *                          {@link #UNLIMITED_SERVICE_RATE} so that virtual time advances (a run
 *                          always reaches its deadline)
 * @param delayNanos        one-way propagation delay
 * @param jitterNanos       extra delay drawn uniformly from [0, jitter] per packet; never reorders
 *                          (a packet arrives no earlier than the one before it on this direction)
 * @param lossProbability   chance, 0 to 1, that a packet is dropped at the link's entry
 * @param queueBytes        drop-tail limit on the bytes waiting for serialization (not counting
 *                          the packet being serialized); 0 is unlimited
 */
public record LinkConfig(long rateBitsPerSecond, long delayNanos, long jitterNanos, double lossProbability,
                         long queueBytes) {

    /** No rate limit, no delay, no loss. */
    public static final LinkConfig UNLIMITED = new LinkConfig(0, 0, 0, 0, 0);

    /** Delays beyond this (about 11.5 days) are surely a mistake, and keep time sums far from overflow. */
    static final long MAX_TIME_NANOS = 1_000_000_000_000_000L;

    /**
     * What an "unlimited" link with no delay serializes at: 10 Gbit/s (1.2 us for a 1500-byte packet), far
     * above any path the lab emulates and above what the stack itself pushes in wall-clock time
     * (about 3.5 Gbit/s, BENCHMARKS.md); but above zero, so that virtual time moves and deadlines
     * fire, and a run with a deadline of T seconds does at most T x 10 Gbit of work.
     */
    public static final long UNLIMITED_SERVICE_RATE = 10_000_000_000L;

    /** 1 Pbit/s: a bound that keeps the exact serialization arithmetic within a long. */
    static final long MAX_RATE = 1_000_000_000_000_000L;

    public LinkConfig {
        if (rateBitsPerSecond < 0 || rateBitsPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate " + rateBitsPerSecond + " bit/s is outside 0 to " + MAX_RATE
                    + " bit/s (1 Pbit/s)");
        }
        if (delayNanos < 0 || delayNanos > MAX_TIME_NANOS) {
            throw new IllegalArgumentException("delay " + delayNanos + " ns is outside 0 to " + MAX_TIME_NANOS + " ns");
        }
        if (jitterNanos < 0 || jitterNanos > MAX_TIME_NANOS) {
            throw new IllegalArgumentException("jitter " + jitterNanos + " ns is outside 0 to " + MAX_TIME_NANOS + " ns");
        }
        if (!(lossProbability >= 0 && lossProbability <= 1)) {
            throw new IllegalArgumentException("loss probability " + lossProbability + " is outside 0 to 1");
        }
        if (queueBytes < 0) {
            throw new IllegalArgumentException("queue limit " + queueBytes + " bytes is negative");
        }
    }

    /** A link of the given rate (0 = unlimited) and one-way delay, without loss, jitter or queue limit. */
    public static LinkConfig of(long rateBitsPerSecond, long delayNanos) {
        return new LinkConfig(rateBitsPerSecond, delayNanos, 0, 0, 0);
    }

    public LinkConfig withRate(long bitsPerSecond) {
        return new LinkConfig(bitsPerSecond, delayNanos, jitterNanos, lossProbability, queueBytes);
    }

    public LinkConfig withDelay(long nanos) {
        return new LinkConfig(rateBitsPerSecond, nanos, jitterNanos, lossProbability, queueBytes);
    }

    public LinkConfig withJitter(long nanos) {
        return new LinkConfig(rateBitsPerSecond, delayNanos, nanos, lossProbability, queueBytes);
    }

    public LinkConfig withLoss(double probability) {
        return new LinkConfig(rateBitsPerSecond, delayNanos, jitterNanos, probability, queueBytes);
    }

    public LinkConfig withQueue(long bytes) {
        return new LinkConfig(rateBitsPerSecond, delayNanos, jitterNanos, lossProbability, bytes);
    }

    // ------------------------------------------------------------------ text form

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-z%]*)");
    private static final String RATE_UNITS = "use bit, kbit, mbit, gbit";
    private static final String TIME_UNITS = "use ns, us, ms, s";
    private static final String SIZE_UNITS = "use b, kb, mb, kib, mib";

    /**
     * Parses a CLI path spec: a rate (or {@code unlimited}), then optionally a delay, then
     * {@code key=value} settings: {@code loss}, {@code queue}, {@code jitter} (and {@code rate},
     * {@code delay} by name). Examples: {@code 40mbit,10ms}; {@code 20mbit,40ms,loss=1%};
     * {@code 1gbit,0ms,queue=256kb,jitter=2ms}; {@code unlimited}.
     *
     * <p>Units (case-insensitive): rates bit, kbit, mbit, gbit or bps, kbps, mbps, gbps, all in
     * bits per second with decimal prefixes (unlike tc, where bps means bytes per second); times
     * ns, us, ms, s; sizes b, kb, mb, gb (powers of 1000) and kib, mib, gib (powers of 1024);
     * loss as a percentage ({@code 1%}) or a fraction ({@code 0.01}). Only zero may omit its unit.
     *
     * @throws IllegalArgumentException with a message naming the spec and the faulty part
     */
    public static LinkConfig parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("path spec is missing (expected e.g. '40mbit,10ms')");
        }
        String prefix = "path spec '" + spec + "': ";
        if (spec.isBlank()) {
            throw new IllegalArgumentException(prefix + "empty (expected e.g. '40mbit,10ms')");
        }
        Long rate = null;
        Long delay = null;
        Long jitter = null;
        Double loss = null;
        Long queue = null;
        int positional = 0;
        for (String raw : spec.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException(prefix + "empty item between commas");
            }
            int eq = item.indexOf('=');
            String key;
            String value;
            if (eq < 0) {
                if (positional == 0) {
                    key = "rate";
                } else if (positional == 1) {
                    key = "delay";
                } else {
                    throw new IllegalArgumentException(prefix + "unexpected '" + item
                            + "' after the rate and delay (use key=value: loss=, queue=, jitter=)");
                }
                positional++;
                value = item;
            } else {
                key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                value = item.substring(eq + 1).trim();
            }
            switch (key) {
                case "rate" -> {
                    once(prefix, key, rate);
                    rate = value.equalsIgnoreCase("unlimited") ? 0L : rate(prefix, value);
                }
                case "delay" -> {
                    once(prefix, key, delay);
                    delay = time(prefix, key, value);
                }
                case "jitter" -> {
                    once(prefix, key, jitter);
                    jitter = time(prefix, key, value);
                }
                case "loss" -> {
                    once(prefix, key, loss);
                    loss = loss(prefix, value);
                }
                case "queue" -> {
                    once(prefix, key, queue);
                    queue = size(prefix, value);
                }
                default -> throw new IllegalArgumentException(prefix + "unknown setting '" + item.substring(0, eq).trim()
                        + "' (use rate, delay, loss, queue, jitter)");
            }
        }
        try {
            return new LinkConfig(rate == null ? 0 : rate, delay == null ? 0 : delay, jitter == null ? 0 : jitter,
                    loss == null ? 0 : loss, queue == null ? 0 : queue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }

    private static void once(String prefix, String key, Object previous) {
        if (previous != null) {
            throw new IllegalArgumentException(prefix + key + " is given twice");
        }
    }

    /** Splits "40mbit" into number and lower-case unit; the caller's noun goes in the message. */
    private static Matcher quantity(String prefix, String noun, String value, String example) {
        Matcher m = QUANTITY.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(prefix + noun + " '" + value + "' is not a number followed by a unit (e.g. "
                    + example + ")");
        }
        return m;
    }

    private static long rate(String prefix, String value) {
        Matcher m = quantity(prefix, "rate", value, "40mbit");
        String unit = m.group(2);
        long mult = switch (unit) {
            case "bit", "bps" -> 1L;
            case "kbit", "kbps" -> 1_000L;
            case "mbit", "mbps" -> 1_000_000L;
            case "gbit", "gbps" -> 1_000_000_000L;
            case "" -> missingUnit(prefix, "rate", value, m.group(1), RATE_UNITS);
            default -> throw new IllegalArgumentException(prefix + "unknown rate unit '" + value.substring(m.start(2)) + "' (" + RATE_UNITS + ")");
        };
        long bps = whole(prefix, "rate", value, m.group(1), mult, "bits per second");
        if (bps == 0) {
            // A rate of 0 would carry nothing; people who write it mean "no limit" or made a typo.
            throw new IllegalArgumentException(prefix + "rate '" + value
                    + "': the rate must be above 0; write 'unlimited' for no limit");
        }
        return bps;
    }

    private static long time(String prefix, String noun, String value) {
        Matcher m = quantity(prefix, noun, value, "10ms");
        String unit = m.group(2);
        long mult = switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "" -> missingUnit(prefix, noun, value, m.group(1), TIME_UNITS);
            default -> throw new IllegalArgumentException(prefix + "unknown time unit '" + value.substring(m.start(2)) + "' (" + TIME_UNITS + ")");
        };
        return whole(prefix, noun, value, m.group(1), mult, "nanoseconds");
    }

    private static long size(String prefix, String value) {
        Matcher m = quantity(prefix, "queue", value, "256kb");
        String unit = m.group(2);
        long mult = switch (unit) {
            case "b" -> 1L;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "" -> missingUnit(prefix, "queue", value, m.group(1), SIZE_UNITS);
            default -> throw new IllegalArgumentException(prefix + "unknown size unit '" + value.substring(m.start(2)) + "' (" + SIZE_UNITS + ")");
        };
        return whole(prefix, "queue", value, m.group(1), mult, "bytes");
    }

    private static long missingUnit(String prefix, String noun, String value, String number, String units) {
        if (new BigDecimal(number).signum() == 0) {
            return 1; // zero needs no unit
        }
        throw new IllegalArgumentException(prefix + noun + " '" + value + "' has no unit (" + units + ")");
    }

    private static long whole(String prefix, String noun, String value, String number, long mult, String base) {
        BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(mult));
        try {
            return v.stripTrailingZeros().toBigIntegerExact().longValueExact();
        } catch (ArithmeticException e) {
            String why = v.stripTrailingZeros().scale() > 0 ? "is not a whole number of " + base : "is too large";
            throw new IllegalArgumentException(prefix + noun + " '" + value + "' " + why, e);
        }
    }

    private static double loss(String prefix, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        boolean percent = v.endsWith("%");
        String number = percent ? v.substring(0, v.length() - 1).trim() : v;
        if (!number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException(prefix + "loss '" + value + "' is not a percentage (1%) or a fraction (0.01)");
        }
        BigDecimal p = new BigDecimal(number);
        if (percent) {
            p = p.movePointLeft(2);
        }
        if (p.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException(prefix + "loss '" + value + "' is not between "
                    + (percent ? "0 and 100%" : "0 and 1"));
        }
        return p.doubleValue();
    }

    /**
     * The spec text that {@link #parse} reads back to an equal config, e.g. {@code 40mbit,10ms,loss=1%}.
     */
    public String toSpec() {
        StringBuilder sb = new StringBuilder();
        sb.append(rateBitsPerSecond == 0 ? "unlimited" : scaled(rateBitsPerSecond,
                new long[] {1_000_000_000L, 1_000_000L, 1_000L, 1L}, new String[] {"gbit", "mbit", "kbit", "bit"}));
        if (delayNanos != 0 || jitterNanos != 0 || lossProbability != 0 || queueBytes != 0) {
            sb.append(',').append(timeText(delayNanos));
        }
        if (lossProbability != 0) {
            sb.append(",loss=").append(new BigDecimal(Double.toString(lossProbability)).movePointRight(2)
                    .stripTrailingZeros().toPlainString()).append('%');
        }
        if (queueBytes != 0) {
            String dec = scaled(queueBytes, new long[] {1_000_000_000L, 1_000_000L, 1_000L, 1L},
                    new String[] {"gb", "mb", "kb", "b"});
            String bin = scaled(queueBytes, new long[] {1L << 30, 1L << 20, 1L << 10, 1L},
                    new String[] {"gib", "mib", "kib", "b"});
            sb.append(",queue=").append(bin.length() < dec.length() ? bin : dec);
        }
        if (jitterNanos != 0) {
            sb.append(",jitter=").append(timeText(jitterNanos));
        }
        return sb.toString();
    }

    private static String timeText(long nanos) {
        return scaled(nanos, new long[] {1_000_000_000L, 1_000_000L, 1_000L, 1L}, new String[] {"s", "ms", "us", "ns"});
    }

    /** The value in the largest unit that divides it exactly. */
    private static String scaled(long v, long[] mults, String[] units) {
        if (v == 0) {
            return "0" + units[units.length - 1];
        }
        for (int i = 0; i < mults.length; i++) {
            if (v % mults[i] == 0) {
                return BigInteger.valueOf(v / mults[i]) + units[i];
            }
        }
        throw new AssertionError("the last unit is 1");
    }

    @Override
    public String toString() {
        return toSpec();
    }
}

package org.mptcplab.app.viewmodel;

import java.util.Locale;

/** Numbers as a person reads them on a projector: few digits, units always written. */
public final class Format {
    private Format() {
    }

    public static String bps(double bps) {
        if (Double.isNaN(bps)) {
            return "-";
        }
        if (bps >= 1e9) {
            return String.format(Locale.ROOT, "%.2f Gbit/s", bps / 1e9);
        }
        if (bps >= 1e6) {
            return String.format(Locale.ROOT, "%.1f Mbit/s", bps / 1e6);
        }
        if (bps >= 1e3) {
            return String.format(Locale.ROOT, "%.0f kbit/s", bps / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f bit/s", bps);
    }

    /** Seconds with one decimal (the clock, stalled time). */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    public static String millis(long nanos) {
        return nanos < 10_000_000L ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    public static String bytes(long b) {
        if (b >= 10_000_000L) {
            return String.format(Locale.ROOT, "%.0f MB", b / 1e6);
        }
        if (b >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        }
        if (b >= 10_000L) {
            return String.format(Locale.ROOT, "%.0f kB", b / 1e3);
        }
        return b + " B";
    }

    /** A speed factor: 0.05x, 0.5x, 1x, 2.5x. */
    public static String speed(double s) {
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.2f", s).replaceAll("0+$", "")) + "x";
    }
}

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
            return fixed(bps / 1e9, 2) + " Gbit/s";
        }
        if (bps >= 1e6) {
            return fixed(bps / 1e6, 1) + " Mbit/s";
        }
        if (bps >= 1e3) {
            return fixed(bps / 1e3, 0) + " kbit/s";
        }
        return fixed(bps, 0) + " bit/s";
    }

    /** Seconds with one decimal (the clock, stalled time). */
    public static String seconds(long nanos) {
        return fixed(nanos / 1e9, 1) + " s";
    }

    public static String millis(long nanos) {
        return nanos < 10_000_000L ? fixed(nanos / 1e6, 1) + " ms"
                : fixed(nanos / 1e6, 0) + " ms";
    }

    public static String bytes(long b) {
        if (b >= 10_000_000L) {
            return fixed(b / 1e6, 0) + " MB";
        }
        if (b >= 1_000_000L) {
            return fixed(b / 1e6, 1) + " MB";
        }
        if (b >= 10_000L) {
            return fixed(b / 1e3, 0) + " kB";
        }
        return b + " B";
    }

    /**
     * {@code v} with {@code decimals} (0 to 3) digits after the point, rounded half up, as
     * {@code String.format("%.Nf")} writes it for the values shown here. The window formats a few
     * dozen numbers twenty times a second, and a Formatter allocates a lot for each.
     */
    static String fixed(double v, int decimals) {
        if (!Double.isFinite(v) || Math.abs(v) >= 1e15) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        long scale = decimals == 0 ? 1 : decimals == 1 ? 10 : decimals == 2 ? 100 : 1000;
        long r = Math.round(Math.abs(v) * scale);
        StringBuilder sb = new StringBuilder(12);
        if (Double.doubleToRawLongBits(v) < 0) { // the sign bit: "-0.0" as Formatter writes it
            sb.append('-');
        }
        sb.append(r / scale);
        if (decimals > 0) {
            sb.append('.');
            long frac = r % scale;
            for (long p = scale / 10; p > 1 && frac < p; p /= 10) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
    }

    /** A speed factor: 0.05x, 0.5x, 1x, 2.5x. */
    public static String speed(double s) {
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.2f", s).replaceAll("0+$", "")) + "x";
    }
}

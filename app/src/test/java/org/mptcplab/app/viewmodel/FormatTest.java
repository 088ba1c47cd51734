package org.mptcplab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The window's number formatting: the same digits as {@code String.format("%.Nf")}, without its cost. */
class FormatTest {
    @Test
    void fixedWritesWhatStringFormatWrites() {
        SplittableRandom r = new SplittableRandom(8684);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * 10;
                case 1 -> r.nextDouble() * 1000;
                case 2 -> -r.nextDouble() * 100;
                default -> r.nextLong(0, 1_000_000_000_000L) / 1e3;
            };
            for (int d = 0; d <= 3; d++) {
                java.math.BigDecimal shortest = java.math.BigDecimal.valueOf(Math.abs(v));
                if (shortest.scale() == d + 1 && shortest.unscaledValue().mod(java.math.BigInteger.TEN).intValue() == 5) {
                    continue; // a decimal tie (x.xx5): Formatter rounds the shortest decimal up, we the binary value
                }
                assertThat(Format.fixed(v, d)).as("%s with %d decimals", v, d)
                        .isEqualTo(String.format(Locale.ROOT, "%." + d + "f", v));
            }
        }
    }

    @Test
    void unitsAndEdges() {
        assertThat(Format.bps(20e6)).isEqualTo("20.0 Mbit/s");
        assertThat(Format.bps(1.234e9)).isEqualTo("1.23 Gbit/s");
        assertThat(Format.bps(999)).isEqualTo("999 bit/s");
        assertThat(Format.bps(Double.NaN)).isEqualTo("-");
        assertThat(Format.millis(3_050_000)).isEqualTo("3.1 ms");
        assertThat(Format.millis(35_000_000)).isEqualTo("35 ms");
        assertThat(Format.bytes(1_500_000)).isEqualTo("1.5 MB");
        assertThat(Format.seconds(12_345_000_000L)).isEqualTo("12.3 s");
        assertThat(Format.fixed(-0.01, 1)).isEqualTo(String.format(Locale.ROOT, "%.1f", -0.01));
        assertThat(Format.fixed(0.05, 2)).isEqualTo("0.05");
        assertThat(Format.fixed(Double.POSITIVE_INFINITY, 1)).isEqualTo("Infinity");
    }
}

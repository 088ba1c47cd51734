package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinkConfigTest {

    @Test
    void parsesTheCliExamples() {
        assertThat(LinkConfig.parse("40mbit,10ms")).isEqualTo(new LinkConfig(40_000_000, 10_000_000, 0, 0, 0));
        assertThat(LinkConfig.parse("20mbit,40ms,loss=1%")).isEqualTo(new LinkConfig(20_000_000, 40_000_000, 0, 0.01, 0));
        assertThat(LinkConfig.parse("1gbit,0ms,queue=256kb,jitter=2ms"))
                .isEqualTo(new LinkConfig(1_000_000_000, 0, 2_000_000, 0, 256_000));
        assertThat(LinkConfig.parse("unlimited")).isEqualTo(LinkConfig.UNLIMITED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "1500bit,1ns;          1500;           1",
            "2kbit,3us;            2000;           3000",
            "2.5mbit,1.5ms;        2500000;        1500000",
            "10gbit,2s;            10000000000;    2000000000",
            "100bps,0;             100;            0",
            "5kbps,7ms;            5000;           7000000",
            "12Mbps, 10 MS ;       12000000;       10000000",
            "3gbps,0.000001s;      3000000000;     1000",
            "unlimited,0;          0;              0",
            "delay=4ms,rate=1mbit; 1000000;        4000000",
            "unlimited,25ms;       0;              25000000",
    })
    void ratesAndTimesWithTheirUnits(String spec, long rate, long delay) {
        LinkConfig c = LinkConfig.parse(spec);
        assertThat(c.rateBitsPerSecond()).isEqualTo(rate);
        assertThat(c.delayNanos()).isEqualTo(delay);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"0", "0,10ms", "0mbit,10ms", "rate=0kbit", "0.0gbit"})
    void aRateOfZeroIsRefusedWithTheWayToSayUnlimited(String spec) {
        assertThatThrownBy(() -> LinkConfig.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path spec '" + spec + "'")
                .hasMessageContaining("the rate must be above 0; write 'unlimited' for no limit");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "queue=1500b;   1500",
            "queue=64kb;    64000",
            "queue=2mb;     2000000",
            "queue=64kib;   65536",
            "queue=1.5mib;  1572864",
            "queue=1gb;     1000000000",
            "queue=1gib;    1073741824",
            "queue=0;       0",
    })
    void queueSizes(String setting, long bytes) {
        assertThat(LinkConfig.parse("10mbit,1ms," + setting).queueBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "loss=1%;     0.01",
            "loss=0.5%;   0.005",
            "loss=100%;   1",
            "loss=0.02;   0.02",
            "loss=1;      1",
            "loss=0;      0",
    })
    void lossAsPercentOrFraction(String setting, double p) {
        assertThat(LinkConfig.parse("10mbit,1ms," + setting).lossProbability()).isEqualTo(p);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "40mbitt,10ms              | path spec '40mbitt,10ms': unknown rate unit 'mbitt' (use bit, kbit, mbit, gbit)",
            "40mbit,10sec              | path spec '40mbit,10sec': unknown time unit 'sec' (use ns, us, ms, s)",
            "40mbit,10ms,jitter=1m     | path spec '40mbit,10ms,jitter=1m': unknown time unit 'm' (use ns, us, ms, s)",
            "40mbit,10ms,queue=10k     | path spec '40mbit,10ms,queue=10k': unknown size unit 'k' (use b, kb, mb, kib, mib)",
            "40,10ms                   | path spec '40,10ms': rate '40' has no unit (use bit, kbit, mbit, gbit)",
            "40mbit,10                 | path spec '40mbit,10': delay '10' has no unit (use ns, us, ms, s)",
            "fast,10ms                 | path spec 'fast,10ms': rate 'fast' is not a number followed by a unit (e.g. 40mbit)",
            "-5mbit,10ms               | path spec '-5mbit,10ms': rate '-5mbit' is not a number followed by a unit (e.g. 40mbit)",
            "40mbit,10ms,loss=150%     | path spec '40mbit,10ms,loss=150%': loss '150%' is not between 0 and 100%",
            "40mbit,10ms,loss=1.5      | path spec '40mbit,10ms,loss=1.5': loss '1.5' is not between 0 and 1",
            "40mbit,10ms,loss=lots     | path spec '40mbit,10ms,loss=lots': loss 'lots' is not a percentage (1%) or a fraction (0.01)",
            "40mbit,10ms,lose=1%       | path spec '40mbit,10ms,lose=1%': unknown setting 'lose' (use rate, delay, loss, queue, jitter)",
            "40mbit,10ms,5ms           | path spec '40mbit,10ms,5ms': unexpected '5ms' after the rate and delay (use key=value: loss=, queue=, jitter=)",
            "40mbit,,10ms              | path spec '40mbit,,10ms': empty item between commas",
            "40mbit,10ms,rate=1mbit    | path spec '40mbit,10ms,rate=1mbit': rate is given twice",
            "40mbit,0.5ns              | path spec '40mbit,0.5ns': delay '0.5ns' is not a whole number of nanoseconds",
            "0.5bit,1ms                | path spec '0.5bit,1ms': rate '0.5bit' is not a whole number of bits per second",
            "2000000gbit,1ms           | path spec '2000000gbit,1ms': rate 2000000000000000 bit/s is outside 0 to 1000000000000000 bit/s (1 Pbit/s)",
            "99999999999999999999gbit  | path spec '99999999999999999999gbit': rate '99999999999999999999gbit' is too large",
    })
    void rejectsBadSpecsWithAClearMessage(String spec, String message) {
        assertThatThrownBy(() -> LinkConfig.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void rejectsEmptyAndMissingSpecs() {
        assertThatThrownBy(() -> LinkConfig.parse("  ")).hasMessage("path spec '  ': empty (expected e.g. '40mbit,10ms')");
        assertThatThrownBy(() -> LinkConfig.parse(null)).hasMessage("path spec is missing (expected e.g. '40mbit,10ms')");
    }

    @Test
    void theConstructorChecksItsValues() {
        assertThatThrownBy(() -> new LinkConfig(0, -1, 0, 0, 0)).hasMessageContaining("delay -1 ns");
        assertThatThrownBy(() -> new LinkConfig(0, 0, 0, Double.NaN, 0)).hasMessage("loss probability NaN is outside 0 to 1");
        assertThatThrownBy(() -> new LinkConfig(0, 0, 0, 0, -1)).hasMessage("queue limit -1 bytes is negative");
    }

    @Test
    void toSpecIsShortAndReadable() {
        assertThat(LinkConfig.parse("40mbit,10ms").toSpec()).isEqualTo("40mbit,10ms");
        assertThat(LinkConfig.parse("20mbit,40ms,loss=1%").toSpec()).isEqualTo("20mbit,40ms,loss=1%");
        assertThat(LinkConfig.parse("1gbit,0ms,queue=256kb,jitter=2ms").toSpec()).isEqualTo("1gbit,0ns,queue=256kb,jitter=2ms");
        assertThat(LinkConfig.parse("1gbit,queue=256kib").toSpec()).isEqualTo("1gbit,0ns,queue=256kib");
        assertThat(LinkConfig.UNLIMITED.toSpec()).isEqualTo("unlimited");
        assertThat(LinkConfig.parse("unlimited,1500us").toSpec()).isEqualTo("unlimited,1500us");
    }

    @Property(tries = 500)
    void toSpecParsesBackToAnEqualConfig(@ForAll("configs") LinkConfig c) {
        assertThat(LinkConfig.parse(c.toSpec())).isEqualTo(c);
    }

    @Provide
    Arbitrary<LinkConfig> configs() {
        Arbitrary<Long> rate = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, LinkConfig.MAX_RATE),
                Arbitraries.longs().between(1, 100).map(x -> x * 1_000_000L));
        Arbitrary<Long> time = Arbitraries.oneOf(Arbitraries.just(0L),
                Arbitraries.longs().between(0, LinkConfig.MAX_TIME_NANOS),
                Arbitraries.longs().between(1, 500).map(x -> x * 1_000_000L));
        Arbitrary<Double> loss = Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 100).map(x -> x / 100.0));
        Arbitrary<Long> queue = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.longs().between(1, 1000).map(x -> x * 1024));
        return Combinators.combine(rate, time, time, loss, queue).as(LinkConfig::new);
    }
}

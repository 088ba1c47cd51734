package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.live.PathImpairment;
import picocli.CommandLine;

class ImpairOptionTest {
    static final List<String> IFS = List.of("mlc1", "mlc2");

    @Test
    void presetsAndExplicitSettings() {
        Map<String, PathImpairment.Settings> m = ImpairOption.parseAll(List.of("mlc1=wifi", "mlc2=delay=30ms,jitter=5ms,loss=1%"), IFS);
        assertThat(m.get("mlc1")).isEqualTo(PathImpairment.Settings.WIFI);
        assertThat(m.get("mlc2")).isEqualTo(new PathImpairment.Settings(30_000_000L, 5_000_000L, 0.01));
        assertThat(ImpairOption.parse("LTE")).isEqualTo(PathImpairment.Settings.LTE);
        assertThat(ImpairOption.parse("loss=0.5%")).isEqualTo(new PathImpairment.Settings(0, 0, 0.005));
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc3=wifi"), IFS))
                .hasMessage("--impair 'mlc3=wifi': mlc3 is not one of the interfaces in use [mlc1, mlc2]");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("wifi"), IFS))
                .hasMessageContaining("give IF=SPEC");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc1=5g"), IFS))
                .hasMessage("--impair 'mlc1=5g': unknown impairment preset '5g' (known: none, wifi, lte)");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc1=delay=30"), IFS))
                .hasMessage("--impair 'mlc1=delay=30': delay '30' has no unit (use ns, us, ms, s)");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc1=delay=3ms,rate=1mbit"), IFS))
                .hasMessageContaining("unknown setting 'rate'");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc1=loss=150%"), IFS))
                .hasMessageContaining("'150%' is not between 0% and 100%");
        assertThatThrownBy(() -> ImpairOption.parseAll(List.of("mlc1=wifi", "mlc1=lte"), IFS))
                .hasMessageContaining("mlc1 is given twice");
    }

    @Test
    void connectRefusesABadImpairmentWithExitStatus2() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ConnectCommand());
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--iface", "veth7=10.7.0.1/24", "--to", "10.7.0.2:5201", "--bytes", "1M",
                "--impair", "veth7=delay=-3ms");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("connect: --impair 'veth7=delay=-3ms': delay '-3ms' must be 0 or more");
    }
}

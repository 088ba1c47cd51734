package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.session.SessionSpec;

/** {@code play}: the window's session layer from the command line. */
class PlayCommandTest {

    @Test
    void theDemoHeadlessPlaysOnOverMptcpWhileTcpStalls() {
        Cli.Result r = Cli.run("play", "--for", "20s", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        var o = (java.util.Map<?, ?>) Json.parse(r.out().trim());
        assertThat(((Number) o.get("virtual_s")).doubleValue()).isEqualTo(20.0);
        var flows = (java.util.List<?>) o.get("flows");
        var mptcp = (java.util.Map<?, ?>) flows.get(0);
        var tcp = (java.util.Map<?, ?>) flows.get(1);
        assertThat(mptcp.get("name")).isEqualTo("MPTCP");
        assertThat(((Number) mptcp.get("stalls")).longValue()).isZero();
        assertThat(((Number) tcp.get("stalls")).longValue()).isPositive();
        assertThat(tcp.get("fallback")).isEqualTo(true);
    }

    @Test
    void aSavedSpecGivesTheSameRunEveryTime(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("spec.json");
        Files.writeString(spec, SessionSpec.demo().withSeed(7).toJson());
        Cli.Result a = Cli.run("play", spec.toString(), "--for", "10s", "--json");
        Cli.Result b = Cli.run("play", spec.toString(), "--for", "10s", "--json");
        assertThat(a.exit()).as(a.toString()).isZero();
        assertThat(a.out()).isEqualTo(b.out()).contains("\"seed\":7");
    }

    @Test
    void itWritesTheSamplesAndThePackets(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("s.csv");
        Path pcapng = dir.resolve("run.pcapng");
        Cli.Result r = Cli.run("play", "--for", "3s", "--csv", csv.toString(), "--pcapng", pcapng.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("played 3.0 s", "MPTCP", "player playing", "recorded", "samples written");
        assertThat(Files.readAllLines(csv).get(0)).startsWith("kind,t_s");
        assertThat(Files.size(pcapng)).isGreaterThan(100_000);
    }

    @Test
    void badArgumentsSayWhatIsWrong(@TempDir Path dir) throws Exception {
        Cli.Result zero = Cli.run("play", "--for", "0s");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--for '0s' must be above 0");
        Cli.Result time = Cli.run("play", "--for", "soon");
        assertThat(time.exit()).isEqualTo(2);
        assertThat(time.err()).contains("--for 'soon'");
        Cli.Result missing = Cli.run("play", dir.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the spec").contains("nope.json");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"paths\": []}");
        Cli.Result bad = Cli.run("play", broken.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("is not a session spec");
        Cli.Result unwritable = Cli.run("play", "--for", "1s", "--csv", dir.resolve("no/dir/s.csv").toString());
        assertThat(unwritable.exit()).isEqualTo(1);
        assertThat(unwritable.err()).contains("cannot write").contains("no/dir/s.csv");
        assertThat(unwritable.err()).doesNotContain("Exception");
    }
}

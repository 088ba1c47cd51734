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

    @Test
    void aCaptureReplaysHeadlessAsTheWindowReplaysIt(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("h.csv");
        Cli.Result r = Cli.run("play", "--capture", "../demo-captures/handover.pcap", "--csv", csv.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("replayed ../demo-captures/handover.pcap, connection #0  token ac764932  v1",
                "1,500,001 bytes delivered", "subflow 0 on 10.1.0.1: closed, 961,028 bytes sent",
                "stall at 0.674 s: the data ACK stood still for 222 ms", "samples written");
        // The subflows' time series: the cwnd estimate and RTT per 20 ms, as the window's charts draw them.
        java.util.List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).startsWith("kind,t_s");
        assertThat(rows.stream().filter(l -> l.startsWith("subflow,")).count()).isGreaterThan(100);

        Cli.Result j = Cli.run("play", "--capture", "../demo-captures/handover.pcap", "--for", "500ms", "--json");
        assertThat(j.exit()).as(j.toString()).isZero();
        var o = (java.util.Map<?, ?>) Json.parse(j.out().trim());
        assertThat(o.get("mode")).isEqualTo("replay");
        assertThat(((Number) o.get("to_s")).doubleValue()).isEqualTo(0.5);
        assertThat((java.util.List<?>) o.get("subflows")).hasSize(2);
        assertThat((java.util.List<?>) o.get("stalls")).hasSize(1);
    }

    @Test
    void aBadCaptureOrConnectionIsSaid(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("x.pcap");
        Files.writeString(text, "no capture here");
        Cli.Result bad = Cli.run("play", "--capture", text.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("cannot be replayed", "not a capture file");
        Cli.Result range = Cli.run("play", "--capture", "../demo-captures/handover.pcap", "--connection", "3");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("--connection 3: the capture has connections 0 to 0");
        Cli.Result rec = Cli.run("play", "--capture", "../demo-captures/handover.pcap", "--pcapng", dir.resolve("r.pcapng").toString());
        assertThat(rec.exit()).isEqualTo(2);
        assertThat(rec.err()).contains("the capture is the recording");
        Cli.Result alone = Cli.run("play", "--connection", "1");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--connection needs --capture");
    }
}

package org.mptcplab.stack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mptcplab.stack.emu.FaultInjector;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.testutil.Tshark;

/**
 * Every pcap a run records is read by tshark (MPTCP analysis on) with no malformed packet and
 * no expert error: joins, ADD_ADDR, losses and retransmissions, a path going down, DSS
 * checksums, IPv6, fallback to plain TCP, MP_FAIL.
 */
class RecordedScenarioTsharkTest {

    static Scenario scenario(String name) {
        Scenario s = new Scenario().bytes(400_000).seed(name.hashCode());
        return switch (name) {
            case "two-paths-loss" -> s.path(LinkConfig.parse("40mbit,10ms,loss=1%")).path(LinkConfig.parse("20mbit,30ms"));
            case "v6-checksum" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,15ms")).ipv6(true)
                    .clientConfig(StackConfig.defaults().withChecksum(true));
            case "path-down" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms")).bytes(1_000_000)
                    .event(new Scenario.PathEvent(100_000_000L, 1, false));
            case "fallback" -> s.path(LinkConfig.parse("30mbit,5ms")).serverConfig(StackConfig.defaults().withMptcp(false));
            case "mp-fail" -> s.path(LinkConfig.parse("30mbit,5ms")).clientConfig(StackConfig.defaults().withChecksum(true))
                    .faults(FaultInjector.NONE.withRewritePayload(0.002));
            case "download-reorder" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("10mbit,20ms"))
                    .download(true).faults(FaultInjector.NONE.withReorder(0.02, 3_000_000L).withDuplicate(0.01));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"two-paths-loss", "v6-checksum", "path-down", "fallback", "mp-fail", "download-reorder"})
    void tsharkReadsTheRecordingCleanly(String name, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve(name + ".pcap");
        Scenario.SimulationResult r = scenario(name).pcap(pcap).run();
        assertThat(r.finished()).isTrue();
        Tshark.Result expert = Tshark.run(List.of("-r", pcap.toString(), "-o", "mptcp.analyze_mptcp:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-q", "-z", "expert,error"));
        assertThat(expert.exitCode()).as(expert.stderr()).isZero();
        assertThat(expert.stdout()).as("tshark expert errors for %s", name).doesNotContain("Errors (")
                .doesNotContain("Malformed");
        assertThat(Tshark.expertSummaries(expert.stdout(), "Errors")).isEmpty();
        // The MPTCP options of every frame decode the same in tshark as in our decoder.
        List<String[]> rows = Tshark.fields(pcap, List.of(), "frame.number", "tcp.options.mptcp.subtype");
        assertThat(rows).isNotEmpty();
    }
}

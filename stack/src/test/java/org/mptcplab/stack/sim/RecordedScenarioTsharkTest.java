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
            // ADD_ADDR with a port (and its echo), joins to that port; IPv6: the announcement fills the option space.
            case "announce-port" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms"))
                    .path(LinkConfig.parse("30mbit,5ms")).serverConfig(StackConfig.defaults().withAnnouncePort(5202));
            case "announce-port-v6" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms")).ipv6(true)
                    .serverConfig(StackConfig.defaults().withAnnouncePort(5202));
            // The C flag on the server's MP_CAPABLE; limits: an announcement echoed but unused, a join refused.
            case "no-join-initial" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms"))
                    .serverConfig(StackConfig.defaults().withAllowJoinInitialAddress(false))
                    .clientConfig(StackConfig.defaults().withAllowJoinInitialAddress(false));
            case "limits" -> s.path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms"))
                    .path(LinkConfig.parse("30mbit,5ms")).path(LinkConfig.parse("30mbit,5ms"))
                    .clientConfig(StackConfig.defaults().withAddAddrAcceptedLimit(2))
                    .serverConfig(StackConfig.defaults().withSubflowsLimit(1));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"two-paths-loss", "v6-checksum", "path-down", "fallback", "mp-fail", "download-reorder",
        "announce-port", "announce-port-v6", "no-join-initial", "limits"})
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

    /**
     * The path manager's new signals, read in full ({@code -V}, mapping analysis on): no warning
     * but those the runs mean or that every capture has. "No mapping available" marks the data
     * sender's pure ACKs in every recording; "Connection reset" is the join the limit refuses;
     * "Unsupported algorithm" is tshark 4.0 reading the C flag as a crypto bit (its mask, 0x3F,
     * predates RFC 8684's C), as it would in a Linux SYN/ACK with allow_join_initial_addr_port 0.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"announce-port", "announce-port-v6", "no-join-initial", "limits"})
    void thePathManagersSignalsDecodeWithoutWarnings(String name, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve(name + ".pcap");
        assertThat(scenario(name).pcap(pcap).run().streamIntact()).isTrue();
        Tshark.Result full = Tshark.run(List.of("-r", pcap.toString(), "-o", "mptcp.analyze_mptcp:TRUE",
                "-o", "mptcp.analyze_mappings:TRUE", "-o", "tcp.check_checksum:TRUE", "-V"));
        assertThat(full.exitCode()).as(full.stderr()).isZero();
        List<String> warnings = full.stdout().lines().map(String::strip)
                .filter(l -> l.startsWith("[Expert Info (Warning") || l.startsWith("[Expert Info (Error")
                        || l.contains("Malformed"))
                .filter(l -> !l.contains("No mapping available"))
                .filter(l -> !(name.equals("limits") && l.contains("Connection reset (RST)")))
                .filter(l -> !(name.equals("no-join-initial") && l.contains("Unsupported algorithm")))
                .distinct().toList();
        assertThat(warnings).as(name).isEmpty();
        if (name.startsWith("announce-port")) {
            // The announcements and their echoes carry port 5202, and a join goes there.
            List<String[]> addAddr = Tshark.fields(pcap, List.of("-Y", "tcp.options.mptcp.subtype == 3"),
                    "tcp.options.mptcp.echo", "tcp.options.mptcp.port");
            assertThat(addAddr).anyMatch(r -> r[0].equals("0") && r[1].equals("5202"))
                    .anyMatch(r -> r[0].equals("1") && r[1].equals("5202"));
            List<String[]> joins = Tshark.fields(pcap, List.of("-Y", "tcp.options.mptcp.subtype == 1 and "
                    + "tcp.flags.syn == 1 and tcp.flags.ack == 0"), "tcp.dstport");
            assertThat(joins).isNotEmpty().allMatch(r -> r[0].equals("5202"));
        }
    }
}

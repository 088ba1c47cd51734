package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.testutil.Shared;

/**
 * {@code analyze} run in-process on shared real captures (skipped when ../shared is absent) and
 * on broken files made here. Connection and subflow figures were checked against tshark 4.0's
 * MPTCP analysis (the stack's SharedCapturesAnalysisTest does so for every shared capture).
 */
class AnalyzeCommandTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static String v0() {
        return Shared.capture("tcpdump/mptcp-v0.pcap").toString();
    }

    @Test
    void textSummarisesConnectionsSubflowsAndEvents() {
        Cli.Result r = Cli.run("analyze", v0());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        String out = r.out();
        assertThat(out).startsWith("capture: " + v0() + "\n"
                + "  264 packets (264 TCP, 0 other, 0 malformed), 9.065041 s\n"
                + "  2 TCP connections: 2 MPTCP subflows in 1 MPTCP connection, 0 plain TCP\n"
                + "\n"
                + "connection 0: token e47f0142, MPTCP v0, complete, client token af9706eb, DSS checksums\n");
        // tshark: tcp.len sums 3785 / 5257 on stream 0, 1336 / 3304 on stream 1.
        assertThat(out).contains("  subflow 0 (initial) 10.2.1.2:35961 -> 10.1.1.2:22, address ids 0/0\n"
                + "    handshake: SYN at 0.000000, SYN/ACK +0.500 ms, ACK +0.861 ms; rtt 1.232 ms\n"
                + "    client->server: 3,785 bytes in 110 segments, 0 retransmitted");
        assertThat(out).contains("  subflow 1 (join) 10.2.1.2:41221 -> 10.1.2.2:22, address ids 0/1\n");
        assertThat(out).contains("    server->client: 3,304 bytes in 31 segments");
        assertThat(out).contains("  events:\n"
                + "    0.084913 ADD_ADDR from 10.1.1.2:22 (subflow 0): address id 1, 10.1.2.2\n"
                + "    0.087093 MP_JOIN from 10.2.1.2:41221 (subflow 1): token e47f0142, address id 0\n"
                + "    5.898390 REMOVE_ADDR from 10.1.2.2:22 (subflow 1): address id 0\n"
                + "    5.898558 RST from 10.2.1.2:35961 (subflow 0): subflow 0 reset\n");
        assertThat(out).contains("  longest stall: 30.654 ms server->client, 1.532845 to 1.563499: 0 subflow retransmissions,"
                + " 0 reinjections, no events\n");
    }

    @Test
    void jsonHasTheFieldsTheIssueAsksFor() {
        Cli.Result r = Cli.run("analyze", "--json", Shared.capture("pymptcpanalyzer/client_2.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(1);
        Map<String, Object> o = Json.object(r.out().trim());
        assertThat(o).containsEntry("packets", BigDecimal.valueOf(2884)).containsEntry("mptcp", true)
                .containsEntry("tcp_connections", BigDecimal.valueOf(16)).containsEntry("errors", List.of());
        List<?> conns = (List<?>) o.get("connections");
        assertThat(conns).hasSize(4);
        Map<String, Object> c = map(conns.get(1));
        assertThat(c).containsKeys("token", "version", "complete", "subflows", "reinjections", "events", "max_stall_ms");
        assertThat(c.get("token")).isEqualTo("9288c15d");
        assertThat(c.get("version")).isEqualTo(BigDecimal.ZERO);
        assertThat(c.get("complete")).isEqualTo(true);
        // tshark (mptcp.intersubflows_retransmission): 27 reinjections that are not subflow resends.
        assertThat(c.get("reinjections")).isEqualTo(BigDecimal.valueOf(27));
        assertThat(c.get("max_stall_ms")).isInstanceOf(BigDecimal.class);
        List<?> subflows = (List<?>) c.get("subflows");
        assertThat(subflows).hasSize(4);
        for (Object x : subflows) {
            Map<String, Object> s = map(x);
            assertThat(s).containsKeys("client_address", "client_port", "server_address", "server_port", "bytes",
                    "retransmits", "rtt_ms", "client_to_server", "server_to_client");
        }
        Map<String, Object> first = map(subflows.get(0));
        assertThat(first.get("client_address")).isEqualTo("10.0.0.1");
        assertThat(first.get("server_port")).isEqualTo(BigDecimal.valueOf(5201));
        for (Object e : (List<?>) c.get("events")) {
            assertThat(map(e)).containsKeys("time", "type", "subflow", "from", "detail");
        }
    }

    @Test
    void aCaptureWithoutMptcpSaysSoAndExits0() {
        Cli.Result r = Cli.run("analyze", Shared.capture("pymptcpanalyzer/client_1_tcp_only.pcap").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).endsWith("  4 TCP connections: 0 MPTCP subflows in 0 MPTCP connections, 4 plain TCP\n"
                + "no MPTCP in this capture\n");
        Cli.Result j = Cli.run("analyze", "--json", Shared.capture("pymptcpanalyzer/client_1_tcp_only.pcap").toString());
        assertThat(Json.object(j.out().trim())).containsEntry("mptcp", false).containsEntry("connections", List.of());
    }

    @Test
    void malformedPacketsAreReportedWithWhereAndTheRestAnalysed() {
        String f = Shared.capture("tcpdump/mptcp-dss-oobr.pcap").toString();
        Cli.Result r = Cli.run("analyze", f);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEqualTo("analyze: " + f + ": pcap record at offset 24: captured length 74 is larger than the"
                + " snaplen 73 of the file header\n"
                + "analyze: " + f + ": packet 1 (record at offset 24): DSS option length 3 at offset 70: expected at least 4\n");
        assertThat(r.out()).contains("damage: 1 capture error, 1 malformed packet (stderr says where)\n")
                .endsWith("no MPTCP in this capture\n");
        Map<String, Object> o = Json.object(Cli.run("analyze", "--json", f).out().trim());
        assertThat(((List<?>) o.get("errors")).stream().map(AnalyzeCommandTest::map).toList()).containsExactly(
                Map.of("kind", "capture", "offset", BigDecimal.valueOf(24),
                        "message", "pcap record at offset 24: captured length 74 is larger than the snaplen 73 of the file header"),
                Map.of("kind", "packet", "record", BigDecimal.ONE, "offset", BigDecimal.valueOf(24),
                        "message", "DSS option length 3 at offset 70: expected at least 4"));
    }

    @Test
    void aFileCutShortIsAnalysedUpToTheBreakAndSaysWhere(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(Path.of(v0()));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, 20_000));
        Cli.Result r = Cli.run("analyze", cut.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEqualTo("analyze: " + cut + ": pcap record at offset 19948: captured length 74 runs past end"
                + " of file (36 bytes left)\n"
                + "analyze: " + cut + ": not read to its end: reading stopped at offset 19948 after 117 packets; what came"
                + " before is analysed\n");
        assertThat(r.out()).contains("  117 packets (117 TCP, 0 other, 0 malformed)",
                "damage: 1 capture error, 0 malformed packets, reading stopped at offset 19948", "connection 0: token e47f0142");
        Map<String, Object> o = Json.object(Cli.run("analyze", "--json", cut.toString()).out().trim());
        assertThat(o).containsEntry("read_to_end", false).containsEntry("stopped_at", BigDecimal.valueOf(19948));

        // Damage inside: a record length that cannot be, skipped; everything after it is read.
        byte[] damaged = whole.clone();
        damaged[32] = (byte) 0xff;
        damaged[33] = (byte) 0xff;
        Path bad = dir.resolve("bad.pcap");
        Files.write(bad, damaged);
        Cli.Result b = Cli.run("analyze", bad.toString());
        assertThat(b.exit()).isZero();
        assertThat(b.err()).startsWith("analyze: " + bad + ": skipped bytes 24..126 (102 bytes): pcap record at offset 24:");
        assertThat(b.out()).contains("263 packets");
    }

    @Test
    void nothingReadableExits1(@TempDir Path dir) throws Exception {
        Path header = dir.resolve("header-only.pcap");
        Files.write(header, Arrays.copyOf(Files.readAllBytes(Path.of(v0())), 30));
        Cli.Result r = Cli.run("analyze", header.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).endsWith("analyze: " + header + ": nothing could be read: no packet before the damage\n");

        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "hello\n");
        Cli.Result t = Cli.run("analyze", text.toString());
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.err()).startsWith("analyze: " + text + ": not a capture file: magic number 0x68656c6c");

        Cli.Result missing = Cli.run("analyze", dir.resolve("nope.pcap").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("analyze: " + dir.resolve("nope.pcap") + ": no such file\n");
    }

    @Test
    void anEmptyCaptureIsNotAnError(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, Arrays.copyOf(Files.readAllBytes(Path.of(v0())), 24));
        Cli.Result r = Cli.run("analyze", empty.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).endsWith("0 packets (0 TCP, 0 other, 0 malformed)\n"
                + "  0 TCP connections: 0 MPTCP subflows in 0 MPTCP connections, 0 plain TCP\n"
                + "no MPTCP in this capture\n");
    }

    @Test
    void aServerSideCaptureAddsOneWayDelays(@TempDir Path dir) {
        // The same file on both sides: every segment matches, with no delay (the stack's
        // OneWayDelaysTest measures real ones, from two ends of an emulated run).
        Cli.Result r = Cli.run("analyze", v0(), "--server-side", v0());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\none-way delays (" + v0() + " at the client, " + v0() + " at the server): 264 segments"
                + " in both (of 264 and 264)\n"
                + "  all: client->server 0.000 ms median (min 0.000, max 0.000, 153 segments); server->client 0.000 ms median"
                + " (min 0.000, max 0.000, 111 segments)\n"
                + "  10.2.1.2:35961 -> 10.1.1.2:22: client->server 0.000 ms median");
        Map<String, Object> o = Json.object(Cli.run("analyze", "--json", v0(), "--server-side", v0()).out().trim());
        Map<String, Object> d = map(o.get("one_way_delays"));
        assertThat(d).containsEntry("matched", BigDecimal.valueOf(264)).containsEntry("clock_offset_ms", BigDecimal.ZERO.setScale(3));
        assertThat((List<?>) d.get("subflows")).hasSize(2);

        Cli.Result missing = Cli.run("analyze", v0(), "--server-side", dir.resolve("none.pcap").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("analyze: --server-side " + dir.resolve("none.pcap") + ": no such file\n");
    }

    @Test
    void badArgumentsExit2() {
        assertThat(Cli.run("analyze").exit()).isEqualTo(2);
        assertThat(Cli.run("analyze", "--frobnicate", v0()).exit()).isEqualTo(2);
        assertThat(Cli.run("analyze", v0(), "another.pcap").exit()).isEqualTo(2);
    }
}

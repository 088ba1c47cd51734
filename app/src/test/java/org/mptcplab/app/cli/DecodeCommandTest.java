package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.testutil.Shared;

/**
 * {@code decode} run in-process on the shared real captures (skipped when ../shared is absent) and
 * on broken files made here. Expected values were checked against tshark 4.0.
 */
class DecodeCommandTest {

    private static String v1() {
        return Shared.capture("tcpdump/mptcp-v1.pcap").toString();
    }

    @Test
    void textLinesOfKnownPackets() {
        Cli.Result r = Cli.run("decode", v1());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        String[] lines = r.lines();
        assertThat(lines).hasSize(20);
        // Third ACK of the MP_CAPABLE handshake: both keys (tshark: sendkey 0x1fdb5df328bc3def,
        // recvkey 0x29a6c86981ad933c) and the token and IDSN derived from the sender's key.
        assertThat(lines[2]).isEqualTo("3 0.000113000 10.0.1.1:33306 > 10.0.2.1:10004 [ACK] seq=2180756990"
                + " ack=791415662 win=256 len=0 MP_CAPABLE(version=1 flags=H sender_key=1fdb5df328bc3def"
                + " sender_token=239fbdb0 sender_idsn=c8072fb90edab04d receiver_key=29a6c86981ad933c)");
        // A DSS with only a 64-bit data ACK (tshark: rawdataack 14413541604287230030).
        assertThat(lines[4]).isEqualTo("5 0.000268000 10.0.2.1:10004 > 10.0.1.1:33306 [ACK] seq=791415662"
                + " ack=2180764090 win=312 len=0 DSS(flags=a,A data_ack=14413541604287230030)");
    }

    @Test
    void limitAndMptcpOnlySelectPackets() {
        Cli.Result r = Cli.run("decode", "--limit", "3", v1());
        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(3);
        assertThat(r.lines()[0]).startsWith("1 0.000000000 10.0.1.1:33306 > 10.0.2.1:10004 [SYN]");

        Cli.Result none = Cli.run("decode", "--mptcp-only", Shared.capture("pymptcpanalyzer/client_1_tcp_only.pcap").toString());
        assertThat(none.exit()).isZero();
        assertThat(none.out()).isEmpty();
    }

    @Test
    void jsonIsOneObjectPerLineWithRfc8684FieldNames() {
        Set<String> mptcpFields = new TreeSet<>();
        int tcpPackets = 0;
        for (String capture : List.of("tcpdump/mptcp-v1.pcap", "tcpdump/mptcp-aa-v1.pcap", "tcpdump/mptcp-v0.pcap",
                "tcpdump/mptcp-tcprst.pcap", "tcpdump/mptcp-fclose.pcap", "ptcpdump/mptcp.pcap")) {
            Cli.Result r = Cli.run("decode", "--json", Shared.capture(capture).toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            String[] lines = r.lines();
            assertThat(lines).as(capture).isNotEmpty();
            for (int n = 0; n < lines.length; n++) {
                Map<String, Object> o = Json.object(lines[n]);
                assertThat(o).as(capture + " line " + (n + 1)).containsKeys("number", "time", "link_type");
                assertThat(o.get("number")).isEqualTo(BigDecimal.valueOf(n + 1));
                if (!o.containsKey("sport")) {
                    continue; // Not TCP (ARP, UDP...): no TCP fields.
                }
                tcpPackets++;
                assertThat(o).as(capture + " line " + (n + 1))
                        .containsKeys("src", "dst", "dport", "flags", "seq", "ack", "window", "payload_length", "tcp_options",
                                "mptcp");
                for (Object option : (List<?>) o.get("mptcp")) {
                    Map<?, ?> m = (Map<?, ?>) option;
                    assertThat(m.get("subtype")).isInstanceOf(String.class);
                    m.keySet().forEach(k -> mptcpFields.add((String) k));
                }
            }
        }
        assertThat(tcpPackets).isGreaterThan(300);
        assertThat(mptcpFields).contains("subtype", "version", "sender_key", "receiver_key", "data_level_length",
                "data_ack", "data_sequence_number", "subflow_sequence_number", "data_fin", "checksum", "address_id",
                "address", "truncated_hmac", "receiver_token", "sender_nonce", "sender_truncated_hmac", "sender_hmac",
                "address_ids", "reason");
    }

    @Test
    void jsonValuesOfKnownPacket() {
        Cli.Result r = Cli.run("decode", "--json", "--limit", "7", v1());
        Map<String, Object> p7 = Json.object(r.lines()[6]);
        assertThat(p7.get("payload_length")).isEqualTo(new BigDecimal(7100));
        Map<?, ?> dss = (Map<?, ?>) ((List<?>) p7.get("mptcp")).get(0);
        assertThat(dss.get("subtype")).isEqualTo("DSS");
        assertThat(dss.get("data_ack")).isEqualTo(new BigDecimal("14413541604287230030"));
        assertThat(dss.get("data_sequence_number")).isEqualTo(new BigDecimal("11713449205243392242"));
        assertThat(dss.get("subflow_sequence_number")).isEqualTo(BigDecimal.ONE);
        assertThat(dss.get("data_level_length")).isEqualTo(new BigDecimal(8192));
    }

    @Test
    void summaryCountsPacketsAndSubtypes() {
        Cli.Result r = Cli.run("decode", "--summary", "-q", v1());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("packets: 20 (TCP 20)\nmalformed packets: 0\nmalformed MPTCP options: 0\n"
                + "capture errors: 0\nMP_CAPABLE: 4\nDSS: 16\n");

        // tshark -T fields -e tcp.options.mptcp.subtype counts 3 MP_CAPABLE, 3 MP_JOIN, 258 DSS,
        // 1 ADD_ADDR and 1 REMOVE_ADDR in this v0 capture with two subflows.
        Cli.Result v0 = Cli.run("decode", "--summary", "--quiet", Shared.capture("tcpdump/mptcp-v0.pcap").toString());
        assertThat(v0.out()).isEqualTo("packets: 264 (TCP 264)\nmalformed packets: 0\nmalformed MPTCP options: 0\n"
                + "capture errors: 0\nMP_CAPABLE: 3\nMP_JOIN: 3\nDSS: 258\nADD_ADDR: 1\nREMOVE_ADDR: 1\n");

        // Without -q the summary follows the packet lines.
        Cli.Result both = Cli.run("decode", "--summary", v1());
        assertThat(both.lines()).hasSize(20 + 6);
        assertThat(both.out()).endsWith("MP_CAPABLE: 4\nDSS: 16\n");
    }

    @Test
    void missingFileExits1() {
        Cli.Result r = Cli.run("decode", "/nonexistent/dir/capture.pcap");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("decode: /nonexistent/dir/capture.pcap: no such file\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void directoryExits1(@TempDir Path dir) {
        Cli.Result r = Cli.run("decode", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not a regular file");
    }

    @Test
    void nonCaptureFileExits1NamingTheMagic(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "hello, this is text\n", StandardCharsets.US_ASCII);
        Cli.Result r = Cli.run("decode", text.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        // "hell" = 0x68656c6c; the file is named once, not twice.
        assertThat(r.err()).isEqualTo("decode: " + text + ": not a capture file: magic number 0x68656c6c at offset 0 is"
                + " neither pcap (0xa1b2c3d4 or 0xa1b23c4d, either byte order) nor pcapng (0x0a0d0d0a)\n");

        Path gz = dir.resolve("c.pcap.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});
        Cli.Result g = Cli.run("decode", gz.toString());
        assertThat(g.exit()).isEqualTo(1);
        assertThat(g.err()).contains("magic number 0x1f8b0800", "gzip-compressed");

        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        Cli.Result e = Cli.run("decode", empty.toString());
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err()).contains("not a capture file: the file is empty");
    }

    @Test
    void malformedOptionIsShownAndCaptureErrorGoesToStderr() {
        // One packet whose DSS option is 3 bytes long; its record is also longer than the file's snaplen.
        Cli.Result r = Cli.run("decode", Shared.capture("tcpdump/mptcp-dss-oobr.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).containsExactly("1 0.000000000 127.0.0.1:57370 > 127.0.0.1:23 [SYN] seq=1736820995 ack=0"
                + " win=32792 len=0 DSS(malformed=\"DSS option length 3 at offset 70: expected at least 4\" raw=1e0320)");
        assertThat(r.err()).contains("pcap record at offset 24: captured length 74 is larger than the snaplen 73");

        Cli.Result s = Cli.run("decode", "--summary", "-q", Shared.capture("tcpdump/mptcp-dss-oobr.pcap").toString());
        assertThat(s.out()).contains("malformed packets: 1 {OPTION=1}", "malformed MPTCP options: 1", "capture errors: 1",
                "DSS: 1");
    }

    @Test
    void truncatedHeaderIsMarkedMalformed() {
        Cli.Result r = Cli.run("decode", "--json", Shared.capture("dpi-mptcp/ip4-trunc.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(1);
        assertThat(Json.object(r.lines()[0]).get("malformed"))
                .isEqualTo("IPv4 header at offset 14: needs 20 bytes, only 6 left");
        Cli.Result t = Cli.run("decode", Shared.capture("dpi-mptcp/ip4-trunc.pcap").toString());
        assertThat(t.lines()[0]).isEqualTo("1 0.000000000 ethertype 0x0800 MALFORMED: IPv4 header at offset 14: needs 20"
                + " bytes, only 6 left");
    }

    @Test
    void captureCutMidRecordPrintsWhatItCouldRead(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(v1()));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Cli.Result r = Cli.run("decode", cut.toString());
        // The packets before the cut are printed; the status says the file was not read to its end.
        assertThat(r.exit()).as(r.toString()).isEqualTo(DecodeCommand.EXIT_NOT_READ_TO_END);
        assertThat(r.lines()).hasSize(19);
        assertThat(r.err()).startsWith("decode: " + cut + ": pcap record at offset ").contains("runs past end of file")
                .contains("not read to its end").contains("after 19 packets");
    }

    @Test
    void badArgumentsExit2() {
        Cli.Result r = Cli.run("decode", "--limit", "-1", v1());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("decode: --limit must be 0 or more, got -1\n");
        assertThat(r.out()).isEmpty();

        Cli.Result notNumber = Cli.run("decode", "--limit", "many", v1());
        assertThat(notNumber.exit()).isEqualTo(2);
        assertThat(notNumber.err()).contains("Invalid value for option '--limit'", "'many'");

        Cli.Result noFile = Cli.run("decode");
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("Missing required parameter: 'FILE'");
    }
}

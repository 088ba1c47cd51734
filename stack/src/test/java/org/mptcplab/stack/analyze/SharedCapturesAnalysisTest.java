package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcplab.stack.capture.CaptureError;
import org.mptcplab.stack.testutil.Shared;
import org.mptcplab.stack.testutil.Tshark;

/**
 * Every capture in ../shared/captures (public files nobody here wrote, see its README): what the
 * analyzer makes of each, and the same figures from tshark's MPTCP analysis of the same file
 * ({@code mptcp.stream}, {@code -o mptcp.analyze_mappings:TRUE}): TCP connections, the grouping
 * of subflows into MPTCP connections, payload bytes per subflow and direction, retransmissions
 * per subflow and reinjections per connection. Where the two differ by design it is asserted
 * exactly and explained.
 */
class SharedCapturesAnalysisTest {

    /**
     * What each file holds, as the analyzer reports it: TCP connections, plain ones, then per MPTCP
     * connection its version, completeness, fallback, subflows, token and reinjections. Checked
     * against the README's description of each file and, where tshark has the figure, against
     * tshark (the parameterized test below).
     */
    private static final Map<String, String> FACTS = new TreeMap<>(Map.ofEntries(
            Map.entry("dpi-mptcp/flood.pcap", "tcp 9295, plain 0; v? incomplete 9295 subflows token d6ef0a17"),
            Map.entry("dpi-mptcp/icmp-header-trunc.pcap", "tcp 0, plain 0"),
            Map.entry("dpi-mptcp/ip4-tcp-bad-chksum.pcap", "tcp 1, plain 1"),
            Map.entry("dpi-mptcp/ip4-trunc.pcap", "tcp 0, plain 0"),
            Map.entry("dpi-mptcp/ip6-ext-trunc.pcap", "tcp 0, plain 0"),
            Map.entry("dpi-mptcp/ip6-tcp-good-chksum.pcap", "tcp 1, plain 1"),
            Map.entry("dpi-mptcp/ip6-trunc.pcap", "tcp 0, plain 0"),
            Map.entry("dpi-mptcp/longer.pcapng", "tcp 3, plain 0; v? incomplete 1 subflows token c79d0f05;"
                    + " v? incomplete 1 subflows token ffcdea0d; v? incomplete 1 subflows token d3b2c1e8"),
            Map.entry("dpi-mptcp/mod_tok.pcap", "tcp 2, plain 0; v0 complete 1 subflows token d6ef0a17;"
                    + " v? incomplete 1 subflows token 0b98f027"),
            Map.entry("dpi-mptcp/mp_capable.pcapng", "tcp 11, plain 3; v0 complete 4 subflows token d6ef0a17;"
                    + " v0 complete 4 subflows token c4b3fb33"),
            Map.entry("dpi-mptcp/mp_key_change.pcap", "tcp 1, plain 0; v0 complete 1 subflows token d6ef0a17"),
            Map.entry("dpi-mptcp/mp_rejected.pcap", "tcp 1, plain 0; v0 complete fallback 1 subflows token 304c27fa"),
            Map.entry("dpi-mptcp/mp_rejected2.pcap", "tcp 1, plain 0; v0 complete fallback 1 subflows token 304c27fa"),
            Map.entry("dpi-mptcp/short.pcapng", "tcp 1, plain 0; v? incomplete 1 subflows token b0bca828"),
            Map.entry("dpi-mptcp/wrongAdd_Addr.pcap", "tcp 1, plain 0; v0 complete 1 subflows token d6ef0a17"),
            Map.entry("ptcpdump/mptcp.pcap", "tcp 1, plain 0; v1 complete 1 subflows token 64a48c01"),
            Map.entry("pymptcpanalyzer/client_1_tcp_only.pcap", "tcp 4, plain 4"),
            Map.entry("pymptcpanalyzer/client_2.pcap", "tcp 16, plain 0; v0 complete 4 subflows token 2ff5f1f0;"
                    + " v0 complete 4 subflows token 9288c15d, 27 reinjections;"
                    + " v0 complete 4 subflows token f65ff1b8, 3 reinjections;"
                    + " v0 complete 4 subflows token 223bb3a3, 5 reinjections"),
            Map.entry("pymptcpanalyzer/iperf-mptcp-0-0.pcap", "tcp 4, plain 0; v0 complete 4 subflows token 303b9394"),
            Map.entry("tcpdump/mptcp-aa-echo.pcap", "tcp 2, plain 0; v? incomplete 1 subflows token ?;"
                    + " v? incomplete 1 subflows token ?"),
            Map.entry("tcpdump/mptcp-aa-v1.pcap", "tcp 1, plain 0; v1 complete 1 subflows token 5f3f5591, 2 reinjections"),
            // The malformed DSS is ignored, as a receiver ignores it: no MPTCP connection.
            Map.entry("tcpdump/mptcp-dss-oobr.pcap", "tcp 1, plain 1"),
            Map.entry("tcpdump/mptcp-fclose.pcap", "tcp 1, plain 0; v0 complete 1 subflows token 1f874e7a"),
            Map.entry("tcpdump/mptcp-tcprst.pcap", "tcp 1, plain 0; v? incomplete 1 subflows token ?"),
            Map.entry("tcpdump/mptcp-v0.pcap", "tcp 2, plain 0; v0 complete 2 subflows token e47f0142"),
            Map.entry("tcpdump/mptcp-v1.pcap", "tcp 1, plain 0; v1 complete 1 subflows token a35d6d82")));

    static String summary(Analysis a) {
        StringBuilder sb = new StringBuilder("tcp " + a.tcpConnections() + ", plain " + a.plainTcpConnections());
        for (ConnectionReport c : a.connections()) {
            sb.append("; v").append(c.version() < 0 ? "?" : String.valueOf(c.version()))
                    .append(c.complete() ? " complete" : " incomplete").append(c.fallback() != null ? " fallback " : " ")
                    .append(c.subflows().size()).append(" subflows token ")
                    .append(c.token() < 0 ? "?" : CaptureAnalyzer.hex(c.token()));
            if (c.reinjections() > 0) {
                sb.append(", ").append(c.reinjections()).append(" reinjections");
            }
        }
        return sb.toString();
    }

    static Stream<Arguments> files() {
        return FACTS.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void eachCaptureIsWhatItsReadmeSays(String name, String facts) throws Exception {
        Analysis a = CaptureAnalyzer.analyze(Shared.capture(name));
        assertThat(summary(a)).isEqualTo(facts);
        assertThat(a.readToEnd()).isTrue();
    }

    @Test
    void everySharedCaptureIsListed() throws Exception {
        Path dir = Shared.capturesDir();
        List<String> all = Shared.allCaptures().stream().map(p -> dir.relativize(p).toString().replace('\\', '/')).toList();
        assertThat(all).containsExactlyInAnyOrderElementsOf(FACTS.keySet());
    }

    @Test
    void truncatedAndMalformedPacketsSayWhatAndWhereAndTheRestIsAnalysed() throws Exception {
        Map<String, List<String>> expected = Map.of(
                "dpi-mptcp/ip4-trunc.pcap", List.of("record 1 at offset 24: IPv4 header at offset 14: needs 20 bytes, only 6 left"),
                "dpi-mptcp/ip6-trunc.pcap", List.of("record 1 at offset 24: IPv6 header at offset 14: needs 40 bytes, only 34 left"),
                "dpi-mptcp/ip6-ext-trunc.pcap",
                List.of("record 1 at offset 24: IPv6 extension header 0 at offset 54: needs 8 bytes, only 0 left"),
                "tcpdump/mptcp-dss-oobr.pcap", List.of("record 1 at offset 24: DSS option length 3 at offset 70: expected at least 4"),
                // Crafted (DPI evasion): MP_CAPABLE cut out of the TCP header, the IP length left as it was.
                "dpi-mptcp/mod_tok.pcap", List.of(
                        "record 2 at offset 126: IPv4 total length 76 runs 4 bytes past the end of the frame (86 bytes on the wire)",
                        "record 3 at offset 228: IPv4 total length 76 runs 4 bytes past the end of the frame (86 bytes on the wire)"));
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            Analysis a = CaptureAnalyzer.analyze(Shared.capture(e.getKey()));
            assertThat(a.packetErrors().stream().map(x -> "record " + x.record() + " at offset " + x.fileOffset() + ": "
                    + x.message()).toList()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(a.malformedPackets()).isEqualTo(e.getValue().size());
        }
        // The DSS case also has damage in the file itself: a record longer than the snap length.
        Analysis oobr = CaptureAnalyzer.analyze(Shared.capture("tcpdump/mptcp-dss-oobr.pcap"));
        assertThat(oobr.captureErrors()).extracting(CaptureError::message).containsExactly(
                "pcap record at offset 24: captured length 74 is larger than the snaplen 73 of the file header");
        assertThat(oobr.tcpConnections()).isEqualTo(1);
        // ICMP cut by the snap length is not an error: the IP header is whole, ICMP is not decoded.
        Analysis icmp = CaptureAnalyzer.analyze(Shared.capture("dpi-mptcp/icmp-header-trunc.pcap"));
        assertThat(icmp.malformedPackets()).isZero();
        assertThat(icmp.otherPackets()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------ tshark

    static Stream<Path> captures() throws Exception {
        return Shared.allCaptures().stream();
    }

    /** What tshark says, per tcp.stream. */
    private static final class TsharkView {
        final TreeSet<Integer> streams = new TreeSet<>();
        final Map<Integer, TreeSet<Integer>> groups = new TreeMap<>();
        final Map<String, Long> bytes = new HashMap<>();
        final Map<Integer, Long> resends = new HashMap<>();
        final Map<Integer, Long> reinjections = new HashMap<>();
    }

    private static TsharkView tshark(Path file) throws Exception {
        List<String[]> rows = Tshark.fields(file, List.of("-o", "mptcp.analyze_mappings:TRUE",
                        "-o", "mptcp.intersubflows_retransmission:TRUE"), "tcp.stream", "mptcp.stream", "ip.src", "ipv6.src",
                "tcp.srcport", "tcp.len", "tcp.analysis.retransmission", "tcp.analysis.out_of_order",
                "mptcp.reinjection_of");
        TsharkView v = new TsharkView();
        for (String[] r : rows) {
            if (r[0].isEmpty()) {
                continue;
            }
            int stream = Integer.parseInt(r[0]);
            v.streams.add(stream);
            if (!r[1].isEmpty()) {
                v.groups.computeIfAbsent(Integer.parseInt(r[1]), k -> new TreeSet<>()).add(stream);
            }
            long len = r[5].isEmpty() ? 0 : Long.parseLong(r[5]);
            String src = (r[2].isEmpty() ? r[3] : r[2]) + "/" + r[4];
            v.bytes.merge(stream + " " + src, len, Long::sum);
            boolean resend = !r[6].isEmpty() || !r[7].isEmpty();
            if (resend) {
                v.resends.merge(stream, 1L, Long::sum);
            }
            if (!r[8].isEmpty() && len > 0 && !resend) {
                v.reinjections.merge(stream, 1L, Long::sum);
            }
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void connectionsSubflowsAndBytesAgreeWithTshark(Path file) throws Exception {
        Analysis a = CaptureAnalyzer.analyze(file);
        TsharkView t = tshark(file);
        String name = file.getFileName().toString();

        // TCP connections: tshark's tcp.stream numbering is our subflow index (order of first packet).
        assertThat(a.tcpConnections()).as("TCP connections").isEqualTo(t.streams.size());

        // MPTCP connections as sets of subflows: tshark's mptcp.stream groups equal ours.
        List<TreeSet<Integer>> ours = new ArrayList<>();
        for (ConnectionReport c : a.connections()) {
            ours.add(c.subflows().stream().map(SubflowReport::index).collect(Collectors.toCollection(TreeSet::new)));
        }
        assertThat(ours).as("subflows per MPTCP connection").containsExactlyInAnyOrderElementsOf(t.groups.values());

        for (ConnectionReport c : a.connections()) {
            long tsharkReinjections = 0;
            for (SubflowReport s : c.subflows()) {
                // Payload bytes per subflow and direction: the sum of tcp.len per sender.
                assertThat(s.toServer().bytes()).as("subflow %d, client's bytes", s.index())
                        .isEqualTo(t.bytes.getOrDefault(s.index() + " " + s.clientAddress() + "/" + s.clientPort(), 0L));
                assertThat(s.toClient().bytes()).as("subflow %d, server's bytes", s.index())
                        .isEqualTo(t.bytes.getOrDefault(s.index() + " " + s.serverAddress() + "/" + s.serverPort(), 0L));
                // Retransmissions: we count every segment that resends sequence space already
                // seen, as a capture at the sender shows it; tshark calls a resend that comes
                // soon after the highest segment (within its first RTT, or 3 ms) "out-of-order",
                // which at a receiver it may be. Both together are our count.
                assertThat(s.retransmits()).as("subflow %d retransmissions = tshark's retransmission + out_of_order",
                        s.index()).isEqualTo(t.resends.getOrDefault(s.index(), 0L));
                tsharkReinjections += t.reinjections.getOrDefault(s.index(), 0L);
            }
            // Reinjections (tshark with mptcp.intersubflows_retransmission): tshark also flags a
            // subflow-level retransmission whose data another subflow carried; we count the data
            // once on each subflow, so only its first sending there. And tshark looks only at the
            // other subflows: on mptcp-aa-v1.pcap's only subflow the server maps the same 16 data
            // sequence numbers twice, twice over (frames 8 and 10 at subflow sequence numbers 1
            // and 17, frames 14 and 16 at 33 and 49), which we count as 2 reinjections.
            long expectedReinjections = name.equals("mptcp-aa-v1.pcap") ? tsharkReinjections + 2 : tsharkReinjections;
            assertThat(c.reinjections()).as("connection %d reinjections", c.index()).isEqualTo(expectedReinjections);
        }
    }
}

package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.capture.PcapReaderTest.messages;
import static org.mptcplab.stack.capture.PcapReaderTest.readAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real captures from public projects (../shared/captures, see its README). The expected numbers
 * were taken from tshark 3.x/4.x with
 * {@code tshark -r FILE -T fields -e frame.cap_len -e frame.len} (count, and sums of both
 * columns) and cross-checked with {@code capinfos -c}; nobody on this project wrote these files.
 */
class SharedCapturesTest {

    record Expected(String file, boolean pcapng, int linkType, int records, long capturedBytes,
                    long originalBytes, List<String> errors) {
    }

    private static final List<Expected> FILES = List.of(
            clean("dpi-mptcp/flood.pcap", false, LinkType.ETHERNET, 10_000, 1_060_000, 1_060_000),
            clean("dpi-mptcp/icmp-header-trunc.pcap", false, LinkType.ETHERNET, 2, 80, 196),
            clean("dpi-mptcp/ip4-tcp-bad-chksum.pcap", false, LinkType.ETHERNET, 1, 54, 54),
            clean("dpi-mptcp/ip4-trunc.pcap", false, LinkType.ETHERNET, 1, 20, 46),
            clean("dpi-mptcp/ip6-ext-trunc.pcap", false, LinkType.ETHERNET, 1, 54, 54),
            clean("dpi-mptcp/ip6-tcp-good-chksum.pcap", false, LinkType.ETHERNET, 1, 74, 74),
            clean("dpi-mptcp/ip6-trunc.pcap", false, LinkType.ETHERNET, 1, 48, 74),
            clean("dpi-mptcp/longer.pcapng", true, LinkType.ETHERNET, 48, 4_833, 4_833),
            clean("dpi-mptcp/mod_tok.pcap", false, LinkType.ETHERNET, 4, 344, 344),
            clean("dpi-mptcp/mp_capable.pcapng", true, LinkType.ETHERNET, 63, 13_332, 13_332),
            clean("dpi-mptcp/mp_key_change.pcap", false, LinkType.ETHERNET, 3, 326, 326),
            clean("dpi-mptcp/mp_rejected.pcap", false, LinkType.ETHERNET, 3, 286, 286),
            clean("dpi-mptcp/mp_rejected2.pcap", false, LinkType.ETHERNET, 4, 667, 667),
            clean("dpi-mptcp/short.pcapng", true, LinkType.ETHERNET, 10, 1_863, 1_863),
            clean("dpi-mptcp/wrongAdd_Addr.pcap", false, LinkType.ETHERNET, 5, 530, 530),
            clean("ptcpdump/mptcp.pcap", false, LinkType.ETHERNET, 14, 1_157, 1_157),
            // pcapng content despite the .pcap name: detection is by magic number.
            clean("pymptcpanalyzer/client_1_tcp_only.pcap", true, LinkType.LINUX_SLL, 2_798, 3_349_600, 3_349_600),
            clean("pymptcpanalyzer/client_2.pcap", true, LinkType.LINUX_SLL, 2_884, 3_635_850, 3_635_850),
            clean("pymptcpanalyzer/iperf-mptcp-0-0.pcap", false, LinkType.PPP, 2_560, 2_538_100, 2_538_100),
            clean("tcpdump/mptcp-aa-echo.pcap", false, LinkType.LINUX_SLL, 2, 180, 180),
            clean("tcpdump/mptcp-aa-v1.pcap", false, LinkType.ETHERNET, 24, 2_212, 2_212),
            // snaplen 73 in the header, one 74-byte record: tshark reads it silently, we report it.
            new Expected("tcpdump/mptcp-dss-oobr.pcap", false, LinkType.ETHERNET, 1, 74, 74, List.of(
                    "pcap record at offset 24: captured length 74 is larger than the snaplen 73 of the file header")),
            clean("tcpdump/mptcp-fclose.pcap", false, LinkType.ETHERNET, 11, 816, 816),
            clean("tcpdump/mptcp-tcprst.pcap", false, LinkType.RAW, 2, 88, 88),
            clean("tcpdump/mptcp-v0.pcap", false, LinkType.ETHERNET, 264, 35_146, 35_146),
            clean("tcpdump/mptcp-v1.pcap", false, LinkType.LINUX_SLL, 20, 22_244, 22_244));

    private static Expected clean(String file, boolean pcapng, int linkType, int records, long captured, long original) {
        return new Expected(file, pcapng, linkType, records, captured, original, List.of());
    }

    static Path capturesDir() {
        String shared = System.getProperty("mptcplab.shared");
        Assumptions.assumeTrue(shared != null,
                "system property mptcplab.shared is not set (surefire sets it to ../shared): skipping real captures");
        Path dir = Path.of(shared, "captures");
        Assumptions.assumeTrue(Files.isDirectory(dir), dir + " is absent: skipping real captures");
        return dir;
    }

    static Stream<Arguments> files() {
        return FILES.stream().map(e -> Arguments.of(e.file(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void readsLikeTshark(String name, Expected expected) throws IOException {
        Path file = capturesDir().resolve(name);
        try (CaptureReader reader = CaptureReader.open(file)) {
            assertThat(reader.isPcapng()).isEqualTo(expected.pcapng());
            List<CaptureRecord> records = readAll(reader);
            assertThat(records).hasSize(expected.records());
            assertThat(reader.recordsRead()).isEqualTo(expected.records());
            assertThat(records.stream().mapToLong(CaptureRecord::capturedLength).sum()).isEqualTo(expected.capturedBytes());
            assertThat(records.stream().mapToLong(CaptureRecord::originalLength).sum()).isEqualTo(expected.originalBytes());
            assertThat(records).allSatisfy(r -> {
                assertThat(r.linkType()).isEqualTo(expected.linkType());
                assertThat(r.interfaceId()).isZero();
            });
            if (!expected.pcapng()) {
                assertThat(reader.linkType()).isEqualTo(expected.linkType());
            }
            assertThat(messages(reader)).isEqualTo(expected.errors());
            assertThat(reader.isAtEnd()).isTrue();
        }
    }

    @Test
    void everyFileInTheFolderIsListed() throws IOException {
        Path dir = capturesDir();
        try (Stream<Path> walk = Files.walk(dir)) {
            List<String> found = walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.endsWith(".md"))
                    .sorted()
                    .toList();
            assertThat(found).containsExactlyElementsOf(FILES.stream().map(Expected::file).sorted().toList());
        }
    }

    @Test
    void timestampsMatchTshark() throws IOException {
        Path dir = capturesDir();
        // tshark -T fields -e frame.time_epoch, first and last record.
        assertFirstAndLast(dir.resolve("tcpdump/mptcp-v1.pcap"), 1_578_930_666_676_845_000L, 1_578_930_666_677_429_000L);
        assertFirstAndLast(dir.resolve("pymptcpanalyzer/client_2.pcap"), // pcapng, if_tsresol 9
                1_529_037_834_335_235_214L, 1_529_037_866_206_589_103L);
        assertFirstAndLast(dir.resolve("pymptcpanalyzer/iperf-mptcp-0-0.pcap"), 0L, 12_319_482_000L);
        assertFirstAndLast(dir.resolve("dpi-mptcp/mp_capable.pcapng"), // pcapng, if_tsresol 6
                1_425_968_840_534_414_000L, 1_425_968_844_826_415_000L);
    }

    private static void assertFirstAndLast(Path file, long first, long last) throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            List<CaptureRecord> records = readAll(reader);
            assertThat(records.get(0).timestampNanos()).as(file + " first").isEqualTo(first);
            assertThat(records.get(records.size() - 1).timestampNanos()).as(file + " last").isEqualTo(last);
        }
    }

    @Test
    void firstPacketBytesMatchTshark() throws IOException {
        // tshark -r mptcp-tcprst.pcap -x: raw IP, an IPv4 RST carrying MP_TCPRST (kind 30 = 0x1e).
        try (CaptureReader reader = CaptureReader.open(capturesDir().resolve("tcpdump/mptcp-tcprst.pcap"))) {
            byte[] data = reader.next().data();
            assertThat(data).startsWith(0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0xed, 0x05);
            assertThat(data).endsWith(0x1e, 0x04, 0x80, 0x00);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void tinyMappingWindowsGiveTheSameRecords(String name, Expected expected) throws IOException {
        Path file = capturesDir().resolve(name);
        List<CaptureRecord> reference;
        try (CaptureReader reader = CaptureReader.open(file)) {
            reference = readAll(reader);
        }
        // 61 bytes: smaller than most packets and not a multiple of 4, so every record and block
        // straddles window edges.
        try (CaptureReader reader = CaptureReader.open(file, 61)) {
            assertThat(readAll(reader)).isEqualTo(reference);
            assertThat(messages(reader)).isEqualTo(expected.errors());
        }
    }
}

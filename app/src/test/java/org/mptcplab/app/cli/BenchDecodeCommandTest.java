package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.decode.DecodeStats;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;

/** {@code bench-decode} on tiny captures: the report's shape, argument errors, the generator. */
class BenchDecodeCommandTest {

    @Test
    void tinyRunReportsSpeedsAndMatchingCounts(@TempDir Path dir) {
        Path out = dir.resolve("bench.pcap");
        Cli.Result r = Cli.run("bench-decode", "--packets", "2000", "--runs", "1", "--out", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String text = r.out();
        assertThat(text).startsWith("capture: " + out + "\n  2,000 packets, ");
        assertThat(text).containsPattern("\nours \\(read \\+ decode, 1 thread\\): best [0-9,]+ packets/s \\([0-9.]+ s\\),"
                + " median [0-9,]+ packets/s \\([0-9.]+ s\\) over 1 runs\n");
        assertThat(text).containsPattern("\n  target 1,000,000 packets/s: (met|NOT met)\n");
        assertThat(text).contains("  malformed packets: 0, capture errors: 0\n",
                "counts equal what the generator wrote: yes\n");
        assertThat(text).containsPattern("\n  DSS +ours +1,991");
        if (text.contains("tshark: skipped") || text.contains("tshark: not found")) {
            assertThat(text).contains("counts equal tshark's: not checked\n");
        } else {
            assertThat(text).containsPattern("\n  plain   [0-9,]+ packets/s \\([0-9.]+ s\\), ours best is [0-9.]+x: \\S*tshark -r ");
            assertThat(text).containsPattern("\n  fields  [0-9,]+ packets/s .* -T fields -e tcp.options.mptcp.subtype\n");
            assertThat(text).contains("counts equal tshark's: yes\n");
        }
        assertThat(r.err()).contains("bench-decode: writing a synthetic MPTCP capture of 2,000 packets", "decode run 1/1");
        assertThat(out).exists();
    }

    @Test
    void jsonReport(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench-decode", "--packets", "2000", "--runs", "2", "--warmup", "0", "--json", "--no-tshark",
                "--out", dir.resolve("b.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o.get("packets")).isEqualTo(new BigDecimal(2000));
        assertThat(o).containsKeys("file", "file_bytes", "generated", "machine", "ours", "target_pps", "target_met", "tshark");
        Map<?, ?> ours = (Map<?, ?>) o.get("ours");
        assertThat(((BigDecimal) ours.get("best_pps")).signum()).isPositive();
        assertThat((BigDecimal) ours.get("best_pps")).isGreaterThanOrEqualTo((BigDecimal) ours.get("median_pps"));
        assertThat(ours.get("runs")).isEqualTo(new BigDecimal(2));
        assertThat((java.util.List<?>) ours.get("run_seconds")).hasSize(2);
        assertThat(ours.get("mptcp_options")).isEqualTo(Map.of("MP_CAPABLE", new BigDecimal(4), "MP_JOIN", new BigDecimal(3),
                "DSS", new BigDecimal(1991), "ADD_ADDR", new BigDecimal(2)));
        assertThat(((Map<?, ?>) o.get("tshark")).get("available")).isEqualTo(false);
        assertThat(o.get("counts_match_generator")).isEqualTo(true);
        assertThat(o.get("counts_match_tshark")).isNull();
    }

    @Test
    void existingFileIsBenchmarkedAsIs(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("given.pcap");
        SyntheticMptcpCapture.write(f, 500, 128, 7);
        Cli.Result r = Cli.run("bench-decode", "--file", f.toString(), "--runs", "1", "--warmup", "0", "--no-tshark");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("  500 packets, ").doesNotContain("generated", "synthetic");
        assertThat(f).exists();
    }

    @Test
    void badValuesGiveClearErrors(@TempDir Path dir) throws IOException {
        Cli.Result zero = Cli.run("bench-decode", "--packets", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("bench-decode: --packets must be from 100 to 1000000000 (the handshakes and"
                + " teardown alone take 20), got 0\n");
        assertThat(zero.out()).isEmpty();

        Cli.Result abc = Cli.run("bench-decode", "--packets", "abc");
        assertThat(abc.exit()).isEqualTo(2);
        assertThat(abc.err()).startsWith("Invalid value for option '--packets': 'abc' is not a long");

        assertThat(Cli.run("bench-decode", "--packets", "-5").err()).contains("--packets must be from 100", "got -5");
        assertThat(Cli.run("bench-decode", "--runs", "0").err()).contains("--runs must be from 1 to 1000, got 0");
        assertThat(Cli.run("bench-decode", "--warmup", "-1").err()).contains("--warmup must be from 0 to 100, got -1");
        assertThat(Cli.run("bench-decode", "--snaplen", "40").err()).contains("--snaplen must be from 94");

        Cli.Result both = Cli.run("bench-decode", "--file", "x.pcap", "--packets", "1000");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--packets describes the generated capture and cannot be used with --file");

        Cli.Result missing = Cli.run("bench-decode", "--file", dir.resolve("nope.pcap").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("bench-decode: " + dir.resolve("nope.pcap") + ": no such file\n");

        Path text = dir.resolve("text.pcap");
        Files.writeString(text, "not a capture");
        Cli.Result notCapture = Cli.run("bench-decode", "--file", text.toString(), "--no-tshark");
        assertThat(notCapture.exit()).isEqualTo(1);
        assertThat(notCapture.err()).contains(text + ": not a capture file: magic number 0x6e6f7420");
    }

    @Test
    void aTsharkNamedWithTheOptionThatCannotRunIsABadArgumentWithTheReason(@TempDir Path dir) {
        // Named on purpose: a bad argument, found before the benchmark runs, with the OS's reason.
        Cli.Result r = Cli.run("bench-decode", "--packets", "100", "--runs", "1", "--warmup", "0",
                "--tshark", dir.resolve("no-such-tshark").toString(), "--out", dir.resolve("b.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--tshark: '" + dir.resolve("no-such-tshark") + "' could not be run: error=2, No such file or directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void withoutTsharkTheReportSaysItWasNotChecked(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench-decode", "--packets", "100", "--runs", "1", "--warmup", "0", "--no-tshark",
                "--out", dir.resolve("b.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tshark: skipped (--no-tshark)", "counts equal tshark's: not checked");
    }

    @Test
    void generatorIsReproducibleRealisticAndCleanlyDecoded(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.pcap");
        Path b = dir.resolve("b.pcap");
        Path c = dir.resolve("c.pcap");
        SyntheticMptcpCapture.Result ra = SyntheticMptcpCapture.write(a, 1000, 128, 42);
        SyntheticMptcpCapture.write(b, 1000, 128, 42);
        SyntheticMptcpCapture.write(c, 1000, 128, 43);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
        assertThat(ra.packets()).isEqualTo(1000);
        assertThat(ra.bytes()).isEqualTo(Files.size(a));

        DecodeStats stats = new DecodeStats();
        long truncated = 0;
        long lastTime = Long.MIN_VALUE;
        try (CaptureReader reader = CaptureReader.open(a)) {
            for (CaptureRecord r : reader) {
                DecodedPacket p = PacketDecoder.decode(r.linkType(), r.data());
                stats.add(p);
                assertThat(p.isTcp()).isTrue();
                assertThat(r.capturedLength()).isLessThanOrEqualTo(128);
                assertThat(r.timestampNanos()).isGreaterThan(lastTime);
                lastTime = r.timestampNanos();
                assertThat(p.ipv4ChecksumValid()).isTrue();
                if (r.isTruncated()) {
                    truncated++;
                    // A full-size segment on the wire: 1514-byte frame, 1420 bytes of payload.
                    assertThat(r.originalLength()).isIn(1510, 1514);
                    assertThat(p.tcpSegmentLengthOnWire()).isGreaterThan(1400);
                } else {
                    assertThat(p.tcpChecksumValid()).isTrue();
                }
                MptcpOption.Dss dss = (MptcpOption.Dss) p.tcp().mptcp(MptcpOption.DSS);
                if (dss != null && dss.hasMapping() && !dss.dataFin()) {
                    assertThat(dss.dataLevelLength()).isEqualTo(p.tcpSegmentLengthOnWire() - p.tcp().headerLength());
                    assertThat(p.tcp().has(TcpHeader.ACK)).isTrue();
                }
            }
            assertThat(reader.errorCount()).isZero();
        }
        assertThat(stats.malformed()).isZero();
        assertThat(truncated).isGreaterThan(600);
        for (int s = 0; s < 16; s++) {
            assertThat(stats.subtype(s)).as(MptcpOption.subtypeName(s)).isEqualTo(ra.perSubtype()[s]);
        }
        assertThat(ra.perSubtype()[MptcpOption.MP_CAPABLE]).isEqualTo(4);
        assertThat(ra.perSubtype()[MptcpOption.MP_JOIN]).isEqualTo(3);
        assertThat(ra.perSubtype()[MptcpOption.ADD_ADDR]).isEqualTo(2);
        assertThat(ra.perSubtype()[MptcpOption.DSS]).isEqualTo(1000 - 9);
    }

    @Test
    void tsharkSubtypeLinesAreCounted() {
        long[] per = new long[16];
        assertThat(BenchDecodeCommand.countSubtypes("", per)).isZero();
        assertThat(BenchDecodeCommand.countSubtypes("2", per)).isZero();
        assertThat(BenchDecodeCommand.countSubtypes("3,2", per)).isZero();
        assertThat(BenchDecodeCommand.countSubtypes("0x0f", per)).isZero();
        assertThat(BenchDecodeCommand.countSubtypes("x,16", per)).isEqualTo(2);
        assertThat(per[2]).isEqualTo(2);
        assertThat(per[3]).isEqualTo(1);
        assertThat(per[15]).isEqualTo(1);
    }
}

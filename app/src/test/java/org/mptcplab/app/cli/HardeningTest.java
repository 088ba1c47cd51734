package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.Launcher;

/**
 * One test per case of the hardening issue: bad input gets a clear error naming the option and
 * value, an honest exit status, stdout that stays what it claims to be, and no stack trace. The
 * cases that depend on the process (no display, a failed stdout) run the jar's main class in a
 * child JVM; the others run in-process.
 */
class HardeningTest {
    @TempDir
    Path tmp;

    /** What a child JVM printed and returned. */
    record Proc(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs {@code Launcher ARGS} in a child JVM without a display; stdout to {@code stdoutTo} if given. */
    private Proc launch(File stdoutTo, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Launcher.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        Path err = tmp.resolve("stderr-" + System.nanoTime());
        Path out = tmp.resolve("stdout-" + System.nanoTime());
        pb.redirectError(err.toFile());
        pb.redirectOutput(stdoutTo != null ? stdoutTo : out.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not end within 120 s: " + cmd);
        }
        return new Proc(p.exitValue(), stdoutTo == null ? Files.readString(out) : "", Files.readString(err));
    }

    private static void noStackTrace(String text) {
        assertThat(text).doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain("Caused by:");
    }

    /** A small valid capture: three raw-IP TCP packets in a classic pcap. */
    private static byte[] pcap(int packets, int truncateLastBy) {
        ByteBuffer b = ByteBuffer.allocate(24 + packets * (16 + 40)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        for (int i = 0; i < packets; i++) {
            b.putInt(1_700_000_000 + i).putInt(0).putInt(40).putInt(40);
            byte[] ip = new byte[40];
            ip[0] = 0x45;
            ip[3] = 40;
            ip[8] = 64;
            ip[9] = 6;
            ip[12] = 10;
            ip[15] = 1;
            ip[16] = 10;
            ip[19] = 2;
            ip[20 + 12] = 0x50; // TCP data offset 5
            ip[20 + 13] = 0x10; // ACK
            b.put(ip);
        }
        byte[] all = b.array();
        byte[] cut = new byte[all.length - truncateLastBy];
        System.arraycopy(all, 0, cut, 0, cut.length);
        return cut;
    }

    // 1. No display: one sentence, a documented status, no stack trace.
    @Test
    void appWithoutDisplaySaysSoInOneSentence() throws Exception {
        Proc p = launch(null);
        assertThat(p.exit()).as(p.toString()).isEqualTo(Launcher.EXIT_NO_DISPLAY);
        assertThat(p.err().strip()).as(p.toString()).contains("no display found").contains("./run.sh").contains("xvfb-run")
                .contains("decode").doesNotContain("\n");
        noStackTrace(p.err());
        assertThat(p.out()).isEmpty();
    }

    // 2. A capture cut short: the packets before are printed, the status says "not read to its end".
    @Test
    void decodeOfACaptureCutShortSaysHowFarItRead() throws Exception {
        Path f = tmp.resolve("cut.pcap");
        Files.write(f, pcap(3, 10));
        Cli.Result r = Cli.run("decode", f.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(DecodeCommand.EXIT_NOT_READ_TO_END);
        assertThat(r.lines()).hasSize(2);
        assertThat(r.err()).contains("not read to its end").contains("after 2 packets").contains("offset 136");
        noStackTrace(r.err());
    }

    @Test
    void decodeOfACaptureWithNoReadablePacketIsUnreadable() throws Exception {
        Path f = tmp.resolve("header-only-then-short.pcap");
        byte[] one = pcap(1, 30); // the only record is cut short
        Files.write(f, one);
        Cli.Result r = Cli.run("decode", f.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("not read to its end").contains("after 0 packets");
    }

    /** {@link #pcap} with record {@code index}'s captured length set to 0xFFFFFFFF. */
    private static byte[] pcapWithAbsurdLength(int packets, int index) {
        byte[] file = pcap(packets, 0);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + index * 56 + 8, 0xFFFFFFFF);
        return file;
    }

    // 2b. Damage in the middle that reading can get past: the packets after it are printed,
    // stderr says which bytes were skipped, and the file counts as read to its end.
    @Test
    void decodeResynchronisesAfterAnImpossibleRecordLength() throws Exception {
        Path f = tmp.resolve("mid-damage.pcap");
        Files.write(f, pcapWithAbsurdLength(5, 2)); // records at 24, 80, 136, 192, 248
        Cli.Result r = Cli.run("decode", f.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.lines()).hasSize(4);
        assertThat(r.err()).contains("decode: " + f + ": skipped bytes 136..192 (56 bytes): pcap record at offset 136: "
                        + "captured length 4294967295 is larger than the maximum 262144; resynchronised at 192\n")
                .contains("decode: " + f + ": skipped 56 bytes in all (of 304) to resynchronise after damage, in 1 place")
                .doesNotContain("not read to its end");
        // The error that caused the skip is said once, in the skip line.
        assertThat(r.err().split("captured length 4294967295", -1)).hasSize(2);
        noStackTrace(r.err());
    }

    @Test
    void jsonSummaryListsTheSkips() throws Exception {
        Path f = tmp.resolve("mid-damage.pcap");
        Files.write(f, pcapWithAbsurdLength(5, 2));
        Cli.Result r = Cli.run("decode", "--json", "--summary", f.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String[] lines = r.lines();
        assertThat(lines).hasSize(5);
        for (String line : lines) {
            assertThat(Json.object(line)).as(line).isNotNull();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) Json.object(lines[4]).get("summary");
        assertThat(summary.get("read_to_end")).isEqualTo(true);
        assertThat(((BigDecimal) summary.get("bytes_skipped")).longValue()).isEqualTo(56);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> skips = (List<Map<String, Object>>) summary.get("skips");
        assertThat(skips).hasSize(1);
        assertThat(((BigDecimal) skips.get(0).get("from")).longValue()).isEqualTo(136);
        assertThat(((BigDecimal) skips.get(0).get("to")).longValue()).isEqualTo(192);
        assertThat(skips.get(0).get("reason"))
                .isEqualTo("pcap record at offset 136: captured length 4294967295 is larger than the maximum 262144");
        // An undamaged file says so too.
        Path ok = tmp.resolve("ok.pcap");
        Files.write(ok, pcap(3, 0));
        Cli.Result q = Cli.run("decode", "--json", "--summary", "--quiet", ok.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> clean = (Map<String, Object>) Json.object(q.lines()[0]).get("summary");
        assertThat(((BigDecimal) clean.get("bytes_skipped")).longValue()).isZero();
        assertThat((List<?>) clean.get("skips")).isEmpty();
    }

    @Test
    void decodeOfDamageWithNothingGoodAfterItIsNotReadToItsEnd() throws Exception {
        Path f = tmp.resolve("tail-damage.pcap");
        Files.write(f, pcapWithAbsurdLength(5, 4)); // the last record: nothing to resynchronise on
        Cli.Result r = Cli.run("decode", f.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(DecodeCommand.EXIT_NOT_READ_TO_END);
        assertThat(r.lines()).hasSize(4);
        assertThat(r.err()).contains("not read to its end: reading stopped at offset 248 (of 304 bytes) after 4 packets")
                .doesNotContain("skipped");
    }

    // 2c. A pcapng file whose first Section Header Block is broken is unreadable, like a pcap
    // file with a broken file header.
    @Test
    void pcapngWithABrokenSectionHeaderIsUnreadable() throws Exception {
        ByteBuffer shb = ByteBuffer.allocate(28 + 20).order(ByteOrder.LITTLE_ENDIAN);
        shb.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        shb.putInt(1).putInt(20).putShort((short) 101).putShort((short) 0).putInt(0).putInt(20); // an IDB
        byte[] good = shb.array();
        String[][] cases = {
            {"cut", "20", "pcapng Section Header Block at offset 0 is truncated: the file is 20 bytes long, the block claims 28"},
            {"magic", "8:0x11223344", "pcapng Section Header Block at offset 0: byte-order magic 0x44332211 is neither"},
            {"short", "4:24", "pcapng Section Header Block at offset 0: length 24 is shorter than 28"},
            {"odd", "4:30", "pcapng Section Header Block at offset 0: length 30 is not a multiple of 4"},
            {"huge", "4:4096", "pcapng Section Header Block at offset 0 is truncated: the file is 48 bytes long, the block claims 4096"},
            {"trailer", "24:32", "pcapng Section Header Block at offset 0: trailing length 32 does not match length 28"},
        };
        for (String[] c : cases) {
            byte[] bytes = good.clone();
            if (c[1].contains(":")) {
                String[] at = c[1].split(":");
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.parseInt(at[0]), Integer.decode(at[1]));
            } else {
                bytes = java.util.Arrays.copyOf(bytes, Integer.parseInt(c[1]));
            }
            Path f = tmp.resolve(c[0] + ".pcapng");
            Files.write(f, bytes);
            Cli.Result r = Cli.run("decode", f.toString());
            assertThat(r.exit()).as(c[0] + "\n" + r).isEqualTo(1);
            assertThat(r.err()).as(c[0]).contains("decode: " + f + ": " + c[2]);
            assertThat(r.out()).as(c[0]).isEmpty();
            noStackTrace(r.err());
        }
    }

    // 3. --json --summary: stdout stays JSON Lines, the summary the last object.
    @Test
    void jsonSummaryKeepsStdoutJsonLines() throws Exception {
        Path f = tmp.resolve("ok.pcap");
        Files.write(f, pcap(3, 0));
        Cli.Result r = Cli.run("decode", "--json", "--summary", f.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String[] lines = r.lines();
        assertThat(lines).hasSize(4);
        for (String line : lines) {
            assertThat(Json.object(line)).as(line).isNotNull();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) Json.object(lines[3]).get("summary");
        assertThat(((BigDecimal) summary.get("packets")).intValue()).isEqualTo(3);
        assertThat(summary.get("read_to_end")).isEqualTo(true);
        Cli.Result q = Cli.run("decode", "--json", "--summary", "--quiet", f.toString());
        assertThat(q.lines()).hasSize(1);
        assertThat(Json.object(q.lines()[0])).containsKey("summary");
    }

    // 4. A failed write to stdout or to a file is an error with the OS's reason.
    @Test
    void failedWritesToStdoutAreErrors() throws Exception {
        assumeThat(new File("/dev/full")).as("/dev/full is needed to make writes fail").exists();
        Path f = tmp.resolve("ok.pcap");
        Files.write(f, pcap(3, 0));
        Proc d = launch(new File("/dev/full"), "decode", f.toString());
        assertThat(d.exit()).as(d.toString()).isEqualTo(1);
        assertThat(d.err()).contains("error writing to standard output").contains("No space left on device");
        noStackTrace(d.err());
        Proc s = launch(new File("/dev/full"), "simulate", "--bytes", "100K", "--json");
        assertThat(s.exit()).as(s.toString()).isEqualTo(1);
        assertThat(s.err()).contains("error writing to standard output");
        noStackTrace(s.err());
    }

    @Test
    void aCaptureThatCannotBeWrittenIsAnError() {
        assumeThat(new File("/dev/full")).exists();
        Cli.Result r = Cli.run("simulate", "--bytes", "2M", "--pcap", "/dev/full");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("/dev/full").contains("cannot be written").contains("No space left on device");
        noStackTrace(r.err());
    }

    // 5. Every run ends at its deadline, also over unlimited zero-delay paths; recordings have a size guard.
    @Test
    void unlimitedRunEndsAtItsDeadline() {
        Cli.Result r = Cli.run("simulate", "--path", "unlimited", "--bytes", "1000G", "--deadline", "20ms", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o.get("status")).isEqualTo("deadline");
        assertThat(((BigDecimal) o.get("virtual_s")).doubleValue()).isEqualTo(0.02);
        assertThat(((BigDecimal) o.get("bytes_delivered")).longValue()).isPositive();
    }

    @Test
    void recordingStopsAtItsLimitAndSaysSo() throws Exception {
        Path cap = tmp.resolve("big.pcap");
        Cli.Result r = Cli.run("simulate", "--path", "unlimited", "--bytes", "20M", "--pcap", cap.toString(),
                "--pcap-limit", "100KiB", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.size(cap)).isLessThanOrEqualTo(100 * 1024).isGreaterThan(90 * 1024);
        assertThat(r.err()).contains("recording stopped at the --pcap-limit of 100KiB").contains("not recorded");
        assertThat(((BigDecimal) Json.object(r.out().strip()).get("pcap_packets_not_recorded")).longValue()).isPositive();
        Cli.Result d = Cli.run("decode", "--quiet", cap.toString());
        assertThat(d.exit()).as("the stopped capture is whole: " + d).isZero();
        Cli.Result bad = Cli.run("simulate", "--pcap-limit", "10");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--pcap-limit '10'");
    }

    // 6. A rate of 0 is refused.
    @Test
    void zeroRateIsRefused() {
        for (String spec : new String[] {"0", "0mbit,10ms", "rate=0kbit"}) {
            Cli.Result r = Cli.run("simulate", "--path", spec);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("the rate must be above 0; write 'unlimited' for no limit").contains(spec);
            assertThat(r.out()).isEmpty();
        }
    }

    // 7. Reports that do not mislead.
    @Test
    void unlimitedRunSaysWhatItsGoodputMeans() {
        Cli.Result r = Cli.run("simulate", "--path", "unlimited", "--bytes", "5M");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("goodput          0.00").contains("(virtual time); unlimited paths serve at 10 Gbit/s")
                .contains("wall goodput");
        Map<String, Object> o = Json.object(Cli.run("simulate", "--path", "unlimited", "--bytes", "5M", "--json").out().strip());
        assertThat(((BigDecimal) o.get("duration_s")).doubleValue()).isPositive();
        assertThat(((BigDecimal) o.get("goodput_bps")).doubleValue()).isPositive();
        assertThat(((BigDecimal) o.get("unlimited_paths_bps")).longValue()).isEqualTo(10_000_000_000L);
        assertThat(o).containsKey("wall_goodput_bps");
    }

    @Test
    void aStallLastsUntilTheRunEnds() {
        Cli.Result r = Cli.run("simulate", "--path", "20mbit,10ms", "--path", "20mbit,10ms", "--bytes", "50M", "--down", "1@100ms",
                "--down", "2@100ms", "--deadline", "2s", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(((BigDecimal) o.get("max_stall_ms")).doubleValue()).as("nothing arrived after ~0.1 s").isGreaterThan(1800);
    }

    @Test
    void nothingDeliveredHasNoGoodputFigure() {
        Cli.Result r = Cli.run("simulate", "--bytes", "1M", "--down", "1@0s", "--deadline", "1s", "--json");
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o.get("goodput_bps")).as(r.toString()).isNull();
        assertThat(o.get("goodput_null_reason")).isEqualTo("no data was delivered");
    }

    // 8. Messages name the option, the value and what is expected.
    @Test
    void messagesNameOptionAndValue() {
        String[][] cases = {
            {"connect --bytes abc --to 10.9.0.2:5201 --iface a=10.9.0.1/24", "--bytes 'abc' is not a size"},
            {"connect --bytes 1M --timeout -1s --to 10.9.0.2:5201 --iface a=10.9.0.1/24", "--timeout '-1s' must be 0 or more"},
            {"listen --timeout -1s --lab", "--timeout '-1s' must be 0 or more"},
            {"connect --bytes 1M --to 10.9.0.2:abc --iface a=10.9.0.1/24", "--to '10.9.0.2:abc': port 'abc' is not a number"},
            {"connect --bytes 1M --to 10.9.0.2:99999 --iface a=10.9.0.1/24", "port 99999 is outside 1 to 65535"},
            {"connect --bytes 1M --to 10.9.x.2:5201 --iface a=10.9.0.1/24", "--to '10.9.x.2:5201'"},
            {"connect --bytes 1M --to 10.9.0.2:5201 --iface a=10.9.y.1/24", "--iface 'a=10.9.y.1/24'"},
            // 9. An interface address of the other family is a bad argument, caught before any device opens.
            {"connect --iface IF=fd00::5/64 --to 10.9.0.2:5201 --bytes 1M", "--iface 'IF=fd00::5/64': an IPv6 address, but --to 10.9.0.2 is an IPv4 address"},
            {"bench-decode --tshark /bin/false", "--tshark: '/bin/false --version' exited with status 1"},
            {"bench-decode --tshark /nonexistent/tshark", "could not be run: error=2, No such file or directory"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run(c[0].split(" "));
            assertThat(r.exit()).as(c[0] + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[1]);
            assertThat(r.out()).as(c[0]).isEmpty();
            noStackTrace(r.err());
        }
    }

    @Test
    void benchDecodeOutputInAMissingDirectorySaysWhy() {
        Cli.Result r = Cli.run("bench-decode", "--packets", "100", "--no-tshark", "--out", tmp.resolve("no/such/dir/x.pcap").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("cannot be written: no such file or directory");
    }
}

package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mptcplab.stack.capture.PcapReaderTest.readAll;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {

    private static final long T = 1_600_000_000L * 1_000_000_000L;

    @Test
    void headerAndOneRecordByteForByte() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, LinkType.RAW)) {
            w.write(T + 123_456_789L, new byte[] {0x45, 0x00});
        }
        assertThat(out.toByteArray()).containsExactly(
                0x4d, 0x3c, 0xb2, 0xa1,     // magic a1b23c4d little-endian: nanoseconds
                0x02, 0x00, 0x04, 0x00,     // version 2.4
                0x00, 0x00, 0x00, 0x00,     // reserved1
                0x00, 0x00, 0x00, 0x00,     // reserved2
                0x00, 0x00, 0x04, 0x00,     // snaplen 262144
                0x65, 0x00, 0x00, 0x00,     // link type 101 (raw IP)
                0x00, 0x10, 0x5e, 0x5f,     // seconds 1600000000
                0x15, 0xcd, 0x5b, 0x07,     // nanoseconds 123456789 = 0x075bcd15
                0x02, 0x00, 0x00, 0x00,     // captured length 2
                0x02, 0x00, 0x00, 0x00,     // original length 2
                0x45, 0x00);                // data
    }

    @Test
    void roundTripThroughAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("out.pcap");
        Random random = new Random(42);
        List<CaptureRecord> expected = new ArrayList<>();
        long offset = 24;
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET)) {
            assertThat(w.linkType()).isEqualTo(LinkType.ETHERNET);
            for (int i = 0; i < 5_000; i++) {
                // Sizes up to 3000 so that records straddle the 64 KiB buffer many times.
                byte[] data = new byte[random.nextInt(3000)];
                random.nextBytes(data);
                long ts = T + i * 1_234_567L + random.nextInt(1000); // sub-microsecond parts kept
                w.write(ts, data);
                expected.add(new CaptureRecord(ts, LinkType.ETHERNET, data.length, data.length, offset, 0, data));
                offset += 16 + data.length;
            }
            assertThat(w.recordsWritten()).isEqualTo(5_000);
        }
        assertThat(Files.size(file)).isEqualTo(offset);
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.snapLength()).isEqualTo(PcapWriter.SNAPLEN);
            assertThat(readAll(r)).isEqualTo(expected);
            assertThat(r.errors()).isEmpty();
        }
    }

    @Test
    void sliceAndOriginalLength() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame = {9, 9, 1, 2, 3, 9};
        try (PcapWriter w = PcapWriter.to(out, LinkType.ETHERNET)) {
            w.write(1, frame, 2, 3);
            w.write(2, frame, 2, 3, 1500);
        }
        try (CaptureReader r = CaptureReader.of(out.toByteArray())) {
            assertThat(readAll(r)).containsExactly(
                    new CaptureRecord(1, LinkType.ETHERNET, 3, 3, 24, 0, new byte[] {1, 2, 3}),
                    new CaptureRecord(2, LinkType.ETHERNET, 3, 1500, 43, 0, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void packetsLargerThanTheBufferAndTheSnaplen() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] big = new byte[100_000];
        byte[] huge = new byte[300_000];
        new Random(1).nextBytes(big);
        new Random(2).nextBytes(huge);
        try (PcapWriter w = PcapWriter.to(out, LinkType.RAW)) {
            w.write(1, new byte[] {1});
            w.write(2, big);
            w.write(3, huge); // cut to the snaplen, as a capture would; original length kept
            w.write(4, new byte[] {4});
        }
        try (CaptureReader r = CaptureReader.of(out.toByteArray())) {
            List<CaptureRecord> records = readAll(r);
            assertThat(records).extracting(CaptureRecord::capturedLength).containsExactly(1, 100_000, 262_144, 1);
            assertThat(records).extracting(CaptureRecord::originalLength).containsExactly(1, 100_000, 300_000, 1);
            assertThat(records.get(1).data()).isEqualTo(big);
            assertThat(records.get(2).data()).isEqualTo(java.util.Arrays.copyOf(huge, 262_144));
            assertThat(r.errors()).isEmpty();
        }
    }

    @Test
    void timestampLimits() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long last = 0xFFFF_FFFFL * 1_000_000_000L + 999_999_999L; // 2106-02-07T06:28:15.999999999Z
        try (PcapWriter w = PcapWriter.to(out, LinkType.RAW)) {
            w.write(0, new byte[0]);
            w.write(last, new byte[0]);
            assertThatThrownBy(() -> w.write(-1, new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timestamp -1 ns is outside what pcap can store (0 to 4294967295 s after 1970)");
            assertThatThrownBy(() -> w.write(last + 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
        try (CaptureReader r = CaptureReader.of(out.toByteArray())) {
            assertThat(readAll(r)).extracting(CaptureRecord::timestampNanos).containsExactly(0L, last);
        }
    }

    @Test
    void argumentChecks() throws IOException {
        assertThatThrownBy(() -> PcapWriter.to(new ByteArrayOutputStream(), 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("link type 65536 is outside 0 to 65535");
        assertThatThrownBy(() -> PcapWriter.to(new ByteArrayOutputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        try (PcapWriter w = PcapWriter.to(new ByteArrayOutputStream(), 1)) {
            assertThatThrownBy(() -> w.write(0, new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> w.write(0, new byte[4], 0, 4, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("original length 3 is smaller than captured length 4");
            assertThat(w.recordsWritten()).isZero();
        }
    }

    @Test
    void closeFlushesClosesOnceAndForbidsWriting() throws IOException {
        int[] closes = {0};
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sink.write(b, off, len);
            }

            @Override
            public void close() {
                closes[0]++;
            }
        };
        PcapWriter w = PcapWriter.to(out, 1);
        assertThat(sink.size()).isZero(); // buffered until flush
        w.write(5, new byte[] {1});
        w.flush();
        assertThat(sink.size()).isEqualTo(24 + 17);
        w.close();
        w.close();
        assertThat(closes[0]).isEqualTo(1);
        assertThatThrownBy(() -> w.write(6, new byte[] {1})).isInstanceOf(IOException.class)
                .hasMessage("PcapWriter is closed");
        assertThatThrownBy(w::flush).isInstanceOf(IOException.class);
    }
}

package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classic pcap (draft-ietf-opsawg-pcap): hand-built files, every header and record error. */
class PcapReaderTest {

    /** 2020-09-13T12:26:40Z, a round number of seconds used by most vectors here. */
    private static final long T = 1_600_000_000L;

    static List<CaptureRecord> readAll(CaptureReader reader) {
        List<CaptureRecord> out = new ArrayList<>();
        for (CaptureRecord r : reader) {
            out.add(r);
        }
        return out;
    }

    static List<String> messages(CaptureReader reader) {
        return reader.errors().stream().map(CaptureError::message).toList();
    }

    /** A pcap file header, little- or big-endian, µs or ns, with the given snaplen and link field. */
    static ByteVector header(ByteOrder order, boolean nanos, long snapLen, long linkField) {
        return ByteVector.of(order)
                .u32(nanos ? 0xA1B23C4DL : 0xA1B2C3D4L) // magic
                .u16(2).u16(4)                          // version 2.4
                .u32(0)                                 // reserved1 (thiszone)
                .u32(0)                                 // reserved2 (sigfigs)
                .u32(snapLen)                           // snaplen
                .u32(linkField);                        // link type
    }

    // ---------------------------------------------------------------------------------------
    // Valid files

    @Test
    void littleEndianMicroseconds() throws IOException {
        byte[] file = {
            (byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, // magic a1b2c3d4 written little-endian: µs
            0x02, 0x00, 0x04, 0x00,                             // version 2.4
            0x00, 0x00, 0x00, 0x00,                             // reserved1 (thiszone)
            0x00, 0x00, 0x00, 0x00,                             // reserved2 (sigfigs)
            (byte) 0xff, (byte) 0xff, 0x00, 0x00,               // snaplen 65535
            0x01, 0x00, 0x00, 0x00,                             // link type 1 (Ethernet)
            // record at offset 24
            0x00, 0x10, 0x5e, 0x5f,                             // seconds 0x5f5e1000 = 1600000000
            0x40, (byte) 0xe2, 0x01, 0x00,                      // microseconds 0x0001e240 = 123456
            0x04, 0x00, 0x00, 0x00,                             // captured length 4
            0x3c, 0x00, 0x00, 0x00,                             // original length 60
            (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, // packet data
        };
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.isPcapng()).isFalse();
            assertThat(reader.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(reader.snapLength()).isEqualTo(65535);
            CaptureRecord r = reader.next();
            assertThat(r).isEqualTo(new CaptureRecord(T * 1_000_000_000L + 123_456_000L, LinkType.ETHERNET,
                    4, 60, 24, 0, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
            assertThat(r.isTruncated()).isTrue();
            assertThat(reader.next()).isNull();
            assertThat(reader.next()).isNull();
            assertThat(reader.isAtEnd()).isTrue();
            assertThat(reader.recordsRead()).isEqualTo(1);
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void bigEndianNanoseconds() throws IOException {
        byte[] file = {
            (byte) 0xa1, (byte) 0xb2, 0x3c, 0x4d,               // magic a1b23c4d written big-endian: ns
            0x00, 0x02, 0x00, 0x04,                             // version 2.4
            0x00, 0x00, 0x00, 0x00,                             // reserved1
            0x00, 0x00, 0x00, 0x00,                             // reserved2
            0x00, 0x04, 0x00, 0x00,                             // snaplen 262144
            0x00, 0x00, 0x00, 0x65,                             // link type 101 (raw IP)
            // record at offset 24
            0x5f, 0x5e, 0x10, 0x00,                             // seconds 1600000000
            0x3b, (byte) 0x9a, (byte) 0xc9, (byte) 0xff,        // nanoseconds 999999999
            0x00, 0x00, 0x00, 0x03,                             // captured length 3
            0x00, 0x00, 0x00, 0x03,                             // original length 3
            0x45, 0x00, 0x00,                                   // packet data
            // record at offset 43
            0x5f, 0x5e, 0x10, 0x01,                             // seconds 1600000001
            0x00, 0x00, 0x00, 0x01,                             // nanoseconds 1
            0x00, 0x00, 0x00, 0x00,                             // captured length 0
            0x00, 0x00, 0x00, 0x00,                             // original length 0
        };
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.linkType()).isEqualTo(LinkType.RAW);
            assertThat(readAll(reader)).containsExactly(
                    new CaptureRecord(T * 1_000_000_000L + 999_999_999L, LinkType.RAW, 3, 3, 24, 0,
                            new byte[] {0x45, 0, 0}),
                    new CaptureRecord((T + 1) * 1_000_000_000L + 1, LinkType.RAW, 0, 0, 43, 0, new byte[0]));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void littleEndianNanoseconds() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.LINUX_SLL)
                .u32(T).u32(5)          // seconds, nanoseconds
                .u32(2).u32(2)          // captured, original length
                .bytes(0x11, 0x22)      // data
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).containsExactly(new CaptureRecord(T * 1_000_000_000L + 5,
                    LinkType.LINUX_SLL, 2, 2, 24, 0, new byte[] {0x11, 0x22}));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void bigEndianMicroseconds() throws IOException {
        byte[] file = header(ByteOrder.BIG_ENDIAN, false, 65535, LinkType.PPP)
                .u32(0).u32(999_999)    // seconds 0 (1970), microseconds 999999
                .u32(1).u32(1500)       // captured 1, original 1500
                .bytes(0xff)            // data
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.linkType()).isEqualTo(LinkType.PPP);
            assertThat(readAll(reader)).containsExactly(
                    new CaptureRecord(999_999_000L, LinkType.PPP, 1, 1500, 24, 0, new byte[] {(byte) 0xff}));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void headerOnlyFileHasNoRecords() throws IOException {
        try (CaptureReader reader = CaptureReader.of(header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1).toArray())) {
            assertThat(reader.next()).isNull();
            assertThat(reader.errors()).isEmpty();
            assertThat(reader.recordsRead()).isZero();
        }
    }

    @Test
    void largestSecondsValueDoesNotOverflow() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, true, 65535, 1)
                .u32(0xFFFF_FFFFL).u32(999_999_999).u32(0).u32(0).toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.next().timestampNanos()).isEqualTo(0xFFFF_FFFFL * 1_000_000_000L + 999_999_999L);
        }
    }

    @Test
    void fcsBitsInTheLinkFieldAreAcceptedAndMasked() throws IOException {
        // draft-ietf-opsawg-pcap Figure 2: FCS len = 2 (0x2 << 28) with the P bit (0x04000000).
        try (CaptureReader reader = CaptureReader.of(header(ByteOrder.BIG_ENDIAN, false, 65535, 0x2400_0001L).toArray())) {
            assertThat(reader.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(reader.next()).isNull();
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void readsFromAFileAndAByteBufferSlice(@TempDir Path dir) throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(1).u32(1).u32(1).bytes(7).toArray();
        Path path = dir.resolve("one.pcap");
        Files.write(path, file);
        try (CaptureReader reader = CaptureReader.open(path)) {
            assertThat(reader.fileSize()).isEqualTo(file.length);
            assertThat(reader.next().data()).containsExactly(7);
        }
        // A buffer whose position is not 0: reading starts at the position.
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(file.length + 5);
        buffer.position(5);
        buffer.put(file);
        buffer.position(5);
        try (CaptureReader reader = CaptureReader.of(buffer)) {
            CaptureRecord r = reader.next();
            assertThat(r.fileOffset()).isEqualTo(24);
            assertThat(r.data()).containsExactly(7);
        }
        assertThat(buffer.position()).isEqualTo(5);
    }

    @Test
    void iteratorAndNextShareOnePosition() throws IOException {
        ByteVector v = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        for (int i = 0; i < 3; i++) {
            v.u32(T + i).u32(0).u32(1).u32(1).u8(i);
        }
        try (CaptureReader reader = CaptureReader.of(v.toArray())) {
            assertThat(reader.next().data()).containsExactly(0);
            var it = reader.iterator();
            assertThat(it.hasNext()).isTrue();
            assertThat(it.hasNext()).isTrue(); // idempotent
            assertThat(it.next().data()).containsExactly(1);
            assertThat(it.next().data()).containsExactly(2);
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
        }
    }

    @Test
    void nextAfterCloseIsAProgrammingError() throws IOException {
        CaptureReader reader = CaptureReader.of(header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1).toArray());
        reader.close();
        reader.close(); // idempotent
        assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class)
                .hasMessage("CaptureReader is closed");
    }

    // ---------------------------------------------------------------------------------------
    // Not a capture: CaptureFormatException

    @Test
    void badMagic() {
        byte[] file = ByteVector.be().u32(0x12345678).zeros(20).toArray();
        assertThatThrownBy(() -> CaptureReader.of(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: not a capture file: magic number 0x12345678 at offset 0 is neither pcap "
                        + "(0xa1b2c3d4 or 0xa1b23c4d, either byte order) nor pcapng (0x0a0d0d0a)")
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(0L);
    }

    @Test
    void badMagicHints() {
        assertThatThrownBy(() -> CaptureReader.of(ByteVector.be().u32(0x1f8b0800).zeros(20).toArray()))
                .hasMessageEndingWith("; it looks gzip-compressed: decompress it first");
        assertThatThrownBy(() -> CaptureReader.of(ByteVector.be().u32(0xa1b2cd34L).zeros(20).toArray()))
                .hasMessageEndingWith("; it looks like the unsupported \"modified pcap\" (Kuznetsov) format");
        // "\n\r\r\n" after a text-mode transfer that turned "\r\n" into "\n": 0a 0d 0a ..
        assertThatThrownBy(() -> CaptureReader.of(ByteVector.be().u32(0x0a0d0a1cL).zeros(20).toArray()))
                .hasMessageEndingWith("; it looks like a pcapng file damaged by a text-mode (FTP/HTTP) transfer");
    }

    @Test
    void emptyAndTinyFiles() {
        assertThatThrownBy(() -> CaptureReader.of(new byte[0]))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: not a capture file: the file is empty");
        assertThatThrownBy(() -> CaptureReader.of(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2}))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: not a capture file: the file is only 3 bytes long");
    }

    @Test
    void truncatedFileHeader() {
        byte[] file = ByteVector.le().u32(0xA1B2C3D4L).u16(2).u16(4).zeros(12).toArray(); // 20 of 24 bytes
        assertThatThrownBy(() -> CaptureReader.of(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcap file header is truncated: the file is 20 bytes long, the header needs 24");
    }

    @Test
    void missingFileAndDirectory(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pcap");
        assertThatThrownBy(() -> CaptureReader.open(missing))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(missing + ": cannot be opened: NoSuchFileException: " + missing)
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(-1L);
        assertThatThrownBy(() -> CaptureReader.open(dir))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(dir + ": cannot be opened: it is a directory");
    }

    @Test
    void badMagicInAFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("text.pcap");
        Files.writeString(path, "hello, this is not a capture file\n");
        assertThatThrownBy(() -> CaptureReader.open(path))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageStartingWith(path + ": not a capture file: magic number 0x68656c6c at offset 0");
    }

    // ---------------------------------------------------------------------------------------
    // Damaged records: CaptureErrors

    @Test
    void recordHeaderRunsPastEndOfFile() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(0).u32(1).u32(1).u8(9)   // a good record at 24
                .u32(T).u32(0).u16(0)                // 10 bytes of a record header at 41
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 41: record header needs 16 bytes, only 10 left before end of file");
            assertThat(reader.errors().get(0).fileOffset()).isEqualTo(41);
        }
    }

    @Test
    void capturedLengthRunsPastEndOfFile() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(0).u32(1500).u32(1500)   // record at 24 claims 1500 bytes
                .zeros(1300)                         // only 1300 are there
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.next()).isNull();
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: captured length 1500 runs past end of file (1300 bytes left)");
            assertThat(reader.isAtEnd()).isTrue();
        }
    }

    @Test
    void absurdCapturedLengthIsSkippedToTheNextRecord() throws IOException {
        byte[] file = header(ByteOrder.BIG_ENDIAN, false, 0x7fffffff, 1)
                .u32(T).u32(0).u32(262_145).u32(262_145)
                .zeros(262_145)
                .u32(T).u32(0).u32(1).u32(1).u8(7)   // a good record at 262185, found by the scan
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(262_185L);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: captured length 262145 is larger than the maximum 262144");
            assertThat(reader.skips()).containsExactly(new CaptureReader.Skip(24, 262_185,
                    "pcap record at offset 24: captured length 262145 is larger than the maximum 262144"));
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    @Test
    void capturedLengthAboveSnaplenIsReportedAndDelivered() throws IOException {
        // The same shape as tcpdump's mptcp-dss-oobr.pcap: snaplen 73, one record of 74.
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 73, 1)
                .u32(T).u32(0).u32(74).u32(74).zeros(74)
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::capturedLength).containsExactly(74);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: captured length 74 is larger than the snaplen 73 of the file header");
        }
    }

    @Test
    void originalLengthSmallerThanCapturedLength() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(0).u32(4).u32(2).zeros(4)
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            CaptureRecord r = reader.next();
            assertThat(r.capturedLength()).isEqualTo(4);
            assertThat(r.originalLength()).isEqualTo(2);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: original length 2 is smaller than captured length 4");
        }
    }

    @Test
    void originalLengthBeyondIntRangeIsClamped() throws IOException {
        byte[] file = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(0).u32(0).u32(0xFFFF_FFFFL)
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.next().originalLength()).isEqualTo(Integer.MAX_VALUE);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: original length 4294967295 is larger than 2147483647; using 2147483647");
        }
    }

    @Test
    void subSecondFieldOutOfRange() throws IOException {
        byte[] micros = header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(T).u32(1_000_000).u32(0).u32(0).toArray();
        try (CaptureReader reader = CaptureReader.of(micros)) {
            // Delivered with the overflow carried into the seconds, as libpcap's arithmetic would.
            assertThat(reader.next().timestampNanos()).isEqualTo((T + 1) * 1_000_000_000L);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: microseconds field 1000000 is not below 1000000");
        }
        byte[] nanos = header(ByteOrder.BIG_ENDIAN, true, 65535, 1)
                .u32(T).u32(1_000_000_000).u32(0).u32(0).toArray();
        try (CaptureReader reader = CaptureReader.of(nanos)) {
            assertThat(reader.next().timestampNanos()).isEqualTo((T + 1) * 1_000_000_000L);
            assertThat(messages(reader)).containsExactly(
                    "pcap record at offset 24: nanoseconds field 1000000000 is not below 1000000000");
        }
    }

    @Test
    void fileHeaderProblems() throws IOException {
        byte[] file = ByteVector.le()
                .u32(0xA1B2C3D4L)       // magic
                .u16(2).u16(3)          // version 2.3
                .u32(0).u32(0)          // reserved
                .u32(0)                 // snaplen 0: not allowed
                .u32(0x0800_0001L)      // link type 1 with the R bit set
                .u32(T).u32(0).u32(70_000).u32(70_000).zeros(70_000)
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.linkType()).isEqualTo(1);
            assertThat(readAll(reader)).hasSize(1); // no snaplen check beyond the absolute cap
            assertThat(messages(reader)).containsExactly(
                    "pcap file header at offset 0: version 2.3, expected 2.4; reading it as 2.4",
                    "pcap file header at offset 0: snaplen is 0, which is not allowed; "
                            + "checking captured lengths against 262144 only",
                    "pcap file header at offset 0: reserved bits of the link type field are 0x08000000, expected 0");
            assertThat(reader.errors()).allSatisfy(e -> assertThat(e.fileOffset()).isZero());
        }
    }

    @Test
    void storedErrorsAreCappedButAllAreCounted() throws IOException {
        ByteVector v = header(ByteOrder.LITTLE_ENDIAN, false, 1, 1);
        for (int i = 0; i < 1500; i++) {
            v.u32(T).u32(0).u32(2).u32(2).u16(i); // each record is above snaplen 1
        }
        try (CaptureReader reader = CaptureReader.of(v.toArray())) {
            assertThat(readAll(reader)).hasSize(1500);
            assertThat(reader.errors()).hasSize(CaptureReader.MAX_STORED_ERRORS);
            assertThat(reader.errorCount()).isEqualTo(1500);
            assertThat(reader.errors().get(999).message())
                    .isEqualTo("pcap record at offset " + (24 + 999 * 18) + ": captured length 2 is larger than "
                            + "the snaplen 1 of the file header");
        }
    }
}

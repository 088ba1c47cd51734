package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mptcplab.stack.capture.PcapReaderTest.header;
import static org.mptcplab.stack.capture.PcapReaderTest.messages;
import static org.mptcplab.stack.capture.PcapReaderTest.readAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mptcplab.stack.capture.CaptureReader.Skip;

/**
 * Getting back in step after a record or block whose length cannot be used: the next good
 * records are read, what was jumped over is listed with exact offsets, and when nothing good
 * follows, reading stops where it did before resynchronisation existed. Also: a pcapng file
 * whose first Section Header Block is broken is not a capture (as a pcap file with a broken
 * file header).
 */
class CaptureResyncTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final long T = 1_600_000_000L;

    /** Packet bytes that look like nothing in particular (no zero runs, no headers). */
    private static byte[] payload(int seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------------------------------
    // pcap

    /** A pcap file of {@code n} records, one second apart, of 40 + 7i bytes; offsets in {@code at}. */
    private static byte[] pcap(ByteOrder order, int n, long[] at) {
        ByteVector v = header(order, false, 65535, 1);
        for (int i = 0; i < n; i++) {
            at[i] = v.size();
            byte[] data = payload(i, 40 + 7 * i);
            v.u32(T + i).u32(1000 * i).u32(data.length).u32(data.length).bytes(data);
        }
        return v.toArray();
    }

    private static void putU32(byte[] file, int at, long value, ByteOrder order) {
        ByteBuffer.wrap(file).order(order).putInt(at, (int) value);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void pcapRecordClaimingFourGibibytesIsSkipped(String orderName) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? BE : LE;
        long[] at = new long[10];
        byte[] file = pcap(order, 10, at);
        putU32(file, (int) at[4] + 8, 0xFFFF_FFFFL, order); // record 4's captured length
        try (CaptureReader reader = CaptureReader.of(file)) {
            List<CaptureRecord> records = readAll(reader);
            assertThat(records).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[2], at[3], at[5], at[6], at[7], at[8], at[9]);
            String reason = "pcap record at offset " + at[4] + ": captured length 4294967295 is larger than the maximum 262144";
            assertThat(messages(reader)).containsExactly(reason);
            assertThat(reader.skips()).containsExactly(new Skip(at[4], at[5], reason));
            assertThat(reader.skipCount()).isEqualTo(1);
            assertThat(reader.bytesSkipped()).isEqualTo(at[5] - at[4]);
            assertThat(reader.readToEnd()).isTrue();
            assertThat(reader.stoppedAt()).isEqualTo(-1);
        }
    }

    @Test
    void pcapFirstRecordDamagedHasNoTimeToGoByButStillResynchronises() throws IOException {
        long[] at = new long[5];
        byte[] file = pcap(LE, 5, at);
        putU32(file, (int) at[0] + 8, 300_000, LE);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[1], at[2], at[3], at[4]);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(24L, at[1]));
        }
    }

    @Test
    void pcapGarbageInsertedBetweenRecordsIsSkipped() throws IOException {
        long[] at = new long[6];
        byte[] good = pcap(LE, 6, at);
        byte[] garbage = payload(99, 333);
        garbage[8] = (byte) 0xFF; // whatever it starts with, it claims far too much
        garbage[9] = (byte) 0xFF;
        garbage[10] = (byte) 0xFF;
        garbage[11] = (byte) 0x7F;
        int cut = (int) at[3];
        byte[] file = PcapngBuilder.concat(java.util.Arrays.copyOf(good, cut), garbage,
                java.util.Arrays.copyOfRange(good, cut, good.length));
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[2], at[3] + 333, at[4] + 333, at[5] + 333);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(at[3], at[3] + 333));
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    @Test
    void pcapBytesDeletedInsideARecordLoseOnlyThatRecord() throws IOException {
        long[] at = new long[6];
        byte[] good = pcap(BE, 6, at);
        // Delete 5 bytes of record 2's data: its length now runs into record 3's header.
        int from = (int) at[2] + 16 + 10;
        byte[] file = PcapngBuilder.concat(java.util.Arrays.copyOf(good, from),
                java.util.Arrays.copyOfRange(good, from + 5, good.length));
        try (CaptureReader reader = CaptureReader.of(file)) {
            List<CaptureRecord> records = readAll(reader);
            // Record 2 is delivered with the first bytes of record 3's header in it (nothing
            // tells them apart); the misread header after it is the damage the scan gets past.
            assertThat(records).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[2], at[4] - 5, at[5] - 5);
            assertThat(reader.skips()).hasSize(1);
            assertThat(reader.skips().get(0).toOffset()).isEqualTo(at[4] - 5);
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    @Test
    void pcapHeaderReadOutOfStepIsNotHandedOutAsAPacket() throws IOException {
        // Record 2's length is 3 bytes short: the reader meets a header 3 bytes too early,
        // whose lengths happen to be small (as they often are) but whose time is nonsense.
        long[] at = new long[6];
        byte[] file = pcap(LE, 6, at);
        long real = at[3] - at[2] - 16;
        putU32(file, (int) at[2] + 8, real - 3, LE);
        putU32(file, (int) at[2] + 12, real - 3, LE);
        // At at[3] - 3: seconds from the last 3 data bytes and the low byte of T + 3; make
        // every other field of the misread header plausible.
        ByteBuffer.wrap(file).order(LE).putInt((int) at[3] - 3 + 4, 0).putInt((int) at[3] - 3 + 8, 20)
                .putInt((int) at[3] - 3 + 12, 20);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[2], at[4], at[5]);
            assertThat(reader.skips()).hasSize(1);
            assertThat(reader.skips().get(0).fromOffset()).isEqualTo(at[3] - 3);
            assertThat(reader.skips().get(0).reason()).contains("s away from the previous record's " + (T + 2) + " s, "
                    + "and no record header follows it");
            assertThat(reader.skips().get(0).toOffset()).isEqualTo(at[4]);
        }
    }

    @Test
    void pcapIdleGapOfDaysIsNoDamage() throws IOException {
        byte[] file = header(LE, false, 65535, 1)
                .u32(T).u32(0).u32(4).u32(4).u32(1)
                .u32(T + 10 * 86_400).u32(0).u32(4).u32(4).u32(2)   // ten days later
                .u32(T + 10 * 86_400 + 1).u32(0).u32(4).u32(4).u32(3)
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(3);
            assertThat(reader.errors()).isEmpty();
            assertThat(reader.skips()).isEmpty();
        }
    }

    @Test
    void pcapGarbageToTheEndStopsAtTheDamage() throws IOException {
        long[] at = new long[3];
        byte[] good = pcap(LE, 3, at);
        byte[] file = PcapngBuilder.concat(good, ByteVector.le().u32(T + 3).u32(0).u32(100_000).u32(100_000).toArray(),
                payload(5, 5000));
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(3);
            assertThat(reader.readToEnd()).isFalse();
            assertThat(reader.stoppedAt()).isEqualTo(good.length);
            assertThat(reader.skips()).isEmpty();
            assertThat(reader.bytesSkipped()).isZero();
            assertThat(messages(reader)).containsExactly("pcap record at offset " + good.length
                    + ": captured length 100000 runs past end of file (5000 bytes left)");
        }
    }

    @Test
    void pcapCapturedLengthAboveSnaplenWithNoRecordAfterItIsDamage() throws IOException {
        long[] at = new long[4];
        byte[] file = pcap(LE, 4, at);
        putU32(file, (int) at[1] + 8, 65_536 + 4, LE); // above snaplen 65535, below the maximum
        putU32(file, (int) at[1] + 12, 65_536 + 4, LE);
        // Make it fit in the file so only the follower check can tell.
        byte[] padded = PcapngBuilder.concat(file, payload(8, 70_000));
        try (CaptureReader reader = CaptureReader.of(padded)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[0], at[2], at[3]);
            assertThat(messages(reader)).first().isEqualTo("pcap record at offset " + at[1]
                    + ": captured length 65540 is larger than the snaplen 65535 of the file header, "
                    + "and no record header follows it");
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(at[1], at[2]));
            // The random tail after the last record is damage with nothing good after it.
            assertThat(messages(reader)).hasSize(2);
            assertThat(reader.readToEnd()).isFalse();
            assertThat(reader.stoppedAt()).isEqualTo(file.length);
        }
    }

    // ---------------------------------------------------------------------------------------
    // pcapng

    /** SHB (28) + IDB (20) + {@code n} EPBs of 40 + 4i data bytes, little-endian; offsets in {@code at}. */
    private static PcapngBuilder pcapng(int n, long[] at) {
        PcapngBuilder b = new PcapngBuilder(LE).shb().idb(1, 0);
        for (int i = 0; i < n; i++) {
            at[i] = b.size();
            b.epb(0, 1000L * i, payload(i, 40 + 4 * i));
        }
        return b;
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(longs = {0, 1, 6, 13, 0xFFFF_FFF0L, 0xFFFF_FFFFL})
    void pcapngBlockLengthThatCannotBeUsedIsSkipped(long badLength) throws IOException {
        long[] at = new long[8];
        byte[] file = pcapng(8, at).build();
        putU32(file, (int) at[3] + 4, badLength, LE);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[2], at[4], at[5], at[6], at[7]);
            assertThat(reader.skips()).hasSize(1);
            Skip skip = reader.skips().get(0);
            assertThat(skip.fromOffset()).isEqualTo(at[3]);
            assertThat(skip.toOffset()).isEqualTo(at[4]);
            assertThat(skip.reason()).startsWith("pcapng block at offset " + at[3] + ": length " + badLength);
            assertThat(messages(reader)).containsExactly(skip.reason());
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    @Test
    void pcapngLeadingLengthWrongButAlignedAndInTheFileIsCaughtByItsTrailer() throws IOException {
        long[] at = new long[6];
        byte[] file = pcapng(6, at).build();
        long real = at[3] - at[2];
        putU32(file, (int) at[2] + 4, real + 8, LE); // lands 8 bytes into block 3
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[3], at[4], at[5]);
            // The trailing length read 4 bytes before the wrong end is block 3's leading length.
            String reason = "pcapng block at offset " + at[2] + ": trailing length " + readU32(file, (int) at[3] + 4)
                    + " does not match length " + (real + 8) + ", and no block follows it";
            assertThat(reader.skips()).containsExactly(new Skip(at[2], at[3], reason));
        }
    }

    private static long readU32(byte[] file, int at) {
        return ByteBuffer.wrap(file).order(LE).getInt(at) & 0xFFFF_FFFFL;
    }

    @Test
    void pcapngTrailerWrongButLeadingLengthRightSkipsTheBlockByItsLength() throws IOException {
        long[] at = new long[4];
        byte[] file = pcapng(4, at).build();
        putU32(file, (int) at[2] - 4, 12345, LE); // block 1's trailing length
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[0], at[2], at[3]);
            assertThat(messages(reader)).containsExactly("pcapng block at offset " + at[1]
                    + ": trailing length 12345 does not match length " + (at[2] - at[1]));
            assertThat(reader.skips()).isEmpty(); // a block skipped by a corroborated length is no resync
        }
    }

    @Test
    void pcapngBytesInsertedFindTheNextBlockAtAnUnalignedOffset() throws IOException {
        long[] at = new long[5];
        byte[] good = pcapng(5, at).build();
        int cut = (int) at[2] + 4; // inside block 2's length field: 3 garbage bytes
        byte[] file = PcapngBuilder.concat(java.util.Arrays.copyOf(good, cut), new byte[] {(byte) 0xEE, (byte) 0xEE, 0x11},
                java.util.Arrays.copyOfRange(good, cut, good.length));
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset)
                    .containsExactly(at[0], at[1], at[3] + 3, at[4] + 3);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(at[2], at[3] + 3));
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    @Test
    void pcapngScanDoesNotStopAtALookAlikeBlockForAnUnknownInterface() throws IOException {
        long[] at = new long[3];
        PcapngBuilder b = pcapng(2, at);
        long bad = b.size();
        // A block that cannot be skipped, then a well-formed EPB naming interface 7 (there is
        // only interface 0), then a good EPB.
        b.raw(PcapngBuilder.EPB, 2, new byte[20], 2);
        long fake = b.size();
        b.epb(7, 5, payload(1, 8));
        long next = b.size();
        b.epb(0, 6, payload(2, 8));
        try (CaptureReader reader = CaptureReader.of(b.build())) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[0], at[1], next);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(bad, next));
            assertThat(fake).isBetween(bad, next);
        }
    }

    @Test
    void pcapngBadByteOrderMagicInALaterSectionFindsItsBlocksIfTheOrderIsTheSame() throws IOException {
        long[] at = new long[2];
        PcapngBuilder b = pcapng(2, at);
        long shb = b.size();
        b.shb().idb(1, 0);
        long epb = b.size();
        b.epb(0, 9, payload(3, 12));
        byte[] file = b.build();
        putU32(file, (int) shb + 8, 0x11223344, LE);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[0], at[1], epb);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(shb, shb + 28));
        }
    }

    @Test
    void pcapngScanFindsASectionHeaderInTheOtherByteOrder() throws IOException {
        long[] at = new long[2];
        PcapngBuilder b = pcapng(2, at);
        long bad = b.size();
        b.raw(PcapngBuilder.EPB, 0x7FFF_FFF0L, payload(4, 30), 0);
        long shb = b.size();
        byte[] file = PcapngBuilder.concat(b.build(), new PcapngBuilder(BE).shb().idb(1, 0).epb(0, 1, payload(5, 9)).build());
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(at[0], at[1], shb + 48);
            assertThat(reader.skips()).extracting(Skip::fromOffset, Skip::toOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(bad, shb));
            assertThat(reader.sectionsRead()).isEqualTo(2);
        }
    }

    @Test
    void pcapngGarbageToTheEndStopsAtTheDamage() throws IOException {
        long[] at = new long[3];
        byte[] good = pcapng(3, at).build();
        byte[] file = PcapngBuilder.concat(good, ByteVector.le().u32(6).u32(1).toArray(), payload(6, 4000));
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(3);
            assertThat(reader.readToEnd()).isFalse();
            assertThat(reader.stoppedAt()).isEqualTo(good.length);
            assertThat(reader.skips()).isEmpty();
            assertThat(messages(reader)).containsExactly("pcapng block at offset " + good.length + ": length 1 is shorter than 12");
        }
    }

    @Test
    void windowsOfAnySizeResynchroniseAlike() throws IOException {
        long[] at = new long[8];
        byte[] file = pcapng(8, at).build();
        putU32(file, (int) at[2] + 4, 6, LE);
        putU32(file, (int) at[5] + 4, 0xFFFF_FFF0L, LE);
        List<Long> expected = null;
        for (long window : new long[] {CaptureReader.DEFAULT_WINDOW, 13, 29, 64, 100}) {
            try (CaptureReader reader = CaptureReader.of(ByteBuffer.wrap(file), window)) {
                List<Long> offsets = new ArrayList<>();
                readAll(reader).forEach(r -> offsets.add(r.fileOffset()));
                offsets.add(-1L);
                reader.skips().forEach(s -> offsets.add(s.toOffset()));
                if (expected == null) {
                    expected = offsets;
                    assertThat(offsets).containsExactly(at[0], at[1], at[3], at[4], at[6], at[7], -1L, at[3], at[6]);
                } else {
                    assertThat(offsets).as("window " + window).isEqualTo(expected);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Scanning stays linear

    @Test
    void twentyMegabytesOfGarbageAreScannedOnceAfterAPcapHeader() throws IOException {
        byte[] garbage = payload(42, 20 << 20);
        byte[] file = PcapngBuilder.concat(header(LE, false, 65535, 1)
                .u32(T).u32(0).u32(4).u32(4).u32(0x01020304)           // one good record
                .u32(T).u32(0).u32(0xFFFF_FFFFL).u32(0).toArray(), garbage);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(reader.positionsScanned()).isLessThanOrEqualTo(file.length);
            assertThat(reader.stoppedAt()).isEqualTo(44);
        }
    }

    @Test
    void twentyMegabytesOfGarbageAreScannedOnceAfterAPcapngHeader() throws IOException {
        byte[] garbage = payload(43, 20 << 20);
        byte[] file = PcapngBuilder.concat(new PcapngBuilder(LE).shb().idb(1, 0).build(), ByteVector.le().u32(6).u32(0).toArray(),
                garbage);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).isEmpty();
            assertThat(reader.positionsScanned()).isLessThanOrEqualTo(file.length);
            assertThat(reader.stoppedAt()).isEqualTo(48);
        }
    }

    @Test
    void manyDamagedRecordsInARowAreStillScannedOnce() throws IOException {
        // One record in ten claims 4 GiB: 1,200 resynchronisations, each found 56 bytes on.
        ByteVector v = header(LE, false, 65535, 1);
        for (int i = 0; i < 12_000; i++) {
            v.u32(T + i).u32(0).u32(i % 10 == 5 ? 0xFFFF_FFFFL : 40).u32(40).bytes(payload(i, 40));
        }
        byte[] file = v.toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(10_800);
            assertThat(reader.skipCount()).isEqualTo(1_200);
            assertThat(reader.bytesSkipped()).isEqualTo(1_200 * 56);
            assertThat(reader.skips()).hasSize(CaptureReader.MAX_STORED_ERRORS);
            assertThat(reader.errorCount()).isEqualTo(1_200);
            // Each scan looks at the 56 positions after its damaged record, the last one the record found.
            assertThat(reader.positionsScanned()).isEqualTo(1_200 * 56);
            assertThat(reader.readToEnd()).isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------
    // A broken first Section Header Block is a broken file header

    private static byte[] shb(long length, long trailer) {
        return ByteVector.le().u32(0x0A0D0D0A).u32(length).u32(0x1A2B3C4D).u16(1).u16(0).u64(-1)
                .zeros((int) Math.max(0, Math.min(length, 64) - 28)).u32(trailer).toArray();
    }

    @Test
    void fileShorterThanItsSectionHeader() {
        byte[] cut = java.util.Arrays.copyOf(shb(28, 28), 20);
        assertThatThrownBy(() -> CaptureReader.of(cut))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0 is truncated: the file is 20 bytes long, "
                        + "the block claims 28")
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(0L);
    }

    @Test
    void sectionHeaderLengthTooShort() {
        assertThatThrownBy(() -> CaptureReader.of(PcapngBuilder.concat(shb(24, 24), new byte[40])))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0: length 24 is shorter than 28")
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(4L);
    }

    @Test
    void sectionHeaderLengthNotAMultipleOf4() {
        assertThatThrownBy(() -> CaptureReader.of(PcapngBuilder.concat(shb(30, 30), new byte[40])))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0: length 30 is not a multiple of 4");
    }

    @Test
    void sectionHeaderLengthPastTheEnd() {
        assertThatThrownBy(() -> CaptureReader.of(PcapngBuilder.concat(shb(4096, 4096), new byte[8])))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0 is truncated: the file is 72 bytes long, "
                        + "the block claims 4096");
    }

    @Test
    void sectionHeaderTrailerDisagrees() {
        byte[] file = PcapngBuilder.concat(shb(28, 32), new PcapngBuilder(LE).idb(1, 0).build());
        assertThatThrownBy(() -> CaptureReader.of(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0: trailing length 32 does not match length 28")
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(24L);
    }
}

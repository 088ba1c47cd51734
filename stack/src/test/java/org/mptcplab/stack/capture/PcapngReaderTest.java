package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mptcplab.stack.capture.PcapReaderTest.messages;
import static org.mptcplab.stack.capture.PcapReaderTest.readAll;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pcapng (draft-ietf-opsawg-pcapng): hand-built files, every block kind and every error. */
class PcapngReaderTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final long T = 1_600_000_000L;
    private static final long NS = 1_000_000_000L;
    private static final byte[] FIVE = {1, 2, 3, 4, 5};

    static byte[] tsresol(ByteOrder order, int value) {
        return PcapngBuilder.option(order, 9, new byte[] {(byte) value});
    }

    static byte[] tsoffset(ByteOrder order, long seconds) {
        return PcapngBuilder.option(order, 14, ByteVector.of(order).u64(seconds).toArray());
    }

    static byte[] endOfOptions() {
        return new byte[4]; // opt_endofopt: code 0, length 0
    }

    // ---------------------------------------------------------------------------------------
    // Valid files, written out field by field

    @Test
    void minimalLittleEndian() throws IOException {
        byte[] file = ByteVector.le()
                // Section Header Block at 0
                .u32(0x0A0D0D0A)        // block type SHB
                .u32(28)                // block total length
                .u32(0x1A2B3C4D)        // byte-order magic: written little-endian
                .u16(1).u16(0)          // version 1.0
                .u64(-1)                // section length: unknown
                .u32(28)                // trailing block total length
                // Interface Description Block at 28
                .u32(1)                 // block type IDB
                .u32(20)                // block total length
                .u16(1).u16(0)          // link type Ethernet, reserved
                .u32(0)                 // snaplen 0: no limit
                .u32(20)                // trailing length; no options, so tsresol 10^-6
                // Enhanced Packet Block at 48
                .u32(6)                 // block type EPB
                .u32(40)                // block total length: 28 + 8 (5 bytes padded) + 4
                .u32(0)                 // interface id 0
                .u32(0x0005AF31)        // timestamp high: (T * 10^6 + 7) >>> 32
                .u32(0x07A40007L)       // timestamp low
                .u32(5)                 // captured length
                .u32(64)                // original length
                .bytes(1, 2, 3, 4, 5)   // packet data
                .zeros(3)               // padding to 32 bits
                .u32(40)                // trailing length
                .toArray();
        assertThat(((0x0005AF31L << 32) | 0x07A40007L)).isEqualTo(T * 1_000_000 + 7);
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.isPcapng()).isTrue();
            assertThat(reader.linkType()).isEqualTo(-1);
            assertThat(reader.snapLength()).isEqualTo(-1);
            assertThat(readAll(reader)).containsExactly(
                    new CaptureRecord(T * NS + 7_000, LinkType.ETHERNET, 5, 64, 48, 0, FIVE));
            assertThat(reader.errors()).isEmpty();
            assertThat(reader.sectionsRead()).isEqualTo(1);
        }
    }

    @Test
    void minimalBigEndianWithOptions() throws IOException {
        byte[] file = ByteVector.be()
                // Section Header Block at 0
                .u32(0x0A0D0D0A)        // block type SHB
                .u32(40)                // block total length
                .u32(0x1A2B3C4D)        // byte-order magic: written big-endian
                .u16(1).u16(0)          // version 1.0
                .u64(60)                // section length: the IDB and EPB below
                .u16(4).u16(3)          // option shb_userappl, length 3
                .bytes('a', 'b', 'c', 0)// "abc" + padding
                .u32(0)                 // opt_endofopt
                .u32(40)                // trailing length
                // Interface Description Block at 40
                .u32(1)                 // block type IDB
                .u32(32)                // block total length
                .u16(101).u16(0)        // link type raw IP, reserved
                .u32(65535)             // snaplen
                .u16(9).u16(1)          // option if_tsresol, length 1
                .bytes(9, 0, 0, 0)      // 10^-9 + padding
                .u32(0)                 // opt_endofopt
                .u32(32)                // trailing length
                // Enhanced Packet Block at 72
                .u32(6)                 // block type EPB
                .u32(36)                // block total length
                .u32(0)                 // interface id
                .u32((T * NS + 42) >>> 32).u32(T * NS + 42) // timestamp in ns
                .u32(4).u32(4)          // captured, original length
                .bytes(0x45, 0, 0, 4)   // packet data (no padding needed)
                .u32(36)                // trailing length
                .toArray();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).containsExactly(
                    new CaptureRecord(T * NS + 42, LinkType.RAW, 4, 4, 72, 0, new byte[] {0x45, 0, 0, 4}));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void tsresolPowersOfTen() throws IOException {
        for (ByteOrder order : List.of(LE, BE)) {
            byte[] file = new PcapngBuilder(order).shb()
                    .idb(1, 0, PcapngBuilder.concat(tsresol(order, 6), endOfOptions()))  // interface 0: µs
                    .idb(1, 0, PcapngBuilder.concat(tsresol(order, 9), endOfOptions()))  // interface 1: ns
                    .idb(1, 0, PcapngBuilder.concat(tsresol(order, 0), endOfOptions()))  // interface 2: s
                    .idb(1, 0, PcapngBuilder.concat(tsresol(order, 12), endOfOptions())) // interface 3: ps
                    .idb(1, 0, tsresol(order, 30))   // interface 4: 10^-30 s, no opt_endofopt
                    .epb(0, T * 1_000_000 + 1, FIVE)
                    .epb(1, T * NS + 1, FIVE)
                    .epb(2, T, FIVE)
                    .epb(3, 5_000_001_999L, FIVE)       // 5000001.999 ns
                    .epb(4, -1L, FIVE)               // 2^64 - 1 units of 10^-30 s: under 1 ns
                    .build();
            try (CaptureReader reader = CaptureReader.of(file)) {
                assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos)
                        .containsExactly(T * NS + 1000, T * NS + 1, T * NS, 5_000_001L, 0L);
                assertThat(readAll(reader)).isEmpty();
                assertThat(reader.errors()).isEmpty();
            }
        }
    }

    @Test
    void tsresolPowersOfTwo() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb()
                .idb(1, 0, tsresol(LE, 0x80 | 10))  // 2^-10 s
                .idb(1, 0, tsresol(LE, 0x80 | 32))  // 2^-32 s
                .idb(1, 0, tsresol(LE, 0x80))       // 2^-0 = 1 s
                .epb(0, 5 * 1024 + 512, FIVE)       // 5.5 s
                .epb(1, (T << 32) | 0x8000_0000L, FIVE)   // T + 0.5 s
                .epb(1, (T << 32) | 1, FIVE)        // T + 2^-32 s = T + 0.23 ns: floored
                .epb(2, T, FIVE)
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos)
                    .containsExactly(5_500_000_000L, T * NS + 500_000_000L, T * NS, T * NS);
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void tsoffsetIsAddedInSeconds() throws IOException {
        byte[] file = new PcapngBuilder(BE).shb()
                .idb(1, 0, PcapngBuilder.concat(tsoffset(BE, T), endOfOptions()))
                .idb(1, 0, PcapngBuilder.concat(tsresol(BE, 9), tsoffset(BE, -10), endOfOptions()))
                .epb(0, 1_500_000, FIVE)            // 1.5 s after T
                .epb(1, 4 * NS, FIVE)               // 4 s minus 10 s: before 1970
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos)
                    .containsExactly(T * NS + 1_500_000_000L, -6 * NS);
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void negativeTsoffsetBringsAHugeCountBackInRange() throws IOException {
        long units = Long.MIN_VALUE + 5; // 2^63 + 5 ns: beyond a signed long on its own
        byte[] file = new PcapngBuilder(LE).shb()
                .idb(1, 0, PcapngBuilder.concat(tsresol(LE, 9), tsoffset(LE, -10)))
                .epb(0, units, FIVE)
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(reader.next().timestampNanos()).isEqualTo(Long.MAX_VALUE - 10 * NS + 6);
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void simplePacketBlocks() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb()
                .idb(LinkType.LINUX_SLL, 4)                     // snaplen 4
                .idb(LinkType.ETHERNET, 0)                      // never used by an SPB
                .spb(10, new byte[] {9, 8, 7, 6})               // 10 on the wire, 4 kept
                .spb(3, new byte[] {1, 2, 3})                   // shorter than the snaplen
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            List<CaptureRecord> records = readAll(reader);
            assertThat(records).containsExactly(
                    new CaptureRecord(0, LinkType.LINUX_SLL, 4, 10, 68, 0, new byte[] {9, 8, 7, 6}),
                    new CaptureRecord(0, LinkType.LINUX_SLL, 3, 3, 88, 0, new byte[] {1, 2, 3}));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void obsoletePacketBlock() throws IOException {
        byte[] file = new PcapngBuilder(BE).shb()
                .idb(LinkType.PPP, 0)
                .idb(LinkType.ETHERNET, 0)
                .pb(1, 0xFFFF, T * 1_000_000, FIVE, 100)       // interface 1, drops unknown
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).containsExactly(
                    new CaptureRecord(T * NS, LinkType.ETHERNET, 5, 100, 68, 1, FIVE));
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void otherBlocksAreSkippedByLength() throws IOException {
        PcapngBuilder b = new PcapngBuilder(LE).shb()
                .block(PcapngBuilder.NRB, new byte[] {1, 0, 6, 0, 127, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0})
                .idb(1, 0)
                .epb(0, 1, FIVE);
        b.block(PcapngBuilder.ISB, new byte[20])                       // interface statistics
                .block(10, new byte[] {'T', 'L', 'S', 'K', 0, 0, 0, 0}) // decryption secrets
                .block(PcapngBuilder.CUSTOM, new byte[] {0, 0, 0x7f, (byte) 0xfe, 1, 2, 3})
                .block(0x8000_0001, new byte[0])                        // local use, empty body
                .block(9, new byte[40])                                 // systemd journal export
                .epb(0, 2, FIVE);
        try (CaptureReader reader = CaptureReader.of(b.build())) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(1000L, 2000L);
            assertThat(reader.errors()).isEmpty();
        }
    }

    @Test
    void twoSectionsOfDifferentByteOrder() throws IOException {
        PcapngBuilder b = new PcapngBuilder(LE).shb()
                .idb(LinkType.ETHERNET, 0)
                .idb(LinkType.LINUX_SLL, 0, tsresol(LE, 9))
                .epb(1, 7, FIVE);
        int second = b.size();
        b.shb(BE, 1, 2, -1, new byte[0])            // version 1.2 counts as 1.0
                .idb(LinkType.RAW, 0)
                .epb(0, 8, FIVE)
                .epb(1, 9, FIVE);                       // interface 1 belonged to section 1 only
        byte[] file = b.build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            List<CaptureRecord> records = readAll(reader);
            assertThat(records).extracting(CaptureRecord::linkType).containsExactly(LinkType.LINUX_SLL, LinkType.RAW);
            assertThat(records).extracting(CaptureRecord::interfaceId).containsExactly(1, 0);
            assertThat(records).extracting(CaptureRecord::timestampNanos).containsExactly(7L, 8_000L);
            assertThat(reader.sectionsRead()).isEqualTo(2);
            long last = second + 28 + 20 + 40;
            assertThat(messages(reader)).containsExactly("pcapng Enhanced Packet Block at offset " + last
                    + ": interface id 1 is not defined (the section has 1 interface)");
        }
    }

    @Test
    void unsupportedVersionSkipsToTheNextSection() throws IOException {
        PcapngBuilder b = new PcapngBuilder(LE).shb()
                .idb(1, 0)
                .epb(0, 1, FIVE);
        int second = b.size();
        b.shb(LE, 2, 0, -1, new byte[0])            // major version 2: layout unknown
                .idb(1, 0)
                .epb(0, 2, FIVE)                        // skipped with its section
                .shb(BE, 1, 1, -1, new byte[0])         // version 1.1: skipped too
                .idb(1, 0)
                .epb(0, 3, FIVE);
        int fourth = b.size();
        b.shb(LE, 1, 0, -1, new byte[0])
                .idb(1, 0)
                .epb(0, 4, FIVE);
        try (CaptureReader reader = CaptureReader.of(b.build())) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(1000L, 4000L);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Section Header Block at offset " + second
                            + ": version 2.0 is not supported (expected 1.0 or 1.2); skipping the section",
                    "pcapng Section Header Block at offset " + (second + 28 + 20 + 40)
                            + ": version 1.1 is not supported (expected 1.0 or 1.2); skipping the section");
            assertThat(reader.sectionsRead()).isEqualTo(4);
            assertThat(fourth).isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Not a pcapng file at all

    @Test
    void badByteOrderMagicInTheFirstSectionIsFatal() {
        byte[] file = ByteVector.le().u32(0x0A0D0D0A).u32(28).u32(0x11223344).u16(1).u16(0).u64(-1).u32(28).toArray();
        assertThatThrownBy(() -> CaptureReader.of(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0: byte-order magic 0x44332211 is "
                        + "neither 0x1a2b3c4d (big-endian) nor 0x4d3c2b1a (little-endian)")
                .extracting(e -> ((CaptureFormatException) e).offset()).isEqualTo(8L);
    }

    @Test
    void sectionHeaderTooShortToReachTheByteOrderMagic() {
        assertThatThrownBy(() -> CaptureReader.of(ByteVector.le().u32(0x0A0D0D0A).u32(28).toArray()))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("<memory>: pcapng Section Header Block at offset 0 is truncated: the file is 8 bytes "
                        + "long, at least 12 are needed to reach the byte-order magic");
    }

    // ---------------------------------------------------------------------------------------
    // Damaged blocks: CaptureErrors

    /** SHB (28) + IDB (20, Ethernet, no snaplen) in little-endian: the next block is at 48. */
    private static PcapngBuilder start() {
        return new PcapngBuilder(LE).shb().idb(1, 0);
    }

    private static List<String> errorsOf(byte[] file) throws IOException {
        try (CaptureReader reader = CaptureReader.of(file)) {
            readAll(reader);
            return messages(reader);
        }
    }

    @Test
    void blockLengthShorterThan12() throws IOException {
        byte[] file = start().raw(PcapngBuilder.EPB, 7, new byte[0], 7).epb(0, 1, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            // Cannot be skipped by its length: the scan finds the EPB after it (see PcapngResyncTest).
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(60L);
            assertThat(messages(reader)).containsExactly("pcapng block at offset 48: length 7 is shorter than 12");
        }
    }

    @Test
    void blockLengthNotAMultipleOf4() throws IOException {
        byte[] file = start().raw(PcapngBuilder.EPB, 14, new byte[4], 14).build();
        assertThat(errorsOf(file)).containsExactly("pcapng block at offset 48: length 14 is not a multiple of 4");
    }

    @Test
    void blockLengthRunsPastEndOfFile() throws IOException {
        byte[] file = start().raw(PcapngBuilder.EPB, 1000, new byte[28], 1000).build();
        assertThat(errorsOf(file)).containsExactly(
                "pcapng block at offset 48: length 1000 runs past end of file (40 bytes left)");
    }

    @Test
    void trailingLengthMismatchSkipsTheBlockOnly() throws IOException {
        byte[] badEpb = new PcapngBuilder(LE).epb(0, 1, new byte[4]).build(); // 36 bytes
        badEpb[32] = 32; // trailing length 32 instead of 36
        byte[] file = start().bytes(badEpb).epb(0, 2, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::fileOffset).containsExactly(84L);
            assertThat(messages(reader)).containsExactly(
                    "pcapng block at offset 48: trailing length 32 does not match length 36");
        }
    }

    @Test
    void trailingBytesTooFewForABlock() throws IOException {
        byte[] file = start().epb(0, 1, FIVE).bytes(new byte[] {6, 0, 0, 0, 12, 0, 0, 0}).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(messages(reader)).containsExactly(
                    "pcapng block at offset 88: only 8 bytes left before end of file, a block needs at least 12");
        }
    }

    @Test
    void badByteOrderMagicInALaterSectionEndsReading() throws IOException {
        byte[] file = start().epb(0, 1, FIVE)
                .bytes(ByteVector.le().u32(0x0A0D0D0A).u32(28).u32(0x11223344).u16(1).u16(0).u64(-1).u32(28).toArray())
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(messages(reader)).containsExactly("pcapng Section Header Block at offset 88: byte-order "
                    + "magic 0x44332211 is neither 0x1a2b3c4d (big-endian) nor 0x4d3c2b1a (little-endian)");
        }
    }

    @Test
    void sectionHeaderShorterThan28() throws IOException {
        byte[] shortShb = ByteVector.le().u32(0x0A0D0D0A).u32(24).u32(0x1A2B3C4D).u16(1).u16(0).u32(0).u32(24).toArray();
        byte[] file = start().epb(0, 1, FIVE)
                .bytes(shortShb).idb(1, 0).epb(0, 2, FIVE)     // this section is skipped
                .shb().idb(1, 0).epb(0, 3, FIVE)
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(1000L, 3000L);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Section Header Block at offset 88: length 24 is shorter than 28; skipping the section");
        }
    }

    @Test
    void damagedSectionHeaderTrailerSkipsItsSection() throws IOException {
        byte[] shb = new PcapngBuilder(BE).shb().build();
        shb[27] = 32; // big-endian trailing length 32 instead of 28
        byte[] file = start().epb(0, 1, FIVE)
                .bytes(shb)
                .bytes(new PcapngBuilder(BE).idb(1, 0).epb(0, 2, FIVE).build())
                .bytes(new PcapngBuilder(LE).shb().idb(1, 0).epb(0, 3, FIVE).build())
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(1000L, 3000L);
            assertThat(messages(reader)).containsExactly(
                    "pcapng block at offset 88: trailing length 32 does not match length 28");
            assertThat(reader.sectionsRead()).isEqualTo(3);
        }
    }

    @Test
    void interfaceDescriptionShorterThan20() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb()
                .raw(PcapngBuilder.IDB, 16, new byte[4], 16)   // too short: interface 0 is unusable
                .idb(LinkType.RAW, 0)                          // but this one is still interface 1
                .epb(0, 1, FIVE)
                .epb(1, 2, FIVE)
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::linkType).containsExactly(LinkType.RAW);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Interface Description Block at offset 28: length 16 is shorter than 20",
                    "pcapng Enhanced Packet Block at offset 64: interface 0 was described by the malformed "
                            + "Interface Description Block at offset 28");
        }
    }

    @Test
    void interfaceOptionRunsPastTheBlock() throws IOException {
        byte[] options = ByteVector.le()
                .u16(9).u16(1).bytes(9, 0, 0, 0)       // if_tsresol 9: read before the damage
                .u16(2).u16(100).bytes('e', 't', 'h', '0') // if_name claiming 100 bytes, 4 there
                .toArray();
        byte[] file = new PcapngBuilder(LE).shb().idb(1, 0, options).epb(0, 5, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(5L);
            assertThat(messages(reader)).containsExactly("pcapng Interface Description Block at offset 28: "
                    + "option 2 at offset 52: length 100 runs past the end of the block (4 bytes left)");
        }
    }

    @Test
    void timestampOptionsOfTheWrongLengthAreIgnored() throws IOException {
        byte[] options = ByteVector.le()
                .u16(9).u16(2).bytes(9, 9, 0, 0)       // if_tsresol must have length 1
                .u16(14).u16(4).u32(T)                 // if_tsoffset must have length 8
                .u32(0)                                // opt_endofopt
                .toArray();
        byte[] file = new PcapngBuilder(LE).shb().idb(1, 0, options).epb(0, 5, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(5_000L);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Interface Description Block at offset 28: if_tsresol option at offset 44 has length 2, "
                            + "expected 1; ignoring it",
                    "pcapng Interface Description Block at offset 28: if_tsoffset option at offset 52 has length 4, "
                            + "expected 8; ignoring it");
        }
    }

    @Test
    void tsoffsetOutOfRangeIsIgnored() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb().idb(1, 0, tsoffset(LE, Long.MIN_VALUE)).epb(0, 5, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos).containsExactly(5_000L);
            assertThat(messages(reader)).containsExactly("pcapng Interface Description Block at offset 28: "
                    + "if_tsoffset -9223372036854775808 s is out of range (more than 9223372036 s); ignoring it");
        }
    }

    @Test
    void enhancedPacketBlockShorterThan32() throws IOException {
        byte[] file = start().raw(PcapngBuilder.EPB, 28, new byte[16], 28).epb(0, 1, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1); // skipped by its (sane) length
            assertThat(messages(reader)).containsExactly(
                    "pcapng Enhanced Packet Block at offset 48: length 28 is shorter than 32");
        }
    }

    @Test
    void capturedLengthDoesNotFitTheBlock() throws IOException {
        byte[] body = ByteVector.le().u32(0).u32(0).u32(1).u32(100).u32(100).zeros(8).toArray();
        byte[] file = start().block(PcapngBuilder.EPB, body).epb(0, 1, FIVE).build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(messages(reader)).containsExactly("pcapng Enhanced Packet Block at offset 48: captured length "
                    + "100 does not fit in the block (room for 8 bytes of packet data)");
        }
    }

    @Test
    void capturedLengthAboveTheMaximum() throws IOException {
        byte[] body = ByteVector.le().u32(0).u32(0).u32(1).u32(262_148).u32(262_148).zeros(262_148).toArray();
        byte[] file = start().block(PcapngBuilder.EPB, body).build();
        assertThat(errorsOf(file)).containsExactly(
                "pcapng Enhanced Packet Block at offset 48: captured length 262148 is larger than the maximum 262144");
    }

    @Test
    void unknownInterfaceId() throws IOException {
        byte[] file = start().epb(3, 1, FIVE).pb(7, 0, 1, FIVE, 5).build();
        assertThat(errorsOf(file)).containsExactly(
                "pcapng Enhanced Packet Block at offset 48: interface id 3 is not defined (the section has 1 interface)",
                "pcapng Packet Block at offset 88: interface id 7 is not defined (the section has 1 interface)");
        byte[] none = new PcapngBuilder(BE).shb().epb(0, 1, FIVE).build();
        assertThat(errorsOf(none)).containsExactly(
                "pcapng Enhanced Packet Block at offset 28: interface id 0 is not defined (the section has 0 interfaces)");
        byte[] huge = start().epb(0xFFFF_FFFFL, 1, FIVE).build();
        assertThat(errorsOf(huge)).containsExactly("pcapng Enhanced Packet Block at offset 48: "
                + "interface id 4294967295 is not defined (the section has 1 interface)");
    }

    @Test
    void snaplenAndOriginalLengthAreCheckedButThePacketIsKept() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb().idb(1, 4)
                .epb(0, 1, FIVE, 5, new byte[0])    // 5 captured, snaplen 4
                .epb(0, 2, new byte[] {1, 2}, 1, new byte[0])  // original 1 < captured 2
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::capturedLength).containsExactly(5, 2);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Enhanced Packet Block at offset 48: captured length 5 is larger than the snaplen 4 of interface 0",
                    "pcapng Enhanced Packet Block at offset 88: original length 1 is smaller than captured length 2");
        }
    }

    @Test
    void timestampBeyondYear2262() throws IOException {
        byte[] file = new PcapngBuilder(LE).shb()
                .idb(1, 0, tsresol(LE, 9))
                .idb(1, 0)
                .epb(0, -1L, FIVE)                      // 2^64 - 1 ns
                .epb(1, Long.MAX_VALUE / 1000 + 1, FIVE) // just past the limit in µs
                .build();
        try (CaptureReader reader = CaptureReader.of(file)) {
            assertThat(readAll(reader)).extracting(CaptureRecord::timestampNanos)
                    .containsExactly(Long.MAX_VALUE, Long.MAX_VALUE);
            assertThat(messages(reader)).containsExactly(
                    "pcapng Enhanced Packet Block at offset 76: timestamp 18446744073709551615 in units of 10^-9 s "
                            + "does not fit in 64-bit nanoseconds since 1970 (years 1677 to 2262); using the largest value",
                    "pcapng Enhanced Packet Block at offset 116: timestamp 9223372036854776 in units of 10^-6 s "
                            + "does not fit in 64-bit nanoseconds since 1970 (years 1677 to 2262); using the largest value");
        }
    }

    @Test
    void simplePacketBlockErrors() throws IOException {
        byte[] noInterface = new PcapngBuilder(LE).shb().spb(5, FIVE).build();
        assertThat(errorsOf(noInterface)).containsExactly("pcapng Simple Packet Block at offset 28: no Interface "
                + "Description Block precedes it in its section (a Simple Packet Block belongs to interface 0)");

        byte[] tooShort = start().raw(PcapngBuilder.SPB, 12, new byte[0], 12).build();
        assertThat(errorsOf(tooShort)).containsExactly(
                "pcapng Simple Packet Block at offset 48: length 12 is shorter than 16");

        byte[] doesNotFit = start().raw(PcapngBuilder.SPB, 24, ByteVector.le().u32(100).zeros(8).toArray(), 24).build();
        assertThat(errorsOf(doesNotFit)).containsExactly("pcapng Simple Packet Block at offset 48: captured length "
                + "100 (the smaller of original length 100 and snaplen 0) does not fit in the block "
                + "(room for 8 bytes of packet data)");

        byte[] huge = start().raw(PcapngBuilder.SPB, 24, ByteVector.le().u32(300_000).zeros(8).toArray(), 24).build();
        assertThat(errorsOf(huge)).containsExactly("pcapng Simple Packet Block at offset 48: captured length "
                + "300000 (the smaller of original length 300000 and snaplen 0) is larger than the maximum 262144");

        byte[] malformedInterface = new PcapngBuilder(LE).shb()
                .raw(PcapngBuilder.IDB, 12, new byte[0], 12).spb(5, FIVE).build();
        assertThat(errorsOf(malformedInterface)).containsExactly(
                "pcapng Interface Description Block at offset 28: length 12 is shorter than 20",
                "pcapng Simple Packet Block at offset 40: interface 0 was described by the malformed "
                        + "Interface Description Block at offset 28");
    }
}

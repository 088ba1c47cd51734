package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.capture.PcapReaderTest.readAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files past 2 GiB, where a single MappedByteBuffer cannot reach: read through windows. */
class LargeFileTest {

    @Test
    void packetBeyondTwoGibibytes(@TempDir Path dir) throws IOException {
        // SHB + IDB, then a 2 GiB + 1 MiB custom block that is skipped by its length, then an EPB.
        // Only the block edges are written: the file is sparse, so this costs a few KiB of disk.
        long customLength = (1L << 31) + (1 << 20);
        byte[] head = new PcapngBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(LinkType.ETHERNET, 0).build(); // 48 bytes
        byte[] customHeader = ByteVector.le().u32(0xBAD).u32(customLength).u32(32473).toArray(); // type, length, PEN
        byte[] customTrailer = ByteVector.le().u32(customLength).toArray();
        byte[] epb = new PcapngBuilder(ByteOrder.LITTLE_ENDIAN).epb(0, 77, new byte[] {1, 2, 3}).build();
        long epbOffset = head.length + customLength;

        Path file = dir.resolve("big.pcapng");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.wrap(head), 0);
            ch.write(ByteBuffer.wrap(customHeader), head.length);
            ch.write(ByteBuffer.wrap(customTrailer), epbOffset - 4);
            ch.write(ByteBuffer.wrap(epb), epbOffset);
        }
        try (CaptureReader reader = CaptureReader.open(file)) {
            assertThat(reader.fileSize()).isGreaterThan(Integer.MAX_VALUE);
            List<CaptureRecord> records = readAll(reader);
            assertThat(records).containsExactly(
                    new CaptureRecord(77_000, LinkType.ETHERNET, 3, 3, epbOffset, 0, new byte[] {1, 2, 3}));
            assertThat(records.get(0).fileOffset()).isGreaterThan(Integer.MAX_VALUE);
            assertThat(reader.errors()).isEmpty();
        }
    }
}

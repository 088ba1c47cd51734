package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PcapngWriterTest {

    @Test
    void writesInterfacesAndPacketsThatOurReaderReadsBack() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = PcapngWriter.to(out, "MPTCP Lab test")) {
            int wifi = w.addInterface(LinkType.RAW, "WiFi");
            int lte = w.addInterface(LinkType.RAW, "LTE");
            assertThat(wifi).isZero();
            assertThat(lte).isOne();
            w.write(lte, 1_234_567_891L, new byte[] {0x45, 0, 0, 20, 1, 2, 3}, 0, 7);
            w.write(wifi, 5_000_000_000L + 7, new byte[] {0x45, 9, 9, 9, 9}, 1, 4);
            assertThat(w.packetsWritten()).isEqualTo(2);
        }
        byte[] bytes = out.toByteArray();
        // Every block is a multiple of 4 long with equal leading and trailing lengths.
        assertThat(bytes.length % 4).isZero();
        List<CaptureRecord> records = new ArrayList<>();
        CaptureReader r = CaptureReader.of(bytes);
        for (CaptureRecord c; (c = r.next()) != null; ) {
            records.add(c);
        }
        assertThat(r.readToEnd()).isTrue();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).interfaceId()).isOne();
        assertThat(records.get(0).timestampNanos()).isEqualTo(1_234_567_891L);
        assertThat(records.get(0).data()).containsExactly(0x45, 0, 0, 20, 1, 2, 3);
        assertThat(records.get(0).linkType()).isEqualTo(LinkType.RAW);
        assertThat(records.get(1).interfaceId()).isZero();
        assertThat(records.get(1).timestampNanos()).isEqualTo(5_000_000_007L);
        assertThat(records.get(1).data()).containsExactly(9, 9, 9, 9);
    }

    @Test
    void aLimitStopsWritingAndCountsWhatWasLeftOut() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = PcapngWriter.to(out, "x").limit(200)) {
            int i = w.addInterface(LinkType.RAW, "p");
            for (int k = 0; k < 10; k++) {
                w.write(i, k, new byte[40], 0, 40);
            }
            assertThat(w.limitReached()).isTrue();
            assertThat(w.packetsWritten() + w.packetsNotWritten()).isEqualTo(10);
            assertThat(w.bytesWritten()).isLessThanOrEqualTo(200);
            assertThatThrownBy(() -> w.write(7, 0, new byte[1], 0, 1)).hasMessageContaining("no interface 7");
        }
    }
}

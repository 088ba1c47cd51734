package org.mptcplab.stack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.emu.FaultInjector;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.Middlebox;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.PacketDecoder;

/**
 * Checksum offload in the emulated network (on by default): the stacks leave TCP checksums out,
 * and the network fills them wherever something looks at or changes a datagram. Nothing anyone
 * can see may change: not a captured byte, not a report, and corruption is still caught.
 */
class ChecksumOffloadTest {

    private static Scenario lossyTwoPaths() {
        return new Scenario().bytes(1_500_000).seed(11).path(LinkConfig.parse("50mbit,10ms,loss=1%"))
                .path(LinkConfig.parse("20mbit,5ms"));
    }

    private static void assertSameRun(Scenario.SimulationResult a, Scenario.SimulationResult b) {
        assertThat(a.bytesDelivered()).isEqualTo(b.bytesDelivered());
        assertThat(a.durationSeconds()).isEqualTo(b.durationSeconds());
        assertThat(a.virtualNanos()).isEqualTo(b.virtualNanos());
        assertThat(a.networkEvents()).isEqualTo(b.networkEvents());
        assertThat(a.sha256Received()).isEqualTo(b.sha256Received());
        assertThat(a.clientCounters()).isEqualTo(b.clientCounters());
        assertThat(a.serverCounters()).isEqualTo(b.serverCounters());
        assertThat(a.clientEvents()).isEqualTo(b.clientEvents());
        assertThat(a.serverEvents()).isEqualTo(b.serverEvents());
    }

    @Test
    void aCaptureIsTheSameByteForByteWithAndWithoutOffload(@TempDir Path dir) throws Exception {
        Path on = dir.resolve("on.pcap");
        Path off = dir.resolve("off.pcap");
        Scenario.SimulationResult a = lossyTwoPaths().pcap(on).run();
        Scenario.SimulationResult b = lossyTwoPaths().checksumOffload(false).pcap(off).run();
        assertThat(a.streamIntact()).isTrue();
        assertSameRun(a, b);
        assertThat(Files.readAllBytes(on)).isEqualTo(Files.readAllBytes(off));
        int tcp = 0;
        try (CaptureReader r = CaptureReader.open(on)) {
            CaptureRecord rec;
            while ((rec = r.next()) != null) {
                DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_RAW, rec.data());
                assertThat(p.isTcp()).isTrue();
                assertThat(p.tcpChecksumValid()).as("TCP checksum of a captured segment").isTrue();
                tcp++;
            }
        }
        assertThat(tcp).isGreaterThan(1000);
    }

    @Test
    void withNothingListeningTheRunIsTheSameAsWithChecksums() throws Exception {
        Scenario.SimulationResult a = lossyTwoPaths().light(true).run();
        Scenario.SimulationResult b = lossyTwoPaths().light(true).checksumOffload(false).run();
        assertThat(a.finished()).isTrue();
        assertSameRun(a, b);
    }

    @Test
    void corruptedSegmentsAreStillCaughtByTheReceiversChecksum() throws Exception {
        Scenario s = lossyTwoPaths().faults(FaultInjector.NONE.withCorrupt(0.02));
        Scenario.SimulationResult a = s.run();
        assertThat(a.streamIntact()).isTrue();
        long bad = a.clientCounters().getOrDefault(Mib.TcpBadChecksum, 0L)
                + a.serverCounters().getOrDefault(Mib.TcpBadChecksum, 0L);
        assertThat(bad).as("segments dropped for a bad TCP checksum").isPositive();
        assertSameRun(a, lossyTwoPaths().faults(FaultInjector.NONE.withCorrupt(0.02)).checksumOffload(false).run());
    }

    @Test
    void aMiddleboxEditsValidChecksumsIncrementally() throws Exception {
        Scenario.SimulationResult a = lossyTwoPaths().middlebox(Middlebox.STRIP_MPTCP_DATA, -1).run();
        Scenario.SimulationResult b = lossyTwoPaths().middlebox(Middlebox.STRIP_MPTCP_DATA, -1).checksumOffload(false)
                .run();
        assertThat(a.clientCounters().getOrDefault(Mib.TcpBadChecksum, 0L)
                + a.serverCounters().getOrDefault(Mib.TcpBadChecksum, 0L)).isZero();
        assertSameRun(a, b);
    }
}

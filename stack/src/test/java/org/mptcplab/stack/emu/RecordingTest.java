package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.MS;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.S;
import static org.mptcplab.stack.emu.EmulatedNetworkTest.US;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;
import org.mptcplab.stack.testutil.Shared;
import org.mptcplab.stack.testutil.Tshark;

/** Captures of the emulated network: what enters each path, read back by us and by tshark. */
class RecordingTest {

    /** A two-path network with loss, a small queue and faults; a sends on both, b answers. */
    static EmulatedNetwork lossyTwoPaths(List<Long> sentTimes) {
        EmulatedNetwork net = new EmulatedNetwork(5);
        TestEndpoint a = new TestEndpoint();
        TestEndpoint b = new TestEndpoint();
        Host ha = net.addHost("a", a);
        Host hb = net.addHost("b", b);
        Path p0 = net.connect(ha, 0, hb, 0, LinkConfig.parse("10mbit,5ms,loss=5%,queue=6kb"));
        Path p1 = net.connect(ha, 1, hb, 1, LinkConfig.parse("20mbit,15ms,jitter=1ms"));
        p1.setFaults(FaultInjector.NONE.withCorrupt(0.1).withDuplicate(0.1).withReorder(0.1, 2 * MS));
        b.onPacket = (self, now, iface, data) -> self.send(iface, Packets.tcp(Packets.B4, Packets.A4, 7, 0,
                Packets.mptcpDataOptions(1).subList(0, 3)));
        net.addListener((t, d, e, data) -> {
            if (e == PacketEvent.SENT) {
                sentTimes.add(t);
            }
        });
        for (int i = 0; i < 400; i++) {
            int seq = i;
            net.schedule(i * 250 * US, () -> a.send(seq % 2, Packets.tcp(Packets.A4, Packets.B4, seq, 1200,
                    Packets.mptcpDataOptions(seq))));
        }
        return net;
    }

    @Test
    void aRecordingHoldsEveryDatagramThatEnteredAPathAtItsVirtualTime(@TempDir java.nio.file.Path dir)
            throws IOException {
        List<Long> sentTimes = new ArrayList<>();
        EmulatedNetwork net = lossyTwoPaths(sentTimes);
        java.nio.file.Path file = dir.resolve("emu.pcap");
        PcapWriter w = net.recordTo(file);
        net.runUntilIdle(10 * S);
        w.close();
        long sent = net.snapshot().stream().mapToLong(s -> s.counters().sentPackets()).sum();
        long dropped = net.snapshot().stream().mapToLong(s -> s.counters().droppedPackets()).sum();
        assertThat(dropped).as("drops happened, and are in the capture").isPositive();
        List<CaptureRecord> records = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            CaptureRecord rec;
            while ((rec = r.next()) != null) {
                records.add(rec);
            }
        }
        assertThat(records).hasSize((int) sent);
        assertThat(records).extracting(CaptureRecord::timestampNanos).containsExactlyElementsOf(sentTimes);
        assertThat(records).allSatisfy(rec -> {
            assertThat(rec.linkType()).isEqualTo(LinkType.RAW);
            assertThat(Packets.decode(rec.data()).isMalformed()).isFalse();
        });
    }

    @Test
    void tsharkReadsTheRecordingCleanly(@TempDir java.nio.file.Path dir) throws Exception {
        Shared.tshark(); // skips with a message when tshark is absent
        List<Long> sentTimes = new ArrayList<>();
        EmulatedNetwork net = lossyTwoPaths(sentTimes);
        java.nio.file.Path file = dir.resolve("emu.pcap");
        PcapWriter w = net.recordTo(file);
        net.runUntilIdle(10 * S);
        w.close();
        Tshark.Result r = Tshark.run(List.of("-r", file.toString(), "-o", "tcp.check_checksum:TRUE",
                "-o", "mptcp.analyze_mptcp:FALSE", "-T", "fields", "-E", "separator=/t",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.checksum.status", "-e", "_ws.malformed",
                "-e", "_ws.expert.severity"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // tshark warns when run as root; anything else on stderr is a complaint about the file.
        String complaints = r.stderr().lines().filter(l -> !l.startsWith("Running as user")).reduce("", String::concat);
        assertThat(complaints).isEmpty();
        String[] lines = r.stdout().split("\n");
        assertThat(lines).hasSize(sentTimes.size());
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            long nanos = new java.math.BigDecimal(f[0]).movePointRight(9).longValueExact();
            assertThat(nanos).isEqualTo(sentTimes.get(i));
            assertThat(f[1]).isIn("10.0.0.1", "10.0.0.2");
            assertThat(f[2]).as("frame %d checksum status", i + 1).isEqualTo("1"); // 0 bad, 1 good, 2 unverified
            assertThat(f[3]).as("frame %d malformed", i + 1).isEmpty();
        }
    }

    @Test
    void aPathRecorderTakesOnlyItsPath() throws IOException {
        List<Long> sentTimes = new ArrayList<>();
        EmulatedNetwork net = lossyTwoPaths(sentTimes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = PcapWriter.to(out, LinkType.RAW);
        Path p1 = net.paths().get(1);
        p1.record(w);
        net.runUntilIdle(10 * S);
        w.close();
        long expected = p1.aToB().counters().sentPackets() + p1.bToA().counters().sentPackets();
        assertThat(w.recordsWritten()).isEqualTo(expected).isLessThan(sentTimes.size());
    }

    @Test
    void aRecordingNeedsLinkTypeRaw() {
        EmulatedNetwork net = new EmulatedNetwork(1);
        PcapWriter w = PcapWriter.to(new ByteArrayOutputStream(), LinkType.ETHERNET);
        assertThatThrownBy(() -> net.record(w)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the emulated network carries IP datagrams: the capture needs link type 101 (RAW),"
                        + " not 1 (ETHERNET)");
    }

    @Test
    void aRemovedRecorderStopsRecording() throws IOException {
        EmulatedNetworkTest.Pair p = new EmulatedNetworkTest.Pair(LinkConfig.UNLIMITED);
        PcapWriter w = PcapWriter.to(new ByteArrayOutputStream(), LinkType.RAW);
        PacketListener l = p.net.record(w);
        p.sendAt(0, Packets.sized(0, 100));
        p.net.schedule(MS, () -> p.net.removeListener(l));
        p.sendAt(2 * MS, Packets.sized(1, 100));
        p.net.runUntilIdle(S);
        assertThat(w.recordsWritten()).isEqualTo(1);
    }
}

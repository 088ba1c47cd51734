package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.emu.PacketListener;
import org.mptcplab.stack.emu.PacketListener.PacketEvent;
import org.mptcplab.stack.sim.Scenario;

/**
 * Two captures of one emulated run, one at each end (what a host's tcpdump sees: what it sends,
 * and what reaches it), combined into one-way delays: those of the paths the run was given.
 */
class OneWayDelaysTest {
    private static final long MS = 1_000_000L;

    @Test
    void twoCapturesOfOneRunGiveEachPathsOneWayDelay(@TempDir Path dir) throws Exception {
        Path client = dir.resolve("client.pcap");
        Path server = dir.resolve("server.pcap");
        // Path 1: 10 ms each way; path 2: 25 ms towards the server, 5 ms back. 1% loss on path 1.
        Scenario sc = new Scenario().seed(3).bytes(2_000_000).path(LinkConfig.parse("20mbit,10ms,loss=1%"))
                .path(new Scenario.PathSpec(LinkConfig.parse("20mbit,25ms"), LinkConfig.parse("20mbit,5ms")));
        Scenario.Run run = sc.build();
        long[] delivered = new long[1];
        try (PcapWriter cw = PcapWriter.create(client, LinkType.RAW); PcapWriter sw = PcapWriter.create(server, LinkType.RAW)) {
            run.network().addListener(PacketListener.copying((t, d, event, data) -> {
                boolean fromClient = d.from().name().equals("client");
                try {
                    if (event == PacketEvent.SENT) {
                        (fromClient ? cw : sw).write(t, data);
                    } else if (event == PacketEvent.DELIVERED) {
                        delivered[0]++;
                        (fromClient ? sw : cw).write(t, data);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            assertThat(run.runToEnd().streamIntact()).isTrue();
        }
        OneWayDelays.Result r = OneWayDelays.combine(client, server);
        // Every delivered segment is in both captures; the lost ones only in their sender's.
        assertThat(r.matched()).isEqualTo(delivered[0]);
        assertThat(r.clientPackets() + r.serverPackets()).isGreaterThan(2 * delivered[0]);
        assertThat(r.repeated()).as("duplicate ACKs").isPositive();
        assertThat(r.subflows()).hasSize(2);
        OneWayDelays.Delays path1 = r.subflows().stream().filter(d -> d.subflow().startsWith("10.1.")).findFirst().orElseThrow();
        OneWayDelays.Delays path2 = r.subflows().stream().filter(d -> d.subflow().startsWith("10.2.")).findFirst().orElseThrow();
        // The smallest delay is the path's propagation delay plus one packet's serialization
        // (1500 bytes at 20 Mbit/s: 0.6 ms); queueing adds to the rest.
        assertThat(path1.toServer().minNanos()).isBetween(10 * MS, 11 * MS);
        assertThat(path1.toClient().minNanos()).isBetween(10 * MS, 11 * MS);
        assertThat(path2.toServer().minNanos()).isBetween(25 * MS, 26 * MS);
        assertThat(path2.toClient().minNanos()).isBetween(5 * MS, 6 * MS);
        assertThat(path2.toServer().medianNanos()).isGreaterThanOrEqualTo(path2.toServer().minNanos());
        // One clock: the offset estimate is the paths' asymmetry, (10 - 10) / 2 at the smallest.
        assertThat(r.clockOffsetNanos()).isBetween(-1 * MS, 1 * MS);
        assertThat(r.all().toServer().samples() + r.all().toClient().samples()).isEqualTo(r.matched());
    }

    @Test
    void aCaptureOfOtherTrafficMatchesNothing(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.pcap");
        Path b = dir.resolve("b.pcap");
        new Scenario().seed(1).bytes(50_000).path(LinkConfig.parse("10mbit,5ms")).pcap(a).run();
        new Scenario().seed(2).bytes(50_000).path(LinkConfig.parse("10mbit,5ms")).pcap(b).run();
        OneWayDelays.Result r = OneWayDelays.combine(a, b);
        assertThat(r.matched()).isZero();
        assertThat(r.all().toServer()).isNull();
        assertThat(r.clockOffsetNanos()).isNull();
    }
}

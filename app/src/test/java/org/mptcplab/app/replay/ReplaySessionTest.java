package org.mptcplab.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.mptcplab.app.session.SampleStore;
import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;
import org.mptcplab.stack.analyze.ConnectionReport;
import org.mptcplab.stack.analyze.SubflowReport;
import org.mptcplab.stack.mptcp.SubflowState;

/** A capture replayed through the session layer: what the store holds at the playhead, jumps, steps, bookmarks. */
class ReplaySessionTest {
    static final Path DIR = Path.of("..", "demo-captures");

    static ReplayIndex load(String name) throws Exception {
        return ReplayIndex.load(DIR.resolve(name), null, null);
    }

    @Test
    void theHandoverCaptureReplaysAsTheStackReportedIt() throws Exception {
        ReplayIndex x = load("handover.pcap");
        assertThat(x.analysis().connections()).hasSize(1);
        ConnectionReport c = x.analysis().connections().get(0);
        ReplaySession s = new ReplaySession(x, 0, new SampleStore());
        // The client uploads in the emulated captures: data goes client to server.
        assertThat(s.dataToClient()).isFalse();
        assertThat(s.kind()).isEqualTo(Session.Kind.REPLAY);
        assertThat(s.spec().paths()).hasSize(2);
        assertThat(s.pathCaption(0)).startsWith("to 10.1.0.2").contains("RTT");
        assertThat(s.state().nowNanos()).isZero();

        s.runFor(s.durationNanos());
        Session.State st = s.state();
        assertThat(st.nowNanos()).isEqualTo(s.durationNanos());
        assertThat(st.paused()).as("the playhead stops at the end").isTrue();
        // Every packet of the connection went into the store, each with its headers for the inspector.
        List<Samples.Packet> packets = s.store().packetsSince(0);
        assertThat(packets).hasSize((int) c.subflows().stream()
                .mapToLong(sf -> sf.toServer().packets() + sf.toClient().packets()).sum());
        assertThat(packets).allMatch(p -> p.headers().length >= 40 && p.fate().startsWith("frame "));
        // The bytes the subflows' samples end with are the analyzer's per subflow (the sender's direction).
        for (SubflowReport r : c.subflows()) {
            Samples.Subflow last = null;
            for (Samples.Subflow x1 : s.store().subflowsSince(0)) {
                if (x1.subflowId() == r.index()) {
                    last = x1;
                }
            }
            assertThat(last).as("subflow %d sampled", r.index()).isNotNull();
            assertThat(last.bytesSent()).isEqualTo(r.toServer().bytes());
            assertThat(last.bytesRetransmitted()).isLessThanOrEqualTo(r.toServer().bytes());
        }
        // The data level: what the data ACK says was delivered.
        assertThat(st.flows().get(0).delivered()).isEqualTo(c.toServer().dataAcked());
        // The log tells the handover: the join, REMOVE_ADDR, the reinjection.
        List<String> kinds = s.store().eventsSince(0).stream().map(Samples.Event::kind).toList();
        assertThat(kinds).contains("JOIN", "REMOVE_ADDR", "REINJECTED");
        // After the handover (1 s; the capture ends at about 1.3 s), path 2's subflow carries the data.
        s.seek(1_100_000_000L);
        assertThat(s.state().flows().get(0).subflows())
                .anyMatch(sf -> sf.iface() == 1 && sf.state() == SubflowState.ESTABLISHED && sf.bytesSent() > 0);
        assertThat(s.state().paths().get(1).sentBps()).isPositive();
    }

    @Test
    void theLongestStallIsABookmarkAndTheAnalyzersStall() throws Exception {
        ReplayIndex x = load("handover.pcap");
        ReplaySession s = new ReplaySession(x, 0, new SampleStore());
        List<ReplayIndex.Stall> marks = s.bookmarks();
        assertThat(marks).isNotEmpty();
        long longest = marks.stream().mapToLong(ReplayIndex.Stall::durationNanos).max().orElseThrow();
        assertThat(longest).isEqualTo(x.analysis().connections().get(0).toServer().longestStall().durationNanos());
        assertThat(marks).isSortedAccordingTo((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        assertThat(ReplayIndex.stallWords(marks.get(0))).contains("data ACK", "ms");
    }

    @Test
    void aJumpBackRefillsTheStoreWithWhatLiesBeforeThePlayhead() throws Exception {
        ReplayIndex x = load("handover.pcap");
        SampleStore store = new SampleStore();
        ReplaySession s = new ReplaySession(x, 0, store);
        s.runFor(s.durationNanos());
        long gen = store.generation();
        long half = s.durationNanos() / 2;
        s.seek(half);
        assertThat(store.generation()).isGreaterThan(gen);
        assertThat(s.state().nowNanos()).isEqualTo(half);
        assertThat(store.subflowsSince(0)).isNotEmpty().allMatch(v -> v.t() <= half);
        assertThat(store.packetsSince(0)).isNotEmpty().allMatch(p -> p.t() <= half);
        assertThat(store.eventsSince(0)).allMatch(e -> e.t() <= half);
        // The same moment reached by playing or by jumping holds the same packets.
        ReplaySession played = new ReplaySession(x, 0, new SampleStore());
        played.runFor(half);
        assertThat(played.store().packetsSince(0)).hasSameSizeAs(store.packetsSince(0));
        assertThat(played.store().eventsSince(0).stream().map(Samples.Event::detail).toList())
                .isEqualTo(store.eventsSince(0).stream().map(Samples.Event::detail).toList());
        // Out of range: clamped.
        s.seek(-5);
        assertThat(s.state().nowNanos()).isZero();
        s.seek(Long.MAX_VALUE);
        assertThat(s.state().nowNanos()).isEqualTo(s.durationNanos());
    }

    @Test
    void stepMovesToTheNextPacketAndBack() throws Exception {
        ReplayIndex x = load("handover.pcap");
        ReplaySession s = new ReplaySession(x, 0, new SampleStore());
        // A step goes to the next moment a packet was captured (all the packets of that moment).
        s.step();
        long first = s.state().nowNanos();
        int atFirst = s.store().packetsSince(0).size();
        assertThat(atFirst).isPositive();
        assertThat(s.store().packetsSince(0)).allMatch(p -> p.t() == first);
        s.step();
        long second = s.state().nowNanos();
        assertThat(second).isGreaterThan(first);
        assertThat(s.store().packetsSince(0).size()).isGreaterThan(atFirst);
        assertThat(s.store().packetsSince(0)).allMatch(p -> p.t() <= second).anyMatch(p -> p.t() == second);
        s.stepBack();
        assertThat(s.state().nowNanos()).isEqualTo(first);
        assertThat(s.store().packetsSince(0)).hasSize(atFirst);
    }

    @Test
    void nothingInACaptureCanBeChanged() throws Exception {
        ReplaySession s = new ReplaySession(load("handover.pcap"), 0, new SampleStore());
        assertThatThrownBy(() -> s.pathDown(0, false)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("nothing in it can be changed");
        assertThat(s.addSubflow(0)).isCompletedExceptionally();
        assertThatThrownBy(() -> s.startRecording(Path.of("x.pcapng"))).hasMessageContaining("the capture is the recording");
        assertThatThrownBy(() -> s.setSpeed(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyDemoCaptureReplaysToItsEnd() throws Exception {
        for (String name : List.of("handover-silent.pcap", "backup-takeover.pcap", "lossy-path.pcap",
                "shared-bottleneck-lia.pcap", "fallback-middlebox.pcap", "add-remove-addr.pcap",
                "announce-port-ipv6.pcap", "lab-ours-to-kernel-handover.pcapng", "kernel-to-kernel-4-subflows.pcapng")) {
            ReplayIndex x = load(name);
            for (int c = 0; c < x.analysis().connections().size(); c++) {
                ReplaySession s = new ReplaySession(x, c, new SampleStore());
                s.runFor(s.durationNanos());
                assertThat(s.state().nowNanos()).as(name).isEqualTo(s.durationNanos());
                assertThat(s.store().packetsSince(0)).as(name).isNotEmpty();
                assertThat(ReplaySession.describe(s.report())).as(name).startsWith("#" + c);
            }
        }
        ReplayIndex k = load("kernel-to-kernel-4-subflows.pcapng");
        ReplaySession s = new ReplaySession(k, 0, new SampleStore());
        assertThat(s.spec().paths()).as("four address pairs, four paths").hasSize(4);
        assertThat(s.dataToClient()).isEqualTo(s.report().toClient().bytes() >= s.report().toServer().bytes());
        // Its connection starts 2 s into the capture (ARP and the lab's set-up come first): the playhead starts there.
        long first = s.report().subflows().get(0).synNanos() - k.originNanos();
        assertThat(s.startNanos()).isEqualTo(first - ReplaySession.START_LEAD_NANOS).isGreaterThan(1_000_000_000L);
        assertThat(s.state().nowNanos()).isEqualTo(s.startNanos());
        s.runFor(s.durationNanos());
        s.resume();
        assertThat(s.state().nowNanos()).as("play at the end starts again").isEqualTo(s.startNanos());
    }

    @Test
    void progressIsReportedAndACancelStopsTheReading() throws Exception {
        List<long[]> seen = new ArrayList<>();
        ReplayIndex x = ReplayIndex.load(DIR.resolve("handover.pcap"), (read, size, n) -> seen.add(new long[] {read, size, n}),
                null);
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(seen.size() - 1)[0]).isEqualTo(seen.get(seen.size() - 1)[1]);
        AtomicBoolean cancel = new AtomicBoolean(true);
        ReplayIndex part = ReplayIndex.load(DIR.resolve("handover.pcap"), null, cancel);
        assertThat(x.analysis().packets()).isGreaterThan(1024);
        assertThat(part.analysis().packets()).isLessThan(x.analysis().packets());
    }

    @Test
    void ratesAreMeansOverTheirBuckets() {
        // 20 ms buckets: 12,500 bytes (100,000 bits) in one of five is 1 Mbit/s over the 100 ms.
        ReplayIndex.Rate r = new ReplayIndex.Rate(5);
        assertThat(r.add(12_500)).isEqualTo(1e6, org.assertj.core.data.Offset.offset(1e-6));
        for (int i = 0; i < 4; i++) {
            assertThat(r.add(0)).isEqualTo(1e6, org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(r.add(0)).as("the burst left the window").isZero();
        r.add(5_000);
        r.clear();
        assertThat(r.add(0)).isZero();
    }
}

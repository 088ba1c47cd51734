package org.mptcplab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.replay.ReplayIndex;
import org.mptcplab.app.replay.ReplaySession;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;

/** A replay through the lab's view models, without a display: loading, the log, bookmarks, the way back. */
class ReplayViewModelTest {
    private static final Path HANDOVER = Path.of("..", "demo-captures", "handover.pcap");
    @TempDir
    Path dir;
    private LabViewModel vm;

    @BeforeEach
    void open() {
        vm = new LabViewModel(SessionSpec.demo().withFlap(0, 0), false);
    }

    @AfterEach
    void close() {
        vm.close();
    }

    /** Opens {@code file} and waits for the reading (its answers come on the reading thread here). */
    private String load(Path file) throws InterruptedException {
        AtomicReference<String> answer = new AtomicReference<>();
        vm.openCapture(file, answer::set);
        for (int i = 0; i < 2000 && answer.get() == null; i++) {
            Thread.sleep(5); // the reading runs on its own thread: this waits for it, it times nothing
        }
        assertThat(answer.get()).as("the capture was read").isNotNull();
        return answer.get();
    }

    private ReplaySession replay() {
        return (ReplaySession) vm.session();
    }

    @Test
    void aCaptureReplacesTheEmulatedRunAndPlaysSlowlyEnoughToFollow() throws Exception {
        String answer = load(HANDOVER);
        assertThat(answer).startsWith("Opened handover.pcap: 1,735 packets").contains("1 MPTCP connection", "0.1x");
        assertThat(vm.isReplay()).isTrue();
        assertThat(vm.isLive()).isFalse();
        assertThat(vm.kindProperty().get()).isEqualTo(Session.Kind.REPLAY);
        assertThat(vm.loadProgressProperty().get()).isEqualTo(-1);
        assertThat(vm.replayConnections()).hasSize(1).allMatch(c -> c.startsWith("#0  token ac764932  v1  2 subflows"));
        assertThat(vm.paths()).extracting(p -> p.nameProperty().get()).containsExactly("10.1.0.1", "10.2.0.1");
        // 1.6 s of capture at 0.1x: 16 s on screen.
        assertThat(vm.speedProperty().get()).isEqualTo(0.1);
        assertThat(ReplaySession.startSpeed(60_000_000_000L)).as("never faster than real time").isEqualTo(1.0);
        assertThat(ReplaySession.startSpeed(4_000_000_000L)).isEqualTo(0.25);
        assertThat(vm.statusProperty().get()).startsWith("Replay of handover.pcap (0.000 of 1.598 s)").doesNotContain("seed");
    }

    @Test
    void theLogTellsTheCaptureUpToThePlayheadAndStartsOverOnAJumpBack() throws Exception {
        load(HANDOVER);
        replay().runFor(1_200_000_000L);
        vm.refresh();
        List<String> texts = vm.events().stream().map(EventLine::text).toList();
        assertThat(texts).anyMatch(t -> t.contains("new subflow 1 (10.2.0.1) joined (MP_JOIN)"));
        assertThat(texts).anyMatch(t -> t.contains("withdraws address id 0 (REMOVE_ADDR)"));
        assertThat(texts).anyMatch(t -> t.startsWith("data level: the data ACK stood still for 222 ms"));
        assertThat(texts).anyMatch(t -> t.contains("sent again on subflow 1 (10.2.0.1) (reinjection, data level)"));
        assertThat(vm.events().stream().filter(EventLine::highlight).map(EventLine::kind))
                .contains("JOIN", "REMOVE_ADDR", "STALL", "REINJECTED");
        vm.seek(100_000_000L);
        vm.refresh();
        assertThat(vm.events()).isNotEmpty().allMatch(e -> e.tNanos() <= 100_000_000L);
        assertThat(vm.paths().get(0).statusTextProperty().get()).isEqualTo("up");
        // Past the end of path 1's subflow (FIN at 1.0 s, the peer's at 1.1 s): the path has no open subflow.
        vm.seek(1_200_000_000L);
        vm.refresh();
        assertThat(vm.paths().get(0).statusTextProperty().get()).isEqualTo("every subflow closed");
    }

    @Test
    void aBookmarkStopsAfterTheStallAndMarksItsStart() throws Exception {
        load(HANDOVER);
        List<ReplayIndex.Stall> marks = vm.bookmarksProperty().get();
        assertThat(marks).hasSize(1);
        ReplayIndex.Stall s = marks.get(0);
        vm.showStall(s);
        assertThat(replay().isPaused()).isTrue();
        assertThat(replay().playhead()).isEqualTo(s.endNanos() + 500_000_000L);
        assertThat(vm.focusProperty().get()).isEqualTo(s.startNanos());
        assertThat(vm.messageProperty().get()).startsWith("Stall at 0.674 s: the data ACK stood still for 222 ms");
        // Each subflow around it: samples from before the stall to after it are in the store.
        assertThat(replay().store().subflowsSince(0)).anyMatch(x -> x.t() < s.startNanos())
                .anyMatch(x -> x.t() > s.endNanos());
        // What each subflow did around it: path 2's subflow retransmitted 24 times in the stall; path 1's kept sending.
        assertThat(vm.stallDetailProperty().get()).startsWith("Stall at 0.674 s, 222 ms: subflow 0 (10.1.0.1): ")
                .contains("subflow 1 (10.2.0.1): ", "24 retransmitted");
        vm.seek(0);
        assertThat(vm.focusProperty().get()).isEqualTo(-1);
        assertThat(vm.stallDetailProperty().get()).isEmpty();
    }

    @Test
    void theCommandsOfARunSayWhyAReplayCannot() throws Exception {
        load(HANDOVER);
        assertThatThrownBy(() -> vm.chooseScenario("handover")).hasMessageContaining("close the replay first");
        assertThatThrownBy(() -> vm.setPolicies("lia", "minrtt", "fullmesh")).hasMessageContaining("cannot be changed in a replay");
        assertThatThrownBy(() -> vm.startRecording(dir.resolve("x.pcapng"))).hasMessageContaining("the capture is the recording");
        assertThatThrownBy(() -> vm.paths().get(0).toggle()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("nothing in it can be changed");
        vm.restart();
        assertThat(replay().playhead()).isZero();
        assertThat(vm.messageProperty().get()).isEqualTo("Back to the capture's start");
        assertThatThrownBy(() -> vm.chooseConnection(3)).hasMessageContaining("connections 0 to 0");
    }

    @Test
    void closingTheReplayBringsBackTheRunItReplaced() throws Exception {
        vm.session().runFor(1_000_000_000L);
        load(HANDOVER);
        vm.stopReplay();
        assertThat(vm.kindProperty().get()).isEqualTo(Session.Kind.EMULATED);
        assertThat(vm.paths()).extracting(p -> p.nameProperty().get()).containsExactly("WiFi", "LTE");
        assertThat(vm.specProperty().get().scenario()).isEqualTo(SessionSpec.demo().scenario());
    }

    @Test
    void badFilesAreSaidAndTheLabStaysAsItWas() throws Exception {
        Path text = dir.resolve("readme.pcap");
        Files.writeString(text, "not a capture");
        assertThat(load(text)).startsWith("readme.pcap cannot be replayed: ").contains("not a capture file");
        assertThat(vm.kindProperty().get()).isEqualTo(Session.Kind.EMULATED);
        assertThat(load(dir.resolve("missing.pcap"))).startsWith("missing.pcap cannot be replayed: ");
        // A capture with no MPTCP in it: said, not opened.
        Path plain = dir.resolve("plain.pcap");
        try (var w = org.mptcplab.stack.capture.PcapWriter.create(plain, org.mptcplab.stack.capture.LinkType.RAW)) {
            w.write(0, new byte[] {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2});
        }
        assertThat(load(plain)).isEqualTo("plain.pcap has no MPTCP connection (1 packets, 0 TCP connections): nothing to replay");
        assertThat(vm.isReplay()).isFalse();
    }
}

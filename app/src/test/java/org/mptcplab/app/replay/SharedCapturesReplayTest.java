package org.mptcplab.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcplab.app.session.SampleStore;
import org.mptcplab.stack.analyze.ConnectionReport;
import org.mptcplab.stack.analyze.SubflowReport;

/**
 * Every capture of ../shared/captures (public files of other projects: Linux, v0 and v1,
 * truncated and damaged ones) replays: each MPTCP connection plays to its end, every one of its
 * packets reaches the views, and a jump back holds only what lies before it. Skipped where the
 * folder is absent.
 */
class SharedCapturesReplayTest {
    static Stream<Path> captures() throws Exception {
        Path dir = Path.of(System.getProperty("mptcplab.shared", "../../shared"), "captures");
        if (!Files.isDirectory(dir)) {
            return Stream.of(Path.of("absent"));
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
            return files.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void eachConnectionReplaysToItsEnd(Path file) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/captures is absent: skipping the public captures");
        ReplayIndex x;
        try {
            x = ReplayIndex.load(file, null, null);
        } catch (org.mptcplab.stack.capture.CaptureFormatException e) {
            // Not a capture at all: the analyzer's tests hold the message; nothing to replay.
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        for (ConnectionReport c : x.analysis().connections()) {
            ReplaySession s = new ReplaySession(x, c.index(), new SampleStore());
            assertThat(s.spec().paths()).isNotEmpty();
            s.runFor(s.durationNanos());
            assertThat(s.state().nowNanos()).isEqualTo(s.durationNanos());
            long expected = 0;
            for (SubflowReport r : c.subflows()) {
                expected += r.toServer().packets() + r.toClient().packets();
            }
            if (expected < 100_000) {
                assertThat(s.store().packetsSince(0)).as("%s connection %d", file.getFileName(), c.index()).hasSize((int) expected);
            }
            long half = (s.startNanos() + s.durationNanos()) / 2;
            s.seek(half);
            assertThat(s.store().packetsSince(0)).allMatch(p -> p.t() <= half);
            assertThat(s.store().eventsSince(0)).allMatch(e -> e.t() <= half);
            assertThat(ReplaySession.describe(c)).contains("v" + (c.version() < 0 ? "?" : c.version()));
        }
    }
}

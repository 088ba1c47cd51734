package org.mptcplab.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherTest {
    @Test
    void linuxWithoutDisplayIsOneSentenceWithTheWayOut() {
        String why = Launcher.noDisplayReason(Map.of(), "Linux", null);
        assertThat(why).contains("no display found").contains("./run.sh").contains("xvfb-run")
                .contains("decode").contains("simulate").doesNotContain("\n");
    }

    @Test
    void aDisplayOrMonocleOrAnotherOsLetsTheWindowTry() {
        assertThat(Launcher.noDisplayReason(Map.of("DISPLAY", ":99"), "Linux", null)).isNull();
        assertThat(Launcher.noDisplayReason(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux", null)).isNull();
        assertThat(Launcher.noDisplayReason(Map.of(), "Linux", "Monocle")).isNull();
        assertThat(Launcher.noDisplayReason(Map.of(), "Mac OS X", null)).isNull();
        assertThat(Launcher.noDisplayReason(Map.of("DISPLAY", " "), "Linux", null)).isNotNull();
    }

    @Test
    void oneArgumentThatIsACaptureOpensTheWindowOnIt() {
        // java -jar mptcp-lab.jar FILE: a file, or a capture's name (a missing one is said as such).
        assertThat(Launcher.captureArgument("../demo-captures/handover.pcap")).isEqualTo("../demo-captures/handover.pcap");
        assertThat(Launcher.captureArgument("missing.pcapng")).isEqualTo("missing.pcapng");
        assertThat(Launcher.captureArgument("../pom.xml")).as("an existing file of any name").isEqualTo("../pom.xml");
        // Commands and options stay the CLI's.
        assertThat(Launcher.captureArgument("analyze")).isNull();
        assertThat(Launcher.captureArgument("--help")).isNull();
        assertThat(Launcher.captureArgument("simulate")).isNull();
        assertThat(Launcher.captureArgument("nonsense")).isNull();
        assertThat(Launcher.captureArgument("")).isNull();
    }
}

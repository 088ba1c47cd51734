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
}

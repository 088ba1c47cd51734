package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.live.LinkWatcher.LinkState;

/** The link watcher's logic with an injected state source and a fake sysfs: no root, no real links. */
class LinkWatcherTest {
    final Map<String, LinkState> states = new HashMap<>();
    final List<String> heard = new ArrayList<>();
    final LinkWatcher watcher = new LinkWatcher(Map.of(0, "eth0", 1, "eth1"),
            name -> states.getOrDefault(name, LinkState.UP),
            (iface, name, up) -> heard.add(iface + ":" + name + ":" + (up ? "up" : "down")));

    @Test
    void reportsTransitionsOnlyOnceEach() {
        watcher.poll();
        assertThat(heard).isEmpty(); // up at the start, as assumed
        states.put("eth1", LinkState.DOWN);
        watcher.poll();
        watcher.poll();
        assertThat(heard).containsExactly("1:eth1:down");
        assertThat(watcher.isUp(1)).isFalse();
        assertThat(watcher.isUp(0)).isTrue();
        states.put("eth1", LinkState.UP);
        watcher.poll();
        assertThat(heard).containsExactly("1:eth1:down", "1:eth1:up");
    }

    @Test
    void anUnknownReadingChangesNothing() {
        states.put("eth0", LinkState.DOWN);
        watcher.poll();
        states.put("eth0", LinkState.UNKNOWN);
        watcher.poll();
        assertThat(heard).containsExactly("0:eth0:down");
        assertThat(watcher.isUp(0)).isFalse();
    }

    @Test
    void aDownAtTheFirstLookIsReported() {
        states.put("eth0", LinkState.DOWN);
        watcher.poll();
        assertThat(heard).containsExactly("0:eth0:down");
    }

    @Test
    void sysfsReadsOperstateThenCarrierAndAMissingInterfaceIsDown(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/operstate"), "up\n");
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("b/operstate"), "lowerlayerdown\n");
        Files.createDirectories(root.resolve("c"));
        Files.writeString(root.resolve("c/operstate"), "unknown\n");
        Files.writeString(root.resolve("c/carrier"), "1\n");
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/operstate"), "unknown\n"); // no carrier file: administratively down
        Files.createDirectories(root.resolve("e")); // no operstate at all
        LinkWatcher.StateSource s = LinkWatcher.sysfs(root);
        assertThat(s.state("a")).isEqualTo(LinkState.UP);
        assertThat(s.state("b")).isEqualTo(LinkState.DOWN);
        assertThat(s.state("c")).isEqualTo(LinkState.UP);
        assertThat(s.state("d")).isEqualTo(LinkState.DOWN);
        assertThat(s.state("e")).isEqualTo(LinkState.UNKNOWN);
        assertThat(s.state("gone")).isEqualTo(LinkState.DOWN);
    }
}

package org.mptcplab.app.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lab against the real kernel. Needs root and kernel MPTCP; skipped with the reason
 * otherwise. Each test leaves nothing behind.
 */
class LabTest {
    final StringWriter text = new StringWriter();
    final Lab lab = new Lab(new PrintWriter(text, true));

    static void assumeLabPossible() {
        List<String> missing = Lab.missingRequirements();
        assumeTrue(missing.isEmpty(), "skipped: the lab needs " + String.join("; ", missing));
    }

    @AfterEach
    void cleanUp() {
        if (Lab.missingRequirements().isEmpty()) {
            lab.down();
        }
    }

    @Test
    void upCreatesTheTopologyAndThePeerAndDownRemovesEverything() throws Exception {
        assumeLabPossible();
        lab.up(new Lab.Config(3, List.of("40mbit"), false));
        assertThat(Lab.exists()).isTrue();
        String s = lab.status();
        assertThat(s).contains("mlc1", "mlc2", "mlc3", "10.1.0.2/24", "10.3.0.2/24", "fd00:2::2/64");
        assertThat(s).contains("10.2.0.2", "10.3.0.2").contains("signal");
        assertThat(s).contains(":5201", ":5202", ":5203", ":6201");
        // Our stack's side has no kernel address: the kernel there must never answer for .1.
        assertThat(Lab.run("ip", "-n", Lab.CLIENT_NS, "-4", "addr", "show", "dev", "mlc1").output()).doesNotContain("inet ");
        assertThat(Lab.run("ip", "netns", "exec", Lab.SERVER_NS, "tc", "qdisc", "show", "dev", "mls1").output()).contains("tbf");
        lab.down();
        assertThat(Lab.exists()).isFalse();
        assertThat(Files.exists(Lab.STATE_DIR)).isFalse();
        assertThat(Lab.run("ip", "netns", "list").output()).doesNotContain("mptcplab-c", "mptcplab-s");
    }

    @Test
    void aSecondUpAndAnUpAfterACrashRemoveTheStaleLabFirst() throws Exception {
        assumeLabPossible();
        lab.up(new Lab.Config(1, List.of(), false));
        // A crash: the tool is gone but its peer and namespaces are not.
        long peer = Long.parseLong(Files.readString(Lab.STATE_DIR.resolve("peer.pid")).trim());
        lab.up(new Lab.Config(2, List.of(), false, 9000));
        assertThat(text.toString()).contains("removing a stale lab first");
        // --mtu: both ends of every path's veth
        assertThat(Lab.run("ip", "-n", Lab.CLIENT_NS, "link", "show", "dev", "mlc2").output()).contains("mtu 9000");
        assertThat(Lab.run("ip", "-n", Lab.SERVER_NS, "link", "show", "dev", "mls1").output()).contains("mtu 9000");
        assertThat(ProcessHandle.of(peer).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(lab.status()).contains("mlc2");
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Lab.Config(0, List.of(), false)).hasMessage("--paths must be 1 to 8, got 0");
        assertThatThrownBy(() -> new Lab.Config(2, List.of("40mbit", "20mbit", "10mbit"), false))
                .hasMessage("--rate takes one rate for all paths or one per path (2), got 3");
        assertThatThrownBy(() -> new Lab.Config(1, List.of("40mbps"), false))
                .hasMessageContaining("--rate '40mbps': expected a number and bit, kbit, mbit or gbit");
        assertThatThrownBy(() -> new Lab.Config(1, List.of(), false, 1000)).hasMessage("--mtu must be 1280 to 9000, got 1000");
    }
}

package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mptcplab.app.live.RootShell.must;
import static org.mptcplab.app.live.RootShell.run;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.lab.Lab;

/**
 * {@code connect --iface IF=host}: our stack shares the kernel's own address. Namespace {@value #U}
 * has the kernel address 10.79.0.1/24 on hU; {@value #K} runs the lab's kernel MPTCP peer on
 * 10.79.0.2. Without the guard the kernel in U would answer our SYN-ACK with a RST; with it the
 * upload completes byte-exact (the kernel sink's SHA-256 is ours), the kernel's own TCP on the
 * same address keeps working, and the guard's table is gone afterwards. Needs root, nft and MPTCP.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostAddressRootTest {
    static final String U = "mptcplab-t-hostu";
    static final String K = "mptcplab-t-hostk";
    Process peer;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        List<String> missing = Lab.missingRequirements();
        assumeTrue(missing.isEmpty(), "SKIPPED: sharing the host's address needs " + String.join("; ", missing));
        assumeTrue(RootShell.onPath("nft"), "SKIPPED: needs nft (apt-get install nftables)");
        for (String ns : List.of(U, K)) {
            run("ip", "netns", "del", ns);
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", U, "link", "add", "hU", "type", "veth", "peer", "name", "hK", "netns", K);
        must("ip", "netns", "exec", U, "ethtool", "-K", "hU", "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off");
        must("ip", "netns", "exec", K, "ethtool", "-K", "hK", "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off");
        must("ip", "-n", U, "addr", "add", "10.79.0.1/24", "dev", "hU");
        must("ip", "-n", K, "addr", "add", "10.79.0.2/24", "dev", "hK");
        must("ip", "-n", U, "link", "set", "hU", "up");
        must("ip", "-n", K, "link", "set", "hK", "up");
        Path script = dir.resolve("kernel_peer.py");
        try (InputStream in = Lab.class.getResourceAsStream("/lab/kernel_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        peer = new ProcessBuilder("ip", "netns", "exec", K, "python3", "-u", script.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("peer.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.readString(dir.resolve("peer.log")).contains("ready"); i++) {
            Thread.sleep(50); // the peer process starting (real time: a real kernel peer)
        }
        this.dir = dir;
    }

    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.destroyForcibly();
        }
        if (RootShell.isRoot()) {
            run("ip", "netns", "del", U);
            run("ip", "netns", "del", K);
        }
    }

    @Test
    void uploadOnTheKernelsOwnAddressWithTheGuard() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", U, System.getProperty("java.home") + "/bin/java",
                "-cp", System.getProperty("java.class.path"), "org.mptcplab.app.Launcher", "connect", "--iface", "hU=host",
                "--to", "10.79.0.2:" + Lab.SINK_PORT, "--bytes", "3M", "--timeout", "20s", "--json", "--seed", "79"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("stdout %s stderr %s", out, err).isZero();
        assertThat(err).contains("--iface hU: sharing the kernel's address 10.79.0.1/24");
        assertThat(out).contains("\"stream_intact\":true", "\"fallback\":false");
        // Our ports came from outside the kernel's ephemeral range (32768-60999 by default).
        int[] range = NftablesGuard.portsOutsideKernelRange(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        String port = out.replaceAll("(?s).*\"local\":\"10\\.79\\.0\\.1:(\\d+)\".*", "$1");
        assertThat(Integer.parseInt(port)).isBetween(range[0], range[1]);
        String sha = out.replaceAll("(?s).*\"sha256_sent\":\"([0-9a-f]{64})\".*", "$1");
        String log = "";
        for (int i = 0; i < 100 && !log.contains("bytes=3000000"); i++) {
            Thread.sleep(50);
            log = Files.readString(dir.resolve("peer.log"));
        }
        assertThat(log).contains("sink-mptcp from 10.79.0.1 bytes=3000000 sha256=" + sha);
        // The table is gone, and the kernel's own TCP on that address works (plain sink, port + 1000).
        assertThat(run("ip", "netns", "exec", U, "nft", "list", "tables").output()).doesNotContain(NftablesGuard.TABLE_PREFIX);
        RootShell.Result k = run("ip", "netns", "exec", U, "python3", "-c", "import socket\n"
                + "s=socket.create_connection(('10.79.0.2'," + (Lab.SINK_PORT + Lab.PLAIN_TCP_OFFSET) + "),timeout=3)\n"
                + "s.sendall(b'x'*1000); s.close(); print('ok')");
        assertThat(k.output().trim()).isEqualTo("ok");
    }
}

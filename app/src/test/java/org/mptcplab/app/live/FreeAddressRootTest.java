package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mptcplab.app.live.RootShell.must;
import static org.mptcplab.app.live.RootShell.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code connect --iface IF} without an address, on real links in a namespace of its own
 * ({@value #NS}, removed afterwards): the kernel has 10.77.0.1/24 on fA, and 10.77.0.5 and
 * 10.77.0.254 on fB at the other end of the veth, so .254 answers our ARP probe and .253 is the
 * choice. An interface without a kernel address is refused with the way out. Needs root.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FreeAddressRootTest {
    static final String NS = "mptcplab-t-free";

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(RootShell.isRoot(), "SKIPPED: choosing a free address on a real link needs root (namespace, veth, pcap)");
        assumeTrue(RootShell.onPath("ip") && RootShell.onPath("ethtool"), "SKIPPED: needs ip and ethtool");
        try {
            PcapDevice.checkLibpcap();
        } catch (LiveDeviceException e) {
            assumeTrue(false, "SKIPPED: " + e.getMessage());
        }
        run("ip", "netns", "del", NS); // a stale one from a crash
        must("ip", "netns", "add", NS);
        must("ip", "-n", NS, "link", "add", "fA", "type", "veth", "peer", "name", "fB");
        for (String d : List.of("fA", "fB")) {
            must("ip", "netns", "exec", NS, "sysctl", "-q", "-w", "net.ipv6.conf." + d + ".disable_ipv6=1");
            must("ip", "netns", "exec", NS, "ethtool", "-K", d, "tx", "off", "rx", "off");
            must("ip", "-n", NS, "link", "set", d, "up");
        }
        must("ip", "-n", NS, "link", "set", "lo", "up");
        must("ip", "-n", NS, "addr", "add", "10.77.0.1/24", "dev", "fA");
        must("ip", "-n", NS, "addr", "add", "10.77.0.5/24", "dev", "fB");
        must("ip", "-n", NS, "addr", "add", "10.77.0.254/24", "dev", "fB");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (RootShell.isRoot()) {
            run("ip", "netns", "del", NS);
        }
    }

    static String[] connect(String iface) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS, System.getProperty("java.home") + "/bin/java",
                "-cp", System.getProperty("java.class.path"), "org.mptcplab.app.Launcher", "connect", "--iface", iface,
                "--to", "10.77.0.5:9", "--bytes", "1K", "--timeout", "3s", "--no-link-watch", "--json"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return new String[] {Integer.toString(p.exitValue()), out, err};
    }

    @Test
    void picksAnAddressNobodyClaimsAndRefusesAnInterfaceWithoutOne() throws Exception {
        String[] r = connect("fA");
        assertThat(r[2]).as("stderr; stdout %s", r[1]).contains("--iface fA: using 10.77.0.253/24",
                "10.77.0.254 (answered the probe)");
        // The stack then started from it (whether the SYN is answered depends on this odd topology's routes).
        assertThat(r[1]).contains("\"MPCapableSYNTX\"");
        String[] none = connect("lo");
        assertThat(none[0]).isEqualTo("2");
        assertThat(none[2]).contains("--iface lo: the interface has no IPv4 address of the kernel's to take a subnet from;"
                + " give the address our stack should use: --iface lo=ADDR/PREFIX");
    }

    /**
     * The same over IPv6, in a namespace of its own: the kernel has fd00:77::1/64 on fA and
     * fd00:77::fff0 (the first candidate, below the reserved interface ids) on fB, which answers our
     * DAD-style solicitation; fd00:77::ffef is the choice.
     */
    @Test
    void picksAnIpv6AddressNobodyClaims() throws Exception {
        String ns6 = NS + "6";
        run("ip", "netns", "del", ns6);
        must("ip", "netns", "add", ns6);
        try {
            must("ip", "-n", ns6, "link", "add", "fA", "type", "veth", "peer", "name", "fB");
            for (String d : List.of("fA", "fB")) {
                must("ip", "netns", "exec", ns6, "ethtool", "-K", d, "tx", "off", "rx", "off");
                must("ip", "-n", ns6, "link", "set", d, "up");
            }
            must("ip", "-n", ns6, "addr", "add", "fd00:77::1/64", "dev", "fA", "nodad");
            must("ip", "-n", ns6, "addr", "add", "fd00:77::5/64", "dev", "fB", "nodad");
            must("ip", "-n", ns6, "addr", "add", "fd00:77::fff0/64", "dev", "fB", "nodad");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns6, System.getProperty("java.home") + "/bin/java",
                    "-cp", System.getProperty("java.class.path"), "org.mptcplab.app.Launcher", "connect", "--iface", "fA",
                    "--to", "[fd00:77::5]:9", "--bytes", "1K", "--timeout", "3s", "--no-link-watch", "--json"));
            Process p = new ProcessBuilder(cmd).start();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            assertThat(err).as("stderr; stdout %s", out).contains("--iface fA: using fd00:77::ffef/64",
                    "fd00:77::fff0 (answered the probe)");
        } finally {
            run("ip", "netns", "del", ns6);
        }
    }
}

package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.lab.Lab;
import org.mptcplab.stack.wire.IpAddress;

class NftablesGuardTest {

    @Test
    void theScriptDropsOurAddressAndPortsOnlyBeforeConntrack() {
        String s = NftablesGuard.script("mptcplab_guard_42", List.of(
                new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535),
                new NftablesGuard.Hole(IpAddress.parse("fd00:1::1"), 7000, 7000)));
        assertThat(s).isEqualTo("""
                table inet mptcplab_guard_42 {
                    flags owner;
                    chain input {
                        type filter hook input priority -300; policy accept;
                        ip daddr 10.1.0.1 tcp dport 61000-65535 counter drop
                        ip6 daddr fd00:1::1 tcp dport 7000 counter drop
                    }
                }
                """);
    }

    @Test
    void nftInteractiveGetsTheScriptAsOneLine() {
        String s = NftablesGuard.script("mptcplab_guard_42", List.of(
                new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535),
                new NftablesGuard.Hole(IpAddress.parse("fd00:1::1"), 7000, 7000)));
        assertThat(NftablesGuard.oneLine(s)).isEqualTo("table inet mptcplab_guard_42 { flags owner; chain input {"
                + " type filter hook input priority -300; policy accept; ip daddr 10.1.0.1 tcp dport 61000-65535 counter drop;"
                + " ip6 daddr fd00:1::1 tcp dport 7000 counter drop; }; }");
    }

    /**
     * The owner gets the table as one line, install returns once a separate nft lists it owned,
     * and close ends the owner (whose end takes the table along) rather than deleting the table,
     * which the kernel would refuse.
     */
    @Test
    void theTableIsCreatedByItsOwnerAndGoesWithIt() throws IOException {
        FakeNft fake = new FakeNft();
        NftablesGuard g = NftablesGuard.install(fake, List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535)));
        String table = NftablesGuard.tableName(ProcessHandle.current().pid());
        assertThat(g.table()).isEqualTo(table);
        assertThat(fake.session.sent).containsExactly(NftablesGuard.oneLine(NftablesGuard.script(table,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535)))));
        assertThat(fake.startArgs).containsExactly("-i");
        assertThat(g.ownerPid()).isEqualTo(4242);
        assertThat(fake.session.alive()).isTrue();
        g.close();
        assertThat(fake.session.alive()).isFalse();
        assertThat(fake.tablePresent).isFalse();
        // Only the one delete of install (a leftover under our PID), none at close.
        assertThat(fake.calls.stream().filter(c -> c.startsWith("delete"))).containsExactly("delete table inet " + table);
        g.close(); // twice is harmless
    }

    @Test
    void whatNftSaysIsTheReasonWhenItRefusesTheTable() {
        FakeNft fake = new FakeNft();
        fake.reply = "Error: Could not process rule: Operation not supported\ntable inet x { flags owner; }\n";
        assertThatThrownBy(() -> NftablesGuard.install(fake,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nft refused the rules")
                .hasMessageContaining("Could not process rule: Operation not supported");
        assertThat(fake.session.alive()).isFalse();
    }

    @Test
    void anOwnerThatExitsAtOnceIsAFailureWithItsWords() {
        FakeNft fake = new FakeNft();
        fake.exitAtOnceSaying = "nft: invalid option -- 'i'\n";
        assertThatThrownBy(() -> NftablesGuard.install(fake,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535))))
                .isInstanceOf(IOException.class).hasMessageContaining("invalid option -- 'i'");
    }

    @Test
    void aTableTheKernelDidNotMakeOwnedIsRefusedAndRemoved() {
        FakeNft fake = new FakeNft();
        fake.owned = false;
        assertThatThrownBy(() -> NftablesGuard.install(fake,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535))))
                .isInstanceOf(IOException.class).hasMessageContaining("without its owner flag");
        assertThat(fake.session.alive()).isFalse();
        assertThat(fake.tablePresent).isFalse();
    }

    @Test
    void anEarlierGuardStillOpenInThisProcessIsNamedAsTheCause() {
        FakeNft fake = new FakeNft();
        fake.tablePresent = true;
        fake.owned = true;
        assertThatThrownBy(() -> NftablesGuard.install(fake,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535))))
                .isInstanceOf(IOException.class).hasMessageContaining("an earlier guard of this process");
        assertThat(fake.session).isNull();
    }

    /**
     * nft as the kernel sees it, for one table: an owned table cannot be deleted by another nft
     * and goes when its owner ends.
     */
    static final class FakeNft implements NftablesGuard.Nft {
        final List<String> calls = new ArrayList<>();
        List<String> startArgs;
        FakeSession session;
        boolean tablePresent;
        boolean owned = true;
        /** What the owner prints after it gets the table (an error), if anything. */
        String reply = "";
        /** When set, the owner exits as it starts, saying this. */
        String exitAtOnceSaying;

        @Override
        public Result run(String stdin, String... args) {
            String c = String.join(" ", args);
            calls.add(c);
            String table = NftablesGuard.tableName(ProcessHandle.current().pid());
            if (c.equals("list tables")) {
                return new Result(0, tablePresent ? "table inet filter\ntable inet " + table + "\n" : "table inet filter\n");
            }
            if (c.equals("list table inet " + table)) {
                return tablePresent ? new Result(0, "table inet " + table + " {\n" + (owned ? "\tflags owner\n" : "") + "}\n")
                        : new Result(1, "Error: No such file or directory");
            }
            if (c.equals("delete table inet " + table)) {
                if (tablePresent && owned) {
                    return new Result(1, "Error: Could not process rule: Operation not permitted");
                }
                boolean was = tablePresent;
                tablePresent = false;
                return was ? new Result(0, "") : new Result(1, "Error: No such file or directory");
            }
            return new Result(1, "unexpected " + c);
        }

        @Override
        public Session start(String... args) {
            startArgs = List.of(args);
            session = new FakeSession();
            if (exitAtOnceSaying != null) {
                session.output.append(exitAtOnceSaying);
                session.alive = false;
            }
            return session;
        }

        final class FakeSession implements Session {
            final List<String> sent = new ArrayList<>();
            final StringBuilder output = new StringBuilder();
            boolean alive = true;

            @Override
            public void send(String line) {
                sent.add(line);
                if (reply.isEmpty()) {
                    tablePresent = true;
                } else {
                    output.append(reply);
                }
            }

            @Override
            public String output() {
                return output.toString();
            }

            @Override
            public boolean alive() {
                return alive;
            }

            @Override
            public long pid() {
                return 4242;
            }

            @Override
            public boolean end(java.time.Duration grace) {
                if (alive && owned) {
                    tablePresent = false;
                }
                alive = false;
                return true;
            }
        }
    }

    @Test
    void badPortRangesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 0, 10))
                .hasMessageContaining("bad port range 0-10");
        assertThatThrownBy(() -> new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 9, 8))
                .hasMessageContaining("bad port range 9-8");
    }

    @Test
    void staleTablesOfDeadProcessesAreRemovedAndLiveOnesKept() throws IOException {
        List<String> calls = new ArrayList<>();
        NftablesGuard.Nft fake = (stdin, args) -> {
            calls.add(String.join(" ", args));
            if (args[0].equals("list")) {
                return new NftablesGuard.Nft.Result(0, "table inet filter\ntable inet mptcplab_guard_111\n"
                        + "table ip nat\ntable inet mptcplab_guard_222\ntable inet mptcplab_guard_x\n");
            }
            return new NftablesGuard.Nft.Result(0, "");
        };
        List<String> removed = NftablesGuard.removeStale(fake, pid -> pid == 222);
        assertThat(removed).containsExactly("mptcplab_guard_111");
        assertThat(calls).containsExactly("list tables", "delete table inet mptcplab_guard_111");
    }

    @Test
    void withoutNftTheErrorSaysWhatToInstall() {
        NftablesGuard.Nft missing = (stdin, args) -> new NftablesGuard.Nft.Result(127, "nft: command not found");
        assertThatThrownBy(() -> NftablesGuard.install(missing,
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.1.0.1"), 61000, 65535))))
                .isInstanceOf(IOException.class).hasMessageContaining("apt-get install nftables");
    }

    @Test
    void ourPortsLieOutsideTheKernelsEphemeralRange(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ip_local_port_range");
        Files.writeString(f, "32768\t60999\n");
        assertThat(NftablesGuard.portsOutsideKernelRange(f)).containsExactly(61000, 65535);
        Files.writeString(f, "40000\t65000\n");
        assertThat(NftablesGuard.portsOutsideKernelRange(f)).containsExactly(1024, 39999);
        Files.writeString(f, "garbage\n");
        assertThatThrownBy(() -> NftablesGuard.portsOutsideKernelRange(f))
                .hasMessageContaining("cannot read the kernel's ephemeral port range");
        Files.writeString(f, "1500\t65000\n");
        assertThatThrownBy(() -> NftablesGuard.portsOutsideKernelRange(f))
                .hasMessageContaining("leaves no 1000 ports").hasMessageContaining("ip_local_port_range");
    }

    /**
     * For real, in a namespace of its own: the kernel owns 10.77.0.1 and answers a SYN to a closed
     * port with a RST; with the guard that SYN is dropped before the kernel's TCP (no answer), the
     * kernel's own listener on another port still answers, and closing the guard restores the RST.
     */
    @Test
    void theKernelStopsAnsweringOurPortsAndOnlyThose() throws Exception {
        List<String> missing = Lab.missingRequirements();
        assumeTrue(missing.isEmpty(), "skipped: needs " + String.join("; ", missing));
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "skipped: nft missing (apt-get install nftables)");
        String a = "mptcplab-t-nfta";
        String b = "mptcplab-t-nftb";
        try {
            for (String ns : List.of(a, b)) {
                Lab.run("ip", "netns", "del", ns);
                assertThat(Lab.run("ip", "netns", "add", ns).exit()).isZero();
            }
            sh(a, "ip link add mltn0 type veth peer name mltn1 netns " + b);
            sh(a, "ip addr add 10.77.0.1/24 dev mltn0; ip link set mltn0 up; ip link set lo up");
            sh(b, "ip addr add 10.77.0.2/24 dev mltn1; ip link set mltn1 up");
            // a kernel listener on 7100 in a, outside the guarded range
            Process listener = new ProcessBuilder("ip", "netns", "exec", a, "python3", "-c",
                    "import socket,time\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                            + "s.bind(('0.0.0.0',7100)); s.listen(); print('up',flush=True); time.sleep(30)").start();
            assertThat(new String(listener.getInputStream().readNBytes(3))).isEqualTo("up\n");
            try {
                assertThat(probe(b, 61001)).isEqualTo("refused"); // the kernel's RST
                NftablesGuard g = NftablesGuard.install(NftablesGuard.Nft.command(List.of("ip", "netns", "exec", a)),
                        List.of(new NftablesGuard.Hole(IpAddress.parse("10.77.0.1"), 61000, 65535)));
                try {
                    assertThat(probe(b, 61001)).isEqualTo("timeout"); // dropped: no RST
                    assertThat(probe(b, 7100)).isEqualTo("connected"); // the kernel's own port works
                    assertThat(g.droppedPackets()).isPositive();
                    assertThat(Lab.run("ip", "netns", "exec", a, "nft", "list", "tables").output()).contains(g.table());
                } finally {
                    g.close();
                }
                assertThat(Lab.run("ip", "netns", "exec", a, "nft", "list", "tables").output())
                        .doesNotContain(NftablesGuard.TABLE_PREFIX);
                assertThat(probe(b, 61001)).isEqualTo("refused");
            } finally {
                listener.destroyForcibly();
            }
        } finally {
            Lab.run("ip", "netns", "del", a);
            Lab.run("ip", "netns", "del", b);
        }
    }

    static void sh(String ns, String script) {
        Lab.Result r = Lab.run("ip", "netns", "exec", ns, "sh", "-ec", script);
        assertThat(r.exit()).as(r.output()).isZero();
    }

    /** A kernel TCP connect from namespace {@code ns} to 10.77.0.1:port: connected, refused or timeout. */
    static String probe(String ns, int port) {
        Lab.Result r = Lab.run("ip", "netns", "exec", ns, "python3", "-c",
                "import socket\ntry:\n    socket.create_connection(('10.77.0.1'," + port + "),timeout=0.7); print('connected')\n"
                        + "except ConnectionRefusedError: print('refused')\nexcept socket.timeout: print('timeout')\n");
        return r.output().trim();
    }
}

package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.wire.IpAddress;

/**
 * The guard's table does not outlive its process, however that process ends: each test in a fresh
 * network namespace of its own, so that what is left there is ours alone to see.
 */
class NftablesGuardRootTest {
    private String ns;

    @BeforeEach
    void namespace() throws IOException, InterruptedException {
        assumeTrue(RootShell.isRoot(), "skipped: needs root (network namespaces, nftables)");
        assumeTrue(RootShell.onPath("nft"), "skipped: nft missing (apt-get install nftables)");
        assumeTrue(RootShell.onPath("ip"), "skipped: ip missing (apt-get install iproute2)");
        ns = "mptcplab-nfttest-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 28, Integer.MAX_VALUE));
        RootShell.must("ip", "netns", "add", ns);
    }

    @AfterEach
    void removeNamespace() throws IOException, InterruptedException {
        if (ns != null) {
            RootShell.run("ip", "netns", "del", ns);
        }
    }

    /** kill -9 runs no shutdown hook: the kernel alone removes the table, with its owner nft. */
    @Test
    void nothingIsLeftAfterKillMinus9() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NftablesCrashChild.class.getName(), ns).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            // Whatever it printed up to READY (or to its end), for the message should it fail.
            String said = CompletableFuture.supplyAsync(() -> {
                StringBuilder b = new StringBuilder();
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        b.append(line).append('\n');
                        if (line.startsWith("READY ")) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    b.append(e);
                }
                return b.toString();
            }).get(60, TimeUnit.SECONDS);
            assertThat(said).as("the child's output").contains("READY ");
            String[] ready = said.substring(said.indexOf("READY ")).trim().split(" ");
            String table = ready[1];
            long ownerPid = Long.parseLong(ready[2]);
            assertThat(table).isEqualTo(NftablesGuard.tableName(child.pid()));
            assertThat(tables()).contains("table inet " + table);
            assertThat(RootShell.must("ip", "netns", "exec", ns, "nft", "list", "table", "inet", table)).contains("flags owner");
            // The owner is nft itself (setsid and ip netns exec exec in place), the child of that JVM.
            assertThat(running(ownerPid)).isTrue();
            assertThat(Files.readString(Path.of("/proc", Long.toString(ownerPid), "comm")).trim()).isEqualTo("nft");
            assertThat(ProcessHandle.of(ownerPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(child.pid());

            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(128 + 9);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String left = tables();
            while ((left.contains(NftablesGuard.TABLE_PREFIX) || running(ownerPid)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = tables();
            }
            System.out.println("after kill -9 of pid " + child.pid() + ": nft list tables in " + ns + ": '" + left.trim()
                    + "'; owner nft " + ownerPid + " running: " + running(ownerPid));
            assertThat(left).doesNotContain(NftablesGuard.TABLE_PREFIX);
            assertThat(running(ownerPid)).as("owner nft %d still running", ownerPid).isFalse();
        } finally {
            child.destroyForcibly();
        }
    }

    /** close() ends the owner, and with it the table, before it returns; nobody else could delete the table meanwhile. */
    @Test
    void nothingIsLeftAfterClose() throws Exception {
        NftablesGuard g = NftablesGuard.install(NftablesGuard.Nft.command(List.of("ip", "netns", "exec", ns)),
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.78.0.1"), 61000, 65535)));
        long ownerPid = g.ownerPid();
        try {
            assertThat(tables()).contains("table inet " + g.table());
            assertThat(g.droppedPackets()).isZero(); // a non-owner may list it, counters included
            RootShell.Result delete = RootShell.run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", g.table());
            assertThat(delete.exit()).isNotZero();
            assertThat(delete.output()).contains("Operation not permitted");
            assertThat(tables()).contains("table inet " + g.table());
        } finally {
            g.close();
        }
        assertThat(tables()).doesNotContain(NftablesGuard.TABLE_PREFIX);
        assertThat(running(ownerPid)).isFalse();
    }

    private String tables() throws IOException, InterruptedException {
        return RootShell.must("ip", "netns", "exec", ns, "nft", "list", "tables");
    }

    /**
     * Whether a process runs: a zombie does not (it has exited and released its files, the
     * netlink socket included; only its exit status waits for a parent, which after kill -9 is
     * whatever reaper the machine has).
     */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the state follows the command name's closing parenthesis
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}

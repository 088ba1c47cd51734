package org.mptcplab.app.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv6Address;

/**
 * Keeps the host kernel out of our flows when the stack uses an address the kernel also owns (the
 * host's own IP on an interface). pcap sees every frame before the kernel's IP layer does, so the
 * stack gets the packets either way; but the kernel, which has no socket for our connections,
 * would answer each of them with a RST (RFC 9293 3.10.7.1) and kill them. An nftables table drops
 * TCP segments addressed to our address and our ports at the input hook, which is after the
 * packet taps and before the kernel's TCP. Nothing else is touched: the kernel's own connections on
 * that address keep working, which is why our ports must be outside the kernel's ephemeral range
 * ({@link #portsOutsideKernelRange}).
 *
 * <p>The table is an owned one ({@code flags owner}, Linux 5.12 and later): the kernel deletes it
 * when the netlink socket that created it is released, and nobody else may change or delete it
 * meanwhile. That socket belongs to an {@code nft -i} child (the owner) that reads commands from a
 * pipe we hold. Whichever way our JVM ends, kill -9 included, the pipe closes, nft reads EOF and
 * exits, and the kernel removes the table with it: nothing is left after a crash. Verified with
 * nftables 1.0.6 on Linux 6.18: {@code nft -i} keeps one socket across its commands (a second
 * command could add a chain to the owned table, which only the owner may), another nft could list
 * the table but not delete or change it (EPERM), and the table was gone once nft had read EOF and
 * exited; a one-shot {@code nft -f} leaves no owned table behind, as its socket closes when it
 * ends. {@code nft -i} takes one command per line (a block over several lines is a syntax error),
 * hence {@link #oneLine}.
 *
 * <p>The table is still named after this process ({@value #TABLE_PREFIX}PID), so that a start can
 * tell a stale table of an earlier version (not owned, left by kill -9) from one in use, and
 * removes it. {@link #close} and a shutdown hook end the owner, so that the table is gone by the
 * time our JVM has exited, not just shortly after.
 */
public final class NftablesGuard implements AutoCloseable {
    public static final String TABLE_PREFIX = "mptcplab_guard_";
    static final Pattern TABLE_LINE = Pattern.compile("^table inet (" + TABLE_PREFIX + "(\\d+))\\s*$", Pattern.MULTILINE);
    /** How long nft may take to install or to leave: it needs milliseconds, but the machine may be loaded. */
    static final Duration PATIENCE = Duration.ofSeconds(10);
    /** How long the owner has to exit on EOF before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 20;

    /** A local address and the TCP ports on it whose segments the kernel must not see. */
    public record Hole(IpAddress address, int fromPort, int toPort) {
        public Hole {
            Objects.requireNonNull(address, "address");
            if (fromPort < 1 || toPort > 65535 || fromPort > toPort) {
                throw new IllegalArgumentException("bad port range " + fromPort + "-" + toPort + " (1-65535, from <= to)");
            }
        }
    }

    /** Runs nft (in a namespace, through a prefix such as {@code ip netns exec NS}). */
    public interface Nft {
        /** Runs {@code nft ARGS}, feeding {@code stdin} when not null; returns exit code and output. */
        Result run(String stdin, String... args) throws IOException;

        /**
         * Starts {@code nft ARGS} as a process that keeps running and reads commands from a pipe
         * that this JVM holds, so that it ends when we do.
         */
        default Session start(String... args) throws IOException {
            throw new IOException("this nft cannot keep a process running");
        }

        record Result(int exit, String output) {
        }

        /** A running nft. */
        interface Session {
            /** Writes one command line to its stdin. */
            void send(String line) throws IOException;

            /** What it has printed so far (stdout and stderr). */
            String output();

            boolean alive();

            long pid();

            /** Closes its stdin, and kills it if it has not exited within {@code grace}; true when it has exited. */
            boolean end(Duration grace);
        }

        /** The real nft, optionally behind a command prefix. */
        static Nft command(List<String> prefix) {
            return new NftablesCommand(prefix);
        }
    }

    private final Nft nft;
    private final String table;
    private final Nft.Session owner;
    private final Thread hook;
    private boolean closed;

    private NftablesGuard(Nft nft, String table, Nft.Session owner) {
        this.nft = nft;
        this.table = table;
        this.owner = owner;
        this.hook = new Thread(this::remove, "nftables-guard-cleanup");
    }

    /** The table's name for this process. */
    public static String tableName(long pid) {
        return TABLE_PREFIX + pid;
    }

    /**
     * Removes tables left by processes that no longer run, then installs this process's table,
     * owned by an nft child that lives as long as we do, and returns once nft lists it.
     *
     * @throws IOException when nft is missing or refuses the rules (the message says which)
     */
    // synchronized: two installs of this JVM at once would race for the same table name.
    public static synchronized NftablesGuard install(Nft nft, List<Hole> holes) throws IOException {
        if (holes.isEmpty()) {
            throw new IllegalArgumentException("nothing to guard: no address and port given");
        }
        removeStale(nft, pid -> Files.exists(Paths.get("/proc", Long.toString(pid))));
        String table = tableName(ProcessHandle.current().pid());
        // A table under our PID not owned by anyone (an earlier version's, whose process had our
        // PID before us): delete it. An owned one cannot be, and is checked for next.
        nft.run(null, "delete", "table", "inet", table);
        if (nft.run(null, "list", "table", "inet", table).exit() == 0) {
            // Else the check below would take that table for ours, and nft would refuse ours (EPERM).
            throw new IOException("nftables table inet " + table + " is held by another nft process: an earlier guard of"
                    + " this process in the same network namespace is still open (close it first)");
        }
        Nft.Session owner;
        try {
            owner = nft.start("-i");
        } catch (IOException e) {
            throw refused(String.valueOf(e.getMessage()));
        }
        try {
            owner.send(oneLine(script(table, holes)));
            awaitInstalled(nft, owner, table);
        } catch (IOException | RuntimeException e) {
            owner.end(GRACE);
            // In case nft created the table without the owner flag (see awaitInstalled).
            nft.run(null, "delete", "table", "inet", table);
            throw e;
        }
        NftablesGuard g = new NftablesGuard(nft, table, owner);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    private static IOException refused(String reason) {
        return new IOException("nft refused the rules that keep the kernel from answering our segments: "
                + reason.trim() + " (is the nftables package installed? apt-get install nftables)");
    }

    /**
     * Waits until a separate nft lists the table, owned: that is what the kernel holds, seen as
     * any other process sees it. The owner's output tells why when it does not come: nft -i
     * prints errors and goes on reading, so an error there, or its exit, means failure.
     */
    private static void awaitInstalled(Nft nft, Nft.Session owner, String table) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            if (owner.output().contains("Error") || !owner.alive()) {
                owner.end(GRACE); // so that all it has to say is there
                throw refused(owner.output());
            }
            Nft.Result r = nft.run(null, "list", "table", "inet", table);
            if (r.exit() == 0) {
                if (!r.output().contains("flags owner")) {
                    throw new IOException("the kernel took nftables table inet " + table + " without its owner flag,"
                            + " so a crash would leave it behind (owned tables need Linux 5.12 or later): " + r.output().trim());
                }
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw refused("no table inet " + table + " after " + PATIENCE.toSeconds() + " s; nft -i said: '"
                        + owner.output().trim() + "', nft list said: '" + r.output().trim() + "'");
            }
            sleep(POLL_MILLIS);
        }
    }

    /** The nft script of a guard table: owned by the nft that creates it, one drop rule per hole, at the input hook. */
    static String script(String table, List<Hole> holes) {
        StringBuilder b = new StringBuilder();
        b.append("table inet ").append(table).append(" {\n");
        b.append("    flags owner;\n");
        b.append("    chain input {\n");
        // Priority raw (-300): before conntrack, so the kernel keeps no state for our flows either.
        b.append("        type filter hook input priority -300; policy accept;\n");
        for (Hole h : holes) {
            String family = h.address() instanceof Ipv6Address ? "ip6" : "ip";
            String ports = h.fromPort() == h.toPort() ? Integer.toString(h.fromPort()) : h.fromPort() + "-" + h.toPort();
            b.append("        ").append(family).append(" daddr ").append(h.address()).append(" tcp dport ").append(ports)
                    .append(" counter drop\n");
        }
        b.append("    }\n}\n");
        return b.toString();
    }

    /**
     * A script as one line, for {@code nft -i}, which runs each line as a command of its own: a
     * line break separates statements in nft's grammar as a semicolon does, except after an opening
     * brace, where a space is enough.
     */
    static String oneLine(String script) {
        StringBuilder b = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (b.length() > 0) {
                char last = b.charAt(b.length() - 1);
                b.append(last == '{' || last == ';' ? " " : "; ");
            }
            b.append(t);
        }
        return b.toString();
    }

    /** Deletes the guard tables whose process is gone; returns their names. */
    static List<String> removeStale(Nft nft, java.util.function.LongPredicate alive) throws IOException {
        Nft.Result r = nft.run(null, "list", "tables");
        if (r.exit() != 0) {
            throw new IOException("nft cannot list tables: " + r.output().trim()
                    + " (nftables is needed to use the host's own address: apt-get install nftables; run as root)");
        }
        List<String> removed = new ArrayList<>();
        Matcher m = TABLE_LINE.matcher(r.output());
        while (m.find()) {
            long pid = Long.parseLong(m.group(2));
            if (pid != ProcessHandle.current().pid() && !alive.test(pid)) {
                nft.run(null, "delete", "table", "inet", m.group(1));
                removed.add(m.group(1));
            }
        }
        return removed;
    }

    /** How many segments the guard has dropped (the sum of its rule counters). */
    public long droppedPackets() throws IOException {
        Nft.Result r = nft.run(null, "list", "table", "inet", table);
        long n = 0;
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(r.output());
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    public String table() {
        return table;
    }

    /** The nft process that owns the table (its PID). */
    long ownerPid() {
        return owner.pid();
    }

    private synchronized void remove() {
        if (closed) {
            return;
        }
        closed = true;
        // Nobody else may delete an owned table, our own nft calls included (EPERM): it goes with
        // its owner, which we end the way a crash would, by closing its stdin.
        owner.end(GRACE);
        try {
            if (awaitGone()) {
                return;
            }
            // Still there: then not owned by that nft after all; an ordinary delete can do it.
            nft.run(null, "delete", "table", "inet", table);
            if (!awaitGone()) {
                System.err.println("warning: nftables table inet " + table + " is still there after its nft (pid "
                        + owner.pid() + ") ended; remove it with: nft delete table inet " + table);
            }
        } catch (IOException e) {
            // Nothing more to do at exit; a later start removes a stale table (should nft have been unable to).
        }
    }

    /**
     * Whether the table is gone, waiting for it a little: the kernel deletes it as the owner's
     * socket is released, which is as the owner exits, before we learn of its exit; the wait is
     * for safety only.
     */
    private boolean awaitGone() throws IOException {
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (true) {
            Nft.Result r = nft.run(null, "list", "tables");
            if (r.exit() == 0 && !listed(r.output(), table)) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            sleep(POLL_MILLIS);
        }
    }

    static boolean listed(String listTablesOutput, String table) {
        Matcher m = TABLE_LINE.matcher(listTablesOutput);
        while (m.find()) {
            if (m.group(1).equals(table)) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (and finds the table gone)
        }
    }

    /**
     * A port range for our connections that the kernel does not use for its own: the part above
     * (or below) its ephemeral range ({@code net.ipv4.ip_local_port_range}) large enough to be
     * useful, so that dropping our ports never hits a kernel connection.
     */
    public static int[] portsOutsideKernelRange(Path portRangeFile) throws IOException {
        // procfs files report a size of 0: read them as a stream, not by their size.
        String text;
        try (InputStream in = Files.newInputStream(portRangeFile)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String[] f = text.split("\\s+");
        int lo;
        int hi;
        try {
            lo = Integer.parseInt(f[0]);
            hi = Integer.parseInt(f[1]);
        } catch (RuntimeException e) {
            throw new IOException("cannot read the kernel's ephemeral port range from " + portRangeFile + ": '" + text + "'");
        }
        if (65535 - hi >= 1000) {
            return new int[] {hi + 1, 65535};
        }
        if (lo - 1024 >= 1000) {
            return new int[] {1024, lo - 1};
        }
        throw new IOException("the kernel's ephemeral port range " + lo + "-" + hi + " (" + portRangeFile
                + ") leaves no 1000 ports for our stack; narrow it, e.g. sysctl -w net.ipv4.ip_local_port_range=\"32768 60999\"");
    }
}

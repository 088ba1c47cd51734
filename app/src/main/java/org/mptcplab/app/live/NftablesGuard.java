package org.mptcplab.app.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 * <p>The table is named after this process ({@value #TABLE_PREFIX}PID) so that a later start can
 * tell a stale one (its process gone, e.g. after kill -9) from one in use, and removes it; it is
 * removed on {@link #close} and by a shutdown hook.
 */
public final class NftablesGuard implements AutoCloseable {
    public static final String TABLE_PREFIX = "mptcplab_guard_";
    static final Pattern TABLE_LINE = Pattern.compile("^table inet (" + TABLE_PREFIX + "(\\d+))\\s*$", Pattern.MULTILINE);

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

        record Result(int exit, String output) {
        }

        /** The real nft, optionally behind a command prefix. */
        static Nft command(List<String> prefix) {
            return (stdin, args) -> {
                List<String> cmd = new ArrayList<>(prefix);
                cmd.add("nft");
                cmd.addAll(List.of(args));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (OutputStream o = p.getOutputStream()) {
                    if (stdin != null) {
                        o.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                byte[] out;
                try (InputStream in = p.getInputStream()) {
                    out = in.readAllBytes();
                }
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return new Result(-1, "nft timed out");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                    return new Result(-1, "interrupted");
                }
                return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
            };
        }
    }

    private final Nft nft;
    private final String table;
    private final Thread hook;
    private boolean closed;

    private NftablesGuard(Nft nft, String table) {
        this.nft = nft;
        this.table = table;
        this.hook = new Thread(this::remove, "nftables-guard-cleanup");
    }

    /** The table's name for this process. */
    public static String tableName(long pid) {
        return TABLE_PREFIX + pid;
    }

    /**
     * Removes tables left by processes that no longer run, then installs this process's table.
     *
     * @throws IOException when nft is missing or refuses the rules (the message says which)
     */
    public static NftablesGuard install(Nft nft, List<Hole> holes) throws IOException {
        if (holes.isEmpty()) {
            throw new IllegalArgumentException("nothing to guard: no address and port given");
        }
        removeStale(nft, pid -> Files.exists(Paths.get("/proc", Long.toString(pid))));
        String table = tableName(ProcessHandle.current().pid());
        // Replace a table of ours from an earlier guard in this same process, if any.
        nft.run(null, "delete", "table", "inet", table);
        Nft.Result r = nft.run(script(table, holes), "-f", "-");
        if (r.exit() != 0) {
            throw new IOException("nft refused the rules that keep the kernel from answering our segments: "
                    + r.output().trim() + " (is the nftables package installed? apt-get install nftables)");
        }
        NftablesGuard g = new NftablesGuard(nft, table);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** The nft script of a guard table: one drop rule per hole, at the input hook. */
    static String script(String table, List<Hole> holes) {
        StringBuilder b = new StringBuilder();
        b.append("table inet ").append(table).append(" {\n");
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

    private synchronized void remove() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            nft.run(null, "delete", "table", "inet", table);
        } catch (IOException e) {
            // Nothing more to do at exit; the next start removes the stale table.
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

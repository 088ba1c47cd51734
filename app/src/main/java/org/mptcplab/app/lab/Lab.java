package org.mptcplab.app.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The live lab: a client namespace for our stack and a server namespace for the Linux kernel's
 * MPTCP, joined by one veth pair per path (INTEROP.md). Path N is 10.N.0.0/24 and fd00:N::/64; the
 * kernel side is .2 / ::2; the client side gets no kernel address at all, so the kernel in the
 * client namespace never answers for the addresses our stack uses there (.1 / ::1).
 *
 * <p>Everything the lab creates carries the tool's names ({@value #CLIENT_NS}, {@value #SERVER_NS},
 * veths {@code mlcN}/{@code mlsN} inside them); {@link #down} removes exactly that, and {@link #up}
 * starts with it, so a second {@code lab up} or one after a crash cleans the stale state first.
 */
public final class Lab {
    public static final String CLIENT_NS = "mptcplab-c";
    public static final String SERVER_NS = "mptcplab-s";
    public static final Path STATE_DIR = Paths.get("/run/mptcplab");
    public static final int SINK_PORT = 5201;
    public static final int SOURCE_PORT = 5202;
    public static final int ECHO_PORT = 5203;
    /** A live video source: the client sends bitrate and chunk interval (8 bytes each), then reads the stream. */
    public static final int VIDEO_PORT = 5204;
    /** The same services over plain TCP (fallback tests): port + 1000. */
    public static final int PLAIN_TCP_OFFSET = 1000;
    public static final int MAX_PATHS = 8;

    /** The window's live lab: its own server namespace and state, so it never meets the CLI's lab. */
    public static final String WINDOW_SERVER_NS = "mptcplab-w";
    public static final Path WINDOW_STATE_DIR = Paths.get("/run/mptcplab-window");

    private final PrintWriter out;
    /** The client side's namespace, or null: the client ends of the veths stay in this process's namespace. */
    private final String clientNs;
    private final String serverNs;
    private final String clientPrefix;
    private final String serverPrefix;
    private final Path stateDir;

    /** The CLI's lab: {@value #CLIENT_NS} and {@value #SERVER_NS}, veths mlcN/mlsN. */
    public Lab(PrintWriter out) {
        this(out, CLIENT_NS, SERVER_NS, "mlc", "mls", STATE_DIR);
    }

    private Lab(PrintWriter out, String clientNs, String serverNs, String clientPrefix, String serverPrefix, Path stateDir) {
        this.out = out;
        this.clientNs = clientNs;
        this.serverNs = serverNs;
        this.clientPrefix = clientPrefix;
        this.serverPrefix = serverPrefix;
        this.stateDir = stateDir;
    }

    /**
     * The window's lab: the kernel peer in {@value #WINDOW_SERVER_NS}, and the client ends of the
     * veths ({@code mlwN}) here, in the app's own namespace, where the app opens them with pcap
     * (a JVM cannot enter another namespace for a pcap handle). They carry no kernel address and
     * no IPv6, so the app's kernel stays silent on them and our stack owns them.
     */
    public static Lab forWindow(PrintWriter out) {
        return new Lab(out, null, WINDOW_SERVER_NS, "mlw", "mlwp", WINDOW_STATE_DIR);
    }

    /** The client end of path {@code n} (1-based). */
    public String clientInterface(int n) {
        return clientPrefix + n;
    }

    /** The server (kernel) end of path {@code n} (1-based). */
    public String serverInterface(int n) {
        return serverPrefix + n;
    }

    public String serverNamespace() {
        return serverNs;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** {@code cmd} in the client's namespace (here, for the window's lab). */
    private String[] inClient(String... cmd) {
        if (clientNs == null) {
            return cmd;
        }
        String[] c = new String[cmd.length + 4];
        c[0] = "ip";
        c[1] = "netns";
        c[2] = "exec";
        c[3] = clientNs;
        System.arraycopy(cmd, 0, c, 4, cmd.length);
        return c;
    }

    /** {@code cmd} in the server's namespace. */
    public String[] inServer(String... cmd) {
        String[] c = new String[cmd.length + 4];
        c[0] = "ip";
        c[1] = "netns";
        c[2] = "exec";
        c[3] = serverNs;
        System.arraycopy(cmd, 0, c, 4, cmd.length);
        return c;
    }

    /** Whether this lab's namespaces exist. */
    public boolean present() {
        return run("ip", "netns", "list").output().lines().anyMatch(l -> l.equals(serverNs) || l.startsWith(serverNs + " ")
                || clientNs != null && (l.equals(clientNs) || l.startsWith(clientNs + " ")));
    }

    /** What a lab needs and is missing on this machine, each with what to run; empty when ready. */
    public static List<String> missingRequirements() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root: the lab creates network namespaces and veth pairs (run it with sudo, or as root)");
        }
        if (!Files.isExecutable(Paths.get("/usr/sbin/ip")) && !Files.isExecutable(Paths.get("/usr/bin/ip"))
                && !Files.isExecutable(Paths.get("/sbin/ip"))) {
            missing.add("iproute2 (the `ip` command): apt-get install iproute2");
        }
        if (!Files.isExecutable(Paths.get("/usr/sbin/ethtool")) && !Files.isExecutable(Paths.get("/sbin/ethtool"))) {
            missing.add("ethtool (to turn veth offloads off): apt-get install ethtool");
        }
        if (!Files.isExecutable(Paths.get("/usr/bin/python3"))) {
            missing.add("python3 (runs the kernel MPTCP peer): apt-get install python3");
        }
        Path enabled = Paths.get("/proc/sys/net/mptcp/enabled");
        try {
            if (!Files.exists(enabled)) {
                missing.add("a kernel with MPTCP (CONFIG_MPTCP=y): /proc/sys/net/mptcp is absent");
            } else if (!Files.readString(enabled).trim().equals("1")) {
                missing.add("MPTCP enabled in the kernel: sysctl -w net.mptcp.enabled=1");
            }
        } catch (IOException e) {
            missing.add("a readable /proc/sys/net/mptcp/enabled: " + e.getMessage());
        }
        return missing;
    }

    /**
     * The Live card's lines: what is missing for live mode on this machine and what to run, or
     * that it is ready. Starts a process (`id -u`): call it off the FX thread.
     */
    public static List<String> liveReadiness() {
        List<String> lines = new ArrayList<>();
        List<String> missing = missingRequirements();
        boolean pcap = false;
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib"}) {
            pcap |= Files.exists(Paths.get(dir, "libpcap.so")) || Files.exists(Paths.get(dir, "libpcap.so.0.8"))
                    || Files.exists(Paths.get(dir, "libpcap.so.1"));
        }
        if (!pcap) {
            missing.add("libpcap (our stack sends and receives through it): apt-get install libpcap0.8 libpcap-dev");
        }
        if (missing.isEmpty()) {
            lines.add("This machine is ready for the live lab: root, kernel MPTCP enabled, iproute2, ethtool, libpcap.");
        } else {
            for (String m : missing) {
                lines.add("Missing here: " + m);
            }
        }
        return lines;
    }

    static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return s.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A command's result. */
    public record Result(int exit, String output) {
    }

    /** Runs a command, waits at most 20 s, returns its exit code and combined output. */
    public static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] b;
            try (InputStream in = p.getInputStream()) {
                b = in.readAllBytes();
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", cmd) + ": timed out");
            }
            return new Result(p.exitValue(), new String(b, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private void must(String... cmd) throws LabException {
        Result r = run(cmd);
        if (r.exit() != 0) {
            throw new LabException("`" + String.join(" ", cmd) + "` failed (exit " + r.exit() + "): " + r.output().trim());
        }
    }

    public static boolean exists() {
        return run("ip", "netns", "list").output().lines().anyMatch(l -> l.startsWith(SERVER_NS + " ")
                || l.equals(SERVER_NS) || l.startsWith(CLIENT_NS + " ") || l.equals(CLIENT_NS));
    }

    /** The lab's settings. */
    public record Config(int paths, List<String> rates, boolean checksum, int mtu) {
        /** With the veths' default MTU (1500). */
        public Config(int paths, List<String> rates, boolean checksum) {
            this(paths, rates, checksum, 0);
        }

        public Config {
            if (mtu != 0 && (mtu < 1280 || mtu > 9000)) {
                // IPv6 needs 1280 at least (RFC 8200 5); 9000 is the usual jumbo frame.
                throw new IllegalArgumentException("--mtu must be 1280 to 9000, got " + mtu);
            }
            if (paths < 1 || paths > MAX_PATHS) {
                throw new IllegalArgumentException("--paths must be 1 to " + MAX_PATHS + ", got " + paths);
            }
            if (!rates.isEmpty() && rates.size() != 1 && rates.size() != paths) {
                throw new IllegalArgumentException("--rate takes one rate for all paths or one per path (" + paths
                        + "), got " + rates.size());
            }
            for (String r : rates) {
                if (!r.matches("(?i)\\d+(\\.\\d+)?(bit|kbit|mbit|gbit)")) {
                    throw new IllegalArgumentException("--rate '" + r + "': expected a number and bit, kbit, mbit or gbit"
                            + " (as tc writes rates), e.g. 40mbit");
                }
            }
            rates = List.copyOf(rates);
        }

        String rate(int path) {
            return rates.isEmpty() ? null : rates.size() == 1 ? rates.get(0) : rates.get(path - 1);
        }
    }

    /** Creates the lab (removing any stale one first) and starts the kernel peer. */
    public void up(Config cfg) throws LabException {
        List<String> missing = missingRequirements();
        if (!missing.isEmpty()) {
            throw new LabException("the lab needs: " + String.join("; ", missing));
        }
        if (present()) {
            out.println("removing a stale lab first");
            down();
        }
        try {
            if (clientNs != null) {
                must("ip", "netns", "add", clientNs);
                must("ip", "-n", clientNs, "link", "set", "lo", "up");
            }
            must("ip", "netns", "add", serverNs);
            must("ip", "-n", serverNs, "link", "set", "lo", "up");
            must("ip", "netns", "exec", serverNs, "sysctl", "-q", "-w", "net.mptcp.enabled=1");
            must("ip", "netns", "exec", serverNs, "sysctl", "-q", "-w",
                    "net.mptcp.checksum_enabled=" + (cfg.checksum() ? 1 : 0));
            for (int i = 1; i <= cfg.paths(); i++) {
                String c = clientInterface(i);
                String s = serverInterface(i);
                if (clientNs != null) {
                    must("ip", "link", "add", c, "netns", clientNs, "type", "veth", "peer", "name", s, "netns", serverNs);
                } else {
                    // A stale end from a crash goes first (it cannot be in a namespace that was removed).
                    run("ip", "link", "del", c);
                    must("ip", "link", "add", c, "type", "veth", "peer", "name", s, "netns", serverNs);
                }
                if (cfg.mtu() != 0) {
                    must(inClient("ip", "link", "set", c, "mtu", Integer.toString(cfg.mtu())));
                    must("ip", "-n", serverNs, "link", "set", s, "mtu", Integer.toString(cfg.mtu()));
                }
                must(inClient("ip", "link", "set", c, "up"));
                must("ip", "-n", serverNs, "link", "set", s, "up");
                must("ip", "-n", serverNs, "addr", "add", "10." + i + ".0.2/24", "dev", s);
                must("ip", "-n", serverNs, "addr", "add", "fd00:" + i + "::2/64", "dev", s, "nodad");
                // The client side keeps no IPv6 address either: no link-local one the kernel would use.
                must(inClient("sysctl", "-q", "-w", "net.ipv6.conf." + c + ".disable_ipv6=1"));
                // Offloads off: with them, frames from the kernel carry partial checksums (RECIPES.md).
                must(inClient("ethtool", "-K", c, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"));
                must("ip", "netns", "exec", serverNs, "ethtool", "-K", s, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off");
                String rate = cfg.rate(i);
                if (rate != null) {
                    must(inClient("tc", "qdisc", "add", "dev", c, "root", "tbf", "rate", rate, "burst", "32kb", "latency", "50ms"));
                    must(inServer("tc", "qdisc", "add", "dev", s, "root", "tbf", "rate", rate, "burst", "32kb", "latency", "50ms"));
                }
            }
            must("ip", "-n", serverNs, "mptcp", "limits", "set", "subflows", "8", "add_addr_accepted", "8");
            for (int i = 2; i <= cfg.paths(); i++) {
                // Announce the other paths' addresses (ADD_ADDR), as INTEROP.md's `signal` endpoint.
                must("ip", "-n", serverNs, "mptcp", "endpoint", "add", "10." + i + ".0.2", "dev", serverInterface(i), "signal");
            }
            for (int i = 2; i <= cfg.paths(); i++) {
                // And their IPv6 addresses, so that IPv6 connections get joins too (the kernel announces
                // both families on every connection; a peer joins those of its own family).
                must("ip", "-n", serverNs, "mptcp", "endpoint", "add", "fd00:" + i + "::2", "dev", serverInterface(i), "signal");
            }
            startPeer();
            Files.writeString(stateDir.resolve("lab.conf"), "paths=" + cfg.paths() + "\nrates=" + String.join(",", cfg.rates())
                    + "\nchecksum=" + cfg.checksum() + "\nmtu=" + (cfg.mtu() == 0 ? 1500 : cfg.mtu()) + "\n");
        } catch (LabException | IOException e) {
            down();
            throw e instanceof LabException l ? l : new LabException("cannot write the lab's state: " + e.getMessage());
        }
    }

    private void startPeer() throws LabException, IOException {
        Files.createDirectories(stateDir);
        Path script = stateDir.resolve("kernel_peer.py");
        try (InputStream in = Lab.class.getResourceAsStream("/lab/kernel_peer.py")) {
            if (in == null) {
                throw new LabException("the kernel peer script is missing from the jar (lab/kernel_peer.py)");
            }
            Files.write(script, in.readAllBytes());
        }
        Path log = stateDir.resolve("peer.log");
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", serverNs, "python3", "-u", script.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        Files.writeString(stateDir.resolve("peer.pid"), Long.toString(p.pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("ready")) {
                return;
            }
            if (!p.isAlive()) {
                throw new LabException("the kernel peer exited at start: " + text.trim());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while starting the kernel peer");
            }
        }
        throw new LabException("the kernel peer did not start within 10 s (see " + log + ")");
    }

    /** Removes the lab: the peer, both namespaces (and with them their veths), the state folder. */
    public void down() {
        stopWatcher();
        Path pid = stateDir.resolve("peer.pid");
        try {
            if (Files.exists(pid)) {
                long p = Long.parseLong(Files.readString(pid).trim());
                ProcessHandle.of(p).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        } catch (IOException | NumberFormatException e) {
            out.println("note: could not read the peer's pid file: " + e.getMessage());
        }
        // Whatever still runs inside the server namespace (a peer from a crashed run) goes too.
        Result pids = run("ip", "netns", "pids", serverNs);
        if (pids.exit() == 0) {
            pids.output().lines().map(String::trim).filter(l -> l.matches("\\d+"))
                    .forEach(l -> ProcessHandle.of(Long.parseLong(l)).ifPresent(ProcessHandle::destroyForcibly));
        }
        if (clientNs != null) {
            run("ip", "netns", "del", clientNs);
        } else {
            // The near ends live here: removed now (a namespace's removal takes its veths with it,
            // but in the background, and a new lab must not find them).
            for (int i = 1; i <= MAX_PATHS; i++) {
                if (Files.exists(Paths.get("/sys/class/net", clientInterface(i)))) {
                    run("ip", "link", "del", clientInterface(i));
                }
            }
        }
        run("ip", "netns", "del", serverNs);
        try {
            if (Files.isDirectory(stateDir)) {
                try (var files = Files.list(stateDir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(stateDir);
            }
        } catch (IOException e) {
            out.println("note: could not remove " + stateDir + ": " + e.getMessage());
        }
    }

    /**
     * For the window's lab: a watcher, outside this JVM and in a session of its own, that removes
     * the lab when the process {@code pid} ends without doing so itself (a crash, a kill -9): the
     * peer's processes, the server namespace and with it both ends of every veth, the state folder.
     * {@link #down} stops it first, so it never removes a later lab.
     */
    public void watchOver(long pid) throws LabException {
        String script = "while kill -0 " + pid + " 2>/dev/null; do sleep 1; done; "
                + "for p in $(ip netns pids " + serverNs + " 2>/dev/null); do kill -9 $p; done; "
                + "ip netns del " + serverNs + " 2>/dev/null; "
                // The near ends too: a namespace outlives its processes while the kernel still
                // holds sockets there (an orphaned connection retransmitting to the dead app), and
                // its veths with it; deleting one end of a veth deletes the pair.
                + (clientNs == null ? "for i in $(seq 1 " + MAX_PATHS + "); do [ -e /sys/class/net/" + clientPrefix + "$i ] && ip link del "
                        + clientPrefix + "$i; done; " : "")
                + "rm -rf " + stateDir;
        try {
            Files.createDirectories(stateDir);
            ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", script);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            Files.writeString(stateDir.resolve("watcher.pid"), Long.toString(p.pid()));
        } catch (IOException e) {
            throw new LabException("cannot start the lab's clean-up watcher: " + e.getMessage());
        }
    }

    private void stopWatcher() {
        Path pid = stateDir.resolve("watcher.pid");
        try {
            if (Files.exists(pid)) {
                long p = Long.parseLong(Files.readString(pid).trim());
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | NumberFormatException e) {
            out.println("note: could not read the watcher's pid file: " + e.getMessage());
        }
    }

    /** The kernel peer's MPTcpExt counters (nstat in its namespace), name without the prefix to value. */
    public java.util.Map<String, Long> peerCounters() {
        return countersOf(run(inServer("nstat", "-az")).output());
    }

    /**
     * The kernel peer's MPTCP connections and their subflows, as its own tools list them: {@code
     * ss -Mni} (the MPTCP sockets) and {@code ss -tni} (the TCP subflows, with cwnd and rtt).
     * One line per socket, the kernel's words.
     */
    public List<String> peerSockets(int port) {
        List<String> lines = new ArrayList<>();
        lines.addAll(joinedSsLines(run(inServer("ss", "-MniH", "sport", "= :" + port)).output(), "MPTCP "));
        lines.addAll(joinedSsLines(run(inServer("ss", "-tniH", "state", "established", "sport", "= :" + port)).output(), "subflow "));
        return lines;
    }

    /** ss prints a socket's details on an indented line after it: one line per socket here. */
    static List<String> joinedSsLines(String text, String prefix) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String l : text.split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(l.charAt(0)) || cur == null) {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder(prefix).append(l.trim().replaceAll("\\s+", " "));
            } else {
                cur.append(' ').append(l.trim().replaceAll("\\s+", " "));
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    static java.util.Map<String, Long> countersOf(String nstat) {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        for (String line : nstat.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].startsWith("MPTcpExt")) {
                try {
                    m.put(f[0].substring("MPTcpExt".length()), Long.parseLong(f[1]));
                } catch (NumberFormatException ignored) {
                    // a header line
                }
            }
        }
        return m;
    }

    /** Human description of the lab as it stands. */
    public String status() {
        if (!exists()) {
            return "no lab (run: mptcp-lab lab up)\n";
        }
        StringBuilder sb = new StringBuilder();
        try {
            Path conf = STATE_DIR.resolve("lab.conf");
            if (Files.exists(conf)) {
                sb.append("config: ").append(Files.readString(conf).trim().replace('\n', ' ')).append('\n');
            }
        } catch (IOException e) {
            sb.append("config: unreadable (").append(e.getMessage()).append(")\n");
        }
        sb.append("client namespace ").append(CLIENT_NS).append(" (our stack; no kernel addresses):\n");
        sb.append(indent(run("ip", "-n", CLIENT_NS, "-br", "link").output()));
        sb.append("server namespace ").append(SERVER_NS).append(" (the kernel's MPTCP):\n");
        sb.append(indent(run("ip", "-n", SERVER_NS, "-br", "addr").output()));
        sb.append("kernel MPTCP limits: ").append(run("ip", "-n", SERVER_NS, "mptcp", "limits").output().trim()).append('\n');
        sb.append("kernel MPTCP endpoints:\n").append(indent(run("ip", "-n", SERVER_NS, "mptcp", "endpoint").output()));
        sb.append("kernel peer listening (MPTCP sink ").append(SINK_PORT).append(", source ").append(SOURCE_PORT)
                .append(", echo ").append(ECHO_PORT).append("; plain TCP on the same + ").append(PLAIN_TCP_OFFSET).append("):\n");
        sb.append(indent(run("ip", "netns", "exec", SERVER_NS, "ss", "-ltnH").output()));
        return sb.toString();
    }

    /** The id of the kernel's MPTCP endpoint with {@code address}, or -1 (`ip mptcp endpoint show`). */
    public static int endpointId(String address) {
        for (String line : run("ip", "-n", SERVER_NS, "mptcp", "endpoint", "show").output().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(address) && f[1].equals("id")) {
                return Integer.parseInt(f[2]);
            }
        }
        return -1;
    }

    /** The server namespace's MPTcpExt counters (nstat), name to value, for evidence. */
    public static java.util.Map<String, Long> kernelCounters() {
        return countersOf(run("ip", "netns", "exec", SERVER_NS, "nstat", "-az").output());
    }

    private static String indent(String s) {
        StringBuilder sb = new StringBuilder();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                sb.append("  ").append(l).append('\n');
            }
        }
        return sb.toString();
    }

    /** A lab step that failed, with the command and what it printed. */
    public static final class LabException extends Exception {
        private static final long serialVersionUID = 1L;

        public LabException(String message) {
            super(message);
        }
    }
}

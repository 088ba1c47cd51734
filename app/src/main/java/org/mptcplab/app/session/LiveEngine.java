package org.mptcplab.app.session;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.io.PrintWriter;

import org.mptcplab.app.lab.Lab;
import org.mptcplab.app.live.FreeAddress;
import org.mptcplab.app.live.LinkLayer;
import org.mptcplab.app.live.LiveDeviceException;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.app.live.NftablesGuard;
import org.mptcplab.app.live.PathImpairment;
import org.mptcplab.app.live.PcapDevice;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MacAddress;

/**
 * The session layer's live engine: our stack on real interfaces, behind our link layer (our MACs,
 * ARP and neighbour discovery), through a pcap handle per interface, driven by one
 * {@link LiveRunner} (the live run loop). {@code connect}, {@code listen} and the window's live
 * lab ({@link LiveSession}) all run on it; what differs is who is the peer and what the traffic is.
 */
public final class LiveEngine {
    private LiveEngine() {
    }

    /**
     * One path's interface. {@code host}: the address is the kernel's own on that interface, shared
     * with it (our frames use the interface's MAC, and an nftables guard keeps the kernel off our
     * ports, {@link NftablesGuard}); otherwise the address is ours alone, with a MAC of our own.
     */
    public record Interface(String name, IpAddress address, int prefix, IpAddress gateway, boolean host) {
        public Interface(String name, IpAddress address, int prefix, IpAddress gateway) {
            this(name, address, prefix, gateway, false);
        }
    }

    /**
     * Gives the stack its addresses, puts the link layer (our MACs, ARP/ND) in front of it and
     * opens a pcap handle per interface; on a failure the handles already open are closed.
     */
    public static LiveRunner open(MptcpStack stack, List<Interface> list, long seed) throws LiveDeviceException {
        return open(stack, list, seed, 0);
    }

    /**
     * As above; {@code listenPort} (0: none) is a port our stack listens on, which the guard must
     * also keep from the kernel on shared addresses.
     */
    public static LiveRunner open(MptcpStack stack, List<Interface> list, long seed, int listenPort) throws LiveDeviceException {
        return open(stack, list, seed, listenPort, Map.of());
    }

    /** As above, with delay/jitter/loss on the interfaces named in {@code impair} (both directions). */
    public static LiveRunner open(MptcpStack stack, List<Interface> list, long seed, int listenPort,
                                 Map<String, PathImpairment.Settings> impair) throws LiveDeviceException {
        return open(stack, list, seed, listenPort > 0 ? List.of(listenPort) : List.of(), impair);
    }

    /**
     * As above, with every port our stack takes SYNs on in {@code listenPorts}: the one it listens
     * on, and the port it announces its addresses with (joins come there, RFC 8684 3.4.1), which
     * the guard must also keep from the kernel on shared addresses. Nothing else filters by port:
     * the pcap handles take every frame and the link layer passes every datagram to our address.
     */
    public static LiveRunner open(MptcpStack stack, List<Interface> list, long seed, List<Integer> listenPorts,
                                 Map<String, PathImpairment.Settings> impair) throws LiveDeviceException {
        NftablesGuard guard = guardHostAddresses(stack, list, listenPorts);
        try {
            LiveRunner r = openDevices(stack, list, seed, impair);
            if (guard != null) {
                r.closeWhenStopped(guard);
            }
            return r;
        } catch (LiveDeviceException | RuntimeException e) {
            if (guard != null) {
                guard.close();
            }
            throw e;
        }
    }

    /** For shared (host) addresses: our ports outside the kernel's ephemeral range, and the guard on them. */
    private static NftablesGuard guardHostAddresses(MptcpStack stack, List<Interface> list, List<Integer> listenPorts)
            throws LiveDeviceException {
        List<NftablesGuard.Hole> holes = new ArrayList<>();
        try {
            int[] range = null;
            for (Interface f : list) {
                if (!f.host()) {
                    continue;
                }
                if (range == null) {
                    range = NftablesGuard.portsOutsideKernelRange(Paths.get("/proc/sys/net/ipv4/ip_local_port_range"));
                    stack.setLocalPortRange(range[0], range[1]);
                }
                holes.add(new NftablesGuard.Hole(f.address(), range[0], range[1]));
                for (int listenPort : new java.util.TreeSet<>(listenPorts)) {
                    if (listenPort > 0 && (listenPort < range[0] || listenPort > range[1])) {
                        holes.add(new NftablesGuard.Hole(f.address(), listenPort, listenPort));
                    }
                }
            }
            return holes.isEmpty() ? null : NftablesGuard.install(NftablesGuard.Nft.command(List.of()), holes);
        } catch (java.io.IOException e) {
            throw new LiveDeviceException("cannot share the kernel's address: " + e.getMessage(), e);
        }
    }

    /**
     * The configuration with the MSS the interfaces allow: their smallest MTU less 40 (IPv4 and TCP
     * headers; the stack takes 20 more for IPv6), as a host derives it from the interface's MTU
     * (RFC 9293 3.7.1, RFC 879): 1460 on Ethernet, more on jumbo frames, less on a tunnel, where the
     * default 1460 would not fit. Unchanged when no MTU can be read.
     */
    public static StackConfig withLinkMss(StackConfig c, List<Interface> list) {
        int min = Integer.MAX_VALUE;
        for (Interface f : list) {
            int m = interfaceMtu(f.name());
            if (m > 0) {
                min = Math.min(min, m);
            }
        }
        if (min == Integer.MAX_VALUE) {
            return c;
        }
        return c.withMss(Math.max(536, Math.min(65_495, min - 40)));
    }

    public static int interfaceMtu(String name) {
        try {
            return Integer.parseInt(Files.readString(Paths.get("/sys/class/net", name, "mtu")).trim());
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The interface's own MAC (a shared address must answer where the kernel's ARP says it is). */
    public static MacAddress interfaceMac(String name) throws LiveDeviceException {
        try {
            return MacAddress.parse(Files.readString(Paths.get("/sys/class/net", name, "address")).trim());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new LiveDeviceException("cannot read the MAC address of " + name + ": " + e.getMessage(), e);
        }
    }

    private static LiveRunner openDevices(MptcpStack stack, List<Interface> list, long seed,
                                          Map<String, PathImpairment.Settings> impair) throws LiveDeviceException {
        LinkLayer link = new LinkLayer(stack);
        if (!impair.isEmpty()) {
            PathImpairment pi = new PathImpairment(seed);
            for (int i = 0; i < list.size(); i++) {
                PathImpairment.Settings st = impair.get(list.get(i).name());
                if (st != null) {
                    pi.setBoth(i, st);
                }
            }
            link.setImpairment(pi);
        }
        Map<Integer, PcapDevice> devices = new LinkedHashMap<>();
        try {
            for (int i = 0; i < list.size(); i++) {
                Interface f = list.get(i);
                stack.addAddress(i, f.address(), f.prefix());
                link.addInterface(i, f.host() ? interfaceMac(f.name()) : LinkLayer.derivedMac(seed, i))
                        .addAddress(i, f.address(), f.prefix());
                if (f.gateway() != null) {
                    link.setGateway(i, f.gateway());
                }
                devices.put(i, PcapDevice.open(f.name()));
            }
        } catch (LiveDeviceException e) {
            devices.values().forEach(PcapDevice::close);
            throw e;
        }
        link.announce(); // neighbours may still cache another MAC for our addresses (an earlier run's)
        return new LiveRunner(link, devices);
    }

    /** {@code IF=host}: the kernel's own address on IF (of the peer's family), shared through the guard. */
    public static Interface hostIface(String name, boolean v6, String ipJsonAddrs) {
        if (!ipJsonAddrs.trim().startsWith("[")) {
            throw new IllegalArgumentException("--iface " + name + "=host: no such interface here (" + ipJsonAddrs.trim() + ")");
        }
        for (FreeAddress.KernelAddress k : FreeAddress.parseAddresses(ipJsonAddrs)) {
            if ((k.address() instanceof org.mptcplab.stack.wire.Ipv6Address) == v6) {
                return new Interface(name, k.address(), k.prefixLength(), null, true);
            }
        }
        throw new IllegalArgumentException("--iface " + name + "=host: the kernel has no " + (v6 ? "IPv6" : "IPv4")
                + " address on " + name + " to share (see ip addr show dev " + name + "); give IF=ADDR/PREFIX instead");
    }

    public static Interface parseIface(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--iface '" + text + "': give IF=ADDR/PREFIX (e.g. veth1=10.1.0.1/24),"
                    + " or IF alone to have a free address chosen");
        }
        String name = text.substring(0, eq);
        String rest = text.substring(eq + 1);
        IpAddress gw = null;
        int comma = rest.indexOf(",gw=");
        if (comma >= 0) {
            try {
                gw = IpAddress.parse(rest.substring(comma + 4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--iface '" + text + "': gateway: " + e.getMessage(), e);
            }
            rest = rest.substring(0, comma);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("--iface '" + text + "': the address needs a prefix length, e.g. /24");
        }
        IpAddress a;
        try {
            a = IpAddress.parse(rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--iface '" + text + "': " + e.getMessage(), e);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(rest.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--iface '" + text + "': prefix length '" + rest.substring(slash + 1)
                    + "' is not a number");
        }
        if (prefix < 1 || prefix > a.byteLength() * 8) {
            throw new IllegalArgumentException("--iface '" + text + "': prefix length " + prefix + " is outside 1 to "
                    + a.byteLength() * 8);
        }
        return new Interface(name, a, prefix, gw);
    }

    /**
     * {@code IF=ADDR/PREFIX[,gw=GW]} as given, or {@code IF} alone: then a free address of the
     * kernel's subnet on IF ({@link FreeAddress}: not the kernel's, not a neighbour, unclaimed
     * when probed with the MAC our stack will use there), reported on {@code err}.
     */
    public static Interface resolveIface(String text, boolean v6, long seed, int index, PrintWriter err) {
        if (text.endsWith("=host") && text.length() > 5) {
            String name = text.substring(0, text.length() - 5);
            Interface f = hostIface(name, v6, Lab.run("ip", "-j", "addr", "show", "dev", name).output());
            err.println("--iface " + name + ": sharing the kernel's address " + f.address() + "/" + f.prefix()
                    + " (an nftables rule keeps the kernel off our ports while we run)");
            err.flush();
            return f;
        }
        if (text.indexOf('=') >= 0 || text.isEmpty()) {
            return parseIface(text);
        }
        String name = text;
        String addrs = Lab.run("ip", "-j", "addr", "show", "dev", name).output();
        if (!addrs.trim().startsWith("[")) {
            throw new IllegalArgumentException("--iface " + name + ": no such interface here (" + addrs.trim() + ")");
        }
        String neigh = Lab.run("ip", "-j", "neigh", "show", "dev", name).output();
        List<FreeAddress.KernelAddress> kernel = FreeAddress.parseAddresses(addrs);
        java.util.Set<IpAddress> neighbours = FreeAddress.parseNeighbours(neigh.trim().startsWith("[") ? neigh : "[]");
        // Fail before opening anything when there is no subnet to take.
        FreeAddress.Choice choice;
        PcapDevice dev = null;
        try {
            FreeAddress.Prober prober = c -> {
                throw new IllegalStateException("unreachable");
            };
            if (kernel.stream().anyMatch(k -> (k.address() instanceof org.mptcplab.stack.wire.Ipv6Address) == v6)) {
                dev = PcapDevice.open(name);
                prober = FreeAddress.pcapProber(dev, LinkLayer.derivedMac(seed, index), PROBE_WAIT_MILLIS);
            }
            choice = FreeAddress.choose(name, v6, kernel, neighbours, prober);
        } catch (LiveDeviceException e) {
            throw new IllegalArgumentException("--iface " + name + ": cannot probe for a free address: " + e.getMessage(), e);
        } finally {
            if (dev != null) {
                dev.close();
            }
        }
        err.println("--iface " + name + ": using " + choice.address() + "/" + choice.prefixLength()
                + " (not the kernel's, not a neighbour, no answer to a probe"
                + (choice.skipped().isEmpty() ? "" : "; passed over " + String.join(", ", choice.skipped())) + ")");
        err.flush();
        return new Interface(name, choice.address(), choice.prefixLength(), null);
    }

    /** How long a probe for a candidate address waits for an answer (RFC 5227 suggests 1-2 s per probe; a lab link answers in microseconds). */
    public static final long PROBE_WAIT_MILLIS = 300;

    public static String family(IpAddress a) {
        return a.byteLength() == 16 ? "an IPv6" : "an IPv4";
    }

    /** A TCP port, 1 to 65535; the message names {@code what} and the value. */
    public static int parsePort(String what, String text) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": port '" + text + "' is not a number (1 to 65535)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + ": port " + port + " is outside 1 to 65535");
        }
        return port;
    }

    public static String[] splitHostPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("--to '" + text + "': expected [IPv6]:PORT");
            }
            return new String[] {text.substring(1, close), text.substring(close + 2)};
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--to '" + text + "': expected ADDR:PORT");
        }
        return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }

}

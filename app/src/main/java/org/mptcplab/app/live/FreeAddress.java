package org.mptcplab.app.live;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.Ipv6Header;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.PacketBuilder;

/**
 * Picks an address for our stack on an interface when the user names only the interface: one in
 * the subnet of the kernel's own address there (so the peers on that link reach it directly), that
 * the kernel does not use, that is not in the kernel's neighbour table, and that nobody claims when
 * asked (an ARP probe, RFC 5227 2.1.1; for IPv6 a duplicate address detection solicitation, RFC
 * 4862 5.4.2). The kernel must not hold the address itself: it would answer for it and reset our
 * connections (INTEROP.md).
 *
 * <p>The inputs are injected (kernel addresses, neighbours, a {@link Prober}), so the choice is
 * tested without root; {@link #parseAddresses} and {@link #parseNeighbours} read
 * {@code ip -j addr/neigh show dev IF}, {@link #pcapProber} probes on the wire.
 */
public final class FreeAddress {
    private FreeAddress() {
    }

    /** An address of the kernel's on the interface. */
    public record KernelAddress(IpAddress address, int prefixLength) {
    }

    /** Asks the link whether anyone uses {@code candidate}; true when someone answered. */
    @FunctionalInterface
    public interface Prober {
        boolean claimed(IpAddress candidate);
    }

    /** The address chosen, with its prefix, and the candidates passed over (with why). */
    public record Choice(IpAddress address, int prefixLength, List<String> skipped) {
    }

    /** Candidates probed at most before giving up. */
    public static final int MAX_PROBES = 8;

    /**
     * Chooses for interface {@code iface}. Candidates run from the top of the subnet downwards
     * (hosts configured by hand and by DHCP tend to sit at the bottom).
     *
     * @throws IllegalArgumentException when the interface has no kernel address of that family to
     *                                  take a subnet from, or no candidate is free
     */
    public static Choice choose(String iface, boolean v6, List<KernelAddress> kernel, Set<IpAddress> neighbours,
                                Prober prober) {
        KernelAddress base = null;
        for (KernelAddress k : kernel) {
            boolean isV6 = k.address() instanceof Ipv6Address;
            if (isV6 == v6 && !(isV6 && isLinkLocal((Ipv6Address) k.address()))) {
                base = k;
                break;
            }
        }
        String family = v6 ? "IPv6" : "IPv4";
        if (base == null) {
            throw new IllegalArgumentException("--iface " + iface + ": the interface has no " + family + " address of"
                    + " the kernel's to take a subnet from; give the address our stack should use: --iface " + iface
                    + "=ADDR/PREFIX");
        }
        Set<IpAddress> taken = new LinkedHashSet<>();
        kernel.forEach(k -> taken.add(k.address()));
        List<String> skipped = new ArrayList<>();
        int probes = 0;
        for (IpAddress c : candidates(base, 64)) {
            if (taken.contains(c)) {
                skipped.add(c + " (the kernel's)");
            } else if (neighbours.contains(c)) {
                skipped.add(c + " (in the neighbour table)");
            } else if (probes++ >= MAX_PROBES) {
                break;
            } else if (prober.claimed(c)) {
                skipped.add(c + " (answered the probe)");
            } else {
                return new Choice(c, base.prefixLength(), skipped);
            }
        }
        throw new IllegalArgumentException("--iface " + iface + ": no free " + family + " address found in "
                + base.address() + "/" + base.prefixLength() + " (passed over: " + String.join(", ", skipped)
                + "); give one: --iface " + iface + "=ADDR/PREFIX");
    }

    /**
     * Up to {@code n} host addresses of {@code k}'s subnet, from the top down: IPv4 without the
     * network and broadcast addresses; IPv6 without the subnet-router anycast address (RFC 4291
     * 2.6.1) and, in a /64 or larger, the reserved interface ids at the top (RFC 5453).
     */
    static List<IpAddress> candidates(KernelAddress k, int n) {
        List<IpAddress> out = new ArrayList<>();
        if (k.address() instanceof Ipv4Address a) {
            int hostBits = 32 - k.prefixLength();
            if (hostBits < 2) {
                return out; // /31, /32: no room for a second host
            }
            int net = a.bits() & (int) (0xffffffffL << hostBits);
            long hosts = (1L << hostBits) - 2;
            for (long h = hosts; h >= 1 && out.size() < n; h--) {
                out.add(new Ipv4Address(net + (int) h));
            }
        } else {
            Ipv6Address a = (Ipv6Address) k.address();
            int hostBits = 128 - k.prefixLength();
            if (hostBits < 2) {
                return out;
            }
            // Low 16 bits of the interface id, below ffff:ffff:ffff:ff80 (RFC 5453): ...::fff0 downwards.
            int bits = Math.min(hostBits, 16);
            long top = (1L << bits) - (hostBits >= 8 ? 16 : 2);
            long netLow = hostBits >= 64 ? 0 : a.low() & (-1L << hostBits);
            long mid = hostBits > 16 ? (hostBits >= 64 ? 0 : a.low() & ~(-1L << hostBits) & ~0xffffL) : 0;
            for (long h = top; h >= 1 && out.size() < n; h--) {
                out.add(new Ipv6Address(a.high(), netLow | mid | h));
            }
        }
        return out;
    }

    static boolean isLinkLocal(Ipv6Address a) {
        return (a.high() >>> 54) == (0xfe80L >>> 6);
    }

    private static final Pattern ADDR = Pattern.compile(
            "\\{\"family\":\"(inet6?)\",\"local\":\"([^\"]+)\",\"prefixlen\":(\\d+)[^}]*?\"scope\":\"(\\w+)\"");
    private static final Pattern NEIGH = Pattern.compile("\"dst\":\"([^\"]+)\"");

    /** The global and link scope addresses in {@code ip -j addr show dev IF} output. */
    public static List<KernelAddress> parseAddresses(String json) {
        List<KernelAddress> out = new ArrayList<>();
        Matcher m = ADDR.matcher(json);
        while (m.find()) {
            if (!m.group(4).equals("host")) {
                out.add(new KernelAddress(IpAddress.parse(m.group(2)), Integer.parseInt(m.group(3))));
            }
        }
        return out;
    }

    /** The addresses in {@code ip -j neigh show dev IF} output (in any state: a FAILED one may come back). */
    public static Set<IpAddress> parseNeighbours(String json) {
        Set<IpAddress> out = new LinkedHashSet<>();
        Matcher m = NEIGH.matcher(json);
        while (m.find()) {
            try {
                out.add(IpAddress.parse(m.group(1)));
            } catch (IllegalArgumentException e) {
                // not an IP address: skip
            }
        }
        return out;
    }

    /**
     * Probes on {@code device} (started here, closed by the caller) from {@code mac}: an ARP probe
     * (sender IP 0.0.0.0, RFC 5227 2.1.1) or a neighbour solicitation from :: to the candidate's
     * solicited-node group without a source link-layer option (RFC 4862 5.4.2); anyone who answers,
     * or sends an ARP from the candidate, or probes for it too, claims it. Waits {@code waitMillis}.
     */
    public static Prober pcapProber(FrameDevice device, MacAddress mac, long waitMillis) {
        Object lock = new Object();
        IpAddress[] asking = new IpAddress[1];
        CountDownLatch[] heard = new CountDownLatch[1];
        device.start(frame -> {
            IpAddress c;
            CountDownLatch l;
            synchronized (lock) {
                c = asking[0];
                l = heard[0];
            }
            if (c != null && claims(frame, c)) {
                l.countDown();
            }
        });
        return candidate -> {
            CountDownLatch l = new CountDownLatch(1);
            synchronized (lock) {
                asking[0] = candidate;
                heard[0] = l;
            }
            try {
                device.send(probe(mac, candidate));
                return l.await(waitMillis, TimeUnit.MILLISECONDS);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(device.name() + ": cannot send a probe: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        };
    }

    static byte[] probe(MacAddress mac, IpAddress candidate) {
        if (candidate instanceof Ipv4Address c) {
            return PacketBuilder.ethernetArp(mac, MacAddress.BROADCAST,
                    new ArpPacket(ArpPacket.REQUEST, mac, new Ipv4Address(0), MacAddress.ZERO, c));
        }
        Ipv6Address c = (Ipv6Address) candidate;
        Ipv6Address src = new Ipv6Address(0, 0);
        Ipv6Address group = LinkLayer.solicitedNode(c);
        MacAddress dmac = new MacAddress(0x3333_0000_0000L | (group.low() & 0xffff_ffffL));
        int icmpLen = 24;
        int eth = 14;
        byte[] f = new byte[eth + Ipv6Header.FIXED_LENGTH + icmpLen];
        new EthernetHeader(dmac, mac, EthernetHeader.TYPE_IPV6).emit(f, 0);
        new Ipv6Header(0, 0, icmpLen, 58, 255, src, group, List.of(), 58, Ipv6Header.FIXED_LENGTH, -1).emit(f, eth);
        int p = eth + Ipv6Header.FIXED_LENGTH;
        f[p] = (byte) 135; // neighbour solicitation
        c.emit(f, p + 8);
        Bytes.put16(f, p + 2, LinkLayer.icmpv6Checksum(f, p, icmpLen, src, group));
        return f;
    }

    /** Whether {@code frame} says someone holds (or also wants) {@code c}. */
    static boolean claims(byte[] frame, IpAddress c) {
        if (frame.length < 14) {
            return false;
        }
        int type = Bytes.u16(frame, 12);
        try {
            if (c instanceof Ipv4Address && type == EthernetHeader.TYPE_ARP) {
                ArpPacket a = ArpPacket.parse(frame, 14, frame.length - 14);
                // A reply or request from the address, or another host's probe for it (RFC 5227 2.1.1).
                return a.senderIp().equals(c)
                        || a.senderIp().bits() == 0 && a.operation() == ArpPacket.REQUEST && a.targetIp().equals(c);
            }
            if (c instanceof Ipv6Address && type == EthernetHeader.TYPE_IPV6 && frame.length >= 14 + 40 + 24
                    && frame[14 + 6] == 58) {
                int p = 14 + 40;
                int icmp = frame[p] & 0xff;
                boolean fromUnspecified = Ipv6Address.read(frame, 14 + 8).equals(new Ipv6Address(0, 0));
                // An advertisement for it, or another host's duplicate address detection (RFC 4862 5.4.3).
                return Ipv6Address.read(frame, p + 8).equals(c) && (icmp == 136 || icmp == 135 && fromUnspecified);
            }
        } catch (RuntimeException | org.mptcplab.stack.wire.MalformedPacketException e) {
            return false;
        }
        return false;
    }
}

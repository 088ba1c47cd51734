package org.mptcplab.app.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.Ipv6Header;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.MalformedPacketException;
import org.mptcplab.stack.wire.PacketBuilder;

/**
 * The Ethernet side of a host: sits between an {@link Endpoint} (which speaks IP datagrams per
 * interface) and Ethernet frames per interface. Sans-IO like the endpoint: it owns no thread,
 * socket or clock; the driver calls {@link #handleFrame}, {@link #handleTimeout} when
 * {@link #nextTimeout} has passed, then {@link #pollFrame} until it returns null. Every call is
 * passed on to the endpoint in the same order (the endpoint's own timers are run from
 * {@link #handleTimeout}, its datagrams are drained by {@link #pollFrame}). Single-threaded.
 *
 * <p>Per interface: our MAC (see {@link #derivedMac}), our IPv4/IPv6 addresses with their prefix,
 * and optionally a gateway per IP version.
 *
 * <p><b>Out:</b> a datagram goes to its destination when that is on-link (inside a prefix of one
 * of the interface's addresses of the same version), else to the interface's gateway, else it is
 * dropped ({@link Counter#NO_ROUTE}); a datagram longer than the interface's MTU is dropped too
 * ({@link Counter#OVER_MTU}). The next hop is resolved with ARP (RFC 826) or neighbour
 * discovery (RFC 4861 7.2). While a next hop is unresolved, up to {@link #queueLimit()} datagrams
 * wait for it (the oldest is dropped beyond that, as Linux's unres queue does); the request is
 * sent {@value #MAX_SOLICITS} times in all, {@link #RETRANS_NANOS} apart (Linux's mcast_solicit
 * and retrans_time), and one interval after the last one the waiting datagrams are dropped and
 * counted ({@link Counter#RESOLUTION_FAILED}, {@link Counter#DROPPED_UNRESOLVED}). A resolved
 * entry is trusted for {@link #REACHABLE_NANOS} after its last confirmation (an answer to our
 * request or probe, or a datagram received from the neighbour's MAC); after that it is still used
 * but verified with unicast probes (the same three tries), and forgotten if none is answered.
 *
 * <p><b>In:</b> ARP requests for any of our IPv4 addresses, on any interface, get a reply from the
 * receiving interface (a Linux host does that, arp_ignore=0; INTEROP.md). ARP replies and
 * gratuitous ARP fill the cache; other ARP updates entries we already have (RFC 826 merge).
 * Neighbour solicitations for an IPv6 address of the receiving interface get a solicited
 * advertisement (strictly per interface, as Linux does for IPv6); advertisements update waiting or
 * known entries. IPv4 and IPv6 datagrams sent to our MAC (or an IPv6 multicast MAC) and to one of
 * our addresses go to {@link Endpoint#handlePacket}, trimmed of Ethernet padding. Everything else
 * (other hosts' unicast seen in promiscuous mode, other EtherTypes, VLAN tags, our own frames
 * echoed back, malformed frames) is ignored and counted.
 *
 * <p>An optional {@link PathImpairment} delays and drops frames leaving (and, if configured,
 * arriving on) an interface: it runs on the same virtual clock, so tests need no real time.
 */
public final class LinkLayer {
    /** Time between two ARP requests / neighbour solicitations for the same next hop (Linux retrans_time). */
    public static final long RETRANS_NANOS = 1_000_000_000L;
    /** Requests sent in all before a next hop is given up (Linux mcast_solicit / ucast_solicit). */
    public static final int MAX_SOLICITS = 3;
    /** How long a resolved entry is used without verification (Linux base_reachable_time is 30 s). */
    public static final long REACHABLE_NANOS = 30_000_000_000L;
    /** Datagrams kept per unresolved next hop unless {@link #setQueueLimit} says otherwise. */
    public static final int DEFAULT_QUEUE_LIMIT = 64;
    /** Ethernet's MTU, the default of every interface. */
    public static final int DEFAULT_MTU = 1500;

    static final int ICMPV6 = 58;
    static final int ND_NEIGHBOR_SOLICIT = 135;
    static final int ND_NEIGHBOR_ADVERT = 136;
    static final int ND_OPT_SOURCE_LL = 1;
    static final int ND_OPT_TARGET_LL = 2;
    static final int NA_FLAG_ROUTER = 0x80;
    static final int NA_FLAG_SOLICITED = 0x40;
    static final int NA_FLAG_OVERRIDE = 0x20;
    private static final int ETH = EthernetHeader.BASE_LENGTH;

    /** What the layer did with frames and datagrams; names say what was counted. */
    public enum Counter {
        /** Frames handed to {@link #handleFrame} (before any ingress impairment). */
        FRAMES_IN,
        /** Frames returned by {@link #pollFrame} (after any egress impairment). */
        FRAMES_OUT,
        /** Datagrams passed to the endpoint. */
        IP_IN,
        /** Datagrams of the endpoint sent in a frame. */
        IP_OUT,
        ARP_REQUESTS_IN,
        ARP_REPLIES_IN,
        ARP_REQUESTS_OUT,
        ARP_REPLIES_OUT,
        NS_IN,
        NA_IN,
        NS_OUT,
        NA_OUT,
        /** Unicast frames for another MAC, or datagrams for an address that is not ours. */
        NOT_FOR_US,
        /** Frames with our own source MAC (our transmissions seen again). */
        OWN_FRAMES,
        /** EtherTypes other than IPv4, IPv6 and ARP, and VLAN-tagged frames. */
        OTHER_ETHERTYPE,
        /** Frames on an interface the layer does not know. */
        UNKNOWN_INTERFACE,
        /** Frames or datagrams too short or inconsistent to handle, ARP of other hardware. */
        MALFORMED,
        /** ICMPv6 neighbour discovery messages with a wrong checksum, hop limit or code. */
        BAD_NDP,
        /** Datagrams from the endpoint with no on-link destination and no gateway. */
        NO_ROUTE,
        /**
         * Datagrams from the endpoint longer than the interface's MTU (the stack sends with DF and
         * does not fragment): dropped here, as the device would refuse them.
         */
        OVER_MTU,
        /** Datagrams dropped because too many were waiting for the same next hop. */
        QUEUE_OVERFLOW,
        /** Next hops that never answered (after {@value #MAX_SOLICITS} requests). */
        RESOLUTION_FAILED,
        /** Datagrams dropped with a next hop that never answered. */
        DROPPED_UNRESOLVED
    }

    /** One address of an interface with its prefix (on-link test). */
    public record InterfaceAddress(IpAddress address, int prefixLength) {
        public InterfaceAddress {
            Objects.requireNonNull(address, "address");
            if (prefixLength < 0 || prefixLength > address.byteLength() * 8) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0 to "
                        + address.byteLength() * 8 + " for " + address);
            }
        }

        /** Whether {@code other} is inside this address's prefix. */
        public boolean contains(IpAddress other) {
            if (other.byteLength() != address.byteLength()) {
                return false;
            }
            byte[] a = address.toBytes();
            byte[] b = other.toBytes();
            int bits = prefixLength;
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (b[i] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }

    /** State of a neighbour cache entry (a reduced RFC 4861 7.3.2 / Linux NUD). */
    public enum NeighbourState {
        /** Request sent, no answer yet; datagrams wait. */
        INCOMPLETE,
        /** Confirmed less than {@link #REACHABLE_NANOS} ago. */
        REACHABLE,
        /** Known but not confirmed lately: used, and verified on the next use. */
        STALE,
        /** Used while unicast probes verify it. */
        PROBE,
        /** Configured by hand: never probed, never replaced. */
        PERMANENT
    }

    private static final class Interface {
        final int index;
        final MacAddress mac;
        final List<InterfaceAddress> addresses = new ArrayList<>();
        int mtu = DEFAULT_MTU;
        Ipv4Address gateway4;
        Ipv6Address gateway6;

        Interface(int index, MacAddress mac) {
            this.index = index;
            this.mac = mac;
        }
    }

    private record Key(int iface, IpAddress address) {
    }

    private static final class Neighbour {
        final int iface;
        final IpAddress address;
        MacAddress mac;
        NeighbourState state;
        long reachableUntil;
        /** Requests sent in the current round. */
        int solicits;
        long nextSolicit = Long.MAX_VALUE;
        /** The address our requests come from (the source of the datagram that prompted them). */
        IpAddress solicitSource;
        final ArrayDeque<byte[]> waiting = new ArrayDeque<>();

        Neighbour(int iface, IpAddress address) {
            this.iface = iface;
            this.address = address;
        }
    }

    private final Endpoint endpoint;
    private final Map<Integer, Interface> interfaces = new TreeMap<>();
    private final Map<Key, Neighbour> neighbours = new HashMap<>();
    private final ArrayDeque<Frame> output = new ArrayDeque<>();
    private final long[] counters = new long[Counter.values().length];
    private int queueLimit = DEFAULT_QUEUE_LIMIT;
    private PathImpairment impairment;

    public LinkLayer(Endpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * A locally administered unicast MAC for interface {@code iface}: {@code 02:s1:s2:s3:s4:ii},
     * where s1..s4 come from {@code seed} and ii is the interface index (0 to 255). Deterministic,
     * and different for each interface of the same seed.
     */
    public static MacAddress derivedMac(long seed, int iface) {
        if (iface < 0 || iface > 255) {
            throw new IllegalArgumentException("interface index " + iface + " is outside 0 to 255");
        }
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return new MacAddress((0x02L << 40) | ((z & 0xffff_ffffL) << 8) | iface);
    }

    // =====================================================================================
    // Configuration

    /** Adds interface {@code iface} with our MAC {@code mac} (unicast; normally locally administered). */
    public LinkLayer addInterface(int iface, MacAddress mac) {
        Objects.requireNonNull(mac, "mac");
        if (interfaces.containsKey(iface)) {
            throw new IllegalArgumentException("interface " + iface + " exists already");
        }
        if ((mac.bits() >>> 40 & 1) != 0) {
            throw new IllegalArgumentException(mac + " is a multicast MAC: not usable as an interface address");
        }
        interfaces.put(iface, new Interface(iface, mac));
        return this;
    }

    /** Adds an address of ours on {@code iface}; {@code prefixLength} defines what is on-link. */
    public LinkLayer addAddress(int iface, IpAddress address, int prefixLength) {
        Interface i = iface(iface);
        i.addresses.add(new InterfaceAddress(address, prefixLength));
        return this;
    }

    /** Sets the gateway of {@code iface} for the gateway's IP version (null-free; replaces a previous one). */
    public LinkLayer setGateway(int iface, IpAddress gateway) {
        Interface i = iface(iface);
        if (gateway instanceof Ipv4Address g4) {
            i.gateway4 = g4;
        } else {
            i.gateway6 = (Ipv6Address) Objects.requireNonNull(gateway, "gateway");
        }
        return this;
    }

    /**
     * The largest IP datagram {@code iface} carries (its {@code ip link} mtu; 68 at least). Longer
     * datagrams from the endpoint are dropped and counted ({@link Counter#OVER_MTU}).
     */
    public LinkLayer setMtu(int iface, int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU " + mtu + " is outside 68 to 65535");
        }
        iface(iface).mtu = mtu;
        return this;
    }

    public int mtu(int iface) {
        return iface(iface).mtu;
    }

    /** A hand-made neighbour entry that is never probed nor replaced (like {@code ip neigh add ... permanent}). */
    public LinkLayer setNeighbour(int iface, IpAddress address, MacAddress mac) {
        iface(iface);
        Neighbour n = neighbours.computeIfAbsent(new Key(iface, address), k -> new Neighbour(iface, address));
        n.mac = mac;
        n.state = NeighbourState.PERMANENT;
        n.nextSolicit = Long.MAX_VALUE;
        flushWaiting(n);
        return this;
    }

    /** Installs (or with null removes) the delay and loss stage; frames queued in an old one are dropped. */
    public LinkLayer setImpairment(PathImpairment impairment) {
        this.impairment = impairment;
        return this;
    }

    public PathImpairment impairment() {
        return impairment;
    }

    /** Datagrams kept per unresolved next hop (at least 1). */
    public LinkLayer setQueueLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("queue limit " + limit + " is below 1");
        }
        this.queueLimit = limit;
        return this;
    }

    public int queueLimit() {
        return queueLimit;
    }

    /**
     * Tells the link about our addresses, as a host does when it brings an interface up: a
     * gratuitous ARP (an ARP announcement, RFC 5227 3) per IPv4 address and an unsolicited neighbour
     * advertisement with the override flag (RFC 4861 7.2.6) per IPv6 address. Neighbours that still
     * cache another MAC for one of them (a previous run's) update it at once, instead of sending to
     * the old MAC until their entry fails.
     */
    public void announce() {
        for (Interface i : interfaces.values()) {
            for (InterfaceAddress a : i.addresses) {
                if (a.address() instanceof Ipv4Address v4) {
                    ArpPacket g = new ArpPacket(ArpPacket.REQUEST, i.mac, v4, MacAddress.ZERO, v4);
                    output.addLast(new Frame(i.index, PacketBuilder.ethernetArp(i.mac, MacAddress.BROADCAST, g)));
                    count(Counter.ARP_REQUESTS_OUT);
                } else {
                    Ipv6Address v6 = (Ipv6Address) a.address();
                    Ipv6Address allNodes = new Ipv6Address(0xff02_0000_0000_0000L, 1);
                    output.addLast(new Frame(i.index, ndFrame(i.mac, new MacAddress(0x3333_0000_0001L), v6, allNodes,
                            ND_NEIGHBOR_ADVERT, 0x20, v6, ND_OPT_TARGET_LL, i.mac)));
                }
            }
        }
    }

    public MacAddress mac(int iface) {
        return iface(iface).mac;
    }

    public List<Integer> interfaceIndexes() {
        return new ArrayList<>(interfaces.keySet());
    }

    public List<InterfaceAddress> addresses(int iface) {
        return List.copyOf(iface(iface).addresses);
    }

    /** The MAC we know for {@code address} on {@code iface}, or null (also while it is being resolved). */
    public MacAddress neighbour(int iface, IpAddress address) {
        Neighbour n = neighbours.get(new Key(iface, address));
        return n == null ? null : n.mac;
    }

    /** The state of the entry for {@code address} on {@code iface}, or null without one. */
    public NeighbourState neighbourState(int iface, IpAddress address) {
        Neighbour n = neighbours.get(new Key(iface, address));
        return n == null ? null : n.state;
    }

    public long counter(Counter c) {
        return counters[c.ordinal()];
    }

    /** Every counter, in declaration order. */
    public Map<Counter, Long> counters() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            m.put(c, counters[c.ordinal()]);
        }
        return m;
    }

    private Interface iface(int iface) {
        Interface i = interfaces.get(iface);
        if (i == null) {
            throw new IllegalArgumentException("no interface " + iface + " (known: " + interfaces.keySet() + ")");
        }
        return i;
    }

    private void count(Counter c) {
        counters[c.ordinal()]++;
    }

    // =====================================================================================
    // Sans-IO driver interface

    /**
     * One frame arriving on {@code iface}. The layer may keep {@code frame} (the caller hands it over).
     */
    public void handleFrame(long now, int iface, byte[] frame) {
        count(Counter.FRAMES_IN);
        if (impairment != null) {
            impairment.offer(now, iface, PathImpairment.Direction.INGRESS, frame);
            releaseIngress(now);
            return;
        }
        process(now, iface, frame);
    }

    /** The next frame to put on the wire, or null when there is none now. */
    public Frame pollFrame(long now) {
        Frame f;
        if (impairment == null) {
            f = produce(now);
        } else {
            Frame g;
            while ((g = produce(now)) != null) {
                impairment.offer(now, g.iface(), PathImpairment.Direction.EGRESS, g.data());
            }
            f = impairment.poll(now, PathImpairment.Direction.EGRESS);
        }
        if (f != null) {
            count(Counter.FRAMES_OUT);
        }
        return f;
    }

    /** The earliest time {@link #handleTimeout} (or, for delayed frames, {@link #pollFrame}) has work. */
    public long nextTimeout() {
        long t = endpoint.nextTimeout();
        for (Neighbour n : neighbours.values()) {
            t = Math.min(t, n.nextSolicit);
        }
        if (impairment != null) {
            t = Math.min(t, impairment.nextTimeout());
        }
        return t;
    }

    /** Runs every timer due at {@code now}: delayed arrivals, neighbour resolution, the endpoint's timers. */
    public void handleTimeout(long now) {
        if (impairment != null) {
            releaseIngress(now);
        }
        List<Neighbour> due = null;
        for (Neighbour n : neighbours.values()) {
            if (n.nextSolicit <= now) {
                if (due == null) {
                    due = new ArrayList<>(2);
                }
                due.add(n);
            }
        }
        if (due != null) {
            for (Neighbour n : due) {
                solicitTimer(now, n);
            }
        }
        if (endpoint.nextTimeout() <= now) {
            endpoint.handleTimeout(now);
        }
    }

    private void releaseIngress(long now) {
        Frame f;
        while ((f = impairment.poll(now, PathImpairment.Direction.INGRESS)) != null) {
            process(now, f.iface(), f.data());
        }
    }

    // =====================================================================================
    // Out

    private Frame produce(long now) {
        Frame f = output.pollFirst();
        if (f != null) {
            return f;
        }
        Endpoint.Transmit t;
        while ((t = endpoint.pollTransmit(now)) != null) {
            f = send(now, t.iface(), t.packet());
            if (f != null) {
                return f;
            }
            f = output.pollFirst();
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Frames a datagram, or queues it behind a resolution; returns the frame when it can go now. */
    private Frame send(long now, int ifaceIndex, byte[] packet) {
        Interface i = interfaces.get(ifaceIndex);
        if (i == null) {
            count(Counter.UNKNOWN_INTERFACE);
            return null;
        }
        int version = packet.length == 0 ? 0 : (packet[0] & 0xff) >>> 4;
        IpAddress dst;
        IpAddress src;
        if (version == 4 && packet.length >= 20) {
            src = Ipv4Address.read(packet, 12);
            dst = Ipv4Address.read(packet, 16);
        } else if (version == 6 && packet.length >= Ipv6Header.FIXED_LENGTH) {
            src = Ipv6Address.read(packet, 8);
            dst = Ipv6Address.read(packet, 24);
        } else {
            count(Counter.MALFORMED);
            return null;
        }
        if (packet.length > i.mtu) {
            count(Counter.OVER_MTU);
            return null;
        }
        MacAddress group = multicastMac(i, dst);
        if (group != null) {
            count(Counter.IP_OUT);
            return ipFrame(i, group, packet);
        }
        IpAddress hop = nextHop(i, dst);
        if (hop == null) {
            count(Counter.NO_ROUTE);
            return null;
        }
        Key key = new Key(ifaceIndex, hop);
        Neighbour n = neighbours.get(key);
        if (n != null && n.mac != null) {
            if (n.state == NeighbourState.REACHABLE && now - n.reachableUntil >= 0) {
                n.state = NeighbourState.STALE;
            }
            if (n.state == NeighbourState.STALE) {
                // Verify with a unicast probe; keep using the MAC meanwhile (RFC 4861 7.3.3).
                n.state = NeighbourState.PROBE;
                n.solicits = 0;
                n.solicitSource = src;
                sendSolicit(now, i, n);
            }
            count(Counter.IP_OUT);
            return ipFrame(i, n.mac, packet);
        }
        if (n == null) {
            n = new Neighbour(ifaceIndex, hop);
            n.state = NeighbourState.INCOMPLETE;
            n.solicitSource = src;
            neighbours.put(key, n);
            sendSolicit(now, i, n);
        }
        if (n.waiting.size() >= queueLimit) {
            n.waiting.pollFirst();
            count(Counter.QUEUE_OVERFLOW);
        }
        n.waiting.addLast(packet);
        return null;
    }

    private static IpAddress nextHop(Interface i, IpAddress dst) {
        for (InterfaceAddress a : i.addresses) {
            if (a.contains(dst)) {
                return dst;
            }
        }
        return dst instanceof Ipv4Address ? i.gateway4 : i.gateway6;
    }

    /** The MAC for a broadcast or multicast destination (RFC 1112 6.4, RFC 2464 7), or null for unicast. */
    private static MacAddress multicastMac(Interface i, IpAddress dst) {
        if (dst instanceof Ipv4Address d4) {
            int b = d4.bits();
            if (b == -1) {
                return MacAddress.BROADCAST;
            }
            if ((b >>> 28) == 0xe) {
                return new MacAddress(0x01005e000000L | (b & 0x7fffff));
            }
            for (InterfaceAddress a : i.addresses) {
                if (a.address() instanceof Ipv4Address mine && a.prefixLength() <= 30 && a.contains(dst)) {
                    int hostMask = (int) (0xffffffffL >>> a.prefixLength());
                    if ((b & hostMask) == hostMask && mine.bits() != b) {
                        return MacAddress.BROADCAST; // subnet-directed broadcast
                    }
                }
            }
            return null;
        }
        Ipv6Address d6 = (Ipv6Address) dst;
        if ((d6.high() >>> 56) == 0xff) {
            return new MacAddress(0x333300000000L | (d6.low() & 0xffff_ffffL));
        }
        return null;
    }

    private void solicitTimer(long now, Neighbour n) {
        Interface i = interfaces.get(n.iface);
        if (n.solicits < MAX_SOLICITS) {
            sendSolicit(now, i, n);
            return;
        }
        // No answer to the last request within RETRANS: give the neighbour up.
        neighbours.remove(new Key(n.iface, n.address));
        if (n.state == NeighbourState.INCOMPLETE) {
            count(Counter.RESOLUTION_FAILED);
            counters[Counter.DROPPED_UNRESOLVED.ordinal()] += n.waiting.size();
            n.waiting.clear();
        }
    }

    private void sendSolicit(long now, Interface i, Neighbour n) {
        n.solicits++;
        n.nextSolicit = now + RETRANS_NANOS;
        MacAddress unicast = n.state == NeighbourState.PROBE ? n.mac : null;
        if (n.address instanceof Ipv4Address target) {
            Ipv4Address sender = n.solicitSource instanceof Ipv4Address s && isOurs(s) ? s : firstV4(i, target);
            ArpPacket req = new ArpPacket(ArpPacket.REQUEST, i.mac, sender, MacAddress.ZERO, target);
            output.addLast(new Frame(i.index, PacketBuilder.ethernetArp(i.mac,
                    unicast != null ? unicast : MacAddress.BROADCAST, req)));
            count(Counter.ARP_REQUESTS_OUT);
        } else {
            Ipv6Address target = (Ipv6Address) n.address;
            Ipv6Address src = n.solicitSource instanceof Ipv6Address s && isOurs(s) ? s : firstV6(i, target);
            Ipv6Address dst = unicast != null ? target : solicitedNode(target);
            MacAddress dmac = unicast != null ? unicast : multicastMac(i, dst);
            output.addLast(new Frame(i.index, ndFrame(i.mac, dmac, src, dst, ND_NEIGHBOR_SOLICIT, 0, target,
                    ND_OPT_SOURCE_LL, i.mac)));
            count(Counter.NS_OUT);
        }
    }

    private static Ipv4Address firstV4(Interface i, Ipv4Address near) {
        Ipv4Address any = null;
        for (InterfaceAddress a : i.addresses) {
            if (a.address() instanceof Ipv4Address v4) {
                if (a.contains(near)) {
                    return v4;
                }
                any = any == null ? v4 : any;
            }
        }
        return any != null ? any : new Ipv4Address(0);
    }

    private static Ipv6Address firstV6(Interface i, Ipv6Address near) {
        Ipv6Address any = null;
        for (InterfaceAddress a : i.addresses) {
            if (a.address() instanceof Ipv6Address v6) {
                if (a.contains(near)) {
                    return v6;
                }
                any = any == null ? v6 : any;
            }
        }
        return any != null ? any : new Ipv6Address(0, 0);
    }

    /** ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
    static Ipv6Address solicitedNode(Ipv6Address a) {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (a.low() & 0xff_ffffL));
    }

    private static Frame ipFrame(Interface i, MacAddress dst, byte[] packet) {
        byte[] f = new byte[ETH + packet.length];
        new EthernetHeader(dst, i.mac, (packet[0] & 0xf0) == 0x40 ? EthernetHeader.TYPE_IPV4 : EthernetHeader.TYPE_IPV6)
                .emit(f, 0);
        System.arraycopy(packet, 0, f, ETH, packet.length);
        return new Frame(i.index, f);
    }

    /**
     * An Ethernet frame with an IPv6 neighbour solicitation or advertisement (RFC 4861 4.3, 4.4)
     * carrying one link-layer address option, hop limit 255, ICMPv6 checksum filled in.
     */
    static byte[] ndFrame(MacAddress srcMac, MacAddress dstMac, Ipv6Address src, Ipv6Address dst, int type, int flags,
                          Ipv6Address target, int optionType, MacAddress optionMac) {
        int icmpLen = 24 + 8;
        byte[] f = new byte[ETH + Ipv6Header.FIXED_LENGTH + icmpLen];
        new EthernetHeader(dstMac, srcMac, EthernetHeader.TYPE_IPV6).emit(f, 0);
        new Ipv6Header(0, 0, icmpLen, ICMPV6, 255, src, dst, List.of(), ICMPV6, Ipv6Header.FIXED_LENGTH, -1)
                .emit(f, ETH);
        int p = ETH + Ipv6Header.FIXED_LENGTH;
        f[p] = (byte) type;
        f[p + 1] = 0; // code
        // p + 2: checksum, below; p + 4: flags (NA) or reserved (NS)
        f[p + 4] = (byte) flags;
        target.emit(f, p + 8);
        f[p + 24] = (byte) optionType;
        f[p + 25] = 1; // length in units of 8 bytes
        optionMac.emit(f, p + 26);
        Bytes.put16(f, p + 2, icmpv6Checksum(f, p, icmpLen, src, dst));
        return f;
    }

    /** The ICMPv6 checksum (RFC 4443 2.3) of a message whose checksum field is zero; 0 over a correct one. */
    static int icmpv6Checksum(byte[] b, int off, int len, Ipv6Address src, Ipv6Address dst) {
        return Checksums.finish(Checksums.add(Checksums.ipv6Pseudo(src, dst, ICMPV6, len), b, off, len));
    }

    // =====================================================================================
    // In

    private void process(long now, int ifaceIndex, byte[] frame) {
        Interface i = interfaces.get(ifaceIndex);
        if (i == null) {
            count(Counter.UNKNOWN_INTERFACE);
            return;
        }
        EthernetHeader eth;
        try {
            eth = EthernetHeader.parse(frame, 0, frame.length);
        } catch (MalformedPacketException e) {
            count(Counter.MALFORMED);
            return;
        }
        if (eth.source().equals(i.mac)) {
            count(Counter.OWN_FRAMES);
            return;
        }
        if (!eth.vlanTags().isEmpty()) {
            count(Counter.OTHER_ETHERTYPE);
            return;
        }
        MacAddress dmac = eth.destination();
        boolean toUs = dmac.equals(i.mac);
        boolean group = (dmac.bits() >>> 40 & 1) != 0;
        switch (eth.etherType()) {
            case EthernetHeader.TYPE_ARP -> {
                if (!toUs && !dmac.equals(MacAddress.BROADCAST)) {
                    count(Counter.NOT_FOR_US);
                    return;
                }
                arp(now, i, eth, frame);
            }
            case EthernetHeader.TYPE_IPV4 -> {
                if (!toUs) {
                    count(Counter.NOT_FOR_US);
                    return;
                }
                ipv4(now, i, frame);
            }
            case EthernetHeader.TYPE_IPV6 -> {
                if (!toUs && !group) {
                    count(Counter.NOT_FOR_US);
                    return;
                }
                ipv6(now, i, eth, frame, toUs);
            }
            default -> count(Counter.OTHER_ETHERTYPE);
        }
    }

    private void arp(long now, Interface i, EthernetHeader eth, byte[] frame) {
        ArpPacket a;
        try {
            a = ArpPacket.parse(frame, ETH, frame.length - ETH);
        } catch (MalformedPacketException e) {
            count(Counter.MALFORMED);
            return;
        }
        boolean request = a.operation() == ArpPacket.REQUEST;
        boolean reply = a.operation() == ArpPacket.REPLY;
        if (!request && !reply) {
            count(Counter.MALFORMED);
            return;
        }
        count(request ? Counter.ARP_REQUESTS_IN : Counter.ARP_REPLIES_IN);
        boolean forUs = isOurs(a.targetIp());
        Ipv4Address sip = a.senderIp();
        if (sip.bits() != 0 && !isOurs(sip) && (a.senderMac().bits() >>> 40 & 1) == 0) {
            boolean gratuitous = sip.equals(a.targetIp());
            if (reply && (forUs || gratuitous || neighbours.containsKey(new Key(i.index, sip)))) {
                learn(now, i, sip, a.senderMac(), true, true);
            } else if (forUs || gratuitous) {
                learn(now, i, sip, a.senderMac(), true, false);
            } else {
                learn(now, i, sip, a.senderMac(), false, false); // RFC 826: merge only
            }
        }
        if (request && forUs) {
            ArpPacket r = new ArpPacket(ArpPacket.REPLY, i.mac, a.targetIp(), a.senderMac(), sip);
            output.addLast(new Frame(i.index, PacketBuilder.ethernetArp(i.mac, eth.source(), r)));
            count(Counter.ARP_REPLIES_OUT);
        }
    }

    private void ipv4(long now, Interface i, byte[] frame) {
        int avail = frame.length - ETH;
        if (avail < 20 || (frame[ETH] & 0xf0) != 0x40) {
            count(Counter.MALFORMED);
            return;
        }
        if (!isOurs(Ipv4Address.read(frame, ETH + 16))) {
            count(Counter.NOT_FOR_US);
            return;
        }
        int total = Bytes.u16(frame, ETH + 2);
        confirm(now, i, Ipv4Address.read(frame, ETH + 12), frame);
        deliver(now, i, frame, Math.min(total, avail));
    }

    private void ipv6(long now, Interface i, EthernetHeader eth, byte[] frame, boolean toUs) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(frame, ETH, frame.length - ETH);
        } catch (MalformedPacketException e) {
            count(Counter.MALFORMED);
            return;
        }
        int ipLen = Math.min(Ipv6Header.FIXED_LENGTH + h.payloadLength(), frame.length - ETH);
        if (h.upperProtocol() == ICMPV6 && h.fragmentOffset() < 0) {
            int off = ETH + h.headerLength();
            int len = ETH + ipLen - off;
            if (len >= 1) {
                int type = frame[off] & 0xff;
                if (type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT) {
                    neighbourDiscovery(now, i, eth, frame, h, off, len, type);
                    return;
                }
            }
        }
        if (!toUs || !isOurs(h.destination())) {
            count(Counter.NOT_FOR_US);
            return;
        }
        confirm(now, i, h.source(), frame);
        deliver(now, i, frame, ipLen);
    }

    /**
     * A datagram from a neighbour's own MAC shows that the neighbour is there: its entry stays
     * REACHABLE without probes while traffic flows (standing in for the upper-layer confirmations
     * Linux takes from TCP progress). Unknown or unresolved senders are not learnt from IP.
     */
    private void confirm(long now, Interface i, IpAddress source, byte[] frame) {
        Neighbour n = neighbours.get(new Key(i.index, source));
        if (n == null || n.mac == null || n.state == NeighbourState.PERMANENT || n.state == NeighbourState.INCOMPLETE
                || n.mac.bits() != MacAddress.read(frame, 6).bits()) {
            return;
        }
        n.state = NeighbourState.REACHABLE;
        n.reachableUntil = now + REACHABLE_NANOS;
        n.nextSolicit = Long.MAX_VALUE;
        n.solicits = 0;
    }

    private void deliver(long now, Interface i, byte[] frame, int ipLen) {
        count(Counter.IP_IN);
        endpoint.handlePacket(now, i.index, frame, ETH, ipLen);
    }

    private void neighbourDiscovery(long now, Interface i, EthernetHeader eth, byte[] f, Ipv6Header h, int off, int len,
                                    int type) {
        count(type == ND_NEIGHBOR_SOLICIT ? Counter.NS_IN : Counter.NA_IN);
        // RFC 4861 7.1.1 / 7.1.2 validity checks.
        if (h.hopLimit() != 255 || len < 24 || (f[off + 1] & 0xff) != 0
                || icmpv6Checksum(f, off, len, h.source(), h.destination()) != 0) {
            count(Counter.BAD_NDP);
            return;
        }
        Ipv6Address target = Ipv6Address.read(f, off + 8);
        if ((target.high() >>> 56) == 0xff) {
            count(Counter.BAD_NDP);
            return;
        }
        MacAddress lla = null;
        int wanted = type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL;
        for (int p = off + 24; p < off + len; ) {
            if (off + len - p < 2) {
                count(Counter.BAD_NDP);
                return;
            }
            int optLen = (f[p + 1] & 0xff) * 8;
            if (optLen == 0 || p + optLen > off + len) {
                count(Counter.BAD_NDP); // RFC 4861 4.6: a zero length is invalid, discard the packet
                return;
            }
            if ((f[p] & 0xff) == wanted && optLen >= 8) {
                lla = MacAddress.read(f, p + 2);
            }
            p += optLen;
        }
        Ipv6Address src = h.source();
        boolean unspecified = src.high() == 0 && src.low() == 0;
        if (type == ND_NEIGHBOR_SOLICIT) {
            if (unspecified && (lla != null || !h.destination().equals(solicitedNode(target)))) {
                count(Counter.BAD_NDP);
                return;
            }
            if (!hasAddress(i, target)) {
                count(Counter.NOT_FOR_US);
                return;
            }
            if (!unspecified && lla != null && !isOurs(src)) {
                learn(now, i, src, lla, true, false); // RFC 4861 7.2.3: the asker's address, STALE
            }
            // Solicited advertisement back to the asker; to all nodes (not solicited) for a DAD probe.
            Ipv6Address dst = unspecified ? new Ipv6Address(0xff02_0000_0000_0000L, 1) : src;
            MacAddress dmac = unspecified ? multicastMac(i, dst) : lla != null ? lla : eth.source();
            int flags = NA_FLAG_OVERRIDE | (unspecified ? 0 : NA_FLAG_SOLICITED);
            output.addLast(new Frame(i.index, ndFrame(i.mac, dmac, target, dst, ND_NEIGHBOR_ADVERT, flags, target,
                    ND_OPT_TARGET_LL, i.mac)));
            count(Counter.NA_OUT);
        } else {
            int flags = f[off + 4] & 0xff;
            if ((flags & NA_FLAG_SOLICITED) != 0 && (h.destination().high() >>> 56) == 0xff) {
                count(Counter.BAD_NDP); // RFC 4861 7.1.2: solicited NA to a multicast address
                return;
            }
            if (lla == null || isOurs(target)) {
                return; // nothing to learn (or someone else claims our address: not handled here)
            }
            // Linux default (accept_untracked_na=0): only entries we have are updated.
            learn(now, i, target, lla, false, (flags & NA_FLAG_SOLICITED) != 0);
        }
    }

    /**
     * Records {@code mac} for {@code address}: creates the entry if {@code create}, confirms it
     * (REACHABLE) if {@code confirm}, and sends what waited for it.
     */
    private void learn(long now, Interface i, IpAddress address, MacAddress mac, boolean create, boolean confirm) {
        Key key = new Key(i.index, address);
        Neighbour n = neighbours.get(key);
        if (n == null) {
            if (!create) {
                return;
            }
            n = new Neighbour(i.index, address);
            neighbours.put(key, n);
        }
        if (n.state == NeighbourState.PERMANENT) {
            return;
        }
        boolean changed = n.mac == null || !n.mac.equals(mac);
        n.mac = mac;
        if (confirm || n.state == NeighbourState.INCOMPLETE) {
            // An answer to our request, or the neighbour telling us its address while we ask for it.
            n.state = NeighbourState.REACHABLE;
            n.reachableUntil = now + REACHABLE_NANOS;
            n.nextSolicit = Long.MAX_VALUE;
            n.solicits = 0;
        } else if (n.state == null || changed) {
            n.state = NeighbourState.STALE;
            n.nextSolicit = Long.MAX_VALUE;
            n.solicits = 0;
        }
        flushWaiting(n);
    }

    private void flushWaiting(Neighbour n) {
        if (n.waiting.isEmpty()) {
            return;
        }
        Interface i = interfaces.get(n.iface);
        for (Iterator<byte[]> it = n.waiting.iterator(); it.hasNext(); ) {
            output.addLast(ipFrame(i, n.mac, it.next()));
            count(Counter.IP_OUT);
            it.remove();
        }
    }

    private boolean isOurs(IpAddress a) {
        for (Interface i : interfaces.values()) {
            if (hasAddress(i, a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAddress(Interface i, IpAddress a) {
        for (InterfaceAddress x : i.addresses) {
            if (x.address().equals(a)) {
                return true;
            }
        }
        return false;
    }
}

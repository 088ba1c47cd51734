package org.mptcplab.stack.mptcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.mptcplab.stack.cc.CongestionControl;
import org.mptcplab.stack.cc.CongestionControls;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.Observer;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sched.Scheduler;
import org.mptcplab.stack.sched.Schedulers;
import org.mptcplab.stack.pm.PathManager;
import org.mptcplab.stack.pm.PathManagers;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.Ipv4Header;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.Ipv6Header;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * A host's MPTCP stack: the {@link Endpoint} a driver feeds with datagrams and time. It owns the
 * subflow table (by 4-tuple), the token table (RFC 8684 2.2), the listeners and the output queue.
 * Deterministic: every random value (keys, nonces, ISNs, ports) comes from the seeded generator.
 */
public final class MptcpStack implements Endpoint {
    /** One address of the host, on interface {@code iface}, with its subnet. */
    public record Address(int iface, IpAddress address, int prefixLength) {
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
    }

    private record FourTuple(IpAddress local, int localPort, IpAddress remote, int remotePort) {
    }

    private final String name;
    private StackConfig config;
    private final SplittableRandom random;
    private final Observer observer = new Observer();
    /** Address id (1-based) -> address. The initial subflow of each connection uses id 0 instead. */
    private final Map<Integer, Address> addresses = new LinkedHashMap<>();
    private final Map<FourTuple, Subflow> subflowTable = new HashMap<>();
    private final Map<Integer, MptcpConnection> tokens = new HashMap<>();
    private final List<MptcpConnection> connections = new ArrayList<>();
    private final Map<Integer, Consumer<MptcpSocket>> listeners = new HashMap<>();
    /**
     * Datagrams to send, oldest first: a ring of (interface, array) pairs rather than a queue of
     * {@link Transmit}s, which {@link #drainTransmits} does not need.
     */
    private int[] outIface = new int[64];
    private byte[][] outPacket = new byte[64][];
    private int outHead;
    private int outCount;
    /** Arrays the driver gave back ({@link #recycle}), for the next datagrams. */
    private final PacketPool pool = new PacketPool();
    /** The options of the segment being built (one segment is built at a time). */
    private final OptionBuffer optionBuffer = new OptionBuffer();
    /**
     * Connections with wake-ups to report, in order of their first wake; a connection's
     * {@code wakeQueued} says it is here. Two lists swap so that a dispatch round allocates nothing.
     */
    private ArrayList<MptcpConnection> wakeups = new ArrayList<>();
    private ArrayList<MptcpConnection> wakeRound = new ArrayList<>();
    /** {@link #addresses}' values as an array, for the per-packet destination check. */
    private Address[] addressArray = new Address[0];
    /** The packet scheduler new connections copy (Scheduler.copy); a change reaches running ones at their next send. */
    private Scheduler scheduler;
    /** The path manager of every connection (ours keep no state of their own); fixed by the config. */
    private final PathManager pathManager;
    /** Bumped at each setScheduler: a connection whose copy is older takes a new one. */
    private int schedulerGeneration;
    /** Opportunistic retransmission and penalisation (Raiciu et al., NSDI 2012, 4.2); off by default. */
    private boolean opportunisticRetransmission;
    private int nextPort = 40000;
    /** Local ports of the subflows we open (Linux's default ephemeral range, RFC 6056). */
    private int portLow = 32768;
    private int portHigh = 60999;
    private int ipId;
    private boolean dispatching;

    public MptcpStack(String name, StackConfig config, long seed) {
        this.name = name;
        this.config = Objects.requireNonNull(config);
        this.scheduler = Schedulers.create(config.scheduler()); // an unknown name says which exist
        this.pathManager = PathManagers.create(config.pathManager(), config.ndiffports()); // likewise
        this.random = new SplittableRandom(seed);
        this.nextPort = 32768 + random.nextInt(28000);
        this.opportunisticRetransmission = config.opportunisticRetransmission();
    }

    public String name() {
        return name;
    }

    public StackConfig config() {
        return config;
    }

    public Observer observer() {
        return observer;
    }

    SplittableRandom random() {
        return random;
    }

    /** The path manager every connection asks which subflows to open and which addresses to announce. */
    public PathManager pathManager() {
        return pathManager;
    }

    /** The scheduler new connections get a copy of (running ones switch at their next send). */
    public Scheduler scheduler() {
        return scheduler;
    }

    int schedulerGeneration() {
        return schedulerGeneration;
    }

    /**
     * Switches every connection, running ones included, to {@code s} (each gets its own
     * {@link Scheduler#copy}): deterministically, at the connection's next send, which reports
     * the switch as a {@link ProtocolEvent.Kind#SCHEDULER} event.
     */
    public void setScheduler(Scheduler s) {
        this.scheduler = Objects.requireNonNull(s);
        schedulerGeneration++;
    }

    /** The same by name: one of {@link Schedulers#NAMES}; IllegalArgumentException (listing them) otherwise. */
    public void setScheduler(String name) {
        setScheduler(Schedulers.create(name));
    }

    public boolean opportunisticRetransmission() {
        return opportunisticRetransmission;
    }

    /**
     * Opportunistic retransmission and penalisation (Raiciu et al., "How Hard Can It Be? Designing
     * and Implementing a Deployable Multipath TCP", NSDI 2012, 4.2): when the connection-level
     * receive window stops sending, the segment holding it up (at the data ACK) goes again on a
     * subflow with room, and the subflow that holds it has its window halved, at most once per
     * its RTT. Off by default (Linux upstream MPTCP does neither).
     */
    public void setOpportunisticRetransmission(boolean on) {
        this.opportunisticRetransmission = on;
    }

    /** Adds an address of interface {@code iface}; returns its address id. */
    public int addAddress(int iface, IpAddress address, int prefixLength) {
        int id = nextAddressId++;
        addresses.put(id, new Address(iface, address, prefixLength));
        addressesChanged();
        return id;
    }

    private int nextAddressId = 1;
    /** Addresses taken away with {@link #removeAddress}, kept so {@link #restoreAddress} can give them back. */
    private final Map<Integer, Address> removedAddresses = new LinkedHashMap<>();

    /**
     * Stops using address {@code id} (an interface went down, the user took a path away): every
     * connection closes its subflows on it and tells the peer with REMOVE_ADDR (RFC 8684 3.4.2),
     * on a subflow that stays.
     */
    public void removeAddress(long now, int id) {
        Address a = addresses.remove(id);
        if (a == null) {
            throw new IllegalArgumentException(name + ": no address with id " + id);
        }
        removedAddresses.put(id, a);
        addressesChanged();
        for (MptcpConnection c : new ArrayList<>(connections)) {
            c.onLocalAddressRemoved(now, id, a.address());
        }
        dispatch(now);
    }

    /** Brings back an address taken away: the path manager joins (client) or announces (server) it again. */
    public void restoreAddress(long now, int id) {
        Address a = removedAddresses.remove(id);
        if (a == null) {
            throw new IllegalArgumentException(name + ": address id " + id + " was not removed");
        }
        addresses.put(id, a);
        addressesChanged();
        for (MptcpConnection c : new ArrayList<>(connections)) {
            c.onLocalAddressAdded(now, id, a.address());
        }
        dispatch(now);
    }

    /** Addresses whose new subflows are backups (the B flag of MP_JOIN, RFC 8684 3.2). */
    private final java.util.Set<Integer> backupAddresses = new java.util.HashSet<>();

    /**
     * Marks address {@code id} as a backup path or a regular one for the joins opened from it
     * afterwards: their MP_JOIN SYN carries the B flag (RFC 8684 3.2), asking the peer to send
     * there only when no regular subflow is usable; our scheduler treats them so too. Subflows that
     * exist already change with MP_PRIO ({@link MptcpSocket#setBackup}).
     */
    public void setAddressBackup(int id, boolean backup) {
        if (!addresses.containsKey(id) && !removedAddresses.containsKey(id)) {
            throw new IllegalArgumentException(name + ": no address with id " + id);
        }
        if (backup) {
            backupAddresses.add(id);
        } else {
            backupAddresses.remove(id);
        }
    }

    /** Ports our addresses are announced with, by address id, set by {@link #setAnnouncePort} (-1: none). */
    private final Map<Integer, Integer> announcePorts = new HashMap<>();

    /**
     * Announces our address {@code id} with {@code port} from now on (Linux's {@code ip mptcp
     * endpoint add ADDR port P signal}): the ADD_ADDR carries the port (RFC 8684 3.4.1) and the
     * peer's joins to that address come to that port, where this stack accepts them. -1 announces
     * it without a port (the joins then come to the connection's own port). Unset, an address uses
     * {@link StackConfig#announcePort}. Connections that announced the address already keep the
     * port they announced.
     */
    public void setAnnouncePort(int id, int port) {
        if (!addresses.containsKey(id) && !removedAddresses.containsKey(id)) {
            throw new IllegalArgumentException(name + ": no address with id " + id);
        }
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException(name + ": announce port " + port + " is outside 1 to 65535 (-1: none)");
        }
        announcePorts.put(id, port);
    }

    /** The port address {@code id} is announced with, or -1 for none. */
    public int announcePort(int id) {
        return announcePorts.getOrDefault(id, config.announcePort());
    }

    /** Whether joins from address {@code id} are opened as backups. */
    public boolean isBackupAddress(int id) {
        return backupAddresses.contains(id);
    }

    /** The address id of {@code a}, or -1. */
    public int addressId(IpAddress a) {
        for (Map.Entry<Integer, Address> e : addresses.entrySet()) {
            if (e.getValue().address().equals(a)) {
                return e.getKey();
            }
        }
        return -1;
    }

    public List<Address> addresses() {
        return new ArrayList<>(addresses.values());
    }

    List<Integer> addressIds() {
        return new ArrayList<>(addresses.keySet());
    }

    IpAddress addressById(int id) {
        Address a = addresses.get(id);
        return a == null ? null : a.address();
    }

    int ifaceOf(int addressId) {
        return addresses.get(addressId).iface();
    }

    /** Whether the address with id {@code localId} reaches {@code remote} directly (same subnet). */
    boolean routes(int localId, IpAddress remote) {
        Address a = addresses.get(localId);
        return a != null && a.contains(remote);
    }

    private Address localFor(IpAddress remote) {
        for (Address a : addresses.values()) {
            if (a.contains(remote)) {
                return a;
            }
        }
        for (Address a : addresses.values()) {
            if (a.address().byteLength() == remote.byteLength()) {
                return a;
            }
        }
        throw new IllegalArgumentException(name + ": no address of the same IP version as " + remote);
    }

    private void addressesChanged() {
        addressArray = addresses.values().toArray(new Address[0]);
    }

    private boolean isLocal(IpAddress a) {
        for (Address x : addressArray) {
            if (x.address().equals(a)) {
                return true;
            }
        }
        return false;
    }

    int ephemeralPort() {
        int p = nextPort++;
        if (nextPort > portHigh) {
            nextPort = portLow;
        }
        return p;
    }

    /**
     * Restricts the local ports of the subflows this host opens to {@code low..high}: when the stack
     * shares an address with the host kernel, our ports must stay out of the kernel's own ephemeral
     * range so that the rule keeping the kernel off them never hits a kernel connection.
     */
    public void setLocalPortRange(int low, int high) {
        if (low < 1 || high > 65535 || high - low < 63) {
            throw new IllegalArgumentException("local port range " + low + "-" + high + ": need 1 <= low, high <= 65535, and 64 ports at least");
        }
        portLow = low;
        portHigh = high;
        nextPort = low + random.nextInt(high - low + 1);
    }

    CongestionControl newCongestionControl(Subflow sf) {
        return CongestionControls.create(config.congestionControl(), sf.mss, new SubflowCoupling(sf));
    }

    /**
     * Switches the congestion control algorithm ({@link CongestionControls#NAMES}) for new subflows
     * and for every live one: each gets a new controller that takes over its cwnd and ssthresh.
     * Connections and subflows are visited in creation order, so the switch is deterministic.
     *
     * @throws IllegalArgumentException for an unknown name; nothing changes then
     */
    public void setCongestionControl(String name) {
        CongestionControls.check(name);
        config = config.withCongestionControl(name);
        for (MptcpConnection c : connections) {
            for (Subflow sf : c.subflows) {
                CongestionControl next = newCongestionControl(sf);
                next.takeOver(sf.cc);
                sf.cc = next;
            }
        }
    }

    // =====================================================================================
    // Application API

    /** Listens on {@code port} (all addresses, as the kernel peer does); {@code onAccept} gets each new connection. */
    public void listen(int port, Consumer<MptcpSocket> onAccept) {
        listeners.put(port, onAccept);
    }

    /** Opens a connection from the address that routes to {@code remote}. */
    public MptcpSocket connect(long now, IpAddress remote, int port, MptcpSocket.Handler handler) {
        return connect(now, localFor(remote).address(), remote, port, handler);
    }

    public MptcpSocket connect(long now, IpAddress local, IpAddress remote, int port, MptcpSocket.Handler handler) {
        Address la = null;
        for (Address a : addresses.values()) {
            if (a.address().equals(local)) {
                la = a;
            }
        }
        if (la == null) {
            throw new IllegalArgumentException(name + ": " + local + " is not an address of this host");
        }
        MptcpConnection conn = newConnection(true, now);
        MptcpSocket s = new MptcpSocket(this, conn);
        s.setHandler(handler);
        conn.socket = s;
        Subflow sf = new Subflow(conn, conn.nextSubflowId++, la.iface(), local, ephemeralPort(), remote, port, true, true, now);
        conn.initialSubflow = sf;
        conn.subflows.add(sf);
        conn.remoteAddresses.put(0, remote);
        conn.remotePorts.put(0, port);
        register(sf);
        sf.connect(now);
        dispatch(now);
        return s;
    }

    private MptcpConnection newConnection(boolean client, long now) {
        // A key whose token is unused on this host (RFC 8684 3.1: tokens must be unique locally).
        long key;
        MptcpConnection conn;
        do {
            key = random.nextLong();
            conn = new MptcpConnection(this, client, key, now);
        } while (tokens.containsKey(conn.localToken));
        if (config.mptcp()) {
            tokens.put(conn.localToken, conn);
        }
        connections.add(conn);
        return conn;
    }

    public List<MptcpConnection> connections() {
        return new ArrayList<>(connections);
    }

    // =====================================================================================
    // Tables

    void register(Subflow sf) {
        subflowTable.put(new FourTuple(sf.local, sf.localPort, sf.remote, sf.remotePort), sf);
        java.util.Arrays.fill(recentSubflows, null);
    }

    void unregister(Subflow sf) {
        subflowTable.remove(new FourTuple(sf.local, sf.localPort, sf.remote, sf.remotePort));
        java.util.Arrays.fill(recentSubflows, null);
        lingering.remove(sf);
    }

    /** The connection is over for the application; its subflows finish their TCP close on their own. */
    void connectionClosed(MptcpConnection conn) {
        tokens.remove(conn.localToken);
        connections.remove(conn);
        for (Subflow s : conn.subflows) {
            if (s.state != SubflowState.CLOSED) {
                lingering.add(s);
            }
        }
    }

    void accepted(MptcpConnection conn) {
        Consumer<MptcpSocket> l = listeners.get(conn.initialSubflow.localPort);
        MptcpSocket s = new MptcpSocket(this, conn);
        conn.socket = s;
        if (l != null) {
            l.accept(s);
        }
        wake(conn, MptcpSocket.WAKE_CONNECTED);
    }

    void wake(MptcpConnection conn, int what) {
        if (conn.socket != null) {
            conn.socket.pendingWakes |= what;
            if (!conn.wakeQueued) {
                conn.wakeQueued = true;
                wakeups.add(conn);
            }
        }
    }

    /** Calls the application's handlers for everything that became ready during this input. */
    private void dispatch(long now) {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            int rounds = 0;
            while (!wakeups.isEmpty() && rounds++ < 1000) {
                // This round's connections; wakes during it queue for the next round.
                ArrayList<MptcpConnection> list = wakeups;
                wakeups = wakeRound;
                wakeRound = list;
                for (int i = 0; i < list.size(); i++) {
                    list.get(i).wakeQueued = false;
                }
                for (int i = 0; i < list.size(); i++) {
                    MptcpConnection c = list.get(i);
                    MptcpSocket s = c.socket;
                    int w = s.pendingWakes;
                    s.pendingWakes = 0;
                    if ((w & MptcpSocket.WAKE_CONNECTED) != 0) {
                        s.handler.onConnected(now, s);
                    }
                    if ((w & MptcpSocket.WAKE_READABLE) != 0) {
                        s.handler.onReadable(now, s);
                    }
                    if ((w & MptcpSocket.WAKE_WRITABLE) != 0) {
                        s.handler.onWritable(now, s);
                    }
                    if ((w & MptcpSocket.WAKE_CLOSED) != 0 && !s.closedReported) {
                        s.closedReported = true;
                        s.handler.onClosed(now, s, c.resetReason);
                    }
                }
                list.clear();
            }
            flushPushes();
        } finally {
            dispatching = false;
        }
    }

    // =====================================================================================
    // Endpoint

    /** The segment being received (see {@link Received}); reused from one datagram to the next. */
    private final Received received = new Received();
    /**
     * Recently matched subflows by a hash of their ports: the 4-tuple lookup of an IPv4 segment
     * without a key object. Cleared whenever the subflow table changes.
     */
    private final Subflow[] recentSubflows = new Subflow[16];

    private static int recentSlot(int localPort, int remotePort) {
        return (localPort * 31 + remotePort) & 15;
    }

    private Received receivedHolder() {
        Received r = received.busy ? new Received() : received;
        r.busy = true;
        return r;
    }

    /** Leave TCP checksums to the driver (see {@link Endpoint#offloadChecksums}). */
    private boolean offloadChecksums;

    @Override
    public boolean offloadChecksums(boolean on) {
        offloadChecksums = on;
        return on;
    }

    @Override
    public void handlePacket(long now, int iface, byte[] packet, int off, int len) {
        handle(now, iface, packet, off, len, false);
    }

    @Override
    public void handleVerifiedPacket(long now, int iface, byte[] packet, int off, int len) {
        handle(now, iface, packet, off, len, true);
    }

    /** {@code verified}: the driver vouches for the TCP checksum, which is not checked (RFC 9293 3.1 asks a
     * receiver to check it; here the in-process link cannot damage a datagram). */
    private void handle(long now, int iface, byte[] packet, int off, int len, boolean verified) {
        if (off == 0 && handleUsualSegment(now, packet, len, verified)) {
            return;
        }
        handleAnyPacket(now, iface, packet, off, len, verified);
    }

    /**
     * The fast way for the usual datagram, read in place: IPv4 without options or fragmentation,
     * TCP with simple options ({@link Received}), for a subflow we have. Returns false, having
     * done nothing, for anything else, which {@link #handleAnyPacket} decodes in full. Both ways
     * check and count the same things; only the order of the side-effect-free tests differs.
     */
    private boolean handleUsualSegment(long now, byte[] b, int len, boolean verified) {
        if (len < Ipv4Header.MIN_LENGTH || (b[0] & 0xff) != 0x45 || (b[9] & 0xff) != Ipv4Header.PROTO_TCP) {
            return false;
        }
        int total = Bytes.u16(b, 2);
        if (total > len || total < Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH
                || (Bytes.u16(b, 6) & (Ipv4Header.FLAG_MF | 0x1fff)) != 0) {
            return false;
        }
        int t = Ipv4Header.MIN_LENGTH;
        int tcpLen = total - t;
        int dataOffset = TcpHeader.dataOffset(b, t);
        if (dataOffset < TcpHeader.MIN_LENGTH || dataOffset > tcpLen) {
            return false;
        }
        Received h = receivedHolder();
        try {
            if (!h.readSimple(b, t, tcpLen, dataOffset)) {
                return false;
            }
            int src = Bytes.i32(b, 12);
            int dst = Bytes.i32(b, 16);
            boolean local = false;
            for (Address a : addressArray) {
                if (a.address() instanceof Ipv4Address x && x.bits() == dst) {
                    local = true;
                    break;
                }
            }
            if (!local) {
                return true; // not for us: ignored, as the general way does
            }
            int sport = h.sourcePort;
            int dport = h.destinationPort;
            int slot = recentSlot(dport, sport);
            Subflow sf = recentSubflows[slot];
            if (sf == null || sf.localPort != dport || sf.remotePort != sport || !(sf.local instanceof Ipv4Address l)
                    || l.bits() != dst || !(sf.remote instanceof Ipv4Address r) || r.bits() != src) {
                sf = subflowTable.get(new FourTuple(new Ipv4Address(dst), dport, new Ipv4Address(src), sport));
                if (sf == null) {
                    return false; // a SYN, or a segment for no socket: the general way answers it
                }
                recentSubflows[slot] = sf;
            }
            if (Checksums.internet(b, 0, Ipv4Header.MIN_LENGTH) != 0) {
                observer.inc(Mib.MalformedPackets); // RFC 1122 3.2.1.2: verify and silently discard
                return true;
            }
            if (!verified && Checksums.finish(Checksums.add(Checksums.ipv4Pseudo(src, dst, Ipv4Header.PROTO_TCP, tcpLen),
                    b, t, tcpLen)) != 0) {
                observer.inc(Mib.TcpBadChecksum);
                return true;
            }
            sf.onSegment(now, h, b, t + dataOffset, tcpLen - dataOffset);
        } finally {
            h.release();
        }
        dispatch(now);
        return true;
    }

    private void handleAnyPacket(long now, int iface, byte[] packet, int off, int len, boolean verified) {
        byte[] data = off == 0 ? packet : java.util.Arrays.copyOfRange(packet, off, off + len);
        DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_RAW, data, len);
        if (p.error() != null) {
            observer.inc(Mib.MalformedPackets);
            return;
        }
        if (p.tcp() == null || !isLocal(p.destination())) {
            return;
        }
        if (p.ipv4() != null && !Boolean.TRUE.equals(p.ipv4ChecksumValid())) {
            observer.inc(Mib.MalformedPackets); // RFC 1122 3.2.1.2: verify and silently discard
            return;
        }
        Boolean ok = verified ? Boolean.TRUE : p.tcpChecksumValid();
        if (ok == null || !ok) {
            observer.inc(Mib.TcpBadChecksum);
            return;
        }
        TcpHeader h = p.tcp();
        int payLen = p.tcpSegmentLengthOnWire() - (p.payloadOffset() - p.tcpOffset());
        Subflow sf = subflowTable.get(new FourTuple(p.destination(), h.destinationPort(), p.source(), h.sourcePort()));
        if (sf != null) {
            Received r = receivedHolder();
            try {
                r.set(h);
                sf.onSegment(now, r, data, p.payloadOffset(), payLen);
            } finally {
                r.release();
            }
        } else if (h.has(TcpHeader.SYN) && !h.has(TcpHeader.ACK) && !h.has(TcpHeader.RST)) {
            onSyn(now, iface, p, h);
        } else if (!h.has(TcpHeader.RST)) {
            // No socket: RST (RFC 9293 3.10.7.1).
            observer.inc(Mib.TcpNoSocket);
            int segLen = payLen + (h.has(TcpHeader.SYN) ? 1 : 0) + (h.has(TcpHeader.FIN) ? 1 : 0);
            if (h.has(TcpHeader.ACK)) {
                sendReset(iface, p.destination(), h.destinationPort(), p.source(), h.sourcePort(),
                        h.acknowledgmentNumber(), 0, false, -1, now);
            } else {
                sendReset(iface, p.destination(), h.destinationPort(), p.source(), h.sourcePort(), 0,
                        h.sequenceNumber() + segLen, true, -1, now);
            }
        }
        dispatch(now);
    }

    private void onSyn(long now, int iface, DecodedPacket p, TcpHeader h) {
        int port = h.destinationPort();
        MptcpOption.MpJoinSyn join = h.mptcp(MptcpOption.MP_JOIN) instanceof MptcpOption.MpJoinSyn j ? j : null;
        if (join != null && config.mptcp()) {
            onJoinSyn(now, iface, p, h, join);
            return;
        }
        if (!listeners.containsKey(port)) {
            observer.inc(Mib.TcpNoSocket);
            sendReset(iface, p.destination(), port, p.source(), h.sourcePort(), 0, h.sequenceNumber() + 1, true, -1, now);
            return;
        }
        MptcpOption o = h.mptcp(MptcpOption.MP_CAPABLE);
        MptcpConnection conn = newConnection(false, now);
        boolean mpc = config.mptcp() && o instanceof MptcpOption.MpCapable c && c.version() == 1
                && (c.flags() & MptcpOption.MpCapable.FLAG_H) != 0 && (c.flags() & MptcpOption.MpCapable.FLAG_B) == 0;
        if (o instanceof MptcpOption.MpCapable c && config.mptcp()) {
            observer.inc(Mib.MPCapableSYNRX);
            conn.checksum |= c.checksumRequired();
            // C: the client takes no joins to its first address and port (RFC 8684 3.1).
            conn.peerForbidsInitialJoin = (c.flags() & MptcpOption.MpCapable.FLAG_C) != 0;
        }
        if (!mpc) {
            // A plain TCP client (or a version we do not speak): reply without MP_CAPABLE.
            conn.fallback = true;
            conn.fallbackReason = o == null ? "the peer did not offer MPTCP" : "the peer offered an MPTCP version other than 1";
            tokens.remove(conn.localToken);
        }
        Subflow sf = new Subflow(conn, conn.nextSubflowId++, replyIface(p.source(), iface), p.destination(), port,
                p.source(), h.sourcePort(), true, false, now);
        conn.initialSubflow = sf;
        conn.subflows.add(sf);
        conn.remoteAddresses.put(0, p.source());
        conn.remotePorts.put(0, h.sourcePort());
        register(sf);
        if (conn.fallback) {
            conn.remoteIdsn = 0;
            conn.receiveBuffer = new ReceiveBuffer(config.receiveBufferBytes(), 1);
            observer.event(now, ProtocolEvent.Kind.FALLBACK, conn.localToken, sf.id, "plain TCP: " + conn.fallbackReason);
        }
        sf.acceptSyn(now, h);
        if (conn.fallback) {
            conn.fallbackSeqBase = sf.iss + 1;
            conn.fallbackDsnBase = conn.sndNxt;
        }
    }

    private void onJoinSyn(long now, int iface, DecodedPacket p, TcpHeader h, MptcpOption.MpJoinSyn join) {
        observer.inc(Mib.MPJoinSynRx);
        if (join.backup()) {
            observer.inc(Mib.MPJoinSynBackupRx);
        }
        MptcpConnection conn = tokens.get(join.receiverToken());
        if (conn == null || conn.closed) {
            // Unknown token: RST with MP_TCPRST (RFC 8684 3.2).
            observer.inc(Mib.MPJoinNoTokenFound);
            sendReset(iface, p.destination(), h.destinationPort(), p.source(), h.sourcePort(), 0, h.sequenceNumber() + 1,
                    true, MptcpOption.MpTcpRst.MPTCP_ERROR, now);
            return;
        }
        int dport = h.destinationPort();
        boolean connectionPort = dport == conn.initialSubflow.localPort;
        String refused = null;
        boolean mismatch = false;
        if (conn.fallback) {
            refused = "fallback connection";
        } else if (!conn.remoteKeyKnown) {
            refused = "handshake not complete";
        } else if (!connectionPort && conn.announcedPort(p.destination()) != dport) {
            // Neither the connection's port nor one we announced for this address (Linux:
            // MismatchPortSynRx): the join does not come where we said (RFC 8684 3.4.1).
            observer.inc(Mib.MismatchPortSynRx);
            mismatch = true;
            refused = "port " + dport + " is not the connection's (" + conn.initialSubflow.localPort
                    + ") nor announced for " + p.destination();
        } else if (!config.allowJoinInitialAddress() && connectionPort
                && p.destination().equals(conn.initialSubflow.local)) {
            refused = "our MP_CAPABLE set the C flag (allow_join_initial_addr_port 0, RFC 8684 3.1): no join to our"
                    + " first address and port " + p.destination() + ":" + dport;
        } else if (conn.additionalSubflows() >= config.subflowsLimit()) {
            refused = "subflows limit " + config.subflowsLimit() + " reached (" + conn.additionalSubflows()
                    + " besides the first; ip mptcp limits set subflows N)";
        }
        if (refused != null) {
            if (!mismatch) {
                observer.inc(Mib.MPJoinRejected); // a port mismatch has its own counter, as in Linux
            }
            observer.event(now, ProtocolEvent.Kind.JOIN_REJECTED, conn.localToken, -1,
                    "join from " + p.source() + " to " + p.destination() + ":" + dport + " rejected: " + refused);
            sendReset(iface, p.destination(), dport, p.source(), h.sourcePort(), 0, h.sequenceNumber() + 1,
                    true, MptcpOption.MpTcpRst.ADMINISTRATIVELY_PROHIBITED, now);
            return;
        }
        if (!connectionPort) {
            observer.inc(Mib.MPJoinPortSynRx);
        }
        Subflow sf = new Subflow(conn, conn.nextSubflowId++, replyIface(p.source(), iface), p.destination(),
                h.destinationPort(), p.source(), h.sourcePort(), false, false, now);
        sf.remoteAddressId = join.addressId();
        sf.remoteBackup = join.backup();
        sf.remoteNonce = join.senderNonce();
        sf.localNonce = random.nextInt();
        sf.localAddressId = p.destination().equals(conn.initialSubflow.local) ? 0 : idOf(p.destination());
        conn.subflows.add(sf);
        register(sf);
        sf.acceptSyn(now, h);
    }

    /**
     * The interface to answer {@code remote} through: the one whose subnet holds it, else the one
     * the packet came in on. A Linux host replies through the interface whose subnet holds the
     * peer (INTEROP.md), which is where a join from the peer's second address must be answered.
     */
    private int replyIface(IpAddress remote, int arrival) {
        for (Address a : addresses.values()) {
            if (a.contains(remote)) {
                return a.iface();
            }
        }
        return arrival;
    }

    private int idOf(IpAddress a) {
        for (Map.Entry<Integer, Address> e : addresses.entrySet()) {
            if (e.getValue().address().equals(a)) {
                return e.getKey();
            }
        }
        return 0;
    }

    @Override
    public Transmit pollTransmit(long now) {
        flushPushes();
        if (outCount == 0) {
            return null;
        }
        int i = outHead;
        Transmit t = new Transmit(outIface[i], outPacket[i]);
        dequeue();
        return t;
    }

    @Override
    public long drainTransmits(long now, TransmitSink sink) {
        long n = 0;
        while (true) {
            flushPushes();
            if (outCount == 0) {
                return n;
            }
            int i = outHead;
            int iface = outIface[i];
            byte[] p = outPacket[i];
            dequeue();
            n++;
            sink.transmit(iface, p);
        }
    }

    /** Keeps a datagram array the driver is done with for a later datagram of the same size. */
    @Override
    public void recycle(byte[] packet) {
        pool.give(packet);
    }

    private void enqueue(int iface, byte[] packet) {
        if (outCount == outPacket.length) {
            int n = outCount * 2;
            int[] f = new int[n];
            byte[][] p = new byte[n][];
            for (int i = 0; i < outCount; i++) {
                int j = (outHead + i) & (outCount - 1);
                f[i] = outIface[j];
                p[i] = outPacket[j];
            }
            outIface = f;
            outPacket = p;
            outHead = 0;
        }
        int tail = (outHead + outCount) & (outPacket.length - 1);
        outIface[tail] = iface;
        outPacket[tail] = packet;
        outCount++;
    }

    private void dequeue() {
        outPacket[outHead] = null;
        outHead = (outHead + 1) & (outPacket.length - 1);
        outCount--;
    }

    /**
     * Connections whose application wrote during the current input, in order; they send once it
     * ends. A connection's {@code pushQueued} says it is here; two lists swap as for wake-ups.
     */
    private ArrayList<MptcpConnection> pushes = new ArrayList<>();
    private ArrayList<MptcpConnection> pushRound = new ArrayList<>();
    private long pushTime;

    void pushLater(MptcpConnection c, long now) {
        if (!c.pushQueued) {
            c.pushQueued = true;
            pushes.add(c);
        }
        pushTime = now;
    }

    private boolean flushing;

    private void flushPushes() {
        if (pushes.isEmpty()) {
            return;
        }
        if (flushing) {
            // A push that leads here again (none does today): the plain way, with a copy.
            List<MptcpConnection> copy = new ArrayList<>(pushes);
            pushes.clear();
            for (MptcpConnection c : copy) {
                c.pushQueued = false;
            }
            for (MptcpConnection c : copy) {
                c.push(pushTime);
            }
            return;
        }
        flushing = true;
        try {
            flushRound();
        } finally {
            flushing = false;
        }
    }

    private void flushRound() {
        ArrayList<MptcpConnection> list = pushes;
        pushes = pushRound;
        pushRound = list;
        for (int i = 0; i < list.size(); i++) {
            list.get(i).pushQueued = false;
        }
        for (int i = 0; i < list.size(); i++) {
            list.get(i).push(pushTime);
        }
        list.clear();
    }

    @Override
    public long nextTimeout() {
        // Indexed loops: the driver asks after every input, and iterators would be garbage.
        long t = NEVER;
        for (int i = 0; i < connections.size(); i++) {
            t = Math.min(t, connections.get(i).nextTimeout());
        }
        for (int i = 0; i < lingering.size(); i++) {
            t = Math.min(t, lingering.get(i).nextTimeout());
        }
        return t;
    }

    /** Subflows in TIME_WAIT (or closing) whose connection is gone from the table. */
    private final List<Subflow> lingering = new ArrayList<>();

    @Override
    public void handleTimeout(long now) {
        for (MptcpConnection c : new ArrayList<>(connections)) {
            if (c.nextTimeout() <= now) {
                c.handleTimeout(now);
            }
        }
        for (Subflow s : new ArrayList<>(lingering)) {
            if (s.nextTimeout() <= now) {
                s.handleTimeout(now);
            }
        }
        dispatch(now);
    }

    /** Runs application code (a traffic app's step) as an input, then reports readiness. */
    public void run(long now, Runnable action) {
        action.run();
        dispatch(now);
    }

    // =====================================================================================
    // Output

    /** The option buffer, emptied, for the segment about to be built. */
    OptionBuffer options() {
        optionBuffer.clear();
        return optionBuffer;
    }

    /** Sends a segment described by a header record (the handshake's, which are rare). */
    void emit(Subflow sf, TcpHeader h, SendBuffer src, long dsn, int len, long now) {
        OptionBuffer opts = options();
        for (TcpOption o : h.options()) {
            opts.add(o);
        }
        emit(sf, h.sourcePort(), h.destinationPort(), h.sequenceNumber(), h.acknowledgmentNumber(), h.flags(), h.window(),
                opts, src, null, dsn, len);
    }

    /**
     * Arrays for units' own copies of their bytes (MptcpConnection#releaseSendBuffer). With several
     * subflows the data ACK, which any subflow carries, usually covers a segment before that
     * segment's own subflow has acknowledged it, so nearly every segment needs a copy for a while:
     * pooled, not allocated each time. All of one size, the largest asked for so far.
     */
    private byte[][] unitCopies = new byte[64][];
    private int unitCopyCount;
    private int unitCopySize = 1460;

    byte[] takeUnitCopy(int len) {
        if (len > unitCopySize) {
            unitCopySize = len; // jumbo frames: the old, smaller arrays are left to the collector
            java.util.Arrays.fill(unitCopies, 0, unitCopyCount, null);
            unitCopyCount = 0;
        }
        if (unitCopyCount > 0) {
            byte[] b = unitCopies[--unitCopyCount];
            unitCopies[unitCopyCount] = null;
            return b;
        }
        return new byte[unitCopySize];
    }

    void giveUnitCopy(byte[] b) {
        if (b.length != unitCopySize || unitCopyCount == 8192) {
            return;
        }
        if (unitCopyCount == unitCopies.length) {
            unitCopies = java.util.Arrays.copyOf(unitCopies, unitCopyCount * 2);
        }
        unitCopies[unitCopyCount++] = b;
    }

    /**
     * Builds a segment in a datagram array (reused when the driver gave one back) and queues it:
     * the TCP header (RFC 9293 3.1, reserved bits, checksum and urgent pointer zero before the
     * checksum is filled) with {@code opts}, then {@code len} payload bytes from {@code bytes} (a
     * unit's own copy) or else from {@code src} at {@code dsn}.
     */
    void emit(Subflow sf, int sport, int dport, int seq, int ack, int flags, int window, OptionBuffer opts,
              SendBuffer src, byte[] bytes, long dsn, int len) {
        IpAddress s = sf.local;
        IpAddress d = sf.remote;
        int ipLen = s instanceof Ipv4Address ? Ipv4Header.MIN_LENGTH : Ipv6Header.FIXED_LENGTH;
        int hl = TcpHeader.MIN_LENGTH + opts.paddedLength();
        int segLen = hl + len;
        byte[] pkt = pool.take(ipLen + segLen);
        if (s instanceof Ipv4Address s4) {
            Ipv4Header.writePlain(pkt, 0, s4, (Ipv4Address) d, Ipv4Header.PROTO_TCP, segLen, ipId++);
        } else {
            java.util.Arrays.fill(pkt, 0, ipLen, (byte) 0);
            Ipv6Header.of((Ipv6Address) s, (Ipv6Address) d, Ipv4Header.PROTO_TCP, segLen).emit(pkt, 0);
        }
        int t = ipLen;
        Bytes.put16(pkt, t, sport);
        Bytes.put16(pkt, t + 2, dport);
        Bytes.put32(pkt, t + 4, seq);
        Bytes.put32(pkt, t + 8, ack);
        pkt[t + 12] = (byte) ((hl / 4) << 4);
        pkt[t + 13] = (byte) flags;
        Bytes.put16(pkt, t + 14, window);
        Bytes.put16(pkt, t + 16, 0);
        Bytes.put16(pkt, t + 18, 0);
        opts.writeTo(pkt, t + TcpHeader.MIN_LENGTH);
        if (len > 0) {
            if (bytes != null) {
                System.arraycopy(bytes, 0, pkt, ipLen + hl, len);
            } else {
                src.read(dsn, pkt, ipLen + hl, len);
            }
        }
        if (offloadChecksums) {
            // Left zero for the driver, which fills it wherever something looks at the datagram.
        } else if (s instanceof Ipv4Address s4) {
            TcpHeader.fillChecksumV4(pkt, ipLen, segLen, s4, (Ipv4Address) d);
        } else {
            TcpHeader.fillChecksumV6(pkt, ipLen, segLen, (Ipv6Address) s, (Ipv6Address) d);
        }
        enqueue(sf.iface, pkt);
    }

    void sendReset(int iface, IpAddress local, int lport, IpAddress remote, int rport, int seq, int ack, boolean withAck,
                   int mptcpReason, long now) {
        List<TcpOption> opts = new ArrayList<>(1);
        if (mptcpReason >= 0 && config.mptcp()) {
            opts.add(new MptcpOption.MpTcpRst(0, mptcpReason));
            observer.inc(Mib.MPRstTx);
        }
        TcpHeader h = TcpHeader.of(lport, rport, seq, withAck ? ack : 0, TcpHeader.RST | (withAck ? TcpHeader.ACK : 0), 0, opts);
        int ipLen = local instanceof Ipv4Address ? Ipv4Header.MIN_LENGTH : Ipv6Header.FIXED_LENGTH;
        byte[] pkt = new byte[ipLen + h.headerLength()];
        int segLen = h.headerLength();
        if (local instanceof Ipv4Address s4) {
            Ipv4Header.of(s4, (Ipv4Address) remote, Ipv4Header.PROTO_TCP, segLen, ipId++).emit(pkt, 0);
            h.emit(pkt, ipLen);
            TcpHeader.fillChecksumV4(pkt, ipLen, segLen, s4, (Ipv4Address) remote);
        } else {
            Ipv6Header.of((Ipv6Address) local, (Ipv6Address) remote, Ipv4Header.PROTO_TCP, segLen).emit(pkt, 0);
            h.emit(pkt, ipLen);
            TcpHeader.fillChecksumV6(pkt, ipLen, segLen, (Ipv6Address) local, (Ipv6Address) remote);
        }
        enqueue(iface, pkt);
    }

    @Override
    public String toString() {
        return "MptcpStack[" + name + "]";
    }
}

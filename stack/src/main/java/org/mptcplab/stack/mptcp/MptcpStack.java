package org.mptcplab.stack.mptcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.mptcplab.stack.cc.CongestionControl;
import org.mptcplab.stack.cc.NewReno;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.Observer;
import org.mptcplab.stack.observe.ProtocolEvent;
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
    private final StackConfig config;
    private final SplittableRandom random;
    private final Observer observer = new Observer();
    /** Address id (1-based) -> address. The initial subflow of each connection uses id 0 instead. */
    private final Map<Integer, Address> addresses = new LinkedHashMap<>();
    private final Map<FourTuple, Subflow> subflowTable = new HashMap<>();
    private final Map<Integer, MptcpConnection> tokens = new HashMap<>();
    private final List<MptcpConnection> connections = new ArrayList<>();
    private final Map<Integer, Consumer<MptcpSocket>> listeners = new HashMap<>();
    private final ArrayDeque<Transmit> output = new ArrayDeque<>();
    private final Set<MptcpConnection> wakeups = new LinkedHashSet<>();
    private Scheduler scheduler = Scheduler.MIN_RTT;
    private int nextPort = 40000;
    /** Local ports of the subflows we open (Linux's default ephemeral range, RFC 6056). */
    private int portLow = 32768;
    private int portHigh = 60999;
    private int ipId;
    private boolean dispatching;

    public MptcpStack(String name, StackConfig config, long seed) {
        this.name = name;
        this.config = Objects.requireNonNull(config);
        this.random = new SplittableRandom(seed);
        this.nextPort = 32768 + random.nextInt(28000);
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

    Scheduler scheduler() {
        return scheduler;
    }

    public void setScheduler(Scheduler s) {
        this.scheduler = Objects.requireNonNull(s);
    }

    /** Adds an address of interface {@code iface}; returns its address id. */
    public int addAddress(int iface, IpAddress address, int prefixLength) {
        int id = nextAddressId++;
        addresses.put(id, new Address(iface, address, prefixLength));
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

    private boolean isLocal(IpAddress a) {
        for (Address x : addresses.values()) {
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
        return switch (config.congestionControl()) {
            case "newreno" -> new NewReno(sf.mss, true);
            // Without HyStart: slow start runs until the first loss (RFC 5681 alone).
            case "reno" -> new NewReno(sf.mss, false);
            default -> throw new IllegalArgumentException("unknown congestion control '" + config.congestionControl()
                    + "' (known: newreno, reno)");
        };
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
    }

    void unregister(Subflow sf) {
        subflowTable.remove(new FourTuple(sf.local, sf.localPort, sf.remote, sf.remotePort));
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
            wakeups.add(conn);
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
                List<MptcpConnection> list = new ArrayList<>(wakeups);
                wakeups.clear();
                for (MptcpConnection c : list) {
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
            }
            flushPushes();
        } finally {
            dispatching = false;
        }
    }

    // =====================================================================================
    // Endpoint

    @Override
    public void handlePacket(long now, int iface, byte[] packet, int off, int len) {
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
        Boolean ok = p.tcpChecksumValid();
        if (ok == null || !ok) {
            observer.inc(Mib.TcpBadChecksum);
            return;
        }
        TcpHeader h = p.tcp();
        int payLen = p.tcpSegmentLengthOnWire() - (p.payloadOffset() - p.tcpOffset());
        Subflow sf = subflowTable.get(new FourTuple(p.destination(), h.destinationPort(), p.source(), h.sourcePort()));
        if (sf != null) {
            sf.onSegment(now, h, data, p.payloadOffset(), payLen);
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
        if (conn.fallback || !conn.remoteKeyKnown || conn.subflows.size() >= config.maxSubflows()) {
            observer.inc(Mib.MPJoinRejected);
            observer.event(now, ProtocolEvent.Kind.JOIN_REJECTED, conn.localToken, -1,
                    "join from " + p.source() + " rejected: " + (conn.fallback ? "fallback connection"
                            : !conn.remoteKeyKnown ? "handshake not complete" : "subflow limit " + config.maxSubflows()));
            sendReset(iface, p.destination(), h.destinationPort(), p.source(), h.sourcePort(), 0, h.sequenceNumber() + 1,
                    true, MptcpOption.MpTcpRst.ADMINISTRATIVELY_PROHIBITED, now);
            return;
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
        return output.pollFirst();
    }

    /** Connections whose application wrote during the current input; they send once it ends. */
    private final Set<MptcpConnection> pushes = new LinkedHashSet<>();
    private long pushTime;

    void pushLater(MptcpConnection c, long now) {
        pushes.add(c);
        pushTime = now;
    }

    private void flushPushes() {
        if (pushes.isEmpty()) {
            return;
        }
        List<MptcpConnection> list = new ArrayList<>(pushes);
        pushes.clear();
        for (MptcpConnection c : list) {
            c.push(pushTime);
        }
    }

    @Override
    public long nextTimeout() {
        long t = NEVER;
        for (MptcpConnection c : connections) {
            t = Math.min(t, c.nextTimeout());
        }
        for (Subflow s : lingering) {
            t = Math.min(t, s.nextTimeout());
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

    /** Like {@link #emit} with the payload from a unit's own copy. */
    void emitBytes(Subflow sf, TcpHeader h, byte[] payload, int len, long now) {
        SendBuffer one = new SendBuffer(len, 0);
        one.write(payload, 0, len);
        emit(sf, h, one, 0, len, now);
    }

    void emit(Subflow sf, TcpHeader h, SendBuffer src, long dsn, int len, long now) {
        IpAddress s = sf.local;
        IpAddress d = sf.remote;
        int ipLen = s instanceof Ipv4Address ? Ipv4Header.MIN_LENGTH : Ipv6Header.FIXED_LENGTH;
        int hl = h.headerLength();
        byte[] pkt = new byte[ipLen + hl + len];
        int segLen = hl + len;
        if (s instanceof Ipv4Address s4) {
            Ipv4Header.of(s4, (Ipv4Address) d, Ipv4Header.PROTO_TCP, segLen, ipId++).emit(pkt, 0);
        } else {
            Ipv6Header.of((Ipv6Address) s, (Ipv6Address) d, Ipv4Header.PROTO_TCP, segLen).emit(pkt, 0);
        }
        h.emit(pkt, ipLen);
        if (len > 0) {
            src.read(dsn, pkt, ipLen + hl, len);
        }
        if (s instanceof Ipv4Address s4) {
            TcpHeader.fillChecksumV4(pkt, ipLen, segLen, s4, (Ipv4Address) d);
        } else {
            TcpHeader.fillChecksumV6(pkt, ipLen, segLen, (Ipv6Address) s, (Ipv6Address) d);
        }
        output.addLast(new Transmit(sf.iface, pkt));
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
        output.addLast(new Transmit(iface, pkt));
    }

    @Override
    public String toString() {
        return "MptcpStack[" + name + "]";
    }
}

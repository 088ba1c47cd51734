package org.mptcplab.stack.analyze;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Reconstructs MPTCP connections from a capture in one pass, packet by packet, in bounded memory
 * per connection (see {@link IntervalSet} and {@link TimedQueue} for the bounds).
 *
 * <p><b>Subflows.</b> Each TCP connection (directed 4-tuple pair; a new SYN with a new ISN after a
 * FIN or RST on the same 4-tuple starts another) is tracked with its sequence space per
 * direction: bytes, retransmissions (payload at sequence numbers already seen), bytes in flight
 * (highest sequence number sent minus highest ACK seen), RTT from data/ACK pairs and from TCP
 * timestamps. Its client is the SYN's sender, else the first packet's sender.
 *
 * <p><b>Connections.</b> An MP_CAPABLE handshake starts a connection; its keys give each end's
 * token and IDSN (RFC 8684 3.1 with SHA-256 for version 1, RFC 6824 3.1 with SHA-1 for version 0).
 * An MP_JOIN SYN names the token of the host it is sent to (RFC 8684 3.2) and so joins that
 * connection; a token nobody announced (the capture started after the MP_CAPABLE exchange) makes
 * a connection of its own, keyed by that token and marked incomplete. A subflow with MPTCP options
 * but no handshake in the capture is a connection of its own, incomplete, token unknown. A subflow
 * with no MPTCP option at all is plain TCP and counted only.
 *
 * <p><b>Data level.</b> DSS mappings (RFC 8684 3.3.1) map each segment's payload to data sequence
 * numbers (32-bit ones widened against the last 64-bit value of that direction). Bytes whose data
 * sequence numbers were mapped before, on any subflow, in a segment that is not a subflow-level
 * retransmission, are reinjected. The data ACK's progress per direction gives the stalls: the
 * longest time it did not move while data was outstanding.
 *
 * <p>Not thread-safe; feed packets in capture order, then call {@link #finish}.
 */
public final class CaptureAnalyzer {
    /** Malformed packets kept with their message; more are counted. */
    public static final int MAX_PACKET_ERRORS = 100;
    /** Events kept per connection; more are counted. */
    public static final int MAX_EVENTS = 10_000;

    private final FlowTable flows = new FlowTable();
    private final List<SubflowTrack> subflows = new ArrayList<>();
    private final List<ConnectionTrack> connections = new ArrayList<>();
    /** Token (unsigned 32 bits) to connection: boxed, but only touched by handshakes. */
    private final Map<Long, ConnectionTrack> byToken = new HashMap<>();
    private final List<PacketError> packetErrors = new ArrayList<>();
    private long packets;
    private long tcpPackets;
    private long otherPackets;
    private long malformed;
    private long firstNanos = -1;
    private long lastNanos = -1;
    private Observer observer;
    /** What the current segment carried at the data level, for the observer. */
    private final Segment seg = new Segment();

    /**
     * Sees the analysis as it happens, packet by packet: what a replay needs to draw a capture
     * over time (the reports only hold totals). Called on the analyzing thread; the
     * {@link Segment} is reused for every call, so copy what is kept.
     */
    public interface Observer {
        /** A TCP segment of an MPTCP connection, after the analyzer took it in. */
        void segment(Segment s);

        /**
         * An event, as it is added to its connection (the first {@link #MAX_EVENTS} of each);
         * {@code fromClient}: its packet came from the connection's client.
         */
        void event(int connection, MptcpEvent e, boolean fromClient);

        /**
         * A wait of the data ACK ended (RFC 8684 3.3.2): direction {@code direction} (0 client to
         * server) of {@code connection} made no data-level progress from {@code start} to
         * {@code end} while data was outstanding; every such gap, not only the longest.
         */
        void gap(int connection, int direction, long start, long end, boolean open, long retransmits, long reinjections);
    }

    /**
     * One segment as the analyzer saw it, relative numbers as tshark's: subflow sequence numbers
     * from the subflow's ISN, data sequence numbers from the connection's IDSN + 1 (or the first
     * seen). Mutable and reused.
     */
    public static final class Segment {
        public long timeNanos;
        /** The record's number in the file (from 1) and where it starts. */
        public long record;
        public long fileOffset;
        /** The frame and where its IP header starts (the bytes are the reader's: copy what is kept). */
        public byte[] frame;
        public int networkOffset;
        /** Bytes from the IP header to the end of the TCP header. */
        public int headerLength;
        public int connection;
        /** The subflow's index (tshark's tcp.stream). */
        public int subflow;
        /** Connection-level direction: true from the connection's server to its client. */
        public boolean toClient;
        public int flags;
        public long seq;
        public long ack;
        public int payloadLength;
        /** Relative data sequence number of this payload's first new byte, -1 without a mapping. */
        public long dsn;
        /** Bytes of the payload mapped to data sequence numbers, 0 without a mapping. */
        public int dataLength;
        /** Relative data ACK carried (of the other direction), -1 without. */
        public long dataAck;
        public boolean retransmitted;
        public boolean reinjected;
        /** The sender's bytes in flight on this subflow after this segment, -1 before an ACK was seen. */
        public long flight;
        /** The subflow's round trip estimate (both smoothed halves), -1 unknown. */
        public long roundTripNanos;
        /** The sender's largest flight in the current round trip: the congestion window estimate. */
        public long cwndEstimate;
        /** The sender asked for this subflow to be a backup (MP_JOIN's B flag, then MP_PRIO). */
        public boolean backup;
        public TcpHeader tcp;
    }

    /** Sets (or clears, with null) the observer of what follows. */
    public void observer(Observer o) {
        this.observer = o;
    }

    /** Reports a data-level wait to the observer (from {@link ConnectionTrack.DataDir#gap}). */
    void gapSeen(ConnectionTrack c, int direction, long start, long end, boolean open, long retransmits,
                 long reinjections) {
        if (observer != null) {
            observer.gap(c.index, direction, start, end, open, retransmits, reinjections);
        }
    }

    /** Reads the whole file and analyses it; damage in the file is in the result, with offsets. */
    public static Analysis analyze(Path file) throws CaptureFormatException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            return analyze(reader, file.toString());
        }
    }

    /** Analyses what is left to read in {@code reader}. */
    public static Analysis analyze(CaptureReader reader, String source) {
        CaptureAnalyzer a = new CaptureAnalyzer();
        CaptureRecord r;
        long n = 0;
        while ((r = reader.next()) != null) {
            a.packet(r.timestampNanos(), r.linkType(), r.data(), r.originalLength(), ++n, r.fileOffset());
        }
        return a.finish(source, reader);
    }

    /**
     * One captured frame.
     *
     * @param originalLength the frame's length on the wire (more than {@code frame.length} when a
     *                       snap length cut it)
     * @param record     its number in the file (from 1), for error messages
     * @param fileOffset where its record starts in the file, for error messages
     */
    public void packet(long timeNanos, int linkType, byte[] frame, int originalLength, long record, long fileOffset) {
        packets++;
        if (firstNanos < 0 || timeNanos < firstNanos) {
            firstNanos = timeNanos;
        }
        if (timeNanos > lastNanos) {
            lastNanos = timeNanos;
        }
        DecodedPacket p = PacketDecoder.decode(linkType, frame);
        boolean bad = false;
        if (p.error() != null) {
            bad = true;
            packetError(record, fileOffset, p.error().getMessage());
        }
        TcpHeader tcp = p.tcp();
        if (tcp == null) {
            if (!bad) {
                otherPackets++;
            } else {
                malformed++;
            }
            return;
        }
        tcpPackets++;
        List<TcpOption> options = tcp.options();
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i) instanceof TcpOption.Malformed m && !bad) {
                bad = true;
                packetError(record, fileOffset, m.reason());
            }
        }
        // TCP payload bytes on the wire: what the IP header says (a snap length does not hide
        // them), but no more than the frame carried (a header whose length outgrew its frame,
        // as a middlebox that strips an option without fixing the IP length leaves it).
        int header = TcpHeader.dataOffset(p.data(), p.tcpOffset());
        int inFrame = Math.max(0, originalLength - p.tcpOffset() - header);
        int len = p.tcpSegmentLengthOnWire() - header;
        if (p.ipv4() != null && p.ipv4().totalLength() == 0) {
            // An IPv4 total length of 0: a TSO capture. The frame tells.
            len = inFrame;
        } else if (len > inFrame) {
            if (!bad) {
                bad = true;
                packetError(record, fileOffset, (p.ipv4() != null ? "IPv4 total length " + p.ipv4().totalLength()
                        : "IPv6 payload length " + p.ipv6().payloadLength()) + " runs " + (len - inFrame)
                        + " bytes past the end of the frame (" + originalLength + " bytes on the wire)");
            }
            len = inFrame;
        } else if (len < 0) {
            len = 0;
        }
        if (bad) {
            malformed++;
        }
        seg.record = record;
        seg.fileOffset = fileOffset;
        segment(timeNanos, p, tcp, len);
    }

    private void packetError(long record, long fileOffset, String message) {
        if (packetErrors.size() < MAX_PACKET_ERRORS) {
            packetErrors.add(new PacketError(record, fileOffset, message));
        }
    }

    // ------------------------------------------------------------------------------ subflows

    private void segment(long t, DecodedPacket p, TcpHeader tcp, int len) {
        long s0;
        long s1;
        long d0;
        long d1;
        int version;
        if (p.ipv4() != null) {
            s0 = p.ipv4().source().bits() & 0xffffffffL;
            s1 = 0;
            d0 = p.ipv4().destination().bits() & 0xffffffffL;
            d1 = 0;
            version = 4;
        } else {
            Ipv6Address s = p.ipv6().source();
            Ipv6Address d = p.ipv6().destination();
            s0 = s.high();
            s1 = s.low();
            d0 = d.high();
            d1 = d.low();
            version = 6;
        }
        int flags = tcp.flags();
        boolean syn = (flags & TcpHeader.SYN) != 0;
        boolean ack = (flags & TcpHeader.ACK) != 0;
        int seq = tcp.sequenceNumber();
        long ports = FlowTable.ports(version, tcp.sourcePort(), tcp.destinationPort());
        int v = flows.get(s0, s1, d0, d1, ports);
        SubflowTrack s;
        int d;
        if (v < 0 || syn && !ack && (v & 1) == 0 && reused(subflows.get(v >>> 1), seq)) {
            // The SYN's sender is the client; a SYN/ACK's receiver; otherwise the first sender.
            d = syn && ack ? 1 : 0;
            s = d == 0 ? new SubflowTrack(subflows.size(), p.source(), tcp.sourcePort(), p.destination(),
                    tcp.destinationPort())
                    : new SubflowTrack(subflows.size(), p.destination(), tcp.destinationPort(), p.source(),
                    tcp.sourcePort());
            subflows.add(s);
            flows.put(s0, s1, d0, d1, ports, s.index * 2 + d);
            flows.put(d0, d1, s0, s1, FlowTable.ports(version, tcp.destinationPort(), tcp.sourcePort()),
                    s.index * 2 + (d ^ 1));
        } else {
            s = subflows.get(v >>> 1);
            d = v & 1;
        }
        SubflowTrack.Dir out = s.dir[d];
        SubflowTrack.Dir in = s.dir[d ^ 1];
        seg.dsn = -1;
        seg.dataLength = 0;
        seg.dataAck = -1;
        seg.retransmitted = false;
        seg.reinjected = false;
        out.packets++;
        if (out.first < 0) {
            out.first = t;
        }
        out.last = t;
        boolean fin = (flags & TcpHeader.FIN) != 0;
        boolean rst = (flags & TcpHeader.RST) != 0;

        // The handshake's times (RFC 9293 3.5).
        if (syn && !ack && d == 0 && s.synAt < 0) {
            s.synAt = t;
        } else if (syn && ack && d == 1 && s.synAckAt < 0) {
            s.synAckAt = t;
        } else if (!syn && ack && d == 0 && s.synAckAt >= 0 && s.ackAt < 0) {
            s.ackAt = t;
        }

        // MPTCP options first: they decide the connection, and a mapping may cover this payload.
        TcpOption.Timestamps ts = null;
        MptcpOption.Dss dss = null;
        MptcpOption.MpCapable mpc = null;
        boolean anyMptcp = false;
        List<TcpOption> options = tcp.options();
        for (int i = 0; i < options.size(); i++) {
            TcpOption o = options.get(i);
            if (o instanceof MptcpOption m) {
                anyMptcp = true;
                if (m instanceof MptcpOption.Dss x) {
                    if (dss == null) {
                        dss = x;
                    }
                } else if (m instanceof MptcpOption.MpCapable x) {
                    mpc = x;
                    mpCapable(t, s, d, syn, ack, x);
                } else {
                    otherOption(t, s, d, syn, ack, m);
                }
            } else if (o instanceof TcpOption.Timestamps x) {
                ts = x;
            } else if (o instanceof TcpOption.Malformed m && m.kind() == TcpOption.KIND_MPTCP && s.conn != null) {
                // Ignored as the receiver would (RFC 8684 3: a wrong length is not an option),
                // so it does not make a subflow MPTCP by itself; in a connection it is an event.
                event(s.conn, t, "malformed option", s, d, m.reason());
            }
        }
        if (anyMptcp) {
            s.mptcp = true;
            if (s.conn == null) {
                // MPTCP options but no handshake seen: the capture started mid-connection.
                connectionOf(s);
            }
        }
        if (s.conn != null) {
            handshakeChecks(t, s, d, syn, ack, anyMptcp);
        }

        // The sequence space (subflow level). A side known so far only from the other's ACKs
        // starts again at its own SYN (a stray ACK before the SYN/ACK may have named anything).
        if (!out.started || out.fromAck && syn && out.packets == 1) {
            out.start(seq, syn);
        }
        long rel = out.rel(seq);
        long end = rel + len + (syn ? 1 : 0) + (fin ? 1 : 0);
        long seenBefore = out.hiEnd;
        ConnectionTrack c = s.conn;
        if (len > 0) {
            out.payloadPackets++;
            out.bytes += len;
            if (rel < seenBefore && !(len == 1 && rel == seenBefore - 1 && !fin)) {
                // Sequence space seen before: a retransmission (a one-byte probe just below the
                // edge is a keep-alive, RFC 9293 3.8.4, not counted).
                out.retransmits++;
                seg.retransmitted = true;
                out.retransmittedBytes += Math.min(len, seenBefore - rel);
                if (out.segments != null) {
                    out.segments.spoilAbove(rel);
                }
                if (c != null) {
                    c.retransmits++;
                }
            } else {
                timeSegment(out, end, t);
            }
        } else if (syn) {
            if (out.synSeen && seq == out.synSeq) {
                out.retransmits++;
                seg.retransmitted = true;
                if (out.segments != null) {
                    out.segments.spoilAbove(rel);
                }
                if (c != null) {
                    c.retransmits++;
                }
            } else {
                out.synSeen = true;
                out.synSeq = seq;
                timeSegment(out, end, t);
            }
        } else if (fin) {
            if (rel < seenBefore) {
                out.retransmits++;
                seg.retransmitted = true;
                if (c != null) {
                    c.retransmits++;
                }
            } else {
                timeSegment(out, end, t);
            }
        }
        if (end > out.hiEnd) {
            out.hiEnd = end;
        }

        // The data level: this payload's data sequence numbers, and the data ACK.
        if (c != null) {
            if (mpc != null && mpc.hasDataLevelLength() && len > 0 && !syn) {
                // MP_CAPABLE with data (RFC 8684 3.1): the first data byte, DSN = IDSN + 1,
                // subflow sequence number 1.
                ConnectionTrack.DataDir dd = c.data[s.connDir(d)];
                if (dd.idsnKnown && mapping(out, dd.idsn + 1, 1, mpc.dataLevelLength())) {
                    dd.mappings++;
                }
            }
            if (dss != null) {
                dss(t, s, d, dss, c);
            }
            if (len > 0) {
                mapPayload(t, s, d, out, seq, len, rel, seenBefore, c);
            }
        }

        // Flight and the congestion window estimate.
        if (len > 0 && out.acked) {
            long flight = out.hiEnd - out.ackHigh;
            if (flight > out.maxFlight) {
                out.maxFlight = flight;
            }
            long rtt = s.roundTrip();
            if (rtt > 0) {
                if (out.windowStart < 0) {
                    out.windowStart = t;
                    out.windowMax = flight;
                } else if (t - out.windowStart >= rtt) {
                    out.cwnd.add(out.windowMax);
                    out.windowStart = t;
                    out.windowMax = flight;
                } else if (flight > out.windowMax) {
                    out.windowMax = flight;
                }
            }
        }

        // What this packet acknowledges of the other direction.
        if (ack) {
            int an = tcp.acknowledgmentNumber();
            if (!in.started) {
                in.startFromAck(an);
            }
            long a = in.rel(an);
            if (!in.acked || a > in.ackHigh) {
                in.acked = true;
                in.ackHigh = a;
                if (in.segments != null) {
                    long sentAt = in.segments.popUpTo(a);
                    if (sentAt >= 0) {
                        in.rtt(t - sentAt, true);
                    }
                }
            }
        }
        // Timestamps (RFC 7323 4): this side's TSval, and its echo of the other side's.
        if (ts != null) {
            long tv = out.timestamp(ts.tsVal());
            if (!out.tsSeen || tv > out.tsHigh) {
                out.tsSeen = true;
                out.tsHigh = tv;
                if (out.tsvals == null) {
                    out.tsvals = new TimedQueue();
                }
                out.tsvals.push(tv, t);
            }
            if (ack && in.tsSeen && in.tsvals != null) {
                long sentAt = in.tsvals.popExactly(in.timestamp(ts.tsEcr()));
                if (sentAt >= 0) {
                    in.rtt(t - sentAt, false);
                }
            }
        }

        if (fin && !out.fin) {
            out.fin = true;
            if (c != null) {
                event(c, t, "FIN", s, d, "subflow " + s.index + " closing");
            }
        }
        if (rst) {
            // Every RST that gives a reason (MP_TCPRST, RFC 8684 3.6) is an event; of plain ones,
            // the first each way (repeats answer stray segments).
            MptcpOption.MpTcpRst reason = (MptcpOption.MpTcpRst) tcp.mptcp(MptcpOption.MP_TCPRST);
            if (reason != null) {
                out.rstReason = reason.reason();
            }
            if (c != null && (!out.rst || reason != null)) {
                event(c, t, "RST", s, d, reason == null ? "subflow " + s.index + " reset"
                        : "subflow " + s.index + " reset, MP_TCPRST reason " + reason.reason() + " ("
                        + reason.reasonName() + ")" + (reason.transientError() ? ", transient" : ""));
            }
            out.rst = true;
        }
        if (observer != null && s.conn != null) {
            observe(t, p, tcp, s, d, rel, len, flags);
        }
    }

    private void observe(long t, DecodedPacket p, TcpHeader tcp, SubflowTrack s, int d, long rel, int len, int flags) {
        SubflowTrack.Dir out = s.dir[d];
        Segment g = seg;
        g.timeNanos = t;
        g.frame = p.data();
        g.networkOffset = p.networkOffset();
        g.headerLength = p.tcpOffset() - p.networkOffset() + TcpHeader.dataOffset(p.data(), p.tcpOffset());
        g.connection = s.conn.index;
        g.subflow = s.index;
        g.toClient = s.connDir(d) == 1;
        g.flags = flags;
        g.seq = rel;
        g.ack = (flags & TcpHeader.ACK) != 0 && s.dir[d ^ 1].started ? s.dir[d ^ 1].rel(tcp.acknowledgmentNumber()) : -1;
        g.payloadLength = len;
        g.flight = out.acked ? Math.max(0, out.hiEnd - out.ackHigh) : -1;
        long rtt = s.roundTrip();
        g.roundTripNanos = rtt > 0 ? rtt : -1;
        g.cwndEstimate = out.windowStart >= 0 ? out.windowMax : Math.max(0, g.flight);
        g.backup = out.backup;
        g.tcp = tcp;
        observer.segment(g);
    }

    /** A new SYN on a 4-tuple whose connection is over: a new connection reusing the ports. */
    private static boolean reused(SubflowTrack s, int seq) {
        return s.dir[0].synSeen && s.dir[0].synSeq != seq && s.closed();
    }

    private static void timeSegment(SubflowTrack.Dir out, long end, long t) {
        if (out.segments == null) {
            out.segments = new TimedQueue();
        }
        if (end > out.segments.lastKey()) {
            out.segments.push(end, t);
        }
    }

    // ------------------------------------------------------------------------------ connections

    /** The subflow's connection, making an incomplete one (token unknown) if it has none. */
    private ConnectionTrack connectionOf(SubflowTrack s) {
        if (s.conn == null) {
            attach(s, newConnection(), false);
        }
        return s.conn;
    }

    private ConnectionTrack newConnection() {
        ConnectionTrack c = new ConnectionTrack(connections.size());
        c.analyzer = this;
        connections.add(c);
        return c;
    }

    private static void attach(SubflowTrack s, ConnectionTrack c, boolean flip) {
        s.conn = c;
        s.flip = flip;
        c.subflows.add(s);
    }

    private void mpCapable(long t, SubflowTrack s, int d, boolean syn, boolean ack, MptcpOption.MpCapable m) {
        if (s.role.equals(SubflowTrack.JOIN)) {
            return;
        }
        boolean fresh = s.conn == null;
        ConnectionTrack c = connectionOf(s);
        s.role = SubflowTrack.INITIAL;
        s.clientAddressId = 0;
        s.serverAddressId = 0;
        if (syn && !ack) {
            s.mpcSyn = true;
            if (fresh) {
                c.complete = true;
            }
        } else if (syn) {
            s.mpcSynAck = true;
        } else if (d == 0) {
            s.mpcAck = true;
        }
        // The SYN/ACK's version is the one agreed (RFC 8684 3.1: the server answers with the
        // version it will use); the SYN's stands until then.
        if (c.version < 0 || syn && ack) {
            c.version = m.version();
        }
        if ((m.flags() & MptcpOption.MpCapable.FLAG_A) != 0 && (syn || !c.checksum)) {
            c.checksum = true;
        }
        // Which key is whose: the option's sender key belongs to the packet's sender, its
        // receiver key (third ACK) to the other end. The initial subflow is never flipped.
        if (m.hasSenderKey()) {
            key(t, c, s, d, d, m.senderKey(), m.version());
        }
        if (m.hasReceiverKey()) {
            key(t, c, s, d, d ^ 1, m.receiverKey(), m.version());
        }
    }

    /** Records the key of end {@code owner} (0 client, 1 server) and registers its token. */
    private void key(long t, ConnectionTrack c, SubflowTrack s, int d, int owner, long key, int version) {
        boolean known = owner == 0 ? c.clientKeyKnown : c.serverKeyKnown;
        long had = owner == 0 ? c.clientKey : c.serverKey;
        if (known) {
            if (had != key) {
                event(c, t, "key mismatch", s, d, "MP_CAPABLE carries the " + (owner == 0 ? "client" : "server")
                        + "'s key as 0x" + Long.toHexString(key) + ", earlier 0x" + Long.toHexString(had)
                        + "; the first is kept");
            }
            return;
        }
        long token = ConnectionTrack.token(version, key);
        if (owner == 0) {
            c.clientKeyKnown = true;
            c.clientKey = key;
            c.clientToken = token;
        } else {
            c.serverKeyKnown = true;
            c.serverKey = key;
            c.serverToken = token;
        }
        c.data[owner].setIdsn(ConnectionTrack.idsn(version, key));
        ConnectionTrack other = byToken.putIfAbsent(token, c);
        if (other != null && other != c) {
            event(c, t, "token collision", s, d, "token " + hex(token) + " already names connection " + other.index
                    + "; joins naming it go there");
        }
    }

    private void otherOption(long t, SubflowTrack s, int d, boolean syn, boolean ack, MptcpOption m) {
        if (m instanceof MptcpOption.MpJoinSyn j) {
            if (!syn || ack) {
                return;
            }
            if (s.conn == null) {
                long token = j.receiverToken() & 0xffffffffL;
                ConnectionTrack c = byToken.get(token);
                boolean flip = false;
                if (c == null) {
                    // Nobody in the capture announced this token: the capture started after the
                    // MP_CAPABLE exchange (or the token is forged). A connection of its own.
                    c = newConnection();
                    c.serverToken = token;
                    byToken.put(token, c);
                } else {
                    // The token names the SYN's receiver: the connection's client when it is the
                    // client's token, so the connection's server opened this subflow.
                    flip = token == c.clientToken && token != c.serverToken;
                }
                attach(s, c, flip);
                s.role = SubflowTrack.JOIN;
                s.clientAddressId = j.addressId();
                s.dir[0].backup = j.backup();
                event(c, t, "MP_JOIN", s, d, "token " + hex(token) + ", address id " + j.addressId()
                        + (j.backup() ? ", backup" : ""));
            }
            return;
        }
        ConnectionTrack c = connectionOf(s);
        SubflowTrack.Dir out = s.dir[d];
        if (m instanceof MptcpOption.MpJoinSynAck j) {
            if (syn && ack && !s.joinSynAck) {
                s.joinSynAck = true;
                if (s.role.equals(SubflowTrack.UNKNOWN)) {
                    s.role = SubflowTrack.JOIN;
                }
                s.serverAddressId = j.addressId();
                out.backup = j.backup();
            }
        } else if (m instanceof MptcpOption.MpJoinAck) {
            if (s.role.equals(SubflowTrack.UNKNOWN)) {
                s.role = SubflowTrack.JOIN;
            }
        } else if (m instanceof MptcpOption.AddAddr a) {
            String port = a.hasPort() ? ", port " + a.port() : "";
            event(c, t, a.echo() ? "ADD_ADDR echo" : "ADD_ADDR", s, d, "address id " + a.addressId() + ", "
                    + a.address() + port);
        } else if (m instanceof MptcpOption.RemoveAddr r) {
            event(c, t, "REMOVE_ADDR", s, d, "address id" + (r.addressIds().size() == 1 ? " " : "s ")
                    + joinIds(r.addressIds()));
        } else if (m instanceof MptcpOption.MpPrio pr) {
            s.priorityChanges++;
            if (pr.addressId() < 0) {
                out.backup = pr.backup();
            } else if (pr.addressId() == (d == 0 ? s.clientAddressId : s.serverAddressId)) {
                // RFC 6824 3.3.8: v0's MP_PRIO may name an address id; it applies here if it is
                // the sender's on this subflow.
                out.backup = pr.backup();
            }
            event(c, t, "MP_PRIO", s, d, (pr.backup() ? "backup" : "not backup")
                    + (pr.addressId() >= 0 ? ", address id " + pr.addressId() : ""));
        } else if (m instanceof MptcpOption.MpFail f) {
            event(c, t, "MP_FAIL", s, d, "data sequence number " + Long.toUnsignedString(f.dataSequenceNumber()));
        } else if (m instanceof MptcpOption.MpFastclose fc) {
            event(c, t, "MP_FASTCLOSE", s, d, "key 0x" + Long.toHexString(fc.receiverKey()));
        } else if (m instanceof MptcpOption.MpTcpRst) {
            // Reported with the RST that carries it.
            return;
        }
    }

    /**
     * Fallback and refusals seen in the handshakes (RFC 8684 3.1, 3.2, 3.7): an MP_CAPABLE SYN
     * answered without MP_CAPABLE, a third ACK without it, a join answered without MP_JOIN.
     */
    private void handshakeChecks(long t, SubflowTrack s, int d, boolean syn, boolean ack, boolean anyMptcp) {
        if (s.handshakeChecked) {
            return;
        }
        ConnectionTrack c = s.conn;
        if (syn && ack && d == 1) {
            if (s.mpcSyn && !s.mpcSynAck) {
                s.handshakeChecked = true;
                fallback(c, t, s, d, "the SYN/ACK carried no MP_CAPABLE");
            } else if (s.role.equals(SubflowTrack.JOIN) && !s.joinSynAck && !anyMptcp) {
                s.handshakeChecked = true;
                event(c, t, "join refused", s, d, "the SYN/ACK carried no MP_JOIN");
            }
        } else if (!syn && ack && d == 0 && s.synAckAt >= 0) {
            s.handshakeChecked = true;
            if (s.mpcSynAck && !anyMptcp) {
                fallback(c, t, s, d, "the third ACK carried no MP_CAPABLE");
            }
        }
    }

    private void fallback(ConnectionTrack c, long t, SubflowTrack s, int d, String why) {
        if (c.fallback == null) {
            c.fallback = why;
        }
        event(c, t, "fallback", s, d, why);
    }

    // ------------------------------------------------------------------------------ data level

    private void dss(long t, SubflowTrack s, int d, MptcpOption.Dss dss, ConnectionTrack c) {
        int cd = s.connDir(d);
        ConnectionTrack.DataDir outData = c.data[cd];
        ConnectionTrack.DataDir inData = c.data[cd ^ 1];
        if (dss.hasDataAck()) {
            long a = inData.widen(dss.dataAck(), dss.dataAckIs64());
            long rel = inData.rel(a);
            seg.dataAck = rel;
            inData.dataAck(rel, t, c);
        }
        if (dss.hasMapping()) {
            long dsn = outData.widen(dss.dataSequenceNumber(), dss.dsnIs64());
            if (dss.dataLevelLength() == 0) {
                // The infinite mapping (RFC 8684 3.7): fallback to TCP from this DSN on.
                if (!c.infiniteMapping) {
                    c.infiniteMapping = true;
                    fallback(c, t, s, d, "infinite mapping from data sequence number " + Long.toUnsignedString(dsn));
                }
                return;
            }
            SubflowTrack.Dir out = s.dir[d];
            if (dss.dataFin()) {
                // DATA_FIN takes the last data sequence number of the mapping (RFC 8684 3.3.3).
                long finEnd = outData.rel(dsn) + dss.dataLevelLength();
                if (!outData.dataFin) {
                    outData.dataFin = true;
                    event(c, t, "DATA_FIN", s, d, "data sequence number " + Long.toUnsignedString(dsn
                            + dss.dataLevelLength() - 1));
                }
                outData.sent(finEnd, t, c);
            }
            if (dss.subflowSequenceNumber() != 0 && mapping(out, dsn, dss.subflowSequenceNumber(),
                    dss.dataLevelLength())) {
                outData.mappings++;
            }
        } else if (dss.dataFin()) {
            if (!outData.dataFin) {
                outData.dataFin = true;
                event(c, t, "DATA_FIN", s, d, "without a mapping");
            }
        }
    }

    /**
     * Makes a mapping the direction's current one; returns whether it is new (a mapping repeated
     * on each segment it covers, as Linux sends them, counts once).
     */
    private static boolean mapping(SubflowTrack.Dir out, long dsn, int ssn, int length) {
        if (out.maps == null) {
            out.maps = new MappingHistory();
        }
        if (out.maps.newestIs(dsn, ssn, length)) {
            return false;
        }
        out.maps.add(dsn, ssn, length);
        out.mappings++;
        return true;
    }

    /**
     * Maps this segment's payload through the direction's mappings to data sequence numbers;
     * the part above what the subflow had sent before (so not a subflow-level retransmission) is
     * new on this subflow, and if another segment mapped those numbers already it is a
     * reinjection.
     */
    private void mapPayload(long t, SubflowTrack s, int d, SubflowTrack.Dir out, int seq, int len, long rel,
                            long seenBefore, ConnectionTrack c) {
        ConnectionTrack.DataDir data = c.data[s.connDir(d)];
        if (out.maps == null) {
            data.unmappedBytes += len;
            return;
        }
        if (!out.isnKnown) {
            // The SYN is not in the capture: take the ISN the mapping implies, as if it began at
            // this segment (Linux sends one per segment).
            out.isnKnown = true;
            out.isn = seq - out.maps.newestSsn();
        }
        int ssn = seq - out.isn;
        int m = out.maps.find(ssn);
        if (m < 0) {
            data.unmappedBytes += len;
            return;
        }
        long off = (ssn - out.maps.ssn(m)) & 0xffffffffL;
        int n = (int) Math.min(len, out.maps.length(m) - off);
        if (n < len) {
            data.unmappedBytes += len - n;
        }
        // Only the bytes new on this subflow can be a reinjection; a retransmission's data
        // sequence numbers still count as mapped (its original may not be in the capture).
        long fresh = Math.max(0, seenBefore - rel);
        long mapStart = data.rel(out.maps.dsn(m) + off);
        if (fresh > 0) {
            data.mapped.add(mapStart, mapStart + Math.min(fresh, n));
        }
        if (fresh >= n) {
            return;
        }
        long start = mapStart + fresh;
        long end = start + (n - fresh);
        seg.dsn = start;
        seg.dataLength = (int) (end - start);
        if (data.firstDsn == Long.MIN_VALUE || start < data.firstDsn) {
            data.firstDsn = start;
        }
        long again = data.mapped.add(start, end);
        data.bytes += (end - start) - again;
        if (again > 0) {
            seg.reinjected = true;
            data.reinjections++;
            data.reinjectedBytes += again;
            out.reinjections++;
            out.reinjectedBytes += again;
            c.reinjections++;
        }
        data.sent(end, t, c);
    }

    // ------------------------------------------------------------------------------ events

    private void event(ConnectionTrack c, long t, String type, SubflowTrack s, int d, String detail) {
        if (c.events.size() < MAX_EVENTS) {
            MptcpEvent e = new MptcpEvent(t, type, s.index, s.endpoint(d), detail);
            c.events.add(e);
            if (observer != null) {
                observer.event(c.index, e, s.connDir(d) == 0);
            }
        } else {
            c.eventsNotKept++;
        }
    }

    static String hex(long token) {
        return String.format("%08x", token);
    }

    private static String joinIds(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(ids.get(i));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------ the end

    /** The analysis of what was fed; {@code reader} (may be null) adds the file's damage. */
    public Analysis finish(String source, CaptureReader reader) {
        List<ConnectionReport> conns = new ArrayList<>(connections.size());
        for (ConnectionTrack c : connections) {
            for (int dir = 0; dir < 2; dir++) {
                ConnectionTrack.DataDir dd = c.data[dir];
                if (dd.waitStart >= 0 && dd.acked && lastNanos > dd.waitStart) {
                    // Still waiting when the capture ends: an open stall, if the data ACK was ever seen.
                    dd.gap(lastNanos, true, c);
                }
            }
            List<SubflowReport> subs = new ArrayList<>(c.subflows.size());
            for (SubflowTrack s : c.subflows) {
                subs.add(report(s));
            }
            DataReport toServer = c.data[0].report(0, c);
            DataReport toClient = c.data[1].report(1, c);
            // In time order: a capture taken on several interfaces is not always (stable sort:
            // packets with the same time keep their capture order).
            List<MptcpEvent> events = new ArrayList<>(c.events);
            events.sort(java.util.Comparator.comparingLong(MptcpEvent::timeNanos));
            conns.add(new ConnectionReport(c.index, c.clientToken, c.serverToken, c.version, c.complete, c.fallback,
                    c.checksum, c.clientKeyKnown ? c.clientKey : null, c.serverKeyKnown ? c.serverKey : null, subs,
                    toServer, toClient, events, c.eventsNotKept));
        }
        int plain = 0;
        for (SubflowTrack s : subflows) {
            if (s.conn == null) {
                plain++;
            }
        }
        return new Analysis(source, packets, tcpPackets, otherPackets, malformed, packetErrors,
                reader == null ? List.of() : reader.errors(), reader == null ? 0 : reader.errorCount(),
                reader == null ? List.of() : reader.skips(), reader == null ? 0 : reader.bytesSkipped(),
                reader == null ? -1 : reader.stoppedAt(), firstNanos, lastNanos, subflows.size(), plain, conns);
    }

    private static SubflowReport report(SubflowTrack s) {
        long half0 = s.dir[0].halfRoundTrip();
        long half1 = s.dir[1].halfRoundTrip();
        long rtt = half0 < 0 && half1 < 0 ? -1 : Math.max(0, half0) + Math.max(0, half1);
        return new SubflowReport(s.index, s.role, s.flip, s.clientAddress, s.clientPort, s.serverAddress, s.serverPort,
                s.clientAddressId, s.serverAddressId, s.dir[0].backup, s.dir[1].backup, s.priorityChanges, s.synAt,
                s.synAckAt, s.ackAt, s.dir[0].report(), s.dir[1].report(), rtt);
    }
}

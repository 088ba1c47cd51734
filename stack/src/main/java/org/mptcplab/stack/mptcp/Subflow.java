package org.mptcplab.stack.mptcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mptcplab.stack.cc.CongestionControl;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.SeqNum;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * One subflow: a TCP connection (RFC 9293) carrying part of an MPTCP connection's data under
 * data-sequence mappings (RFC 8684 3.3). TCP here is complete enough to stand on its own: the
 * handshake with MSS, window scale, SACK-permitted and timestamps; sliding window with zero-window
 * probing; RTT estimation and RTO with backoff (RFC 6298); fast retransmit and recovery (NewReno,
 * RFC 6582) with SACK-based loss marking (RFC 6675, simplified); delayed ACK; FIN and RST in every
 * state with the RFC 5961 checks; TIME_WAIT; 32-bit sequence wrap.
 */
public final class Subflow implements CongestionControl.SubflowView, org.mptcplab.stack.sched.SubflowView {
    final MptcpConnection conn;
    final MptcpStack stack;
    /** The subflow's id within its connection (0 for the first). */
    final int id;
    final int iface;
    final IpAddress local;
    final IpAddress remote;
    final int localPort;
    final int remotePort;
    /** The MP_CAPABLE subflow (the connection's first). */
    final boolean initial;
    final boolean activeOpen;

    SubflowState state;
    String closeReason;

    // ---- send side
    int iss;
    int sndUna;
    int sndNxt;
    /** Peer's window in bytes (already scaled). */
    long sndWnd;
    int sndWl1;
    int sndWl2;
    int sndWscale;
    int rcvWscale;
    int mss;
    boolean timestamps;
    boolean sackOk;
    long tsRecent;
    final int tsOffset;
    final ArrayDeque<Unit> units = new ArrayDeque<>();
    /**
     * Data-level ranges {from, to} this subflow's TCP acknowledged that the data ACK had not yet
     * covered (merged, oldest first, pruned as the data ACK moves): reinjected if the subflow is
     * reset, since the peer may have dropped them with it (RFC 8684 3.3.6).
     */
    final ArrayDeque<long[]> tcpAckedRanges = new ArrayDeque<>();
    int lostCount;
    /** Sequence space of SACKed and of lost-marked units: pipe() without walking the queue. */
    long sackedBytes;
    long lostBytes;
    /** Reinjected units in {@link #units}: their DSNs are below those of the units around them. */
    int reinjectedUnits;
    boolean finQueued;
    boolean finSent;

    /** End of the highest data this subflow carried (not counting reinjections): where redundant copies resume. */
    long copyNxt;
    boolean copyNxtValid;
    /** When opportunistic retransmission last halved this subflow's window (at most once per RTT). */
    long penalisedAt = Long.MIN_VALUE;

    // ---- RTT and timers (RFC 6298)
    long srtt = -1;
    long rttvar;
    long rto;
    int backoff;
    /** When the last segment arrived on this subflow (Linux's rcv_tstamp): a stale check's evidence. */
    long lastReceivedAt;
    /**
     * The stale check (Linux's stale_count and stale_rcv_tstamp, net/mptcp/pm.c): timeouts in a
     * row since {@link #staleSince}, the arrival time they all saw; and whether the subflow is
     * stale (left by the scheduler until a segment arrives).
     */
    int staleCount;
    long staleSince;
    boolean stale;
    long rtoDeadline = Endpoint.NEVER;
    long delackDeadline = Endpoint.NEVER;
    long persistDeadline = Endpoint.NEVER;
    long timeWaitDeadline = Endpoint.NEVER;
    /** MP_JOIN initiator: retransmit the third ACK until the peer acknowledges it (RFC 8684 3.2). */
    long joinAckDeadline = Endpoint.NEVER;

    // ---- congestion control
    /** Replaced when the stack's algorithm is switched while the connection runs. */
    CongestionControl cc;
    int dupAcks;
    boolean inRecovery;
    int recoverySeq;

    // ---- receive side
    int irs;
    int rcvNxt;
    /** Out-of-order segments by sequence offset from rcvNxt's base (irs). */
    final TreeMap<Integer, Segment> outOfOrder = new TreeMap<>();
    int outOfOrderBytes;
    int unackedSegments;
    boolean ackNow;
    boolean finReceived;
    int lastAdvertisedWindow;

    // ---- receive-side mapping (RFC 8684 3.3.1)
    boolean mapValid;
    long mapDsn;
    /** Relative subflow sequence number of the mapping's first byte. */
    int mapSsn;
    int mapLen;
    int mapChecksum = -1;
    boolean mapDataFin;
    boolean mapInfinite;
    /** We sent MP_FAIL on this (only) subflow and drop its data until the infinite mapping. */
    boolean awaitInfiniteMapping;
    long mpFailSentAt;
    byte[] mapBuf;
    int mapFill;

    // ---- MPTCP per subflow
    int localAddressId;
    int remoteAddressId;
    /** We asked the peer not to send data here unless needed (MP_JOIN B flag / MP_PRIO). */
    boolean localBackup;
    /** The peer asked us to treat this subflow as backup. */
    boolean remoteBackup;
    /**
     * The scheduler's decisions about this subflow, per {@link org.mptcplab.stack.sched.SchedulingReason}
     * (by ordinal): chunks carried, or times data was held back rather than sent here. The
     * connection counts; a plain array, so counting allocates nothing.
     */
    final long[] scheduled = new long[org.mptcplab.stack.sched.SchedulingReason.COUNT];
    int localNonce;
    int remoteNonce;
    /** Join initiator: true once the responder acknowledged our third ACK (the 4th ACK). */
    boolean joinAcked;
    /** MP_PRIO to send on this subflow at the next chance. */
    boolean sendMpPrio;
    /** The data ACK this subflow last carried to the peer, and whether it ever did. */
    long lastDataAckSent;
    boolean dataAckSentOnce;
    /** MP_TCPRST reason to put on our RST, or -1. */
    int resetReason = -1;

    // ---- statistics
    long bytesSent;
    long bytesAcked;
    long bytesRetransmitted;
    long segmentsRetransmitted;
    long bytesReceived;
    long rtoCount;
    long fastRetransmits;
    final long createdAt;

    /** A received segment waiting for the hole before it to fill. */
    record Segment(int seq, byte[] data, DssView dss, MptcpOption.MpCapable mpc, boolean fin) {
    }

    Subflow(MptcpConnection conn, int id, int iface, IpAddress local, int localPort, IpAddress remote, int remotePort,
            boolean initial, boolean activeOpen, long now) {
        this.conn = conn;
        this.stack = conn.stack;
        this.id = id;
        this.iface = iface;
        this.local = local;
        this.localPort = localPort;
        this.remote = remote;
        this.remotePort = remotePort;
        this.initial = initial;
        this.activeOpen = activeOpen;
        this.createdAt = now;
        StackConfig cfg = stack.config();
        this.mss = cfg.mss() - (local.byteLength() == 16 ? 20 : 0);
        this.iss = stack.random().nextInt();
        this.sndUna = iss;
        this.sndNxt = iss;
        this.tsOffset = stack.random().nextInt();
        this.rto = cfg.initialRtoNanos();
        this.cc = stack.newCongestionControl(this);
        // Our window scale: enough to advertise the whole receive buffer (RFC 7323 2.3).
        int shift = 0;
        while (shift < 14 && (cfg.receiveBufferBytes() >> shift) > 65535) {
            shift++;
        }
        this.rcvWscale = shift;
    }

    // =====================================================================================
    // Observation

    public SubflowState state() {
        return state;
    }

    public int id() {
        return id;
    }

    @Override
    public long cwnd() {
        return cc.cwnd();
    }

    @Override
    public long srttNanos() {
        return srtt < 0 ? rto : srtt;
    }

    /**
     * Whether the window was what limited sending when the acknowledged data went out: only then
     * may it grow (RFC 7661 4.4; RFC 5681 4.1 warns of a window the sender never used). An
     * application-limited subflow (a live stream between chunks, or a subflow the scheduler left
     * idle) would otherwise raise cwnd without bound on ACKs that say nothing about the path, and
     * burst a whole stale window into it later. As Linux's tcp_is_cwnd_limited: in slow start,
     * limited while the flight was at least half the window; in congestion avoidance, while it
     * was within one segment of the window.
     */
    private boolean cwndLimited(long acked) {
        long flightBefore = bytesInFlight() + acked;
        long w = cc.cwnd();
        return w < cc.ssthresh() ? 2 * flightBefore >= w : flightBefore + mss >= w;
    }

    @Override
    public int mss() {
        return mss;
    }

    /** The subflow's congestion controller (its {@link CongestionControl#variables()} for observation). */
    @Override
    public CongestionControl congestionControl() {
        return cc;
    }

    @Override
    public int backoff() {
        return backoff;
    }

    @Override
    public long rttvarNanos() {
        return srtt < 0 ? 0 : rttvar;
    }

    @Override
    public boolean activeForCoupling() {
        return state == SubflowState.ESTABLISHED && !isBackupInUse();
    }

    @Override
    public boolean isBackupInUse() {
        return localBackup || remoteBackup;
    }

    /** Bytes sent and not yet cumulatively acknowledged, excluding SACKed and lost-marked ones (RFC 6675 pipe). */
    long pipe() {
        return bytesInFlight() - sackedBytes - lostBytes;
    }

    private void markLost(Unit u) {
        if (!u.lost) {
            u.lost = true;
            lostCount++;
            lostBytes += u.seqLength();
        }
    }

    private void unmarkLost(Unit u) {
        if (u.lost) {
            u.lost = false;
            lostCount--;
            lostBytes -= u.seqLength();
        }
    }

    private void markSacked(Unit u) {
        if (!u.sacked) {
            unmarkLost(u);
            u.sacked = true;
            sackedBytes += u.seqLength();
        }
    }

    private void unmarkSacked(Unit u) {
        if (u.sacked) {
            u.sacked = false;
            sackedBytes -= u.seqLength();
        }
    }

    @Override
    public long bytesInFlight() {
        return (sndNxt - sndUna) & 0xffffffffL;
    }

    int sackHoles() {
        int holes = 0;
        boolean seenSacked = false;
        Unit prev = null;
        for (Iterator<Unit> it = units.descendingIterator(); it.hasNext(); ) {
            Unit u = it.next();
            if (u.sacked) {
                seenSacked = true;
            } else if (seenSacked && (prev == null || prev.sacked)) {
                holes++;
            }
            prev = u;
        }
        return holes;
    }

    public SubflowSnapshot snapshot() {
        return new SubflowSnapshot(id, local.toString(), localPort, remote.toString(), remotePort, iface, state,
                localBackup || remoteBackup, localAddressId, remoteAddressId, cc.cwnd(), cc.ssthresh(), srtt, rttvar, rto,
                bytesInFlight(), bytesSent, bytesAcked, bytesRetransmitted, segmentsRetransmitted, bytesReceived,
                sackHoles(), rtoCount, fastRetransmits, closeReason, congestionText(), cc.name(),
                cc.coupled(), cc.increasePerRtt(), org.mptcplab.stack.sched.SchedulingCounts.copyOf(scheduled));
    }

    /**
     * The controller's name and its variables (CongestionControl#variable), three significant
     * digits; computed after its increase is brought up to date, so that a coupled alpha is
     * today's and not that of the subflow's last ACK in congestion avoidance.
     */
    private String congestionText() {
        cc.increasePerRtt();
        java.util.List<String> names = cc.variableNames();
        if (names.isEmpty()) {
            return cc.name();
        }
        StringBuilder sb = new StringBuilder(cc.name());
        for (int i = 0; i < names.size(); i++) {
            double x = cc.variable(i);
            sb.append(' ').append(names.get(i)).append('=');
            if (x == Math.rint(x) && Math.abs(x) < 1e15) {
                sb.append((long) x);
            } else {
                sb.append(new java.math.BigDecimal(x).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString());
            }
        }
        return sb.toString();
    }

    // =====================================================================================
    // Opening

    /** Active open: send the SYN. */
    void connect(long now) {
        state = SubflowState.SYN_SENT;
        sendSyn(now, false);
        sndNxt = iss + 1;
        armRto(now);
    }

    /** Passive open from a received SYN (the stack checked the listener and MPTCP options). */
    void acceptSyn(long now, TcpHeader h) {
        state = SubflowState.SYN_RECEIVED;
        irs = h.sequenceNumber();
        rcvNxt = irs + 1;
        readSynOptions(h);
        sendSyn(now, true);
        lastAckSent = rcvNxt;
        sndNxt = iss + 1;
        armRto(now);
    }

    private void readSynOptions(TcpHeader h) {
        int peerMss = 536; // RFC 9293 3.7.1 default
        boolean ws = false;
        boolean sack = false;
        boolean ts = false;
        StackConfig cfg = stack.config();
        for (TcpOption o : h.options()) {
            if (o instanceof TcpOption.Mss m) {
                peerMss = m.mss();
            } else if (o instanceof TcpOption.WindowScale w) {
                ws = true;
                sndWscale = Math.min(14, w.shift());
            } else if (o instanceof TcpOption.SackPermitted) {
                sack = true;
            } else if (o instanceof TcpOption.Timestamps t) {
                ts = true;
                tsRecent = t.tsVal();
            }
        }
        if (!ws) {
            sndWscale = 0;
            rcvWscale = 0;
        }
        sackOk = sack && cfg.sack();
        timestamps = ts && cfg.timestamps();
        mss = Math.max(64, Math.min(mss, peerMss));
        sndWnd = h.window(); // window in a SYN is never scaled (RFC 7323 2.2)
        sndWl1 = h.sequenceNumber();
        sndWl2 = h.acknowledgmentNumber();
    }

    private void sendSyn(long now, boolean synAck) {
        StackConfig cfg = stack.config();
        List<TcpOption> opts = new ArrayList<>(8);
        // The MSS option says what we can receive (RFC 9293 3.7.1): our own, not the negotiated one.
        opts.add(new TcpOption.Mss(stack.config().mss() - (local.byteLength() == 16 ? 20 : 0)));
        if (!synAck || sackOk) {
            if (cfg.sack()) {
                opts.add(new TcpOption.SackPermitted());
            }
        }
        if (!synAck && cfg.timestamps() || synAck && timestamps) {
            opts.add(new TcpOption.Timestamps(tsNow(now), synAck ? tsRecent : 0));
        }
        if (!synAck || rcvWscale > 0 || sndWscale > 0) {
            opts.add(new TcpOption.Nop());
            opts.add(new TcpOption.WindowScale(rcvWscale));
        }
        MptcpOption m = conn.synOption(this, synAck);
        if (m != null) {
            opts.add(m);
        }
        int flags = TcpHeader.SYN | (synAck ? TcpHeader.ACK : 0);
        // The window in a SYN is not scaled (RFC 7323 2.2).
        int window = (int) Math.min(65535, conn.receiveWindow());
        stack.emit(this, TcpHeader.of(localPort, remotePort, iss, synAck ? rcvNxt : 0, flags, window, opts), null, 0, 0, now);
    }

    long tsNow(long now) {
        // A millisecond clock, as Linux (RFC 7323 5.4 allows 1 ms to 1 s ticks).
        return ((now / 1_000_000L) + tsOffset) & 0xffffffffL;
    }

    // =====================================================================================
    // Receiving

    /** One segment for this subflow (checksum already verified, MPTCP options already parsed). */
    void onSegment(long now, Received h, byte[] pkt, int payOff, int payLen) {
        lastReceivedAt = now;
        staleCount = 0;
        if (stale) {
            conn.onSubflowRecovered(now, this);
        }
        switch (state) {
            case SYN_SENT -> onSegmentSynSent(now, h);
            case CLOSED -> { }
            default -> onSegmentSynchronized(now, h, pkt, payOff, payLen);
        }
    }

    private void onSegmentSynSent(long now, Received h) {
        boolean ack = h.has(TcpHeader.ACK);
        if (ack && h.acknowledgmentNumber() != iss + 1) {
            if (!h.has(TcpHeader.RST)) {
                stack.sendReset(iface, local, localPort, remote, remotePort, h.acknowledgmentNumber(), 0, false, -1, now);
            }
            return;
        }
        if (h.has(TcpHeader.RST)) {
            if (ack) {
                fail(now, "connection refused (RST in SYN_SENT)" + rstReasonText(h), false);
            }
            return;
        }
        if (!h.has(TcpHeader.SYN) || !ack) {
            return; // simultaneous open is not supported: the SYN is ignored
        }
        irs = h.sequenceNumber();
        rcvNxt = irs + 1;
        readSynOptions(h.header());
        sndUna = h.acknowledgmentNumber();
        sndWnd = h.window();
        clearRto();
        if (rtoCount == 0) {
            sampleRtt(now, createdAt); // not after a retransmitted SYN (Karn, RFC 6298 3)
        }
        state = SubflowState.ESTABLISHED;
        if (!conn.onSynAckReceived(now, this, h.header())) {
            return; // the connection refused it (bad HMAC, ...) and reset this subflow
        }
        sendAck(now); // the third ACK carries MP_CAPABLE keys or the MP_JOIN HMAC
        conn.onSubflowEstablished(now, this);
    }

    /** Segment acceptability (RFC 9293 3.10.7.4, the four cases of length and window). */
    private boolean inReceiveWindow(int seq, int len) {
        int wnd = conn.receiveWindow();
        if (wnd <= 0) {
            // A zero window takes only an empty segment at RCV.NXT (a probe's byte is refused).
            return len == 0 && seq == rcvNxt;
        }
        if (len == 0) {
            return SeqNum.beforeOrEqual(rcvNxt, seq) && SeqNum.before(seq, rcvNxt + wnd);
        }
        int end = seq + len - 1;
        return SeqNum.beforeOrEqual(rcvNxt, seq) && SeqNum.before(seq, rcvNxt + wnd)
                || SeqNum.beforeOrEqual(rcvNxt, end) && SeqNum.before(end, rcvNxt + wnd);
    }

    private void onSegmentSynchronized(long now, Received h, byte[] pkt, int payOff, int payLen) {
        int seq = h.sequenceNumber();
        int segLen = payLen + (h.has(TcpHeader.FIN) ? 1 : 0) + (h.has(TcpHeader.SYN) ? 1 : 0);
        if (state == SubflowState.TIME_WAIT) {
            if (h.has(TcpHeader.FIN)) {
                sendAck(now); // the peer lost our last ACK (RFC 9293 3.10.7.4)
                timeWaitDeadline = now + stack.config().timeWaitNanos();
            }
            return;
        }
        // RFC 9293 3.10.7.4 first check: sequence number acceptable?
        boolean acceptable = inReceiveWindow(seq, segLen);
        if (h.has(TcpHeader.RST)) {
            // RFC 5961 3.2: accept only an exact match; in window: challenge ACK; else drop.
            if (seq == rcvNxt) {
                MptcpOption.MpTcpRst r = (MptcpOption.MpTcpRst) h.mptcp(MptcpOption.MP_TCPRST);
                if (r != null) {
                    stack.observer().inc(Mib.MPRstRx);
                }
                if (h.mptcp(MptcpOption.MP_FASTCLOSE) instanceof MptcpOption.MpFastclose fc
                        && conn.onFastcloseRst(now, this, fc)) {
                    return; // RFC 8684 3.5 option R: a RST with MP_FASTCLOSE ends the connection
                }
                fail(now, "reset by peer" + rstReasonText(h), false);
            } else {
                stack.observer().inc(Mib.TcpRstChallenged);
                if (acceptable) {
                    sendAck(now);
                }
            }
            return;
        }
        if (h.has(TcpHeader.SYN)) {
            if (state == SubflowState.SYN_RECEIVED && seq == irs) {
                // Our SYN/ACK was lost: the peer retransmitted its SYN.
                sendSyn(now, true);
                return;
            }
            // RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK.
            stack.observer().inc(Mib.TcpSynChallenged);
            sendAck(now);
            return;
        }
        if (!acceptable) {
            if (segLen > 0 || !SeqNum.beforeOrEqual(rcvNxt, seq)) {
                ackNow = true; // duplicate or out-of-window data: tell the peer where we are
            }
            if (h.has(TcpHeader.ACK)) {
                // Still learn from the ACK field of an old segment (window probes, duplicates).
                processAck(now, h);
            }
            sendAckIfNeeded(now);
            return;
        }
        if (!h.has(TcpHeader.ACK)) {
            return;
        }
        if (state == SubflowState.SYN_RECEIVED) {
            int a = h.acknowledgmentNumber();
            if (!(SeqNum.after(a, sndUna) && SeqNum.beforeOrEqual(a, sndNxt))) {
                stack.sendReset(iface, local, localPort, remote, remotePort, a, 0, false, -1, now);
                return;
            }
            sndUna = a;
            clearRto();
            if (rtoCount == 0) {
                sampleRtt(now, createdAt); // not after a retransmitted SYN/ACK (Karn, RFC 6298 3)
            }
            sndWnd = (long) h.window() << sndWscale;
            sndWl1 = seq;
            sndWl2 = a;
            state = SubflowState.ESTABLISHED;
            if (!conn.onThirdAckReceived(now, this, h.header(), payLen > 0)) {
                return;
            }
            conn.onSubflowEstablished(now, this);
        } else if (!processAck(now, h)) {
            sendAckIfNeeded(now);
            return;
        }
        if (state == SubflowState.CLOSED) {
            return;
        }
        conn.onOptions(now, this, h, payLen);
        if (state == SubflowState.CLOSED) {
            return;
        }
        // Data.
        if (payLen > 0 || h.has(TcpHeader.FIN)) {
            if (state == SubflowState.ESTABLISHED || state == SubflowState.FIN_WAIT_1
                    || state == SubflowState.FIN_WAIT_2) {
                receiveData(now, h, pkt, payOff, payLen);
            } else if (payLen > 0) {
                ackNow = true;
            }
        }
        sendAckIfNeeded(now);
        conn.push(now);
    }

    private String rstReasonText(Received h) {
        MptcpOption o = h.mptcp(MptcpOption.MP_TCPRST);
        return o instanceof MptcpOption.MpTcpRst r ? " (MP_TCPRST: " + r.reasonName() + ")" : "";
    }

    // ---- ACK processing

    /** Returns false for an ACK of data never sent: the caller drops the segment. */
    private boolean processAck(long now, Received h) {
        int ack = h.acknowledgmentNumber();
        if (SeqNum.after(ack, sndNxt)) {
            // ACK of data never sent (RFC 9293 3.10.7.4, RFC 5961 5.2): answer with an ACK and
            // drop the segment, data included.
            ackNow = true;
            return false;
        }
        long window = (long) h.window() << sndWscale;
        int seq = h.sequenceNumber();
        // Window update rule (RFC 9293 3.10.7.4, SND.WL1/WL2).
        boolean windowUpdate = SeqNum.before(sndWl1, seq) || sndWl1 == seq && SeqNum.beforeOrEqual(sndWl2, ack);
        long oldWnd = sndWnd;
        if (windowUpdate) {
            sndWnd = window;
            sndWl1 = seq;
            sndWl2 = ack;
        }
        if (timestamps && h.simple) {
            // The same rule as below, for the one timestamps option a simple segment may carry.
            if (h.hasTimestamps && SeqNum.beforeOrEqual(seq, lastAckSent) && (int) (h.tsVal - tsRecent) >= 0) {
                tsRecent = h.tsVal;
            }
        } else if (timestamps) {
            for (TcpOption o : h.options()) {
                // RFC 7323 4.3: TS.Recent from the segment that the next ACK acknowledges first
                // (SEG.SEQ <= Last.ACK.sent), so the peer's RTT sample includes our delayed ACK.
                if (o instanceof TcpOption.Timestamps t && SeqNum.beforeOrEqual(seq, lastAckSent)
                        && (int) (t.tsVal() - tsRecent) >= 0) {
                    tsRecent = t.tsVal();
                }
            }
        }
        boolean sackNew = sackOk && applySack(h);
        if (sackNew && sackRttFrom != Long.MIN_VALUE && !SeqNum.after(h.acknowledgmentNumber(), sndUna)) {
            sampleRtt(now, sackRttFrom); // a SACK is as good as an ACK for timing (RFC 6675, Linux)
        }
        if (SeqNum.after(ack, sndUna)) {
            onNewAck(now, ack);
        } else if (ack == sndUna && !units.isEmpty() && window == oldWnd && (!sackOk || sackNew) && !carriesSignal(h)) {
            // A duplicate ACK (RFC 5681 2): outstanding data, same ACK, same window. With SACK, only
            // one that reports newly received data counts (RFC 6675 5): an ACK provoked by a
            // spurious retransmission says nothing about loss.
            dupAcks++;
            if (!inRecovery && (dupAcks == 3 || sackNew && sackedAboveFirstHole() >= 3L * mss && markSackLosses())) {
                enterRecovery(now);
            } else if (inRecovery) {
                // Each duplicate ACK shrinks the pipe (RFC 6675 5): newly lost units go out now.
                if (sackNew) {
                    markSackLosses();
                }
                retransmitLost(now);
            }
        }
        if (sndWnd > 0) {
            persistDeadline = Endpoint.NEVER;
        }
        // Finished closing states driven by the ACK of our FIN.
        if (finSent && ack == sndNxt) {
            switch (state) {
                case FIN_WAIT_1 -> state = SubflowState.FIN_WAIT_2;
                case CLOSING -> enterTimeWait(now);
                case LAST_ACK -> close(now, "closed", false);
                default -> { }
            }
        }
        if (!joinAcked && !initial && activeOpen && state.synchronizedState()) {
            // Any ACK from the responder acknowledges our third ACK (RFC 8684 3.2).
            joinAcked = true;
            joinAckDeadline = Endpoint.NEVER;
            conn.onJoinAcked(now, this);
        }
            return true;
    }

    /** An ACK sent to carry an address signal is not a duplicate ACK (it says nothing about loss). */
    private static boolean carriesSignal(Received h) {
        if (h.simple) {
            return false; // only a DSS, if any
        }
        for (TcpOption o : h.options()) {
            if (o instanceof MptcpOption.AddAddr || o instanceof MptcpOption.RemoveAddr || o instanceof MptcpOption.MpPrio) {
                return true;
            }
        }
        return false;
    }

    /** Send time of the newest never-retransmitted unit SACKed by the current ACK, for an RTT sample. */
    private long sackRttFrom;

    private boolean applySack(Received h) {
        boolean any = false;
        sackRttFrom = Long.MIN_VALUE;
        if (h.simple) {
            return false; // no SACK option
        }
        for (TcpOption o : h.options()) {
            if (o instanceof TcpOption.Sack s) {
                for (TcpOption.SackBlock b : s.blocks()) {
                    // Ignore blocks below the cumulative ACK or beyond what we sent (D-SACK, bogus).
                    if (!SeqNum.after(b.right(), sndUna) || SeqNum.after(b.right(), sndNxt)) {
                        continue;
                    }
                    for (Unit u : units) {
                        if (!u.sacked && SeqNum.beforeOrEqual(b.left(), u.seq) && SeqNum.beforeOrEqual(u.end(), b.right())) {
                            markSacked(u);
                            rackSentAt = Math.max(rackSentAt, u.sentAt);
                            if (u.transmissions == 1 && u.sentAt > sackRttFrom) {
                                sackRttFrom = u.sentAt;
                            }
                            any = true;
                        }
                    }
                }
            }
        }
        return any;
    }

    private long sackedAboveFirstHole() {
        long bytes = 0;
        boolean hole = false;
        for (Unit u : units) {
            if (!u.sacked) {
                hole = true;
            } else if (hole) {
                bytes += u.seqLength();
            }
        }
        return bytes;
    }

    /**
     * Loss marking in the spirit of RACK (RFC 8985): a unit is lost when a unit sent after it has
     * been delivered (SACKed or ACKed) and more than a reordering window has passed between their
     * transmissions. Unlike counting SACKed bytes above a hole (RFC 6675 IsLost), this also finds a
     * retransmission that was lost again, without waiting for the RTO.
     */
    private boolean markSackLosses() {
        if (rackSentAt == Long.MIN_VALUE) {
            return false;
        }
        long reoWnd = Math.max(1_000_000L, (srtt < 0 ? rto : srtt) / 4);
        boolean any = false;
        for (Unit u : units) {
            if (u.sentAt + reoWnd > rackSentAt) {
                continue; // sent too recently to judge (or a retransmission still in flight)
            }
            if (!u.sacked && !u.lost) {
                markLost(u);
                any = true;
            }
        }
        return any;
    }

    /** Newest transmission time among delivered units (RACK's xmit_ts). */
    long rackSentAt = Long.MIN_VALUE;

    static final boolean TRACE = Boolean.getBoolean("mptcplab.trace");

    void trace(long now, String what) {
        if (TRACE) {
            System.err.printf("TRACE %s %.6f sf%d %s una+%d nxt+%d units=%d lost=%d sacked=%d pipe=%d cwnd=%d ssth=%d rec=%b%n",
                    stack.name(), now / 1e9, id, what, rel(sndUna), rel(sndNxt), units.size(), lostCount, sackedBytes, pipe(),
                    cc.cwnd(), cc.ssthresh(), inRecovery);
        }
    }

    private void enterRecovery(long now) {
        trace(now, "enterRecovery");
        inRecovery = true;
        recoverySeq = sndNxt;
        fastRetransmits++;
        cc.onFastRetransmit(bytesInFlight());
        Unit first = units.peekFirst();
        if (first != null && !first.sacked) {
            markLost(first);
        }
        if (sackOk) {
            markSackLosses();
        }
        stack.observer().event(now, ProtocolEvent.Kind.FAST_RETRANSMIT, conn.localToken(), id,
                "fast retransmit at subflow seq " + rel(sndUna) + ", cwnd " + cc.cwnd());
        // The first lost unit goes out at once, whatever the pipe (RFC 6675 5, step 4.3; RFC 5681 3.2).
        if (first != null && first.lost) {
            unmarkLost(first);
            transmit(now, first);
        }
        retransmitLost(now);
    }

    private void onNewAck(long now, int ack) {
        long acked = (ack - sndUna) & 0xffffffffL;
        long newest = -1;
        boolean rttFromFresh = false;
        long freshSentAt = 0;
        long payloadAcked = 0;
        while (!units.isEmpty() && SeqNum.beforeOrEqual(units.peekFirst().end(), ack)) {
            Unit u = units.pollFirst();
            boolean wasSacked = u.sacked;
            unmarkLost(u);
            unmarkSacked(u);
            if (u.reinjected) {
                reinjectedUnits--;
            }
            payloadAcked += u.len;
            if (u.len > 0 && !u.fin && !conn.fallback) {
                noteTcpAcked(u.dsn, u.dsn + u.len);
            }
            rackSentAt = Math.max(rackSentAt, u.sentAt);
            // Karn (RFC 6298 3): never a retransmitted unit; nor one SACKed earlier, whose
            // cumulative ACK had to wait for a hole to fill (its sample came with the SACK).
            if (u.transmissions == 1 && !wasSacked) {
                // Karn's rule (RFC 6298 3): only segments sent once give RTT samples.
                rttFromFresh = true;
                freshSentAt = u.sentAt;
            }
            newest = u.sentAt;
            freeUnit(u);
        }
        Unit head = units.peekFirst();
        if (head != null && SeqNum.before(head.seq, ack)) {
            // A partial ACK inside a unit (the peer may ACK at any byte): shrink it.
            int cut = ack - head.seq;
            if (cut > 0 && cut <= head.len) {
                boolean wasLost = head.lost;
                boolean wasSacked = head.sacked;
                unmarkLost(head);
                unmarkSacked(head);
                if (!head.fin && !conn.fallback) {
                    noteTcpAcked(head.dsn, head.dsn + cut);
                }
                head.seq += cut;
                head.len -= cut;
                head.dsn += cut;
                if (head.data != null) {
                    System.arraycopy(head.data, cut, head.data, 0, head.len); // len is already the rest
                }
                payloadAcked += cut;
                if (wasLost) {
                    markLost(head);
                }
                if (wasSacked) {
                    markSacked(head);
                }
            }
        }
        sndUna = ack;
        bytesAcked += payloadAcked;
        dupAcks = 0;
        if (rttFromFresh) {
            sampleRtt(now, freshSentAt);
        }
        backoff = 0;
        if (inRecovery) {
            if (SeqNum.beforeOrEqual(recoverySeq, ack)) {
                trace(now, "exitRecovery");
                inRecovery = false;
                cc.onRecoveryExit();
            } else {
                if (sackOk) {
                    // With SACK the scoreboard says what is lost; the NewReno rule below would
                    // resend a hole whose retransmission is still in flight.
                    markSackLosses();
                } else {
                    // Partial ACK (RFC 6582 3.2): the next hole is lost too.
                    Unit u = units.peekFirst();
                    if (u != null && !u.sacked) {
                        markLost(u);
                    }
                }
            }
        } else if (cwndLimited(acked)) {
            cc.onAck(now, acked, srttNanos(), bytesInFlight());
        }
        if (units.isEmpty()) {
            clearRto();
        } else {
            armRto(now);
        }
        conn.onSubflowAcked(now, this);
        retransmitLost(now);
    }

    private void noteTcpAcked(long from, long to) {
        long dataUna = conn.dataUna;
        while (!tcpAckedRanges.isEmpty() && !SeqNum.before64(dataUna, tcpAckedRanges.peekFirst()[1])) {
            tcpAckedRanges.pollFirst();
        }
        if (!SeqNum.before64(dataUna, to)) {
            return; // the data level has it already
        }
        long[] last = tcpAckedRanges.peekLast();
        if (last != null && last[1] == from) {
            last[1] = to;
        } else {
            tcpAckedRanges.addLast(new long[] {from, to});
        }
    }

    private void sampleRtt(long now, long sentAt) {
        long r = Math.max(1, now - sentAt);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            long err = Math.abs(srtt - r);
            rttvar = rttvar - (rttvar >> 2) + (err >> 2);
            srtt = srtt - (srtt >> 3) + (r >> 3);
        }
        long granularity = 1_000_000L; // 1 ms clock granularity (RFC 6298 2.2)
        // RFC 6298 2.3 adds max(G, 4 * RTTVAR) to SRTT and 2.4 rounds the result up to a floor.
        // The floor (200 ms, not the RFC's 1 s, as Linux) is applied to the variance term instead,
        // as Linux does: when a drop-tail queue fills slowly the RTT creeps up, RTTVAR shrinks to
        // nearly nothing and an RTO floored as a whole ends up equal to the RTT through the full
        // queue, so a retransmission queued behind it times out spuriously (RFC 6298 5 warns of
        // such timeouts; each one resends a whole window and reinjects it at the data level).
        rto = srtt + Math.max(stack.config().minRtoNanos(), Math.max(granularity, 4 * rttvar));
        cc.onRttSample(now, r, sentAt);
        rto = Math.min(rto, 120_000_000_000L);
    }

    // ---- data

    private void receiveData(long now, Received h, byte[] pkt, int payOff, int payLen) {
        int seq = h.sequenceNumber();
        boolean fin = h.has(TcpHeader.FIN);
        DssView dss = null;
        MptcpOption.MpCapable mpc = null;
        if (h.simple) {
            dss = h.hasDss ? h.dss : null;
        } else {
            for (TcpOption o : h.options()) {
                if (o instanceof MptcpOption.Dss d && dss == null) {
                    dss = h.dss.set(d);
                } else if (o instanceof MptcpOption.MpCapable c && mpc == null) {
                    mpc = c;
                }
            }
        }
        if (seq == rcvNxt) {
            deliverInOrder(now, seq, pkt, payOff, payLen, dss, mpc, fin);
            // Pull in queued segments that are now in order.
            Map.Entry<Integer, Segment> e;
            while (state != SubflowState.CLOSED && (e = outOfOrder.firstEntry()) != null) {
                Segment s = e.getValue();
                if (SeqNum.after(s.seq(), rcvNxt)) {
                    break;
                }
                outOfOrder.pollFirstEntry();
                outOfOrderBytes -= s.data().length;
                int skip = rcvNxt - s.seq();
                if (skip < s.data().length || s.fin() && skip == s.data().length) {
                    deliverInOrder(now, s.seq(), s.data(), 0, s.data().length, s.dss(), s.mpc(), s.fin());
                }
                ackNow = true; // a hole was filled: ACK at once (RFC 5681 4.2)
            }
            if (payLen > 0) {
                unackedSegments++;
                if (unackedSegments >= 2 || fin) {
                    ackNow = true;
                } else if (delackDeadline == Endpoint.NEVER) {
                    delackDeadline = now + stack.config().delayedAckNanos();
                }
            }
        } else if (SeqNum.before(seq, rcvNxt)) {
            // Partly old: keep the new part.
            int skip = rcvNxt - seq;
            if (skip < payLen || fin && skip == payLen) {
                deliverInOrder(now, seq, pkt, payOff, payLen, dss, mpc, fin);
            }
            ackNow = true;
        } else {
            // Out of order: queue (bounded by the window) and ACK at once so the sender sees the hole.
            int key = seq - irs;
            if (!outOfOrder.containsKey(key) && outOfOrderBytes + payLen <= conn.receiveWindow()) {
                byte[] copy = new byte[payLen];
                System.arraycopy(pkt, payOff, copy, 0, payLen);
                // The holder is reused for the next segment: the queued one keeps its own copy.
                outOfOrder.put(key, new Segment(seq, copy, dss == null ? null : new DssView(dss), mpc, fin));
                outOfOrderBytes += payLen;
                lastOutOfOrderSeq = seq;
                stack.observer().inc(Mib.OFOQueue);
            }
            ackNow = true;
        }
    }

    /**
     * Data at or overlapping rcvNxt, in subflow order. {@code seq} is the segment's first byte;
     * bytes before rcvNxt are skipped.
     */
    private void deliverInOrder(long now, int seq, byte[] b, int off, int len, DssView dss,
                                MptcpOption.MpCapable mpc, boolean fin) {
        int skip = rcvNxt - seq;
        if (skip < 0) {
            return;
        }
        int n = len - Math.min(skip, len);
        if (n > 0) {
            int used = conn.onSubflowData(now, this, seq, b, off, len, dss, mpc);
            if (used < 0) {
                return; // the subflow was reset for a bad mapping
            }
            rcvNxt += used;
            bytesReceived += used;
            if (used < n) {
                ackNow = true; // the connection's buffer is full: the rest is not acknowledged
                return;
            }
        } else if (dss != null) {
            conn.onSubflowData(now, this, seq, b, off, 0, dss, mpc);
        }
        if (fin && rcvNxt == seq + len) {
            rcvNxt++;
            finReceived = true;
            ackNow = true;
            switch (state) {
                case ESTABLISHED -> state = SubflowState.CLOSE_WAIT;
                case FIN_WAIT_1 -> state = SubflowState.CLOSING;
                case FIN_WAIT_2 -> enterTimeWait(now);
                default -> { }
            }
            conn.onSubflowFin(now, this);
        }
    }

    int rel(int seq) {
        return seq - iss;
    }

    int relRcv(int seq) {
        return seq - irs;
    }

    // =====================================================================================
    // Sending

    /**
     * Payload bytes per segment: the MSS less the options every data segment carries, so that
     * header + options + payload stay within the MTU the MSS came from (RFC 9293 3.7.1: the MSS
     * does not count options). Timestamps take 12 bytes; a DSS with a 64-bit data ACK and a
     * 64-bit mapping 26, 28 with a checksum (RFC 8684 3.3).
     */
    @Override
    public int payloadLimit() {
        return payloadLimit(true);
    }

    /**
     * The same for a data segment whose DSS carries no data ACK (RFC 8684 3.3.2 makes it
     * optional): when the data ACK has not moved since this subflow last sent it (a one-way
     * transfer), repeating it on every segment only takes 8 bytes from the payload.
     */
    int payloadLimit(boolean withDataAck) {
        int opts = timestamps ? 12 : 0;
        if (!conn.isFallback() && stack.config().mptcp()) {
            opts += (conn.checksum ? 28 : 26) - (withDataAck ? 0 : 8);
        }
        // The option area is padded to a 4-byte boundary (the data offset counts 32-bit words).
        opts = (opts + 3) & ~3;
        return Math.max(64, mss - opts);
    }

    /** Window the peer allows beyond what is in flight on this subflow. */
    @Override
    public long sendWindowLeft() {
        return sndWnd - bytesInFlight();
    }

    /** Room under the congestion window for new data. */
    @Override
    public long cwndLeft() {
        return cc.cwnd() - pipe();
    }

    @Override
    public boolean canSendData() {
        return alive() && lostCount == 0;
    }

    @Override
    public boolean alive() {
        return (state == SubflowState.ESTABLISHED || state == SubflowState.CLOSE_WAIT) && !finQueued
                && (initial || !activeOpen || joinAcked) && resetReason < 0 && !stale;
    }

    /** Sends {@code len} bytes of connection data starting at {@code dsn} as a new unit. */
    void sendNew(long now, long dsn, int len, boolean reinjected, boolean mpCapableData) {
        sendNew(now, dsn, len, reinjected, mpCapableData, true);
    }

    void sendNew(long now, long dsn, int len, boolean reinjected, boolean mpCapableData, boolean withDataAck) {
        if (!reinjected && (!copyNxtValid || SeqNum.before64(copyNxt, dsn + len))) {
            copyNxt = dsn + len;
            copyNxtValid = true;
        }
        Unit u = newUnit();
        u.withDataAck = withDataAck;
        u.seq = sndNxt;
        u.len = len;
        u.dsn = dsn;
        u.reinjected = reinjected;
        u.mpCapableData = mpCapableData;
        if (!initial || reinjected) {
            conn.dataOffInitialPath = true;
        }
        units.addLast(u);
        if (reinjected) {
            reinjectedUnits++;
        }
        sndNxt += len;
        transmit(now, u);
        if (rtoDeadline == Endpoint.NEVER) {
            armRto(now);
        }
        stack.observer().mapping(now, conn.localToken(), id, dsn, rel(u.seq), len, reinjected);
    }

    /** Units the cumulative ACK released, for reuse (one per data segment otherwise). */
    private Unit freeUnits;

    private Unit newUnit() {
        Unit u = freeUnits;
        if (u == null) {
            return new Unit();
        }
        freeUnits = u.nextFree;
        u.nextFree = null;
        return u;
    }

    /** Keeps a unit that left the send queue (nothing else refers to one) for {@link #newUnit}. */
    private void freeUnit(Unit u) {
        if (u.data != null) {
            stack.giveUnitCopy(u.data);
        }
        u.clear();
        u.nextFree = freeUnits;
        freeUnits = u;
    }

    private void transmit(long now, Unit u) {
        u.sentAt = now;
        u.transmissions++;
        if (u.transmissions > 1) {
            bytesRetransmitted += u.len;
            segmentsRetransmitted++;
            stack.observer().inc(Mib.TcpRetransSegs);
        } else {
            bytesSent += u.len;
        }
        int flags = TcpHeader.ACK | (u.fin ? TcpHeader.FIN : 0) | (u.len > 0 ? TcpHeader.PSH : 0);
        OptionBuffer opts = stack.options();
        baseOptions(now, opts);
        conn.addDataOptions(this, u, opts);
        int window = advertisedWindow();
        stack.emit(this, localPort, remotePort, u.seq, rcvNxt, flags, window, opts, u.fin ? null : conn.sendBuffer(),
                u.data, u.dsn, u.len);
        ackSent();
    }

    /** Retransmits lost-marked units while the congestion window allows (RFC 6675 5 step 4). */
    void retransmitLost(long now) {
        if (lostCount == 0 || state == SubflowState.CLOSED) {
            return;
        }
        for (Unit u : units) {
            if (lostCount == 0) {
                break;
            }
            if (!u.lost) {
                continue;
            }
            if (pipe() + u.seqLength() > cc.cwnd() && pipe() > 0) {
                break;
            }
            unmarkLost(u);
            transmit(now, u);
            trace(now, "retransmit seq+" + rel(u.seq));
        }
    }

    /**
     * Penalisation (Raiciu et al., NSDI 2012, 4.2): this subflow holds the segment that blocks
     * the connection-level window, so its window is halved, at most once per its RTT. Done as
     * the congestion controller's multiplicative decrease (cwnd and ssthresh to half the window,
     * as on a fast retransmit), the one reduction every controller offers.
     */
    void penalise(long now, int resentOn) {
        if (penalisedAt != Long.MIN_VALUE && now - penalisedAt < srttNanos()) {
            return;
        }
        penalisedAt = now;
        long before = cc.cwnd();
        cc.onFastRetransmit(before);
        stack.observer().event(now, ProtocolEvent.Kind.SCHEDULER, conn.localToken(), id,
                "receive window blocked: head segment sent again on subflow " + resentOn + ", cwnd " + before + " -> "
                        + cc.cwnd() + " (penalised)");
    }

    /** Queues our FIN (the connection is done with this subflow). */
    void close(long now) {
        switch (state) {
            case SYN_SENT, SYN_RECEIVED -> close(now, "closed before established", true);
            case ESTABLISHED -> {
                state = SubflowState.FIN_WAIT_1;
                queueFin(now);
            }
            case CLOSE_WAIT -> {
                state = SubflowState.LAST_ACK;
                queueFin(now);
            }
            default -> { }
        }
    }

    private void queueFin(long now) {
        if (finQueued) {
            return;
        }
        finQueued = true;
        Unit u = newUnit();
        u.seq = sndNxt;
        u.fin = true;
        units.addLast(u);
        sndNxt += 1;
        finSent = true;
        transmit(now, u);
        armRto(now);
    }

    /** The options every segment after the handshake starts with: NOP, NOP, timestamps (RFC 7323 appendix A). */
    void baseOptions(long now, OptionBuffer opts) {
        if (timestamps) {
            opts.nop();
            opts.nop();
            opts.timestamps(tsNow(now), tsRecent);
        }
    }

    int advertisedWindow() {
        int w = (int) Math.min(65535L, (long) conn.receiveWindow() >> rcvWscale);
        lastAdvertisedWindow = w;
        return w;
    }

    /** A pure ACK now (with the connection's options: data ACK, signals). */
    void sendAck(long now) {
        if (state == SubflowState.CLOSED || state == SubflowState.SYN_SENT) {
            return;
        }
        OptionBuffer opts = stack.options();
        baseOptions(now, opts);
        conn.addAckOptions(now, this, opts, sackOk && !outOfOrder.isEmpty());
        addSackBlocks(opts);
        int window = advertisedWindow();
        stack.emit(this, localPort, remotePort, sndNxt, rcvNxt, TcpHeader.ACK, window, opts, null, null, 0, 0);
        ackSent();
    }

    /** Sequence number of the latest out-of-order segment, whose block goes first (RFC 2018 4). */
    int lastOutOfOrderSeq;

    private void addSackBlocks(OptionBuffer opts) {
        if (!sackOk || outOfOrder.isEmpty()) {
            return;
        }
        int used = opts.length();
        int room = (40 - used - 2) / 8;
        if (room <= 0) {
            return;
        }
        List<TcpOption.SackBlock> blocks = new ArrayList<>(4);
        int start = 0;
        int end = 0;
        boolean open = false;
        for (Segment s : outOfOrder.values()) {
            int sEnd = s.seq() + s.data().length;
            if (open && SeqNum.beforeOrEqual(s.seq(), end)) {
                if (SeqNum.after(sEnd, end)) {
                    end = sEnd;
                }
            } else {
                if (open) {
                    blocks.add(new TcpOption.SackBlock(start, end));
                }
                start = s.seq();
                end = sEnd;
                open = true;
            }
        }
        if (open) {
            blocks.add(new TcpOption.SackBlock(start, end));
        }
        // The block holding the most recent arrival first, then the lowest ones (RFC 2018 4).
        for (int i = 0; i < blocks.size(); i++) {
            TcpOption.SackBlock b = blocks.get(i);
            if (SeqNum.beforeOrEqual(b.left(), lastOutOfOrderSeq) && SeqNum.before(lastOutOfOrderSeq, b.right())) {
                blocks.remove(i);
                blocks.add(0, b);
                break;
            }
        }
        if (blocks.size() > room) {
            blocks = new ArrayList<>(blocks.subList(0, room));
        }
        int pad = (4 - ((used + 2 + 8 * blocks.size()) & 3)) & 3;
        for (int i = 0; i < Math.min(pad, 2); i++) {
            opts.nop();
        }
        opts.add(new TcpOption.Sack(blocks));
    }

    /** RCV.NXT as of the last segment we sent (Last.ACK.sent, RFC 7323 4.3). */
    int lastAckSent;

    private void ackSent() {
        lastAckSent = rcvNxt;
        unackedSegments = 0;
        // Address signals go on pure ACKs only, one per ACK: while some wait, the next segment
        // that arrives is answered at once with one (a sender of data seldom sends a pure ACK).
        ackNow = conn.addressSignalsWaiting();
        delackDeadline = Endpoint.NEVER;
    }

    void sendAckIfNeeded(long now) {
        if (ackNow) {
            sendAck(now);
        }
    }

    // =====================================================================================
    // Timers

    private void armRto(long now) {
        rtoDeadline = now + (rto << Math.min(backoff, 6));
    }

    private void clearRto() {
        rtoDeadline = Endpoint.NEVER;
    }

    long nextTimeout() {
        long t = rtoDeadline;
        t = Math.min(t, delackDeadline);
        t = Math.min(t, persistDeadline);
        t = Math.min(t, timeWaitDeadline);
        t = Math.min(t, joinAckDeadline);
        return t;
    }

    void handleTimeout(long now) {
        if (timeWaitDeadline <= now) {
            timeWaitDeadline = Endpoint.NEVER;
            close(now, "closed", false);
            return;
        }
        if (delackDeadline <= now) {
            delackDeadline = Endpoint.NEVER;
            sendAck(now);
        }
        if (joinAckDeadline <= now && !joinAcked) {
            sendAck(now); // third ACK again (RFC 8684 3.2)
            joinAckDeadline = now + rto;
        }
        if (persistDeadline <= now) {
            persistDeadline = Endpoint.NEVER;
            // Zero-window probe (RFC 9293 3.8.6.1): an old sequence number elicits an ACK with the window.
            OptionBuffer opts = stack.options();
            baseOptions(now, opts);
            conn.addAckOptions(now, this, opts, false);
            int window = advertisedWindow();
            stack.emit(this, localPort, remotePort, sndNxt - 1, rcvNxt, TcpHeader.ACK, window, opts, null, null, 0, 0);
            backoff = Math.min(backoff + 1, 6);
            persistDeadline = now + (rto << backoff);
        }
        if (rtoDeadline <= now) {
            onRto(now);
        }
    }

    private void onRto(long now) {
        rtoDeadline = Endpoint.NEVER;
        trace(now, "RTO");
        if (state == SubflowState.SYN_SENT || state == SubflowState.SYN_RECEIVED) {
            if (backoff >= 5) {
                fail(now, "handshake timed out", true);
                return;
            }
            backoff++;
            rtoCount++;
            sendSyn(now, state == SubflowState.SYN_RECEIVED);
            armRto(now);
            return;
        }
        if (units.isEmpty()) {
            return;
        }
        rtoCount++;
        if (backoff >= 10) {
            fail(now, "too many retransmission timeouts", true);
            return;
        }
        stack.observer().event(now, ProtocolEvent.Kind.RTO, conn.localToken(), id,
                "RTO " + (rto << Math.min(backoff, 6)) / 1_000_000 + " ms, backoff " + backoff + ", cwnd " + cc.cwnd());
        cc.onTimeout(bytesInFlight());
        backoff++;
        inRecovery = false;
        dupAcks = 0;
        // RFC 6675 5.1 / RFC 5681: everything outstanding is presumed lost; SACK info is cleared.
        // Everything not SACKed is presumed lost. SACK marks are kept (as Linux does unless the
        // receiver reneges): resending what the receiver holds would waste the recovery.
        for (Unit u : units) {
            if (!u.sacked) {
                markLost(u);
            }
        }
        Unit first = units.peekFirst();
        unmarkSacked(first);
        unmarkLost(first);
        transmit(now, first);
        armRto(now);
        conn.onSubflowTimeout(now, this);
    }

    void startPersistIfNeeded(long now) {
        if (persistDeadline == Endpoint.NEVER && units.isEmpty() && state.synchronizedState()) {
            persistDeadline = now + rto;
        }
    }

    private void enterTimeWait(long now) {
        state = SubflowState.TIME_WAIT;
        clearRto();
        timeWaitDeadline = now + stack.config().timeWaitNanos();
        conn.onSubflowClosing(now, this);
    }

    // =====================================================================================
    // Ending

    /** Aborts: sends RST (with MP_TCPRST when {@code reason} >= 0) and closes. */
    void reset(long now, String why, int reason) {
        if (state == SubflowState.CLOSED) {
            return;
        }
        if (state != SubflowState.SYN_SENT) {
            stack.sendReset(iface, local, localPort, remote, remotePort, sndNxt, rcvNxt, true,
                    conn.isFallback() ? -1 : reason, now);
        }
        fail(now, why, false);
    }

    /** Closes after an error (peer reset, timeouts...). */
    void fail(long now, String why, boolean sendRst) {
        if (state == SubflowState.CLOSED) {
            return;
        }
        if (sendRst && state.synchronizedState()) {
            stack.sendReset(iface, local, localPort, remote, remotePort, sndNxt, rcvNxt, true, -1, now);
        }
        close(now, why, true);
    }

    /** Final close: the subflow is gone from the stack's tables. */
    void close(long now, String why, boolean abnormal) {
        if (state == SubflowState.CLOSED) {
            return;
        }
        state = SubflowState.CLOSED;
        closeReason = why;
        rtoDeadline = delackDeadline = persistDeadline = timeWaitDeadline = joinAckDeadline = Endpoint.NEVER;
        stack.unregister(this);
        conn.onSubflowClosed(now, this, why, abnormal);
    }
}

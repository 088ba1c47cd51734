package org.mptcplab.stack.mptcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.sched.ConnectionView;
import org.mptcplab.stack.sched.Scheduler;
import org.mptcplab.stack.sched.SchedulingReason;
import org.mptcplab.stack.sched.SubflowView;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.pm.PmConnection;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.SeqNum;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * One MPTCP connection (RFC 8684): keys and tokens, the data-level send and receive buffers,
 * the subflows, the scheduler's choice, data ACKs, DATA_FIN, address signals, fallback.
 *
 * <p>Data-level sequence numbers are absolute 64-bit values; the first data byte of each direction
 * is IDSN + 1 (RFC 8684 3.1).
 */
public final class MptcpConnection implements ConnectionView, PmConnection {
    final MptcpStack stack;
    final boolean client;
    final long localKey;
    final int localToken;
    final long localIdsn;
    long remoteKey;
    int remoteToken;
    long remoteIdsn;
    boolean remoteKeyKnown;
    /** Whether either side asked for DSS checksums (RFC 8684 3.1: then both use them). */
    boolean checksum;
    /** Plain TCP on the first subflow for the rest of the connection (RFC 8684 3.7). */
    boolean fallback;
    String fallbackReason;
    /** The peer has sent us a DSS: the MP_CAPABLE handshake is surely complete (RFC 8684 3.1). */
    boolean peerDssSeen;
    boolean established;
    boolean closed;
    boolean peerForbidsInitialJoin;
    /**
     * Some data went on another subflow, or came back to the first one out of order
     * (reinjection): the first subflow's bytes are then no longer the stream in order, so a
     * fallback to plain TCP on it would corrupt the stream (RFC 8684 3.7 allows it only then).
     */
    boolean dataOffInitialPath;
    String resetReason;

    final List<Subflow> subflows = new ArrayList<>(4);
    /** Final state of every subflow that closed, in closing order (for the CLI and the UI's history). */
    final List<SubflowSnapshot> closedSubflows = new ArrayList<>();
    int nextSubflowId;
    Subflow initialSubflow;

    // ---- data level, send
    final SendBuffer sendBuffer;
    long sndNxt;
    /** Highest DSN + 1 ever sent (a data ACK beyond it is invalid). */
    long sndMax;
    long dataUna;
    long peerWindowEnd;
    final ArrayDeque<long[]> reinjectQueue = new ArrayDeque<>();
    long reinjectedBytes;
    /** This connection's copy of the stack's scheduler, and the stack's generation it was taken at. */
    private Scheduler scheduler;
    private int schedulerGeneration;
    /**
     * What the scheduler's decisions look like to a person, said in SCHEDULER events only when it
     * changes (see {@link #scheduled}, {@link #heldBack}): whether the last chunk went on a backup
     * subflow; a reinjection queued whose first chunk has not gone out yet, and where the last one
     * went and when that was said; when data was last held back for a faster subflow, and when
     * that was last said.
     */
    private boolean dataOnBackup;
    private boolean reinjectionUnsaid;
    private int reinjectionSaidOn = -1;
    private long reinjectionSaidAt;
    private long heldBackAt = Long.MIN_VALUE;
    private long heldBackSaidAt = Long.MIN_VALUE;
    /** A pause in holding back longer than this starts a new episode; one is said at most this often. */
    static final long HELD_BACK_EPISODE_GAP_NANOS = 1_000_000_000L;
    static final long SCHEDULER_SAY_EVERY_NANOS = 10_000_000_000L;
    /** The connection-level window stopped new data (an episode, counted once: {@link #windowBlockedCount}). */
    private boolean windowBlocked;
    private long windowBlockedCount;
    /** The data ACK whose segment last went again opportunistically (one retransmission per head). */
    private long opportunisticDsn;
    private boolean opportunisticDone;
    boolean appClosed;
    boolean dataFinSent;
    long dataFinDsn;
    boolean dataFinAcked;
    long dataFinDeadline = Endpoint.NEVER;
    int dataFinTries;
    /** Data-level retransmission timer (see {@link #onDataRto}); NEVER while nothing is outstanding. */
    long dataRtoDeadline = Endpoint.NEVER;
    int dataRtoBackoff;
    /** Fallback send mapping: dsn = base + (seq - seqBase). */
    long fallbackDsnBase;
    int fallbackSeqBase;

    // ---- data level, receive
    ReceiveBuffer receiveBuffer;
    /** DSN of the peer's DATA_FIN (valid when {@link #peerDataFinSeen}); DSNs use all 64 bits, so no sentinel. */
    long peerDataFinDsn;
    boolean peerDataFinSeen;
    boolean peerFinished;
    long fallbackRcvDsnBase;
    int fallbackRcvSeqBase;
    boolean fallbackRcvBaseSet;

    // ---- address signals (RFC 8684 3.4)
    /** Peer addresses we know, by the peer's address id: id 0 is the initial one. */
    final Map<Integer, IpAddress> remoteAddresses = new LinkedHashMap<>();
    final Map<Integer, Integer> remotePorts = new LinkedHashMap<>();
    /**
     * The port each of our addresses was announced with to this peer (-1: none), by address id:
     * the port its joins may come to (RFC 8684 3.4.1), as Linux's announce list.
     */
    final Map<Integer, Integer> announcedPorts = new LinkedHashMap<>();
    /**
     * The peer's announcements we echoed but do not use (the add_addr_accepted limit was reached),
     * by its address id: a retransmission of one is echoed again, without another event.
     */
    final Map<Integer, IpAddress> unusedPeerAddresses = new LinkedHashMap<>();
    /** Our announcements not yet echoed: address id -> transmissions so far. */
    final Map<Integer, Integer> pendingAnnounce = new LinkedHashMap<>();
    /** Announcements to put on the next ACK (first sending, or the retransmission timer fired). */
    final ArrayDeque<Integer> announceNow = new ArrayDeque<>();
    long announceDeadline = Endpoint.NEVER;
    /** Echoes to send for the peer's announcements. */
    final ArrayDeque<MptcpOption.AddAddr> pendingEcho = new ArrayDeque<>();
    final ArrayDeque<Integer> pendingRemove = new ArrayDeque<>();
    /** MP_FAIL to send (RFC 8684 3.7) for the mapping starting at {@link #mpFailDsn}. */
    boolean mpFailPending;
    long mpFailDsn;
    /** The subflow a fallback runs on (the first one, or the only one left at an MP_FAIL). */
    Subflow fallbackSubflow;
    boolean sendFastclose;
    long rejoinDeadline = Endpoint.NEVER;
    int rejoinBackoff;

    MptcpSocket socket;
    final long createdAt;

    /** In the stack's wake-up list (see MptcpStack.wake). */
    boolean wakeQueued;
    /** In the stack's list of connections to push after the current input (MptcpStack.pushLater). */
    boolean pushQueued;

    MptcpConnection(MptcpStack stack, boolean client, long localKey, long now) {
        this.stack = stack;
        this.client = client;
        this.localKey = localKey;
        this.localToken = MptcpCrypto.token(localKey);
        this.localIdsn = MptcpCrypto.idsn(localKey);
        this.sendBuffer = new SendBuffer(stack.config().sendBufferBytes(), localIdsn + 1);
        this.sndNxt = localIdsn + 1;
        this.sndMax = sndNxt;
        this.dataUna = sndNxt;
        this.peerWindowEnd = sndNxt + 65535;
        this.checksum = stack.config().checksum();
        this.createdAt = now;
        this.scheduler = stack.scheduler().copy();
        this.schedulerGeneration = stack.schedulerGeneration();
    }

    // ---- what the scheduler reads (sched.ConnectionView)

    @Override
    public List<? extends SubflowView> subflowViews() {
        return subflows;
    }

    @Override
    public long sendWindow() {
        return Math.max(0, peerWindowEnd - dataUna);
    }

    @Override
    public long unsentBytes() {
        return Math.max(0, sendBuffer.end() - sndNxt);
    }

    @Override
    public long windowBlockedCount() {
        return windowBlockedCount;
    }

    /** The time of the scheduler's current decision (set before each pick). */
    private long schedulingNow;

    @Override
    public long nowNanos() {
        return schedulingNow;
    }

    /** The scheduler this connection asks (its own copy; a change on the stack is taken here, reported once). */
    public Scheduler scheduler() {
        return scheduler;
    }

    private Scheduler currentScheduler(long now) {
        if (schedulerGeneration != stack.schedulerGeneration()) {
            String old = scheduler.name();
            scheduler = stack.scheduler().copy();
            schedulerGeneration = stack.schedulerGeneration();
            stack.observer().event(now, ProtocolEvent.Kind.SCHEDULER, localToken, -1,
                    "scheduler " + old + " -> " + scheduler.name());
        }
        return scheduler;
    }

    public int localToken() {
        return localToken;
    }

    public boolean isFallback() {
        return fallback;
    }

    SendBuffer sendBuffer() {
        return sendBuffer;
    }

    int receiveWindow() {
        return receiveBuffer != null ? receiveBuffer.window() : stack.config().receiveBufferBytes();
    }

    private boolean mptcpOn() {
        return stack.config().mptcp() && !fallback;
    }

    // =====================================================================================
    // Handshakes

    /**
     * The flags of every MP_CAPABLE we send (RFC 8684 3.1): H (HMAC-SHA256), A when checksums are
     * required, and C when no join may come to our first subflow's address and port. Linux sets C
     * on the SYN, the SYN/ACK and the third ACK alike when net.mptcp.allow_join_initial_addr_port
     * is 0; so do we.
     */
    private int mpCapableFlags() {
        return MptcpOption.MpCapable.FLAG_H | (checksum ? MptcpOption.MpCapable.FLAG_A : 0)
                | (stack.config().allowJoinInitialAddress() ? 0 : MptcpOption.MpCapable.FLAG_C);
    }

    /** The C flags of the handshake in words, for its event (empty when neither side set C). */
    private String cFlags() {
        boolean ours = !stack.config().allowJoinInitialAddress();
        return (ours ? ", C sent: no join to our first address and port" : "")
                + (peerForbidsInitialJoin ? ", C received: no join to the peer's first address and port" : "");
    }

    /** The MPTCP option of a SYN or SYN/ACK on {@code sf}. */
    MptcpOption synOption(Subflow sf, boolean synAck) {
        if (!stack.config().mptcp() || fallback) {
            return null;
        }
        int flags = mpCapableFlags();
        if (sf.initial) {
            if (synAck) {
                return MptcpOption.MpCapable.synAck(flags, localKey);
            }
            stack.observer().inc(Mib.MPCapableSYNTX);
            return MptcpOption.MpCapable.syn(flags);
        }
        if (synAck) {
            long hmac = MptcpCrypto.joinSynAckHmac(localKey, remoteKey, sf.localNonce, sf.remoteNonce);
            return new MptcpOption.MpJoinSynAck(sf.localBackup, sf.localAddressId, hmac, sf.localNonce);
        }
        stack.observer().inc(Mib.MPJoinSynTx);
        return new MptcpOption.MpJoinSyn(sf.localBackup, sf.localAddressId, remoteToken, sf.localNonce);
    }

    /** Client side: the SYN/ACK arrived on {@code sf}. Returns false when the subflow was reset. */
    boolean onSynAckReceived(long now, Subflow sf, TcpHeader h) {
        if (sf.initial) {
            MptcpOption o = h.mptcp(MptcpOption.MP_CAPABLE);
            if (!stack.config().mptcp() || !(o instanceof MptcpOption.MpCapable c) || !c.hasSenderKey()
                    || c.version() != 1 || (c.flags() & MptcpOption.MpCapable.FLAG_H) == 0
                    || (c.flags() & MptcpOption.MpCapable.FLAG_B) != 0) {
                if (stack.config().mptcp()) {
                    stack.observer().inc(Mib.MPCapableFallbackSYNACK);
                }
                startFallback(now, sf, "the SYN/ACK has no usable MP_CAPABLE");
            } else {
                stack.observer().inc(Mib.MPCapableSYNACKRX);
                setRemoteKey(c.senderKey());
                // C: the peer takes no joins to its initial address and port (RFC 8684 3.1).
                peerForbidsInitialJoin = (c.flags() & MptcpOption.MpCapable.FLAG_C) != 0;
                checksum |= c.checksumRequired();
                stack.observer().event(now, ProtocolEvent.Kind.MP_CAPABLE, localToken, sf.id,
                        "MP_CAPABLE established as client: local token " + hex(localToken) + ", remote token "
                                + hex(remoteToken) + (checksum ? ", DSS checksums" : "") + cFlags());
            }
            peerWindowEnd = dataUna + sf.sndWnd;
            established = true;
            stack.wake(this, MptcpSocket.WAKE_CONNECTED);
            return true;
        }
        // MP_JOIN SYN/ACK: check the responder's HMAC (RFC 8684 3.2).
        MptcpOption o = h.mptcp(MptcpOption.MP_JOIN);
        if (!(o instanceof MptcpOption.MpJoinSynAck j)) {
            sf.reset(now, "join: SYN/ACK without MP_JOIN", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return false;
        }
        stack.observer().inc(Mib.MPJoinSynAckRx);
        if (j.backup()) {
            stack.observer().inc(Mib.MPJoinSynAckBackupRx);
        }
        sf.remoteNonce = j.senderNonce();
        long expected = MptcpCrypto.joinSynAckHmac(remoteKey, localKey, sf.remoteNonce, sf.localNonce);
        if (expected != j.truncatedHmac()) {
            stack.observer().inc(Mib.MPJoinSynAckHMacFailure);
            sf.reset(now, "join: wrong HMAC in SYN/ACK", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return false;
        }
        sf.remoteAddressId = j.addressId();
        sf.remoteBackup = j.backup();
        sf.joinAckDeadline = now + sf.rto;
        if (sf.remotePort != initialSubflow.remotePort) {
            stack.observer().inc(Mib.MPJoinPortSynAckRx); // a join to a port the peer announced
        }
        return true;
    }

    /** Server side: the third ACK arrived on {@code sf}. Returns false when the subflow was reset. */
    boolean onThirdAckReceived(long now, Subflow sf, TcpHeader h, boolean hasData) {
        if (sf.initial) {
            if (!remoteKeyKnown && !fallback) {
                MptcpOption o = h.mptcp(MptcpOption.MP_CAPABLE);
                if (o instanceof MptcpOption.MpCapable c && c.hasReceiverKey()) {
                    if (c.receiverKey() != localKey) {
                        // The echoed key is not ours: not a handshake we can trust (RFC 8684 3.1).
                        sf.reset(now, "MP_CAPABLE third ACK echoes a wrong key", MptcpOption.MpTcpRst.MPTCP_ERROR);
                        return false;
                    }
                    stack.observer().inc(Mib.MPCapableACKRX);
                    setRemoteKey(c.senderKey());
                    // C in the client's MP_CAPABLE (RFC 8684 3.1), as Linux reads it here too.
                    peerForbidsInitialJoin |= (c.flags() & MptcpOption.MpCapable.FLAG_C) != 0;
                    checksum |= c.checksumRequired();
                    stack.observer().event(now, ProtocolEvent.Kind.MP_CAPABLE, localToken, sf.id,
                            "MP_CAPABLE established as server: local token " + hex(localToken) + ", remote token "
                                    + hex(remoteToken) + (checksum ? ", DSS checksums" : "") + cFlags());
                } else {
                    stack.observer().inc(Mib.MPCapableFallbackACK);
                    startFallback(now, sf, "the third ACK has no MP_CAPABLE");
                }
            }
            peerWindowEnd = dataUna + sf.sndWnd;
            established = true;
            stack.accepted(this);
            pathManagerOnEstablished(now);
            return true;
        }
        MptcpOption o = h.mptcp(MptcpOption.MP_JOIN);
        if (!(o instanceof MptcpOption.MpJoinAck j)) {
            sf.reset(now, "join: third ACK without MP_JOIN", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return false;
        }
        byte[] expected = MptcpCrypto.joinAckHmac(remoteKey, localKey, sf.remoteNonce, sf.localNonce);
        if (!java.util.Arrays.equals(expected, j.hmac())) {
            stack.observer().inc(Mib.MPJoinAckHMacFailure);
            sf.reset(now, "join: wrong HMAC in third ACK", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return false;
        }
        stack.observer().inc(Mib.MPJoinAckRx);
        sf.joinAcked = true;
        sf.ackNow = true; // the fourth ACK tells the initiator the subflow is usable
        return true;
    }

    void onSubflowEstablished(long now, Subflow sf) {
        if (sf.initial && !countedEstablished) {
            // Like the kernel's MPCurrEstab: connections (not subflows) in the established state.
            countedEstablished = true;
            stack.observer().inc(Mib.MPCurrEstab);
        }
        stack.observer().event(now, sf.initial ? ProtocolEvent.Kind.SUBFLOW_ESTABLISHED : ProtocolEvent.Kind.JOIN,
                localToken, sf.id, (sf.initial ? "subflow " : "join ") + sf.local + ":" + sf.localPort + " -> "
                        + sf.remote + ":" + sf.remotePort + (sf.isBackupInUse() ? " (backup)" : "")
                        + " address ids " + sf.localAddressId + "/" + sf.remoteAddressId);
        if (sf.initial && client) {
            pathManagerOnEstablished(now);
        }
        if (!sf.initial) {
            rejoinBackoff = 0;
        }
        if (dataFinSent && !dataFinAcked) {
            sf.sendAck(now); // the DATA_FIN goes on the new subflow too
        }
        push(now);
    }

    void onJoinAcked(long now, Subflow sf) {
        push(now);
    }

    private void setRemoteKey(long key) {
        remoteKey = key;
        remoteKeyKnown = true;
        remoteToken = MptcpCrypto.token(key);
        remoteIdsn = MptcpCrypto.idsn(key);
        receiveBuffer = new ReceiveBuffer(stack.config().receiveBufferBytes(), remoteIdsn + 1);
    }

    /** Plain TCP from here on, on {@code sf} (RFC 8684 3.7). */
    private void startFallback(long now, Subflow sf, String why) {
        if (fallback) {
            return;
        }
        fallback = true;
        fallbackReason = why;
        stack.observer().inc(Mib.MPFallbackTokenInit);
        if (receiveBuffer == null) {
            // No peer key: the data level simply numbers the TCP bytes from 1.
            remoteIdsn = 0;
            receiveBuffer = new ReceiveBuffer(stack.config().receiveBufferBytes(), 1);
        }
        // Map the subflow's bytes onto data sequence numbers from where each direction stands.
        fallbackDsnBase = sndNxt;
        fallbackSeqBase = sf.sndNxt == sf.iss ? sf.iss + 1 : sf.sndNxt;
        if (sf.state == SubflowState.SYN_SENT || sf.sndNxt == sf.iss + 1) {
            fallbackSeqBase = sf.iss + 1;
        }
        stack.observer().event(now, ProtocolEvent.Kind.FALLBACK, localToken, sf.id, "fallback to TCP: " + why);
    }

    // =====================================================================================
    // Options on received segments (after the TCP ACK was processed)

    /** Scratch for a DSS record met while walking a segment's option records. */
    private final DssView dssScratch = new DssView();

    void onOptions(long now, Subflow sf, Received h, int payLen) {
        if (!stack.config().mptcp()) {
            return;
        }
        boolean anyMptcp = false;
        if (h.simple) {
            // At most one MPTCP option, a DSS: what the loop below would do with it.
            if (h.hasDss) {
                anyMptcp = true;
                onDss(now, sf, h.dss, h.window(), payLen);
            }
        } else for (TcpOption o : h.options()) {
            if (!(o instanceof MptcpOption m)) {
                continue;
            }
            anyMptcp = true;
            if (m instanceof MptcpOption.Dss d) {
                onDss(now, sf, dssScratch.set(d), h.window(), payLen);
            } else if (m instanceof MptcpOption.AddAddr a) {
                onAddAddr(now, sf, a);
            } else if (m instanceof MptcpOption.RemoveAddr r) {
                onRemoveAddr(now, r);
            } else if (m instanceof MptcpOption.MpPrio p) {
                stack.observer().inc(Mib.MPPrioRx);
                sf.remoteBackup = p.backup();
                stack.observer().event(now, ProtocolEvent.Kind.MP_PRIO, localToken, sf.id,
                        "peer set subflow " + sf.id + (p.backup() ? " to backup" : " to regular") + " (after "
                                + sf.bytesSent + " bytes sent on it)");
            } else if (m instanceof MptcpOption.MpFail f) {
                stack.observer().inc(Mib.MPFailRx);
                stack.observer().event(now, ProtocolEvent.Kind.MP_FAIL, localToken, sf.id,
                        "peer reports a checksum failure at DSN " + Long.toUnsignedString(f.dataSequenceNumber()));
                onMpFail(now, sf, f.dataSequenceNumber());
            } else if (m instanceof MptcpOption.MpFastclose fc) {
                if (fc.receiverKey() != localKey) {
                    stack.observer().inc(Mib.MPFastcloseBadKey);
                    continue; // RFC 8684 3.5: the key must be ours
                }
                stack.observer().inc(Mib.MPFastcloseRx);
                stack.observer().event(now, ProtocolEvent.Kind.FASTCLOSE, localToken, sf.id, "MP_FASTCLOSE from peer");
                // Answer on every subflow with a RST (RFC 8684 3.5), then the connection is gone.
                abortAll(now, "fast close by peer (MP_FASTCLOSE)", true);
                return;
            }
        }
        // RFC 8684 3.7: the peer ACKs our data with no MPTCP option before anything was
        // data-ACKed: a middlebox strips options (or the peer fell back). Fall back too, if all our
        // data went on this subflow; otherwise no mapping can be trusted and the connection ends.
        if (!anyMptcp && !fallback && sf == initialSubflow && remoteKeyKnown && dataUna == localIdsn + 1
                && SeqNum.after(h.acknowledgmentNumber(), sf.iss + 1)) {
            if (dataOffInitialPath) {
                abortAll(now, "MPTCP options stripped from data after it went on several subflows (RFC 8684 3.7)", true);
                return;
            }
            for (Subflow s : new ArrayList<>(subflows)) {
                if (s != sf) {
                    s.reset(now, "fallback to TCP on the first subflow", MptcpOption.MpTcpRst.MIDDLEBOX_INTERFERENCE);
                }
            }
            startFallback(now, sf, "the peer acknowledges data without any MPTCP option");
        }
        if (fallback && sf == fallbackSubflow()) {
            onFallbackAck(now, sf);
        }
    }

    private void onDss(long now, Subflow sf, DssView d, int window, int payLen) {
        if (!peerDssSeen && client && (!pendingEcho.isEmpty() || !announceNow.isEmpty() || !pendingRemove.isEmpty())) {
            // Address signals wait while our ACKs repeat MP_CAPABLE (addAckOptions); that ends
            // here, so they go now rather than on some later pure ACK. (A server's ADD_ADDR that
            // took the whole option space, a port and timestamps beside it, comes without a DSS.)
            sf.ackNow = true;
        }
        peerDssSeen = true;
        if (d.hasDataAck() && !fallback) {
            onDataAck(now, sf, d, window);
        }
        if (d.hasMapping() && d.dataFin() && payLen == 0 && receiveBuffer != null && !fallback) {
            // A bare DATA_FIN rides on a pure ACK (RFC 8684 3.3.3): no data goes through the
            // subflow's receive path, so take it here.
            long dsn = d.dsnIs64() ? d.dataSequenceNumber()
                    : SeqNum.widen(receiveBuffer.next(), d.dataSequenceNumber());
            onPeerDataFin(now, dsn + d.dataLevelLength() - 1);
        }
    }

    private void onDataAck(long now, Subflow sf, DssView d, int window) {
        long ack = d.dataAckIs64() ? d.dataAck() : SeqNum.widen(dataUna, d.dataAck());
        if (SeqNum.before64(sndMax, ack)) {
            stack.observer().inc(Mib.DataAckInvalid); // ACK of data never sent (RFC 8684 3.3.2)
            return;
        }
        if (SeqNum.before64(ack, dataUna)) {
            return; // old
        }
        // The receive window is relative to the data ACK (RFC 8684 3.3.4).
        long end = ack + ((long) window << sf.sndWscale);
        if (SeqNum.before64(peerWindowEnd, end)) {
            peerWindowEnd = end;
        }
        if (ack != dataUna) {
            dataUna = ack;
            dataRtoBackoff = 0;
            dataRtoDeadline = SeqNum.before64(dataUna, sndNxt) ? now + dataRto() : Endpoint.NEVER;
            if (dataFinSent && !dataFinAcked && SeqNum.before64(dataFinDsn, ack)) {
                dataFinAcked = true;
                dataFinDeadline = Endpoint.NEVER;
                maybeFinish(now);
            }
            releaseSendBuffer();
            stack.wake(this, MptcpSocket.WAKE_WRITABLE);
        }
    }

    /**
     * MP_FAIL on the only subflow (RFC 8684 3.7): fall back to TCP from the failed DSN on. The
     * data from there is sent again as new subflow bytes, the first segment carrying the infinite
     * mapping that ties it to that DSN; with several subflows the peer resets the bad one instead.
     */
    private void onMpFail(long now, Subflow sf, long dsn) {
        // Only established subflows count: a join still in its handshake carries no data.
        int usable = 0;
        for (Subflow s : subflows) {
            if (s.state.synchronizedState() && (s.initial || !s.activeOpen || s.joinAcked)) {
                usable++;
            }
        }
        if (fallback || usable != 1 || SeqNum.before64(dsn, dataUna) || SeqNum.before64(sndNxt, dsn)) {
            return;
        }
        for (Subflow s : new ArrayList<>(subflows)) {
            if (s != sf) {
                s.reset(now, "fallback to TCP after MP_FAIL", MptcpOption.MpTcpRst.MIDDLEBOX_INTERFERENCE);
            }
        }
        fallback = true;
        fallbackReason = "DSS checksum failure reported by the peer (MP_FAIL)";
        fallbackSubflow = sf;
        sndNxt = dsn;
        reinjectQueue.clear();
        fallbackDsnBase = dsn;
        fallbackSeqBase = sf.sndNxt;
        infiniteMappingPending = true;
        stack.observer().event(now, ProtocolEvent.Kind.FALLBACK, localToken, sf.id,
                "fallback to TCP after MP_FAIL: data from DSN " + Long.toUnsignedString(dsn) + " sent again with the infinite mapping");
        push(now);
    }

    /** The infinite mapping goes on the first segment sent after an MP_FAIL fallback. */
    boolean infiniteMappingPending;

    Subflow fallbackSubflow() {
        return fallbackSubflow != null ? fallbackSubflow : initialSubflow;
    }

    private void onFallbackAck(long now, Subflow sf) {
        long acked = fallbackDsnBase + ((sf.sndUna - fallbackSeqBase) & 0xffffffffL);
        if (sf.finSent && sf.sndUna == sf.sndNxt) {
            acked--; // our FIN is not data
        }
        if (SeqNum.before64(dataUna, acked) && !SeqNum.before64(sndMax, acked)) {
            dataUna = acked;
            releaseSendBuffer();
            stack.wake(this, MptcpSocket.WAKE_WRITABLE);
        }
        peerWindowEnd = dataUna + sf.sndWnd;
    }

    /** Frees send-buffer bytes no subflow can still need (data-ACKed and TCP-ACKed everywhere). */
    void releaseSendBuffer() {
        // The buffer frees at the data ACK (RFC 8684 3.3.2), whatever the subflows' TCP ACKs say: a
        // subflow whose TCP ACK is late (a delayed ACK, or a path that died) must not hold up the
        // application. The few units below the data ACK that TCP may still retransmit keep a copy
        // of their bytes (Linux keeps its subflow skbs the same way).
        long upTo = dataUna;
        if (!SeqNum.before64(sendBuffer.start(), upTo)) {
            return;
        }
        for (Subflow s : subflows) {
            // Units are in DSN order on a subflow except reinjected ones, which carry older data:
            // only then is the whole queue walked.
            boolean scanAll = s.reinjectedUnits > 0;
            for (Unit u : s.units) {
                if (u.fin || u.data != null || u.len == 0) {
                    continue;
                }
                if (SeqNum.before64(u.dsn, upTo)) {
                    u.data = stack.takeUnitCopy(u.len);
                    sendBuffer.read(u.dsn, u.data, 0, u.len);
                } else if (!scanAll) {
                    break;
                }
            }
        }
        long before = sendBuffer.start();
        sendBuffer.release(upTo);
        if (sendBuffer.start() != before) {
            stack.wake(this, MptcpSocket.WAKE_WRITABLE); // room for the application again
        }
    }

    void onSubflowAcked(long now, Subflow sf) {
        if (fallback) {
            onFallbackAck(now, sf);
        }
        releaseSendBuffer();
    }

    // ---- addresses

    private void onAddAddr(long now, Subflow sf, MptcpOption.AddAddr a) {
        if (a.echo()) {
            stack.observer().inc(Mib.EchoAdd);
            if (pendingAnnounce.remove(a.addressId()) != null) {
                announceNow.remove(a.addressId());
                if (pendingAnnounce.isEmpty()) {
                    announceDeadline = Endpoint.NEVER;
                }
            }
            return;
        }
        if (!remoteKeyKnown) {
            return;
        }
        long expected = MptcpCrypto.addAddrHmac(remoteKey, localKey, a.addressId(), a.address().toBytes(), a.port());
        if (!a.hasHmac() || expected != a.hmac()) {
            stack.observer().inc(Mib.AddAddrDrop); // a bad HMAC is ignored silently (RFC 8684 3.4.1)
            return;
        }
        stack.observer().inc(Mib.AddAddr);
        if (a.hasPort()) {
            stack.observer().inc(Mib.PortAdd);
        }
        if (a.address().equals(remoteAddresses.get(a.addressId()))
                || a.address().equals(unusedPeerAddresses.get(a.addressId()))) {
            // A retransmission (our echo was lost): echo again, nothing new to join.
            pendingEcho.add(MptcpOption.AddAddr.echo(a.addressId(), a.address(), a.port()));
            sf.ackNow = true;
            return;
        }
        String where = a.address() + (a.hasPort() ? ":" + a.port() : "");
        stack.observer().event(now, ProtocolEvent.Kind.ADD_ADDR, localToken, sf.id,
                "peer announced address id " + a.addressId() + " " + where);
        // Echoed whether used or not: the echo only says it arrived (RFC 8684 3.4.1).
        pendingEcho.add(MptcpOption.AddAddr.echo(a.addressId(), a.address(), a.port()));
        sf.ackNow = true;
        int limit = stack.config().addAddrAcceptedLimit();
        if (a.addressId() != 0 && !remoteAddresses.containsKey(a.addressId()) && acceptedPeerAddresses() >= limit) {
            // Linux's add_addr_accepted limit: the announcement is echoed but not used. Linux
            // counts nothing then; AddAddrDrop (its counter of announcements it could not take)
            // counts it here, so that the limit shows in the counters.
            unusedPeerAddresses.put(a.addressId(), a.address());
            stack.observer().inc(Mib.AddAddrDrop);
            stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, sf.id, "add_addr_accepted limit "
                    + limit + " reached: address id " + a.addressId() + " " + where + " not used");
            return;
        }
        unusedPeerAddresses.remove(a.addressId());
        remoteAddresses.put(a.addressId(), a.address());
        remotePorts.put(a.addressId(), a.hasPort() ? a.port() : initialSubflow.remotePort);
        if (client && !fallback && !closed) {
            stack.pathManager().onPeerAddress(this, now, a.addressId());
        }
    }

    /** Whether echoes or announcements still wait for an ACK to ride on (one goes per ACK). */
    boolean addressSignalsWaiting() {
        return (!pendingEcho.isEmpty() || !announceNow.isEmpty()) && remoteKeyKnown && !fallback && !closed;
    }

    /** The port we announced our address {@code local} with to this peer, or -1 (not announced, or without a port). */
    int announcedPort(IpAddress local) {
        for (Map.Entry<Integer, Integer> e : announcedPorts.entrySet()) {
            if (local.equals(stack.addressById(e.getKey()))) {
                return e.getValue();
            }
        }
        return -1;
    }

    /** The peer's announced addresses we use (not its first subflow's): what add_addr_accepted limits. */
    private int acceptedPeerAddresses() {
        int n = 0;
        for (int id : remoteAddresses.keySet()) {
            if (id != 0) {
                n++;
            }
        }
        return n;
    }

    private void onRemoveAddr(long now, MptcpOption.RemoveAddr r) {
        for (int id : r.addressIds()) {
            stack.observer().inc(Mib.RmAddr);
            // Its place under the add_addr_accepted limit is free again, as Linux's accounting.
            remoteAddresses.remove(id);
            unusedPeerAddresses.remove(id);
            stack.observer().event(now, ProtocolEvent.Kind.REMOVE_ADDR, localToken, -1, "peer removed address id " + id);
            for (Subflow s : new ArrayList<>(subflows)) {
                if (s.remoteAddressId == id && s.state != SubflowState.CLOSED && !s.initial
                        || s.remoteAddressId == id && subflows.size() > 1) {
                    stack.observer().inc(Mib.RmSubflow);
                    s.close(now);
                    reinjectFrom(now, s, true); // the peer may flush what it had on that address
                }
            }
        }
    }

    // =====================================================================================
    // Receiving data (RFC 8684 3.3.1: mappings)

    /**
     * In-order subflow data. {@code seq} is the segment's first byte; bytes before the subflow's
     * rcvNxt are already delivered. Returns false when the subflow was reset.
     */
    int onSubflowData(long now, Subflow sf, int seq, byte[] b, int off, int len, DssView dss,
                          MptcpOption.MpCapable mpc) {
        int skip = sf.rcvNxt - seq;
        int n = len - skip;
        int relStart = sf.rcvNxt - sf.irs; // relative subflow sequence number of the first new byte
        if (receiveBuffer == null) {
            // Data before we know the peer's key (no MP_CAPABLE seen on it): plain TCP.
            startFallback(now, sf, "data before the MP_CAPABLE handshake completed");
        }
        if (fallback || sf.mapInfinite) {
            if (sf != fallbackSubflow() && !sf.mapInfinite) {
                sf.reset(now, "data on a second subflow after fallback", MptcpOption.MpTcpRst.MPTCP_ERROR);
                return -1;
            }
            if (!fallbackRcvBaseSet) {
                fallbackRcvBaseSet = true;
                fallbackRcvDsnBase = receiveBuffer.next();
                fallbackRcvSeqBase = relStart;
            }
            if (n > 0) {
                long dsn = fallbackRcvDsnBase + (relStart - fallbackRcvSeqBase);
                n = (int) Math.min(n, Math.max(0, receiveBuffer.limit() - dsn));
                deliver(now, dsn, b, off + skip, n);
            }
            return Math.max(n, 0);
        }
        // A new mapping on this segment?
        boolean haveMap = false;
        long mDsn = 0;
        int mSsn = 0;
        int mLen = 0;
        int mCsum = -1;
        boolean mFin = false;
        if (dss != null && dss.hasMapping()) {
            haveMap = true;
            mDsn = dss.dsnIs64() ? dss.dataSequenceNumber() : SeqNum.widen(receiveBuffer.next(), dss.dataSequenceNumber());
            mSsn = dss.subflowSequenceNumber();
            mLen = dss.dataLevelLength();
            mCsum = dss.checksum();
            mFin = dss.dataFin();
            if (dss.isInfiniteMapping() && subflows.size() > 1) {
                // Fallback needs a single subflow (RFC 8684 3.7); with several, as Linux does,
                // the mapping is invalid and only this subflow goes.
                stack.observer().inc(Mib.InfiniteMapRx);
                stack.observer().inc(Mib.DSSNotMatching);
                sf.reset(now, "infinite mapping while several subflows exist", MptcpOption.MpTcpRst.MPTCP_ERROR);
                return -1;
            }
            if (dss.isInfiniteMapping()) {
                stack.observer().inc(Mib.InfiniteMapRx);
                sf.mapInfinite = true;
                sf.awaitInfiniteMapping = false;
                mpFailPending = false;
                fallback = true;
                fallbackSubflow = sf;
                fallbackRcvBaseSet = true;
                fallbackRcvDsnBase = mDsn;
                fallbackRcvSeqBase = mSsn == 0 ? relStart : mSsn;
                stack.observer().event(now, ProtocolEvent.Kind.INFINITE_MAPPING, localToken, sf.id,
                        "peer sent the infinite mapping at DSN " + Long.toUnsignedString(mDsn));
                return onSubflowData(now, sf, seq, b, off, len, null, null);
            }
        } else if (mpc != null && mpc.hasDataLevelLength() && sf.initial) {
            // First data in the MP_CAPABLE form: DSN IDSN+1 at subflow sequence 1 (RFC 8684 3.1).
            haveMap = true;
            mDsn = remoteIdsn + 1;
            mSsn = 1;
            mLen = mpc.dataLevelLength();
            mCsum = mpc.checksum();
        }
        if (sf.awaitInfiniteMapping) {
            if (now - sf.mpFailSentAt > 30_000_000_000L) {
                // The peer never answered our MP_FAIL with the infinite mapping: give up clearly.
                abortAll(now, "the peer did not answer MP_FAIL with an infinite mapping (RFC 8684 3.7)", true);
                return -1;
            }
            return Math.max(n, 0); // after our MP_FAIL, nothing counts until the infinite mapping
        }
        if (haveMap && mFin && mSsn == 0 && n <= 0) {
            // A bare DATA_FIN (RFC 8684 3.3.3): data-level length 1, no payload.
            onPeerDataFin(now, mDsn + mLen - 1);
            return Math.max(n, 0);
        }
        if (n <= 0) {
            return Math.max(n, 0);
        }
        if (haveMap) {
            int dataLen = mLen - (mFin ? 1 : 0);
            if (checksum && mCsum < 0) {
                stack.observer().inc(Mib.DSSNoMatchTCP);
                sf.reset(now, "mapping without the negotiated DSS checksum", MptcpOption.MpTcpRst.MPTCP_ERROR);
                return -1;
            }
            boolean same = sf.mapValid && sf.mapDsn == mDsn && sf.mapSsn == mSsn && sf.mapLen == dataLen;
            if (sf.mapValid && !same && SeqNum.before(relStart, sf.mapSsn + sf.mapLen)
                    && SeqNum.beforeOrEqual(sf.mapSsn, relStart)) {
                // A different mapping for bytes the current one still covers (Linux: DSSNotMatching).
                stack.observer().inc(Mib.DSSNotMatching);
                sf.reset(now, "mapping does not match the previous one", MptcpOption.MpTcpRst.MPTCP_ERROR);
                return -1;
            }
            if (!same) {
                int segRel = seq - sf.irs;
                if (!(SeqNum.beforeOrEqual(mSsn, segRel) && SeqNum.before(segRel, mSsn + Math.max(dataLen, 1)))) {
                    // The mapping does not cover this segment's data (RFC 8684 3.3.1): reset the subflow.
                    stack.observer().inc(Mib.DSSNoMatchTCP);
                    sf.reset(now, "mapping (subflow seq " + Integer.toUnsignedString(mSsn) + ", length " + dataLen
                            + ") does not cover the segment at " + Integer.toUnsignedString(segRel),
                            MptcpOption.MpTcpRst.MPTCP_ERROR);
                    return -1;
                }
                sf.mapValid = true;
                sf.mapDsn = mDsn;
                sf.mapSsn = mSsn;
                sf.mapLen = dataLen;
                sf.mapChecksum = mCsum;
                sf.mapDataFin = mFin;
                sf.mapFill = 0;
                sf.mapBuf = checksum ? new byte[dataLen] : null;
            }
        }
        if (!sf.mapValid) {
            if (!peerDssSeen && sf.initial && subflows.size() <= 1) {
                // Options stripped from data before any DSS was seen: fall back (RFC 8684 3.7).
                startFallback(now, sf, "data arrived without a mapping before the first data ACK");
                stack.observer().inc(Mib.MPCapableFallbackACK);
                return onSubflowData(now, sf, seq, b, off, len, null, null);
            }
            stack.observer().inc(Mib.DSSNoMatchTCP);
            sf.reset(now, "data without a mapping", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return -1;
        }
        // Deliver the part of [relStart, relStart+n) that the mapping covers.
        int offsetInMap = relStart - sf.mapSsn;
        int covered = Math.min(n, sf.mapLen - offsetInMap);
        // Only what the connection-level buffer has room for is taken; TCP acknowledges just that
        // and the peer sends the rest again when the window opens (RFC 8684 3.3.4).
        int room = (int) Math.max(0, Math.min(Integer.MAX_VALUE, receiveBuffer.limit() - (sf.mapDsn + offsetInMap)));
        boolean windowCut = room < covered;
        if (offsetInMap >= 0 && covered > 0 && windowCut) {
            if (room == 0) {
                // Data wholly beyond the data-level window: dropped but acknowledged by TCP, as
                // Linux does (MPTcpExt NoDSSInWindow); a well-behaved sender never does this.
                stack.observer().inc(Mib.NoDSSInWindow);
                if (offsetInMap + n >= sf.mapLen) {
                    sf.mapValid = false;
                    sf.mapBuf = null;
                }
                return n;
            }
            covered = room;
        }
        if (offsetInMap < 0 || covered <= 0) {
            stack.observer().inc(Mib.DSSNoMatchTCP);
            sf.reset(now, "data beyond its mapping", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return -1;
        }
        if (checksum) {
            System.arraycopy(b, off + skip, sf.mapBuf, offsetInMap, covered);
            sf.mapFill = offsetInMap + covered;
            if (sf.mapFill == sf.mapLen) {
                int ck = Checksums.dss(sf.mapDsn, sf.mapSsn, sf.mapLen + (sf.mapDataFin ? 1 : 0), sf.mapChecksum,
                        sf.mapBuf, 0, sf.mapLen);
                if (ck != 0) {
                    return onChecksumFailure(now, sf) ? n : -1;
                }
                deliver(now, sf.mapDsn, sf.mapBuf, 0, sf.mapLen);
                finishMapping(now, sf);
            }
        } else {
            deliver(now, sf.mapDsn + offsetInMap, b, off + skip, covered);
            if (offsetInMap + covered == sf.mapLen) {
                finishMapping(now, sf);
            }
        }
        if (windowCut) {
            return covered;
        }
        if (covered < n) {
            // The rest of the segment belongs to the next mapping, which must be on it (it is not).
            stack.observer().inc(Mib.DSSNoMatchTCP);
            sf.reset(now, "segment runs past its mapping", MptcpOption.MpTcpRst.MPTCP_ERROR);
            return -1;
        }
        return Math.max(n, 0);
    }

    private void finishMapping(long now, Subflow sf) {
        sf.mapValid = false;
        sf.mapBuf = null;
        if (sf.mapDataFin) {
            onPeerDataFin(now, sf.mapDsn + sf.mapLen);
        }
    }

    /** DSS checksum failure (RFC 8684 3.7). */
    private boolean onChecksumFailure(long now, Subflow sf) {
        stack.observer().inc(Mib.DataCsumErr);
        stack.observer().inc(Mib.MPFailTx);
        stack.observer().event(now, ProtocolEvent.Kind.MP_FAIL, localToken, sf.id,
                "DSS checksum failure at DSN " + Long.toUnsignedString(sf.mapDsn) + ": MP_FAIL sent");
        mpFailPending = true;
        mpFailDsn = sf.mapDsn;
        sf.mapValid = false;
        sf.mapBuf = null;
        if (subflows.size() > 1) {
            // Several subflows: MP_FAIL, then reset the bad subflow; its data comes again elsewhere.
            stack.observer().inc(Mib.DSSCorruptionReset);
            sf.sendAck(now);
            mpFailPending = false;
            sf.reset(now, "DSS checksum failure", MptcpOption.MpTcpRst.MIDDLEBOX_INTERFERENCE);
            return false;
        }
        // The only subflow: MP_FAIL asks the sender to fall back with an infinite mapping that
        // starts at the failed mapping's DSN. Until it arrives, what comes on the subflow is
        // acknowledged by TCP but dropped here (RFC 8684 3.7).
        stack.observer().inc(Mib.DSSCorruptionFallback);
        sf.awaitInfiniteMapping = true;
        sf.mpFailSentAt = now;
        sf.ackNow = true;
        return true;
    }

    private void deliver(long now, long dsn, byte[] b, int off, int len) {
        long before = receiveBuffer.outOfOrderArrivals();
        long dupBefore = receiveBuffer.duplicateBytes();
        int n = receiveBuffer.receive(now, dsn, b, off, len);
        if (receiveBuffer.duplicateBytes() > dupBefore) {
            stack.observer().inc(Mib.DuplicateData);
        }
        if (n > 0) {
            checkPeerDataFin(now);
            stack.wake(this, MptcpSocket.WAKE_READABLE);
        } else if (receiveBuffer.outOfOrderArrivals() > before) {
            stack.observer().inc(Mib.OFOQueueTail);
        }
    }

    private void onPeerDataFin(long now, long finDsn) {
        if (!peerDataFinSeen) {
            peerDataFinSeen = true;
            peerDataFinDsn = finDsn;
            stack.observer().event(now, ProtocolEvent.Kind.DATA_FIN, localToken, -1,
                    "DATA_FIN from peer at DSN " + Long.toUnsignedString(finDsn));
        }
        checkPeerDataFin(now);
        for (Subflow s : subflows) {
            s.ackNow = true;
        }
    }

    private void checkPeerDataFin(long now) {
        if (peerDataFinSeen && !peerFinished && receiveBuffer.next() == peerDataFinDsn) {
            peerFinished = true; // the DATA_FIN takes a sequence number but no byte of the buffer
            leaveEstablished();
            stack.wake(this, MptcpSocket.WAKE_READABLE);
            maybeFinish(now);
        }
    }

    void onSubflowFin(long now, Subflow sf) {
        if (fallback && sf == fallbackSubflow()) {
            // Plain TCP: the FIN is the end of the peer's stream.
            peerFinished = true;
            leaveEstablished();
            stack.wake(this, MptcpSocket.WAKE_READABLE);
            maybeFinish(now);
            return;
        }
        if (!finishing()) {
            // The peer closes just this subflow (RFC 8684 3.3.3): close ours, move its data.
            sf.close(now);
            reinjectFrom(now, sf);
        }
    }

    private boolean finishing() {
        return peerFinished && (dataFinAcked || fallback);
    }

    // =====================================================================================
    // Sending data

    /** Options for a data segment (or our FIN) on {@code sf}. */
    void addDataOptions(Subflow sf, Unit u, OptionBuffer opts) {
        if (fallback && infiniteMappingPending && !u.fin && u.dsn == fallbackDsnBase && u.seq == fallbackSeqBase) {
            // The infinite mapping (RFC 8684 3.7): data-level length 0, checksum 0 when negotiated.
            stack.observer().inc(Mib.InfiniteMapTx);
            opts.dss(MptcpOption.Dss.FLAG_DATA_ACK | MptcpOption.Dss.FLAG_DATA_ACK_8
                    | MptcpOption.Dss.FLAG_MAPPING | MptcpOption.Dss.FLAG_DSN_8, dataAckValue(), u.dsn, sf.rel(u.seq), 0,
                    checksum ? 0 : -1);
            return;
        }
        if (!mptcpOn()) {
            return;
        }
        long dack = receiveBuffer != null ? dataAckValue() : 0;
        if (u.fin) {
            if (receiveBuffer != null && remoteKeyKnown) {
                opts.dss(DSS_ACK, dack, 0, 0, 0, -1); // MptcpOption.Dss.ack(dack)
            }
            return;
        }
        int ck = -1;
        int ssn = sf.rel(u.seq);
        if (checksum) {
            byte[] tmp = u.data != null ? u.data : new byte[u.len];
            if (u.data == null) {
                sendBuffer.read(u.dsn, tmp, 0, u.len);
            }
            ck = Checksums.dss(u.dsn, ssn, u.len, 0, tmp, 0, u.len);
        }
        if (u.mpCapableData && !peerDssSeen) {
            int flags = mpCapableFlags();
            opts.add(MptcpOption.MpCapable.ackWithData(flags, localKey, remoteKey, u.len, ck));
            return;
        }
        if (!u.withDataAck) {
            opts.dss(MptcpOption.Dss.FLAG_MAPPING | MptcpOption.Dss.FLAG_DSN_8, 0, u.dsn, ssn, u.len, ck);
            return;
        }
        sf.lastDataAckSent = dack;
        sf.dataAckSentOnce = true;
        opts.dss(DSS_ACK | DSS_MAP, dack, u.dsn, ssn, u.len, ck); // MptcpOption.Dss.mapping(dack, ..., false)
    }

    /** DSS flags of a 64-bit data ACK, and of a 64-bit-DSN mapping (RFC 8684 3.3). */
    private static final int DSS_ACK = MptcpOption.Dss.FLAG_DATA_ACK | MptcpOption.Dss.FLAG_DATA_ACK_8;
    private static final int DSS_MAP = MptcpOption.Dss.FLAG_MAPPING | MptcpOption.Dss.FLAG_DSN_8;
    private static final byte[] NO_BYTES = new byte[0];

    /** Options for a pure ACK on {@code sf}: the handshake's, the data ACK, pending signals. */
    void addAckOptions(long now, Subflow sf, OptionBuffer opts, boolean sackPending) {
        if (!mptcpOn() || !remoteKeyKnown) {
            return;
        }
        int used = opts.length();
        int flags = mpCapableFlags();
        // The main option: a record for the handshake's forms, else a DSS kept as its fields (one
        // goes on every ACK; it becomes a record only when signals compete with it for room).
        MptcpOption main = null;
        int dssFlags = 0;
        long dssAck = 0;
        long dssDsn = 0;
        int dssLen = 0;
        int dssCk = -1;
        if (dataFinSent && !dataFinAcked) {
            // Until it is acknowledged, the DATA_FIN rides on every ACK of every subflow: one of
            // the paths may be dead without its subflow knowing yet (Linux sends it on all of
            // them); it goes before the MP_CAPABLE echo too, or a connection that closes before
            // sending any data would never get it out.
            dssCk = checksum ? Checksums.dss(dataFinDsn, 0, 1, 0, NO_BYTES, 0, 0) : -1;
            dssFlags = DSS_ACK | DSS_MAP | MptcpOption.Dss.FLAG_DATA_FIN;
            dssAck = dataAckValue();
            dssDsn = dataFinDsn;
            dssLen = 1;
        } else if (sf.initial && client && !peerDssSeen) {
            // Until the peer's first DSS, our ACKs repeat the keys (RFC 8684 3.1).
            main = MptcpOption.MpCapable.ack(flags, localKey, remoteKey);
        } else if (!sf.initial && sf.activeOpen && !sf.joinAcked) {
            main = new MptcpOption.MpJoinAck(MptcpCrypto.joinAckHmac(localKey, remoteKey, sf.localNonce, sf.remoteNonce));
        } else if (sackPending) {
            // A 4-byte data ACK (RFC 8684 3.3.2) leaves room for two SACK blocks beside timestamps.
            dssFlags = MptcpOption.Dss.FLAG_DATA_ACK;
            dssAck = dataAckValue() & 0xffffffffL;
        } else {
            dssFlags = DSS_ACK;
            dssAck = dataAckValue();
        }
        if (main == null && (dssFlags & DSS_ACK) == DSS_ACK) {
            sf.lastDataAckSent = dssAck;
            sf.dataAckSentOnce = true;
        }
        // Address signals never ride with the handshake's MP_CAPABLE or MP_JOIN ACK: Linux does
        // not send them so and does not act on them there (an echo beside MP_CAPABLE was counted
        // but did not stop its ADD_ADDR timer, so it announced again). They wait for the next ACK.
        boolean handshakeAck = main instanceof MptcpOption.MpCapable || main instanceof MptcpOption.MpJoinAck;
        int room = 40 - used;
        boolean anySignal = mpFailPending || sendFastclose || !handshakeAck && (!pendingEcho.isEmpty()
                || !announceNow.isEmpty() || !pendingRemove.isEmpty() || sf.sendMpPrio);
        if (!anySignal) {
            // The usual ACK: the main option alone, if it fits.
            int mainLength = main != null ? main.length() : MptcpOption.Dss.lengthFor(dssFlags, dssCk >= 0);
            if (mainLength <= room) {
                if (main != null) {
                    opts.add(main);
                } else {
                    opts.dss(dssFlags, dssAck, dssDsn, 0, dssLen, dssCk);
                }
            }
            return;
        }
        if (main == null) {
            main = new MptcpOption.Dss(dssFlags, dssAck, dssDsn, 0, dssLen, dssCk);
        }
        List<MptcpOption> signals = new ArrayList<>(2);
        if (mpFailPending) {
            signals.add(new MptcpOption.MpFail(mpFailDsn));
        }
        if (sendFastclose) {
            signals.add(new MptcpOption.MpFastclose(remoteKey));
        }
        if (handshakeAck) {
            // see above: the address signals wait
        } else if (!pendingEcho.isEmpty()) {
            signals.add(pendingEcho.peekFirst());
        } else if (!announceNow.isEmpty()) {
            int id = announceNow.peekFirst();
            IpAddress a = stack.addressById(id);
            if (a != null) {
                // The HMAC covers the port, or two zero bytes without one (RFC 8684 3.4.1).
                int port = announcedPorts.getOrDefault(id, -1);
                signals.add(MptcpOption.AddAddr.announce(id, a, port,
                        MptcpCrypto.addAddrHmac(localKey, remoteKey, id, a.toBytes(), port)));
            }
        }
        if (!pendingRemove.isEmpty() && !handshakeAck) {
            signals.add(new MptcpOption.RemoveAddr(List.copyOf(pendingRemove)));
        }
        if (sf.sendMpPrio && !handshakeAck) {
            signals.add(MptcpOption.MpPrio.of(sf.localBackup));
        }
        // An ADD_ADDR with a port ends 2 bytes off a 32-bit boundary: last, only the end-of-options
        // padding follows it. (Linux adds two NOPs after it instead; with the two before the
        // timestamps, tshark warns of "4 NOP in a row".) Alignment is a convenience, not a rule.
        for (int i = 0; i < signals.size() - 1; i++) {
            if (signals.get(i) instanceof MptcpOption.AddAddr a && a.hasPort()) {
                signals.add(signals.remove(i));
                break;
            }
        }
        List<MptcpOption> chosen = new ArrayList<>(3);
        int need = main.length();
        for (MptcpOption s : signals) {
            need += s.length();
        }
        if (need <= room) {
            chosen.add(main);
            chosen.addAll(signals);
        } else {
            // Signals first; the data ACK goes again on the next segment (Linux does the same).
            int left = room;
            for (MptcpOption s : signals) {
                if (s.length() <= left) {
                    chosen.add(s);
                    left -= s.length();
                } else if (s instanceof MptcpOption.AddAddr && s.length() <= left + 2 && opts.dropLeadingNops()) {
                    // An IPv6 ADD_ADDR with a port and its HMAC takes 30 bytes: beside the
                    // timestamps' 10 that is all 40 of the option space, without the two NOPs
                    // that align the timestamps (RFC 7323 Appendix A).
                    left += 2;
                    chosen.add(s);
                    left -= s.length();
                }
            }
            if (main.length() <= left) {
                chosen.add(0, main);
            }
        }
        for (MptcpOption o : chosen) {
            opts.add(o);
            if (o instanceof MptcpOption.AddAddr a) {
                if (a.echo()) {
                    pendingEcho.pollFirst();
                    stack.observer().inc(Mib.EchoAddTx);
                } else {
                    stack.observer().inc(Mib.AddAddrTx);
                    announceNow.pollFirst();
                    pendingAnnounce.merge(a.addressId(), 1, Integer::sum);
                    if (announceDeadline == Endpoint.NEVER) {
                        announceDeadline = now + 2 * Math.max(sf.rto, 200_000_000L);
                    }
                }
            } else if (o instanceof MptcpOption.RemoveAddr r) {
                stack.observer().add(Mib.RmAddrTx, r.addressIds().size());
                pendingRemove.clear();
            } else if (o instanceof MptcpOption.MpPrio) {
                stack.observer().inc(Mib.MPPrioTx);
                sf.sendMpPrio = false;
            } else if (o instanceof MptcpOption.MpFastclose) {
                stack.observer().inc(Mib.MPFastcloseTx);
            }
        }
    }

    private Subflow dataFinSubflow() {
        for (Subflow s : subflows) {
            if (s.state.synchronizedState() && s.state != SubflowState.TIME_WAIT) {
                return s;
            }
        }
        return null;
    }

    /** The data ACK we send: everything in order, plus the peer's DATA_FIN once reached (RFC 8684 3.3.3). */
    long dataAckValue() {
        return receiveBuffer.next() + (peerFinished && !fallback ? 1 : 0);
    }

    /** Application data waiting or a window to honour: send what the scheduler allows. */
    void push(long now) {
        if (closed || !established) {
            return;
        }
        if (fallback) {
            pushFallback(now);
            return;
        }
        if (!remoteKeyKnown) {
            return;
        }
        Scheduler sched = currentScheduler(now);
        boolean redundant = sched.redundant();
        if (redundant) {
            copyToOtherSubflows(now, null); // subflows whose window opened catch up first
        }
        int guard = 0;
        while (guard++ < 100_000) {
            long dsn;
            int len;
            boolean reinj = false;
            while (!reinjectQueue.isEmpty() && !SeqNum.before64(dataUna, reinjectQueue.peekFirst()[1])) {
                reinjectQueue.pollFirst();
            }
            if (!reinjectQueue.isEmpty()) {
                long[] r = reinjectQueue.peekFirst();
                dsn = SeqNum.before64(r[0], dataUna) ? dataUna : r[0];
                len = (int) Math.min(r[1] - dsn, Integer.MAX_VALUE);
                reinj = true;
            } else {
                long limit = Math.min(sendBuffer.end(), peerWindowEnd);
                if (!SeqNum.before64(sndNxt, limit)) {
                    if (SeqNum.before64(sndNxt, sendBuffer.end()) && SeqNum.before64(dataUna, sndNxt)) {
                        onWindowBlocked(now, sched);
                    }
                    break;
                }
                dsn = sndNxt;
                len = (int) Math.min(limit - sndNxt, Integer.MAX_VALUE);
                boolean windowLimited = SeqNum.before64(limit, sendBuffer.end());
                boolean bufferFull = sendBuffer.free() < 1420 && !appClosed;
                if (len < 1420 && (windowLimited || bufferFull) && SeqNum.before64(dataUna, sndNxt)) {
                    // Sender-side silly window avoidance (RFC 9293 3.8.6.2.1): with data in flight, a
                    // short segment waits while the peer's window edge (scaled, so coarse) or our
                    // full buffer is what cuts it; the next ACK lets a full segment go. Interactive
                    // traffic, neither window- nor buffer-limited, is not delayed.
                    if (windowLimited) {
                        onWindowBlocked(now, sched);
                    }
                    break;
                }
            }
            schedulingNow = now;
            Subflow sf = (Subflow) sched.pick(this, Math.min(len, 1460));
            if (sf == null) {
                if (sched.reason().heldBack()) {
                    heldBack(now, sched);
                }
                break;
            }
            boolean mpcData = sf.initial && client && !peerDssSeen && sf.rel(sf.sndNxt) == 1;
            boolean withAck = mpcData || !sf.dataAckSentOnce || sf.lastDataAckSent != dataAckValue();
            int n = (int) Math.min(len, Math.min(sf.payloadLimit(withAck),
                    Math.max(1, Math.min(sf.cwndLeft(), sf.sendWindowLeft()))));
            if (n <= 0) {
                break;
            }
            sf.sendNew(now, dsn, n, reinj, mpcData, withAck);
            scheduled(now, sf, reinj ? SchedulingReason.REINJECTION : sched.reason(), sched);
            if (reinj) {
                long[] r = reinjectQueue.peekFirst();
                r[0] = dsn + n;
                if (!SeqNum.before64(r[0], r[1])) {
                    reinjectQueue.pollFirst();
                }
                reinjectedBytes += n;
                stack.observer().inc(Mib.MPTCPRetrans);
            } else {
                sndNxt += n;
                windowBlocked = false;
                if (SeqNum.before64(sndMax, sndNxt)) {
                    sndMax = sndNxt;
                }
                if (dataRtoDeadline == Endpoint.NEVER) {
                    dataRtoDeadline = now + dataRto();
                }
                if (redundant) {
                    copyToOtherSubflows(now, sf);
                }
            }
        }
        maybeSendDataFin(now);
        if (SeqNum.before64(sndNxt, sendBuffer.end()) && !SeqNum.before64(sndNxt, peerWindowEnd)) {
            // Data waits on a closed window: keep probing until it opens (RFC 9293 3.8.6.1).
            boolean inFlight = false;
            for (Subflow s : subflows) {
                inFlight |= !s.units.isEmpty();
            }
            if (!inFlight && !subflows.isEmpty()) {
                schedulingNow = now;
                Subflow s = (Subflow) sched.pick(this, 1);
                (s != null ? s : subflows.get(0)).startPersistIfNeeded(now);
            }
        }
    }

    /**
     * Counts a chunk the scheduler put on {@code sf} for {@code reason}, and says in a SCHEDULER
     * event when the picture changes in a way a person cares about: data moves onto a backup
     * subflow because no regular one is usable (RFC 8684 3.3.8) or back to the regular ones, and
     * where a reinjection goes (once per subflow it goes to, again after a quiet while). Nothing
     * is allocated unless something is said.
     */
    private void scheduled(long now, Subflow sf, SchedulingReason reason, Scheduler sched) {
        sf.scheduled[reason.ordinal()]++;
        boolean backup = sf.isBackupInUse();
        if (backup != dataOnBackup) {
            dataOnBackup = backup;
            stack.observer().event(now, ProtocolEvent.Kind.SCHEDULER, localToken, sf.id, backup
                    ? "backup subflow " + sf.id + " now carries data: no regular subflow is usable (RFC 8684 3.3.8)"
                    : "back to regular subflows: subflow " + sf.id + " carries data again, backups idle");
        }
        if (reason == SchedulingReason.REINJECTION && reinjectionUnsaid) {
            reinjectionUnsaid = false;
            if (sf.id != reinjectionSaidOn || now - reinjectionSaidAt >= SCHEDULER_SAY_EVERY_NANOS) {
                reinjectionSaidOn = sf.id;
                reinjectionSaidAt = now;
                SchedulingReason why = sched.reason();
                stack.observer().event(now, ProtocolEvent.Kind.SCHEDULER, localToken, sf.id,
                        "reinjected data goes out on subflow " + sf.id + ", " + sched.name() + "'s pick: " + why.words());
            }
        }
    }

    /**
     * The scheduler held data back for a faster subflow (BLEST or ECF): counted on the slower
     * subflow it chose not to send on, and said when a new episode of holding back begins (after a
     * pause of {@link #HELD_BACK_EPISODE_GAP_NANOS}), at most once per
     * {@link #SCHEDULER_SAY_EVERY_NANOS}: a wait lasts until the fast subflow's next ACK, and
     * there may be hundreds a second.
     */
    private void heldBack(long now, Scheduler sched) {
        Subflow slow = (Subflow) sched.heldBackFrom();
        if (slow == null) {
            return;
        }
        SchedulingReason reason = sched.reason();
        slow.scheduled[reason.ordinal()]++;
        boolean newEpisode = heldBackAt == Long.MIN_VALUE || now - heldBackAt > HELD_BACK_EPISODE_GAP_NANOS;
        heldBackAt = now;
        if (!newEpisode || heldBackSaidAt != Long.MIN_VALUE && now - heldBackSaidAt < SCHEDULER_SAY_EVERY_NANOS) {
            return;
        }
        heldBackSaidAt = now;
        Subflow fast = null;
        for (int i = 0; i < subflows.size(); i++) {
            Subflow s = subflows.get(i);
            if (s != slow && s.canSendData() && s.isBackupInUse() == slow.isBackupInUse()
                    && (fast == null || s.srttNanos() < fast.srttNanos())) {
                fast = s;
            }
        }
        String forFast = fast == null ? "a faster subflow" : "subflow " + fast.id;
        stack.observer().event(now, ProtocolEvent.Kind.SCHEDULER, localToken, slow.id, sched.name() + " holds data for "
                + forFast + " rather than send on subflow " + slow.id + ": " + (reason == SchedulingReason.BLEST_WOULD_BLOCK
                        ? "there it could block " + forFast + " at the connection-level window"
                        : "waiting for " + forFast + " finishes sooner"));
    }

    /**
     * The redundant policy: what the connection sent that the other usable subflows have not
     * carried yet (and the peer has not data-ACKed) goes on them too, as far as their windows
     * allow, in DSN order on each subflow. The receiver keeps the first copy (the receive buffer
     * drops data it already has). Backups take copies only when no regular subflow is alive.
     */
    private void copyToOtherSubflows(long now, Subflow except) {
        boolean useBackups = !Scheduler.regularAlive(this);
        for (int i = 0; i < subflows.size(); i++) {
            Subflow s = subflows.get(i);
            if (s == except || !s.canSendData() || s.isBackupInUse() != useBackups
                    || s.initial && client && !peerDssSeen && s.rel(s.sndNxt) == 1) {
                continue; // (the first data on the MP_CAPABLE subflow carries the keys: not a copy)
            }
            long from = !s.copyNxtValid || SeqNum.before64(s.copyNxt, dataUna) ? dataUna : s.copyNxt;
            while (SeqNum.before64(from, sndNxt)) {
                boolean withAck = !s.dataAckSentOnce || s.lastDataAckSent != dataAckValue();
                long room = Math.min(s.cwndLeft(), s.sendWindowLeft());
                int n = (int) Math.min(sndNxt - from, Math.min(s.payloadLimit(withAck), room));
                if (n <= 0) {
                    break;
                }
                s.sendNew(now, from, n, false, false, withAck);
                s.scheduled[SchedulingReason.REDUNDANT_COPY.ordinal()]++;
                from += n;
            }
        }
    }

    /**
     * The connection-level window stops new data while data is in flight. Counted once per
     * episode (BLEST reads it); with opportunistic retransmission on (Raiciu et al., NSDI 2012,
     * 4.2), the segment at the data ACK, which holds the window, goes again on the subflow the
     * scheduler picks (if it is not the one holding it), and the holder is penalised: its window
     * halved, at most once per its RTT, since it is the slow path that blocks the fast one.
     */
    private void onWindowBlocked(long now, Scheduler sched) {
        if (!windowBlocked) {
            windowBlocked = true;
            windowBlockedCount++;
        }
        if (!stack.opportunisticRetransmission() || opportunisticDone && opportunisticDsn == dataUna) {
            return;
        }
        Subflow holder = null;
        Unit head = null;
        for (int i = 0; i < subflows.size() && holder == null; i++) {
            Subflow s = subflows.get(i);
            for (Unit u : s.units) {
                if (!u.fin && u.len > 0 && !SeqNum.before64(dataUna, u.dsn) && SeqNum.before64(dataUna, u.dsn + u.len)) {
                    holder = s;
                    head = u;
                    break;
                }
            }
        }
        if (holder == null) {
            return; // the head was TCP-acknowledged (the data ACK is on its way): nothing to resend
        }
        int len = (int) Math.min(head.dsn + head.len - dataUna, Integer.MAX_VALUE);
        schedulingNow = now;
        Subflow sf = (Subflow) sched.pick(this, Math.min(len, 1460));
        if (sf == null || sf == holder) {
            return;
        }
        boolean withAck = !sf.dataAckSentOnce || sf.lastDataAckSent != dataAckValue();
        int n = (int) Math.min(len, Math.min(sf.payloadLimit(withAck),
                Math.max(1, Math.min(sf.cwndLeft(), sf.sendWindowLeft()))));
        opportunisticDsn = dataUna;
        opportunisticDone = true;
        sf.sendNew(now, dataUna, n, true, false, withAck);
        sf.scheduled[SchedulingReason.OPPORTUNISTIC_RETRANSMISSION.ordinal()]++;
        reinjectedBytes += n;
        stack.observer().inc(Mib.MPTCPRetrans);
        holder.penalise(now, sf.id);
    }

    private void pushFallback(long now) {
        Subflow sf = fallbackSubflow();
        if (sf == null || !sf.canSendData()) {
            return;
        }
        while (true) {
            long limit = Math.min(sendBuffer.end(), dataUna + sf.sndWnd);
            long avail = limit - sndNxt;
            if (avail <= 0) {
                break;
            }
            long room = Math.min(sf.cwndLeft(), sf.sendWindowLeft());
            int n = (int) Math.min(avail, Math.min(sf.payloadLimit(), room));
            if (n <= 0) {
                break;
            }
            sf.sendNew(now, sndNxt, n, false, false);
            sndNxt += n;
            sndMax = Math.max(sndMax, sndNxt);
        }
        if (appClosed && sndNxt == sendBuffer.end() && !sf.finQueued) {
            sf.close(now);
        }
        if (sndNxt < sendBuffer.end() && sf.sndWnd == 0 && sf.units.isEmpty()) {
            sf.startPersistIfNeeded(now);
        }
    }

    private void maybeSendDataFin(long now) {
        if (!appClosed || dataFinSent || sndNxt != sendBuffer.end() || !reinjectQueue.isEmpty()) {
            return;
        }
        Subflow sf = dataFinSubflow();
        if (sf == null) {
            return;
        }
        dataFinSent = true;
        leaveEstablished();
        dataFinDsn = sndNxt;
        sndMax = sndNxt + 1;
        stack.observer().event(now, ProtocolEvent.Kind.DATA_FIN, localToken, sf.id,
                "DATA_FIN sent at DSN " + Long.toUnsignedString(dataFinDsn));
        sendOnAllSubflows(now);
        dataFinDeadline = now + 2 * Math.max(sf.rto, 200_000_000L);
    }

    private void sendOnAllSubflows(long now) {
        for (Subflow s : new ArrayList<>(subflows)) {
            if (s.state.synchronizedState() && s.state != SubflowState.TIME_WAIT) {
                s.sendAck(now);
            }
        }
    }

    // =====================================================================================
    // Subflow failures and reinjection

    /** Queues the not yet data-ACKed data of {@code sf} for another subflow (Linux MPTCPRetrans). */
    void reinjectFrom(long now, Subflow sf) {
        reinjectFrom(now, sf, false);
    }

    /**
     * As above; with {@code tcpAckedToo}, also the data the subflow's TCP acknowledged but the data
     * level has not: a peer that resets a subflow (or withdraws its address) may drop what that
     * subflow had received and not yet passed on, and the sender keeps data until the DATA_ACK
     * covers it for exactly this (RFC 8684 3.3.6). Without it such data is never sent again and the
     * connection waits forever for a data ACK that cannot come.
     */
    void reinjectFrom(long now, Subflow sf, boolean tcpAckedToo) {
        long bytes = 0;
        if (tcpAckedToo && !fallback) {
            for (long[] r : sf.tcpAckedRanges) {
                long from = r[0];
                long to = r[1];
                if (!SeqNum.before64(dataUna, to)) {
                    continue; // data-ACKed already
                }
                if (SeqNum.before64(from, dataUna)) {
                    from = dataUna;
                }
                addReinject(from, to);
                bytes += to - from;
            }
            sf.tcpAckedRanges.clear();
        }
        for (Unit u : sf.units) {
            if (u.fin || u.reinjectedElsewhere || u.len == 0) {
                continue;
            }
            if (SeqNum.before64(u.dsn + u.len, dataUna) || u.dsn + u.len == dataUna) {
                continue;
            }
            u.reinjectedElsewhere = true;
            addReinject(u.dsn, u.dsn + u.len);
            bytes += u.len;
        }
        if (bytes > 0) {
            reinjectionUnsaid = true;
            stack.observer().event(now, ProtocolEvent.Kind.REINJECTION, localToken, sf.id,
                    "reinjecting " + bytes + " bytes from subflow " + sf.id);
        }
    }

    private void addReinject(long from, long to) {
        long[] last = reinjectQueue.peekLast();
        if (last != null && last[1] == from) {
            last[1] = to;
        } else {
            reinjectQueue.addLast(new long[] {from, to});
        }
    }

    void onSubflowTimeout(long now, Subflow sf) {
        boolean nowStale = checkStale(now, sf);
        // A stalled subflow's data goes out on another one too (Linux reinjects on RTO). Another
        // subflow that is up counts even if its window is full right now: it sends when it can.
        boolean other = nowStale;
        for (Subflow s : subflows) {
            other |= s != sf && s.state == SubflowState.ESTABLISHED && (s.initial || !s.activeOpen || s.joinAcked)
                    && s.backoff == 0;
        }
        if (other && !fallback) {
            if (sf.backoff >= 3 || nowStale) {
                // Still dead after several timeouts: what was reinjected may itself have been lost
                // on a path that died too; send it all again.
                for (Unit u : sf.units) {
                    u.reinjectedElsewhere = false;
                }
            }
            reinjectFrom(now, sf);
            push(now);
        }
    }

    /**
     * Linux's stale subflow (net/mptcp/pm.c mptcp_pm_subflow_chk_stale, at each retransmission
     * timer of a subflow with data outstanding): a silent path is not signalled, only its
     * timeouts tell. The first timeout notes when the subflow last received anything; each next
     * one that sees the same time counts; past {@code stale_loss_cnt} (StackConfig.staleLossCount)
     * such timeouts, while another subflow works that is not itself that far gone (fewer than
     * stale_loss_cnt - 1, at least 1), the subflow is stale: counted (SubflowStale), left by the
     * scheduler ({@link Subflow#alive}), and what it holds is sent again on the others (by the
     * caller). A segment arriving on it makes it usable again ({@link #onSubflowRecovered}). The
     * subflow itself stays and keeps retransmitting: its own timeouts end it if the path never
     * comes back. Returns whether the subflow became stale now.
     */
    private boolean checkStale(long now, Subflow sf) {
        int limit = stack.config().staleLossCount();
        if (sf.staleCount == 0 || sf.staleSince != sf.lastReceivedAt) {
            sf.staleSince = sf.lastReceivedAt;
            sf.staleCount = 1;
            return false;
        }
        sf.staleCount++;
        if (sf.stale || limit == 0 || sf.staleCount <= limit || fallback || closed) {
            return false;
        }
        int activeMax = Math.max(limit - 1, 1);
        Subflow other = null;
        for (Subflow s : subflows) {
            if (s != sf && s.alive() && s.staleCount < activeMax) {
                other = s;
                break;
            }
        }
        if (other == null) {
            return false; // no better path: it stays, the connection has nothing else
        }
        sf.stale = true;
        stack.observer().inc(Mib.SubflowStale);
        for (Unit u : sf.units) {
            u.reinjectedElsewhere = false;
        }
        stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, sf.id, "subflow " + sf.id + " "
                + sf.local + " -> " + sf.remote + " stale: nothing received over " + sf.staleCount
                + " retransmission timeouts in a row (stale_loss_cnt " + limit + "); the scheduler leaves it and its "
                + "data goes again on the others (subflow " + other.id + " works)");
        return true;
    }

    /** A segment arrived on a stale subflow: the path works again, the scheduler may use it (SubflowRecover). */
    void onSubflowRecovered(long now, Subflow sf) {
        sf.stale = false;
        stack.observer().inc(Mib.SubflowRecover);
        stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, sf.id, "subflow " + sf.id + " "
                + sf.local + " -> " + sf.remote + " recovered: a segment arrived after it was stale");
        stack.pushLater(this, now);
    }

    void onSubflowClosing(long now, Subflow sf) {
        maybeFinish(now);
    }

    void onSubflowClosed(long now, Subflow sf, String why, boolean abnormal) {
        subflows.remove(sf);
        closedSubflows.add(sf.snapshot());
        stack.observer().event(now, abnormal ? ProtocolEvent.Kind.SUBFLOW_RESET : ProtocolEvent.Kind.SUBFLOW_CLOSED,
                localToken, sf.id, "subflow " + sf.id + " closed: " + why);
        if (!fallback) {
            reinjectFrom(now, sf, abnormal);
        }
        releaseSendBuffer();
        if (closed) {
            return;
        }
        if (subflows.isEmpty()) {
            if (finishing() || (fallback && peerFinished && appClosed)) {
                closeConnection(now, null);
            } else {
                closeConnection(now, fallback || !abnormal ? why : "all subflows failed: last one " + why);
            }
            return;
        }
        if (fallback && sf == fallbackSubflow()) {
            closeConnection(now, "the fallback subflow closed: " + why);
            return;
        }
        // Full mesh and ndiffports try to get their paths back (path flaps), with backoff.
        stack.pathManager().onSubflowClosed(this, now, abnormal);
        push(now);
    }

    /** Everything done both ways: close the subflows (FIN). */
    private void maybeFinish(long now) {
        if (fallback) {
            if (appClosed && peerFinished && !closed && fallbackSubflow() != null && fallbackSubflow().finSent) {
                closeConnection(now, null);
            }
            return;
        }
        if (dataFinAcked && peerFinished && !closed) {
            // Both DATA_FINs are acknowledged: the connection is over (RFC 8684 3.3.3); the
            // subflows close with FIN and linger in the stack until TCP is done with them.
            for (Subflow s : new ArrayList<>(subflows)) {
                s.ackNow = true;
                s.sendAckIfNeeded(now);
                s.close(now);
            }
            closeConnection(now, null);
        }
    }

    /** Counted in MPCurrEstab while established (from MP_CAPABLE to the first DATA_FIN or the end). */
    private boolean countedEstablished;

    /** The connection leaves the established state (a DATA_FIN either way, or its end). */
    private void leaveEstablished() {
        if (countedEstablished) {
            countedEstablished = false;
            stack.observer().add(Mib.MPCurrEstab, -1);
        }
    }

    void closeConnection(long now, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        leaveEstablished();
        resetReason = reason;
        stack.observer().event(now, reason == null ? ProtocolEvent.Kind.CONNECTION_CLOSED : ProtocolEvent.Kind.CONNECTION_RESET,
                localToken, -1, reason == null ? "connection closed" : "connection reset: " + reason);
        stack.connectionClosed(this);
        stack.wake(this, MptcpSocket.WAKE_CLOSED);
    }

    /** MP_FASTCLOSE (RFC 8684 3.5): tell the peer on one subflow, reset the rest, end now. */
    void fastClose(long now) {
        if (closed) {
            return;
        }
        if (fallback || !remoteKeyKnown) {
            abortAll(now, "aborted", true);
            return;
        }
        Subflow first = null;
        for (Subflow s : subflows) {
            if (s.state.synchronizedState()) {
                first = s;
                break;
            }
        }
        if (first != null) {
            sendFastclose = true;
            first.sendAck(now);
            sendFastclose = false;
        }
        stack.observer().event(now, ProtocolEvent.Kind.FASTCLOSE, localToken, -1, "MP_FASTCLOSE sent");
        abortAll(now, "fast close (MP_FASTCLOSE sent)", true);
    }

    /** A RST carrying MP_FASTCLOSE (RFC 8684 3.5, option R). Returns true when it ended the connection. */
    boolean onFastcloseRst(long now, Subflow sf, MptcpOption.MpFastclose fc) {
        if (fc.receiverKey() != localKey) {
            stack.observer().inc(Mib.MPFastcloseBadKey);
            return false;
        }
        stack.observer().inc(Mib.MPFastcloseRx);
        stack.observer().event(now, ProtocolEvent.Kind.FASTCLOSE, localToken, sf.id, "RST with MP_FASTCLOSE from peer");
        sf.close(now, "fast close by peer (RST with MP_FASTCLOSE)", true);
        abortAll(now, "fast close by peer (RST with MP_FASTCLOSE)", true);
        return true;
    }

    /** Resets every subflow and ends the connection. */
    void abortAll(long now, String reason, boolean sendRst) {
        closed = true; // no reinjection, no rejoin while tearing down
        for (Subflow s : new ArrayList<>(subflows)) {
            if (sendRst) {
                s.reset(now, reason, MptcpOption.MpTcpRst.UNSPECIFIED);
            } else {
                s.close(now, reason, true);
            }
        }
        closed = false;
        closeConnection(now, reason);
    }

    /** Our address {@code id} is gone (RFC 8684 3.4.2): REMOVE_ADDR, and its subflows close. */
    void onLocalAddressRemoved(long now, int id, IpAddress address) {
        if (closed || fallback || !remoteKeyKnown) {
            return;
        }
        pendingAnnounce.remove(id);
        announceNow.remove((Integer) id);
        announcedPorts.remove(id);
        Subflow carrier = null;
        List<Subflow> going = new ArrayList<>();
        for (Subflow s : subflows) {
            if (s.local.equals(address)) {
                going.add(s);
            } else if (carrier == null && s.state == SubflowState.ESTABLISHED) {
                carrier = s;
            }
        }
        // The peer knows the address by the id it saw: 0 for the first subflow's address.
        int wireId = address.equals(initialSubflow.local) ? 0 : id;
        stack.observer().event(now, ProtocolEvent.Kind.REMOVE_ADDR, localToken, -1,
                "local address id " + wireId + " " + address + " removed (interface down): "
                        + (carrier != null ? "REMOVE_ADDR to the peer" : "no subflow left to say it on")
                        + (going.isEmpty() ? "" : ", " + going.size() + " subflow" + (going.size() == 1 ? "" : "s")
                        + " on it closed, " + (going.size() == 1 ? "its" : "their") + " data reinjected at once"));
        if (carrier != null) {
            pendingRemove.add(wireId);
        }
        for (Subflow s : going) {
            stack.observer().inc(Mib.RmSubflow);
            reinjectFrom(now, s);
            if (carrier != null && s.state == SubflowState.ESTABLISHED) {
                // The REMOVE_ADDR reaches the peer on the carrier, and its receiver closes the
                // subflows on that address (RFC 8684 3.4.2): ours ends in order with a FIN, so the
                // peer sees a removal, not an error (no MP_TCPRST, 3.6). Its data was reinjected.
                s.close(now);
            } else {
                s.reset(now, "local address " + address + " removed", MptcpOption.MpTcpRst.ADMINISTRATIVELY_PROHIBITED);
            }
        }
        if (carrier != null && carrier.state == SubflowState.ESTABLISHED) {
            carrier.sendAck(now);
        }
        push(now);
    }

    /** Our address {@code id} is back: the path manager uses it again. */
    void onLocalAddressAdded(long now, int id, IpAddress address) {
        if (closed || fallback || !remoteKeyKnown) {
            return;
        }
        if (client) {
            rejoinBackoff = 0;
        }
        announced = false;
        stack.pathManager().onLocalAddressAdded(this, now, id, address);
        if (announced) {
            for (Subflow s : subflows) {
                if (s.state == SubflowState.ESTABLISHED) {
                    s.sendAck(now);
                    break;
                }
            }
        }
    }

    // =====================================================================================
    // Path manager: the policy (pm/) decides at each event, the connection acts (PmConnection)

    /** Set by {@link #announce}: the path manager queued an announcement since the flag was cleared. */
    private boolean announced;

    private void pathManagerOnEstablished(long now) {
        if (fallback || !remoteKeyKnown) {
            return;
        }
        announced = false;
        stack.pathManager().onEstablished(this, now);
        if (announced && !announceNow.isEmpty()) {
            initialSubflow.ackNow = true;
        }
    }

    @Override
    public boolean pmClient() {
        return client;
    }

    @Override
    public IpAddress initialLocal() {
        return initialSubflow.local;
    }

    @Override
    public IpAddress initialRemote() {
        return initialSubflow.remote;
    }

    @Override
    public List<Integer> localAddressIds() {
        return stack.addressIds();
    }

    @Override
    public IpAddress localAddress(int id) {
        return stack.addressById(id);
    }

    @Override
    public boolean routes(int localId, IpAddress remote) {
        return stack.routes(localId, remote);
    }

    @Override
    public Map<Integer, IpAddress> peerAddresses() {
        return java.util.Collections.unmodifiableMap(remoteAddresses);
    }

    @Override
    public boolean peerForbidsInitialJoin() {
        return peerForbidsInitialJoin;
    }

    @Override
    public int subflowsLimit() {
        return stack.config().subflowsLimit();
    }

    @Override
    public int additionalSubflows() {
        int n = 0;
        for (int i = 0; i < subflows.size(); i++) {
            if (!subflows.get(i).initial) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int liveSubflows(IpAddress local, IpAddress remote) {
        int n = 0;
        for (Subflow s : subflows) {
            if (s.local.equals(local) && s.remote.equals(remote) && !leaving(s)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean join(long now, int localId, int remoteId, String why) {
        if (!client || fallback || closed || !remoteKeyKnown) {
            return false;
        }
        IpAddress la = stack.addressById(localId);
        IpAddress ra = remoteAddresses.get(remoteId);
        if (la == null || ra == null) {
            return false;
        }
        int rport = remotePorts.getOrDefault(remoteId, initialSubflow.remotePort);
        String pair = la + " -> " + ra + (rport != initialSubflow.remotePort ? ":" + rport : "") + " (address ids "
                + (la.equals(initialSubflow.local) ? 0 : localId) + "/" + remoteId + ")";
        int limit = stack.config().subflowsLimit();
        if (additionalSubflows() >= limit) {
            // Linux's `ip mptcp limits set subflows N`: the first subflow is not counted.
            stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, -1, why + ": subflows limit "
                    + limit + " reached (" + additionalSubflows() + " besides the first): no join " + pair);
            return false;
        }
        stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, nextSubflowId, why + ": join " + pair);
        openJoin(now, localId, la, remoteId, ra, rport);
        return true;
    }

    @Override
    public void announce(long now, int localId) {
        if (client || fallback || !remoteKeyKnown || stack.addressById(localId) == null) {
            return;
        }
        // The port is fixed at the first announcement: its retransmissions and the joins it
        // brings use the same one, whatever the stack is told later.
        int port = stack.announcePort(localId);
        announcedPorts.put(localId, port);
        stack.observer().event(now, ProtocolEvent.Kind.PATH_MANAGER, localToken, -1,
                stack.pathManager().name() + ": announce address id " + localId + " " + stack.addressById(localId)
                        + (port >= 0 ? " port " + port + " (joins accepted there)" : ""));
        pendingAnnounce.put(localId, 0);
        announceNow.add(localId);
        announced = true;
    }

    @Override
    public void retryLater(long now) {
        rejoinBackoff = Math.min(rejoinBackoff + 1, 5);
        rejoinDeadline = now + (500_000_000L << (rejoinBackoff - 1));
    }

    /** Whether a subflow is closing or closed (a FIN went either way, or it is gone). */
    private static boolean leaving(Subflow s) {
        return switch (s.state) {
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSED -> true;
            default -> false;
        };
    }

    /**
     * Opens one more subflow by hand, as a manual path manager does (Linux's `ip mptcp endpoint
     * add ... subflow` or the userspace PM's MPTCP_PM_CMD_SUBFLOW_CREATE): an MP_JOIN (RFC 8684
     * 3.2) from our address {@code localAddressId} to the peer's address {@code remoteAddressId}
     * (0 is the first subflow's). Several subflows may share a pair of addresses: each gets its
     * own port. Returns the new subflow's id.
     *
     * @throws IllegalStateException with the reason when no join can be made now
     */
    int openSubflow(long now, int localAddressId, int remoteAddressId) {
        if (!client) {
            throw new IllegalStateException("only the client opens subflows; a server announces its addresses"
                    + " instead (ADD_ADDR, RFC 8684 3.4.1)");
        }
        if (fallback) {
            throw new IllegalStateException("the connection fell back to plain TCP: nothing can join it (RFC 8684 3.7)");
        }
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
        if (!remoteKeyKnown) {
            throw new IllegalStateException("the handshake is not complete: a join needs the peer's key (RFC 8684 3.2)");
        }
        if (remoteAddressId == 0 && peerForbidsInitialJoin) {
            throw new IllegalStateException("the peer's MP_CAPABLE set the C flag: no join to its first address and"
                    + " port (RFC 8684 3.1); join an address it announced");
        }
        IpAddress ra = remoteAddressId == 0 ? initialSubflow.remote : remoteAddresses.get(remoteAddressId);
        if (ra == null) {
            throw new IllegalStateException("the peer has no address id " + remoteAddressId + " (known: 0"
                    + (remoteAddresses.isEmpty() ? "" : ", " + remoteAddresses.keySet()) + ")");
        }
        IpAddress la = stack.addressById(localAddressId);
        if (la == null) {
            throw new IllegalStateException("we have no address id " + localAddressId + " (removed, or never added)");
        }
        if (la.byteLength() != ra.byteLength() || !stack.routes(localAddressId, ra)) {
            throw new IllegalStateException("our address " + la + " does not reach the peer's " + ra);
        }
        long open = subflows.stream().filter(x -> !leaving(x) && !x.initial).count();
        if (open >= stack.config().subflowsLimit()) {
            throw new IllegalStateException(open + " subflows besides the first are open: the subflows limit is "
                    + stack.config().subflowsLimit() + " (ip mptcp limits set subflows N)");
        }
        int id = nextSubflowId;
        openJoin(now, localAddressId, la, remoteAddressId, ra,
                remoteAddressId == 0 ? initialSubflow.remotePort : remotePorts.getOrDefault(remoteAddressId, initialSubflow.remotePort));
        return id;
    }

    /**
     * As {@link #openSubflow(long, int, int)}, toward the first of the peer's addresses (its
     * first subflow's, then those it announced) that our address {@code localAddressId} reaches.
     */
    int openSubflow(long now, int localAddressId) {
        IpAddress la = stack.addressById(localAddressId);
        if (la != null && !closed && !fallback) {
            if (stack.routes(localAddressId, initialSubflow.remote) && !peerForbidsInitialJoin) {
                return openSubflow(now, localAddressId, 0);
            }
            for (Map.Entry<Integer, IpAddress> r : remoteAddresses.entrySet()) {
                if (r.getKey() != 0 && stack.routes(localAddressId, r.getValue())) {
                    return openSubflow(now, localAddressId, r.getKey());
                }
            }
            if (client && remoteKeyKnown) {
                throw new IllegalStateException("the peer has announced no address that " + la + " reaches");
            }
        }
        return openSubflow(now, localAddressId, 0); // says why not
    }

    /**
     * Closes subflow {@code id} by hand (a manual path manager's MPTCP_PM_CMD_SUBFLOW_DESTROY):
     * what it had in flight is reinjected on the others at once (RFC 8684 3.3.6), then it ends
     * with a FIN, an orderly close the peer sees as such; the connection goes on over the rest.
     *
     * @throws IllegalStateException with the reason when it cannot be closed
     */
    void closeSubflow(long now, int id) {
        Subflow sf = null;
        for (Subflow s : subflows) {
            if (s.id == id) {
                sf = s;
            }
        }
        if (sf == null) {
            throw new IllegalStateException("there is no subflow " + id);
        }
        if (sf.state != SubflowState.ESTABLISHED) {
            throw new IllegalStateException("subflow " + id + " is " + sf.state + ", not established");
        }
        long others = subflows.stream().filter(x -> x.state == SubflowState.ESTABLISHED).count() - 1;
        if (others == 0) {
            throw new IllegalStateException("subflow " + id + " is the last established one: closing it would end"
                    + " the connection (close the connection instead)");
        }
        reinjectFrom(now, sf);
        sf.close(now);
        push(now);
    }

    private void openJoin(long now, int localId, IpAddress la, int remoteId, IpAddress ra, int rport) {
        Subflow sf = new Subflow(this, nextSubflowId++, stack.ifaceOf(localId), la, stack.ephemeralPort(), ra, rport,
                false, true, now);
        sf.localAddressId = la.equals(initialSubflow.local) ? 0 : localId;
        sf.remoteAddressId = remoteId;
        sf.localNonce = stack.random().nextInt();
        sf.localBackup = stack.isBackupAddress(localId); // the B flag of the MP_JOIN SYN (RFC 8684 3.2)
        subflows.add(sf);
        stack.register(sf);
        sf.connect(now);
    }

    // =====================================================================================
    // Timers

    long nextTimeout() {
        long t = Math.min(announceDeadline, dataFinDeadline);
        t = Math.min(t, rejoinDeadline);
        t = Math.min(t, dataRtoDeadline);
        for (int i = 0; i < subflows.size(); i++) {
            t = Math.min(t, subflows.get(i).nextTimeout());
        }
        return t;
    }

    void handleTimeout(long now) {
        for (Subflow s : new ArrayList<>(subflows)) {
            if (s.nextTimeout() <= now) {
                s.handleTimeout(now);
            }
        }
        if (announceDeadline <= now) {
            announceDeadline = Endpoint.NEVER;
            // Not echoed in time: announce again, a few times at most (Linux retransmits ADD_ADDR too).
            pendingAnnounce.values().removeIf(v -> v >= 4);
            for (int id : pendingAnnounce.keySet()) {
                if (!announceNow.contains(id)) {
                    announceNow.add(id);
                }
            }
            if (!announceNow.isEmpty() && !subflows.isEmpty()) {
                subflows.get(0).sendAck(now);
            }
        }
        if (dataFinDeadline <= now) {
            dataFinDeadline = Endpoint.NEVER;
            Subflow sf = dataFinSubflow();
            if (sf == null && !dataFinAcked) {
                // No usable subflow right now (all reset, rejoins pending): try again later.
                dataFinDeadline = now + 500_000_000L;
            } else if (sf != null && !dataFinAcked) {
                if (dataFinTries++ >= 10) {
                    // RFC 8684 3.3.3: a DATA_FIN must be acknowledged; after this long the peer is gone.
                    abortAll(now, "DATA_FIN not acknowledged after " + dataFinTries + " transmissions", true);
                    return;
                }
                sendOnAllSubflows(now);
                dataFinDeadline = now + 2 * Math.max(sf.rto, 200_000_000L) * (1L << Math.min(dataFinTries, 6));
            }
        }
        if (rejoinDeadline <= now) {
            rejoinDeadline = Endpoint.NEVER;
            if (client && !fallback && !closed && remoteKeyKnown) {
                stack.pathManager().onRetry(this, now);
            }
        }
        if (dataRtoDeadline <= now) {
            onDataRto(now);
        }
    }

    /** The data-level timeout: the largest subflow RTO, at least 200 ms (Linux uses its subflows' RTO too). */
    private long dataRto() {
        long rto = 200_000_000L;
        for (int i = 0; i < subflows.size(); i++) {
            Subflow s = subflows.get(i);
            if (s.state == SubflowState.ESTABLISHED) {
                rto = Math.max(rto, s.rto);
            }
        }
        return rto;
    }

    /**
     * The data ACK has not moved for a data-level RTO. If the next byte the peer waits for is still
     * in flight on a subflow, that subflow's own retransmission timer deals with it. If every
     * subflow's TCP acknowledged it, the peer holds it at subflow level but never said so at data
     * level: its data ACK was lost or, as Linux 6.18 does when the last segment lands while its
     * reader holds the socket, never sent. Only data can make it answer: the sender keeps data
     * until the data ACK covers it and may send it again on any subflow (RFC 8684 3.3.6), as
     * Linux's MPTCP-level retransmission timer does. The peer drops the duplicate and acknowledges
     * what it has. Backs off exponentially while the data ACK stays put.
     */
    private void onDataRto(long now) {
        dataRtoDeadline = Endpoint.NEVER;
        if (closed || fallback || !established || !SeqNum.before64(dataUna, sndNxt)) {
            return;
        }
        if (!headInFlight() && reinjectQueue.isEmpty()) {
            long from = dataUna;
            long to = from;
            // The contiguous run from the data ACK that the subflows' TCP acknowledged, 64 KiB at most.
            boolean grew = true;
            while (grew && to - from < 65_536) {
                grew = false;
                for (int i = 0; i < subflows.size(); i++) {
                    for (long[] r : subflows.get(i).tcpAckedRanges) {
                        if (!SeqNum.before64(to, r[0]) && SeqNum.before64(to, r[1])) {
                            to = r[1];
                            grew = true;
                        }
                    }
                }
            }
            if (SeqNum.before64(sndNxt, to)) {
                to = sndNxt;
            }
            if (to - from > 65_536) {
                to = from + 65_536;
            }
            if (to == from) {
                to = Math.min(sndNxt - from, 1_400) + from; // in no range at all: send its first segment again
            }
            addReinject(from, to);
            reinjectionUnsaid = true;
            stack.observer().inc(Mib.DataRto);
            stack.observer().event(now, ProtocolEvent.Kind.REINJECTION, localToken, -1,
                    "data ACK stuck at DSN " + Long.toUnsignedString(dataUna) + " though the subflows acknowledged it: "
                            + (to - from) + " bytes sent again (RFC 8684 3.3.6)");
            dataRtoBackoff = Math.min(dataRtoBackoff + 1, 6);
            push(now);
        }
        dataRtoDeadline = now + (dataRto() << dataRtoBackoff);
    }

    /** Whether the byte at the data ACK is in some subflow's send queue, not yet TCP-acknowledged. */
    private boolean headInFlight() {
        for (int i = 0; i < subflows.size(); i++) {
            Subflow s = subflows.get(i);
            if (s.state.synchronizedState() && s.state != SubflowState.TIME_WAIT) {
                for (Unit u : s.units) {
                    if (!u.fin && u.len > 0 && !SeqNum.before64(dataUna, u.dsn) && SeqNum.before64(dataUna, u.dsn + u.len)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    // =====================================================================================
    // Application side

    int appWrite(long now, byte[] b, int off, int len) {
        if (appClosed || closed) {
            return -1;
        }
        int n = sendBuffer.write(b, off, len);
        if (n > 0) {
            // Sent at the end of the current input, not now: an application that writes in
            // pieces (64 KiB chunks meeting a nearly full buffer) would otherwise cut a segment at
            // every write boundary (the silly-window problem Nagle's rule addresses, RFC 9293 3.7.4).
            stack.pushLater(this, now);
        }
        return n;
    }

    int appRead(long now, byte[] b, int off, int len) {
        if (receiveBuffer == null) {
            return closed ? -1 : 0;
        }
        int before = receiveBuffer.window();
        int n = receiveBuffer.read(b, off, len);
        if (n == 0) {
            return peerFinished || closed ? -1 : 0;
        }
        // Window update when the window grew by at least 2 MSS and half the buffer was closed
        // (receiver-side silly window syndrome avoidance, RFC 9293 3.8.6.2.2).
        int after = receiveBuffer.window();
        if (before < receiveBuffer.capacity() / 2 && after - before >= 2 * 1460 || before == 0) {
            for (Subflow s : subflows) {
                if (s.state.synchronizedState()) {
                    s.sendAck(now);
                    break;
                }
            }
        }
        return n;
    }

    void appClose(long now) {
        if (appClosed) {
            return;
        }
        appClosed = true;
        push(now);
    }

    public ConnectionSnapshot snapshot() {
        List<SubflowSnapshot> sfs = new ArrayList<>(subflows.size() + closedSubflows.size());
        for (Subflow s : subflows) {
            sfs.add(s.snapshot());
        }
        sfs.addAll(closedSubflows);
        sfs.sort(java.util.Comparator.comparingInt(SubflowSnapshot::id));
        String state = closed ? (resetReason == null ? "CLOSED" : "RESET") : !established ? "CONNECTING"
                : appClosed || peerFinished ? "CLOSING" : "ESTABLISHED";
        return new ConnectionSnapshot(localToken, remoteToken, localKey, remoteKey, client, fallback, checksum, state,
                sndNxt - (localIdsn + 1), dataUna - (localIdsn + 1),
                receiveBuffer == null ? 0 : receiveBuffer.next() - (remoteIdsn + 1),
                sendBuffer.used(), sendBuffer.capacity(), receiveBuffer == null ? 0 : receiveBuffer.readable(),
                receiveBuffer == null ? stack.config().receiveBufferBytes() : receiveBuffer.capacity(), reinjectedBytes,
                sfs, resetReason);
    }

    /** One line of internal state, for diagnostics (stalls, test failures). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(this).append(" established=").append(established).append(" closed=").append(closed)
                .append(" fallback=").append(fallback).append(" sndNxt+").append(sndNxt - localIdsn - 1)
                .append(" dataUna+").append(dataUna - localIdsn - 1).append(" bufEnd+").append(sendBuffer.end() - localIdsn - 1)
                .append(" wndEnd+").append(peerWindowEnd - localIdsn - 1).append(" reinject=").append(reinjectQueue.size())
                .append(" appClosed=").append(appClosed).append(" dataFinSent=").append(dataFinSent)
                .append(" dataFinAcked=").append(dataFinAcked).append(" peerFinished=").append(peerFinished)
                .append(" rcvNext+").append(receiveBuffer == null ? -1 : receiveBuffer.next() - remoteIdsn - 1)
                .append(" ooo=").append(receiveBuffer == null ? 0 : receiveBuffer.outOfOrderBytes());
        for (Subflow f : subflows) {
            sb.append("\n  sf").append(f.id).append(' ').append(f.state).append(" una+").append(f.rel(f.sndUna))
                    .append(" nxt+").append(f.rel(f.sndNxt)).append(" units=").append(f.units.size())
                    .append(" lost=").append(f.lostCount).append(" pipe=").append(f.pipe()).append(" cwnd=")
                    .append(f.cc.cwnd()).append(" sndWnd=").append(f.sndWnd).append(" rto@").append(f.rtoDeadline)
                    .append(" rcvNxt+").append(f.relRcv(f.rcvNxt)).append(" ooo=").append(f.outOfOrder.size())
                    .append(" canSend=").append(f.canSendData()).append(" backoff=").append(f.backoff)
                    .append(" recovery=").append(f.inRecovery);
        }
        return sb.toString();
    }

    static String hex(int token) {
        return String.format("%08x", token);
    }

    @Override
    public String toString() {
        return "MptcpConnection[token " + hex(localToken) + (client ? " client" : " server") + "]";
    }

    static String keyHex(long key) {
        return Bytes.hex64(key);
    }
}

package org.mptcplab.stack.analyze;

import java.util.ArrayList;
import java.util.List;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.wire.SeqNum;

/** The analyzer's running state of one MPTCP connection. */
final class ConnectionTrack {
    final int index;
    int version = -1;
    boolean complete;
    String fallback;
    boolean checksum;
    boolean clientKeyKnown;
    long clientKey;
    boolean serverKeyKnown;
    long serverKey;
    long clientToken = -1;
    long serverToken = -1;
    final List<SubflowTrack> subflows = new ArrayList<>(2);
    /** [0]: client to server, [1]: server to client. */
    final DataDir[] data = {new DataDir(0), new DataDir(1)};
    final List<MptcpEvent> events = new ArrayList<>();
    long eventsNotKept;
    /** Running totals, for what happened inside a stall. */
    long retransmits;
    long reinjections;
    boolean infiniteMapping;
    /** Told of every data-level gap, for its observer. */
    CaptureAnalyzer analyzer;

    ConnectionTrack(int index) {
        this.index = index;
    }

    long eventCount() {
        return events.size() + eventsNotKept;
    }

    /** Token and IDSN of a key, as the version derives them: v0 SHA-1 (RFC 6824 3.1), else SHA-256 (RFC 8684 3.1). */
    static long token(int version, long key) {
        return (version == 0 ? MptcpCrypto.tokenV0(key) : MptcpCrypto.token(key)) & 0xffffffffL;
    }

    static long idsn(int version, long key) {
        return version == 0 ? MptcpCrypto.idsnV0(key) : MptcpCrypto.idsn(key);
    }

    /** One direction at the data level: data sequence numbers, mappings, the data ACK, stalls. */
    static final class DataDir {
        final int direction;
        boolean idsnKnown;
        long idsn;
        /** Relative DSNs are DSN - base: base is IDSN + 1 when known first, else the first DSN seen. */
        boolean baseSet;
        long base;
        boolean baseIsIdsn;
        /** The last 64-bit DSN seen (mapping or data ACK): what 32-bit values widen against (RFC 8684 3.3.1). */
        boolean refSet;
        long ref;

        final IntervalSet mapped = new IntervalSet();
        /** Highest relative DSN mapped plus one, DATA_FIN included. */
        long high = Long.MIN_VALUE;
        long bytes;
        long mappings;
        long reinjections;
        long reinjectedBytes;
        long unmappedBytes;
        long firstDsn = Long.MIN_VALUE;
        boolean dataFin;

        boolean acked;
        long ackFirst;
        long ackHigh;
        long ackAdvances;

        /** Since when the data ACK has not moved with data outstanding; -1 when nothing waits. */
        long waitStart = -1;
        long waitRetransmits;
        long waitReinjections;
        long waitEvents;

        /** The longest stall so far. */
        long stallStart = -1;
        long stallEnd;
        boolean stallOpen;
        long stallRetransmits;
        long stallReinjections;
        long stallEventFrom;
        long stallEventTo;

        DataDir(int direction) {
            this.direction = direction;
        }

        void setIdsn(long v) {
            if (!idsnKnown) {
                idsnKnown = true;
                idsn = v;
            }
        }

        /** A DSN or data ACK from the wire, widened to 64 bits if it was sent as 32. */
        long widen(long value, boolean is64) {
            long v = is64 ? value : SeqNum.widen(refSet ? ref : idsnKnown ? idsn : 0, value);
            refSet = true;
            ref = v;
            return v;
        }

        long rel(long dsn) {
            if (!baseSet) {
                baseSet = true;
                base = idsnKnown ? idsn + 1 : dsn;
                baseIsIdsn = idsnKnown;
            }
            return dsn - base;
        }

        boolean outstanding() {
            return high != Long.MIN_VALUE && high > (acked ? ackHigh : Long.MIN_VALUE);
        }

        /** New data-level sequence space up to {@code end} (relative) went out at {@code t}. */
        void sent(long end, long t, ConnectionTrack c) {
            if (end > high) {
                high = end;
            }
            if (waitStart < 0 && outstanding()) {
                startWaiting(t, c);
            }
        }

        private void startWaiting(long t, ConnectionTrack c) {
            waitStart = t;
            waitRetransmits = c.retransmits;
            waitReinjections = c.reinjections;
            waitEvents = c.eventCount();
        }

        /** A data ACK (relative) at {@code t}. */
        void dataAck(long a, long t, ConnectionTrack c) {
            if (acked && a <= ackHigh) {
                return;
            }
            if (waitStart >= 0 && acked) {
                // Not the wait for the first data ACK: that is the first round trip, not a stall
                // (the stack counts stalls once data flows, from its first delivery, too).
                gap(t, false, c);
            }
            if (!acked) {
                // Counted from the first data byte when the IDSN is known, else from this ACK.
                ackFirst = baseIsIdsn ? Math.min(0, a) : a;
            } else {
                ackAdvances++;
            }
            acked = true;
            ackHigh = a;
            waitStart = -1;
            if (outstanding()) {
                startWaiting(t, c);
            }
        }

        /** The wait that started at {@link #waitStart} ends at {@code t}: the longest one is kept. */
        void gap(long t, boolean open, ConnectionTrack c) {
            long d = t - waitStart;
            if (c.analyzer != null) {
                c.analyzer.gapSeen(c, direction, waitStart, Math.max(t, waitStart), open, c.retransmits - waitRetransmits,
                        c.reinjections - waitReinjections);
            }
            if (stallStart < 0 || d > stallEnd - stallStart) {
                stallStart = waitStart;
                stallEnd = Math.max(t, waitStart);
                stallOpen = open;
                stallRetransmits = c.retransmits - waitRetransmits;
                stallReinjections = c.reinjections - waitReinjections;
                stallEventFrom = waitEvents;
                stallEventTo = c.eventCount();
            }
        }

        DataReport report(int direction, ConnectionTrack c) {
            Stall stall = null;
            if (stallStart >= 0) {
                int from = (int) Math.min(stallEventFrom, c.events.size());
                int to = (int) Math.min(stallEventTo, c.events.size());
                stall = new Stall(direction, stallStart, stallEnd, stallOpen, stallRetransmits, stallReinjections,
                        new ArrayList<>(c.events.subList(from, to)), (stallEventTo - stallEventFrom) - (to - from));
            }
            long first = firstDsn == Long.MIN_VALUE || !baseIsIdsn ? -1 : firstDsn + 1;
            return new DataReport(bytes, mappings, reinjections, reinjectedBytes, unmappedBytes, ackAdvances,
                    acked ? ackHigh - ackFirst : 0, first, dataFin, stall);
        }
    }
}

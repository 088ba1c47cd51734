package org.mptcplab.app.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;
import org.mptcplab.stack.analyze.Analysis;
import org.mptcplab.stack.analyze.CaptureAnalyzer;
import org.mptcplab.stack.analyze.MptcpEvent;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.mptcp.SubflowState;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.decode.OptionFields;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * A capture read once for replay: {@link CaptureAnalyzer}'s analysis, and over time what the
 * window draws of every MPTCP connection in it (each packet, each subflow sampled every
 * {@link Session#SAMPLE_NANOS} of capture time, the data level's progress, the events, the
 * data-level stalls), in columns of primitives so that a million packets fit in about 150 MB.
 *
 * <p>Times are nanoseconds from the capture's first packet. A capture whose timestamps go back
 * (several interfaces merged) is kept in capture order; {@link #order()} gives time order.
 *
 * <p>A capture cannot see state inside the hosts (RFC 8684 leaves it to them): the congestion
 * window is estimated as the sender's largest flight in each round trip, and the round trip from
 * data/ACK pairs and timestamps, as {@code analyze} does.
 */
public final class ReplayIndex {
    /** Gaps of the data ACK shorter than this are not stalls worth a bookmark. */
    public static final long MIN_STALL_NANOS = 100_000_000L;
    /** Bookmarks kept per connection: its longest stalls. */
    public static final int MAX_BOOKMARKS = 30;
    /** The headers of packets past this many bytes are not kept (the inspector then shows the columns only). */
    static final long HEADER_BUDGET = 512L << 20;
    /** Quiet stretches longer than this are not sampled every 20 ms: one sample after, one before the next packet. */
    private static final long QUIET_NANOS = 2_000_000_000L;

    /** Where the loading is, for a progress bar: bytes of the file read, of its size, and packets. */
    public interface Progress {
        void update(long bytesRead, long fileSize, long packets);
    }

    /** A stall: the data ACK of one direction did not move while data waited (see {@link CaptureAnalyzer.Observer#gap}). */
    public record Stall(int connection, int direction, long startNanos, long endNanos, boolean open, long retransmits,
                        long reinjections) {
        public long durationNanos() {
            return endNanos - startNanos;
        }
    }

    private final Path file;
    private Analysis analysis;
    private long origin = -1;

    // ---- packets (MPTCP connections only), in capture order
    int packets;
    long[] pt = new long[1024];
    int[] pconn = new int[1024];
    int[] psub = new int[1024];
    short[] pflags = new short[1024];
    long[] pseq = new long[1024];
    long[] pack = new long[1024];
    int[] plen = new int[1024];
    long[] pdsn = new long[1024];
    int[] pdataLen = new int[1024];
    long[] pdataAck = new long[1024];
    /** 1: to client, 2: retransmitted, 4: reinjected. */
    byte[] pbits = new byte[1024];
    short[] popts = new short[1024];
    long[] precord = new long[1024];
    long[] phdr = new long[1024];
    byte[] phdrLen = new byte[1024];
    private final List<String> optionTexts = new ArrayList<>();
    private final Map<String, Integer> optionIds = new HashMap<>();
    private final List<byte[]> headerChunks = new ArrayList<>();
    private long headerBytes;
    /** 256 KiB: below half a G1 region, so a chunk is an ordinary allocation, not a humongous one that starts a marking cycle. */
    private static final int CHUNK = 1 << 18;
    private int[] order;

    // ---- subflow samples: one per subflow and direction every SAMPLE_NANOS while it is open
    int samples;
    long[] st = new long[1024];
    int[] sconn = new int[1024];
    int[] ssub = new int[1024];
    /** Bits 0: to client (the direction whose sender the sample describes), 1: backup; then the state's ordinal << 2. */
    short[] sbits = new short[1024];
    long[] scwnd = new long[1024];
    long[] srtt = new long[1024];
    long[] sflight = new long[1024];
    float[] sbps = new float[1024];
    long[] ssent = new long[1024];
    long[] sretrans = new long[1024];

    // ---- connection samples: data level progress per direction
    int flowSamples;
    long[] ft = new long[256];
    int[] fconn = new int[256];
    byte[] fdir = new byte[256];
    float[] fbps = new float[256];
    long[] fdelivered = new long[256];

    private final List<Samples.Event>[] eventsByConnection;
    private final List<Stall> stalls = new ArrayList<>();
    /** Per connection: when its first packet was captured, -1 if it has none. */
    private long[] firstPacket = new long[0];

    @SuppressWarnings("unchecked")
    private ReplayIndex(Path file) {
        this.file = file;
        this.eventsByConnection = new List[0];
    }

    private ReplayIndex(Path file, int connections) {
        this.file = file;
        @SuppressWarnings("unchecked")
        List<Samples.Event>[] e = new List[connections];
        for (int i = 0; i < connections; i++) {
            e[i] = new ArrayList<>();
        }
        this.eventsByConnection = e;
    }

    /**
     * Reads {@code file} and indexes it. {@code cancel} stops the reading (the result then holds
     * what was read; it is looked at every 1,024 packets); {@code progress} hears every 16,384.
     *
     * @throws CaptureFormatException when the file is not a capture at all (its damage otherwise
     *                                is in {@link #analysis()}, with offsets)
     */
    public static ReplayIndex load(Path file, Progress progress, AtomicBoolean cancel) throws CaptureFormatException {
        Builder b = new Builder(file);
        try (CaptureReader reader = CaptureReader.open(file)) {
            CaptureAnalyzer analyzer = new CaptureAnalyzer();
            analyzer.observer(b);
            CaptureRecord r;
            long n = 0;
            long size = reader.fileSize();
            while ((r = reader.next()) != null) {
                n++;
                if (n == 4096 && size > 0) {
                    // The file's size tells how many packets to expect: the columns grow once, not by doubling.
                    b.expect((long) (size / (double) Math.max(1, r.fileOffset()) * n * 1.1));
                }
                b.record(r.timestampNanos());
                analyzer.packet(r.timestampNanos(), r.linkType(), r.data(), r.originalLength(), n, r.fileOffset());
                if ((n & 0x3ff) == 0) {
                    if (progress != null && (n & 0x3fff) == 0) {
                        progress.update(Math.min(size, r.fileOffset()), size, n);
                    }
                    if (cancel != null && cancel.get()) {
                        break;
                    }
                }
            }
            Analysis a = analyzer.finish(file.toString(), reader);
            if (progress != null) {
                progress.update(size, size, n);
            }
            return b.finish(a);
        }
    }

    public Path file() {
        return file;
    }

    public Analysis analysis() {
        return analysis;
    }

    /** Capture time of the first packet (ns since 1970); the index's times count from it. */
    public long originNanos() {
        return origin;
    }

    /** Duration from the first packet to the last, ns. */
    public long durationNanos() {
        return analysis.firstNanos() < 0 ? 0 : analysis.lastNanos() - analysis.firstNanos();
    }

    public int packetCount() {
        return packets;
    }

    /** Packet indices in time order (capture order where the capture's times never go back). */
    int at(int i) {
        return order == null ? i : order[i];
    }

    /** The first packet position (time order) at or after {@code t}. */
    int firstPacketAt(long t) {
        int lo = 0;
        int hi = packets;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pt[at(mid)] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static int firstAt(long[] times, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The packet at position {@code i} (time order) as the views take it, {@code path} its path's index. */
    Samples.Packet packet(int i, int path) {
        int k = at(i);
        byte[] headers = headers(k);
        String opts = optionTexts.get(popts[k]);
        return new Samples.Packet(pt[k], pt[k], "frame " + precord[k], path, (pbits[k] & 1) != 0, pflags[k] & 0xffff,
                pseq[k], pack[k], plen[k], pdsn[k], pdataLen[k], pdataAck[k], (pbits[k] & 4) != 0, (pbits[k] & 2) != 0,
                opts, headers);
    }

    private byte[] headers(int k) {
        long off = phdr[k];
        int len = phdrLen[k] & 0xff;
        if (off < 0 || len == 0) {
            return new byte[0];
        }
        byte[] chunk = headerChunks.get((int) (off / CHUNK));
        int at = (int) (off % CHUNK);
        return Arrays.copyOfRange(chunk, at, at + len);
    }

    /** When {@code connection}'s first packet was captured (from the capture's start), -1 if none. */
    public long firstPacketNanos(int connection) {
        return connection < firstPacket.length ? firstPacket[connection] : -1;
    }

    /** The events of {@code connection}, in time order, as the log shows them. */
    public List<Samples.Event> events(int connection) {
        return eventsByConnection[connection];
    }

    /** Every data-level gap of at least {@link #MIN_STALL_NANOS}, in the order they ended. */
    public List<Stall> allStalls() {
        return stalls;
    }

    /**
     * The bookmarks of {@code connection}: its {@value #MAX_BOOKMARKS} longest stalls in its data
     * direction {@code direction} (0 client to server), in time order.
     */
    public List<Stall> bookmarks(int connection, int direction) {
        List<Stall> mine = new ArrayList<>();
        for (Stall s : stalls) {
            if (s.connection() == connection && s.direction() == direction) {
                mine.add(s);
            }
        }
        mine.sort((a, b) -> Long.compare(b.durationNanos(), a.durationNanos()));
        if (mine.size() > MAX_BOOKMARKS) {
            mine = new ArrayList<>(mine.subList(0, MAX_BOOKMARKS));
        }
        mine.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return mine;
    }

    /** Estimated heap the index takes, bytes. */
    public long bytes() {
        return (long) pt.length * 75 + headerChunks.size() * (long) CHUNK + (long) st.length * 66 + (long) ft.length * 25;
    }

    // ------------------------------------------------------------------------------ building

    /** The analyzer's observer: fills the columns as the capture is read. */
    private static final class Builder implements CaptureAnalyzer.Observer {
        private final ReplayIndex x;
        private long origin = -1;
        private long lastT = Long.MIN_VALUE;
        private boolean sorted = true;
        private long nextBoundary = Session.SAMPLE_NANOS;
        private long lastRecord;
        /** Per subflow (tcp.stream index): what the samples need; grown as subflows appear. */
        private SubflowClock[] subs = new SubflowClock[16];
        private final List<SubflowClock> open = new ArrayList<>();
        private DataClock[] conns = new DataClock[4];
        /** Per connection: its events in words, as they come (sorted at the end). */
        private final List<List<Samples.Event>> events = new ArrayList<>();
        /** Per connection: the time of its first packet. */
        private long[] firstPacket = {-1, -1, -1, -1};
        private final List<Stall> gaps = new ArrayList<>();
        /** The last reinjection and retransmission event time per connection/subflow, for one line per burst. */
        private final Map<Integer, Long> lastReinjection = new HashMap<>();
        private final Map<Integer, Long> lastRetransmit = new HashMap<>();

        Builder(Path file) {
            x = new ReplayIndex(file);
        }

        /** About {@code packets} packets will come: the packet columns are sized for them (at most 64 M). */
        void expect(long packets) {
            x.ensurePackets((int) Math.min(64L << 20, Math.max(0, packets)));
        }

        void record(long t) {
            if (origin < 0) {
                origin = t;
            }
            lastRecord = Math.max(lastRecord, t - origin);
            advance(t - origin);
        }

        /** Samples every boundary passed before {@code t} (relative). */
        private void advance(long t) {
            if (t < nextBoundary) {
                return;
            }
            while (nextBoundary <= t) {
                sample(nextBoundary);
                if (t - nextBoundary > QUIET_NANOS) {
                    // A quiet stretch: one sample shows the rates fall to 0; then jump to just before t.
                    nextBoundary = (t / Session.SAMPLE_NANOS) * Session.SAMPLE_NANOS;
                    for (SubflowClock s : open) {
                        s.rate[0].clear();
                        s.rate[1].clear();
                    }
                    for (DataClock c : conns) {
                        if (c != null) {
                            c.rate[0].clear();
                            c.rate[1].clear();
                        }
                    }
                    if (nextBoundary <= t) {
                        sample(nextBoundary);
                    }
                }
                nextBoundary += Session.SAMPLE_NANOS;
            }
        }

        private void sample(long t) {
            for (int i = open.size() - 1; i >= 0; i--) {
                SubflowClock s = open.get(i);
                for (int d = 0; d < 2; d++) {
                    x.addSample(t, s.connection, s.index, d == 1, s.backup[d], s.state, s.cwnd[d], s.rtt, s.flight[d],
                            s.rate[d].add(s.bucketBytes[d]), s.sent[d], s.retransmitted[d]);
                    s.bucketBytes[d] = 0;
                }
                if (s.state == SubflowState.CLOSED) {
                    open.remove(i);
                    s.sampled = false;
                }
            }
            for (DataClock c : conns) {
                if (c == null) {
                    continue;
                }
                for (int d = 0; d < 2; d++) {
                    if (c.active[d]) {
                        x.addFlowSample(t, c.index, d, c.rate[d].add(c.bucket[d]), c.delivered[d]);
                        c.bucket[d] = 0;
                    }
                }
            }
        }

        @Override
        public void segment(CaptureAnalyzer.Segment g) {
            long t = g.timeNanos - origin;
            if (t < lastT) {
                sorted = false;
            }
            lastT = Math.max(lastT, t);
            SubflowClock s = subflow(g.subflow, g.connection);
            if (!s.sampled) {
                // A segment after the close (a reset answering a straggler): sampled again until it is over.
                s.sampled = true;
                open.add(s);
            }
            int d = g.toClient ? 1 : 0;
            // The subflow's state as the segments show it (RFC 9293 3.3.2, seen from outside).
            boolean syn = (g.flags & TcpHeader.SYN) != 0;
            boolean ack = (g.flags & TcpHeader.ACK) != 0;
            if ((g.flags & TcpHeader.RST) != 0) {
                s.state = SubflowState.CLOSED;
            } else if ((g.flags & TcpHeader.FIN) != 0) {
                s.fin[d] = true;
                s.state = s.fin[d ^ 1] ? SubflowState.CLOSED : SubflowState.FIN_WAIT_1;
            } else if (syn) {
                s.state = ack ? SubflowState.SYN_RECEIVED : SubflowState.SYN_SENT;
            } else if (s.state == SubflowState.SYN_SENT || s.state == SubflowState.SYN_RECEIVED || s.state == null) {
                s.state = SubflowState.ESTABLISHED;
            }
            if (g.payloadLength > 0) {
                s.bucketBytes[d] += g.payloadLength;
                s.sent[d] += g.payloadLength;
                if (g.retransmitted) {
                    s.retransmitted[d] += g.payloadLength;
                }
            }
            if (g.flight >= 0) {
                s.flight[d] = g.flight;
            }
            s.cwnd[d] = g.cwndEstimate;
            if (g.roundTripNanos > 0) {
                s.rtt = g.roundTripNanos;
            }
            s.backup[d] = g.backup;

            if (g.connection >= firstPacket.length) {
                int had = firstPacket.length;
                firstPacket = Arrays.copyOf(firstPacket, Math.max(g.connection + 1, had * 2));
                Arrays.fill(firstPacket, had, firstPacket.length, -1);
            }
            if (firstPacket[g.connection] < 0 || t < firstPacket[g.connection]) {
                firstPacket[g.connection] = t;
            }
            DataClock c = connection(g.connection);
            if (g.dataAck >= 0) {
                int acked = d ^ 1;
                if (!c.ackSeen[acked]) {
                    c.ackSeen[acked] = true;
                    c.ackBase[acked] = Math.min(0, g.dataAck);
                    c.ackHigh[acked] = g.dataAck;
                    c.active[acked] = true;
                } else if (g.dataAck > c.ackHigh[acked]) {
                    c.bucket[acked] += g.dataAck - c.ackHigh[acked];
                    c.ackHigh[acked] = g.dataAck;
                }
                c.delivered[acked] = c.ackHigh[acked] - c.ackBase[acked];
            }
            if (g.dataLength > 0) {
                c.active[d] = true;
            }
            if (g.reinjected) {
                Long last = lastReinjection.get(g.connection);
                if (last == null || t - last > 1_000_000_000L) {
                    log(g.connection).add(new Samples.Event(t, 0, g.toClient ? "server" : "client", "REINJECTED", g.subflow,
                            "data that went out on another subflow is sent again on subflow " + g.subflow + " (reinjection, data level)"));
                }
                lastReinjection.put(g.connection, t);
            } else if (g.retransmitted) {
                Long last = lastRetransmit.get(g.subflow);
                if (last == null || t - last > 1_000_000_000L) {
                    log(g.connection).add(new Samples.Event(t, 0, g.toClient ? "server" : "client", "RETRANSMIT", g.subflow,
                            "retransmission on subflow " + g.subflow));
                }
                lastRetransmit.put(g.subflow, t);
            }
            x.addPacket(t, g, optionsId(g.tcp));
        }

        /** Option lists seen, each as a code of its MPTCP options' subtypes (4 bits each), and its text's id. */
        private long[] codes = new long[16];
        private short[] ids = new short[16];
        private int distinct;

        /**
         * The id of this segment's MPTCP option names ("DSS", "MP_JOIN ADD_ADDR"...), without
         * allocating for a list seen before: a capture has a handful of distinct lists.
         */
        private short optionsId(TcpHeader tcp) {
            List<TcpOption> list = tcp.options();
            long code = 0;
            int n = 0;
            for (int i = 0; i < list.size(); i++) {
                TcpOption o = list.get(i);
                if (o instanceof MptcpOption m) {
                    code = code << 5 | (m.subtype() & 0xf) + 1;
                    n++;
                } else if (o instanceof TcpOption.Malformed m && m.kind() == TcpOption.KIND_MPTCP) {
                    code = code << 5 | 0x1f;
                    n++;
                }
            }
            if (n > 12) {
                code = -1 - n; // too many to code: these share a text by count (rare: options fill 40 bytes)
            }
            for (int i = 0; i < distinct; i++) {
                if (codes[i] == code) {
                    return ids[i];
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                TcpOption o = list.get(i);
                if (o instanceof MptcpOption || o instanceof TcpOption.Malformed m && m.kind() == TcpOption.KIND_MPTCP) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(OptionFields.name(o));
                }
            }
            short id = x.optionText(sb.toString());
            if (distinct < 4096) {
                if (distinct == codes.length) {
                    codes = Arrays.copyOf(codes, distinct * 2);
                    ids = Arrays.copyOf(ids, distinct * 2);
                }
                codes[distinct] = code;
                ids[distinct++] = id;
            }
            return id;
        }

        private SubflowClock subflow(int index, int connection) {
            if (index >= subs.length) {
                subs = Arrays.copyOf(subs, Math.max(index + 1, subs.length * 2));
            }
            SubflowClock s = subs[index];
            if (s == null) {
                s = new SubflowClock(index, connection);
                subs[index] = s;
            }
            return s;
        }

        private DataClock connection(int index) {
            if (index >= conns.length) {
                conns = Arrays.copyOf(conns, Math.max(index + 1, conns.length * 2));
            }
            if (conns[index] == null) {
                conns[index] = new DataClock(index);
            }
            return conns[index];
        }

        /** Connection {@code c}'s log, made on its first word. */
        private List<Samples.Event> log(int c) {
            while (events.size() <= c) {
                events.add(new ArrayList<>());
            }
            return events.get(c);
        }

        @Override
        public void event(int connection, MptcpEvent e, boolean fromClient) {
            log(connection).add(words(e, fromClient, origin));
        }

        @Override
        public void gap(int connection, int direction, long start, long end, boolean open, long retransmits,
                        long reinjections) {
            if (end - start >= MIN_STALL_NANOS) {
                gaps.add(new Stall(connection, direction, start - origin, end - origin, open, retransmits, reinjections));
            }
        }

        ReplayIndex finish(Analysis a) {
            // The last sample at the last packet: the playhead's end shows the totals.
            sample(lastRecord);
            ReplayIndex out = new ReplayIndex(x.file, a.connections().size());
            out.copyColumnsFrom(x);
            out.analysis = a;
            out.origin = origin;
            if (!sorted) {
                Integer[] boxed = new Integer[out.packets];
                for (int i = 0; i < boxed.length; i++) {
                    boxed[i] = i;
                }
                Arrays.sort(boxed, (p, q) -> Long.compare(out.pt[p], out.pt[q]));
                out.order = new int[boxed.length];
                for (int i = 0; i < boxed.length; i++) {
                    out.order[i] = boxed[i];
                }
            }
            for (int c = 0; c < events.size() && c < out.eventsByConnection.length; c++) {
                out.eventsByConnection[c].addAll(events.get(c));
            }
            out.firstPacket = Arrays.copyOf(firstPacket, a.connections().size());
            out.stalls.addAll(gaps);
            for (Stall s : gaps) {
                out.eventsByConnection[s.connection()].add(new Samples.Event(s.endNanos(), 0,
                        s.direction() == 1 ? "client" : "server", "STALL", -1, stallWords(s)));
            }
            for (List<Samples.Event> list : out.eventsByConnection) {
                list.sort((p, q) -> Long.compare(p.t(), q.t()));
            }
            return out;
        }
    }

    /** A stall in words, for the log and the bookmarks. */
    public static String stallWords(Stall s) {
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "the data ACK %s for %.0f ms (%s data waited)",
                s.open() ? "had not moved at the capture's end" : "stood still", s.durationNanos() / 1e6,
                s.direction() == 1 ? "server to client" : "client to server"));
        if (s.retransmits() > 0 || s.reinjections() > 0) {
            sb.append(": ").append(s.retransmits()).append(s.retransmits() == 1 ? " retransmission, " : " retransmissions, ")
                    .append(s.reinjections()).append(s.reinjections() == 1 ? " reinjection" : " reinjections").append(" in it");
        }
        return sb.toString();
    }

    /** An analyzer event as the event log's kinds and words, said by the connection's client or server. */
    static Samples.Event words(MptcpEvent e, boolean fromClient, long origin) {
        String host = fromClient ? "client" : "server";
        String kind = switch (e.type()) {
            case "MP_JOIN" -> "JOIN";
            case "FIN" -> "SUBFLOW_CLOSED";
            case "RST" -> "SUBFLOW_RESET";
            case "fallback" -> "FALLBACK";
            default -> e.type().replace(' ', '_').toUpperCase(java.util.Locale.ROOT);
        };
        String detail = switch (kind) {
            case "JOIN" -> "join from " + e.from() + ", " + e.detail();
            case "SUBFLOW_CLOSED" -> "closes (FIN)";
            case "SUBFLOW_RESET" -> e.detail().replaceFirst("^subflow \\d+ ", "");
            case "ADD_ADDR" -> "announces " + e.detail();
            case "ADD_ADDR_ECHO" -> "echoes the ADD_ADDR of " + e.detail();
            case "REMOVE_ADDR" -> "withdraws " + e.detail();
            case "MP_PRIO" -> "asks for subflow " + e.subflow() + " to be " + e.detail();
            case "FALLBACK" -> "falls back to TCP: " + e.detail();
            case "DATA_FIN" -> "sends DATA_FIN: no more data from it (RFC 8684 3.3.3)";
            default -> e.detail();
        };
        return new Samples.Event(e.timeNanos() - origin, 0, host, kind, e.subflow(), detail);
    }

    private void copyColumnsFrom(ReplayIndex b) {
        packets = b.packets;
        pt = b.pt;
        pconn = b.pconn;
        psub = b.psub;
        pflags = b.pflags;
        pseq = b.pseq;
        pack = b.pack;
        plen = b.plen;
        pdsn = b.pdsn;
        pdataLen = b.pdataLen;
        pdataAck = b.pdataAck;
        pbits = b.pbits;
        popts = b.popts;
        precord = b.precord;
        phdr = b.phdr;
        phdrLen = b.phdrLen;
        optionTexts.addAll(b.optionTexts);
        headerChunks.addAll(b.headerChunks);
        headerBytes = b.headerBytes;
        samples = b.samples;
        st = b.st;
        sconn = b.sconn;
        ssub = b.ssub;
        sbits = b.sbits;
        scwnd = b.scwnd;
        srtt = b.srtt;
        sflight = b.sflight;
        sbps = b.sbps;
        ssent = b.ssent;
        sretrans = b.sretrans;
        flowSamples = b.flowSamples;
        ft = b.ft;
        fconn = b.fconn;
        fdir = b.fdir;
        fbps = b.fbps;
        fdelivered = b.fdelivered;
    }

    /** The id of an option list's text, added if new (at most 32,767 texts; later ones share the first). */
    private short optionText(String text) {
        Integer id = optionIds.get(text);
        if (id == null) {
            if (optionTexts.size() >= Short.MAX_VALUE) {
                return 0;
            }
            id = optionTexts.size();
            optionTexts.add(text);
            optionIds.put(text, id);
        }
        return id.shortValue();
    }

    /** Room for {@code n} packets in every packet column. */
    void ensurePackets(int n) {
        if (n <= pt.length) {
        return;
        }
        pt = Arrays.copyOf(pt, n);
        pconn = Arrays.copyOf(pconn, n);
        psub = Arrays.copyOf(psub, n);
        pflags = Arrays.copyOf(pflags, n);
        pseq = Arrays.copyOf(pseq, n);
        pack = Arrays.copyOf(pack, n);
        plen = Arrays.copyOf(plen, n);
        pdsn = Arrays.copyOf(pdsn, n);
        pdataLen = Arrays.copyOf(pdataLen, n);
        pdataAck = Arrays.copyOf(pdataAck, n);
        pbits = Arrays.copyOf(pbits, n);
        popts = Arrays.copyOf(popts, n);
        precord = Arrays.copyOf(precord, n);
        phdr = Arrays.copyOf(phdr, n);
        phdrLen = Arrays.copyOf(phdrLen, n);
    }

    private void addPacket(long t, CaptureAnalyzer.Segment g, short optionsId) {
        if (packets == pt.length) {
            ensurePackets(pt.length * 2);
        }
        int i = packets++;
        pt[i] = t;
        pconn[i] = g.connection;
        psub[i] = g.subflow;
        pflags[i] = (short) g.flags;
        pseq[i] = g.seq;
        pack[i] = g.ack;
        plen[i] = g.payloadLength;
        pdsn[i] = g.dsn;
        pdataLen[i] = g.dataLength;
        pdataAck[i] = g.dataAck;
        pbits[i] = (byte) ((g.toClient ? 1 : 0) | (g.retransmitted ? 2 : 0) | (g.reinjected ? 4 : 0));
        popts[i] = optionsId;
        precord[i] = g.record;
        int len = Math.min(255, Math.max(0, Math.min(g.headerLength, g.frame.length - g.networkOffset)));
        if (len > 0 && headerBytes + len <= HEADER_BUDGET) {
            int chunk = (int) (headerBytes / CHUNK);
            int at = (int) (headerBytes % CHUNK);
            if (at + len > CHUNK) {
                // A header never straddles two chunks.
                headerBytes = (long) (chunk + 1) * CHUNK;
                chunk++;
                at = 0;
            }
            while (headerChunks.size() <= chunk) {
                headerChunks.add(new byte[CHUNK]);
            }
            System.arraycopy(g.frame, g.networkOffset, headerChunks.get(chunk), at, len);
            phdr[i] = headerBytes;
            phdrLen[i] = (byte) len;
            headerBytes += len;
        } else {
            phdr[i] = -1;
            phdrLen[i] = 0;
        }
    }

    private void addSample(long t, int conn, int sub, boolean toClient, boolean backup, SubflowState state, long cwnd,
                           long rtt, long flight, double bps, long sent, long retrans) {
        if (samples == st.length) {
            int n = st.length * 2;
            st = Arrays.copyOf(st, n);
            sconn = Arrays.copyOf(sconn, n);
            ssub = Arrays.copyOf(ssub, n);
            sbits = Arrays.copyOf(sbits, n);
            scwnd = Arrays.copyOf(scwnd, n);
            srtt = Arrays.copyOf(srtt, n);
            sflight = Arrays.copyOf(sflight, n);
            sbps = Arrays.copyOf(sbps, n);
            ssent = Arrays.copyOf(ssent, n);
            sretrans = Arrays.copyOf(sretrans, n);
        }
        int i = samples++;
        st[i] = t;
        sconn[i] = conn;
        ssub[i] = sub;
        sbits[i] = (short) ((toClient ? 1 : 0) | (backup ? 2 : 0) | (state == null ? SubflowState.ESTABLISHED : state).ordinal() << 2);
        scwnd[i] = cwnd;
        srtt[i] = rtt;
        sflight[i] = flight;
        sbps[i] = (float) bps;
        ssent[i] = sent;
        sretrans[i] = retrans;
    }

    private void addFlowSample(long t, int conn, int dir, double bps, long delivered) {
        if (flowSamples == ft.length) {
            int n = ft.length * 2;
            ft = Arrays.copyOf(ft, n);
            fconn = Arrays.copyOf(fconn, n);
            fdir = Arrays.copyOf(fdir, n);
            fbps = Arrays.copyOf(fbps, n);
            fdelivered = Arrays.copyOf(fdelivered, n);
        }
        int i = flowSamples++;
        ft[i] = t;
        fconn[i] = conn;
        fdir[i] = (byte) dir;
        fbps[i] = (float) bps;
        fdelivered[i] = delivered;
    }

    /**
     * Rates over several samples: a capture's packets come in bursts (an ACK releases a window at
     * once, a data ACK covers many segments), so one 20 ms bucket swings between 0 and many times
     * the rate. Send rates over 100 ms, goodput (the data ACK's progress) over 200 ms.
     */
    static final int RATE_BUCKETS = 5;
    static final int GOODPUT_BUCKETS = 10;

    /** The mean of the last {@code n} buckets' bytes, as bits per second. */
    static final class Rate {
        private final long[] ring;
        private int at;
        private long sum;

        Rate(int n) {
            ring = new long[n];
        }

        void clear() {
            Arrays.fill(ring, 0);
            sum = 0;
        }

        double add(long bytes) {
            sum += bytes - ring[at];
            ring[at] = bytes;
            at = (at + 1) % ring.length;
            return sum * 8e9 / ((double) Session.SAMPLE_NANOS * ring.length);
        }
    }

    static SubflowState stateOf(short bits) {
        return SubflowState.values()[bits >>> 2];
    }

    /** One subflow's running state while the capture is read. */
    private static final class SubflowClock {
        final int index;
        final int connection;
        SubflowState state;
        final boolean[] fin = new boolean[2];
        final boolean[] backup = new boolean[2];
        final long[] bucketBytes = new long[2];
        final long[] sent = new long[2];
        final long[] retransmitted = new long[2];
        final long[] flight = new long[2];
        final long[] cwnd = new long[2];
        long rtt = -1;
        final Rate[] rate = {new Rate(RATE_BUCKETS), new Rate(RATE_BUCKETS)};
        /** In the list of subflows sampled at each boundary. */
        boolean sampled;

        SubflowClock(int index, int connection) {
            this.index = index;
            this.connection = connection;
        }
    }

    /** One connection's data level while the capture is read: the data ACK's progress per direction. */
    private static final class DataClock {
        final int index;
        final boolean[] active = new boolean[2];
        final boolean[] ackSeen = new boolean[2];
        final long[] ackBase = new long[2];
        final long[] ackHigh = new long[2];
        final long[] bucket = new long[2];
        final long[] delivered = new long[2];
        final Rate[] rate = {new Rate(GOODPUT_BUCKETS), new Rate(GOODPUT_BUCKETS)};

        DataClock(int index) {
            this.index = index;
        }
    }
}

package org.mptcplab.stack.analyze;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * One-way delays from two captures of the same traffic, one taken at the client's end and one at
 * the server's: each TCP segment seen in both (the same 4-tuple, sequence and acknowledgment
 * numbers, flags, payload length and TSval) crossed the network between the two capture points,
 * and the difference of its two timestamps is its one-way delay in that direction.
 *
 * <p>The two clocks are not the same clock: each delay carries their offset, plus in one
 * direction, minus in the other. The sum of the two directions' smallest delays is free of it
 * (the smallest round trip), and half the difference of the smallest delays estimates the offset
 * if the path's shortest delays are symmetric ({@link Result#clockOffsetNanos()}).
 *
 * <p>The client-side capture's segments are kept in a hash table of 64-bit fingerprints (16
 * bytes each before the table's slack) and the server-side capture is streamed against it; the
 * matched delays are kept (8 bytes each) for exact medians. Memory grows with the captures, not
 * per connection as in {@link CaptureAnalyzer}: a million segments take some 100 MB. Identical
 * segments (duplicate ACKs within one timestamp tick, or retransmissions without timestamps) are
 * matched in order, the n-th copy on one side with the n-th on the other: if a copy was lost
 * between the two, the later ones are matched one off, an error of the time between copies.
 * Address or port rewriting between the capture points (NAT) hides the match: such captures give
 * no delays.
 */
public final class OneWayDelays {

    /**
     * One direction's delays in nanoseconds, exact. Signed: with the clocks' offset a delay may
     * come out negative.
     */
    public record DelaySummary(long samples, long minNanos, long medianNanos, long maxNanos) {
    }

    /** Delays of one subflow (or of all) in both directions; a null summary when nothing matched that way. */
    public record Delays(String subflow, DelaySummary toServer, DelaySummary toClient) {
    }

    /**
     * @param clientPackets    TCP segments in the client-side capture
     * @param serverPackets    TCP segments in the server-side capture
     * @param matched          segments found in both
     * @param repeated         client-side segments identical to an earlier one (matched by their order)
     * @param all              every matched segment
     * @param subflows         per subflow ("client:port -> server:port" as the client side saw it), in order of first match
     * @param clockOffsetNanos (smallest client-to-server delay - smallest server-to-client delay) / 2
     *                         on the subflow with the shortest round trip: how far the server side's
     *                         clock is ahead, if that path's shortest delays are symmetric; null
     *                         unless some subflow matched both ways
     */
    public record Result(long clientPackets, long serverPackets, long matched, long repeated, Delays all,
                         List<Delays> subflows, Long clockOffsetNanos) {
    }

    private OneWayDelays() {
    }

    /** Matches {@code serverSide}'s segments against {@code clientSide}'s. */
    public static Result combine(Path clientSide, Path serverSide) throws CaptureFormatException {
        LongLongTable seen = new LongLongTable();
        LongLongTable copies = new LongLongTable();
        Map<Long, Boolean> clientOfFlow = new java.util.HashMap<>();
        long clientPackets = 0;
        long repeated = 0;
        try (CaptureReader r = CaptureReader.open(clientSide)) {
            CaptureRecord rec;
            while ((rec = r.next()) != null) {
                DecodedPacket p = PacketDecoder.decode(rec.linkType(), rec.data());
                if (p.tcp() == null) {
                    continue;
                }
                clientPackets++;
                // Identical segments (duplicate ACKs within one timestamp tick) are told apart by
                // their order: the n-th copy on one side is the n-th on the other.
                long fp = fingerprint(p, rec.originalLength());
                long nth = copies.get(fp);
                nth = nth == LongLongTable.ABSENT ? 0 : nth + 1;
                copies.put(fp, nth);
                if (nth > 0) {
                    repeated++;
                }
                seen.put(mix(fp, nth), rec.timestampNanos());
                // Which end is the client of each 4-tuple: the SYN's sender, else the first sender.
                TcpHeader t = p.tcp();
                long flow = flowKey(p);
                if (!clientOfFlow.containsKey(flow) || t.has(TcpHeader.SYN) && !t.has(TcpHeader.ACK)) {
                    clientOfFlow.put(flow, !(t.has(TcpHeader.SYN) && t.has(TcpHeader.ACK)) == isForward(p));
                }
            }
        }
        Map<String, LongList[]> perSubflow = new LinkedHashMap<>();
        LongList allToServer = new LongList();
        LongList allToClient = new LongList();
        long serverPackets = 0;
        LongLongTable serverCopies = new LongLongTable();
        long matched = 0;
        try (CaptureReader r = CaptureReader.open(serverSide)) {
            CaptureRecord rec;
            while ((rec = r.next()) != null) {
                DecodedPacket p = PacketDecoder.decode(rec.linkType(), rec.data());
                if (p.tcp() == null) {
                    continue;
                }
                serverPackets++;
                long fp = fingerprint(p, rec.originalLength());
                long nth = serverCopies.get(fp);
                nth = nth == LongLongTable.ABSENT ? 0 : nth + 1;
                serverCopies.put(fp, nth);
                long tc = seen.get(mix(fp, nth));
                if (tc == LongLongTable.ABSENT) {
                    continue;
                }
                matched++;
                Boolean forwardIsClient = clientOfFlow.get(flowKey(p));
                boolean fromClient = forwardIsClient == null || forwardIsClient == isForward(p);
                String name = fromClient ? endpoint(p.source(), p.tcp().sourcePort()) + " -> "
                        + endpoint(p.destination(), p.tcp().destinationPort())
                        : endpoint(p.destination(), p.tcp().destinationPort()) + " -> "
                        + endpoint(p.source(), p.tcp().sourcePort());
                LongList[] s = perSubflow.computeIfAbsent(name, k -> new LongList[] {new LongList(), new LongList()});
                long ts = rec.timestampNanos();
                long delay = fromClient ? ts - tc : tc - ts;
                s[fromClient ? 0 : 1].add(delay);
                (fromClient ? allToServer : allToClient).add(delay);
            }
        }
        List<Delays> subs = new ArrayList<>();
        for (Map.Entry<String, LongList[]> e : perSubflow.entrySet()) {
            subs.add(new Delays(e.getKey(), e.getValue()[0].summary(), e.getValue()[1].summary()));
        }
        Delays all = new Delays("all", allToServer.summary(), allToClient.summary());
        // The offset from the subflow with the shortest round trip: its path is the likeliest to
        // be symmetric (paths of different subflows may differ, and their minima do not pair).
        Long offset = null;
        long shortest = Long.MAX_VALUE;
        for (Delays d : subs) {
            if (d.toServer() != null && d.toClient() != null
                    && d.toServer().minNanos() + d.toClient().minNanos() < shortest) {
                shortest = d.toServer().minNanos() + d.toClient().minNanos();
                offset = (d.toServer().minNanos() - d.toClient().minNanos()) / 2;
            }
        }
        return new Result(clientPackets, serverPackets, matched, repeated, all, subs, offset);
    }

    /** A growable array of delays; summarised exactly (sorted) at the end. */
    private static final class LongList {
        private long[] a = new long[64];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        DelaySummary summary() {
            if (n == 0) {
                return null;
            }
            long[] s = java.util.Arrays.copyOf(a, n);
            java.util.Arrays.sort(s);
            return new DelaySummary(n, s[0], s[(n - 1) / 2], s[n - 1]);
        }
    }

    private static String endpoint(IpAddress a, int port) {
        return a instanceof Ipv6Address ? "[" + a + "]:" + port : a + ":" + port;
    }

    /** Address words of a packet: source high/low, destination high/low. */
    private static long[] words(DecodedPacket p) {
        if (p.ipv4() != null) {
            return new long[] {p.ipv4().source().bits() & 0xffffffffL, 0, p.ipv4().destination().bits() & 0xffffffffL, 0};
        }
        Ipv6Address s = p.ipv6().source();
        Ipv6Address d = p.ipv6().destination();
        return new long[] {s.high(), s.low(), d.high(), d.low()};
    }

    /** Whether the packet goes from the lower endpoint to the higher (an order independent of who is client). */
    private static boolean isForward(DecodedPacket p) {
        long[] w = words(p);
        int c = Long.compareUnsigned(w[0], w[2]);
        if (c == 0) {
            c = Long.compareUnsigned(w[1], w[3]);
        }
        if (c == 0) {
            c = Integer.compare(p.tcp().sourcePort(), p.tcp().destinationPort());
        }
        return c < 0;
    }

    /** The undirected 4-tuple, hashed. */
    private static long flowKey(DecodedPacket p) {
        long[] w = words(p);
        int sp = p.tcp().sourcePort();
        int dp = p.tcp().destinationPort();
        if (!isForward(p)) {
            w = new long[] {w[2], w[3], w[0], w[1]};
            int x = sp;
            sp = dp;
            dp = x;
        }
        return mix(mix(mix(mix(mix(17, w[0]), w[1]), w[2]), w[3]), ((long) sp << 16) | dp);
    }

    /** The segment: directed 4-tuple, seq, ack, flags, payload length on the wire and TSval. */
    static long fingerprint(DecodedPacket p, int originalLength) {
        long[] w = words(p);
        TcpHeader t = p.tcp();
        long tsval = -1;
        for (TcpOption o : t.options()) {
            if (o instanceof TcpOption.Timestamps ts) {
                tsval = ts.tsVal();
                break;
            }
        }
        int header = TcpHeader.dataOffset(p.data(), p.tcpOffset());
        long len = Math.min(p.tcpSegmentLengthOnWire(), originalLength - p.tcpOffset()) - header;
        long h = mix(mix(mix(mix(17, w[0]), w[1]), w[2]), w[3]);
        h = mix(h, ((long) t.sourcePort() << 16) | t.destinationPort());
        h = mix(h, ((long) t.sequenceNumber() << 32) | (t.acknowledgmentNumber() & 0xffffffffL));
        h = mix(h, (len << 8) | t.flags());
        return mix(h, tsval);
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x9E3779B97F4A7C15L;
        x ^= x >>> 32;
        x *= 0xC2B2AE3D27D4EB4FL;
        return x ^ (x >>> 29);
    }

    /** Open addressing, long keys to long values, no boxing. */
    static final class LongLongTable {
        static final long ABSENT = Long.MAX_VALUE;
        private long[] keys = new long[1 << 12];
        private long[] values = new long[1 << 12];
        private boolean[] used = new boolean[1 << 12];
        private int size;

        long get(long k) {
            int mask = keys.length - 1;
            int i = (int) (k ^ (k >>> 32)) & mask;
            while (used[i]) {
                if (keys[i] == k) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return ABSENT;
        }

        void put(long k, long v) {
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = (int) (k ^ (k >>> 32)) & mask;
            while (used[i]) {
                if (keys[i] == k) {
                    values[i] = v;
                    return;
                }
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = v;
            used[i] = true;
            size++;
        }

        private void grow() {
            long[] ok = keys;
            long[] ov = values;
            boolean[] ou = used;
            keys = new long[ok.length * 2];
            values = new long[ok.length * 2];
            used = new boolean[ok.length * 2];
            size = 0;
            for (int i = 0; i < ok.length; i++) {
                if (ou[i]) {
                    put(ok[i], ov[i]);
                }
            }
        }
    }
}

package org.mptcplab.app.session;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.mptcplab.stack.decode.OptionFields;
import org.mptcplab.stack.emu.Path;
import org.mptcplab.stack.emu.PathDirection;
import org.mptcplab.stack.emu.PacketListener;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Records the MPTCP connection's packets on the session's paths for the data-sequence graph, the
 * ladder diagram and the packet inspector. A packet is decoded when it is sent and stored when its
 * fate is known (delivered or dropped). The emulator hands the same array to both events, so the
 * pending packet is found by identity (no faults or middleboxes copy it in a session).
 *
 * <p>Data sequence numbers are shown relative to the first mapping seen, modulo 2^32 when the
 * option carries only the low 32 bits (RFC 8684 3.3: a DSS may send 4-byte DSNs and data ACKs).
 */
final class PacketRecorder implements PacketListener {
    private final List<Path> paths;
    private final SampleStore store;
    private final Map<byte[], Pending> pending = new IdentityHashMap<>();
    /** Highest subflow sequence number sent per (path, direction, ports): below it is a retransmission. */
    private final Map<Long, Long> subflowHigh = new HashMap<>();
    private long dsnBase;
    /** DSNs are 64-bit unsigned: any value, negative as a Java long, can be the base. */
    private boolean haveBase;
    private long dataHigh = -1;

    private record Pending(long t, int path, boolean toClient, DecodedPacket p, long dsn, int dataLength, long dataAck,
                           boolean reinjected, boolean retransmitted, String options) {
    }

    /** How packets reach {@link #sent}: raw IP from the emulator, Ethernet frames from a live device. */
    private final int linkType;

    PacketRecorder(List<Path> paths, SampleStore store) {
        this(paths, store, PacketDecoder.LINK_RAW);
    }

    private PacketRecorder(List<Path> paths, SampleStore store, int linkType) {
        this.paths = paths;
        this.store = store;
        this.linkType = linkType;
    }

    /** For a live session: Ethernet frames, each seen at our end only ({@link #seen}). */
    static PacketRecorder live(SampleStore store) {
        return new PacketRecorder(List.of(), store, PacketDecoder.LINK_ETHERNET);
    }

    /**
     * A live frame seen at our end (the client) at {@code now}, on path {@code path}: sent by us
     * ({@code toClient} false) or received. Its time at the far end cannot be seen here; it is
     * estimated as {@code oneWayNanos} (half the subflow's smoothed RTT) after or before, so that
     * the ladder can draw it. Frames that are not TCP (ARP, neighbour discovery) are not kept.
     */
    void seen(long now, int path, boolean toClient, byte[] frame, long oneWayNanos) {
        sent(toClient ? now - oneWayNanos : now, path, toClient, frame);
        Pending p = pending.remove(frame);
        if (p == null) {
            return;
        }
        store(p, toClient ? now : now + oneWayNanos, "delivered", frame);
    }

    /**
     * Copies what it keeps (the headers, at delivery or drop) and holds a datagram's array only as
     * a key between its sending and its fate, before the network may reuse it: the network may
     * recycle arrays (PacketListener#keepsArrays).
     */
    @Override
    public boolean keepsArrays() {
        return false;
    }

    @Override
    public void packet(long now, PathDirection d, PacketEvent event, byte[] data) {
        int path = paths.indexOf(d.path());
        if (path < 0) {
            return;
        }
        if (event == PacketEvent.SENT) {
            sent(now, path, d == d.path().bToA(), data);
            return;
        }
        Pending p = pending.remove(data);
        if (p == null) {
            return;
        }
        String fate = switch (event) {
            case DELIVERED -> "delivered";
            case DROPPED_LOSS -> "lost";
            case DROPPED_QUEUE -> "queue";
            case DROPPED_DOWN -> "down";
            default -> "dropped";
        };
        store(p, event == PacketEvent.DELIVERED ? now : -1, fate, data);
    }

    private void store(Pending p, long arrivedAt, String fate, byte[] data) {
        DecodedPacket dp = p.p();
        int headerEnd = Math.min(data.length, dp.payloadOffset());
        byte[] headers = java.util.Arrays.copyOfRange(data, Math.min(dp.networkOffset(), Math.max(0, headerEnd)), Math.max(0, headerEnd));
        store.add(new Samples.Packet(p.t(), arrivedAt, fate, p.path(), p.toClient(),
                dp.tcp().flags(), Integer.toUnsignedLong(dp.tcp().sequenceNumber()),
                Integer.toUnsignedLong(dp.tcp().acknowledgmentNumber()), dp.payloadLength(), p.dsn(), p.dataLength(),
                p.dataAck(), p.reinjected(), p.retransmitted(), p.options(), headers));
    }

    private void sent(long now, int path, boolean toClient, byte[] data) {
        DecodedPacket p = PacketDecoder.decode(linkType, data, data.length);
        if (p.isMalformed() || p.tcp() == null) {
            return;
        }
        long dsn = -1;
        int dataLength = 0;
        long dataAck = -1;
        StringBuilder opts = new StringBuilder();
        for (TcpOption o : p.tcp().options()) {
            if (o instanceof MptcpOption m) {
                if (opts.length() > 0) {
                    opts.append(' ');
                }
                opts.append(OptionFields.name(o));
                if (m instanceof MptcpOption.Dss dss) {
                    if (dss.hasMapping() && dss.dataLevelLength() > 0) {
                        if (!haveBase) {
                            dsnBase = dss.dataSequenceNumber();
                            haveBase = true;
                        }
                        dsn = relative(dss.dataSequenceNumber(), dss.dsnIs64());
                        dataLength = dss.dataLevelLength();
                    }
                    if (dss.hasDataAck() && haveBase) {
                        dataAck = relative(dss.dataAck(), dss.dataAckIs64());
                    }
                }
            }
        }
        boolean retransmitted = false;
        if (p.payloadLength() > 0) {
            long key = ((long) path << 40) ^ ((toClient ? 1L : 0L) << 39) ^ ((long) p.tcp().sourcePort() << 16) ^ p.tcp().destinationPort();
            long seq = Integer.toUnsignedLong(p.tcp().sequenceNumber());
            long end = seq + p.payloadLength();
            Long high = subflowHigh.get(key);
            // Sequence space is 32 bits; a wrap is a jump back of more than 2^31.
            retransmitted = high != null && end <= high && high - end < (1L << 31);
            if (high == null || end > high || high - end >= (1L << 31)) {
                subflowHigh.put(key, end);
            }
        }
        boolean reinjected = false;
        if (dsn >= 0 && toClient) {
            long end = dsn + dataLength;
            // Data sent again at the data level but not as a subflow retransmission: a reinjection
            // (RFC 8684 3.3.6), typically onto another subflow after one failed.
            reinjected = !retransmitted && end <= dataHigh;
            dataHigh = Math.max(dataHigh, end);
        }
        pending.put(data, new Pending(now, path, toClient, p, dsn, dataLength, dataAck, reinjected, retransmitted,
                opts.toString()));
    }

    private long relative(long value, boolean is64) {
        long r = value - dsnBase;
        return is64 ? r : r & 0xFFFF_FFFFL;
    }
}

package org.mptcplab.stack.analyze;

import java.util.ArrayList;
import java.util.List;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/** Hand-built raw IP frames fed straight to a {@link CaptureAnalyzer}, with a clock in milliseconds. */
final class Frames {
    final CaptureAnalyzer analyzer = new CaptureAnalyzer();
    long record;

    static final int SYN = TcpHeader.SYN;
    static final int ACK = TcpHeader.ACK;
    static final int SYN_ACK = TcpHeader.SYN | TcpHeader.ACK;
    static final int FIN_ACK = TcpHeader.FIN | TcpHeader.ACK;
    static final int RST = TcpHeader.RST;
    static final long MS = 1_000_000L;

    /** One TCP segment of {@code payload} bytes at {@code ms} milliseconds. */
    Frames send(double ms, String src, int sport, String dst, int dport, int flags, int seq, int ack, int payload,
                TcpOption... options) {
        List<TcpOption> opts = new ArrayList<>(List.of(options));
        TcpHeader tcp = TcpHeader.of(sport, dport, seq, ack, flags, 65535, opts);
        byte[] frame = PacketBuilder.ipTcp(IpAddress.parse(src), IpAddress.parse(dst), tcp, new byte[payload]);
        record++;
        analyzer.packet(Math.round(ms * MS), LinkType.RAW, frame, frame.length, record, 24 + 16 * record);
        return this;
    }

    /** Feeds a frame as is (for broken ones). */
    Frames raw(double ms, byte[] frame) {
        record++;
        analyzer.packet(Math.round(ms * MS), LinkType.RAW, frame, frame.length, record, 24 + 16 * record);
        return this;
    }

    Analysis finish() {
        return analyzer.finish("test", null);
    }
}

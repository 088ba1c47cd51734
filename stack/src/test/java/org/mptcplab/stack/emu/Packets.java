package org.mptcplab.stack.emu;

import java.util.ArrayList;
import java.util.List;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/** IP/TCP datagrams for the tests, built with {@link PacketBuilder}. */
final class Packets {
    static final IpAddress A4 = IpAddress.parse("10.0.0.1");
    static final IpAddress B4 = IpAddress.parse("10.0.0.2");
    static final IpAddress A6 = IpAddress.parse("fd00::1");
    static final IpAddress B6 = IpAddress.parse("fd00::2");
    /** IPv4 (20) + TCP without options (20). */
    static final int HEADERS = 40;

    private Packets() {
    }

    /** An IPv4 TCP datagram of exactly {@code totalLength} bytes; the sequence number tells them apart. */
    static byte[] sized(int seq, int totalLength) {
        return tcp(A4, B4, seq, totalLength - HEADERS, List.of());
    }

    static byte[] tcp(IpAddress src, IpAddress dst, int seq, int payloadLength, List<TcpOption> options) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++) {
            payload[i] = (byte) (seq * 31 + i);
        }
        TcpHeader h = TcpHeader.of(40000, 80, seq, 1, TcpHeader.ACK | (payloadLength > 0 ? TcpHeader.PSH : 0), 65535,
                options);
        return PacketBuilder.ipTcp(src, dst, h, payload);
    }

    /** Options as the stack would send them on a data segment: timestamps and a DSS. */
    static List<TcpOption> mptcpDataOptions(int seq) {
        List<TcpOption> o = new ArrayList<>();
        o.add(new TcpOption.Nop());
        o.add(new TcpOption.Nop());
        o.add(new TcpOption.Timestamps(1000 + seq, 2000));
        o.add(MptcpOption.Dss.mapping(77, 1000L + seq, seq, 100, -1, false));
        return o;
    }

    static DecodedPacket decode(byte[] datagram) {
        return PacketDecoder.decode(PacketDecoder.LINK_RAW, datagram);
    }

    /** The sequence number of an IPv4/IPv6 TCP datagram. */
    static int seq(byte[] datagram) {
        return decode(datagram).tcp().sequenceNumber();
    }
}

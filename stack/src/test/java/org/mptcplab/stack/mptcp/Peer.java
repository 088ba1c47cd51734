package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * A script harness in the style of smoltcp's socket tests: ONE {@link MptcpStack} ("us") driven
 * directly, the test playing the remote host ("the peer") by hand. Segments the peer sends are
 * {@link Seg} values derived from a template with only the differing fields spelled out; what the
 * stack sends is decoded with {@link PacketDecoder} into {@link Out}. Time is virtual: the test
 * moves it with {@link #advance} or jumps to the stack's next timer with {@link #fire}.
 *
 * <p>Addresses: we are 10.0.0.1/24 on interface 0 (and, with {@code twoInterfaces}, 10.1.0.1/24 on
 * interface 1); the peer is 10.0.0.2 (and 10.1.0.2).
 */
final class Peer {
    static final Ipv4Address US = Ipv4Address.of(10, 0, 0, 1);
    static final Ipv4Address THEM = Ipv4Address.of(10, 0, 0, 2);
    static final Ipv4Address US2 = Ipv4Address.of(10, 1, 0, 1);
    static final Ipv4Address THEM2 = Ipv4Address.of(10, 1, 0, 2);
    static final int PORT = 80;
    static final int PEER_PORT = 50000;
    static final long MS = 1_000_000L;
    static final byte[] NONE = new byte[0];

    /** The peer's segment template: from 10.0.0.2:50000 to 10.0.0.1:80, ACK, window 65535, no options. */
    static final Seg TEMPL = new Seg(THEM, US, PEER_PORT, PORT, 0, 0, TcpHeader.ACK, 65535, List.of(), NONE, 0);

    final MptcpStack stack;
    long now = 1_000 * MS;
    /**
     * This conversation's template: {@link #TEMPL} for a connection the peer opens; with the ports
     * swapped (from 10.0.0.2:80 to our ephemeral port) once we connect.
     */
    Seg t = TEMPL;

    // ---- our application side
    final List<MptcpSocket> accepted = new ArrayList<>();
    MptcpSocket socket;
    /** When false the application does not read: the receive buffer fills and the window closes. */
    boolean autoRead = true;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean eof;
    boolean closed;
    String closedReason;
    int connectedCalls;

    // ---- the peer's view of the conversation (kept by the test through the helpers)
    /** Peer's next sequence number to send. */
    int pSeq;
    /** What the peer acknowledges: our next sequence number. */
    int pAck;
    /** Our ISN as seen in our SYN or SYN/ACK. */
    int ourIss;
    /** Peer key (MPTCP) and ours as learned from the handshake. */
    long peerKey = 0x0102030405060708L;
    long ourKey;
    /** Data-level: the peer's next DSN to send, and the next DSN of ours it expects. */
    long pDsn;
    long pDataAck;

    Peer(StackConfig cfg) {
        this(cfg, false, 7);
    }

    Peer(StackConfig cfg, boolean twoInterfaces, long seed) {
        stack = new MptcpStack("us", cfg, seed);
        stack.addAddress(0, US, 24);
        if (twoInterfaces) {
            stack.addAddress(1, US2, 24);
        }
    }

    // =====================================================================================
    // Segments

    /** A segment the peer sends. The options list is written as given (the test pads it). */
    record Seg(IpAddress src, IpAddress dst, int sport, int dport, int seq, int ack, int flags, int window,
               List<TcpOption> options, byte[] payload, int iface) {
        Seg seq(int v) {
            return new Seg(src, dst, sport, dport, v, ack, flags, window, options, payload, iface);
        }

        Seg ack(int v) {
            return new Seg(src, dst, sport, dport, seq, v, flags, window, options, payload, iface);
        }

        Seg flags(int v) {
            return new Seg(src, dst, sport, dport, seq, ack, v, window, options, payload, iface);
        }

        Seg window(int v) {
            return new Seg(src, dst, sport, dport, seq, ack, flags, v, options, payload, iface);
        }

        Seg options(TcpOption... v) {
            return new Seg(src, dst, sport, dport, seq, ack, flags, window, List.of(v), payload, iface);
        }

        Seg options(List<TcpOption> v) {
            return new Seg(src, dst, sport, dport, seq, ack, flags, window, v, payload, iface);
        }

        Seg payload(byte[] v) {
            return new Seg(src, dst, sport, dport, seq, ack, flags, window, options, v, iface);
        }

        Seg sport(int v) {
            return new Seg(src, dst, v, dport, seq, ack, flags, window, options, payload, iface);
        }

        Seg dport(int v) {
            return new Seg(src, dst, sport, v, seq, ack, flags, window, options, payload, iface);
        }

        Seg from(IpAddress v, int ifc) {
            return new Seg(v, dst, sport, dport, seq, ack, flags, window, options, payload, ifc);
        }

        Seg to(IpAddress v) {
            return new Seg(src, v, sport, dport, seq, ack, flags, window, options, payload, iface);
        }

        byte[] bytes() {
            TcpHeader h = TcpHeader.of(sport, dport, seq, ack, flags, window, options);
            return PacketBuilder.ipTcp(src, dst, h, payload);
        }
    }

    /** A datagram the stack sent, decoded. */
    record Out(int iface, byte[] raw, DecodedPacket p, TcpHeader h, byte[] payload) {
        int seq() {
            return h.sequenceNumber();
        }

        int ack() {
            return h.acknowledgmentNumber();
        }

        int flags() {
            return h.flags() & 0x3f;
        }

        int window() {
            return h.window();
        }

        boolean has(int flag) {
            return h.has(flag);
        }

        <T extends TcpOption> T opt(Class<T> c) {
            for (TcpOption o : h.options()) {
                if (c.isInstance(o)) {
                    return c.cast(o);
                }
            }
            return null;
        }

        <T extends TcpOption> List<T> opts(Class<T> c) {
            List<T> l = new ArrayList<>();
            for (TcpOption o : h.options()) {
                if (c.isInstance(o)) {
                    l.add(c.cast(o));
                }
            }
            return l;
        }

        MptcpOption mptcp(int subtype) {
            return h.mptcp(subtype);
        }

        boolean hasAnyMptcp() {
            return h.options().stream().anyMatch(o -> o instanceof MptcpOption);
        }

        IpAddress src() {
            return p.source();
        }

        IpAddress dst() {
            return p.destination();
        }

        @Override
        public String toString() {
            return p.source() + ":" + h.sourcePort() + " > " + p.destination() + ":" + h.destinationPort() + " ["
                    + TcpHeader.flagNames(h.flags()) + "] seq " + Integer.toUnsignedString(h.sequenceNumber()) + " ack "
                    + Integer.toUnsignedString(h.acknowledgmentNumber()) + " win " + h.window() + " len " + payload.length
                    + " " + h.options();
        }
    }

    // =====================================================================================
    // Driving the stack

    /** The peer sends {@code s} (built with correct checksums) at the current time. */
    void send(Seg s) {
        byte[] b = s.bytes();
        stack.handlePacket(now, s.iface(), b, 0, b.length);
    }

    /** Raw bytes arrive on interface 0. */
    void sendRaw(byte[] b) {
        stack.handlePacket(now, 0, b, 0, b.length);
    }

    /** The next datagram the stack sent, or null. */
    Out recv() {
        Endpoint.Transmit t = stack.pollTransmit(now);
        if (t == null) {
            return null;
        }
        DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_RAW, t.packet());
        assertThat(p.error()).as("the stack sent a datagram that does not decode").isNull();
        assertThat(p.tcpChecksumValid()).as("TCP checksum of what the stack sent").isTrue();
        assertThat(p.ipv4ChecksumValid()).as("IPv4 header checksum of what the stack sent").isTrue();
        byte[] pay = Arrays.copyOfRange(t.packet(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        return new Out(t.iface(), t.packet(), p, p.tcp(), pay);
    }

    /** The next datagram, which must exist. */
    Out expect() {
        Out o = recv();
        if (o == null) {
            fail("expected the stack to send a segment at t=" + now / MS + " ms, it sent none");
        }
        return o;
    }

    /** Everything the stack sent so far. */
    List<Out> drain() {
        List<Out> l = new ArrayList<>();
        Out o;
        while ((o = recv()) != null) {
            l.add(o);
        }
        return l;
    }

    void expectNothing() {
        Out o = recv();
        if (o != null) {
            fail("expected no segment at t=" + now / MS + " ms, the stack sent " + o);
        }
    }

    /** Moves time forward by {@code nanos}, running every timer that falls due on the way, in order. */
    void advance(long nanos) {
        long end = now + nanos;
        while (stack.nextTimeout() <= end) {
            now = Math.max(now, stack.nextTimeout());
            stack.handleTimeout(now);
        }
        now = end;
    }

    /** Jumps to the stack's next timer and runs it; returns how long that was from the previous time. */
    long fire() {
        long t = stack.nextTimeout();
        assertThat(t).as("a timer is pending").isNotEqualTo(Endpoint.NEVER);
        long waited = t - now;
        now = Math.max(now, t);
        stack.handleTimeout(now);
        return waited;
    }

    // =====================================================================================
    // Our application

    MptcpSocket.Handler handler() {
        return new MptcpSocket.Handler() {
            @Override
            public void onConnected(long t, MptcpSocket s) {
                connectedCalls++;
            }

            @Override
            public void onReadable(long t, MptcpSocket s) {
                if (autoRead) {
                    read(s, t);
                }
            }

            @Override
            public void onClosed(long t, MptcpSocket s, String reason) {
                closed = true;
                closedReason = reason;
            }
        };
    }

    private void read(MptcpSocket s, long t) {
        byte[] buf = new byte[65536];
        int n;
        while ((n = s.read(t, buf, 0, buf.length)) > 0) {
            received.write(buf, 0, n);
        }
        if (n < 0) {
            eof = true;
        }
    }

    /** The application reads everything readable now (as an input to the stack). */
    void appRead() {
        stack.run(now, () -> read(socket, now));
    }

    void listen() {
        stack.listen(PORT, s -> {
            accepted.add(s);
            socket = s;
            s.setHandler(handler());
        });
    }

    /** Our application connects to the peer's 10.0.0.2:80; returns our SYN. */
    Out connect() {
        socket = stack.connect(now, THEM, PORT, handler());
        Out syn = expect();
        ourIss = syn.seq();
        t = TEMPL.sport(PORT).dport(syn.h().sourcePort());
        return syn;
    }

    /** Our application writes {@code data}; all of it must fit in the send buffer. */
    void write(byte[] data) {
        int[] n = new int[1];
        stack.run(now, () -> n[0] = socket.write(now, data, 0, data.length));
        assertThat(n[0]).as("bytes taken by write").isEqualTo(data.length);
    }

    void appClose() {
        stack.run(now, () -> socket.close(now));
    }

    MptcpConnection conn() {
        return socket.connection();
    }

    /** The connection's first subflow. */
    Subflow sf() {
        return conn().initialSubflow;
    }

    // =====================================================================================
    // Scripted openings

    /** The peer's segment at its current sequence state (seq = pSeq, ack = pAck). */
    Seg seg() {
        return t.seq(pSeq).ack(pAck);
    }

    /**
     * Plain TCP, we are the server: the peer opens with ISN {@code isn} and the given SYN options,
     * we answer SYN/ACK, the peer completes the handshake. Returns our SYN/ACK.
     */
    Out openAsServer(int isn, TcpOption... synOptions) {
        listen();
        send(TEMPL.seq(isn).ack(0).flags(TcpHeader.SYN).options(synOptions));
        Out synAck = expect();
        assertThat(synAck.flags()).isEqualTo(TcpHeader.SYN | TcpHeader.ACK);
        ourIss = synAck.seq();
        pSeq = isn + 1;
        pAck = ourIss + 1;
        send(seg());
        drain();
        assertThat(socket).as("the listener accepted the connection").isNotNull();
        assertThat(sf().state()).isEqualTo(SubflowState.ESTABLISHED);
        return synAck;
    }

    /** Plain TCP, we are the client: our SYN, the peer's SYN/ACK (ISN {@code isn}), our ACK. */
    Out openAsClient(int isn, TcpOption... synAckOptions) {
        connect();
        send(t.seq(isn).ack(ourIss + 1).flags(TcpHeader.SYN | TcpHeader.ACK).options(synAckOptions));
        Out ack = expect();
        pSeq = isn + 1;
        pAck = ourIss + 1;
        assertThat(ack.flags()).isEqualTo(TcpHeader.ACK);
        assertThat(sf().state()).isEqualTo(SubflowState.ESTABLISHED);
        return ack;
    }

    /** The peer sends {@code data} at pSeq (ACK pAck), advancing pSeq. */
    void sendData(byte[] data, TcpOption... options) {
        send(seg().flags(TcpHeader.ACK | TcpHeader.PSH).payload(data).options(options));
        pSeq += data.length;
    }

    // ---- MPTCP openings

    static final int H = MptcpOption.MpCapable.FLAG_H;

    /** MPTCP, we are the server: SYN with MP_CAPABLE v1, SYN/ACK with our key, third ACK with both keys. */
    Out openMptcpAsServer(int isn) {
        listen();
        send(TEMPL.seq(isn).ack(0).flags(TcpHeader.SYN).options(new TcpOption.Mss(1460), MptcpOption.MpCapable.syn(H)));
        Out synAck = expect();
        MptcpOption.MpCapable mpc = (MptcpOption.MpCapable) synAck.mptcp(MptcpOption.MP_CAPABLE);
        assertThat(mpc).as("MP_CAPABLE in our SYN/ACK").isNotNull();
        ourKey = mpc.senderKey();
        ourIss = synAck.seq();
        pSeq = isn + 1;
        pAck = ourIss + 1;
        send(seg().options(MptcpOption.MpCapable.ack(H, peerKey, ourKey)));
        drain();
        assertThat(socket).isNotNull();
        pDsn = MptcpCrypto.idsn(peerKey) + 1;
        pDataAck = MptcpCrypto.idsn(ourKey) + 1;
        return synAck;
    }

    /** MPTCP, we are the client: our SYN, the peer's SYN/ACK with its key, our third ACK. */
    Out openMptcpAsClient(int isn) {
        connect();
        send(t.seq(isn).ack(ourIss + 1).flags(TcpHeader.SYN | TcpHeader.ACK)
                .options(new TcpOption.Mss(1460), MptcpOption.MpCapable.synAck(H, peerKey)));
        Out third = expect();
        MptcpOption.MpCapable mpc = (MptcpOption.MpCapable) third.mptcp(MptcpOption.MP_CAPABLE);
        assertThat(mpc).as("MP_CAPABLE in our third ACK").isNotNull();
        ourKey = mpc.senderKey();
        pSeq = isn + 1;
        pAck = ourIss + 1;
        pDsn = MptcpCrypto.idsn(peerKey) + 1;
        pDataAck = MptcpCrypto.idsn(ourKey) + 1;
        return third;
    }

    /** The peer sends {@code data} with a DSS mapping at pDsn (relative subflow seq from pSeq), advancing both. */
    void sendMptcpData(byte[] data) {
        int ssn = pSeq - sf().irs;
        sendData(data, MptcpOption.Dss.mapping(pDataAck, pDsn, ssn, data.length, -1, false));
        pDsn += data.length;
    }

    /** Compares byte streams and reports lengths and the first differing offset, not the whole arrays. */
    static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        int at = Arrays.mismatch(actual, expected);
        if (at >= 0) {
            fail(what + ": " + actual.length + " bytes, expected " + expected.length + "; first difference at offset " + at);
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31 + (i >>> 8));
        }
        return b;
    }
}

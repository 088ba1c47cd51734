package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.mptcp.Peer.H;
import static org.mptcplab.stack.mptcp.Peer.MS;
import static org.mptcplab.stack.mptcp.Peer.TEMPL;
import static org.mptcplab.stack.wire.TcpHeader.ACK;
import static org.mptcplab.stack.wire.TcpHeader.PSH;
import static org.mptcplab.stack.wire.TcpHeader.RST;
import static org.mptcplab.stack.wire.TcpHeader.SYN;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.MptcpOption.Dss;
import org.mptcplab.stack.wire.MptcpOption.MpCapable;
import org.mptcplab.stack.wire.MptcpOption.MpJoinAck;
import org.mptcplab.stack.wire.MptcpOption.MpJoinSyn;
import org.mptcplab.stack.wire.MptcpOption.MpJoinSynAck;
import org.mptcplab.stack.wire.MptcpOption.MpTcpRst;
import org.mptcplab.stack.wire.SeqNum;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The MPTCP handshakes (RFC 8684 3.1 MP_CAPABLE, 3.2 MP_JOIN), rule by rule, the test playing the
 * peer by hand and computing keys, tokens, IDSNs and HMACs with {@link MptcpCrypto}.
 */
class MptcpHandshakeTest {
    static final StackConfig MPTCP = StackConfig.defaults();
    static final int ISN = 0x20000;
    static final int JOIN_ISN = 0x7000_0000;
    static final int PEER_NONCE = 0x0badcafe;
    static final TcpOption MSS = new TcpOption.Mss(1460);

    /** The DSS checksum (RFC 8684 3.3.1) computed independently of the stack's code. */
    static int dssChecksum(long dsn, int ssn, int len, byte[] payload) {
        byte[] b = new byte[16 + payload.length + 1];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (dsn >>> (56 - 8 * i));
        }
        b[8] = (byte) (ssn >>> 24);
        b[9] = (byte) (ssn >>> 16);
        b[10] = (byte) (ssn >>> 8);
        b[11] = (byte) ssn;
        b[12] = (byte) (len >>> 8);
        b[13] = (byte) len;
        System.arraycopy(payload, 0, b, 16, payload.length);
        long sum = 0;
        for (int i = 0; i + 1 < 16 + payload.length + 1; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static MpTcpRst tcpRst(Peer.Out o) {
        return (MpTcpRst) o.mptcp(MptcpOption.MP_TCPRST);
    }

    // =====================================================================================
    @Nested
    class MpCapableClient {
        @Test
        void synCarriesMpCapableV1Length4WithH() {
            Peer p = new Peer(MPTCP);
            Peer.Out syn = p.connect();
            MpCapable m = (MpCapable) syn.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m).isNotNull();
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.length()).as("v1 SYN carries no key").isEqualTo(4);
            assertThat(m.flags() & MpCapable.FLAG_H).as("H: HMAC-SHA256").isNotZero();
            assertThat(m.flags() & MpCapable.FLAG_B).as("B must be 0").isZero();
            assertThat(m.flags() & MpCapable.FLAG_A).as("no checksum unless configured").isZero();
            assertThat(p.stack.observer().get(Mib.MPCapableSYNTX)).isEqualTo(1);
        }

        @Test
        void checksumConfiguredLocallySetsA() {
            Peer p = new Peer(MPTCP.withChecksum(true));
            MpCapable m = (MpCapable) p.connect().mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m.flags() & MpCapable.FLAG_A).isNotZero();
        }

        @Test
        void thirdAckCarriesBothKeys() {
            Peer p = new Peer(MPTCP);
            Peer.Out third = p.openMptcpAsClient(ISN);
            assertThat(third.flags()).isEqualTo(ACK);
            assertThat(third.ack()).isEqualTo(ISN + 1);
            MpCapable m = (MpCapable) third.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m.length()).isEqualTo(20);
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.senderKey()).as("our key").isEqualTo(p.conn().localKey);
            assertThat(m.receiverKey()).as("the peer's key echoed").isEqualTo(p.peerKey);
            assertThat(MptcpCrypto.token(m.senderKey())).isEqualTo(p.conn().localToken());
            assertThat(third.mptcp(MptcpOption.DSS)).isNull();
            assertThat(p.stack.observer().get(Mib.MPCapableSYNACKRX)).isEqualTo(1);
            assertThat(p.socket.isConnected()).isTrue();
            assertThat(p.socket.isFallback()).isFalse();
        }

        @Test
        void firstDataCarriesMpCapable22ThenDss() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsClient(ISN);
            byte[] d = Peer.bytes(3000, 1);
            p.write(d);
            List<Peer.Out> segs = p.drain();
            assertThat(segs).hasSize(3);
            long ourIdsn = MptcpCrypto.idsn(p.ourKey);
            long peerIdsn = MptcpCrypto.idsn(p.peerKey);

            Peer.Out s1 = segs.get(0);
            assertThat(s1.seq()).isEqualTo(p.ourIss + 1);
            MpCapable m = (MpCapable) s1.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m).as("first data: MP_CAPABLE with data (RFC 8684 3.1)").isNotNull();
            assertThat(m.length()).isEqualTo(22);
            assertThat(m.senderKey()).isEqualTo(p.ourKey);
            assertThat(m.receiverKey()).isEqualTo(p.peerKey);
            assertThat(m.dataLevelLength()).isEqualTo(s1.payload().length);
            assertThat(s1.mptcp(MptcpOption.DSS)).isNull();
            int l1 = s1.payload().length;

            Peer.Out s2 = segs.get(1);
            assertThat(s2.mptcp(MptcpOption.MP_CAPABLE)).isNull();
            Dss dss = (Dss) s2.mptcp(MptcpOption.DSS);
            assertThat(dss).as("later data: DSS").isNotNull();
            assertThat(dss.hasMapping()).isTrue();
            assertThat(dss.dsnIs64()).isTrue();
            assertThat(dss.dataSequenceNumber()).as("DSN = IDSN + 1 + bytes before").isEqualTo(ourIdsn + 1 + l1);
            assertThat(dss.subflowSequenceNumber()).as("relative subflow seq").isEqualTo(1 + l1);
            assertThat(dss.dataLevelLength()).isEqualTo(s2.payload().length);
            assertThat(dss.hasChecksum()).isFalse();
            assertThat(dss.hasDataAck()).isTrue();
            assertThat(dss.dataAck()).as("nothing received yet: peer IDSN + 1").isEqualTo(peerIdsn + 1);

            byte[] all = new byte[3000];
            int off = 0;
            for (Peer.Out o : segs) {
                System.arraycopy(o.payload(), 0, all, off, o.payload().length);
                off += o.payload().length;
            }
            assertThat(all).isEqualTo(d);
        }

        @Test
        void checksumRequestedByThePeerGivesMpCapable24AndChecksummedDss() {
            Peer p = new Peer(MPTCP);
            p.connect();
            p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK)
                    .options(MSS, MpCapable.synAck(H | MpCapable.FLAG_A, p.peerKey)));
            Peer.Out third = p.expect();
            MpCapable m3 = (MpCapable) third.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m3.flags() & MpCapable.FLAG_A).as("A echoed once negotiated").isNotZero();
            p.ourKey = m3.senderKey();
            p.pSeq = ISN + 1;
            p.pAck = p.ourIss + 1;
            byte[] d = Peer.bytes(2000, 2);
            p.write(d);
            List<Peer.Out> segs = p.drain();
            assertThat(segs).hasSize(2);
            long ourIdsn = MptcpCrypto.idsn(p.ourKey);
            Peer.Out s1 = segs.get(0);
            MpCapable m = (MpCapable) s1.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m.length()).isEqualTo(24);
            assertThat(m.checksum()).isEqualTo(dssChecksum(ourIdsn + 1, 1, s1.payload().length, s1.payload()));
            Peer.Out s2 = segs.get(1);
            Dss dss = (Dss) s2.mptcp(MptcpOption.DSS);
            assertThat(dss.hasChecksum()).isTrue();
            assertThat(dss.checksum()).isEqualTo(dssChecksum(dss.dataSequenceNumber(), dss.subflowSequenceNumber(),
                    dss.dataLevelLength(), s2.payload()));
        }

        @Test
        void afterThePeersFirstDssOurAcksCarryTheDataAckNotTheKeys() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsClient(ISN);
            p.sendMptcpData(Peer.bytes(100, 1));
            p.sendMptcpData(Peer.bytes(100, 2));
            Peer.Out a = p.expect();
            assertThat(a.mptcp(MptcpOption.MP_CAPABLE)).as("keys no more once a DSS came").isNull();
            Dss dss = (Dss) a.mptcp(MptcpOption.DSS);
            assertThat(dss.dataAck()).isEqualTo(MptcpCrypto.idsn(p.peerKey) + 1 + 200);
        }

        @Test
        void retransmittedSynAckIsAnsweredWithBothKeysAgain() {
            // Our third ACK was lost: the server retransmits its SYN/ACK, and our answer must carry
            // the keys again (RFC 8684 3.1: MP_CAPABLE until the peer's first DSS).
            Peer p = new Peer(MPTCP);
            p.openMptcpAsClient(ISN);
            p.advance(1000 * MS);
            p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK).options(MSS, MpCapable.synAck(H, p.peerKey)));
            Peer.Out a = p.expect();
            assertThat(a.flags()).isEqualTo(ACK);
            assertThat(a.ack()).isEqualTo(ISN + 1);
            MpCapable m = (MpCapable) a.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m).isNotNull();
            assertThat(m.senderKey()).isEqualTo(p.ourKey);
            assertThat(m.receiverKey()).isEqualTo(p.peerKey);
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
        }

        @Test
        void synAckWithoutMpCapableFallsBackToPlainTcp() {
            Peer p = new Peer(MPTCP);
            p.openAsClient(ISN, MSS);
            assertThat(p.socket.isFallback()).isTrue();
            assertThat(p.stack.observer().get(Mib.MPCapableFallbackSYNACK)).isEqualTo(1);
            p.write(Peer.bytes(3000, 3));
            for (Peer.Out o : p.drain()) {
                assertThat(o.hasAnyMptcp()).as("no MPTCP option after fallback: " + o).isFalse();
            }
        }
    }

    // =====================================================================================
    @Nested
    class MpCapableServer {
        @Test
        void synWithMpCapableGetsOurKeyInTheSynAck() {
            Peer p = new Peer(MPTCP);
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H)));
            Peer.Out sa = p.expect();
            MpCapable m = (MpCapable) sa.mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m).isNotNull();
            assertThat(m.length()).isEqualTo(12);
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.flags() & H).isNotZero();
            assertThat(m.flags() & MpCapable.FLAG_A).isZero();
            MptcpConnection c = p.stack.connections().get(0);
            assertThat(m.senderKey()).isEqualTo(c.localKey);
            assertThat(p.stack.observer().get(Mib.MPCapableSYNRX)).isEqualTo(1);
        }

        @Test
        void checksumRequestedInTheSynIsEchoed() {
            Peer p = new Peer(MPTCP);
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H | MpCapable.FLAG_A)));
            MpCapable m = (MpCapable) p.expect().mptcp(MptcpOption.MP_CAPABLE);
            assertThat(m.flags() & MpCapable.FLAG_A).isNotZero();
        }

        @Test
        void thirdAckWithBothKeysEstablishes() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            assertThat(p.socket.isConnected()).isTrue();
            assertThat(p.socket.isFallback()).isFalse();
            assertThat(p.conn().remoteKey).isEqualTo(p.peerKey);
            assertThat(p.conn().remoteToken).isEqualTo(MptcpCrypto.token(p.peerKey));
            assertThat(p.stack.observer().get(Mib.MPCapableACKRX)).isEqualTo(1);
        }

        @Test
        void synWithoutMpCapableGetsAPlainSynAck() {
            Peer p = new Peer(MPTCP);
            Peer.Out sa = p.openAsServer(ISN, MSS);
            assertThat(sa.hasAnyMptcp()).isFalse();
            assertThat(p.socket.isFallback()).isTrue();
            p.sendData(Peer.bytes(100, 1));
            p.sendData(Peer.bytes(100, 2));
            Peer.Out a = p.expect();
            assertThat(a.hasAnyMptcp()).isFalse();
            assertThat(p.received.size()).isEqualTo(200);
        }

        private void assertNoMpCapableAnswer(MpCapable offered) {
            Peer p = new Peer(MPTCP);
            Peer.Out sa = p.openAsServer(ISN, MSS, offered);
            assertThat(sa.mptcp(MptcpOption.MP_CAPABLE)).as("no MP_CAPABLE answers " + offered).isNull();
            assertThat(sa.hasAnyMptcp()).isFalse();
            assertThat(p.socket.isFallback()).isTrue();
            // And the connection is plain TCP afterwards.
            p.write(Peer.bytes(2000, 4));
            for (Peer.Out o : p.drain()) {
                assertThat(o.hasAnyMptcp()).isFalse();
            }
        }

        @Test
        void synWithVersion0GetsNoMpCapable() {
            // A v0 (RFC 6824) SYN: version 0, with the sender's key (length 12).
            assertNoMpCapableAnswer(new MpCapable(0, H, 12, 0x1111222233334444L, 0, -1, -1));
        }

        @Test
        void synWithTheBFlagGetsNoMpCapable() {
            assertNoMpCapableAnswer(MpCapable.syn(H | MpCapable.FLAG_B));
        }

        @Test
        void synWithoutHGetsNoMpCapable() {
            assertNoMpCapableAnswer(MpCapable.syn(0));
        }

        @Test
        void thirdAckEchoingAWrongReceiverKeyIsReset() {
            Peer p = new Peer(MPTCP);
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H)));
            Peer.Out sa = p.expect();
            long ourKey = ((MpCapable) sa.mptcp(MptcpOption.MP_CAPABLE)).senderKey();
            p.send(TEMPL.seq(ISN + 1).ack(sa.seq() + 1).options(MpCapable.ack(H, p.peerKey, ourKey ^ 0xff)));
            Peer.Out rst = p.expect();
            assertThat(rst.has(RST)).isTrue();
            assertThat(rst.seq()).isEqualTo(sa.seq() + 1);
            assertThat(tcpRst(rst)).as("MP_TCPRST on the reset").isNotNull();
            assertThat(tcpRst(rst).reason()).isEqualTo(MpTcpRst.MPTCP_ERROR);
            p.expectNothing();
            assertThat(p.socket).as("never handed to the application").isNull();
            assertThat(p.stack.connections()).isEmpty();
            assertThat(p.stack.observer().get(Mib.MPCapableACKRX)).isZero();
        }

        @Test
        void lostThirdAckFirstDataWithMpCapable22Establishes() {
            Peer p = new Peer(MPTCP);
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H)));
            Peer.Out sa = p.expect();
            long ourKey = ((MpCapable) sa.mptcp(MptcpOption.MP_CAPABLE)).senderKey();
            byte[] d = Peer.bytes(500, 5);
            p.send(TEMPL.seq(ISN + 1).ack(sa.seq() + 1).flags(ACK | PSH).payload(d)
                    .options(MpCapable.ackWithData(H, p.peerKey, ourKey, d.length, -1)));
            assertThat(p.socket).isNotNull();
            assertThat(p.socket.isFallback()).isFalse();
            assertThat(p.received.toByteArray()).isEqualTo(d);
            p.advance(100 * MS);
            Peer.Out a = p.expect();
            assertThat(a.ack()).isEqualTo(ISN + 1 + d.length);
            Dss dss = (Dss) a.mptcp(MptcpOption.DSS);
            assertThat(dss.dataAck()).isEqualTo(MptcpCrypto.idsn(p.peerKey) + 1 + d.length);
        }

        @Test
        void dataAckIsIdsnPlusOnePlusBytesReceived() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            p.sendMptcpData(Peer.bytes(1000, 1));
            p.sendMptcpData(Peer.bytes(700, 2));
            Peer.Out a = p.expect();
            Dss dss = (Dss) a.mptcp(MptcpOption.DSS);
            assertThat(dss).isNotNull();
            assertThat(dss.hasDataAck()).isTrue();
            long ack = dss.dataAckIs64() ? dss.dataAck()
                    : SeqNum.widen(MptcpCrypto.idsn(p.peerKey), dss.dataAck());
            assertThat(ack).isEqualTo(MptcpCrypto.idsn(p.peerKey) + 1 + 1700);
            assertThat(p.received.size()).isEqualTo(1700);
        }
    }

    // =====================================================================================
    /** A join the peer opens toward us (we are the MP_CAPABLE server on 10.0.0.1:80). */
    static final class PeerJoin {
        final Peer p;
        final Peer.Seg t;
        int ourIss;
        int ourNonce;
        Peer.Out synAck;

        PeerJoin(Peer p, int sport) {
            this.p = p;
            this.t = TEMPL.from(Peer.THEM2, 0).sport(sport);
        }

        /** Sends the MP_JOIN SYN with {@code token}; returns what the stack answered. */
        Peer.Out syn(int token) {
            p.send(t.seq(JOIN_ISN).ack(0).flags(SYN).options(MSS, new MpJoinSyn(false, 1, token, PEER_NONCE)));
            Peer.Out o = p.expect();
            if (o.flags() == (SYN | ACK)) {
                synAck = o;
                ourIss = o.seq();
                ourNonce = ((MpJoinSynAck) o.mptcp(MptcpOption.MP_JOIN)).senderNonce();
            }
            return o;
        }

        byte[] rightHmac() {
            return MptcpCrypto.joinAckHmac(p.peerKey, p.ourKey, PEER_NONCE, ourNonce);
        }

        void thirdAck(byte[] hmac) {
            p.send(t.seq(JOIN_ISN + 1).ack(ourIss + 1).options(new MpJoinAck(hmac)));
        }

        Subflow subflow() {
            for (Subflow s : p.conn().subflows) {
                if (s.remote.equals(Peer.THEM2)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Our join toward the peer's announced 10.1.0.2 (we are the MP_CAPABLE client, two interfaces). */
    static final class OurJoin {
        final Peer p;
        Peer.Out syn;
        Peer.Seg t;
        int ourNonce;

        OurJoin(Peer p) {
            this.p = p;
        }

        /** The peer announces 10.1.0.2 (id 1) with a correct HMAC; we echo and send the join SYN. */
        void announce() {
            long hmac = MptcpCrypto.addAddrHmac(p.peerKey, p.ourKey, 1, Peer.THEM2.toBytes(), -1);
            p.send(p.seg().options(Dss.ack(p.pDataAck), MptcpOption.AddAddr.announce(1, Peer.THEM2, -1, hmac)));
            List<Peer.Out> out = p.drain();
            for (Peer.Out o : out) {
                if (o.has(SYN)) {
                    syn = o;
                }
            }
            assertThat(syn).as("a join SYN after a valid ADD_ADDR, in " + out).isNotNull();
            MpJoinSyn j = (MpJoinSyn) syn.mptcp(MptcpOption.MP_JOIN);
            ourNonce = j.senderNonce();
            t = TEMPL.from(Peer.THEM2, 1).to(Peer.US2).sport(Peer.PORT).dport(syn.h().sourcePort());
        }

        void synAck(long hmac) {
            p.send(t.seq(JOIN_ISN).ack(syn.seq() + 1).flags(SYN | ACK)
                    .options(MSS, new MpJoinSynAck(false, 1, hmac, PEER_NONCE)));
        }

        long rightHmac() {
            return MptcpCrypto.joinSynAckHmac(p.peerKey, p.ourKey, PEER_NONCE, ourNonce);
        }

        Subflow subflow() {
            for (Subflow s : p.conn().subflows) {
                if (s.local.equals(Peer.US2)) {
                    return s;
                }
            }
            return null;
        }
    }

    @Nested
    class MpJoinAsResponder {
        @Test
        void unknownTokenGetsRstWithMpTcpRst() {
            Peer p = new Peer(MPTCP);
            p.listen();
            PeerJoin j = new PeerJoin(p, 50001);
            Peer.Out rst = j.syn(0xdeadbeef);
            assertThat(rst.flags()).isEqualTo(RST | ACK);
            assertThat(rst.ack()).isEqualTo(JOIN_ISN + 1);
            assertThat(tcpRst(rst)).isNotNull();
            assertThat(tcpRst(rst).reason()).isEqualTo(MpTcpRst.MPTCP_ERROR);
            assertThat(p.stack.observer().get(Mib.MPJoinNoTokenFound)).isEqualTo(1);
            assertThat(p.stack.observer().get(Mib.MPJoinSynRx)).isEqualTo(1);
            assertThat(p.stack.connections()).isEmpty();
        }

        @Test
        void correctJoinGetsTheFourthAck() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            PeerJoin j = new PeerJoin(p, 50001);
            Peer.Out sa = j.syn(MptcpCrypto.token(p.ourKey));
            assertThat(sa.flags()).isEqualTo(SYN | ACK);
            assertThat(sa.ack()).isEqualTo(JOIN_ISN + 1);
            MpJoinSynAck m = (MpJoinSynAck) sa.mptcp(MptcpOption.MP_JOIN);
            assertThat(m).isNotNull();
            // Responder B sends the leftmost 64 bits of HMAC(KeyB || KeyA, RB || RA).
            assertThat(m.truncatedHmac()).isEqualTo(MptcpCrypto.joinSynAckHmac(p.ourKey, p.peerKey, m.senderNonce(), PEER_NONCE));
            assertThat(m.backup()).isFalse();
            assertThat(m.addressId()).as("the join came to our initial address: id 0").isZero();
            assertThat(sa.mptcp(MptcpOption.MP_CAPABLE)).isNull();
            assertThat(p.stack.observer().get(Mib.MPJoinSynRx)).isEqualTo(1);

            j.thirdAck(j.rightHmac());
            Peer.Out fourth = p.expect();
            assertThat(fourth.flags()).isEqualTo(ACK);
            assertThat(fourth.seq()).isEqualTo(j.ourIss + 1);
            assertThat(fourth.ack()).isEqualTo(JOIN_ISN + 1);
            assertThat(fourth.src()).isEqualTo(Peer.US);
            assertThat(fourth.dst()).isEqualTo(Peer.THEM2);
            assertThat(fourth.mptcp(MptcpOption.MP_JOIN)).isNull();
            assertThat(p.stack.observer().get(Mib.MPJoinAckRx)).isEqualTo(1);
            assertThat(p.conn().subflows).hasSize(2);
            assertThat(j.subflow().state()).isEqualTo(SubflowState.ESTABLISHED);

            // Data on the new subflow reaches the application.
            byte[] d = Peer.bytes(300, 7);
            p.send(j.t.seq(JOIN_ISN + 1).ack(j.ourIss + 1).flags(ACK | PSH).payload(d)
                    .options(Dss.mapping(p.pDataAck, p.pDsn, 1, d.length, -1, false)));
            assertThat(p.received.toByteArray()).isEqualTo(d);
        }

        @Test
        void wrongHmacInTheThirdAckGetsRst() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            PeerJoin j = new PeerJoin(p, 50001);
            j.syn(MptcpCrypto.token(p.ourKey));
            byte[] bad = j.rightHmac();
            bad[19] ^= 1;
            j.thirdAck(bad);
            Peer.Out rst = p.expect();
            assertThat(rst.has(RST)).isTrue();
            assertThat(rst.dst()).isEqualTo(Peer.THEM2);
            assertThat(tcpRst(rst)).isNotNull();
            assertThat(p.stack.observer().get(Mib.MPJoinAckHMacFailure)).isEqualTo(1);
            assertThat(p.stack.observer().get(Mib.MPJoinAckRx)).isZero();
            assertThat(p.conn().subflows).hasSize(1);
            // The first subflow is unharmed.
            p.sendMptcpData(Peer.bytes(100, 1));
            p.sendMptcpData(Peer.bytes(100, 2));
            assertThat(p.expect().ack()).isEqualTo(p.pSeq);
            assertThat(p.received.size()).isEqualTo(200);
            assertThat(p.closed).isFalse();
        }

        @Test
        void joinBeyondTheSubflowsLimitIsRejected() {
            Peer p = new Peer(MPTCP.withSubflowsLimit(1));
            p.openMptcpAsServer(ISN);
            PeerJoin j1 = new PeerJoin(p, 50001);
            assertThat(j1.syn(MptcpCrypto.token(p.ourKey)).flags()).isEqualTo(SYN | ACK);
            j1.thirdAck(j1.rightHmac());
            p.drain();
            assertThat(p.conn().subflows).hasSize(2);
            PeerJoin j2 = new PeerJoin(p, 50002);
            Peer.Out rst = j2.syn(MptcpCrypto.token(p.ourKey));
            assertThat(rst.has(RST)).isTrue();
            assertThat(tcpRst(rst)).as("MP_TCPRST on the refusal").isNotNull();
            assertThat(p.stack.observer().get(Mib.MPJoinRejected)).isEqualTo(1);
            assertThat(p.conn().subflows).hasSize(2);
        }
    }

    @Nested
    class MpJoinAsInitiator {
        Peer established() {
            Peer p = new Peer(MPTCP, true, 11);
            p.openMptcpAsClient(ISN);
            return p;
        }

        @Test
        void joinSynAfterAValidAddAddr() {
            Peer p = established();
            OurJoin j = new OurJoin(p);
            j.announce();
            assertThat(j.syn.iface()).isEqualTo(1);
            assertThat(j.syn.src()).isEqualTo(Peer.US2);
            assertThat(j.syn.dst()).isEqualTo(Peer.THEM2);
            assertThat(j.syn.h().destinationPort()).isEqualTo(Peer.PORT);
            MpJoinSyn m = (MpJoinSyn) j.syn.mptcp(MptcpOption.MP_JOIN);
            assertThat(m.receiverToken()).as("the peer's token").isEqualTo(MptcpCrypto.token(p.peerKey));
            assertThat(m.addressId()).as("our address id of 10.1.0.1").isNotZero();
            assertThat(j.syn.mptcp(MptcpOption.MP_CAPABLE)).isNull();
            assertThat(p.stack.observer().get(Mib.AddAddr)).isEqualTo(1);
            assertThat(p.stack.observer().get(Mib.EchoAddTx)).isEqualTo(1);
            assertThat(p.stack.observer().get(Mib.MPJoinSynTx)).isEqualTo(1);
        }

        @Test
        void addAddrWithAPortIsJoinedOnThatPort() {
            Peer p = established();
            long hmac = MptcpCrypto.addAddrHmac(p.peerKey, p.ourKey, 1, Peer.THEM2.toBytes(), 8080);
            p.send(p.seg().options(Dss.ack(p.pDataAck), MptcpOption.AddAddr.announce(1, Peer.THEM2, 8080, hmac)));
            List<Peer.Out> out = p.drain();
            assertThat(p.stack.observer().get(Mib.AddAddr)).as("HMAC over id, address and port").isEqualTo(1);
            assertThat(out).anyMatch(o -> o.has(SYN) && o.dst().equals(Peer.THEM2) && o.h().destinationPort() == 8080);
            MptcpOption.AddAddr echo = null;
            for (Peer.Out o : out) {
                if (o.mptcp(MptcpOption.ADD_ADDR) instanceof MptcpOption.AddAddr a) {
                    echo = a;
                }
            }
            assertThat(echo).isNotNull();
            assertThat(echo.echo()).isTrue();
            assertThat(echo.hasHmac()).isFalse();
            assertThat(echo.addressId()).isEqualTo(1);
            assertThat(echo.port()).isEqualTo(8080);
        }

        /** We have a second address in the peer's subnet: full mesh joins toward the peer's initial address. */
        Peer sameSubnetClient(int synAckFlags) {
            Peer p = new Peer(MPTCP);
            p.stack.addAddress(1, Ipv4Address.of(10, 0, 0, 3), 24);
            p.connect();
            p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK).options(MSS, MpCapable.synAck(synAckFlags, p.peerKey)));
            return p;
        }

        @Test
        void withoutTheCFlagFullMeshJoinsTheInitialAddressFromOurOtherAddress() {
            Peer p = sameSubnetClient(H);
            assertThat(p.drain()).as("join SYN toward 10.0.0.2:80 from 10.0.0.3")
                    .anyMatch(o -> o.has(SYN) && o.dst().equals(Peer.THEM) && o.mptcp(MptcpOption.MP_JOIN) != null);
        }

        @Test
        void cFlagForbidsJoinsToThePeersInitialAddressAndPort() {
            // RFC 8684 3.1: C = 1 "indicate[s] that the sender of this option will not accept
            // additional MPTCP subflows to the source address and port, and therefore the receiver
            // MUST NOT try to open any additional subflows toward this address and port."
            Peer p = sameSubnetClient(H | MpCapable.FLAG_C);
            List<Peer.Out> out = p.drain();
            p.advance(5_000 * MS);
            out.addAll(p.drain());
            assertThat(out).as("no join toward 10.0.0.2:80").noneMatch(o -> o.has(SYN));
            assertThat(p.stack.observer().get(Mib.MPJoinSynTx)).isZero();
        }

        @Test
        void correctJoinThirdAckHmacRetransmittedUntilTheFourthAck() {
            Peer p = established();
            OurJoin j = new OurJoin(p);
            j.announce();
            j.synAck(j.rightHmac());
            Peer.Out third = p.expect();
            assertThat(third.flags()).isEqualTo(ACK);
            assertThat(third.iface()).isEqualTo(1);
            MpJoinAck m = (MpJoinAck) third.mptcp(MptcpOption.MP_JOIN);
            assertThat(m).isNotNull();
            // Initiator A sends the leftmost 160 bits of HMAC(KeyA || KeyB, RA || RB).
            assertThat(m.hmac()).isEqualTo(MptcpCrypto.joinAckHmac(p.ourKey, p.peerKey, j.ourNonce, PEER_NONCE));
            assertThat(p.stack.observer().get(Mib.MPJoinSynAckRx)).isEqualTo(1);
            Subflow sf = j.subflow();
            assertThat(sf.state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(sf.canSendData()).as("not usable before the fourth ACK").isFalse();
            // No fourth ACK: the third ACK is sent again (RFC 8684 3.2).
            p.fire();
            Peer.Out again = p.expect();
            assertThat(again.iface()).isEqualTo(1);
            assertThat(again.mptcp(MptcpOption.MP_JOIN)).isInstanceOf(MpJoinAck.class);
            // The fourth ACK makes it usable.
            p.send(j.t.seq(JOIN_ISN + 1).ack(j.syn.seq() + 1).options(Dss.ack(p.pDataAck)));
            assertThat(sf.canSendData()).isTrue();
            p.write(Peer.bytes(60_000, 8));
            List<Peer.Out> out = p.drain();
            assertThat(out).as("data goes out on both subflows").anyMatch(o -> o.iface() == 1 && o.payload().length > 0)
                    .anyMatch(o -> o.iface() == 0 && o.payload().length > 0);
        }

        @Test
        void wrongHmacInTheSynAckResetsOnlyThatSubflow() {
            Peer p = established();
            OurJoin j = new OurJoin(p);
            j.announce();
            j.synAck(j.rightHmac() ^ 1);
            Peer.Out rst = p.expect();
            assertThat(rst.has(RST)).isTrue();
            assertThat(rst.iface()).isEqualTo(1);
            assertThat(rst.src()).isEqualTo(Peer.US2);
            assertThat(tcpRst(rst)).isNotNull();
            assertThat(tcpRst(rst).reason()).isEqualTo(MpTcpRst.MPTCP_ERROR);
            assertThat(p.stack.observer().get(Mib.MPJoinSynAckHMacFailure)).isEqualTo(1);
            assertThat(j.subflow()).as("the join is gone").isNull();
            assertThat(p.conn().subflows).hasSize(1);
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.closed).isFalse();
            // The first subflow keeps working.
            byte[] d = Peer.bytes(1000, 9);
            p.write(d);
            Peer.Out s = p.expect();
            assertThat(s.iface()).isZero();
            assertThat(s.payload()).isEqualTo(d);
            p.send(p.seg().ack(s.seq() + 1000).options(Dss.ack(p.pDataAck + 1000)));
            assertThat(p.socket.unacknowledged()).isZero();
        }
    }
}

package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.mptcp.Peer.MS;
import static org.mptcplab.stack.mptcp.Peer.TEMPL;
import static org.mptcplab.stack.wire.TcpHeader.ACK;
import static org.mptcplab.stack.wire.TcpHeader.PSH;
import static org.mptcplab.stack.wire.TcpHeader.RST;
import static org.mptcplab.stack.wire.TcpHeader.SYN;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.MptcpOption.AddAddr;
import org.mptcplab.stack.wire.MptcpOption.Dss;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Forged and malformed input (RFC 8684 3.1 to 3.7, RFC 5961, RFC 1122): each is rejected as the
 * RFC says, counted, and the connection keeps working where the RFC says it survives (every such
 * test moves data afterwards).
 */
class ForgedInputTest {
    static final StackConfig MPTCP = StackConfig.defaults();
    static final int ISN = 0x30000;

    /** We are the MP_CAPABLE server with a second subflow the peer joined from 10.1.0.2. */
    static MptcpHandshakeTest.PeerJoin twoSubflows(Peer p) {
        p.openMptcpAsServer(ISN);
        MptcpHandshakeTest.PeerJoin j = new MptcpHandshakeTest.PeerJoin(p, 50001);
        assertThat(j.syn(MptcpCrypto.token(p.ourKey)).flags()).isEqualTo(SYN | ACK);
        j.thirdAck(j.rightHmac());
        p.drain();
        assertThat(p.conn().subflows).hasSize(2);
        return j;
    }

    /** The peer sends two segments of fresh data on the first subflow; they must arrive and be ACKed. */
    static void assertDataStillFlowsIn(Peer p) {
        int before = p.received.size();
        byte[] a = Peer.bytes(700, 41);
        byte[] b = Peer.bytes(300, 42);
        p.sendMptcpData(a);
        p.sendMptcpData(b);
        List<Peer.Out> acks = p.drain();
        assertThat(acks).as("ACK for the new data").isNotEmpty();
        Peer.Out last = acks.get(acks.size() - 1);
        assertThat(last.ack()).isEqualTo(p.pSeq);
        Dss d = (Dss) last.mptcp(MptcpOption.DSS);
        assertThat(d.dataAck()).isEqualTo(p.pDsn);
        byte[] got = p.received.toByteArray();
        Peer.assertSameBytes(Arrays.copyOfRange(got, before, got.length), concat(a, b), "new data read by the application");
        assertThat(p.closed).isFalse();
    }

    /** Our application writes; the data goes out on the first subflow and the peer's ACK clears it. */
    static void assertDataStillFlowsOut(Peer p) {
        byte[] d = Peer.bytes(1000, 43);
        long unackedBefore = p.socket.unacknowledged();
        p.write(d);
        Peer.Out s = null;
        for (Peer.Out o : p.drain()) {
            if (o.payload().length > 0) {
                s = o;
            }
        }
        assertThat(s).as("our data went out").isNotNull();
        assertThat(s.payload()).isEqualTo(d);
        Dss m = (Dss) s.mptcp(MptcpOption.DSS);
        long dataEnd = m.dataSequenceNumber() + d.length;
        p.pAck = s.seq() + d.length;
        p.send(p.seg().options(Dss.ack(dataEnd)));
        assertThat(p.socket.unacknowledged()).isEqualTo(unackedBefore);
        assertThat(p.closed).isFalse();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    // =====================================================================================
    @Nested
    class AddressSignals {
        @Test
        void addAddrWithAWrongHmacIsIgnored() {
            Peer p = new Peer(MPTCP, true, 11);
            p.openMptcpAsClient(ISN);
            long right = MptcpCrypto.addAddrHmac(p.peerKey, p.ourKey, 1, Peer.THEM2.toBytes(), -1);
            // A flipped bit...
            p.send(p.seg().options(Dss.ack(p.pDataAck), AddAddr.announce(1, Peer.THEM2, -1, right ^ 1)));
            p.expectNothing();
            // ...and the classic interop bug: the LEFTMOST 64 bits (as MP_JOIN) instead of the rightmost.
            byte[] key = new byte[16];
            Bytes.put64(key, 0, p.peerKey);
            Bytes.put64(key, 8, p.ourKey);
            byte[] msg = {1, 10, 1, 0, 2, 0, 0};
            long leftmost = Bytes.i64(MptcpCrypto.hmacSha256(key, msg), 0);
            p.send(p.seg().options(Dss.ack(p.pDataAck), AddAddr.announce(1, Peer.THEM2, -1, leftmost)));
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.AddAddrDrop)).isEqualTo(2);
            assertThat(p.stack.observer().get(Mib.AddAddr)).isZero();
            assertThat(p.stack.observer().get(Mib.EchoAddTx)).as("no echo").isZero();
            assertThat(p.conn().remoteAddresses).doesNotContainValue(Peer.THEM2);
            p.advance(5_000 * MS);
            assertThat(p.drain()).as("no join attempt, ever").noneMatch(o -> o.has(SYN));
            assertThat(p.stack.observer().get(Mib.MPJoinSynTx)).isZero();
            assertDataStillFlowsOut(p);
        }

        @Test
        void addAddrWithTheRightHmacIsTakenForContrast() {
            Peer p = new Peer(MPTCP, true, 11);
            p.openMptcpAsClient(ISN);
            long right = MptcpCrypto.addAddrHmac(p.peerKey, p.ourKey, 1, Peer.THEM2.toBytes(), -1);
            p.send(p.seg().options(Dss.ack(p.pDataAck), AddAddr.announce(1, Peer.THEM2, -1, right)));
            assertThat(p.drain()).anyMatch(o -> o.has(SYN));
            assertThat(p.stack.observer().get(Mib.AddAddrDrop)).isZero();
        }
    }

    // =====================================================================================
    @Nested
    class Mappings {
        @Test
        void mappingThatDoesNotCoverTheSegmentResetsThatSubflow() {
            Peer p = new Peer(MPTCP);
            MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
            byte[] d = Peer.bytes(500, 1);
            // The segment is at relative subflow sequence 1; the mapping claims 1000.
            p.send(j.t.seq(MptcpHandshakeTest.JOIN_ISN + 1).ack(j.ourIss + 1).flags(ACK | PSH).payload(d)
                    .options(Dss.mapping(p.pDataAck, p.pDsn, 1000, d.length, -1, false)));
            Peer.Out rst = p.expect();
            assertThat(rst.has(RST)).isTrue();
            assertThat(rst.dst()).isEqualTo(Peer.THEM2);
            assertThat(rst.mptcp(MptcpOption.MP_TCPRST)).isNotNull();
            assertThat(p.stack.observer().get(Mib.DSSNoMatchTCP)).isEqualTo(1);
            assertThat(p.conn().subflows).hasSize(1);
            assertThat(p.received.size()).as("no byte under a bad mapping").isZero();
            assertDataStillFlowsIn(p);
            assertDataStillFlowsOut(p);
        }

        @Test
        void differentMappingForAlreadyMappedBytesResetsThatSubflow() {
            Peer p = new Peer(MPTCP);
            MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
            int s = MptcpHandshakeTest.JOIN_ISN + 1;
            byte[] d1 = Peer.bytes(1000, 2);
            byte[] d2 = Peer.bytes(1000, 3);
            // Mapping 1 covers 2000 bytes from relative seq 1; only its first half arrives.
            p.send(j.t.seq(s).ack(j.ourIss + 1).flags(ACK | PSH).payload(d1)
                    .options(Dss.mapping(p.pDataAck, p.pDsn, 1, 2000, -1, false)));
            // The second half comes under a different mapping (another DSN) for the same bytes.
            p.send(j.t.seq(s + 1000).ack(j.ourIss + 1).flags(ACK | PSH).payload(d2)
                    .options(Dss.mapping(p.pDataAck, p.pDsn + 5000, 1001, 1000, -1, false)));
            List<Peer.Out> out = p.drain();
            assertThat(out).as("RST on the join").anyMatch(o -> o.has(RST) && o.dst().equals(Peer.THEM2)
                    && o.mptcp(MptcpOption.MP_TCPRST) != null);
            assertThat(p.stack.observer().get(Mib.DSSNotMatching)).isEqualTo(1);
            assertThat(p.conn().subflows).hasSize(1);
            assertThat(p.received.size()).isLessThanOrEqualTo(1000);
            if (p.received.size() == 1000) {
                assertThat(p.received.toByteArray()).isEqualTo(d1);
            }
            // The peer sends the rest of the data level on the first subflow.
            p.pDsn += p.received.size();
            assertDataStillFlowsIn(p);
        }

        @Test
        void infiniteMappingOnAJoinWithTwoSubflowsDoesNotCorruptTheStream() {
            // RFC 8684 3.7: the infinite mapping (fallback) is for a connection down to ONE subflow;
            // Linux treats it on a join (or with several subflows) as an invalid mapping and resets
            // that subflow. Whatever the reaction, the bytes the application reads must be exactly
            // the data-level stream the peer sent on its valid subflow.
            Peer p = new Peer(MPTCP);
            MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
            byte[] junk = Peer.bytes(400, 11);
            p.send(j.t.seq(MptcpHandshakeTest.JOIN_ISN + 1).ack(j.ourIss + 1).flags(ACK | PSH).payload(junk)
                    .options(Dss.mapping(p.pDataAck, p.pDsn + 100_000, 1, 0, -1, false)));
            p.drain();
            // The peer's real data on the first subflow, at the data level's next DSN.
            byte[] a = Peer.bytes(700, 12);
            byte[] b = Peer.bytes(300, 13);
            p.sendMptcpData(a);
            p.sendMptcpData(b);
            p.drain();
            Peer.assertSameBytes(p.received.toByteArray(), concat(a, b), "the application's stream");
        }

        @Test
        void mappingFarOutsideTheReceiveWindowDeliversNothingAndTheConnectionLives() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            byte[] bogus = Peer.bytes(500, 4);
            int ssn = p.pSeq - p.sf().irs;
            p.sendData(bogus, Dss.mapping(p.pDataAck, p.pDsn + (1L << 40), ssn, bogus.length, -1, false));
            p.advance(100 * MS);
            p.drain();
            assertThat(p.received.size()).isZero();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertDataStillFlowsIn(p);
        }
    }

    // =====================================================================================
    @Nested
    class DataAcks {
        @Test
        void dataAckForDataNeverSentIsIgnored() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            byte[] d = Peer.bytes(1000, 5);
            p.write(d);
            Peer.Out s = p.expect();
            // 64-bit data ACK far beyond what we sent.
            p.send(p.seg().ack(s.seq() + 1000).options(Dss.ack(p.pDataAck + 1000 + 1_000_000)));
            assertThat(p.stack.observer().get(Mib.DataAckInvalid)).isEqualTo(1);
            assertThat(p.socket.unacknowledged()).as("nothing released").isEqualTo(1000);
            // A 32-bit data ACK that widens beyond what we sent.
            long ahead = p.pDataAck + 0x4000_0000L;
            p.send(p.seg().ack(s.seq() + 1000).options(new Dss(Dss.FLAG_DATA_ACK, ahead & 0xffffffffL, 0, 0, 0, -1)));
            assertThat(p.stack.observer().get(Mib.DataAckInvalid)).isEqualTo(2);
            assertThat(p.socket.unacknowledged()).isEqualTo(1000);
            assertThat(p.closed).isFalse();
            // The real data ACK, then more data both ways.
            p.send(p.seg().ack(s.seq() + 1000).options(Dss.ack(p.pDataAck + 1000)));
            assertThat(p.socket.unacknowledged()).isZero();
            assertDataStillFlowsOut(p);
            assertDataStillFlowsIn(p);
        }
    }

    // =====================================================================================
    @Nested
    class Resets {
        @Test
        void blindRstIsChallengedOrIgnoredAndTheConnectionLives() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            // In the window but not at rcv_nxt: challenge ACK (RFC 5961 3.2).
            p.send(p.seg().seq(p.pSeq + 1000).flags(RST).options(new MptcpOption.MpTcpRst(0, 1)));
            Peer.Out c = p.expect();
            assertThat(c.flags()).isEqualTo(ACK);
            assertThat(c.ack()).isEqualTo(p.pSeq);
            // Out of the window: ignored.
            p.send(p.seg().seq(p.pSeq + 0x50000000).flags(RST));
            p.expectNothing();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.stack.observer().get(Mib.MPRstRx)).as("an unaccepted RST's MP_TCPRST is not counted").isZero();
            assertDataStillFlowsIn(p);
            assertDataStillFlowsOut(p);
        }
    }

    /**
     * The peer TCP-acknowledges our data on the joined subflow, never data-acknowledges it, then
     * resets that subflow (as Linux does when its endpoint is deleted: what the subflow held is
     * gone). We still hold the data (RFC 8684 3.3.6) and must send it again on the first subflow;
     * found against the kernel, where the connection otherwise waited forever for a data ACK.
     */
    @Test
    void dataTheSubflowAckedButTheDataLevelDidNotIsReinjectedWhenThePeerResetsIt() {
        Peer p = new Peer(MPTCP, true, 21);
        MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
        p.write(Peer.bytes(40_000, 7));
        List<Peer.Out> out = p.drain();
        long joinedFrom = Long.MAX_VALUE;
        long joinedTo = Long.MIN_VALUE;
        int lastSeqEnd = 0;
        int firstSeqEnd = 0;
        long dataStart = Long.MAX_VALUE;
        for (Peer.Out o : out) {
            if (o.payload().length > 0) {
                dataStart = Math.min(dataStart, ((Dss) o.mptcp(MptcpOption.DSS)).dataSequenceNumber());
            }
            if (o.h().destinationPort() != 50001 && o.payload().length > 0) {
                firstSeqEnd = o.seq() + o.payload().length;
            }
            if (o.h().destinationPort() == 50001 && o.payload().length > 0) {
                Dss m = (Dss) o.mptcp(MptcpOption.DSS);
                joinedFrom = Math.min(joinedFrom, m.dataSequenceNumber());
                joinedTo = Math.max(joinedTo, m.dataSequenceNumber() + o.payload().length);
                lastSeqEnd = o.seq() + o.payload().length;
            }
        }
        assertThat(joinedTo).as("some data went out on the joined subflow").isGreaterThan(joinedFrom);
        // TCP-level ACK of all of it on the joined subflow, the data ACK unmoved; then a RST there.
        p.send(j.t.seq(JOIN_ISN_PLUS_1).ack(lastSeqEnd).flags(ACK).options(Dss.ack(dataStart)));
        p.drain();
        p.send(j.t.seq(JOIN_ISN_PLUS_1).ack(lastSeqEnd).flags(RST | ACK).options(new MptcpOption.MpTcpRst(0, 1)));
        // The first subflow's window opens (TCP ACK of what it sent, the data ACK still unmoved).
        p.pAck = firstSeqEnd;
        p.send(p.seg().options(Dss.ack(dataStart)));
        p.advance(10_000_000L);
        // The same data-level bytes leave again on the first subflow.
        long resentFrom = Long.MAX_VALUE;
        long resentTo = Long.MIN_VALUE;
        for (Peer.Out o : p.drain()) {
            if (o.h().destinationPort() != 50001 && o.payload().length > 0) {
                Dss m = (Dss) o.mptcp(MptcpOption.DSS);
                if (m != null && m.hasMapping()) {
                    long from = m.dataSequenceNumber();
                    long to = from + o.payload().length;
                    if (to > joinedFrom && from < joinedTo) {
                        resentFrom = Math.min(resentFrom, from);
                        resentTo = Math.max(resentTo, to);
                    }
                }
            }
        }
        assertThat(resentFrom).as("reinjected from").isLessThanOrEqualTo(joinedFrom);
        assertThat(resentTo).as("reinjected to").isGreaterThanOrEqualTo(joinedTo);
        assertThat(p.stack.observer().get(Mib.MPTCPRetrans)).isPositive();
    }

    static final int JOIN_ISN_PLUS_1 = MptcpHandshakeTest.JOIN_ISN + 1;

    // =====================================================================================
    @Nested
    class Fastclose {
        @Test
        void wrongKeyIsIgnored() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            p.send(p.seg().options(new MptcpOption.MpFastclose(p.ourKey ^ 1)));
            // The peer's own key is not ours either.
            p.send(p.seg().options(new MptcpOption.MpFastclose(p.peerKey)));
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MPFastcloseBadKey)).isEqualTo(2);
            assertThat(p.stack.observer().get(Mib.MPFastcloseRx)).isZero();
            assertThat(p.closed).isFalse();
            assertDataStillFlowsIn(p);
            assertDataStillFlowsOut(p);
        }

        @Test
        void rightKeyEndsTheConnection() {
            Peer p = new Peer(MPTCP);
            MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
            Subflow first = p.sf();
            Subflow second = j.subflow();
            p.send(p.seg().options(new MptcpOption.MpFastclose(p.ourKey)));
            p.drain();
            assertThat(p.stack.observer().get(Mib.MPFastcloseRx)).isEqualTo(1);
            assertThat(p.closed).isTrue();
            assertThat(p.closedReason).contains("MP_FASTCLOSE");
            assertThat(first.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(second.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(p.stack.connections()).isEmpty();
        }

        @Test
        void rightKeyIsAnsweredWithRstOnEverySubflow() {
            // RFC 8684 3.5: "Upon receipt of an ACK with MP_FASTCLOSE by Host B, containing the valid
            // key, Host B answers on the same subflow with a TCP RST and tears down all subflows also
            // through sending TCP RST signals." Without the RST, host A sits in FASTCLOSE_WAIT
            // retransmitting its MP_FASTCLOSE.
            Peer p = new Peer(MPTCP);
            twoSubflows(p);
            p.send(p.seg().options(new MptcpOption.MpFastclose(p.ourKey)));
            List<Peer.Out> out = p.drain();
            assertThat(out).as("RST on the subflow that carried MP_FASTCLOSE")
                    .anyMatch(o -> o.has(RST) && o.dst().equals(Peer.THEM) && o.seq() == p.pAck);
            assertThat(out).as("RST on the other subflow").anyMatch(o -> o.has(RST) && o.dst().equals(Peer.THEM2));
        }

        @Test
        void rstCarryingMpFastcloseWithTheRightKeyEndsTheWholeConnection() {
            // RFC 8684 3.5, option R (what Linux sends): "If Host B receives a TCP RST containing a
            // valid MP_FASTCLOSE, it can tear down the connection immediately." Here it arrives on
            // one subflow of two; the connection must not live on over the other.
            Peer p = new Peer(MPTCP);
            twoSubflows(p);
            p.send(p.seg().flags(RST).options(new MptcpOption.MpFastclose(p.ourKey)));
            p.drain();
            assertThat(p.closed).as("the connection ended").isTrue();
            assertThat(p.stack.observer().get(Mib.MPFastcloseRx)).isEqualTo(1);
        }
    }

    // =====================================================================================
    @Nested
    class Malformed {
        /** A valid SYN to our listener. */
        byte[] syn() {
            return TEMPL.seq(ISN).ack(0).flags(SYN).options(new TcpOption.Mss(1460)).bytes();
        }

        Peer listening() {
            Peer p = new Peer(MPTCP);
            p.listen();
            return p;
        }

        @Test
        void truncatedIpHeaderIsCountedAndDropped() {
            Peer p = listening();
            p.sendRaw(Arrays.copyOf(syn(), 12));
            p.sendRaw(new byte[0]);
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MalformedPackets)).isEqualTo(2);
            assertThat(p.stack.connections()).isEmpty();
        }

        @Test
        void truncatedTcpHeaderIsCountedAndDropped() {
            Peer p = listening();
            p.sendRaw(Arrays.copyOf(syn(), 20 + 12));
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MalformedPackets)).isEqualTo(1);
            assertThat(p.stack.connections()).isEmpty();
        }

        @Test
        void tcpDataOffsetBeyondTheSegmentIsCountedAndDropped() {
            Peer p = listening();
            byte[] b = syn();
            b[20 + 12] = (byte) 0xf0; // data offset 60 bytes, the segment has 24
            p.sendRaw(b);
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MalformedPackets)).isEqualTo(1);
        }

        @Test
        void optionLengthRunningPastTheHeaderIsCountedAndDropped() {
            Peer p = listening();
            byte[] b = syn();
            b[20 + 21] = 40; // the MSS option claims 40 bytes
            TcpHeader.fillChecksumV4(b, 20, b.length - 20, Peer.THEM, Peer.US);
            p.sendRaw(b);
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MalformedPackets)).isEqualTo(1);
        }

        @Test
        void badTcpChecksumIsCountedAndDropped() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            byte[] d = Peer.bytes(400, 6);
            int ssn = p.pSeq - p.sf().irs;
            byte[] b = p.seg().flags(ACK | PSH).payload(d).options(Dss.mapping(p.pDataAck, p.pDsn, ssn, d.length, -1, false)).bytes();
            b[b.length - 1] ^= 0x40;
            p.sendRaw(b);
            p.advance(100 * MS);
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.TcpBadChecksum)).isEqualTo(1);
            assertThat(p.received.size()).isZero();
            assertDataStillFlowsIn(p);
        }

        @Test
        void ipLengthBeyondTheBytesIsCountedAndDropped() {
            Peer p = listening();
            byte[] b = syn();
            Bytes.put16(b, 2, b.length + 100);
            Bytes.put16(b, 10, 0);
            Bytes.put16(b, 10, Checksums.internet(b, 0, 20));
            p.sendRaw(b);
            p.expectNothing();
            assertThat(p.stack.observer().get(Mib.MalformedPackets) + p.stack.observer().get(Mib.TcpBadChecksum))
                    .isEqualTo(1);
            assertThat(p.stack.connections()).isEmpty();
        }

        @Test
        void badIpv4HeaderChecksumIsDropped() {
            // RFC 1122 3.2.1.2: a host MUST verify the IP header checksum and silently discard a
            // datagram whose checksum is bad. The TCP checksum does not cover TTL, ID, TOS or flags.
            Peer p = listening();
            byte[] b = syn();
            b[8] = 1; // TTL changed in flight, header checksum not updated
            p.sendRaw(b);
            p.expectNothing();
            assertThat(p.stack.connections()).isEmpty();
            assertThat(p.stack.observer().get(Mib.MalformedPackets)).isEqualTo(1);
        }

        @Test
        void packetForAnotherHostIsIgnored() {
            Peer p = listening();
            p.send(TEMPL.to(Ipv4Address.of(10, 0, 0, 99)).seq(ISN).ack(0).flags(SYN));
            p.expectNothing();
            assertThat(p.stack.connections()).isEmpty();
        }
    }

    // =====================================================================================
    @Nested
    class Fuzz {
        @Test
        void randomBytesNeverThrow() {
            Peer p = new Peer(MPTCP);
            p.openMptcpAsServer(ISN);
            SplittableRandom r = new SplittableRandom(1);
            byte[] valid = p.seg().bytes();
            for (int i = 0; i < 20_000; i++) {
                byte[] b;
                if (i % 2 == 0) {
                    b = new byte[r.nextInt(80)];
                    r.nextBytes(b);
                    if (b.length > 0) {
                        b[0] = (byte) (0x45 + (r.nextInt(3) == 0 ? r.nextInt(16) : 0));
                    }
                } else {
                    b = valid.clone();
                    for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                p.sendRaw(b);
                p.drain();
            }
            assertThat(p.stack.observer().get(Mib.MalformedPackets) + p.stack.observer().get(Mib.TcpBadChecksum))
                    .isGreaterThan(9_000);
        }

        /** Random MPTCP options on checksum-valid segments near the right sequence numbers, on both subflows. */
        @Test
        void forgedSegmentsWithValidChecksumsNeverThrow() {
            for (long seed = 1; seed <= 40; seed++) {
                Peer p = new Peer(MPTCP, false, seed);
                MptcpHandshakeTest.PeerJoin j = twoSubflows(p);
                SplittableRandom r = new SplittableRandom(seed);
                p.write(Peer.bytes(50_000, 3));
                int n = 0;
                try {
                    for (; n < 400; n++) {
                        boolean onJoin = r.nextBoolean();
                        Peer.Seg base = onJoin
                                ? j.t.seq(MptcpHandshakeTest.JOIN_ISN + 1 + r.nextInt(3000)).ack(j.ourIss + 1 + r.nextInt(20_000))
                                : p.seg().seq(p.pSeq + r.nextInt(3000) - 100).ack(p.pAck + r.nextInt(20_000) - 100);
                        int flags = ACK;
                        int f = r.nextInt(20);
                        if (f == 0) {
                            flags |= TcpHeader.FIN;
                        } else if (f == 1) {
                            flags = RST;
                        } else if (f == 2) {
                            flags |= SYN;
                        }
                        List<TcpOption> opts = new ArrayList<>();
                        opts.add(randomOption(r, p));
                        if (r.nextBoolean()) {
                            opts.add(randomOption(r, p));
                        }
                        int len = 0;
                        for (TcpOption o : opts) {
                            len += o.length();
                        }
                        if (len > 40) {
                            opts.remove(1);
                        }
                        byte[] pay = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(1400)];
                        r.nextBytes(pay);
                        p.send(base.flags(flags).window(r.nextInt(65536)).options(opts).payload(pay));
                        p.drain();
                        if (r.nextInt(10) == 0) {
                            p.advance(r.nextInt(500) * MS);
                            p.drain();
                        }
                    }
                    p.advance(120_000 * MS);
                    p.drain();
                    if (Boolean.getBoolean("fuzz.print")) {
                        System.out.println("FUZZ seed " + seed + " closed=" + p.closed + " reason=" + p.closedReason + " rx="
                                + p.received.size() + " " + p.stack.observer().counters());
                    }
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", forged segment " + n + ": " + e, e);
                }
            }
        }

        TcpOption randomOption(SplittableRandom r, Peer p) {
            long near = p.pDsn + r.nextInt(100_000) - 50_000;
            long nearAck = p.pDataAck + r.nextInt(100_000) - 10_000;
            switch (r.nextInt(10)) {
                case 0:
                    return new Dss(r.nextInt(32), nearAck, near, r.nextInt(5000),
                            r.nextInt(3000), -1);
                case 1:
                    return Dss.mapping(nearAck, near, r.nextInt(5000), r.nextInt(3000), -1, r.nextBoolean());
                case 2:
                    return Dss.ack(r.nextBoolean() ? nearAck : r.nextLong());
                case 3:
                    return new Dss(Dss.FLAG_MAPPING | (r.nextBoolean() ? Dss.FLAG_DATA_FIN : 0), 0, near & 0xffffffffL,
                            r.nextInt(5000), r.nextInt(2), -1);
                case 4:
                    return AddAddr.announce(r.nextInt(256), Ipv4Address.of(10, 1, 0, r.nextInt(256)), -1, r.nextLong());
                case 5:
                    return new MptcpOption.RemoveAddr(List.of(r.nextInt(4)));
                case 6:
                    return MptcpOption.MpPrio.of(r.nextBoolean());
                case 7:
                    return new MptcpOption.MpFail(near);
                case 8:
                    return MptcpOption.MpCapable.ackWithData(Peer.H, p.peerKey, p.ourKey, r.nextInt(3000), -1);
                default:
                    return new MptcpOption.MpTcpRst(r.nextInt(16), r.nextInt(8));
            }
        }
    }
}

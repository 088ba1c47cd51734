package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.mptcp.Peer.MS;
import static org.mptcplab.stack.mptcp.Peer.TEMPL;
import static org.mptcplab.stack.wire.TcpHeader.ACK;
import static org.mptcplab.stack.wire.TcpHeader.FIN;
import static org.mptcplab.stack.wire.TcpHeader.PSH;
import static org.mptcplab.stack.wire.TcpHeader.RST;
import static org.mptcplab.stack.wire.TcpHeader.SYN;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The subflow's TCP state machine (RFC 9293, 5961, 6298, 5681, 7323, 2018), one state and rule per
 * test, smoltcp style: one stack, the test plays the peer with hand-built segments (template
 * {@link Peer#TEMPL}, only the differing fields spelled out) and decodes what the stack sends.
 * Plain TCP (MPTCP off) so that no MPTCP option gets in the way.
 */
class TcpStateTest {
    static final StackConfig TCP = StackConfig.defaults().withMptcp(false);
    static final int ISN = 0x10000;

    static final TcpOption MSS = new TcpOption.Mss(1460);
    static final TcpOption SACK_OK = new TcpOption.SackPermitted();

    static Peer server() {
        return new Peer(TCP);
    }

    /** An established plain TCP connection, we are the server; the peer offered MSS and SACK. */
    static Peer established() {
        Peer p = server();
        p.openAsServer(ISN, MSS, SACK_OK);
        return p;
    }

    static MptcpConnection onlyConnection(Peer p) {
        assertThat(p.stack.connections()).hasSize(1);
        return p.stack.connections().get(0);
    }

    // =====================================================================================
    @Nested
    class Listen {
        @Test
        void synGetsSynAckWithTheNegotiatedOptions() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(new TcpOption.Mss(1400), SACK_OK,
                    new TcpOption.Timestamps(1000, 0), new TcpOption.Nop(), new TcpOption.WindowScale(5)));
            Peer.Out sa = p.expect();
            assertThat(sa.flags()).isEqualTo(SYN | ACK);
            assertThat(sa.ack()).as("ack = peer ISN + 1").isEqualTo(ISN + 1);
            assertThat(sa.opt(TcpOption.Mss.class)).as("MSS option").isNotNull();
            assertThat(sa.opt(TcpOption.SackPermitted.class)).as("SACK-permitted echoed").isNotNull();
            TcpOption.Timestamps ts = sa.opt(TcpOption.Timestamps.class);
            assertThat(ts).as("timestamps").isNotNull();
            assertThat(ts.tsEcr()).as("TSecr echoes the peer's TSval").isEqualTo(1000);
            TcpOption.WindowScale ws = sa.opt(TcpOption.WindowScale.class);
            assertThat(ws).as("window scale answered because the peer offered it").isNotNull();
            // Enough to advertise the 4 MiB receive buffer (RFC 7323 2.3).
            assertThat(ws.shift()).isEqualTo(7);
            // The window of a SYN/ACK is never scaled (RFC 7323 2.2).
            assertThat(sa.window()).isBetween(1, 65535);
            assertThat(sa.hasAnyMptcp()).isFalse();
            p.expectNothing();
            assertThat(onlyConnection(p).initialSubflow.state()).isEqualTo(SubflowState.SYN_RECEIVED);
            assertThat(p.socket).as("not accepted before the third ACK").isNull();
        }

        @Test
        void synAckAnnouncesOurOwnMssNotThePeers() {
            // RFC 9293 3.7.1 / RFC 6691: the MSS option says what WE can receive; the peer's smaller
            // MSS limits what we send, not what we announce (Linux announces its own).
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(new TcpOption.Mss(1400)));
            Peer.Out sa = p.expect();
            assertThat(sa.opt(TcpOption.Mss.class).mss()).isEqualTo(1460);
        }

        @Test
        void synWithoutOptionsGetsNoWindowScaleSackOrTimestamps() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN));
            Peer.Out sa = p.expect();
            assertThat(sa.flags()).isEqualTo(SYN | ACK);
            assertThat(sa.ack()).isEqualTo(ISN + 1);
            assertThat(sa.opt(TcpOption.WindowScale.class)).as("no window scale unless offered").isNull();
            assertThat(sa.opt(TcpOption.SackPermitted.class)).as("no SACK-permitted unless offered").isNull();
            assertThat(sa.opt(TcpOption.Timestamps.class)).as("no timestamps unless offered").isNull();
            assertThat(sa.opt(TcpOption.Mss.class)).isNotNull();
            // Without an MSS option the peer's MSS is 536 (RFC 9293 3.7.1): our segments respect it.
            p.pSeq = ISN + 1;
            p.pAck = sa.seq() + 1;
            p.ourIss = sa.seq();
            p.send(p.seg());
            p.drain();
            p.write(Peer.bytes(2000, 1));
            List<Peer.Out> data = p.drain();
            assertThat(data).isNotEmpty();
            for (Peer.Out o : data) {
                assertThat(o.payload().length).isLessThanOrEqualTo(536);
            }
        }

        @Test
        void thirdAckEstablishes() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS));
            Peer.Out sa = p.expect();
            p.send(TEMPL.seq(ISN + 1).ack(sa.seq() + 1));
            p.expectNothing();
            assertThat(p.socket).as("accepted").isNotNull();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.socket.isConnected()).isTrue();
            assertThat(p.connectedCalls).isEqualTo(1);
        }

        @Test
        void synRetransmissionInSynReceivedGetsTheSynAckAgain() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS));
            Peer.Out sa = p.expect();
            p.advance(100 * MS);
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS));
            Peer.Out again = p.expect();
            assertThat(again.flags()).isEqualTo(SYN | ACK);
            assertThat(again.seq()).as("same ISN").isEqualTo(sa.seq());
            assertThat(again.ack()).isEqualTo(ISN + 1);
            p.expectNothing();
            assertThat(p.stack.connections()).as("no second connection").hasSize(1);
        }

        @Test
        void synAckRetransmittedOnTimeoutWithBackoff() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS));
            Peer.Out sa = p.expect();
            assertThat(p.fire()).isEqualTo(1000 * MS);
            Peer.Out r1 = p.expect();
            assertThat(r1.flags()).isEqualTo(SYN | ACK);
            assertThat(r1.seq()).isEqualTo(sa.seq());
            assertThat(p.fire()).isEqualTo(2000 * MS);
            assertThat(p.expect().flags()).isEqualTo(SYN | ACK);
        }

        @Test
        void badAckInSynReceivedGetsRst() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS));
            Peer.Out sa = p.expect();
            int bad = sa.seq() + 1000;
            p.send(TEMPL.seq(ISN + 1).ack(bad));
            Peer.Out rst = p.expect();
            // RFC 9293 3.10.7.4: <SEQ=SEG.ACK><CTL=RST>
            assertThat(rst.flags()).isEqualTo(RST);
            assertThat(rst.seq()).isEqualTo(bad);
            p.expectNothing();
            assertThat(onlyConnection(p).initialSubflow.state()).isEqualTo(SubflowState.SYN_RECEIVED);
            // The real third ACK still completes the handshake.
            p.send(TEMPL.seq(ISN + 1).ack(sa.seq() + 1));
            assertThat(p.socket).isNotNull();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
        }

        @Test
        void segmentToAClosedPortGetsRst() {
            Peer p = server();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).dport(81));
            Peer.Out rst = p.expect();
            assertThat(rst.flags()).isEqualTo(RST | ACK);
            assertThat(rst.ack()).isEqualTo(ISN + 1);
            assertThat(rst.seq()).isEqualTo(0);
            assertThat(p.stack.observer().get(Mib.TcpNoSocket)).isEqualTo(1);
        }
    }

    // =====================================================================================
    @Nested
    class SynSent {
        @Test
        void synFields() {
            Peer p = server();
            Peer.Out syn = p.connect();
            assertThat(syn.flags()).isEqualTo(SYN);
            assertThat(syn.ack()).isZero();
            assertThat(syn.dst()).isEqualTo(Peer.THEM);
            assertThat(syn.h().destinationPort()).isEqualTo(Peer.PORT);
            assertThat(syn.opt(TcpOption.Mss.class).mss()).isEqualTo(1460);
            assertThat(syn.opt(TcpOption.SackPermitted.class)).isNotNull();
            TcpOption.Timestamps ts = syn.opt(TcpOption.Timestamps.class);
            assertThat(ts).isNotNull();
            assertThat(ts.tsEcr()).isZero();
            assertThat(syn.opt(TcpOption.WindowScale.class).shift()).isEqualTo(7);
            assertThat(syn.hasAnyMptcp()).as("plain TCP host").isFalse();
            p.expectNothing();
            assertThat(p.sf().state()).isEqualTo(SubflowState.SYN_SENT);
        }

        @Test
        void synAckWithWrongAckGetsRstAndTheConnectionWaits() {
            Peer p = server();
            p.connect();
            int bad = p.ourIss + 5;
            p.send(p.t.seq(ISN).ack(bad).flags(SYN | ACK).options(MSS));
            Peer.Out rst = p.expect();
            assertThat(rst.flags()).isEqualTo(RST);
            assertThat(rst.seq()).isEqualTo(bad);
            assertThat(p.sf().state()).isEqualTo(SubflowState.SYN_SENT);
            assertThat(p.closed).isFalse();
            // The right SYN/ACK afterwards still completes it.
            p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK).options(MSS));
            Peer.Out ack = p.expect();
            assertThat(ack.flags()).isEqualTo(ACK);
            assertThat(ack.ack()).isEqualTo(ISN + 1);
            assertThat(ack.seq()).isEqualTo(p.ourIss + 1);
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.connectedCalls).isEqualTo(1);
        }

        @Test
        void rstWithTheRightAckClosesWithAReason() {
            Peer p = server();
            p.connect();
            Subflow sf = p.sf();
            p.send(p.t.seq(0).ack(p.ourIss + 1).flags(RST | ACK));
            p.expectNothing();
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(p.closed).isTrue();
            assertThat(p.closedReason).contains("refused");
            assertThat(p.stack.nextTimeout()).as("no timer left").isEqualTo(Endpoint.NEVER);
        }

        @Test
        void rstWithoutAckIsIgnoredInSynSent() {
            // RFC 9293 3.10.7.3: in SYN-SENT a RST is acceptable only with an acceptable ACK.
            Peer p = server();
            p.connect();
            p.send(p.t.seq(0).ack(0).flags(RST));
            p.expectNothing();
            assertThat(p.sf().state()).isEqualTo(SubflowState.SYN_SENT);
            assertThat(p.closed).isFalse();
        }

        @Test
        void synRetransmittedWithExponentialBackoffThenGivesUp() {
            Peer p = server();
            Peer.Out syn = p.connect();
            List<Long> waits = new ArrayList<>();
            while (!p.closed && waits.size() < 20) {
                waits.add(p.fire() / MS);
                Peer.Out o = p.recv();
                if (o != null) {
                    assertThat(o.flags()).isEqualTo(SYN);
                    assertThat(o.seq()).as("retransmitted SYN keeps the ISN").isEqualTo(syn.seq());
                }
            }
            // RFC 6298 5.5: the timer doubles on each expiry, starting from the initial RTO of 1 s.
            assertThat(waits.subList(0, 4)).containsExactly(1000L, 2000L, 4000L, 8000L);
            assertThat(p.closed).as("gives up eventually").isTrue();
            assertThat(p.closedReason).contains("timed out");
        }

        @Test
        void synAckAfterARetransmittedSynGivesNoRttSample() {
            // Karn's rule (RFC 6298 3): no RTT sample from a retransmitted segment. The SYN/ACK below
            // answers the retransmitted SYN 10 ms after it; measuring from the first SYN gives 1010 ms.
            Peer p = new Peer(TCP.withTimestamps(false));
            p.connect();
            p.fire(); // SYN retransmitted at +1 s
            p.expect();
            p.advance(10 * MS);
            p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK).options(MSS));
            p.expect();
            Subflow sf = p.sf();
            assertThat(sf.srtt).as("srtt after SYN retransmission (ns): none, or not inflated by the lost SYN")
                    .satisfiesAnyOf(v -> assertThat(v).isNegative(), v -> assertThat(v).isLessThan(100 * MS));
        }
    }

    // =====================================================================================
    @Nested
    class EstablishedReceive {
        @Test
        void singleSegmentIsAckedAfterTheDelayedAckTimer() {
            Peer p = established();
            byte[] d = Peer.bytes(500, 1);
            p.sendData(d);
            p.expectNothing();
            assertThat(p.fire()).as("delayed ACK timer").isEqualTo(40 * MS);
            Peer.Out a = p.expect();
            assertThat(a.flags()).isEqualTo(ACK);
            assertThat(a.ack()).isEqualTo(p.pSeq);
            assertThat(a.payload()).isEmpty();
            assertThat(p.received.toByteArray()).isEqualTo(d);
        }

        @Test
        void secondSegmentTriggersAnImmediateAck() {
            Peer p = established();
            p.sendData(Peer.bytes(500, 1));
            p.expectNothing();
            p.advance(5 * MS);
            p.sendData(Peer.bytes(500, 2));
            Peer.Out a = p.expect();
            assertThat(a.ack()).isEqualTo(p.pSeq);
            p.expectNothing();
            p.advance(200 * MS);
            p.expectNothing(); // the delayed-ACK timer was cancelled by that ACK
        }

        @Test
        void delayedAckEchoesTheTimestampOfTheEarliestUnacknowledgedSegment() {
            // RFC 7323 4.3: TS.Recent takes a segment's TSval only if SEG.SEQ <= Last.ACK.sent <
            // SEG.SEQ + SEG.LEN, so an ACK covering two segments echoes the FIRST one's TSval and the
            // peer's RTT sample includes our ACK delay (Linux: tcp_replace_ts_recent with rcv_wup).
            Peer p = server();
            Peer.Out sa = p.openAsServer(ISN, MSS, new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(100, 0));
            long ourTs = sa.opt(TcpOption.Timestamps.class).tsVal();
            TcpOption[] ts1 = {new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(5000, ourTs)};
            TcpOption[] ts2 = {new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(6000, ourTs)};
            p.sendData(Peer.bytes(500, 1), ts1);
            p.advance(10 * MS);
            p.sendData(Peer.bytes(500, 2), ts2);
            Peer.Out a = p.expect();
            assertThat(a.ack()).isEqualTo(p.pSeq);
            assertThat(a.opt(TcpOption.Timestamps.class).tsEcr()).isEqualTo(5000);
        }

        @Test
        void outOfOrderSegmentGetsAnImmediateDuplicateAckWithSack() {
            Peer p = established();
            int hole = p.pSeq;
            byte[] first = Peer.bytes(1000, 1);
            byte[] second = Peer.bytes(500, 2);
            p.send(p.seg().seq(hole + 1000).flags(ACK | PSH).payload(second));
            Peer.Out dup = p.expect();
            assertThat(dup.ack()).as("duplicate ACK for the hole").isEqualTo(hole);
            TcpOption.Sack sack = dup.opt(TcpOption.Sack.class);
            assertThat(sack).as("SACK block (RFC 2018)").isNotNull();
            assertThat(sack.blocks()).containsExactly(new TcpOption.SackBlock(hole + 1000, hole + 1500));
            assertThat(p.received.size()).isZero();

            // Filling the hole acknowledges everything, at once.
            p.send(p.seg().seq(hole).flags(ACK | PSH).payload(first));
            Peer.Out all = p.expect();
            assertThat(all.ack()).isEqualTo(hole + 1500);
            assertThat(all.opt(TcpOption.Sack.class)).as("no SACK once in order").isNull();
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes(first);
            want.writeBytes(second);
            assertThat(p.received.toByteArray()).isEqualTo(want.toByteArray());
        }

        @Test
        void oldDuplicateGetsAnAckAndIsNotDeliveredTwice() {
            Peer p = established();
            byte[] a = Peer.bytes(500, 1);
            byte[] b = Peer.bytes(500, 2);
            int start = p.pSeq;
            p.sendData(a);
            p.sendData(b);
            p.drain();
            p.send(p.seg().seq(start).flags(ACK | PSH).payload(a));
            Peer.Out ack = p.expect();
            assertThat(ack.ack()).isEqualTo(start + 1000);
            assertThat(p.received.size()).isEqualTo(1000);
        }

        @Test
        void segmentBeyondTheWindowIsNotAccepted() {
            Peer p = new Peer(TCP.withBuffers(4 << 20, 4096));
            p.autoRead = false;
            Peer.Out sa = p.openAsServer(ISN, MSS, SACK_OK);
            assertThat(sa.window()).isEqualTo(4096);
            int start = p.pSeq;
            // Entirely beyond rcv_nxt + 4096: not acceptable, answered with an ACK, not queued.
            p.send(p.seg().seq(start + 5000).flags(ACK | PSH).payload(Peer.bytes(200, 9)));
            Peer.Out a = p.expect();
            assertThat(a.ack()).isEqualTo(start);
            assertThat(a.opt(TcpOption.Sack.class)).as("nothing was queued, nothing to SACK").isNull();
            // Fill the window exactly.
            byte[] data = Peer.bytes(4096, 3);
            p.sendData(Arrays.copyOfRange(data, 0, 1460));
            p.sendData(Arrays.copyOfRange(data, 1460, 2920));
            p.sendData(Arrays.copyOfRange(data, 2920, 4096));
            p.advance(50 * MS); // the delayed ACK for the last one
            List<Peer.Out> acks = p.drain();
            Peer.Out last = acks.get(acks.size() - 1);
            assertThat(last.ack()).isEqualTo(start + 4096);
            assertThat(last.window()).as("window closed").isZero();
            p.appRead();
            p.drain();
            assertThat(p.received.toByteArray()).isEqualTo(data);
            // [4096, 5000) now: the stack must not have kept the early segment at 5000.
            p.sendData(Peer.bytes(904, 4));
            p.fire();
            List<Peer.Out> after = p.drain();
            assertThat(after.get(after.size() - 1).ack()).isEqualTo(start + 5000);
        }

        @Test
        void zeroWindowProbeWithOneByteIsNotAccepted() {
            // A BSD/Windows-style zero-window probe carries one byte of new data at rcv_nxt. With a
            // zero window it is not acceptable (RFC 9293 3.10.7.4: RCV.WND = 0 accepts only a
            // zero-length segment at RCV.NXT): it must be answered with ACK = rcv_nxt, window 0,
            // and the byte must not be acknowledged unless it is actually kept.
            Peer p = new Peer(TCP.withBuffers(4 << 20, 4096));
            p.autoRead = false;
            p.openAsServer(ISN, MSS, SACK_OK);
            int start = p.pSeq;
            byte[] data = Peer.bytes(4097, 5);
            p.sendData(Arrays.copyOfRange(data, 0, 1460));
            p.sendData(Arrays.copyOfRange(data, 1460, 2920));
            p.sendData(Arrays.copyOfRange(data, 2920, 4096));
            p.drain();
            // Probe: the 4097th byte.
            p.send(p.seg().flags(ACK | PSH).payload(Arrays.copyOfRange(data, 4096, 4097)));
            Peer.Out a = p.expect();
            assertThat(a.window()).isZero();
            assertThat(a.ack()).as("the probe byte is not acknowledged with a zero window").isEqualTo(start + 4096);
        }

        @Test
        void segmentStraddlingTheRightWindowEdgeIsTrimmedOrDropped() {
            // RFC 9293 3.10.7.4: the part of a segment beyond RCV.NXT + RCV.WND is not accepted
            // ("trimming off any portions that lie outside the window"). Acknowledging it while the
            // buffer drops it loses those bytes for good.
            Peer p = new Peer(TCP.withBuffers(4 << 20, 4096));
            p.autoRead = false;
            p.openAsServer(ISN, MSS, SACK_OK);
            int start = p.pSeq;
            byte[] data = Peer.bytes(6000, 6);
            p.send(p.seg().flags(ACK | PSH).payload(Arrays.copyOfRange(data, 0, 3000)));
            p.advance(50 * MS);
            p.drain();
            p.send(p.seg().seq(start + 3000).flags(ACK | PSH).payload(Arrays.copyOfRange(data, 3000, 6000)));
            p.advance(50 * MS);
            List<Peer.Out> acks = p.drain();
            assertThat(acks).isNotEmpty();
            int acked = acks.get(acks.size() - 1).ack() - start;
            assertThat(acked).as("bytes acknowledged with a 4096-byte window").isLessThanOrEqualTo(4096);
            p.appRead();
            Peer.assertSameBytes(p.received.toByteArray(), Arrays.copyOfRange(data, 0, acked), "bytes read vs bytes acknowledged");
        }

        @Test
        void dataOnASegmentThatAcksUnsentDataIsDroppedAndAnswered() {
            // RFC 9293 3.10.7.4 (fifth check) and RFC 5961 5.2: "If the ACK acks something not yet
            // sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
            Peer p = established();
            int start = p.pSeq;
            p.send(p.seg().ack(p.pAck + 100_000).flags(ACK | PSH).payload(Peer.bytes(300, 1)));
            Peer.Out a = p.expect();
            assertThat(a.flags()).isEqualTo(ACK);
            assertThat(a.ack()).as("the segment was dropped").isEqualTo(start);
            assertThat(p.received.size()).isZero();
        }

        @Test
        void sequenceNumbersWrapAround() {
            // The peer's ISN sits just below 2^32: its data crosses the wrap, including out-of-order
            // segments queued on either side of it.
            Peer p = server();
            p.openAsServer(0xfffff000, MSS, SACK_OK);
            byte[] data = Peer.bytes(40_000, 7);
            int base = p.pSeq;
            List<int[]> segs = new ArrayList<>();
            for (int off = 0; off < data.length; off += 1000) {
                segs.add(new int[] {off, Math.min(1000, data.length - off)});
            }
            // Swap each pair: every second segment arrives first.
            for (int i = 0; i + 1 < segs.size(); i += 2) {
                int[] t = segs.get(i);
                segs.set(i, segs.get(i + 1));
                segs.set(i + 1, t);
            }
            int lastAck = 0;
            for (int[] s : segs) {
                p.send(p.seg().seq(base + s[0]).flags(ACK | PSH).payload(Arrays.copyOfRange(data, s[0], s[0] + s[1])));
                for (Peer.Out o : p.drain()) {
                    lastAck = o.ack();
                }
            }
            p.advance(100 * MS);
            for (Peer.Out o : p.drain()) {
                lastAck = o.ack();
            }
            assertThat(Integer.toUnsignedLong(base)).as("the data starts before the wrap").isGreaterThan(0xffff0000L);
            assertThat(lastAck).isEqualTo(base + data.length);
            assertThat(Integer.toUnsignedLong(lastAck)).as("and ends after it").isLessThan(0x10000L);
            Peer.assertSameBytes(p.received.toByteArray(), data, "stream across the wrap");
        }
    }

    // =====================================================================================
    @Nested
    class EstablishedSend {
        @Test
        void lostSegmentIsRetransmittedAfterRtoWithBackoffDoubling() {
            Peer p = established();
            byte[] d = Peer.bytes(1000, 1);
            p.write(d);
            Peer.Out first = p.expect();
            assertThat(first.payload()).isEqualTo(d);
            long expectedRto = p.sf().rto;
            assertThat(expectedRto).as("RTO after a ~0 RTT handshake (RFC 6298 2.4: at least the minimum)")
                    .isBetween(200 * MS, 1000 * MS);
            long rto = p.fire();
            assertThat(rto).isEqualTo(expectedRto);
            Peer.Out r1 = p.expect();
            assertThat(r1.seq()).isEqualTo(first.seq());
            assertThat(r1.payload()).isEqualTo(d);
            assertThat(p.fire()).as("backoff x2").isEqualTo(2 * rto);
            assertThat(p.expect().seq()).isEqualTo(first.seq());
            assertThat(p.fire()).as("backoff x4").isEqualTo(4 * rto);
            assertThat(p.expect().seq()).isEqualTo(first.seq());
            assertThat(p.stack.observer().get(Mib.TcpRetransSegs)).isEqualTo(3);
            // The ACK ends it.
            p.send(p.seg().ack(first.seq() + 1000));
            p.advance(10_000 * MS);
            p.expectNothing();
        }

        @Test
        void fastRetransmitAfterThreeDuplicateAcks() {
            Peer p = server();
            p.openAsServer(ISN, new TcpOption.Mss(1000));
            byte[] d = Peer.bytes(5000, 2);
            p.write(d);
            List<Peer.Out> sent = p.drain();
            assertThat(sent).hasSize(5);
            int una = p.ourIss + 1;
            // Segment 1 is lost; segments 2, 3, 4 each produce a duplicate ACK. The first two may
            // release new data (RFC 3042 limited transmit) but must not retransmit yet.
            for (int i = 0; i < 2; i++) {
                p.send(p.seg().ack(una));
                assertThat(p.drain()).as("no retransmission before the third duplicate ACK").noneMatch(o -> o.seq() == una);
            }
            p.send(p.seg().ack(una));
            Peer.Out rx = p.expect();
            assertThat(rx.seq()).isEqualTo(una);
            assertThat(rx.payload()).isEqualTo(Arrays.copyOfRange(d, 0, 1000));
            assertThat(p.sf().fastRetransmits).isEqualTo(1);
            assertThat(p.sf().rtoCount).as("before any RTO").isZero();
        }

        @Test
        void zeroWindowStopsTheSenderWhichThenProbes() {
            Peer p = server();
            p.listen();
            p.send(TEMPL.seq(ISN).ack(0).flags(SYN).window(2000).options(MSS));
            Peer.Out sa = p.expect();
            p.ourIss = sa.seq();
            p.pSeq = ISN + 1;
            p.pAck = sa.seq() + 1;
            p.send(p.seg().window(2000));
            p.drain();
            byte[] d = Peer.bytes(10_000, 3);
            p.write(d);
            List<Peer.Out> sent = p.drain();
            int total = sent.stream().mapToInt(o -> o.payload().length).sum();
            assertThat(total).as("only the peer's 2000-byte window").isEqualTo(2000);
            // The peer takes it all and closes its window.
            p.send(p.seg().ack(p.ourIss + 1 + 2000).window(0));
            p.expectNothing();
            long w1 = p.fire();
            Peer.Out probe1 = p.expect();
            assertThat(probe1.payload().length).as("a probe, not a flood").isLessThanOrEqualTo(1);
            p.expectNothing();
            p.send(p.seg().ack(p.ourIss + 1 + 2000).window(0));
            p.expectNothing();
            long w2 = p.fire();
            Peer.Out probe2 = p.expect();
            assertThat(probe2.payload().length).isLessThanOrEqualTo(1);
            assertThat(w2).as("persist timer backs off").isEqualTo(2 * w1);
            // The window opens: the rest goes out.
            p.send(p.seg().ack(p.ourIss + 1 + 2000).window(65535));
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            for (Peer.Out o : p.drain()) {
                if (o.payload().length > 0) {
                    assertThat(o.seq()).isEqualTo(p.ourIss + 1 + 2000 + rest.size());
                    rest.writeBytes(o.payload());
                }
            }
            assertThat(rest.toByteArray()).isEqualTo(Arrays.copyOfRange(d, 2000, 10_000));
        }
    }

    // =====================================================================================
    @Nested
    class Closing {
        @Test
        void passiveCloseThroughCloseWaitAndLastAck() {
            Peer p = established();
            Subflow sf = p.sf();
            p.send(p.seg().flags(FIN | ACK));
            p.pSeq++;
            Peer.Out a = p.expect();
            assertThat(a.flags()).isEqualTo(ACK);
            assertThat(a.ack()).as("the FIN takes one sequence number").isEqualTo(p.pSeq);
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSE_WAIT);
            assertThat(p.eof).as("the application sees the end of the stream").isTrue();
            p.appClose();
            Peer.Out fin = p.expect();
            assertThat(fin.flags()).isEqualTo(FIN | ACK);
            assertThat(fin.seq()).isEqualTo(p.ourIss + 1);
            assertThat(sf.state()).isEqualTo(SubflowState.LAST_ACK);
            p.send(p.seg().ack(p.ourIss + 2));
            p.expectNothing();
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(p.closed).isTrue();
            assertThat(p.closedReason).as("orderly close").isNull();
            assertThat(p.stack.nextTimeout()).isEqualTo(Endpoint.NEVER);
        }

        @Test
        void activeCloseThroughFinWait2AndTimeWait() {
            Peer p = established();
            Subflow sf = p.sf();
            p.appClose();
            Peer.Out fin = p.expect();
            assertThat(fin.flags()).isEqualTo(FIN | ACK);
            assertThat(sf.state()).isEqualTo(SubflowState.FIN_WAIT_1);
            p.send(p.seg().ack(p.ourIss + 2));
            p.expectNothing();
            assertThat(sf.state()).isEqualTo(SubflowState.FIN_WAIT_2);
            p.pAck = p.ourIss + 2;
            p.send(p.seg().flags(FIN | ACK));
            Peer.Out a = p.expect();
            assertThat(a.flags()).isEqualTo(ACK);
            assertThat(a.ack()).isEqualTo(p.pSeq + 1);
            assertThat(sf.state()).isEqualTo(SubflowState.TIME_WAIT);
            // Our last ACK was lost: the FIN again gets it again (and restarts the 2 MSL timer).
            p.advance(500 * MS);
            p.send(p.seg().flags(FIN | ACK));
            assertThat(p.expect().ack()).isEqualTo(p.pSeq + 1);
            assertThat(sf.state()).isEqualTo(SubflowState.TIME_WAIT);
            assertThat(p.fire()).as("TIME_WAIT lasts the configured 2 MSL").isEqualTo(1000 * MS);
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSED);
            p.expectNothing();
            assertThat(p.closed).isTrue();
            assertThat(p.closedReason).isNull();
            assertThat(p.stack.nextTimeout()).isEqualTo(Endpoint.NEVER);
        }

        @Test
        void simultaneousCloseGoesThroughClosing() {
            Peer p = established();
            Subflow sf = p.sf();
            p.appClose();
            p.expect(); // our FIN
            // The peer's FIN crosses ours: it does not acknowledge our FIN.
            p.send(p.seg().flags(FIN | ACK));
            Peer.Out a = p.expect();
            assertThat(a.ack()).isEqualTo(p.pSeq + 1);
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSING);
            p.pSeq++;
            p.send(p.seg().ack(p.ourIss + 2));
            assertThat(sf.state()).isEqualTo(SubflowState.TIME_WAIT);
            p.fire();
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(p.closed).isTrue();
        }
    }

    // =====================================================================================
    @Nested
    class Rfc5961 {
        @Test
        void rstAtRcvNxtCloses() {
            Peer p = established();
            Subflow sf = p.sf();
            p.send(p.seg().flags(RST));
            p.expectNothing();
            assertThat(sf.state()).isEqualTo(SubflowState.CLOSED);
            assertThat(p.closed).isTrue();
            assertThat(p.closedReason).contains("reset");
        }

        @Test
        void inWindowRstWithOtherSeqGetsAChallengeAckAndDoesNotClose() {
            Peer p = established();
            p.send(p.seg().seq(p.pSeq + 100).flags(RST));
            Peer.Out c = p.expect();
            assertThat(c.flags()).isEqualTo(ACK);
            assertThat(c.seq()).isEqualTo(p.ourIss + 1);
            assertThat(c.ack()).isEqualTo(p.pSeq);
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.stack.observer().get(Mib.TcpRstChallenged)).isEqualTo(1);
            // Still works.
            byte[] d = Peer.bytes(100, 1);
            p.sendData(d);
            p.sendData(d);
            assertThat(p.expect().ack()).isEqualTo(p.pSeq);
            assertThat(p.closed).isFalse();
        }

        @Test
        void outOfWindowRstIsIgnored() {
            Peer p = established();
            p.send(p.seg().seq(p.pSeq + 0x40000000).flags(RST));
            p.send(p.seg().seq(p.pSeq - 10).flags(RST));
            p.expectNothing();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.closed).isFalse();
        }

        @Test
        void synInEstablishedGetsAChallengeAck() {
            Peer p = established();
            p.send(p.seg().flags(SYN));
            Peer.Out c = p.expect();
            assertThat(c.flags()).isEqualTo(ACK);
            assertThat(c.ack()).isEqualTo(p.pSeq);
            assertThat(c.seq()).isEqualTo(p.ourIss + 1);
            p.expectNothing();
            assertThat(p.sf().state()).isEqualTo(SubflowState.ESTABLISHED);
            assertThat(p.stack.observer().get(Mib.TcpSynChallenged)).isEqualTo(1);
            // A SYN with an arbitrary sequence number too (the blind attack case).
            p.send(p.seg().seq(12345).flags(SYN));
            assertThat(p.expect().flags()).isEqualTo(ACK);
            assertThat(p.closed).isFalse();
        }
    }

    /** Guards against a stack that secretly speaks MPTCP in these tests. */
    @Test
    void plainTcpHostSendsNoMptcpOptions() {
        Peer p = established();
        p.write(Peer.bytes(3000, 1));
        for (Peer.Out o : p.drain()) {
            assertThat(o.h().options()).noneMatch(x -> x instanceof MptcpOption);
        }
    }
}

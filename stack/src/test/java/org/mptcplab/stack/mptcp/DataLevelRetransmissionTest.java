package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.mptcp.Peer.MS;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.MptcpOption.Dss;

/**
 * The data-level retransmission timer (RFC 8684 3.3.6). Seen against Linux 6.18 in the lab: the
 * kernel's TCP acknowledged the last segment of an upload but its data ACK stayed at that
 * segment's DSN, and no later ACK moved it; the upload waited forever. Linux's own sender gets
 * out of this with its MPTCP-level retransmission timer, so a kernel client never shows it.
 */
class DataLevelRetransmissionTest {
    static final int ISN = 0x50000;

    /** Our three segments of {@code d}; the peer is the server side of an MPTCP connection we accepted. */
    private static List<Peer.Out> writeThreeSegments(Peer p, byte[] d) {
        p.write(d);
        List<Peer.Out> segs = new ArrayList<>();
        for (Peer.Out o : p.drain()) {
            if (o.payload().length > 0) {
                segs.add(o);
            }
        }
        assertThat(segs).hasSize(3);
        return segs;
    }

    @Test
    void dataTheSubflowAcknowledgedButTheDataAckNeverCoveredIsSentAgain() {
        Peer p = new Peer(StackConfig.defaults());
        p.openMptcpAsServer(ISN);
        byte[] d = Peer.bytes(3 * 1400, 9);
        List<Peer.Out> segs = writeThreeSegments(p, d);
        Peer.Out last = segs.get(2);
        Dss lastMap = (Dss) last.mptcp(MptcpOption.DSS);
        long stuckAt = lastMap.dataSequenceNumber();
        int endSeq = last.seq() + last.payload().length;

        // The kernel's way: TCP acknowledges everything, the data ACK stops before the last segment.
        p.send(p.seg().ack(endSeq).options(Dss.ack(stuckAt)));
        assertThat(p.socket.unacknowledged()).isEqualTo(last.payload().length);
        p.expectNothing();
        assertThat(p.sf().units).as("TCP acknowledged every unit").isEmpty();

        // Nothing is in flight, so no subflow timer would ever fire: the data level's does.
        long waited = p.fire();
        assertThat(waited).as("one data-level RTO (at least 200 ms)").isGreaterThanOrEqualTo(200 * MS);
        Peer.Out again = p.expect();
        Dss map = (Dss) again.mptcp(MptcpOption.DSS);
        assertThat(map).as("the retransmission carries a mapping").isNotNull();
        assertThat(map.dataSequenceNumber()).as("the stuck DSN").isEqualTo(stuckAt);
        Peer.assertSameBytes(again.payload(), last.payload(), "the same bytes, as a new mapping of the subflow");
        assertThat(again.seq()).as("new subflow sequence space: TCP had acknowledged the old").isEqualTo(endSeq);
        assertThat(p.stack.observer().get(Mib.DataRto)).isEqualTo(1);
        assertThat(p.stack.observer().events()).anyMatch(e -> e.kind() == ProtocolEvent.Kind.REINJECTION
                && e.detail().contains("data ACK stuck at DSN " + Long.toUnsignedString(stuckAt)));

        // The peer drops the duplicate and finally says what it has: the connection is whole.
        p.send(p.seg().ack(endSeq + again.payload().length).options(Dss.ack(stuckAt + last.payload().length)));
        assertThat(p.socket.unacknowledged()).isZero();
        p.advance(10_000 * MS);
        assertThat(p.stack.observer().get(Mib.DataRto)).as("nothing outstanding: the timer is off").isEqualTo(1);
        assertThat(p.closed).isFalse();
    }

    @Test
    void whileTheDataAckStaysPutItBacksOffAndKeepsTrying() {
        Peer p = new Peer(StackConfig.defaults());
        p.openMptcpAsServer(ISN);
        byte[] d = Peer.bytes(3 * 1400, 3);
        List<Peer.Out> segs = writeThreeSegments(p, d);
        Peer.Out last = segs.get(2);
        long stuckAt = ((Dss) last.mptcp(MptcpOption.DSS)).dataSequenceNumber();
        int ackSeq = last.seq() + last.payload().length;
        p.send(p.seg().ack(ackSeq).options(Dss.ack(stuckAt)));

        List<Long> gaps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            gaps.add(p.fire());
            Peer.Out again = p.expect();
            assertThat(((Dss) again.mptcp(MptcpOption.DSS)).dataSequenceNumber()).isEqualTo(stuckAt);
            ackSeq = again.seq() + again.payload().length;
            p.send(p.seg().ack(ackSeq).options(Dss.ack(stuckAt))); // TCP acks it, the data ACK does not move
        }
        assertThat(p.stack.observer().get(Mib.DataRto)).isEqualTo(4);
        for (int i = 1; i < gaps.size(); i++) {
            assertThat(gaps.get(i)).as("exponential backoff").isGreaterThanOrEqualTo(2 * gaps.get(i - 1) - MS);
        }
    }

    @Test
    void dataStillInFlightOnTheSubflowIsLeftToItsOwnTimer() {
        // The head of the stream is unacknowledged by TCP: the subflow retransmits it itself
        // (RFC 6298), and the data level must not send a second copy on top.
        Peer p = new Peer(StackConfig.defaults());
        p.openMptcpAsServer(ISN);
        byte[] d = Peer.bytes(3 * 1400, 4);
        writeThreeSegments(p, d);
        p.advance(5_000 * MS);
        assertThat(p.stack.observer().get(Mib.DataRto)).isZero();
        assertThat(p.stack.observer().get(Mib.TcpRetransSegs)).isPositive();
    }
}

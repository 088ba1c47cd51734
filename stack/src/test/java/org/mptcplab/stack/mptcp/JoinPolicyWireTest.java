package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.mptcp.Peer.H;
import static org.mptcplab.stack.mptcp.Peer.TEMPL;
import static org.mptcplab.stack.wire.TcpHeader.ACK;
import static org.mptcplab.stack.wire.TcpHeader.RST;
import static org.mptcplab.stack.wire.TcpHeader.SYN;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.MptcpOption.MpCapable;
import org.mptcplab.stack.wire.MptcpOption.MpJoinSyn;
import org.mptcplab.stack.wire.MptcpOption.MpJoinSynAck;
import org.mptcplab.stack.wire.MptcpOption.MpTcpRst;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The join policies on the wire, against a scripted peer: the C flag of MP_CAPABLE (RFC 8684
 * 3.1) sent and enforced, and an ADD_ADDR with a port (3.4.1): its bytes, its HMAC, and which
 * ports a join SYN may come to.
 */
class JoinPolicyWireTest {
    static final int ISN = 0x20000;
    static final int JOIN_ISN = 0x7000_0000;
    static final int PEER_NONCE = 0x0badcafe;
    static final TcpOption MSS = new TcpOption.Mss(1460);

    /** We are the server, with a second address: the peer's SYN, our SYN/ACK, its third ACK; returns what we sent after it. */
    static List<Peer.Out> openAsServer(Peer p, List<Peer.Out> synAck) {
        p.listen();
        p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H)));
        Peer.Out sa = p.expect();
        synAck.add(sa);
        p.ourKey = ((MpCapable) sa.mptcp(MptcpOption.MP_CAPABLE)).senderKey();
        p.ourIss = sa.seq();
        p.pSeq = ISN + 1;
        p.pAck = p.ourIss + 1;
        p.send(p.seg().options(MpCapable.ack(H, p.peerKey, p.ourKey)));
        p.pDsn = MptcpCrypto.idsn(p.peerKey) + 1;
        p.pDataAck = MptcpCrypto.idsn(p.ourKey) + 1;
        return p.drain();
    }

    /** A join SYN from the peer's 10.1.0.2 to our {@code dst}:{@code dport}; returns our answer. */
    static Peer.Out joinSyn(Peer p, org.mptcplab.stack.wire.IpAddress dst, int dport, int sport) {
        p.send(TEMPL.from(Peer.THEM2, dst.equals(Peer.US2) ? 1 : 0).to(dst).sport(sport).dport(dport).seq(JOIN_ISN).ack(0)
                .flags(SYN).options(MSS, new MpJoinSyn(false, 1, MptcpCrypto.token(p.ourKey), PEER_NONCE)));
        return p.expect();
    }

    @Test
    void withoutJoinsToTheFirstAddressOurMpCapableSetsCAndSuchAJoinIsRefused() {
        Peer p = new Peer(StackConfig.defaults().withAllowJoinInitialAddress(false), true, 41);
        List<Peer.Out> synAck = new java.util.ArrayList<>();
        List<Peer.Out> after = openAsServer(p, synAck);
        MpCapable mpc = (MpCapable) synAck.get(0).mptcp(MptcpOption.MP_CAPABLE);
        assertThat(mpc.flags() & MpCapable.FLAG_C).as("C in the SYN/ACK").isNotZero();
        assertThat(mpc.flags() & MpCapable.FLAG_H).isNotZero();
        assertThat(after).as("the other address is still announced").anyMatch(o -> o.mptcp(MptcpOption.ADD_ADDR) != null);

        Peer.Out rst = joinSyn(p, Peer.US, Peer.PORT, 50001);
        assertThat(rst.flags()).isEqualTo(RST | ACK);
        assertThat(((MpTcpRst) rst.mptcp(MptcpOption.MP_TCPRST)).reason()).isEqualTo(MpTcpRst.ADMINISTRATIVELY_PROHIBITED);
        assertThat(p.stack.observer().get(Mib.MPJoinRejected)).isEqualTo(1);
        assertThat(p.stack.observer().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ProtocolEvent.Kind.JOIN_REJECTED);
            assertThat(e.detail()).isEqualTo("join from 10.1.0.2 to 10.0.0.1:80 rejected: our MP_CAPABLE set the C flag"
                    + " (allow_join_initial_addr_port 0, RFC 8684 3.1): no join to our first address and port 10.0.0.1:80");
        });
        // The announced address takes the join.
        Peer.Out ok = joinSyn(p, Peer.US2, Peer.PORT, 50002);
        assertThat(ok.flags()).isEqualTo(SYN | ACK);
        assertThat(ok.mptcp(MptcpOption.MP_JOIN)).isInstanceOf(MpJoinSynAck.class);
    }

    @Test
    void asAClientOurSynAndThirdAckCarryCAsLinuxSendsThem() {
        Peer p = new Peer(StackConfig.defaults().withAllowJoinInitialAddress(false));
        Peer.Out syn = p.connect();
        assertThat(((MpCapable) syn.mptcp(MptcpOption.MP_CAPABLE)).flags()).isEqualTo(H | MpCapable.FLAG_C);
        p.send(p.t.seq(ISN).ack(p.ourIss + 1).flags(SYN | ACK).options(MSS, MpCapable.synAck(H, p.peerKey)));
        Peer.Out third = p.expect();
        assertThat(((MpCapable) third.mptcp(MptcpOption.MP_CAPABLE)).flags()).isEqualTo(H | MpCapable.FLAG_C);
        // By default no C anywhere.
        Peer d = new Peer(StackConfig.defaults());
        assertThat(((MpCapable) d.connect().mptcp(MptcpOption.MP_CAPABLE)).flags()).isEqualTo(H);
    }

    @Test
    void aServerReadsTheClientsCFlag() {
        Peer p = new Peer(StackConfig.defaults());
        p.listen();
        p.send(TEMPL.seq(ISN).ack(0).flags(SYN).options(MSS, MpCapable.syn(H | MpCapable.FLAG_C)));
        p.expect();
        assertThat(p.stack.connections().get(0).peerForbidsInitialJoin()).isTrue();
    }

    @Test
    void anAddressAnnouncedWithAPortCarriesItAndItsHmacAndTakesJoinsThereOnly() {
        Peer p = new Peer(StackConfig.defaults().withAnnouncePort(5202), true, 42);
        List<Peer.Out> after = openAsServer(p, new java.util.ArrayList<>());
        Peer.Out ann = after.stream().filter(o -> o.mptcp(MptcpOption.ADD_ADDR) != null).findFirst().orElseThrow();
        MptcpOption.AddAddr a = (MptcpOption.AddAddr) ann.mptcp(MptcpOption.ADD_ADDR);
        assertThat(a.echo()).isFalse();
        assertThat(a.address()).isEqualTo(Peer.US2);
        assertThat(a.port()).isEqualTo(5202);
        assertThat(a.length()).isEqualTo(18);
        // RFC 8684 3.4.1: HMAC(key = sender's key || receiver's key, id || address || port), rightmost 64 bits.
        assertThat(a.hmac()).isEqualTo(MptcpCrypto.addAddrHmac(p.ourKey, p.peerKey, a.addressId(), Peer.US2.toBytes(), 5202));
        List<TcpOption> opts = ann.h().options();
        assertThat(opts.subList(opts.indexOf(a) + 1, opts.size())).as("last: only the end-of-options padding"
                + " follows its 18 bytes").allMatch(o -> o instanceof TcpOption.Eol);
        assertThat(ann.h().headerLength() - TcpHeader.MIN_LENGTH).isLessThanOrEqualTo(40);

        // A join to the announced port: taken, and counted as Linux does.
        Peer.Out ok = joinSyn(p, Peer.US2, 5202, 50003);
        assertThat(ok.flags()).isEqualTo(SYN | ACK);
        assertThat(ok.h().sourcePort()).isEqualTo(5202);
        assertThat(p.stack.observer().get(Mib.MPJoinPortSynRx)).isEqualTo(1);
        // Another port on that address: neither the connection's nor announced.
        Peer.Out rst = joinSyn(p, Peer.US2, 5203, 50004);
        assertThat(rst.flags()).isEqualTo(RST | ACK);
        assertThat(((MpTcpRst) rst.mptcp(MptcpOption.MP_TCPRST)).reason()).isEqualTo(MpTcpRst.ADMINISTRATIVELY_PROHIBITED);
        assertThat(p.stack.observer().get(Mib.MismatchPortSynRx)).isEqualTo(1);
        assertThat(p.stack.observer().get(Mib.MPJoinRejected)).as("a mismatch has its own counter").isZero();
        assertThat(p.stack.observer().events()).anySatisfy(e -> assertThat(e.detail())
                .isEqualTo("join from 10.1.0.2 to 10.1.0.1:5203 rejected: port 5203 is not the connection's (80) nor"
                        + " announced for 10.1.0.1"));
        // The connection's own port still takes joins, on any of our addresses (as Linux's listener does).
        Peer.Out own = joinSyn(p, Peer.US2, Peer.PORT, 50005);
        assertThat(own.flags()).isEqualTo(SYN | ACK);
        // A plain SYN to the announced port finds no listener.
        p.send(TEMPL.to(Peer.US2).from(Peer.THEM2, 1).sport(50006).dport(5202).seq(ISN).ack(0).flags(SYN)
                .options(MSS, MpCapable.syn(H)));
        assertThat(p.expect().has(RST)).isTrue();
    }

    @Test
    void theEchoOfAnAnnouncementWithAPortCarriesThePort() {
        Peer p = new Peer(StackConfig.defaults(), true, 43);
        p.openMptcpAsClient(ISN);
        long hmac = MptcpCrypto.addAddrHmac(p.peerKey, p.ourKey, 1, Peer.THEM2.toBytes(), 5202);
        p.send(p.seg().options(MptcpOption.Dss.ack(p.pDataAck), MptcpOption.AddAddr.announce(1, Peer.THEM2, 5202, hmac)));
        List<Peer.Out> out = p.drain();
        MptcpOption.AddAddr echo = out.stream().map(o -> (MptcpOption.AddAddr) o.mptcp(MptcpOption.ADD_ADDR))
                .filter(x -> x != null && x.echo()).findFirst().orElseThrow();
        assertThat(echo.port()).isEqualTo(5202);
        assertThat(echo.length()).isEqualTo(10);
        assertThat(out).anyMatch(o -> o.has(SYN) && o.dst().equals(Peer.THEM2) && o.h().destinationPort() == 5202);
        assertThat(p.stack.observer().get(Mib.PortAdd)).isEqualTo(1);
    }
}

package org.mptcplab.stack.analyze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mptcplab.stack.analyze.Frames.ACK;
import static org.mptcplab.stack.analyze.Frames.FIN_ACK;
import static org.mptcplab.stack.analyze.Frames.MS;
import static org.mptcplab.stack.analyze.Frames.RST;
import static org.mptcplab.stack.analyze.Frames.SYN;
import static org.mptcplab.stack.analyze.Frames.SYN_ACK;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.wire.IpAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.MptcpOption.Dss;
import org.mptcplab.stack.wire.MptcpOption.MpCapable;
import org.mptcplab.stack.wire.TcpOption;

/** The analyzer on hand-built packets: each rule of the class comment, one at a time. */
class CaptureAnalyzerTest {
    // PROTOCOL.md's vectors: key -> token (SHA-256, RFC 8684 3.1).
    static final long CLIENT_KEY = 0x0102030405060708L;
    static final long SERVER_KEY = 0xdeadbeefcafebabeL;
    static final long CLIENT_TOKEN = 0x66840ddaL;
    static final long SERVER_TOKEN = 0x3f8a286aL;
    static final long CLIENT_IDSN = 0xf5a101d3d29d6f72L;
    static final long SERVER_IDSN = 0x33a8062a61d417f8L;
    static final int H = MpCapable.FLAG_H;
    static final int CLIENT_ISN = 1000;
    static final int SERVER_ISN = 50_000;

    /** A v1 MP_CAPABLE handshake on 10.0.0.1:40000 -> 10.0.0.2:80 at 0, 10 and 10.1 ms. */
    static Frames v1Handshake() {
        return new Frames()
                .send(0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, CLIENT_ISN, 0, 0, MpCapable.syn(H))
                .send(10, "10.0.0.2", 80, "10.0.0.1", 40000, SYN_ACK, SERVER_ISN, CLIENT_ISN + 1, 0,
                        MpCapable.synAck(H, SERVER_KEY))
                .send(10.1, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0,
                        MpCapable.ack(H, CLIENT_KEY, SERVER_KEY));
    }

    static Dss map(long dsn, int ssn, int len) {
        return Dss.mapping(SERVER_IDSN + 1, dsn, ssn, len, -1, false);
    }

    static Dss dataAck(long ack) {
        return Dss.ack(ack);
    }

    @Test
    void v1TokensFromTheKeysGroupAJoinWithItsConnection() {
        Analysis a = v1Handshake()
                .send(20, "10.0.1.1", 40001, "10.0.0.2", 80, SYN, 7000, 0, 0,
                        new MptcpOption.MpJoinSyn(true, 3, (int) SERVER_TOKEN, 42))
                .send(30, "10.0.0.2", 80, "10.0.1.1", 40001, SYN_ACK, 9000, 7001, 0,
                        new MptcpOption.MpJoinSynAck(false, 0, 1L, 43))
                .send(30.1, "10.0.1.1", 40001, "10.0.0.2", 80, ACK, 7001, 9001, 0,
                        new MptcpOption.MpJoinAck(new byte[20]))
                // A join naming a token nobody announced: a connection of its own, incomplete.
                .send(40, "10.0.2.1", 40002, "10.0.0.2", 80, SYN, 8000, 0, 0,
                        new MptcpOption.MpJoinSyn(false, 4, 0x12345678, 44))
                .finish();
        assertThat(a.connections()).hasSize(2);
        ConnectionReport c = a.connections().get(0);
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.complete()).isTrue();
        assertThat(c.clientToken()).isEqualTo(CLIENT_TOKEN);
        assertThat(c.serverToken()).isEqualTo(SERVER_TOKEN);
        assertThat(c.token()).isEqualTo(SERVER_TOKEN);
        assertThat(c.fallback()).isNull();
        assertThat(c.subflows()).extracting(SubflowReport::role).containsExactly("initial", "join");
        SubflowReport join = c.subflows().get(1);
        assertThat(join.clientAddress()).isEqualTo(IpAddress.parse("10.0.1.1"));
        assertThat(join.clientAddressId()).isEqualTo(3);
        assertThat(join.serverAddressId()).isEqualTo(0);
        assertThat(join.clientBackup()).isTrue();
        assertThat(join.serverBackup()).isFalse();
        assertThat(join.synNanos()).isEqualTo(20 * MS);
        assertThat(join.handshakeNanos()).isEqualTo(Math.round(10.1 * MS));
        assertThat(c.subflows().get(0).handshakeNanos()).isEqualTo(Math.round(10.1 * MS));
        assertThat(c.events()).extracting(MptcpEvent::type).containsExactly("MP_JOIN");

        ConnectionReport stray = a.connections().get(1);
        assertThat(stray.complete()).isFalse();
        assertThat(stray.token()).isEqualTo(0x12345678L);
        assertThat(stray.version()).isEqualTo(-1);
        assertThat(stray.subflows()).singleElement().satisfies(s -> assertThat(s.role()).isEqualTo("join"));
    }

    /** RFC 6824 3.1: v0 keys travel in the SYN and SYN/ACK; the token is the top 32 bits of SHA-1(key). */
    @Test
    void v0TokensAreSha1() throws Exception {
        long clientKey = 0x1111222233334444L;
        long serverKey = 0x5555666677778888L;
        long serverToken = sha1Top32(serverKey);
        Analysis a = new Frames()
                .send(0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, CLIENT_ISN, 0, 0,
                        new MpCapable(0, 0x80, 12, clientKey, 0, -1, -1))
                .send(10, "10.0.0.2", 80, "10.0.0.1", 40000, SYN_ACK, SERVER_ISN, CLIENT_ISN + 1, 0,
                        new MpCapable(0, 0x80, 12, serverKey, 0, -1, -1))
                .send(10.1, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0,
                        new MpCapable(0, 0x80, 20, clientKey, serverKey, -1, -1))
                // IPv6 join of the same connection.
                .send(20, "fd00::1", 40001, "fd00::2", 80, SYN, 7000, 0, 0,
                        new MptcpOption.MpJoinSyn(false, 1, (int) serverToken, 42))
                .finish();
        ConnectionReport c = a.connections().get(0);
        assertThat(a.connections()).hasSize(1);
        assertThat(c.version()).isZero();
        assertThat(c.checksum()).isTrue();
        assertThat(c.serverToken()).isEqualTo(serverToken);
        assertThat(c.clientToken()).isEqualTo(sha1Top32(clientKey));
        assertThat(c.clientKey()).isEqualTo(clientKey);
        assertThat(c.subflows()).hasSize(2);
        assertThat(c.subflows().get(1).clientAddress()).isEqualTo(IpAddress.parse("fd00::1"));
    }

    private static long sha1Top32(long key) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-1").digest(ByteBuffer.allocate(8).putLong(key).array());
        return ByteBuffer.wrap(d).getInt() & 0xffffffffL;
    }

    @Test
    void thirtyTwoBitDsnsAreWidenedAcrossTheWrap() {
        // The client's DSNs run from just below a 2^32 boundary past it, in 32-bit form after one
        // 64-bit mapping: no false reinjection, every byte counted once.
        long start = (CLIENT_IDSN & 0xffffffff_00000000L) + 0xffff_f000L;
        Frames f = v1Handshake();
        int seq = CLIENT_ISN + 1;
        long dsn = start;
        for (int i = 0; i < 8; i++) {
            Dss m = i == 0 ? map(dsn, seq - CLIENT_ISN, 1000)
                    : new Dss(Dss.FLAG_MAPPING, 0, dsn & 0xffffffffL, seq - CLIENT_ISN, 1000, -1);
            f.send(20 + i, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 1000, m);
            seq += 1000;
            dsn += 1000;
        }
        // The server's data ACK of everything, as 32 bits.
        f.send(40, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq, 0,
                new Dss(Dss.FLAG_DATA_ACK, dsn & 0xffffffffL, 0, 0, 0, -1));
        ConnectionReport c = f.finish().connections().get(0);
        assertThat(c.toServer().bytes()).isEqualTo(8000);
        assertThat(c.toServer().mappings()).isEqualTo(8);
        assertThat(c.reinjections()).isZero();
        // Counted from the first data byte (IDSN + 1): the 32-bit data ACK widened to the right 64 bits.
        assertThat(c.toServer().dataAcked()).isEqualTo(start - (CLIENT_IDSN + 1) + 8000);
        assertThat(c.toServer().firstDsn()).isEqualTo(start - CLIENT_IDSN);
    }

    @Test
    void aRetransmissionOnTheSameSubflowIsNotAReinjectionButTheSameDataOnAnotherIs() {
        long dsn = CLIENT_IDSN + 1;
        Frames f = v1Handshake()
                .send(15, "10.0.1.1", 40001, "10.0.0.2", 80, SYN, 7000, 0, 0,
                        new MptcpOption.MpJoinSyn(false, 1, (int) SERVER_TOKEN, 42))
                .send(25, "10.0.0.2", 80, "10.0.1.1", 40001, SYN_ACK, 9000, 7001, 0,
                        new MptcpOption.MpJoinSynAck(false, 0, 1L, 43))
                .send(25.1, "10.0.1.1", 40001, "10.0.0.2", 80, ACK, 7001, 9001, 0, new MptcpOption.MpJoinAck(new byte[20]))
                // Two segments on the initial subflow.
                .send(30, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 1000, map(dsn, 1, 1000))
                .send(31, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1001, SERVER_ISN + 1, 1000,
                        map(dsn + 1000, 1001, 1000))
                // The first again on the same subflow, same sequence numbers: a retransmission.
                .send(250, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 1000, map(dsn, 1, 1000))
                // The second again, on the other subflow (new subflow bytes, old DSNs): a reinjection.
                .send(251, "10.0.1.1", 40001, "10.0.0.2", 80, ACK, 7001, 9001, 1000, map(dsn + 1000, 1, 1000))
                // New data on the second subflow, half overlapping what was sent: 500 bytes reinjected.
                .send(252, "10.0.1.1", 40001, "10.0.0.2", 80, ACK, 8001, 9001, 1000, map(dsn + 1500, 1001, 1000));
        ConnectionReport c = f.finish().connections().get(0);
        SubflowReport initial = c.subflows().get(0);
        SubflowReport join = c.subflows().get(1);
        assertThat(initial.toServer().retransmits()).isEqualTo(1);
        assertThat(initial.toServer().retransmittedBytes()).isEqualTo(1000);
        assertThat(initial.toServer().reinjections()).isZero();
        assertThat(initial.toServer().bytes()).isEqualTo(3000);
        assertThat(join.toServer().retransmits()).isZero();
        assertThat(join.toServer().reinjections()).isEqualTo(2);
        assertThat(join.toServer().reinjectedBytes()).isEqualTo(1500);
        assertThat(c.reinjections()).isEqualTo(2);
        assertThat(c.reinjectedBytes()).isEqualTo(1500);
        assertThat(c.toServer().bytes()).as("distinct data-level bytes").isEqualTo(2500);
    }

    @Test
    void aCaptureThatStartsMidConnectionGroupsJoinsByTokenAndMarksThemIncomplete() {
        int token = 0x0badf00d;
        Analysis a = new Frames()
                .send(0, "192.168.1.5", 50000, "203.0.113.9", 443, SYN, 1, 0, 0, new MptcpOption.MpJoinSyn(false, 2, token, 1))
                .send(1, "192.168.2.5", 50001, "203.0.113.9", 443, SYN, 2, 0, 0, new MptcpOption.MpJoinSyn(true, 3, token, 2))
                // A subflow seen only mid-stream (a DSS, no handshake): its own connection, no token.
                .send(2, "192.168.3.5", 50002, "203.0.113.9", 443, ACK, 5000, 6000, 100, map(77, 10, 100))
                // Plain TCP: counted, not a connection.
                .send(3, "192.168.4.5", 50003, "203.0.113.9", 80, SYN, 9, 0, 0)
                .finish();
        assertThat(a.connections()).hasSize(2);
        ConnectionReport joins = a.connections().get(0);
        assertThat(joins.complete()).isFalse();
        assertThat(joins.token()).isEqualTo(0x0badf00dL);
        assertThat(joins.subflows()).extracting(SubflowReport::clientAddressId).containsExactly(2, 3);
        ConnectionReport midStream = a.connections().get(1);
        assertThat(midStream.token()).isEqualTo(-1);
        assertThat(midStream.complete()).isFalse();
        assertThat(midStream.subflows().get(0).role()).isEqualTo("unknown");
        assertThat(midStream.toServer().bytes()).isEqualTo(100);
        assertThat(a.tcpConnections()).isEqualTo(4);
        assertThat(a.plainTcpConnections()).isEqualTo(1);
    }

    @Test
    void anMpCapableSynAnsweredWithoutMpCapableIsAFallback() {
        Analysis a = new Frames()
                .send(0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, CLIENT_ISN, 0, 0, MpCapable.syn(H))
                .send(10, "10.0.0.2", 80, "10.0.0.1", 40000, SYN_ACK, SERVER_ISN, CLIENT_ISN + 1, 0)
                .send(10.1, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 500)
                .finish();
        ConnectionReport c = a.connections().get(0);
        assertThat(c.fallback()).isEqualTo("the SYN/ACK carried no MP_CAPABLE");
        assertThat(c.events()).extracting(MptcpEvent::type).containsExactly("fallback");
        assertThat(c.toServer().unmappedBytes()).isEqualTo(500);
        assertThat(c.subflows().get(0).toServer().bytes()).isEqualTo(500);
    }

    @Test
    void theLongestDataLevelStallIsFoundWithWhatHappenedInIt() {
        long dsn = CLIENT_IDSN + 1;
        Frames f = v1Handshake();
        int seq = CLIENT_ISN + 1;
        // Steady data, each segment data-ACKed 10 ms later, until 100 ms; then a gap until 600 ms
        // in which the server removes an address and the client resends a segment.
        for (int i = 0; i < 10; i++) {
            f.send(20 + 10 * i, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 100,
                    map(dsn + 100L * i, seq - CLIENT_ISN, 100));
            f.send(30 + 10 * i, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq + 100, 0,
                    dataAck(dsn + 100L * (i + 1)));
            seq += 100;
        }
        f.send(121, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 100, map(dsn + 1000, seq - CLIENT_ISN, 100));
        f.send(300, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq, 0, new MptcpOption.RemoveAddr(List.of(5)));
        f.send(400, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 100, map(dsn + 1000, seq - CLIENT_ISN, 100));
        f.send(600, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq + 100, 0, dataAck(dsn + 1100));
        ConnectionReport c = f.finish().connections().get(0);
        Stall s = c.longestStall();
        assertThat(s.direction()).isZero();
        assertThat(s.startNanos()).as("the data ACK at 120 ms left nothing outstanding; new data at 121 ms")
                .isEqualTo(121 * MS);
        assertThat(s.endNanos()).isEqualTo(600 * MS);
        assertThat(s.open()).isFalse();
        assertThat(s.subflowRetransmits()).isEqualTo(1);
        assertThat(s.events()).extracting(MptcpEvent::type).containsExactly("REMOVE_ADDR");
        assertThat(c.maxStallNanos()).isEqualTo(479 * MS);
        assertThat(c.toServer().dataAckAdvances()).isEqualTo(10);
    }

    @Test
    void theWaitForTheFirstDataAckIsTheFirstRoundTripNotAStall() {
        long dsn = CLIENT_IDSN + 1;
        Frames f = v1Handshake();
        int seq = CLIENT_ISN + 1;
        // The first data at 20 ms is data-ACKed 300 ms later (a long first round trip); then each
        // segment 10 ms later, but the fifth (sent at 360 ms) 60 ms later: the longest stall.
        for (int i = 0; i < 6; i++) {
            long sentAt = i == 0 ? 20 : 320 + 10 * i + (i == 5 ? 50 : 0);
            long ackAt = i == 0 ? 320 : sentAt + (i == 4 ? 60 : 10);
            f.send(sentAt, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 100,
                    map(dsn + 100L * i, seq - CLIENT_ISN, 100));
            f.send(ackAt, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq + 100, 0,
                    dataAck(dsn + 100L * (i + 1)));
            seq += 100;
        }
        ConnectionReport c = f.finish().connections().get(0);
        assertThat(c.longestStall().startNanos()).isEqualTo(360 * MS);
        assertThat(c.maxStallNanos()).isEqualTo(60 * MS);
    }

    @Test
    void roundTripsComeFromDataAckPairsAndTimestamps() {
        Frames f = v1Handshake();
        int seq = CLIENT_ISN + 1;
        // Each segment ACKed 20 ms later; the server's echo of the client's TSval comes then too.
        for (int i = 0; i < 20; i++) {
            f.send(100 + 50 * i, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, seq, SERVER_ISN + 1, 1000,
                    new TcpOption.Timestamps(1000 + i, 5000 + i), map(CLIENT_IDSN + 1 + 1000L * i, seq - CLIENT_ISN, 1000));
            f.send(120 + 50 * i, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, seq + 1000, 0,
                    new TcpOption.Timestamps(5001 + i, 1000 + i), dataAck(CLIENT_IDSN + 1 + 1000L * (i + 1)));
            seq += 1000;
        }
        SubflowReport s = f.finish().connections().get(0).subflows().get(0);
        // The handshake's SYN -> SYN/ACK pair (10 ms) and 20 data/ACK pairs (20 ms).
        assertThat(s.toServer().rttAck().samples()).isEqualTo(21);
        assertThat(s.toServer().rttAck().minNanos()).isEqualTo(10 * MS);
        assertThat(s.toServer().rttAck().medianNanos()).isCloseTo(20 * MS, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(s.toServer().rttTimestamps().samples()).isEqualTo(20);
        assertThat(s.toServer().rttTimestamps().maxNanos()).isEqualTo(20 * MS);
        // The other half: the server's TSval echoed 30 ms later by the client's next segment.
        assertThat(s.toClient().rttTimestamps().minNanos()).isEqualTo(30 * MS);
        assertThat(s.rttNanos()).as("both halves").isCloseTo(50 * MS, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(s.toServer().maxInFlightBytes()).isEqualTo(1000);
    }

    @Test
    void addressSignalsPriorityAndResetsAreEvents() {
        Analysis a = v1Handshake()
                .send(20, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, CLIENT_ISN + 1, 0,
                        MptcpOption.AddAddr.announce(7, IpAddress.parse("10.9.9.9"), 8080, 1L))
                .send(21, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0,
                        MptcpOption.AddAddr.echo(7, IpAddress.parse("10.9.9.9"), 8080))
                .send(22, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0, MptcpOption.MpPrio.of(true))
                .send(23, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0, new MptcpOption.MpFail(99))
                .send(24, "10.0.0.2", 80, "10.0.0.1", 40000, ACK, SERVER_ISN + 1, CLIENT_ISN + 1, 0,
                        new MptcpOption.MpFastclose(CLIENT_KEY))
                .send(25, "10.0.0.2", 80, "10.0.0.1", 40000, RST, SERVER_ISN + 1, 0, 0, new MptcpOption.MpTcpRst(1, 5))
                .finish();
        ConnectionReport c = a.connections().get(0);
        assertThat(c.events()).extracting(MptcpEvent::type)
                .containsExactly("ADD_ADDR", "ADD_ADDR echo", "MP_PRIO", "MP_FAIL", "MP_FASTCLOSE", "RST");
        assertThat(c.events().get(0).detail()).isEqualTo("address id 7, 10.9.9.9, port 8080");
        assertThat(c.events().get(0).from()).isEqualTo("10.0.0.2:80");
        assertThat(c.events().get(5).detail()).isEqualTo("subflow 0 reset, MP_TCPRST reason 5 (unacceptable performance), transient");
        SubflowReport s = c.subflows().get(0);
        assertThat(s.clientBackup()).isTrue();
        assertThat(s.priorityChanges()).isEqualTo(1);
        assertThat(s.toClient().rst()).isTrue();
        assertThat(s.toClient().rstReason()).isEqualTo(5);
    }

    @Test
    void aReusedFourTupleAfterAResetIsANewSubflow() {
        Analysis a = v1Handshake()
                .send(20, "10.0.0.1", 40000, "10.0.0.2", 80, RST, CLIENT_ISN + 1, 0, 0)
                .send(30, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 777_777, 0, 0)
                .send(31, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, 777_777, 0, 0)
                .finish();
        assertThat(a.tcpConnections()).isEqualTo(2);
        assertThat(a.plainTcpConnections()).isEqualTo(1);
        assertThat(a.connections().get(0).subflows()).hasSize(1);
    }

    @Test
    void malformedPacketsAreCountedWithWhereAndTheRestIsAnalysed() {
        byte[] truncated = {0x45, 0, 0, 40, 0, 0};
        Frames f = new Frames().raw(0, truncated);
        f.send(1, "10.0.0.1", 40000, "10.0.0.2", 80, SYN, CLIENT_ISN, 0, 0, MpCapable.syn(H));
        Analysis a = f.finish();
        assertThat(a.malformedPackets()).isEqualTo(1);
        assertThat(a.packetErrors()).singleElement().satisfies(e -> {
            assertThat(e.record()).isEqualTo(1);
            assertThat(e.fileOffset()).isEqualTo(40);
            assertThat(e.message()).isEqualTo("IPv4 header at offset 0: needs 20 bytes, only 6 left");
        });
        assertThat(a.connections()).hasSize(1);
        assertThat(a.packets()).isEqualTo(2);
    }

    @Test
    void aHeaderLongerThanItsFrameCountsOnlyWhatTheFrameCarried() {
        // A middlebox stripped an option but left the IP length: tshark counts what the frame had.
        Frames f = new Frames();
        byte[] frame = org.mptcplab.stack.wire.PacketBuilder.ipTcp(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.2"),
                org.mptcplab.stack.wire.TcpHeader.of(40000, 80, 1, 0, SYN, 100, List.of(MpCapable.syn(H))), new byte[0]);
        frame[3] += 8; // IPv4 total length 8 bytes too long
        f.raw(0, frame);
        Analysis a = f.finish();
        assertThat(a.connections().get(0).subflows().get(0).toServer().bytes()).isZero();
        assertThat(a.packetErrors()).singleElement().satisfies(e ->
                assertThat(e.message()).isEqualTo("IPv4 total length 52 runs 8 bytes past the end of the frame (44 bytes on the wire)"));
    }

    @Test
    void aFinishedExchangeHasFinsAndDataFins() {
        Analysis a = v1Handshake()
                .send(20, "10.0.0.1", 40000, "10.0.0.2", 80, ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0,
                        Dss.mapping(SERVER_IDSN + 1, CLIENT_IDSN + 1, 0, 1, -1, true))
                .send(21, "10.0.0.1", 40000, "10.0.0.2", 80, FIN_ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0)
                .finish();
        ConnectionReport c = a.connections().get(0);
        assertThat(c.toServer().dataFin()).isTrue();
        assertThat(c.events()).extracting(MptcpEvent::type).containsExactly("DATA_FIN", "FIN");
        assertThat(c.subflows().get(0).toServer().fin()).isTrue();
    }
}

package org.mptcplab.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketBuilder;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Writes a synthetic but realistic MPTCP v1 capture (Ethernet, pcap): one connection, a bulk
 * upload over two subflows, shaped like what {@code tcpdump -s 128} records of a Linux iperf3 run.
 *
 * <ul>
 *   <li>Subflow 1 (10.0.1.1 to 10.0.2.1:5201): MP_CAPABLE SYN, SYN/ACK, third ACK, first data with
 *       MP_CAPABLE carrying the data-level length, then ADD_ADDR (with its HMAC) for 10.0.3.1 and
 *       the server's echo.</li>
 *   <li>Subflow 2 (10.0.3.1, address id 1): MP_JOIN SYN, SYN/ACK, ACK (tokens, nonces and HMACs
 *       computed with the real keys) and the server's ACK of it.</li>
 *   <li>Bulk: full-size segments (1420 bytes of payload behind 40 bytes of options: NOP NOP TS,
 *       a DSS with a 64-bit data ACK and a 64-bit-DSN mapping, NOP NOP, as Linux writes them),
 *       spread over both subflows; the server ACKs every second segment of a subflow with a DSS
 *       data ACK. Times advance by a few microseconds per packet.</li>
 *   <li>End: DATA_FIN both ways, then FIN on each subflow.</li>
 * </ul>
 *
 * Checksums are computed over the whole packet before the snap length cuts it, and each record
 * keeps its original length, so the file is what a capture would have stored. The same seed gives
 * the same bytes.
 */
public final class SyntheticMptcpCapture {
    /** Packets of the handshakes and the teardown; the rest is bulk data and ACKs. */
    static final int FIXED_PACKETS = 20;
    /** Fewest packets a capture can have: the fixed ones and some bulk. */
    static final long MIN_PACKETS = 100;
    /** Smallest snap length: every header of every packet is kept (14 + 20 + 60). */
    static final int MIN_SNAPLEN = 94;

    static final int PAYLOAD = 1420;
    private static final long START_NANOS = 1_700_000_000_000_000_000L;
    private static final int SERVER_PORT = 5201;
    private static final int CLIENT_WINDOW = 502;
    private static final int SERVER_WINDOW = 8192;

    /** What was written: the packet count, file size and MPTCP options per subtype. */
    public record Result(Path file, long packets, long bytes, long[] perSubtype) {
    }

    private final PcapWriter out;
    private final int snaplen;
    private final SplittableRandom random;
    /** The largest frame: Ethernet, IPv4 and TCP headers with 40 bytes of options, and a full payload. */
    private final byte[] frame = new byte[EthernetHeader.BASE_LENGTH + 20 + 60 + PAYLOAD];
    private final byte[] payloadPool;
    private final long[] perSubtype = new long[16];
    private long packets;
    private long now = START_NANOS;

    private final long clientKey;
    private final long serverKey;
    private final long clientDataAck;  // What the client data-ACKs: the server's IDSN + 1 (it sends no data).
    private long dsnNext;              // Next data sequence number of the client.
    private final Subflow sf1;
    private final Subflow sf2;

    /** One TCP subflow: addresses, sequence numbers and the counters that shape its traffic. */
    private static final class Subflow {
        final Ipv4Address client;
        final Ipv4Address server;
        final MacAddress clientMac;
        final MacAddress serverMac;
        final int clientPort;
        final int clientIsn;
        final int serverIsn;
        final long clientTsBase;
        final long serverTsBase;
        long sent;        // Client payload bytes sent (its relative subflow sequence number is sent + 1).
        int serverSeqUsed; // 1 after the server's FIN.
        int clientSeqUsed; // 1 after the client's FIN.
        int ipIdClient;
        int ipIdServer;
        int unacked;

        Subflow(Ipv4Address client, Ipv4Address server, MacAddress clientMac, MacAddress serverMac, int clientPort,
                SplittableRandom r) {
            this.client = client;
            this.server = server;
            this.clientMac = clientMac;
            this.serverMac = serverMac;
            this.clientPort = clientPort;
            this.clientIsn = r.nextInt();
            this.serverIsn = r.nextInt();
            this.clientTsBase = r.nextLong(1L << 32);
            this.serverTsBase = r.nextLong(1L << 32);
            this.ipIdClient = r.nextInt(1 << 16);
            this.ipIdServer = r.nextInt(1 << 16);
        }

        int clientSeq() {
            return clientIsn + 1 + (int) sent + clientSeqUsed;
        }

        int serverSeq() {
            return serverIsn + 1 + serverSeqUsed;
        }
    }

    private SyntheticMptcpCapture(PcapWriter out, int snaplen, long seed) {
        this.out = out;
        this.snaplen = snaplen;
        this.random = new SplittableRandom(seed);
        this.payloadPool = new byte[1 << 16];
        for (int i = 0; i < payloadPool.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                payloadPool[i + j] = (byte) (v >>> (8 * j));
            }
        }
        this.clientKey = random.nextLong();
        this.serverKey = random.nextLong();
        this.clientDataAck = MptcpCrypto.idsn(serverKey) + 1;
        this.dsnNext = MptcpCrypto.idsn(clientKey) + 1;
        Ipv4Address server = Ipv4Address.of(10, 0, 2, 1);
        int port = 32768 + random.nextInt(28000);
        sf1 = new Subflow(Ipv4Address.of(10, 0, 1, 1), server, MacAddress.parse("02:00:00:00:01:01"),
                MacAddress.parse("02:00:00:00:02:01"), port, random);
        sf2 = new Subflow(Ipv4Address.of(10, 0, 3, 1), server, MacAddress.parse("02:00:00:00:03:01"),
                MacAddress.parse("02:00:00:00:02:02"), port + 1, random);
    }

    /**
     * Writes {@code packets} Ethernet frames to {@code file}, each record cut to {@code snaplen}
     * bytes (original length kept).
     */
    public static Result write(Path file, long packets, int snaplen, long seed) throws IOException {
        if (packets < MIN_PACKETS) {
            throw new IllegalArgumentException("a synthetic capture has at least " + MIN_PACKETS + " packets, not " + packets);
        }
        if (snaplen < MIN_SNAPLEN) {
            throw new IllegalArgumentException("snap length " + snaplen + " is below " + MIN_SNAPLEN);
        }
        SyntheticMptcpCapture g;
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET)) {
            g = new SyntheticMptcpCapture(w, snaplen, seed);
            g.handshakes();
            g.bulk(packets - FIXED_PACKETS);
            g.teardown();
        }
        return new Result(file, g.packets, Files.size(file), g.perSubtype.clone());
    }

    // ----------------------------------------------------------------------------- the script

    private void handshakes() throws IOException {
        final int h = MptcpOption.MpCapable.FLAG_H;
        // Subflow 1: MP_CAPABLE (RFC 8684 3.1).
        send(sf1, true, TcpHeader.SYN, sf1.clientIsn, 0, 64240, syn(sf1, true, MptcpOption.MpCapable.syn(h)), 0, 30_000);
        send(sf1, false, TcpHeader.SYN | TcpHeader.ACK, sf1.serverIsn, sf1.clientIsn + 1, 65160,
                syn(sf1, false, MptcpOption.MpCapable.synAck(h, serverKey)), 0, 400_000);
        send(sf1, true, TcpHeader.ACK, sf1.clientSeq(), sf1.serverSeq(), CLIENT_WINDOW,
                ts(sf1, true, MptcpOption.MpCapable.ack(h, clientKey, serverKey)), 0, 20_000);
        // First data: MP_CAPABLE with the data-level length instead of a DSS.
        send(sf1, true, TcpHeader.ACK | TcpHeader.PSH, sf1.clientSeq(), sf1.serverSeq(), CLIENT_WINDOW,
                ts(sf1, true, MptcpOption.MpCapable.ackWithData(h, clientKey, serverKey, PAYLOAD, -1)), PAYLOAD, 15_000);
        sf1.sent += PAYLOAD;
        dsnNext += PAYLOAD;
        serverAck(sf1, 380_000);
        // ADD_ADDR for the client's second address, and its echo (RFC 8684 3.4.1).
        byte[] a2 = {10, 0, 3, 1};
        long hmac = MptcpCrypto.addAddrHmac(clientKey, serverKey, 1, a2, 0);
        send(sf1, true, TcpHeader.ACK, sf1.clientSeq(), sf1.serverSeq(), CLIENT_WINDOW,
                ts(sf1, true, MptcpOption.AddAddr.announce(1, sf2.client, -1, hmac)), 0, 20_000);
        send(sf1, false, TcpHeader.ACK, sf1.serverSeq(), sf1.clientSeq(), SERVER_WINDOW,
                ts(sf1, false, MptcpOption.AddAddr.echo(1, sf2.client, -1)), 0, 380_000);
        // Subflow 2: MP_JOIN (RFC 8684 3.2) from address id 1.
        int nonceA = random.nextInt();
        int nonceB = random.nextInt();
        send(sf2, true, TcpHeader.SYN, sf2.clientIsn, 0, 64240,
                syn(sf2, true, new MptcpOption.MpJoinSyn(false, 1, MptcpCrypto.token(serverKey), nonceA)), 0, 30_000);
        send(sf2, false, TcpHeader.SYN | TcpHeader.ACK, sf2.serverIsn, sf2.clientIsn + 1, 65160,
                syn(sf2, false, new MptcpOption.MpJoinSynAck(false, 0,
                        MptcpCrypto.joinSynAckHmac(serverKey, clientKey, nonceB, nonceA), nonceB)), 0, 400_000);
        send(sf2, true, TcpHeader.ACK, sf2.clientSeq(), sf2.serverSeq(), CLIENT_WINDOW,
                ts(sf2, true, new MptcpOption.MpJoinAck(MptcpCrypto.joinAckHmac(clientKey, serverKey, nonceA, nonceB))),
                0, 20_000);
        serverAck(sf2, 380_000);
    }

    /** Data segments on both subflows, each subflow's every second one ACKed by the server. */
    private void bulk(long count) throws IOException {
        Subflow pendingAck = null;
        for (long i = 0; i < count; i++) {
            if (pendingAck != null) {
                serverAck(pendingAck, 2_000 + random.nextInt(4_000));
                pendingAck = null;
                continue;
            }
            // A scheduler that favours subflow 1 (a lower RTT) but keeps both busy.
            Subflow sf = random.nextInt(100) < 60 ? sf1 : sf2;
            // NOP NOP TS DSS NOP NOP: the 40 bytes Linux writes with a 64-bit data ACK and mapping.
            List<TcpOption> options = List.of(new TcpOption.Nop(), new TcpOption.Nop(), timestamps(sf, true),
                    MptcpOption.Dss.mapping(clientDataAck, dsnNext, (int) (sf.sent + 1), PAYLOAD, -1, false),
                    new TcpOption.Nop(), new TcpOption.Nop());
            int flags = TcpHeader.ACK | (random.nextInt(16) == 0 ? TcpHeader.PSH : 0);
            send(sf, true, flags, sf.clientSeq(), sf.serverSeq(), CLIENT_WINDOW, options, PAYLOAD,
                    6_000 + random.nextInt(8_000));
            sf.sent += PAYLOAD;
            dsnNext += PAYLOAD;
            if (++sf.unacked == 2) {
                sf.unacked = 0;
                pendingAck = sf;
            }
        }
    }

    private void teardown() throws IOException {
        long serverIdsn = MptcpCrypto.idsn(serverKey);
        // DATA_FIN from the client (a mapping of length 1 with subflow sequence 0), the server's
        // DATA_ACK of it with its own DATA_FIN, and the client's DATA_ACK (RFC 8684 3.3.3).
        send(sf1, true, TcpHeader.ACK, sf1.clientSeq(), sf1.serverSeq(), CLIENT_WINDOW,
                ts(sf1, true, MptcpOption.Dss.mapping(clientDataAck, dsnNext, 0, 1, -1, true)), 0, 50_000);
        send(sf1, false, TcpHeader.ACK, sf1.serverSeq(), sf1.clientSeq(), SERVER_WINDOW,
                ts(sf1, false, MptcpOption.Dss.mapping(dsnNext + 1, serverIdsn + 1, 0, 1, -1, true)), 0, 60_000);
        send(sf1, true, TcpHeader.ACK, sf1.clientSeq(), sf1.serverSeq(), CLIENT_WINDOW,
                ts(sf1, true, MptcpOption.Dss.ack(serverIdsn + 2)), 0, 40_000);
        for (Subflow sf : new Subflow[] {sf2, sf1}) {
            send(sf, true, TcpHeader.FIN | TcpHeader.ACK, sf.clientSeq(), sf.serverSeq(), CLIENT_WINDOW,
                    ts(sf, true, MptcpOption.Dss.ack(serverIdsn + 2)), 0, 30_000);
            sf.clientSeqUsed = 1;
            send(sf, false, TcpHeader.FIN | TcpHeader.ACK, sf.serverSeq(), sf.clientSeq(), SERVER_WINDOW,
                    ts(sf, false, MptcpOption.Dss.ack(dsnNext + 1)), 0, 60_000);
            sf.serverSeqUsed = 1;
            send(sf, true, TcpHeader.ACK, sf.clientSeq(), sf.serverSeq(), CLIENT_WINDOW,
                    ts(sf, true, MptcpOption.Dss.ack(serverIdsn + 2)), 0, 40_000);
        }
    }

    /** The server's pure ACK of everything the subflow carried, with a DSS data ACK of all data. */
    private void serverAck(Subflow sf, long delayNanos) throws IOException {
        send(sf, false, TcpHeader.ACK, sf.serverSeq(), sf.clientSeq(), SERVER_WINDOW,
                ts(sf, false, MptcpOption.Dss.ack(dsnNext)), 0, delayNanos);
    }

    // ----------------------------------------------------------------------------- options

    /** SYN options as Linux sends them: MSS, SACK-permitted, timestamps, NOP, window scale, then MPTCP. */
    private List<TcpOption> syn(Subflow sf, boolean client, MptcpOption mptcp) {
        TcpOption.Timestamps t = timestamps(sf, client);
        // A SYN echoes nothing; the SYN/ACK echoes the SYN's value.
        TcpOption.Timestamps first = client ? new TcpOption.Timestamps(t.tsVal(), 0) : t;
        return List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(), first, new TcpOption.Nop(),
                new TcpOption.WindowScale(7), mptcp);
    }

    /** NOP NOP timestamps, then an MPTCP option. */
    private List<TcpOption> ts(Subflow sf, boolean client, MptcpOption mptcp) {
        return List.of(new TcpOption.Nop(), new TcpOption.Nop(), timestamps(sf, client), mptcp);
    }

    /** Timestamp clocks tick every millisecond; each side echoes the other's current value. */
    private TcpOption.Timestamps timestamps(Subflow sf, boolean client) {
        long ms = (now - START_NANOS) / 1_000_000;
        long c = (sf.clientTsBase + ms) & 0xffffffffL;
        long s = (sf.serverTsBase + ms) & 0xffffffffL;
        return client ? new TcpOption.Timestamps(c, s) : new TcpOption.Timestamps(s, c);
    }

    // ----------------------------------------------------------------------------- output

    private void send(Subflow sf, boolean fromClient, int flags, int seq, int ack, int window, List<TcpOption> options,
                      int payloadLength, long delayNanos) throws IOException {
        now += delayNanos;
        // The time used for the timestamps above is the previous packet's: close enough, and
        // timestamps never run backwards.
        for (TcpOption o : options) {
            if (o instanceof MptcpOption m) {
                perSubtype[m.subtype()]++;
            }
        }
        int sport = fromClient ? sf.clientPort : SERVER_PORT;
        int dport = fromClient ? SERVER_PORT : sf.clientPort;
        TcpHeader tcp = TcpHeader.of(sport, dport, seq, (flags & TcpHeader.ACK) != 0 ? ack : 0, flags, window, options);
        EthernetHeader eth = fromClient ? new EthernetHeader(sf.serverMac, sf.clientMac, EthernetHeader.TYPE_IPV4)
                : new EthernetHeader(sf.clientMac, sf.serverMac, EthernetHeader.TYPE_IPV4);
        int p = eth.emit(frame, 0);
        int ipId = fromClient ? sf.ipIdClient++ : sf.ipIdServer++;
        int payOff = (int) Math.floorMod(dsnNext, (long) payloadPool.length - PAYLOAD);
        int n = p + PacketBuilder.writeIpTcp(frame, p, fromClient ? sf.client : sf.server,
                fromClient ? sf.server : sf.client, ipId, tcp, payloadPool, payOff, payloadLength);
        out.write(now, frame, 0, Math.min(n, snaplen), n);
        packets++;
    }
}

package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpHeader;

/**
 * DSS checksum failures (RFC 8684 3.7): a middlebox rewrites one data byte and fixes the TCP
 * checksum, so only the DSS checksum can tell.
 */
class MpFailTest {
    /** Rewrites one payload byte of the {@code n}th data segment from the client, fixing the TCP checksum. */
    static Pair.Filter rewriteNth(int n) {
        int[] seen = {0};
        return (fromClient, link, pkt) -> {
            DecodedPacket p = PacketDecoder.decode(PacketDecoder.LINK_RAW, pkt);
            if (fromClient && p.tcp() != null && p.payloadLength() > 100 && ++seen[0] == n) {
                pkt[p.payloadOffset() + 50] ^= 0x5a;
                TcpHeader.fillChecksumV4(pkt, p.tcpOffset(), pkt.length - p.tcpOffset(), (Ipv4Address) p.source(),
                        (Ipv4Address) p.destination());
            }
            return true;
        };
    }

    @Test
    void singleSubflowFallsBackWithTheInfiniteMappingAndTheStreamStaysExact() {
        Pair p = new Pair(1, StackConfig.defaults().withChecksum(true), StackConfig.defaults(), 41);
        p.filter = rewriteNth(30);
        byte[] data = BulkTransferTest.random(400_000, 41);
        byte[] got = BulkTransferTest.transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
        assertThat(p.server.observer().get(Mib.DataCsumErr)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.MPFailTx)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.DSSCorruptionFallback)).isEqualTo(1);
        assertThat(p.client.observer().get(Mib.MPFailRx)).isGreaterThanOrEqualTo(1);
        assertThat(p.client.observer().get(Mib.InfiniteMapTx)).isGreaterThanOrEqualTo(1);
        assertThat(p.server.observer().get(Mib.InfiniteMapRx)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void severalSubflowsResetTheBadOneAndReinjectItsData() {
        Pair p = new Pair(2, StackConfig.defaults().withChecksum(true), StackConfig.defaults(), 42);
        p.filter = rewriteNth(200);
        byte[] data = BulkTransferTest.random(1_000_000, 42);
        byte[] got = BulkTransferTest.transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
        assertThat(p.server.observer().get(Mib.DataCsumErr)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.DSSCorruptionReset)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.MPRstTx)).isGreaterThanOrEqualTo(1);
        assertThat(p.client.observer().get(Mib.MPTCPRetrans)).isGreaterThan(0);
    }
}

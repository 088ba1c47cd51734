package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.observe.Mib;

class BulkTransferTest {
    static final long S = 1_000_000_000L;

    /** Sends {@code bytes} from client to server and returns what the server's app read. */
    static byte[] transfer(Pair p, byte[] data, int port) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean[] closed = new boolean[2];
        p.server.listen(port, s -> s.setHandler(new MptcpSocket.Handler() {
            @Override
            public void onReadable(long now, MptcpSocket sk) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = sk.read(now, buf, 0, buf.length)) > 0) {
                    got.write(buf, 0, n);
                }
                if (n < 0) {
                    sk.close(now);
                }
            }

            @Override
            public void onClosed(long now, MptcpSocket sk, String reason) {
                closed[1] = true;
            }
        }));
        int[] off = {0};
        MptcpSocket[] cs = new MptcpSocket[1];
        MptcpSocket.Handler writer = new MptcpSocket.Handler() {
            void pump(long now, MptcpSocket sk) {
                while (off[0] < data.length) {
                    int n = sk.write(now, data, off[0], data.length - off[0]);
                    if (n <= 0) {
                        break;
                    }
                    off[0] += n;
                }
                if (off[0] == data.length) {
                    sk.close(now);
                }
            }

            @Override
            public void onConnected(long now, MptcpSocket sk) {
                pump(now, sk);
            }

            @Override
            public void onWritable(long now, MptcpSocket sk) {
                pump(now, sk);
            }

            @Override
            public void onClosed(long now, MptcpSocket sk, String reason) {
                closed[0] = true;
            }
        };
        p.act(() -> cs[0] = p.client.connect(p.now, p.serverAddr(0), port, writer));
        p.runUntil(() -> closed[0] && closed[1], 600 * S);
        return got.toByteArray();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void oneSubflowNoLoss() {
        Pair p = new Pair(1, StackConfig.defaults(), StackConfig.defaults(), 1);
        byte[] data = random(1_000_000, 1);
        byte[] got = transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
        assertThat(p.server.observer().get(Mib.MPCapableACKRX)).isEqualTo(1);
    }

    @Test
    void twoSubflowsJoinAndShare() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 2);
        byte[] data = random(2_000_000, 2);
        byte[] got = transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
        assertThat(p.server.observer().get(Mib.MPJoinAckRx)).isEqualTo(1);
        assertThat(p.client.observer().get(Mib.AddAddr)).isEqualTo(1);
        assertThat(p.client.observer().get(Mib.EchoAddTx)).isEqualTo(1);
        // Both subflows carried data.
        long[] perSubflow = new long[2];
        p.client.observer().mappings().forEach(m -> perSubflow[m.subflowId()] += m.length());
        assertThat(perSubflow[0]).isGreaterThan(200_000);
        assertThat(perSubflow[1]).isGreaterThan(200_000);
        assertThat(perSubflow[0] + perSubflow[1]).isEqualTo(data.length);
    }

    /** No datagram exceeds the MTU the MSS was taken from (1500): options count (RFC 9293 3.7.1). */
    @Test
    void noDatagramExceedsTheMtu() {
        for (boolean v6 : new boolean[] {false, true}) {
            for (boolean csum : new boolean[] {false, true}) {
                Pair p = new Pair(2, StackConfig.defaults().withChecksum(csum), StackConfig.defaults(), 6, v6);
                p.keepLog = true;
                byte[] data = random(300_000, 6);
                assertThat(transfer(p, data, 80)).isEqualTo(data);
                int max = p.log.stream().mapToInt(b -> b.length).max().orElse(0);
                assertThat(max).as("largest datagram, v6=%b checksum=%b", v6, csum).isBetween(1400, 1500);
            }
        }
    }

    @Test
    void lossyTwoSubflows() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 3);
        p.loss = 0.02;
        byte[] data = random(500_000, 3);
        byte[] got = transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void checksums() {
        Pair p = new Pair(2, StackConfig.defaults().withChecksum(true), StackConfig.defaults(), 4);
        byte[] data = random(300_000, 4);
        assertThat(transfer(p, data, 80)).isEqualTo(data);
    }

    @Test
    void fallbackToPlainTcpServer() {
        Pair p = new Pair(1, StackConfig.defaults(), StackConfig.defaults().withMptcp(false), 5);
        byte[] data = random(300_000, 5);
        assertThat(transfer(p, data, 80)).isEqualTo(data);
        assertThat(p.client.observer().get(Mib.MPCapableFallbackSYNACK)).isEqualTo(1);
    }
}

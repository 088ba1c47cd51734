package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.apps.Echo;
import org.mptcplab.stack.apps.RequestResponse;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.observe.ProtocolEvent;

/** REMOVE_ADDR and MP_PRIO driven through the stack's API, and the ready-made traffic apps. */
class AddressSignalsAndAppsTest {
    static final long S = 1_000_000_000L;

    @Test
    void mpCurrEstabCountsConnectionsNotSubflowsAsTheKernelDoes() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 9);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(8_000_000, 9);
        p.server.listen(80, s -> s.setHandler(sink));
        MptcpSocket[] cs = new MptcpSocket[1];
        p.act(() -> cs[0] = p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> cs[0].snapshot().subflows().size() == 2 && sink.received() > 1_000_000, 10 * S);
        assertThat(p.client.observer().get(Mib.MPCurrEstab)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.MPCurrEstab)).isEqualTo(1);
        p.runUntil(() -> sender.done() && sink.done(), 60 * S);
        assertThat(p.client.observer().get(Mib.MPCurrEstab)).isZero();
        assertThat(p.server.observer().get(Mib.MPCurrEstab)).isZero();
    }

    @Test
    void subflowsWeOpenTakeTheirPortsFromTheConfiguredRange() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 10);
        p.client.setLocalPortRange(61000, 61063);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(1_000_000, 10);
        p.server.listen(80, s -> s.setHandler(sink));
        MptcpSocket[] cs = new MptcpSocket[1];
        p.act(() -> cs[0] = p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> sender.done() && sink.done(), 60 * S);
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
        var subflows = cs[0].snapshot().subflows();
        assertThat(subflows).hasSize(2);
        assertThat(subflows).allSatisfy(sf -> assertThat(sf.localPort()).isBetween(61000, 61063));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.client.setLocalPortRange(65500, 65535))
                .hasMessageContaining("64 ports at least");
    }

    @Test
    void removeAddrMidTransferClosesThatSubflowAndTheStreamGoesOn() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 11);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(30_000_000, 11);
        p.server.listen(80, s -> s.setHandler(sink));
        p.act(() -> p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> sink.received() > 3_000_000, 10 * S);
        int id = p.client.addressId(Pair.addr(1, 1, false));
        p.act(() -> p.client.removeAddress(p.now, id));
        p.runUntil(() -> sender.done() && sink.done(), 120 * S);
        assertThat(sink.received()).isEqualTo(30_000_000);
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
        assertThat(p.client.observer().get(Mib.RmAddrTx)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.RmAddr)).isEqualTo(1);
        assertThat(p.client.observer().events()).anyMatch(e -> e.kind() == ProtocolEvent.Kind.REMOVE_ADDR);
    }

    @Test
    void restoredAddressIsJoinedAgain() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 12);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(60_000_000, 12);
        p.server.listen(80, s -> s.setHandler(sink));
        p.act(() -> p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> sink.received() > 3_000_000, 10 * S);
        int id = p.client.addressId(Pair.addr(1, 1, false));
        p.act(() -> p.client.removeAddress(p.now, id));
        p.runUntil(() -> sink.received() > 10_000_000, 10 * S);
        long joinsBefore = p.server.observer().get(Mib.MPJoinAckRx);
        p.act(() -> p.client.restoreAddress(p.now, id));
        p.runUntil(() -> sender.done() && sink.done(), 120 * S);
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
        assertThat(p.server.observer().get(Mib.MPJoinAckRx)).isEqualTo(joinsBefore + 1);
    }

    @Test
    void mpPrioMakesASubflowBackupAndTheSchedulerAvoidsIt() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 13);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(4_000_000, 13);
        p.server.listen(80, s -> s.setHandler(sink));
        MptcpSocket[] cs = new MptcpSocket[1];
        p.act(() -> cs[0] = p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> cs[0].snapshot().subflows().size() == 2
                && cs[0].snapshot().subflows().get(1).state() == SubflowState.ESTABLISHED, 10 * S);
        p.act(() -> cs[0].setBackup(p.now, 1, true));
        long mappedBefore = p.client.observer().mappings().stream().filter(m -> m.subflowId() == 1).count();
        p.runUntil(() -> sender.done() && sink.done(), 120 * S);
        long mappedAfter = p.client.observer().mappings().stream().filter(m -> m.subflowId() == 1).count();
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
        assertThat(p.client.observer().get(Mib.MPPrioTx)).isEqualTo(1);
        assertThat(p.server.observer().get(Mib.MPPrioRx)).isEqualTo(1);
        // At most what was already queued goes on the backup subflow once it is backup.
        assertThat(mappedAfter - mappedBefore).isLessThan(5);
    }

    @Test
    void joinsFromABackupAddressCarryTheBFlagAndGetNoDataWhileTheRegularPathWorks() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 14);
        BulkSink sink = new BulkSink();
        BulkSender sender = new BulkSender(4_000_000, 14);
        p.server.listen(80, s -> s.setHandler(sink));
        p.client.setAddressBackup(p.client.addressId(Pair.addr(1, 1, false)), true);
        MptcpSocket[] cs = new MptcpSocket[1];
        p.act(() -> cs[0] = p.client.connect(p.now, p.serverAddr(0), 80, sender));
        p.runUntil(() -> sender.done() && sink.done(), 120 * S);
        assertThat(sink.sha256()).isEqualTo(sender.sha256());
        assertThat(p.server.observer().get(Mib.MPJoinSynBackupRx)).isEqualTo(1);
        SubflowSnapshot join = cs[0].snapshot().subflows().get(1);
        assertThat(join.backup()).isTrue();
        assertThat(join.bytesSent()).isZero();
    }

    @Test
    void echoReturnsEveryByte() {
        Pair p = new Pair(2, StackConfig.defaults(), StackConfig.defaults(), 14);
        p.server.listen(7, s -> s.setHandler(new Echo()));
        BulkSender sender = new BulkSender(1_000_000, 14);
        BulkSink back = new BulkSink();
        MptcpSocket.Handler both = new MptcpSocket.Handler() {
            public void onConnected(long now, MptcpSocket s) {
                sender.onConnected(now, s);
            }

            public void onWritable(long now, MptcpSocket s) {
                sender.onWritable(now, s);
            }

            public void onReadable(long now, MptcpSocket s) {
                back.onReadable(now, s);
            }

            public void onClosed(long now, MptcpSocket s, String reason) {
                sender.onClosed(now, s, reason);
                back.onClosed(now, s, reason);
            }
        };
        p.act(() -> p.client.connect(p.now, p.serverAddr(0), 7, both));
        p.runUntil(() -> back.eof() && sender.done(), 120 * S);
        assertThat(back.received()).isEqualTo(1_000_000);
        assertThat(back.sha256()).isEqualTo(sender.sha256());
    }

    @Test
    void requestResponseMeasuresLatency() {
        Pair p = new Pair(1, StackConfig.defaults(), StackConfig.defaults(), 15);
        p.delay = 10_000_000L; // 20 ms round trip
        p.server.listen(80, s -> s.setHandler(new RequestResponse.Responder(100, 2000)));
        RequestResponse rr = new RequestResponse(100, 2000, 20);
        p.act(() -> p.client.connect(p.now, p.serverAddr(0), 80, rr));
        p.runUntil(rr::finished, 60 * S);
        assertThat(rr.latencies()).hasSize(20);
        // Each exchange takes at least one round trip and, without loss, not much more.
        assertThat(rr.latencies()).allSatisfy(l -> assertThat(l).isBetween(20_000_000L, 200_000_000L));
    }
}

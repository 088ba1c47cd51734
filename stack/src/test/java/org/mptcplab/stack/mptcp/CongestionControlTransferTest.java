package org.mptcplab.stack.mptcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcplab.stack.cc.CongestionControls;

/** Each congestion control carries a lossy two-path transfer intact, and can be switched mid-run. */
class CongestionControlTransferTest {
    static List<String> names() {
        return CongestionControls.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void lossyTwoPathTransferCompletesIntact(String cc) {
        StackConfig cfg = StackConfig.defaults().withCongestionControl(cc);
        Pair p = new Pair(2, cfg, cfg, 11);
        p.loss = 0.01;
        List<Subflow> seen = new ArrayList<>();
        List<Double> alphas = new ArrayList<>();
        // Record the client's subflows while they live (closed ones leave the connection), and
        // their alphas while both are established.
        p.filter = (fromClient, link, pkt) -> {
            for (MptcpConnection c : p.client.connections()) {
                for (Subflow s : c.subflows) {
                    if (!seen.contains(s)) {
                        seen.add(s);
                    }
                }
                if (c.subflows.size() == 2 && c.subflows.get(0).activeForCoupling() && c.subflows.get(1).activeForCoupling()) {
                    for (Subflow s : c.subflows) {
                        Double a = s.congestionControl().variables().get("alpha");
                        if (a != null) {
                            alphas.add(a);
                        }
                    }
                }
            }
            return true;
        };
        byte[] data = BulkTransferTest.random(4_000_000, 11);
        byte[] got = BulkTransferTest.transfer(p, data, 80);
        assertThat(got).isEqualTo(data);
        assertThat(seen).hasSize(2);
        for (Subflow s : seen) {
            assertThat(s.congestionControl().name()).isEqualTo(cc);
            assertThat(s.snapshot().fastRetransmits() + s.snapshot().rtoCount()).as("losses on subflow %d", s.id())
                    .isPositive();
        }
        Map<String, Double> vars = seen.get(0).congestionControl().variables();
        switch (cc) {
            // Coupled: with two like paths LIA's alpha is about 1/2 (1 when uncoupled) and BALIA's
            // is at least 1 and above it on the smaller one.
            case "lia" -> assertThat(alphas).anySatisfy(a -> assertThat(a).isBetween(0.3, 0.8));
            case "balia" -> assertThat(alphas).anySatisfy(a -> assertThat(a).isGreaterThan(1.01));
            case "olia" -> {
                assertThat(vars).containsKeys("alpha", "inB", "inM");
                assertThat(alphas).anySatisfy(a -> assertThat(a).isNotZero());
            }
            case "cubic" -> assertThat(vars).containsKeys("wMaxBytes", "kSeconds");
            default -> assertThat(vars).isEmpty();
        }
        // Both paths carried data.
        long[] perSubflow = new long[2];
        p.client.observer().mappings().forEach(m -> perSubflow[m.subflowId()] += m.length());
        assertThat(perSubflow[0]).isGreaterThan(100_000);
        assertThat(perSubflow[1]).isGreaterThan(100_000);
    }

    /** Switching mid-transfer gives every live subflow the new algorithm with its windows, deterministically. */
    @Test
    void switchingWhileRunningKeepsWindowsAndCompletes() {
        long[] first = run();
        long[] second = run();
        assertThat(second).isEqualTo(first);
    }

    /** Returns the windows before the switch, after it, and the finish time. */
    private long[] run() {
        StackConfig cfg = StackConfig.defaults();
        Pair p = new Pair(2, cfg, cfg, 12);
        p.loss = 0.005;
        long[] out = new long[9];
        int[] packets = {0};
        p.filter = (fromClient, link, pkt) -> {
            if (fromClient && ++packets[0] == 400) {
                List<Subflow> sfs = p.client.connections().get(0).subflows;
                assertThat(sfs).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    out[2 * i] = sfs.get(i).cc.cwnd();
                    out[2 * i + 1] = sfs.get(i).cc.ssthresh();
                }
                p.client.setCongestionControl("olia");
                for (int i = 0; i < 2; i++) {
                    Subflow s = sfs.get(i);
                    assertThat(s.cc.name()).isEqualTo("olia");
                    assertThat(s.cc.cwnd()).isEqualTo(out[2 * i]);
                    assertThat(s.cc.ssthresh()).isEqualTo(Math.max(2L * s.mss, out[2 * i + 1]));
                    out[4 + i] = s.cc.cwnd();
                }
                assertThat(p.client.config().congestionControl()).isEqualTo("olia");
            }
            return true;
        };
        byte[] data = BulkTransferTest.random(1_500_000, 12);
        assertThat(BulkTransferTest.transfer(p, data, 80)).isEqualTo(data);
        assertThat(packets[0]).isGreaterThan(400);
        out[8] = p.now;
        return out;
    }

    @Test
    void unknownNameIsRejectedWithTheKnownOnes() {
        MptcpStack s = new MptcpStack("x", StackConfig.defaults(), 1);
        assertThatThrownBy(() -> s.setCongestionControl("vegas"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vegas")
                .hasMessageContaining("newreno, reno, cubic, lia, olia, balia");
        assertThat(s.config().congestionControl()).isEqualTo("newreno");
        Pair p = new Pair(1, StackConfig.defaults().withCongestionControl("vegas"), StackConfig.defaults(), 1);
        assertThatThrownBy(() -> BulkTransferTest.transfer(p, new byte[10], 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: newreno, reno, cubic, lia, olia, balia");
    }
}

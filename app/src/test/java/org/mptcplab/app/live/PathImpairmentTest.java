package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcplab.app.live.PathImpairment.Direction;
import org.mptcplab.app.live.PathImpairment.Settings;

/** Delay, jitter without reordering and seeded loss, in virtual time. */
class PathImpairmentTest {
    static final long MS = 1_000_000L;

    static byte[] seq(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    static int seqOf(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    @Test
    void withoutSettingsFramesPassAtOnceInOrder() {
        PathImpairment p = new PathImpairment(1);
        for (int i = 0; i < 3; i++) {
            assertThat(p.offer(0, 0, Direction.EGRESS, seq(i))).isTrue();
        }
        assertThat(p.nextTimeout()).isZero();
        for (int i = 0; i < 3; i++) {
            Frame f = p.poll(0, Direction.EGRESS);
            assertThat(f.iface()).isZero();
            assertThat(seqOf(f.data())).isEqualTo(i);
        }
        assertThat(p.poll(0, Direction.EGRESS)).isNull();
        assertThat(p.nextTimeout()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void delayReleasesExactlyAfterTheDelay() {
        PathImpairment p = new PathImpairment(1).set(2, Direction.EGRESS, new Settings(7 * MS, 0, 0));
        p.offer(100, 2, Direction.EGRESS, seq(1));
        p.offer(200, 2, Direction.EGRESS, seq(2));
        assertThat(p.queued(2, Direction.EGRESS)).isEqualTo(2);
        assertThat(p.nextTimeout()).isEqualTo(100 + 7 * MS);
        assertThat(p.poll(100 + 7 * MS - 1, Direction.EGRESS)).isNull();
        assertThat(p.poll(100 + 7 * MS, Direction.INGRESS)).as("other direction").isNull();
        assertThat(seqOf(p.poll(100 + 7 * MS, Direction.EGRESS).data())).isEqualTo(1);
        assertThat(p.poll(100 + 7 * MS, Direction.EGRESS)).isNull();
        assertThat(p.nextTimeout()).isEqualTo(200 + 7 * MS);
        assertThat(p.poll(Long.MAX_VALUE / 2, Direction.EGRESS).iface()).isEqualTo(2);
    }

    @Test
    void jitterVariesTheDelayAroundItsMeanAndNeverReorders() {
        // Bulk traffic: a frame every 100 us, far closer than the jitter.
        Stats dense = run(100_000, 20_000);
        assertThat(dense.mean).isBetween(4.5 * MS, 5.5 * MS);
        assertThat(dense.std).isBetween(1.0 * MS, 2.0 * MS);
        // Sparse traffic: a frame every 50 ms, so nearly independent draws.
        Stats sparse = run(50 * MS, 5_000);
        assertThat(sparse.mean).isBetween(4.8 * MS, 5.2 * MS);
        assertThat(sparse.std).isBetween(1.2 * MS, 1.7 * MS);
    }

    record Stats(double mean, double std) {
    }

    /** Offers {@code n} frames {@code gap} apart through 5 ms +/- 3 ms; checks order and bounds. */
    private static Stats run(long gap, int n) {
        PathImpairment p = new PathImpairment(9).set(0, Direction.EGRESS, new Settings(5 * MS, 3 * MS, 0));
        List<Long> delays = new ArrayList<>();
        int expected = 0;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            p.offer(i * gap, 0, Direction.EGRESS, seq(i));
            long until = (i + 1) * gap;
            while (p.nextTimeout() < until || i == n - 1 && p.nextTimeout() != Long.MAX_VALUE) {
                long t = p.nextTimeout();
                Frame f = p.poll(t, Direction.EGRESS);
                int k = seqOf(f.data());
                assertThat(k).isEqualTo(expected++);
                assertThat(t).isGreaterThanOrEqualTo(last);
                last = t;
                long d = t - k * gap;
                assertThat(d).isBetween(2 * MS, 8 * MS);
                delays.add(d);
            }
        }
        assertThat(delays).hasSize(n);
        double mean = delays.stream().mapToLong(Long::longValue).average().orElseThrow();
        double var = delays.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / n;
        return new Stats(mean, Math.sqrt(var));
    }

    @Test
    void lossIsSeededAndAboutTheRequestedRate() {
        Settings s = new Settings(0, 0, 0.01);
        List<Integer> lostA = lost(new PathImpairment(5).set(1, Direction.INGRESS, s), 1, 100_000);
        List<Integer> lostB = lost(new PathImpairment(5).set(1, Direction.INGRESS, s), 1, 100_000);
        List<Integer> lostC = lost(new PathImpairment(6).set(1, Direction.INGRESS, s), 1, 100_000);
        assertThat(lostA).isEqualTo(lostB);
        assertThat(lostA).isNotEqualTo(lostC);
        assertThat(lostA.size()).isBetween(800, 1200);
    }

    @Test
    void eachInterfaceAndDirectionHasItsOwnRandomStream() {
        Settings s = new Settings(0, 0, 0.5);
        PathImpairment alone = new PathImpairment(5).set(1, Direction.INGRESS, s);
        PathImpairment shared = new PathImpairment(5).set(1, Direction.INGRESS, s).set(1, Direction.EGRESS, s)
                .set(0, Direction.INGRESS, s);
        List<Boolean> a = new ArrayList<>();
        List<Boolean> b = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            a.add(alone.offer(i, 1, Direction.INGRESS, seq(i)));
            shared.offer(i, 0, Direction.INGRESS, seq(i));
            shared.offer(i, 1, Direction.EGRESS, seq(i));
            b.add(shared.offer(i, 1, Direction.INGRESS, seq(i)));
        }
        assertThat(b).isEqualTo(a);
        assertThat(shared.dropped(0, Direction.INGRESS)).isBetween(60L, 140L);
        assertThat(shared.offered(1, Direction.EGRESS)).isEqualTo(200);
    }

    private static List<Integer> lost(PathImpairment p, int iface, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!p.offer(i, iface, Direction.INGRESS, seq(i))) {
                out.add(i);
            }
            assertThat(p.poll(i, Direction.INGRESS) != null).isNotEqualTo(out.contains(i) && out.get(out.size() - 1) == i);
        }
        assertThat(p.dropped(iface, Direction.INGRESS)).isEqualTo(out.size());
        return out;
    }

    @Test
    void presetsAndValidation() {
        assertThat(Settings.preset("WiFi")).isEqualTo(new Settings(5 * MS, 3 * MS, 0.01));
        assertThat(Settings.preset("lte")).isEqualTo(new Settings(35 * MS, 10 * MS, 0.005));
        assertThat(Settings.preset("none").isNone()).isTrue();
        assertThat(Settings.WIFI.toString()).isEqualTo("delay 5.0 ms +/- 3.0 ms, loss 1.00 %");
        assertThatThrownBy(() -> Settings.preset("5g")).hasMessageContaining("known: none, wifi, lte");
        assertThatThrownBy(() -> new Settings(-1, 0, 0)).hasMessageContaining("delay");
        assertThatThrownBy(() -> new Settings(0, -1, 0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Settings(0, 0, 1.5)).hasMessageContaining("loss");
        assertThatThrownBy(() -> new Settings(0, 0, Double.NaN)).hasMessageContaining("loss");
        PathImpairment p = new PathImpairment(1).setBoth(3, Settings.LTE);
        assertThat(p.settings(3, Direction.INGRESS)).isEqualTo(Settings.LTE);
        assertThat(p.settings(3, Direction.EGRESS)).isEqualTo(Settings.LTE);
        assertThat(p.settings(4, Direction.EGRESS)).isEqualTo(Settings.NONE);
    }
}

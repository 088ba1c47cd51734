package org.mptcplab.app.view;

import java.util.Arrays;
import java.util.Locale;

import javafx.animation.AnimationTimer;

/**
 * Measures the window's frames for BENCHMARKS.md: the interval between pulses (what a viewer
 * sees as smoothness) and the time the lab's own per-frame work takes on the FX thread, after
 * {@code mptcplab.framesWarmup} pulses of start-up (default 600, 10 s). After {@code frames}
 * pulses it prints one line on stderr (with the CPU the process used meanwhile and the heap after
 * a GC) and stops. Started by the app when the
 * system property {@code mptcplab.frames} is set.
 */
public final class FrameStats extends AnimationTimer {
    private final long[] intervals;
    private final long[] work;
    private final String label;
    private int n;
    private int w;
    private long last = -1;

    public FrameStats(int frames, String label) {
        intervals = new long[frames];
        work = new long[frames];
        this.label = label;
    }

    /** Pulses skipped before measuring: start-up (class loading, JIT, the charts' first layout). */
    private final int warmup = Integer.getInteger("mptcplab.framesWarmup", 600);
    private int pulses;

    @Override
    public void handle(long now) {
        if (++pulses <= warmup) {
            if (pulses == warmup) {
                cpuAtStart = processCpuNanos();
                wallAtStart = System.nanoTime();
                w = 0;
            }
            last = now;
            return;
        }
        if (last >= 0 && n < intervals.length) {
            intervals[n++] = now - last;
            if (n == intervals.length) {
                report();
                stop();
            }
        }
        last = now;
    }

    /** The lab's frame took {@code nanos} on the FX thread. */
    public void work(long nanos) {
        if (w < work.length) {
            work[w++] = nanos;
        }
    }

    private long cpuAtStart = -1;
    private long wallAtStart;

    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean o ? o.getProcessCpuTime() : -1;
    }

    @Override
    public void start() {
        cpuAtStart = processCpuNanos();
        wallAtStart = System.nanoTime();
        super.start();
    }

    private void report() {
        double cores = (processCpuNanos() - cpuAtStart) / (double) (System.nanoTime() - wallAtStart);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.err.println(String.format(Locale.ROOT,
                "frames %s: %d pulses, interval mean %.2f ms p99 %.2f ms max %.2f ms (%d over 20 ms, %d over 36 ms);"
                        + " lab work per frame mean %s p99 %s; CPU %.2f cores; heap after GC %.1f MiB",
                label, n, mean(intervals, n) / 1e6, pct(intervals, n, 0.99) / 1e6, pct(intervals, n, 1.0) / 1e6,
                over(intervals, n, 20_000_000L), over(intervals, n, 36_000_000L),
                w == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", mean(work, w) / 1e6),
                w == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", pct(work, w, 0.99) / 1e6),
                cores, (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
    }

    private static int over(long[] a, int n, long limit) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += a[i] > limit ? 1 : 0;
        }
        return c;
    }

    private static double mean(long[] a, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return n == 0 ? 0 : s / n;
    }

    private static double pct(long[] a, int n, double q) {
        long[] c = Arrays.copyOf(a, n);
        Arrays.sort(c);
        return n == 0 ? 0 : c[Math.min(n - 1, (int) Math.ceil(q * n) - 1)];
    }
}

package org.mptcplab.stack.apps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a traffic model measured, beside the transfer figures every run has (bytes, goodput,
 * stream hash). Times are milliseconds of virtual time.
 */
public sealed interface TrafficReport {
    /** The kind, as the CLI's JSON names it: bulk, video, rr. */
    String kind();

    /**
     * Bulk transfer: its figures (bytes delivered, goodput, longest stall) are the run's own, so
     * there is nothing more to say; a record rather than null so that every run has a report.
     */
    record BulkReport() implements TrafficReport {
        @Override
        public String kind() {
            return "bulk";
        }
    }

    /**
     * A video stream as its player saw it.
     *
     * @param startupMs from playback begun to the first frame; -1 if playback never started
     * @param stalls    stall episodes (the startup wait is not one)
     * @param stalledMs total time stalled, an ongoing stall up to the report's time
     * @param playedMs  video played
     * @param bufferMs  video buffered and not yet played at the report's time
     */
    record VideoReport(long bitrateBps, long bytesReceived, double startupMs, long stalls, double stalledMs,
                       double playedMs, VideoPlayer.State state, double bufferMs, double startTargetMs,
                       double rebufferTargetMs) implements TrafficReport {
        @Override
        public String kind() {
            return "video";
        }
    }

    /**
     * Request/response exchanges: how many were asked for, how many completed, and the latency of
     * the completed ones (request written to the last byte of its response), NaN when none did.
     * Median and 95th percentile are nearest-rank: values that occurred.
     */
    record RequestResponseReport(int requestSize, int responseSize, int count, int completed, double minMs,
                                 double medianMs, double p95Ms, double maxMs) implements TrafficReport {
        @Override
        public String kind() {
            return "rr";
        }

        /** The summary of {@code latenciesNanos} (in any order). */
        public static RequestResponseReport of(int requestSize, int responseSize, int count,
                                               List<Long> latenciesNanos) {
            List<Long> sorted = new ArrayList<>(latenciesNanos);
            Collections.sort(sorted);
            int n = sorted.size();
            if (n == 0) {
                return new RequestResponseReport(requestSize, responseSize, count, 0, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN);
            }
            return new RequestResponseReport(requestSize, responseSize, count, n, sorted.get(0) / 1e6,
                    rank(sorted, 50) / 1e6, rank(sorted, 95) / 1e6, sorted.get(n - 1) / 1e6);
        }

        /** Nearest-rank percentile: the smallest value with at least {@code pct} % of them at or below it. */
        static long rank(List<Long> sorted, int pct) {
            int idx = (int) ((sorted.size() * (long) pct + 99) / 100) - 1;
            return sorted.get(Math.max(0, idx));
        }
    }
}

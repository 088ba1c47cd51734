package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;

/** Timed actions and the link watcher run on the runner's own thread, in time order. No devices, no root. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LiveRunnerScheduleTest {
    @Test
    void scheduledActionsRunInTimeOrderOnTheRunnerThreadAndTheWatcherIsPolled() throws Exception {
        LinkLayer link = new LinkLayer(new MptcpStack("t", StackConfig.defaults(), 1));
        List<String> ran = new CopyOnWriteArrayList<>();
        int[] polls = new int[1];
        LinkWatcher counting = new LinkWatcher(Map.of(0, "x"), name -> {
            polls[0]++;
            return LinkWatcher.LinkState.UNKNOWN;
        }, (i, n, up) -> { });
        try (LiveRunner r = new LiveRunner(link, Map.of()).watchLinks(10, counting)) {
            r.start();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long t = r.now();
            r.schedule(t + 60_000_000L, () -> {
                ran.add("second:" + Thread.currentThread().getName());
                done.complete(null);
            });
            r.schedule(t + 20_000_000L, () -> ran.add("first:" + Thread.currentThread().getName()));
            done.get(5, TimeUnit.SECONDS);
            assertThat(ran).containsExactly("first:live-stack", "second:live-stack");
            assertThat(r.now() - t).isGreaterThanOrEqualTo(60_000_000L);
        }
        assertThat(polls[0]).as("watcher polls in about 60 ms at 10 ms").isGreaterThanOrEqualTo(3);
    }
}

package org.mptcplab.app.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window's scenario picker: the demo and the named scenarios of the policies issue, the same
 * paths, traffic and path events as {@code simulate --scenario NAME} (a test holds the two
 * together), with the single-path TCP comparison beside each. Traffic runs until stopped, so
 * the sizes of the CLI's presets do not apply; the policies (cc, scheduler, path manager) are the
 * window's current ones, so that one scenario can be watched under each.
 */
public final class ScenarioPresets {
    public static final String DEMO = "demo";

    /** What the picker shows for each name, and what to look at. */
    public record Preset(String name, String about, SessionSpec spec) {
    }

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        add(DEMO, "an 8 Mbit/s video over WiFi and LTE; WiFi goes down for 4 s every 12 s, and the same video over "
                + "single-path TCP on WiFi stalls beside it", SessionSpec.demo());
        add("aggregate", "two paths summed: 40 Mbit/s, 10 ms and 20 Mbit/s, 40 ms of bulk; MPTCP's goodput against "
                + "single-path TCP on the faster one", bulk("aggregate", List.of(path("WiFi", 40, 10, 0),
                path("LTE", 20, 40, 0)),
                List.of(), 0));
        add("handover", "WiFi (20 Mbit/s, 10 ms) goes down at 5 s, signalled; LTE (12 Mbit/s, 35 ms) carries on: "
                + "the reinjection and the stall, against TCP on WiFi",
                bulk("handover", List.of(path("WiFi", 20, 10, 0), path("LTE", 12, 35, 0)),
                        List.of(new SessionSpec.PathEvent(5 * S, 0, false, true)), 0));
        add("lossy", "2% loss on WiFi (20 Mbit/s, 10 ms) beside a clean LTE (10 Mbit/s, 20 ms): MPTCP stays above the "
                + "clean path alone; TCP on the lossy path does not", bulk("lossy", List.of(path("WiFi", 20, 10, 0.02),
                path("LTE", 10, 20, 0)), List.of(), 0));
        add("asymmetric-rtt", "10 ms against 200 ms of RTT (50 Mbit/s each): the receive buffer's head-of-line "
                + "blocking, and each scheduler's way with it", bulk("asymmetric-rtt", List.of(path("near", 50, 5, 0),
                path("far", 50, 100, 0)), List.of(), 0));
        add("satellite", "a GEO satellite path (20 Mbit/s, 600 ms RTT) beside LTE (10 Mbit/s, 50 ms RTT), 8 Mbit/s of "
                + "video: start-up and stalls, against TCP over the satellite alone",
                new SessionSpec(List.of(path("GEO sat", 20, 300, 0), path("LTE", 10, 25, 0)),
                        TrafficSpec.video(8_000_000L), "newreno", "minrtt", "fullmesh", 1, true, 0, 0, "satellite",
                        List.of(), 0, false));
        add("backup", "a backup path (20 Mbit/s, 30 ms, B flag) beside the primary (20 Mbit/s, 10 ms), which goes "
                + "down at 4 s, signalled: the backup carries nothing before and everything after",
                bulk("backup", List.of(path("primary", 20, 10, 0), path("backup", 20, 30, 0).withBackup(true)),
                        List.of(new SessionSpec.PathEvent(4 * S, 0, false, true)), 0));
        add("shared-bottleneck", "two subflows (100 Mbit/s, 10 ms each) and a single-path TCP flow share one "
                + "20 Mbit/s bottleneck: with lia, olia or balia MPTCP takes about what TCP gets, uncoupled (newreno, "
                + "cubic) about twice", bulk("shared-bottleneck", List.of(path("access 1", 100, 10, 0),
                path("access 2", 100, 10, 0)),
                List.of(), 20_000_000L));
    }

    private ScenarioPresets() {
    }

    private static void add(String name, String about, SessionSpec spec) {
        PRESETS.put(name, new Preset(name, about, spec));
    }

    private static PathSettings path(String name, long mbit, long delayMs, double loss) {
        return new PathSettings(name, mbit * 1_000_000L, delayMs * MS, loss, 0, false);
    }

    private static SessionSpec bulk(String name, List<PathSettings> paths, List<SessionSpec.PathEvent> events,
                                    long bottleneck) {
        return new SessionSpec(paths, TrafficSpec.bulk(), "newreno", "minrtt", "fullmesh", 1, true, 0, 0, name, events,
                bottleneck, false);
    }

    /** The names, the demo first. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /** The preset called {@code name}. */
    public static Preset get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no scenario '" + name + "' (known: " + String.join(", ", PRESETS.keySet())
                    + ")");
        }
        return p;
    }

    /**
     * The spec of scenario {@code name} run with the policies and seed of {@code current} (the
     * window's selectors stay as they are when another scenario is picked).
     */
    public static SessionSpec spec(String name, SessionSpec current) {
        SessionSpec s = get(name).spec();
        return s.withPolicies(current.congestionControl(), current.scheduler(), current.pathManager())
                .withSeed(current.seed()).withOpportunistic(current.opportunistic());
    }
}

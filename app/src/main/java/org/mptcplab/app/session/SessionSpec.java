package org.mptcplab.app.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a session is built from: its paths, its traffic, the policies, the seed and the
 * demo's extras. Saved and loaded as JSON, so that the same spec gives the same run ("same seed,
 * same pictures").
 *
 * @param singlePathTcp also run the same traffic over single-path TCP (our stack with MPTCP off)
 *                      on a copy of the first path, which follows that path's ups and downs
 * @param flapDownNanos with {@code flapPeriodNanos}: the first path goes down this long after each
 *                      period starts and comes back at the period's end (the demo's loop); 0: off
 * @param scenario the preset the spec came from ({@link ScenarioPresets}), or "custom"
 * @param events path changes at fixed virtual times, once (a scenario's handover)
 * @param bottleneckBps 0, or the rate of one drop-tail bottleneck that every path's data direction
 *                      crosses after its own link; the single-path TCP comparison then crosses it
 *                      too (on a copy of the first path), so the two share it (RFC 6356 goal 2)
 * @param opportunistic opportunistic retransmission and penalisation (Raiciu et al., NSDI 2012)
 */
public record SessionSpec(List<PathSettings> paths, TrafficSpec traffic, String congestionControl, String scheduler,
                          String pathManager, long seed, boolean singlePathTcp, long flapPeriodNanos,
                          long flapDownNanos, String scenario, List<PathEvent> events, long bottleneckBps,
                          boolean opportunistic) {
    public static final int MAX_PATHS = 8;

    /**
     * Path {@code path} (from 0) goes down ({@code up} false) or comes back at {@code atNanos};
     * {@code signalled}: the client's interface goes with it (REMOVE_ADDR), else a black hole.
     */
    public record PathEvent(long atNanos, int path, boolean up, boolean signalled) {
        public PathEvent {
            if (atNanos < 0) {
                throw new IllegalArgumentException("a path event's time must not be negative");
            }
        }
    }

    public SessionSpec {
        paths = List.copyOf(paths);
        if (paths.isEmpty() || paths.size() > MAX_PATHS) {
            throw new IllegalArgumentException("a session has 1 to " + MAX_PATHS + " paths, not " + paths.size());
        }
        Objects.requireNonNull(traffic, "traffic");
        if (flapPeriodNanos < 0 || flapDownNanos < 0 || flapPeriodNanos > 0 && flapDownNanos >= flapPeriodNanos) {
            throw new IllegalArgumentException("the flap loop needs 0 <= down time < period");
        }
        scenario = scenario == null ? "custom" : scenario;
        events = List.copyOf(events);
        for (PathEvent e : events) {
            if (e.path() < 0 || e.path() >= paths.size()) {
                throw new IllegalArgumentException("a path event names path " + (e.path() + 1) + " but there are "
                        + paths.size());
            }
        }
        if (bottleneckBps < 0) {
            throw new IllegalArgumentException("the bottleneck's rate must not be negative");
        }
    }

    /** A spec of no preset: no scheduled events, no shared bottleneck. */
    public SessionSpec(List<PathSettings> paths, TrafficSpec traffic, String congestionControl, String scheduler,
                       String pathManager, long seed, boolean singlePathTcp, long flapPeriodNanos, long flapDownNanos) {
        this(paths, traffic, congestionControl, scheduler, pathManager, seed, singlePathTcp, flapPeriodNanos,
                flapDownNanos, "custom", List.of(), 0, false);
    }

    /**
     * The demo the app opens with, in the spirit of IETF-80: an 8 Mbit/s video over "WiFi" and
     * "LTE"; WiFi goes down for 4 s every 12 s; beside it the same video over single-path TCP on
     * WiFi, whose player stalls while the MPTCP one plays on.
     */
    public static SessionSpec demo() {
        return new SessionSpec(List.of(
                new PathSettings("WiFi", 20_000_000L, 10_000_000L, 0, 0, false),
                new PathSettings("LTE", 12_000_000L, 35_000_000L, 0, 0, false)),
                TrafficSpec.video(8_000_000L), "newreno", "minrtt", "fullmesh", 1, true,
                12_000_000_000L, 4_000_000_000L, ScenarioPresets.DEMO, List.of(), 0, false);
    }

    private SessionSpec with(List<PathSettings> p, TrafficSpec t, String cc, String sched, String pm, long s,
                             boolean tcp, long period, long down) {
        return new SessionSpec(p, t, cc, sched, pm, s, tcp, period, down, scenario, events, bottleneckBps, opportunistic);
    }

    /** The same spec as a preset's variation: the user changed something the preset set. */
    public SessionSpec asCustom() {
        return new SessionSpec(paths, traffic, congestionControl, scheduler, pathManager, seed, singlePathTcp,
                flapPeriodNanos, flapDownNanos, "custom", events, bottleneckBps, opportunistic);
    }

    public SessionSpec withPaths(List<PathSettings> p) {
        return with(p, traffic, congestionControl, scheduler, pathManager, seed, singlePathTcp, flapPeriodNanos, flapDownNanos);
    }

    public SessionSpec withSeed(long s) {
        return with(paths, traffic, congestionControl, scheduler, pathManager, s, singlePathTcp, flapPeriodNanos, flapDownNanos);
    }

    public SessionSpec withFlap(long period, long down) {
        return with(paths, traffic, congestionControl, scheduler, pathManager, seed, singlePathTcp, period, down);
    }

    public SessionSpec withTraffic(TrafficSpec t) {
        return with(paths, t, congestionControl, scheduler, pathManager, seed, singlePathTcp, flapPeriodNanos, flapDownNanos);
    }

    public SessionSpec withSinglePathTcp(boolean on) {
        return with(paths, traffic, congestionControl, scheduler, pathManager, seed, on, flapPeriodNanos, flapDownNanos);
    }

    /** With opportunistic retransmission and penalisation on or off. */
    public SessionSpec withOpportunistic(boolean on) {
        return new SessionSpec(paths, traffic, congestionControl, scheduler, pathManager, seed, singlePathTcp,
                flapPeriodNanos, flapDownNanos, scenario, events, bottleneckBps, on);
    }

    public SessionSpec withPolicies(String cc, String sched, String pm) {
        return with(paths, traffic, cc, sched, pm, seed, singlePathTcp, flapPeriodNanos, flapDownNanos);
    }

    // ------------------------------------------------------------------ JSON

    public String toJson() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\n  \"paths\": [\n");
        for (int i = 0; i < paths.size(); i++) {
            PathSettings p = paths.get(i);
            sb.append("    {\"name\": ").append(MiniJson.quote(p.name())).append(", \"rate_bps\": ").append(p.rateBps())
                    .append(", \"delay_ns\": ").append(p.delayNanos()).append(", \"loss\": ").append(num(p.loss()))
                    .append(", \"queue_bytes\": ").append(p.queueBytes()).append(", \"backup\": ").append(p.backup()).append('}')
                    .append(i + 1 < paths.size() ? ",\n" : "\n");
        }
        sb.append("  ],\n  \"traffic\": {\"kind\": \"").append(traffic.kind().name().toLowerCase(Locale.ROOT))
                .append("\", \"bitrate_bps\": ").append(traffic.bitrateBps()).append(", \"chunk_ns\": ").append(traffic.chunkNanos())
                .append(", \"start_ns\": ").append(traffic.startNanos()).append("},\n");
        sb.append("  \"cc\": ").append(MiniJson.quote(congestionControl)).append(",\n");
        sb.append("  \"scheduler\": ").append(MiniJson.quote(scheduler)).append(",\n");
        sb.append("  \"pm\": ").append(MiniJson.quote(pathManager)).append(",\n");
        sb.append("  \"seed\": ").append(seed).append(",\n");
        sb.append("  \"single_path_tcp\": ").append(singlePathTcp).append(",\n");
        sb.append("  \"flap_period_ns\": ").append(flapPeriodNanos).append(",\n");
        sb.append("  \"flap_down_ns\": ").append(flapDownNanos).append(",\n");
        sb.append("  \"scenario\": ").append(MiniJson.quote(scenario)).append(",\n");
        sb.append("  \"events\": [");
        for (int i = 0; i < events.size(); i++) {
            PathEvent e = events.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"at_ns\": ").append(e.atNanos()).append(", \"path\": ")
                    .append(e.path() + 1).append(", \"up\": ").append(e.up()).append(", \"signalled\": ")
                    .append(e.signalled()).append('}');
        }
        sb.append(events.isEmpty() ? "],\n" : "\n  ],\n");
        sb.append("  \"bottleneck_bps\": ").append(bottleneckBps).append(",\n");
        sb.append("  \"opportunistic\": ").append(opportunistic).append("\n}\n");
        return sb.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * Reads a spec written by {@link #toJson} (or by hand).
     *
     * @throws IllegalArgumentException saying which field is missing or wrong, and where
     */
    @SuppressWarnings("unchecked")
    public static SessionSpec fromJson(String text) {
        Object root = MiniJson.parse(text);
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a session spec is a JSON object");
        }
        Map<String, Object> o = (Map<String, Object>) m;
        List<PathSettings> paths = new ArrayList<>();
        Object ps = o.get("paths");
        if (!(ps instanceof List<?> list)) {
            throw new IllegalArgumentException("\"paths\" must be a list of paths");
        }
        int i = 0;
        for (Object x : list) {
            i++;
            if (!(x instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("paths[" + i + "] is not an object");
            }
            Map<String, Object> p = (Map<String, Object>) x;
            try {
                paths.add(new PathSettings(str(p, "name"), lng(p, "rate_bps"), lng(p, "delay_ns"), dbl(p, "loss"),
                        lng(p, "queue_bytes"), bool(p, "backup")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("paths[" + i + "]: " + e.getMessage(), e);
            }
        }
        Object t = o.get("traffic");
        if (!(t instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("\"traffic\" must be an object");
        }
        Map<String, Object> tm = (Map<String, Object>) t;
        TrafficSpec.Kind kind;
        try {
            kind = TrafficSpec.Kind.valueOf(str(tm, "kind").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("traffic.kind must be bulk or video");
        }
        TrafficSpec traffic = new TrafficSpec(kind, lng(tm, "bitrate_bps"), lng(tm, "chunk_ns"), lng(tm, "start_ns"));
        // Specs saved before scenarios existed have no scenario, events or bottleneck: none.
        List<PathEvent> events = new ArrayList<>();
        if (o.containsKey("events")) {
            if (!(o.get("events") instanceof List<?> el)) {
                throw new IllegalArgumentException("\"events\" must be a list of path events");
            }
            int k = 0;
            for (Object x : el) {
                k++;
                if (!(x instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("events[" + k + "] is not an object");
                }
                Map<String, Object> e = (Map<String, Object>) x;
                try {
                    long path = lng(e, "path");
                    if (path < 1 || path > paths.size()) {
                        throw new IllegalArgumentException("\"path\" must be 1 to " + paths.size() + ", not " + path);
                    }
                    events.add(new PathEvent(lng(e, "at_ns"), (int) path - 1, bool(e, "up"), bool(e, "signalled")));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("events[" + k + "]: " + ex.getMessage(), ex);
                }
            }
        }
        return new SessionSpec(paths, traffic, str(o, "cc"), str(o, "scheduler"), str(o, "pm"), lng(o, "seed"),
                bool(o, "single_path_tcp"), lng(o, "flap_period_ns"), lng(o, "flap_down_ns"),
                o.containsKey("scenario") ? str(o, "scenario") : "custom", events,
                o.containsKey("bottleneck_bps") ? lng(o, "bottleneck_bps") : 0,
                o.containsKey("opportunistic") && bool(o, "opportunistic"));
    }

    private static Object field(Map<String, Object> o, String k) {
        if (!o.containsKey(k)) {
            throw new IllegalArgumentException("\"" + k + "\" is missing");
        }
        return o.get(k);
    }

    private static String str(Map<String, Object> o, String k) {
        if (field(o, k) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("\"" + k + "\" must be a string");
    }

    private static long lng(Map<String, Object> o, String k) {
        if (field(o, k) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException("\"" + k + "\" must be a whole number");
    }

    private static double dbl(Map<String, Object> o, String k) {
        if (field(o, k) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("\"" + k + "\" must be a number");
    }

    private static boolean bool(Map<String, Object> o, String k) {
        if (field(o, k) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("\"" + k + "\" must be true or false");
    }
}

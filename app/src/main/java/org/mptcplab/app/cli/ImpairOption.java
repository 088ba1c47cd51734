package org.mptcplab.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mptcplab.app.live.PathImpairment;

/**
 * {@code --impair IF=SPEC} of {@code connect} and {@code listen}: delay, jitter and loss added by
 * our own backend on an interface, both ways (netem is not in these kernels), so that a veth can
 * look like a Wi-Fi or LTE path. SPEC is a preset ({@code wifi}, {@code lte}, {@code none}) or
 * {@code delay=TIME[,jitter=TIME][,loss=P]} (one way, each direction).
 */
final class ImpairOption {
    private ImpairOption() {
    }

    /** Parses every {@code IF=SPEC}; the interfaces must be among {@code ifaces}. */
    static Map<String, PathImpairment.Settings> parseAll(List<String> texts, List<String> ifaces) {
        Map<String, PathImpairment.Settings> out = new LinkedHashMap<>();
        for (String t : texts) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--impair '" + t + "': give IF=SPEC, e.g. mlc2=lte or mlc2=delay=30ms,loss=1%");
            }
            String name = t.substring(0, eq);
            if (!ifaces.contains(name)) {
                throw new IllegalArgumentException("--impair '" + t + "': " + name + " is not one of the interfaces in use "
                        + ifaces);
            }
            if (out.containsKey(name)) {
                throw new IllegalArgumentException("--impair '" + t + "': " + name + " is given twice");
            }
            try {
                out.put(name, parse(t.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--impair '" + t + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    static PathImpairment.Settings parse(String spec) {
        String s = spec.trim();
        if (!s.contains("=")) {
            return PathImpairment.Settings.preset(s);
        }
        long delay = 0;
        long jitter = 0;
        double loss = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String part : s.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.trim() : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (!seen.add(key)) {
                throw new IllegalArgumentException(key + " is given twice");
            }
            switch (key) {
                case "delay" -> delay = duration("delay", value);
                case "jitter" -> jitter = duration("jitter", value);
                case "loss" -> loss = SimulateCommand.parseProbability(value);
                default -> throw new IllegalArgumentException("unknown setting '" + key
                        + "' (use delay=TIME, jitter=TIME, loss=P, or a preset: wifi, lte, none)");
            }
        }
        return new PathImpairment.Settings(delay, jitter, loss);
    }

    private static long duration(String key, String value) {
        try {
            return SimulateCommand.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + value + "' " + e.getMessage(), e);
        }
    }
}

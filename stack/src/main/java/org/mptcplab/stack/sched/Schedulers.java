package org.mptcplab.stack.sched;

import java.util.List;

/** The schedulers by name, for the CLI, the UI and {@code MptcpStack.setScheduler(String)}. */
public final class Schedulers {
    /** Our policies' names; the first is the default. */
    public static final List<String> NAMES = List.of("minrtt", "roundrobin", "redundant", "blest", "ecf");

    private Schedulers() {
    }

    /** A new instance of the policy called {@code name} (case-insensitive). */
    public static Scheduler create(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "minrtt" -> new MinRtt();
            case "roundrobin" -> new RoundRobin();
            case "redundant" -> new Redundant();
            case "blest" -> new Blest();
            case "ecf" -> new Ecf();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "' (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}

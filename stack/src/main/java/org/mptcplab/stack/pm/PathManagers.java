package org.mptcplab.stack.pm;

import java.util.List;
import java.util.Locale;

/** The path managers by name, for the CLI, the UI and {@code StackConfig.withPathManager(String)}. */
public final class PathManagers {
    /** Our policies' names; the first is the default. "none" is also accepted, for "manual". */
    public static final List<String> NAMES = List.of("fullmesh", "ndiffports", "manual");

    /** Names accepted besides {@link #NAMES}: "none" means "manual" (the first subflow only). */
    public static final List<String> ALIASES = List.of("none");

    /** {@link #NAMES} and then {@link #ALIASES}: every name {@link #create} accepts. */
    public static final List<String> ACCEPTED = List.of("fullmesh", "ndiffports", "manual", "none");

    private PathManagers() {
    }

    /** The policy's canonical name ("none" gives "manual"); IllegalArgumentException listing the names otherwise. */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "fullmesh", "ndiffports", "manual" -> n;
            case "none" -> "manual";
            default -> throw new IllegalArgumentException("unknown path manager '" + name + "' (known: "
                    + String.join(", ", NAMES) + "; \"none\" is \"manual\")");
        };
    }

    /** The policy called {@code name} (case-insensitive), with N = {@link NDiffPorts#DEFAULT_N} for ndiffports. */
    public static PathManager create(String name) {
        return create(name, NDiffPorts.DEFAULT_N);
    }

    /** The policy called {@code name} (case-insensitive); {@code ndiffports} is its N (subflows in all). */
    public static PathManager create(String name, int ndiffports) {
        return switch (canonical(name)) {
            case "fullmesh" -> FullMesh.INSTANCE;
            case "ndiffports" -> new NDiffPorts(ndiffports);
            default -> Manual.INSTANCE;
        };
    }
}

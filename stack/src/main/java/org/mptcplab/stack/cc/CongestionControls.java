package org.mptcplab.stack.cc;

import java.util.List;

/** The congestion control algorithms by name, and a factory. */
public final class CongestionControls {
    /** Every name {@link #create} knows, in the order the UI lists them. */
    public static final List<String> NAMES = List.of("newreno", "reno", "cubic", "lia", "olia", "balia");

    private CongestionControls() {
    }

    /**
     * A new controller for a subflow of segment size {@code mss}. {@code coupling} lists the
     * connection's subflows for the coupled algorithms (lia, olia, balia) and is ignored by the
     * others.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     */
    public static CongestionControl create(String name, int mss, CongestionControl.Coupling coupling) {
        return switch (name) {
            case "newreno" -> new NewReno(mss, true);
            // Without HyStart: slow start runs until the first loss (RFC 5681 alone).
            case "reno" -> new NewReno(mss, false);
            case "cubic" -> new Cubic(mss);
            case "lia" -> new Lia(mss, coupling);
            case "olia" -> new Olia(mss, coupling);
            case "balia" -> new Balia(mss, coupling);
            default -> throw new IllegalArgumentException(unknown(name));
        };
    }

    /** Throws IllegalArgumentException unless {@code name} is known. */
    public static void check(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(unknown(name));
        }
    }

    private static String unknown(String name) {
        return "unknown congestion control '" + name + "' (known: " + String.join(", ", NAMES) + ")";
    }
}

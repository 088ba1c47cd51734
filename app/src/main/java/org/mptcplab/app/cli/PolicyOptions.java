package org.mptcplab.app.cli;

import java.util.List;
import org.mptcplab.stack.mptcp.StackConfig;
import picocli.CommandLine.Option;

/**
 * The policy options shared by {@code simulate}, {@code connect} and {@code listen}: congestion
 * control, packet scheduler and path manager, each checked against what the stack has, so a typo
 * says which values exist instead of running something else.
 */
public final class PolicyOptions {
    static final List<String> CONGESTION_CONTROLS = org.mptcplab.stack.cc.CongestionControls.NAMES;
    static final List<String> SCHEDULERS = org.mptcplab.stack.sched.Schedulers.NAMES;
    static final List<String> PATH_MANAGERS = org.mptcplab.stack.pm.PathManagers.NAMES;

    @Option(names = "--cc", paramLabel = "NAME", description = "congestion control of every subflow: newreno (RFC 5681/6582 "
            + "with HyStart's slow-start exit, the default), reno (the same without HyStart), cubic (RFC 9438), or coupled "
            + "across the connection's subflows: lia (RFC 6356), olia (Khalili et al.), balia (Peng et al.)")
    String cc = "newreno";

    @Option(names = "--scheduler", paramLabel = "NAME", description = "packet scheduler: minrtt (lowest smoothed RTT "
            + "with room in its window; backup subflows only when no other is usable; the default), roundrobin, redundant "
            + "(every chunk on every subflow), blest (Ferlin et al.) or ecf (Lim et al.), the last two waiting for the "
            + "fast subflow when the slow one would block the receiver")
    String scheduler = "minrtt";

    @Option(names = "--pm", paramLabel = "NAME", description = "path manager: fullmesh (announce extra addresses, join "
            + "from every local address to every known peer address; the default), ndiffports (--ndiffports subflows "
            + "over the first path, each from its own port; announces nothing) or manual (alias none: the first subflow "
            + "only, more only by hand)")
    String pm = "fullmesh";

    @Option(names = "--ndiffports", paramLabel = "N", description = "subflows in all, the first included, that "
            + "--pm ndiffports keeps open (default: ${DEFAULT-VALUE})")
    int ndiffports = org.mptcplab.stack.pm.NDiffPorts.DEFAULT_N;

    /** Adds a message per unknown value. */
    void validate(List<String> problems) {
        check("--cc", cc, CONGESTION_CONTROLS, CONGESTION_CONTROLS, problems);
        check("--scheduler", scheduler, SCHEDULERS, SCHEDULERS, problems);
        // "none" is accepted too (the same as "manual"), not listed.
        check("--pm", pm, PATH_MANAGERS, org.mptcplab.stack.pm.PathManagers.ACCEPTED, problems);
        if (ndiffports < 1) {
            problems.add("--ndiffports " + ndiffports + ": at least 1");
        }
    }

    private static void check(String option, String value, List<String> known, List<String> accepted,
                              List<String> problems) {
        if (!accepted.contains(value)) {
            problems.add(option + " '" + value + "': unknown (known: " + String.join(", ", known) + ")");
        }
    }

    /** The configuration with these policies. */
    StackConfig apply(StackConfig c) {
        return c.withCongestionControl(cc).withScheduler(scheduler).withPathManager(pm).withNdiffports(ndiffports);
    }
}

package org.mptcplab.app.cli;

import java.util.List;
import org.mptcplab.stack.mptcp.StackConfig;
import picocli.CommandLine.Option;

/**
 * The policy options shared by {@code simulate}, {@code connect} and {@code listen}: congestion
 * control, packet scheduler and path manager, each checked against what the stack has, so a typo
 * says which values exist instead of running something else; the path manager's limits in the
 * kernel's terms ({@code ip mptcp limits set}), and whether peers may join the first address (the
 * C flag, Linux's {@code net.mptcp.allow_join_initial_addr_port}).
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

    @Option(names = "--limits", paramLabel = "subflows=N,add_addr_accepted=M", description = "the path manager's "
            + "limits per connection, as Linux's `ip mptcp limits set` (either key may be left out, 0 to 8): subflows, the "
            + "most subflows besides the first, opened or accepted (a join beyond it is not opened, or refused with "
            + "MP_TCPRST); add_addr_accepted, the most peer announcements used (one beyond it is echoed, not joined). "
            + "Default subflows=7,add_addr_accepted=8 (Linux's defaults are 2 and 0)")
    String limits;

    @Option(names = "--no-join-initial", description = "no join to this host's first address and port: its MP_CAPABLE "
            + "sets the C flag (RFC 8684 3.1) and such joins are refused; the peer joins the addresses announced (Linux: "
            + "sysctl net.mptcp.allow_join_initial_addr_port=0)")
    boolean noJoinInitial;

    @Option(names = "--opportunistic", description = "opportunistic retransmission and penalisation (Raiciu et al., "
            + "NSDI 2012): when the receive window stops sending, the segment holding it up goes again on a subflow "
            + "with room and the slow subflow's window is halved; off by default, as in Linux upstream")
    boolean opportunistic;

    /** The limits' keys, as {@code ip mptcp limits set} spells them. */
    static final List<String> LIMIT_KEYS = StackConfig.LIMIT_NAMES;

    /**
     * {@code subflows=N,add_addr_accepted=M}, either key optional, each 0 to {@link StackConfig#LIMIT_MAX}:
     * the values by key (only those given); the message names the option and the valid keys.
     */
    static java.util.Map<String, Integer> parseLimits(String text) {
        String keys = "valid keys: " + String.join(", ", LIMIT_KEYS);
        String quoted = "--limits '" + text + "'";
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        if (text.isBlank()) {
            throw new IllegalArgumentException(quoted + ": expected KEY=N[,KEY=N] (" + keys + ")");
        }
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(quoted + ": '" + part + "' is not KEY=N (" + keys + ")");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (!LIMIT_KEYS.contains(key)) {
                throw new IllegalArgumentException(quoted + ": unknown key '" + key + "' (" + keys + ")");
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException(quoted + ": " + key + " is given twice");
            }
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(quoted + ": " + key + " '" + value + "' is not a number (0 to "
                        + StackConfig.LIMIT_MAX + ")");
            }
            if (n < 0) {
                throw new IllegalArgumentException(quoted + ": " + key + " " + n + " is negative (0 to "
                        + StackConfig.LIMIT_MAX + ")");
            }
            if (n > StackConfig.LIMIT_MAX) {
                throw new IllegalArgumentException(quoted + ": " + key + " " + n + " is more than "
                        + StackConfig.LIMIT_MAX + ", the kernel's maximum (MPTCP_PM_ADDR_MAX)");
            }
            out.put(key, n);
        }
        return out;
    }

    /** Adds a message per unknown value. */
    void validate(List<String> problems) {
        check("--cc", cc, CONGESTION_CONTROLS, CONGESTION_CONTROLS, problems);
        check("--scheduler", scheduler, SCHEDULERS, SCHEDULERS, problems);
        // "none" is accepted too (the same as "manual"), not listed.
        check("--pm", pm, PATH_MANAGERS, org.mptcplab.stack.pm.PathManagers.ACCEPTED, problems);
        if (ndiffports < 1) {
            problems.add("--ndiffports " + ndiffports + ": at least 1");
        }
        if (limits != null) {
            try {
                parseLimits(limits);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
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
        StackConfig out = c.withCongestionControl(cc).withScheduler(scheduler).withPathManager(pm).withNdiffports(ndiffports);
        if (limits != null) {
            java.util.Map<String, Integer> l = parseLimits(limits);
            out = out.withLimits(l.getOrDefault("subflows", out.subflowsLimit()),
                    l.getOrDefault("add_addr_accepted", out.addAddrAcceptedLimit()));
        }
        if (opportunistic) {
            out = out.withOpportunisticRetransmission(true);
        }
        return noJoinInitial ? out.withAllowJoinInitialAddress(false) : out;
    }
}

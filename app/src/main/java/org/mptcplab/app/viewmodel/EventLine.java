package org.mptcplab.app.viewmodel;

import java.util.List;
import java.util.Locale;

import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;

/**
 * One line of the event log, in words: when, which flow, what happened.
 *
 * @param tNanos     virtual time of the event
 * @param flow       "network", "MPTCP" or the comparison flow's name
 * @param kind       the stack's event kind (or the network's)
 * @param text       the sentence shown
 * @param highlight  path changes and data-level recovery: what a presenter points at
 */
public record EventLine(long tNanos, String flow, String kind, String text, boolean highlight, String foldKey,
                        int repeats, long firstNanos) {

    public EventLine(long tNanos, String flow, String kind, String text, boolean highlight) {
        this(tNanos, flow, kind, text, highlight, null, 1, tNanos);
    }

    /**
     * Whether {@code later} repeats this line and is shown as one line with it: a subflow whose path
     * died times out again and again (RFC 6298 5.5 doubles the timer each time), and one line per
     * timeout would push the story (the path going down, the reinjection, the rejoin) out of sight.
     */
    boolean foldsWith(EventLine later) {
        return foldKey != null && foldKey.equals(later.foldKey);
    }

    /** This line and {@code later} as one: the later one's time and words, with the count since the first. */
    EventLine fold(EventLine later) {
        int n = repeats + 1;
        String text = later.text + String.format(Locale.ROOT, kind.equals("RTO") ? " (%d in a row since %.3f s)"
                : " (%d times since %.3f s)", n, firstNanos / 1e9);
        return new EventLine(later.tNanos, later.flow, later.kind, text, later.highlight, foldKey, n, firstNanos);
    }

    /** The time column: seconds with milliseconds. */
    public String time() {
        return String.format(Locale.ROOT, "%8.3f s", tNanos / 1e9);
    }

    @Override
    public String toString() {
        return time() + "  " + flow + "  " + text;
    }

    /** Puts a stack or network event in words; subflow ids are followed by their path's name where known. */
    static EventLine of(Samples.Event e, List<String> flowNames, List<String> pathNames, Session.State st) {
        String flow = e.flow() < 0 ? "network" : e.flow() < flowNames.size() ? flowNames.get(e.flow()) : "flow " + e.flow();
        String who = e.host();
        String sub = e.subflowId() < 0 ? "" : "subflow " + e.subflowId() + pathOf(e, pathNames, st);
        String d = e.detail() == null ? "" : e.detail();
        boolean hi = false;
        String text = switch (e.kind()) {
            case "POLICY" -> {
                hi = true;
                yield d;
            }
            case "SCHEDULER" -> {
                // Data moving onto a backup and back, and where reinjected data goes: the story of a
                // path change, which a presenter points at (as the reinjection line itself).
                hi = d.startsWith("backup subflow") || d.startsWith("back to regular") || d.startsWith("reinjected data goes out");
                yield who + ": " + withPaths(d, e, pathNames, st);
            }
            case "PATH_DOWN", "PATH_BLACKHOLE", "PATH_UP", "LINK_CHANGED", "BACKUP_ON", "BACKUP_OFF" -> {
                hi = !e.kind().equals("LINK_CHANGED");
                yield d;
            }
            case "MP_CAPABLE" -> who + ": MPTCP connection up (MP_CAPABLE), " + d.replace("MP_CAPABLE established as " + who + ": ", "");
            case "FALLBACK" -> who + ": " + d;
            case "SUBFLOW_ESTABLISHED" -> who + ": first " + d;
            case "JOIN" -> {
                hi = true;
                yield who + ": new " + sub + " joined (MP_JOIN), " + d.replace("join ", "");
            }
            case "ADD_ADDR" -> who + ": " + d + " (ADD_ADDR)";
            case "PATH_MANAGER" -> who + ": path manager " + d;
            case "REMOVE_ADDR" -> {
                hi = true;
                yield who + ": " + d + " (REMOVE_ADDR)";
            }
            case "REINJECTION" -> {
                hi = true;
                // A data-level retransmission timeout names no subflow: its words are complete.
                yield e.subflowId() < 0 ? who + ": " + d
                        : who + ": " + d.replace("reinjecting", "reinjects") + pathOf(e, pathNames, st)
                                + " onto the other subflows (data level)";
            }
            case "RTO" -> who + ": retransmission timeout on " + sub + ", " + d.replace("RTO ", "timer ");
            case "FAST_RETRANSMIT" -> who + ": fast retransmit on " + sub;
            case "MP_PRIO" -> {
                hi = true;
                yield who + ": " + d + " (MP_PRIO)";
            }
            case "SUBFLOW_CLOSED", "SUBFLOW_RESET" -> who + ": " + sub + " " + d.replaceFirst("^subflow \\d+ ", "");
            // A replayed capture's own kinds (ReplayIndex): what the analyzer saw on the wire.
            case "REINJECTED" -> {
                hi = true;
                yield who + ": " + withPaths(d, e, pathNames, st);
            }
            case "RETRANSMIT", "ADD_ADDR_ECHO", "DATA_FIN" -> who + ": " + withPaths(d, e, pathNames, st);
            case "STALL" -> {
                hi = true;
                yield "data level: " + d;
            }
            default -> who + ": " + e.kind().toLowerCase(Locale.ROOT).replace('_', ' ') + (d.isEmpty() ? "" : ", " + d);
        };
        // A subflow's repeated timeouts fold into one line, and so do its fast retransmits: over a
        // shared bottleneck (drop-tail) every subflow halves its window every few seconds, routine
        // that would otherwise bury the rest of the story.
        String fold = e.kind().equals("RTO") || e.kind().equals("FAST_RETRANSMIT") || e.kind().equals("RETRANSMIT")
                ? flow + "/" + who + "/" + e.subflowId() + "/" + e.kind()
                // BLEST or ECF holding data back again (a new episode, at most every 10 s): one line that counts.
                : e.kind().equals("SCHEDULER") && d.contains(" holds data for ") ? flow + "/" + who + "/" + e.subflowId() + "/HOLD"
                : null;
        return new EventLine(e.t(), flow, e.kind(), text, hi, fold, 1, e.t());
    }

    private static final java.util.regex.Pattern SUBFLOW = java.util.regex.Pattern.compile("subflow (\\d+)");

    /** Each "subflow N" of the MPTCP flow's {@code d} followed by its path's name, as the other lines say it. */
    static String withPaths(String d, Samples.Event e, List<String> pathNames, Session.State st) {
        if (e.flow() != 0 || st == null || st.flows().isEmpty()) {
            return d;
        }
        java.util.regex.Matcher m = SUBFLOW.matcher(d);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int id = Integer.parseInt(m.group(1));
            String path = st.flows().get(0).subflows().stream().filter(sf -> sf.id() == id).findFirst()
                    .filter(sf -> sf.iface() >= 0 && sf.iface() < pathNames.size())
                    .map(sf -> " (" + pathNames.get(sf.iface()) + ")").orElse("");
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(m.group() + path));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String pathOf(Samples.Event e, List<String> pathNames, Session.State st) {
        if (e.flow() != 0 || e.subflowId() < 0 || st == null || st.flows().isEmpty()) {
            return "";
        }
        return st.flows().get(0).subflows().stream().filter(sf -> sf.id() == e.subflowId()).findFirst()
                .filter(sf -> sf.iface() >= 0 && sf.iface() < pathNames.size())
                .map(sf -> " (" + pathNames.get(sf.iface()) + ")").orElse("");
    }
}

package org.mptcplab.app.viewmodel;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import org.mptcplab.app.session.PathSettings;
import org.mptcplab.app.session.Session;
import org.mptcplab.stack.emu.LinkConfig;
import org.mptcplab.stack.mptcp.SubflowSnapshot;

/**
 * One path of the running session as its control card shows it: status, settings as text, the
 * error of each field, and the commands. Plain Java (javafx.beans only); the session is asked for
 * through a supplier because a restart replaces it.
 */
public final class PathViewModel {
    /** A setting of the path that a field edits. */
    public enum Field { RATE, DELAY, LOSS, QUEUE }

    private final int index;
    private final Supplier<Session> session;
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name", "");
    private final ReadOnlyObjectWrapper<Session.PathStatus> status =
            new ReadOnlyObjectWrapper<>(this, "status", Session.PathStatus.UP);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText", "");
    private final ReadOnlyBooleanWrapper backup = new ReadOnlyBooleanWrapper(this, "backup");
    private final ReadOnlyStringWrapper throughput = new ReadOnlyStringWrapper(this, "throughput", "");
    private final ReadOnlyStringWrapper subflows = new ReadOnlyStringWrapper(this, "subflows", "");
    private final ReadOnlyStringWrapper scheduling = new ReadOnlyStringWrapper(this, "scheduling", "");
    private final java.util.EnumMap<Field, ReadOnlyStringWrapper> text = new java.util.EnumMap<>(Field.class);
    private final java.util.EnumMap<Field, ReadOnlyStringWrapper> error = new java.util.EnumMap<>(Field.class);
    private PathSettings settings;

    public PathViewModel(int index, Supplier<Session> session) {
        this.index = index;
        this.session = Objects.requireNonNull(session, "session");
        for (Field f : Field.values()) {
            text.put(f, new ReadOnlyStringWrapper(this, f.name().toLowerCase() + "Text", ""));
            error.put(f, new ReadOnlyStringWrapper(this, f.name().toLowerCase() + "Error", ""));
        }
    }

    public int index() {
        return index;
    }

    /** Keyboard key that toggles this path (1 for the first). */
    public String key() {
        return String.valueOf(index + 1);
    }

    /** Takes the session's state for this path (once a frame), without the scheduler's recent decisions. */
    void update(Session.PathState p, List<SubflowSnapshot> mptcpSubflows) {
        update(p, mptcpSubflows, java.util.Map.of());
    }

    /**
     * Takes the session's state for this path (once a frame); {@code recent}: the scheduler's
     * decisions per subflow id in the last second ({@link SchedulingWindow}).
     */
    void update(Session.PathState p, List<SubflowSnapshot> mptcpSubflows,
                java.util.Map<Integer, org.mptcplab.stack.sched.SchedulingCounts> recent) {
        name.set(p.settings().name());
        status.set(p.status());
        statusText.set(switch (p.status()) {
            case UP -> "up";
            case DOWN_SIGNALLED -> "down (link down)";
            case DOWN_SILENT -> "black hole (silent)";
            case CLOSED -> "every subflow closed";
        });
        backup.set(p.settings().backup());
        throughput.set(p.status() == Session.PathStatus.UP ? Format.bps(p.sentBps()) : "no traffic");
        if (!p.settings().equals(settings)) {
            settings = p.settings();
            text.get(Field.RATE).set(rateText(settings.rateBps()));
            text.get(Field.DELAY).set(timeText(settings.delayNanos()));
            text.get(Field.LOSS).set(lossText(settings.loss()));
            text.get(Field.QUEUE).set(settings.queueBytes() == 0 ? "auto" : sizeText(settings.queueBytes()));
        }
        StringBuilder sb = new StringBuilder();
        for (SubflowSnapshot sf : mptcpSubflows) {
            if (sf.iface() == index) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append("subflow ").append(sf.id()).append(' ').append(SubflowWords.state(sf));
                // A coupled controller's state is what makes it coupled (RFC 6356 alpha): shown; in
                // the live lab the sender is the kernel, whose controller is named.
                if (sf.congestion() != null && (sf.congestion().indexOf('=') > 0 || sf.congestion().startsWith("kernel "))
                        && sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED) {
                    // The name and the first variable (alpha for the coupled ones): a card is narrow.
                    String c = sf.congestion();
                    int second = c.indexOf(' ', c.indexOf(' ') + 1);
                    sb.append(" (").append(second > 0 ? c.substring(0, second) : c).append(')');
                }
            }
        }
        subflows.set(sb.length() == 0 ? "no subflow" : sb.toString());
        // The words change with the scheduler's window (once a second) or the subflows' states.
        int working = 0;
        for (SubflowSnapshot sf : mptcpSubflows) {
            working = working * 31 + (sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED ? sf.id() + 1 : 0);
        }
        if (recent != schedulingFrom || working != schedulingWorking) {
            schedulingFrom = recent;
            schedulingWorking = working;
            scheduling.set(schedulingText(index, mptcpSubflows, recent));
        }
    }

    /** What {@link #scheduling} was last computed from. */
    private java.util.Map<Integer, org.mptcplab.stack.sched.SchedulingCounts> schedulingFrom;
    private int schedulingWorking;

    /**
     * What the scheduler does with this path's subflows now, in words: the share of the chunks it
     * put on each lately and the main reason ("carries 67% of chunks: lowest RTT"), or why one
     * carries none (a backup while a regular subflow works; BLEST or ECF holding data back for a
     * faster one). Shares are of the chunks the established subflows carried. Empty while nothing
     * is sent, and where the sender is not our stack.
     */
    static String schedulingText(int path, List<SubflowSnapshot> subflows,
                                 java.util.Map<Integer, org.mptcplab.stack.sched.SchedulingCounts> recent) {
        // Shares among the subflows that work now: right after a path fails, the survivor carries
        // everything, whatever the failed one carried a second before.
        long all = 0;
        int here = 0;
        for (SubflowSnapshot sf : subflows) {
            if (sf.state() != org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED) {
                continue;
            }
            var c = recent.get(sf.id());
            all += c == null ? 0 : c.carried();
            if (sf.iface() == path) {
                here++;
            }
        }
        if (all == 0 || here == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (SubflowSnapshot sf : subflows) {
            if (sf.iface() != path || sf.state() != org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED) {
                continue;
            }
            var c = recent.getOrDefault(sf.id(), org.mptcplab.stack.sched.SchedulingCounts.NONE);
            if (sb.length() > 0) {
                sb.append("; ");
            }
            if (here > 1) {
                sb.append("subflow ").append(sf.id()).append(' ');
            }
            if (c.carried() > 0) {
                // In steps of 5%: a share that wobbles by a point a second would change the text, and
                // relay the cards out, every second (with 8 paths, the p99 frame went 33 -> 39 ms).
                long pct = Math.round(20.0 * c.carried() / all) * 5;
                sb.append("carries ").append(pct == 0 ? "<5" : Long.toString(pct)).append("% of chunks: ")
                        .append(c.main().words());
            } else if (c.heldBack() > 0) {
                var held = c.get(org.mptcplab.stack.sched.SchedulingReason.ECF_WAIT_FOR_FASTER) > 0
                        ? org.mptcplab.stack.sched.SchedulingReason.ECF_WAIT_FOR_FASTER
                        : org.mptcplab.stack.sched.SchedulingReason.BLEST_WOULD_BLOCK;
                sb.append("no chunks: ").append(held.words());
            } else if (sf.backup()) {
                sb.append("no chunks: a backup, and a regular subflow works");
            } else {
                sb.append("no chunks lately");
            }
        }
        return sb.toString();
    }

    /** The scheduler's recent decisions on this path in words (see {@link #schedulingText}); empty when there is nothing to say. */
    public ReadOnlyStringProperty schedulingProperty() {
        return scheduling.getReadOnlyProperty();
    }

    // ------------------------------------------------------------------ commands

    /** One click: an up path goes down (signalled, as when a WiFi link drops); a down one comes back. */
    public void toggle() {
        if (status.get() == Session.PathStatus.UP) {
            session.get().pathDown(index, false);
        } else {
            session.get().pathUp(index);
        }
    }

    /** A silent failure: packets vanish and nobody is told (RTO must find out). */
    public void blackHole() {
        if (status.get() == Session.PathStatus.UP) {
            session.get().pathDown(index, true);
        } else {
            session.get().pathUp(index);
        }
    }

    /** One more subflow on this path by hand (MP_JOIN); the answer (or why not) comes to {@code say}. */
    public void addSubflow(java.util.function.Consumer<String> say) {
        answer(session.get().addSubflow(index), say);
    }

    /** The newest subflow on this path closed by hand; the answer comes to {@code say}. */
    public void removeSubflow(java.util.function.Consumer<String> say) {
        answer(session.get().removeSubflow(index), say);
    }

    private void answer(java.util.concurrent.CompletableFuture<String> f, java.util.function.Consumer<String> say) {
        f.whenComplete((done, failed) -> say.accept(failed == null ? capitalised(done)
                : "Cannot: " + (failed instanceof java.util.concurrent.CompletionException && failed.getCause() != null
                        ? failed.getCause().getMessage() : failed.getMessage())));
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public void setBackup(boolean on) {
        if (on != backup.get()) {
            session.get().setBackup(index, on);
            backup.set(on);
        }
    }

    /**
     * Applies the text of one field. A bad value is refused: the path keeps its setting and
     * {@link #errorProperty} says what is wrong and what is expected.
     *
     * @return whether the value was taken
     */
    public boolean apply(Field field, String value) {
        PathSettings now = settings;
        if (now == null) {
            return false;
        }
        PathSettings next;
        try {
            String v = value == null ? "" : value.trim();
            next = switch (field) {
                case RATE -> now.withRate(v.equalsIgnoreCase("unlimited") ? 0 : parse("rate", v).rateBitsPerSecond());
                case DELAY -> now.withDelay(parse("delay", v).delayNanos());
                case LOSS -> now.withLoss(parse("loss", v).lossProbability());
                case QUEUE -> now.withQueue(v.equalsIgnoreCase("auto") ? 0 : parse("queue", v).queueBytes());
            };
        } catch (IllegalArgumentException e) {
            error.get(field).set(e.getMessage());
            return false;
        }
        error.get(field).set("");
        if (!next.equals(now)) {
            session.get().setLink(index, next);
            settings = next;
            text.get(Field.RATE).set(rateText(next.rateBps()));
            text.get(Field.DELAY).set(timeText(next.delayNanos()));
            text.get(Field.LOSS).set(lossText(next.loss()));
            text.get(Field.QUEUE).set(next.queueBytes() == 0 ? "auto" : sizeText(next.queueBytes()));
        }
        return true;
    }

    /** Parses one setting with the CLI's grammar and says what is expected, without the grammar's prefix. */
    private static LinkConfig parse(String key, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(switch (key) {
                case "rate" -> "write a rate, e.g. 20mbit, or unlimited";
                case "delay" -> "write a one-way delay, e.g. 10ms";
                case "loss" -> "write a loss rate, e.g. 1% or 0";
                default -> "write a queue size, e.g. 64kb, or auto";
            });
        }
        if (value.contains(",") || value.contains("=")) {
            throw new IllegalArgumentException("one value only, e.g. " + example(key));
        }
        try {
            return LinkConfig.parse(key.equals("rate") ? value : "unlimited," + (key.equals("delay") ? value : "0ms," + key + "=" + value));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int cut = m.indexOf("': ");
            return fail(cut >= 0 ? m.substring(cut + 3) : m);
        }
    }

    private static LinkConfig fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private static String example(String key) {
        return switch (key) {
            case "rate" -> "20mbit";
            case "delay" -> "10ms";
            case "loss" -> "1%";
            default -> "64kb";
        };
    }

    static String rateText(long bps) {
        return bps == 0 ? "unlimited" : new LinkConfig(bps, 0, 0, 0, 0).toSpec();
    }

    static String timeText(long nanos) {
        String s = new LinkConfig(0, nanos, 0, 0, 1).toSpec();
        // "unlimited,10ms,queue=1b": the delay is the second item.
        return s.split(",")[1];
    }

    static String lossText(double p) {
        if (p == 0) {
            return "0%";
        }
        String s = new LinkConfig(0, 0, 0, p, 0).toSpec();
        return s.substring(s.indexOf("loss=") + 5);
    }

    static String sizeText(long bytes) {
        String s = new LinkConfig(0, 0, 0, 0, bytes).toSpec();
        return s.substring(s.indexOf("queue=") + 6);
    }

    // ------------------------------------------------------------------ properties

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Session.PathStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public Session.PathStatus getStatus() {
        return status.get();
    }

    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty backupProperty() {
        return backup.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty throughputProperty() {
        return throughput.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty subflowsProperty() {
        return subflows.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty textProperty(Field f) {
        return text.get(f).getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty(Field f) {
        return error.get(f).getReadOnlyProperty();
    }
}

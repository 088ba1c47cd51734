package org.mptcplab.app.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mptcplab.app.live.FrameDevice;
import org.mptcplab.app.live.LinkWatcher;
import org.mptcplab.app.live.LiveDeviceException;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.stack.mptcp.MptcpSocket;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.SubflowSnapshot;

/**
 * Path changes of a live run, scripted ({@code --path-down}, {@code --path-up}, {@code --backup})
 * or seen on the links ({@link LinkWatcher}), applied to the stack on the runner's thread:
 * <ul>
 * <li>down: {@link MptcpStack#removeAddress}: the peer hears REMOVE_ADDR (RFC 8684 3.4.2) on a
 * subflow that stays, the subflows on that address close and what they had in flight is sent
 * again on the others;</li>
 * <li>up: {@link MptcpStack#restoreAddress}: as a client we join from it again (3.2), as a
 * server we announce it again (ADD_ADDR, 3.4.1);</li>
 * <li>backup: from the start, joins from that interface carry the B flag (3.2); at a time, MP_PRIO
 * on the subflows already there (3.3.8).</li>
 * </ul>
 * Times count from the moment the connection is established (MP_CAPABLE done), so that the JVM's
 * start and the handshake do not shift them.
 */
final class PathControl implements LinkWatcher.Listener {
    enum Kind { DOWN, UP, BACKUP }

    /** One scripted change; {@code atNanos} is -1 for a backup that holds from the start. */
    record Action(Kind kind, String iface, long atNanos) {
    }

    /** What happened, for the report. */
    record Entry(long timeNanos, String iface, String action, String cause, String detail) {
    }

    /**
     * Parses {@code IF@TIME} ({@code --path-down}, {@code --path-up}) or {@code IF[@TIME]}
     * ({@code --backup}); the message names the option, the value and what is wrong.
     */
    static Action parse(Kind kind, String text) {
        String option = option(kind);
        int at = text.lastIndexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_.:-]{1,15}")) {
            throw new IllegalArgumentException(option + " '" + text + "': '" + name + "' is not an interface name"
                    + " (expected " + (kind == Kind.BACKUP ? "IF or IF@TIME" : "IF@TIME") + ", e.g. mlc2@1.5s)");
        }
        if (at < 0) {
            if (kind != Kind.BACKUP) {
                throw new IllegalArgumentException(option + " '" + text + "': expected IF@TIME, e.g. " + name + "@1.5s");
            }
            return new Action(kind, name, -1);
        }
        String time = text.substring(at + 1);
        try {
            return new Action(kind, name, SimulateCommand.parseDuration(time));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + text + "': the time '" + time + "' " + e.getMessage(), e);
        }
    }

    /** Parses and validates the three options together against the interfaces in use. */
    static List<Action> parseAll(List<String> down, List<String> up, List<String> backup, List<String> ifaces) {
        List<Action> all = new ArrayList<>();
        down.forEach(t -> all.add(parse(Kind.DOWN, t)));
        up.forEach(t -> all.add(parse(Kind.UP, t)));
        backup.forEach(t -> all.add(parse(Kind.BACKUP, t)));
        validate(all, ifaces);
        return all;
    }

    static String option(Kind kind) {
        return switch (kind) {
            case DOWN -> "--path-down";
            case UP -> "--path-up";
            case BACKUP -> "--backup";
        };
    }

    /**
     * Checks the script against the interfaces in use: each names one of them, an interface goes
     * down only while up and comes up only after it went down, and not every interface is taken
     * away at once at the start.
     */
    static void validate(List<Action> actions, List<String> ifaces) {
        Set<String> known = Set.copyOf(ifaces);
        for (Action a : actions) {
            if (!known.contains(a.iface())) {
                throw new IllegalArgumentException(option(a.kind()) + " " + a.iface() + (a.atNanos() >= 0 ? "@..." : "")
                        + ": no interface " + a.iface() + " among those in use (" + String.join(", ", ifaces) + ")");
            }
        }
        List<Action> timed = new ArrayList<>(actions.stream().filter(a -> a.kind() != Kind.BACKUP).toList());
        timed.sort(Comparator.comparingLong(Action::atNanos));
        Map<String, Boolean> up = new HashMap<>();
        for (Action a : timed) {
            boolean isUp = up.getOrDefault(a.iface(), true);
            if (a.kind() == Kind.DOWN && !isUp) {
                throw new IllegalArgumentException("--path-down " + a.iface() + "@" + seconds(a.atNanos()) + ": "
                        + a.iface() + " is down already then (give a --path-up in between)");
            }
            if (a.kind() == Kind.UP && isUp) {
                throw new IllegalArgumentException("--path-up " + a.iface() + "@" + seconds(a.atNanos()) + ": "
                        + a.iface() + " is not down then (give an earlier --path-down)");
            }
            up.put(a.iface(), a.kind() == Kind.UP);
        }
    }

    private static String seconds(long nanos) {
        return SimulateCommand.decimal(nanos / 1e9, 3) + "s";
    }

    private final MptcpStack stack;
    private final LiveRunner runner;
    private final List<Action> actions;
    private final Map<String, Integer> ifaceIndex = new LinkedHashMap<>();
    private final Map<Integer, String> ifaceName = new LinkedHashMap<>();
    private final Map<Integer, Integer> addressId = new HashMap<>();
    private final Map<Integer, Boolean> removed = new HashMap<>();
    private final Function<String, FrameDevice> reopen;
    private final List<Entry> log = new ArrayList<>();
    private MptcpSocket socket;

    /**
     * @param names  interface names by the link layer's index (the order of {@code --iface})
     * @param reopen opens a fresh device for an interface whose link came back (a pcap handle's
     *               receive loop ends when its link goes down), or null to keep the devices
     */
    PathControl(MptcpStack stack, LiveRunner runner, List<String> names, List<Action> actions,
                Function<String, FrameDevice> reopen) {
        this.stack = stack;
        this.runner = runner;
        this.actions = List.copyOf(actions);
        this.reopen = reopen;
        List<MptcpStack.Address> addrs = stack.addresses();
        for (int i = 0; i < names.size(); i++) {
            ifaceIndex.put(names.get(i), i);
            ifaceName.put(i, names.get(i));
            for (MptcpStack.Address a : addrs) {
                if (a.iface() == i) {
                    addressId.put(i, stack.addressId(a.address()));
                }
            }
        }
        // Backups from the start: before any join is opened.
        for (Action a : this.actions) {
            if (a.kind() == Kind.BACKUP && a.atNanos() < 0) {
                stack.setAddressBackup(addressId.get(ifaceIndex.get(a.iface())), true);
            }
        }
    }

    /** The interfaces' names by index, for a {@link LinkWatcher}. */
    Map<Integer, String> names() {
        return ifaceName;
    }

    /** Call on the runner's thread when the connection is established: the script's clock starts. */
    void connected(long now, MptcpSocket s) {
        socket = s;
        for (Action a : actions) {
            if (a.kind() == Kind.BACKUP && a.atNanos() < 0) {
                // MP_CAPABLE has no backup flag: if the first subflow leaves from a backup interface, MP_PRIO says so.
                for (SubflowSnapshot f : s.snapshot().subflows()) {
                    if (f.iface() == ifaceIndex.get(a.iface())) {
                        s.setBackup(now, f.id(), true);
                        log.add(new Entry(now, a.iface(), "backup", "option", "MP_PRIO on subflow " + f.id()
                                + " (the first subflow has no B flag)"));
                    }
                }
                continue;
            }
            int iface = ifaceIndex.get(a.iface());
            runner.schedule(now + a.atNanos(), () -> {
                long t = runner.now();
                switch (a.kind()) {
                    case DOWN -> down(t, iface, "option");
                    case UP -> up(t, iface, "option");
                    case BACKUP -> backup(t, iface);
                }
            });
        }
    }

    void down(long now, int iface, String cause) {
        Integer id = addressId.get(iface);
        if (id == null || removed.getOrDefault(iface, false)) {
            return;
        }
        removed.put(iface, true);
        stack.run(now, () -> stack.removeAddress(now, id));
        log.add(new Entry(now, ifaceName.get(iface), "down", cause, "address " + id + " removed (REMOVE_ADDR)"));
    }

    void up(long now, int iface, String cause) {
        Integer id = addressId.get(iface);
        String detail = "";
        if (reopen != null && cause.equals("link")) {
            try {
                long t0 = System.nanoTime();
                runner.replaceDevice(iface, reopen.apply(ifaceName.get(iface)));
                detail = "device reopened in " + (System.nanoTime() - t0) / 1_000_000 + " ms; ";
                runner.link().announce();
            } catch (RuntimeException e) {
                log.add(new Entry(now, ifaceName.get(iface), "up", cause, "cannot reopen the device: " + e.getMessage()));
                return;
            }
        }
        if (id == null || !removed.getOrDefault(iface, false)) {
            return;
        }
        removed.put(iface, false);
        stack.run(now, () -> stack.restoreAddress(now, id));
        log.add(new Entry(now, ifaceName.get(iface), "up", cause, detail + "address " + id + " restored"));
    }

    void backup(long now, int iface) {
        if (socket == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (SubflowSnapshot f : socket.snapshot().subflows()) {
            if (f.iface() == iface && f.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED) {
                stack.run(now, () -> socket.setBackup(now, f.id(), true));
                sb.append(sb.length() == 0 ? "" : "; ").append("MP_PRIO on subflow ").append(f.id())
                        .append(" after ").append(f.bytesSent()).append(" bytes sent");
            }
        }
        log.add(new Entry(now, ifaceName.get(iface), "backup", "option", sb.length() == 0 ? "no subflow there" : sb.toString()));
    }

    @Override
    public void linkChanged(int iface, String name, boolean isUp) {
        long now = runner.now();
        log.add(new Entry(now, name, isUp ? "link up" : "link down", "link", "seen by the link watcher"));
        if (isUp) {
            up(now, iface, "link");
        } else {
            down(now, iface, "link");
        }
    }

    /** Writes {@code "path_events": [...]} (the log of path changes) into an open JSON object. */
    static void writeJson(SimulateCommand.JsonWriter j, List<Entry> log) {
        j.name("path_events").beginArray();
        for (Entry e : log) {
            j.beginObject();
            j.name("time_s").raw(SimulateCommand.decimal(e.timeNanos() / 1e9, 6));
            j.name("interface").value(e.iface());
            j.name("action").value(e.action());
            j.name("cause").value(e.cause());
            j.name("detail").value(e.detail());
            j.endObject();
        }
        j.endArray();
    }

    /** Read on the runner's thread. */
    List<Entry> log() {
        return new ArrayList<>(log);
    }

    /** A device opener for {@code reopen}: {@link org.mptcplab.app.live.PcapDevice#open} as an unchecked call. */
    static FrameDevice openPcap(String name) {
        try {
            return org.mptcplab.app.live.PcapDevice.open(name);
        } catch (LiveDeviceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}

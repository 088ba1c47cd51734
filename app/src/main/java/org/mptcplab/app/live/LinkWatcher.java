package org.mptcplab.app.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Notices interfaces going down and coming back, so that the stack can stop using an address whose
 * link is gone (REMOVE_ADDR, RFC 8684 3.4.2, and reinjection of what was in flight there) and use
 * it again when the link returns (re-announce or re-join, 3.4.1 and 3.2) instead of waiting for
 * retransmission timeouts to find out. {@link LiveRunner} calls {@link #poll} from its own loop
 * (the runner's thread is the only one touching the stack), every 50 to 100 ms.
 *
 * <p>The state comes from a {@link StateSource}: in real use {@link #sysfs()}; in tests anything.
 * The listener hears transitions only: an interface is assumed up when watching starts (its device
 * was just opened), a reading of {@link LinkState#UNKNOWN} changes nothing.
 */
public final class LinkWatcher {
    /** What a look at an interface says. */
    public enum LinkState { UP, DOWN, UNKNOWN }

    /** Reads an interface's state by name. */
    @FunctionalInterface
    public interface StateSource {
        LinkState state(String name);
    }

    /** Hears each transition, on the thread that calls {@link #poll}. */
    @FunctionalInterface
    public interface Listener {
        void linkChanged(int iface, String name, boolean up);
    }

    private final Map<Integer, String> names;
    private final Map<Integer, Boolean> up = new LinkedHashMap<>();
    private final StateSource source;
    private final Listener listener;

    /** @param names interface index (as the link layer numbers them) to interface name */
    public LinkWatcher(Map<Integer, String> names, StateSource source, Listener listener) {
        this.names = new LinkedHashMap<>(names);
        this.source = Objects.requireNonNull(source, "source");
        this.listener = Objects.requireNonNull(listener, "listener");
        for (Integer i : this.names.keySet()) {
            up.put(i, true);
        }
    }

    /** Looks at every interface once; tells the listener about each one whose state changed. */
    public void poll() {
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            LinkState s = source.state(e.getValue());
            if (s == LinkState.UNKNOWN) {
                continue;
            }
            boolean nowUp = s == LinkState.UP;
            if (up.get(e.getKey()) != nowUp) {
                up.put(e.getKey(), nowUp);
                listener.linkChanged(e.getKey(), e.getValue(), nowUp);
            }
        }
    }

    /** Whether interface {@code iface} was up at the last look. */
    public boolean isUp(int iface) {
        return up.getOrDefault(iface, false);
    }

    /** The kernel's view in {@code /sys/class/net}. */
    public static StateSource sysfs() {
        return sysfs(Paths.get("/sys/class/net"));
    }

    /**
     * Reads {@code operstate} (RFC 2863 ifOperStatus as Linux names it) under {@code root}; when it
     * says "unknown" (drivers that do not report it) the {@code carrier} file decides. An interface
     * whose folder is gone was removed: down.
     */
    public static StateSource sysfs(Path root) {
        return name -> {
            Path dir = root.resolve(name);
            if (!Files.isDirectory(dir)) {
                return LinkState.DOWN;
            }
            String oper = read(dir.resolve("operstate"));
            if (oper == null) {
                return LinkState.UNKNOWN;
            }
            return switch (oper) {
                case "up" -> LinkState.UP;
                case "down", "lowerlayerdown", "notpresent", "dormant" -> LinkState.DOWN;
                default -> {
                    // "unknown", "testing": the carrier file (reading it fails while the link is administratively down).
                    String carrier = read(dir.resolve("carrier"));
                    yield carrier == null ? LinkState.DOWN : carrier.equals("1") ? LinkState.UP : LinkState.DOWN;
                }
            };
        };
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return null;
        }
    }
}

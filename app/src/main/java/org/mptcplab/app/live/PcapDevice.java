package org.mptcplab.app.live;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A real interface through libpcap (pcap4j): a live handle in promiscuous, immediate mode
 * (snaplen {@value #SNAPLEN}, read timeout {@value #TIMEOUT_MILLIS} ms), capturing incoming frames
 * only (our own transmissions are not handed back). Frames are received by {@code loop(-1, ...)}
 * on a thread of their own (RECIPES.md: {@code getNextRawPacket} can block forever) and sent with
 * {@code sendPacket}. {@link #close} breaks the loop, waits for the thread, then closes the handle.
 *
 * <p>With {@link LiveRunner}, the only class besides it that touches real interfaces.
 */
public final class PcapDevice implements FrameDevice {
    public static final int SNAPLEN = 65536;
    public static final int TIMEOUT_MILLIS = 10;
    /** How long {@link #close} waits for the receive thread before it leaks the handle rather than free it under it. */
    private static final long JOIN_MILLIS = 3000;

    private final String name;
    private final PcapHandle handle;
    private volatile Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile boolean closed;

    private PcapDevice(String name, PcapHandle handle) {
        this.name = name;
        this.handle = handle;
    }

    /**
     * Opens interface {@code name} (as {@code ip link} names it).
     *
     * @throws LiveDeviceException saying what is missing: libpcap, privileges, or the interface
     */
    public static PcapDevice open(String name) throws LiveDeviceException {
        Objects.requireNonNull(name, "name");
        checkLibpcap();
        PcapHandle h;
        try {
            h = new PcapHandle.Builder(name)
                    .snaplen(SNAPLEN)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                    .timeoutMillis(TIMEOUT_MILLIS)
                    .immediateMode(true)
                    .build();
        } catch (PcapNativeException e) {
            throw explain(name, e);
        }
        try {
            if (h.getDlt() == null || h.getDlt().value() != DataLinkType.EN10MB.value()) {
                String dlt = String.valueOf(h.getDlt());
                h.close();
                throw new LiveDeviceException("interface '" + name + "' is not Ethernet (pcap link type " + dlt
                        + "): live mode needs an Ethernet or veth interface");
            }
            // Only frames arriving from the wire: a handle's own frames would come back otherwise.
            h.setDirection(PcapHandle.PcapDirection.IN);
        } catch (PcapNativeException | NotOpenException e) {
            h.close();
            throw new LiveDeviceException("interface '" + name + "': cannot capture incoming frames only: "
                    + e.getMessage(), e);
        }
        return new PcapDevice(name, h);
    }

    /** The libpcap version string, or a clear error when the library cannot be loaded. */
    public static String checkLibpcap() throws LiveDeviceException {
        try {
            return Pcaps.libVersion();
        } catch (LinkageError e) {
            throw new LiveDeviceException("live mode needs libpcap, which could not be loaded (" + e.toString().lines()
                    .findFirst().orElse("") + "). Install it (Debian: apt-get install libpcap0.8 libpcap-dev), or point pcap4j at the"
                    + " library with -Dorg.pcap4j.core.pcapLibName=/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", e);
        }
    }

    static LiveDeviceException explain(String name, PcapNativeException e) {
        String m = String.valueOf(e.getMessage());
        String l = m.toLowerCase(Locale.ROOT);
        if (l.contains("permission") || l.contains("not permitted") || l.contains("eperm") || l.contains("eacces")) {
            return new LiveDeviceException("live mode needs root or CAP_NET_RAW: cannot open '" + name + "' (" + m
                    + "). Run as root, or grant the JVM the capabilities: setcap cap_net_raw,cap_net_admin=eip"
                    + " \"$(readlink -f \"$(command -v java)\")\"", e);
        }
        if (l.contains("no such device") || l.contains("doesn't exist") || l.contains("not found")) {
            return new LiveDeviceException("no interface named '" + name + "' in this network namespace (" + m
                    + "); see `ip link`", e);
        }
        if (l.contains("not up") || l.contains("network is down")) {
            return new LiveDeviceException("interface '" + name + "' is down (" + m + "): ip link set " + name + " up", e);
        }
        return new LiveDeviceException("cannot open interface '" + name + "' for live capture: " + m, e);
    }

    @Override
    public String name() {
        return name;
    }

    /** The interface's MTU from {@code /sys/class/net/NAME/mtu}, or -1 when it cannot be read. */
    @Override
    public int mtu() {
        try {
            return Integer.parseInt(java.nio.file.Files.readString(
                    java.nio.file.Paths.get("/sys/class/net", name, "mtu")).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public synchronized void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (thread != null || closed) {
            throw new IllegalStateException(name + ": started already, or closed");
        }
        RawPacketListener l = receiver::frameReceived;
        Thread t = new Thread(() -> {
            try {
                handle.loop(-1, l);
            } catch (InterruptedException e) {
                // breakLoop(): the orderly way out.
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                if (!closing) {
                    failure = e;
                }
            }
        }, "pcap-rx-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void send(byte[] frame) throws IOException {
        try {
            handle.sendPacket(frame);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException(name + ": sending a frame of " + frame.length + " bytes failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            t = thread;
        }
        boolean joined = true;
        if (t != null) {
            try {
                handle.breakLoop();
            } catch (NotOpenException e) {
                // closed under us: nothing to break
            }
            joined = join(t);
        }
        if (joined) {
            handle.close();
        }
        // else: the thread is still inside pcap_loop; freeing the handle under it would crash the JVM.
    }

    private static boolean join(Thread t) {
        long deadline = System.nanoTime() + JOIN_MILLIS * 1_000_000L;
        boolean interrupted = false;
        try {
            while (t.isAlive()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "PcapDevice[" + name + "]";
    }
}

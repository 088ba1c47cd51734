package org.mptcplab.app.live;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code sendPacket} by another thread of their own, fed by {@link #send} through a bounded queue:
 * on veth each send is a system call that also runs the receiving kernel's IP and TCP input, so the
 * stack thread would otherwise spend two thirds of its time there instead of building the next
 * segments (when the queue is full, {@link #send} waits: back-pressure, no frame is dropped).
 * {@link #close} sends what is queued, breaks the loop, waits for the threads, then closes the handle.
 *
 * <p>With {@link LiveRunner}, the only class besides it that touches real interfaces.
 */
public final class PcapDevice implements FrameDevice {
    public static final int SNAPLEN = 65536;
    public static final int TIMEOUT_MILLIS = 10;
    /** How long {@link #close} waits for the receive thread before it leaks the handle rather than free it under it. */
    private static final long JOIN_MILLIS = 3000;

    /** Frames queued for the sending thread at most (about 6 MB of full frames). */
    static final int TX_QUEUE = 4096;

    private final String name;
    private final PcapHandle handle;
    private final ArrayBlockingQueue<byte[]> txQueue = new ArrayBlockingQueue<>(TX_QUEUE);
    private Thread txThread;
    private volatile boolean txStop;
    private final AtomicLong txErrors = new AtomicLong();
    private volatile String txLastError;
    private long txErrorsReported;
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

    /**
     * Queues {@code frame} for the sending thread (waiting while the queue is full). A send that
     * failed on that thread since the last call is reported here, once, as an IOException; the
     * frame given is queued all the same.
     */
    @Override
    public void send(byte[] frame) throws IOException {
        if (closed) {
            throw new IOException(name + ": closed");
        }
        startSender();
        try {
            txQueue.put(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while waiting to send", e);
        }
        long errors = txErrors.get();
        if (errors > txErrorsReported) {
            long n = errors - txErrorsReported;
            txErrorsReported = errors;
            throw new IOException(txLastError + (n > 1 ? " (and " + (n - 1) + " more)" : ""));
        }
    }

    private synchronized void startSender() {
        if (txThread != null) {
            return;
        }
        Thread t = new Thread(this::sendLoop, "pcap-tx-" + name);
        t.setDaemon(true);
        txThread = t;
        t.start();
    }

    private void sendLoop() {
        List<byte[]> batch = new ArrayList<>(256);
        while (true) {
            byte[] first;
            try {
                first = txQueue.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (txStop && txQueue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            txQueue.drainTo(batch, 255);
            for (byte[] f : batch) {
                try {
                    handle.sendPacket(f);
                } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                    txLastError = name + ": sending a frame of " + f.length + " bytes failed: " + e.getMessage();
                    txErrors.incrementAndGet();
                }
            }
            batch.clear();
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
        // What is queued still goes out, then the sending thread ends.
        txStop = true;
        Thread tx;
        synchronized (this) {
            tx = txThread;
        }
        boolean joined = tx == null || join(tx);
        if (t != null) {
            try {
                handle.breakLoop();
            } catch (NotOpenException e) {
                // closed under us: nothing to break
            }
            joined = join(t) && joined;
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

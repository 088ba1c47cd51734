package org.mptcplab.app.live;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.mptcplab.stack.capture.LinkType;
import org.mptcplab.stack.capture.PcapWriter;

/**
 * Runs a {@link LinkLayer} (and the stack behind it) against real devices in real time, on one
 * thread of its own that owns the stack (the stack is single-threaded). The loop: hand each frame
 * the devices received to {@link LinkLayer#handleFrame}, run the timers that are due, send what
 * {@link LinkLayer#pollFrame} gives out, then park until the next timeout or until a receiving
 * thread wakes it with a new frame. With {@link PcapDevice}, the only class that reads a real
 * clock.
 *
 * <p><b>Time</b> given to the link layer and the stack is {@code System.nanoTime()} minus its value
 * when the runner was made: it starts near 0 and only grows, as in the emulated world. {@link #now}
 * reads it, for actions that need to tell the stack the time.
 *
 * <p><b>Threads.</b> After {@link #start()} the link layer and the stack belong to the runner's
 * thread: touch them only from {@link #submit} actions and the sample hook, which run on it between
 * frames. For an {@code MptcpStack}, wrap application calls in {@code stack.run(now, ...)} so that
 * the readiness callbacks they cause are delivered.
 *
 * <p><b>Recording.</b> With {@link #recordTo}, every frame sent and received is written to a pcap
 * file (link type Ethernet) with wire-side times: a received frame with the time its device handed
 * it over (before any wait for the stack thread), a sent frame with the time it was handed to its
 * device (after any egress impairment). Records are written in the order the stack thread handled
 * them, so a frame that arrived while the stack was busy can carry an earlier time than the record
 * before it: the gap between an arrival and the answer to it is the stack's own processing time.
 * The file is flushed about once a second and closed by {@link #stop}.
 */
public final class LiveRunner implements AutoCloseable {
    /** Frames waiting for the stack thread beyond this are dropped (like a NIC ring overflowing). */
    public static final int MAX_RECEIVE_QUEUE = 65_536;
    /** Longest park, so that a missed wake-up costs at most this. */
    private static final long MAX_PARK_NANOS = 50_000_000L;
    /** Received frames handled between looks at the timers, the tasks and stop. */
    private static final int BATCH = 256;
    private static final long FLUSH_NANOS = 1_000_000_000L;

    /** A frame from a device, stamped with the runner's clock when it arrived. */
    private record Received(int iface, byte[] frame, long arrived) {
    }

    private final LinkLayer link;
    private final Map<Integer, FrameDevice> devices;
    private final long origin;
    /** Wall time at {@link #origin} (microsecond precision on Linux), for the capture's timestamps. */
    private final long epochAtOrigin;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger receivedQueued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Actions due at a runner time; touched on the runner's thread only. */
    private final java.util.PriorityQueue<Timed> timed = new java.util.PriorityQueue<>();
    private long timedSequence;
    private LinkWatcher watcher;
    private long watchIntervalNanos;
    private long nextWatch;

    /** An action due at runner time {@code at}; ties keep the order they were scheduled in. */
    private record Timed(long at, long sequence, Runnable action) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private Path recordFile;
    private PcapWriter recorder;
    private Consumer<LiveRunner> hook;
    private long hookIntervalNanos;

    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopRequested;
    private volatile boolean stopped;
    private volatile Throwable failure;

    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong receiveOverflows = new AtomicLong();
    private volatile long framesSent;
    private volatile long sendErrors;
    private volatile String lastSendError;
    private volatile long recordErrors;

    /**
     * @param devices the device of each interface index the link layer uses; the runner owns and
     *                closes them. A device that knows its MTU sets the link layer's MTU of its
     *                interface (the stack's MSS must fit it: MTU - 40 for IPv4).
     */
    public LiveRunner(LinkLayer link, Map<Integer, ? extends FrameDevice> devices) {
        this.link = Objects.requireNonNull(link, "link");
        java.time.Instant wall = java.time.Instant.now();
        this.origin = System.nanoTime();
        this.epochAtOrigin = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        this.devices = new java.util.concurrent.ConcurrentSkipListMap<>(devices);
        for (Integer i : this.devices.keySet()) {
            if (!link.interfaceIndexes().contains(i)) {
                throw new IllegalArgumentException("device " + this.devices.get(i).name() + " is for interface " + i
                        + ", which the link layer does not have (it has " + link.interfaceIndexes() + ")");
            }
            int mtu = this.devices.get(i).mtu();
            if (mtu > 0) {
                link.setMtu(i, mtu);
            }
        }
    }

    /** Sees every frame sent and received, on the runner's thread (a session's packet views). */
    public interface FrameTap {
        void frame(long now, int iface, boolean sent, byte[] frame);
    }

    private volatile FrameTap tap;

    /** Calls {@code t} with every frame sent and received, on the runner's thread; null: none. */
    public LiveRunner tap(FrameTap t) {
        this.tap = t;
        return this;
    }

    /** Records every frame sent and received to {@code file} (pcap, Ethernet). Call before {@link #start()}. */
    public synchronized LiveRunner recordTo(Path file) {
        if (thread != null) {
            throw new IllegalStateException("set the recording before start()");
        }
        this.recordFile = Objects.requireNonNull(file, "file");
        return this;
    }

    /**
     * Calls {@code hook} on the runner's thread about every {@code intervalMillis} of wall time (for
     * a UI to sample snapshots and counters). Set it before {@link #start()}.
     */
    public synchronized LiveRunner onSample(long intervalMillis, Consumer<LiveRunner> hook) {
        if (thread != null) {
            throw new IllegalStateException("set the sample hook before start()");
        }
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("sample interval " + intervalMillis + " ms is not above 0");
        }
        this.hook = Objects.requireNonNull(hook, "hook");
        this.hookIntervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        return this;
    }

    public LinkLayer link() {
        return link;
    }

    /** The runner's clock: nanoseconds since the runner was made. */
    public long now() {
        return System.nanoTime() - origin;
    }

    /** Wall time (ns since 1970) of runner time {@code t}. */
    public long epochNanos(long t) {
        return epochAtOrigin + t;
    }

    /** Opens the recording (if asked), starts the devices and the runner's thread (once). */
    public synchronized void start() throws IOException {
        if (thread != null) {
            throw new IllegalStateException("the runner was started already");
        }
        if (recordFile != null) {
            recorder = PcapWriter.create(recordFile, LinkType.ETHERNET);
        }
        Thread t = new Thread(this::loop, "live-stack");
        t.setDaemon(true);
        thread = t;
        for (Map.Entry<Integer, FrameDevice> e : devices.entrySet()) {
            int iface = e.getKey();
            e.getValue().start(frame -> deliver(iface, frame));
        }
        t.start();
    }

    /** Called by the devices' threads. */
    private void deliver(int iface, byte[] frame) {
        if (stopRequested || failure != null) {
            return;
        }
        if (receivedQueued.incrementAndGet() > MAX_RECEIVE_QUEUE) {
            receivedQueued.decrementAndGet();
            receiveOverflows.incrementAndGet();
            return;
        }
        received.add(new Received(iface, frame, now()));
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Runs {@code action} on the runner's thread, then sends what it caused. */
    public void submit(Runnable action) {
        tasks.add(Objects.requireNonNull(action, "action"));
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Runs {@code action} on the runner's thread once the runner's clock reaches {@code at} (see
     * {@link #now}); from any thread. For scripted path events (a path taken away at 1.5 s...):
     * the action runs between frames, like {@link #submit}.
     */
    public void schedule(long at, Runnable action) {
        Objects.requireNonNull(action, "action");
        submit(() -> timed.add(new Timed(at, timedSequence++, action)));
    }

    /**
     * Has the runner look at the interfaces' link state every {@code intervalMillis} of wall time
     * with {@code watcher} (its listener runs on the runner's thread, so it may touch the stack).
     * Set it before {@link #start()}.
     */
    private final List<AutoCloseable> closeActions = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Closes {@code c} when the runner stops, after its devices (e.g. the nftables guard). */
    public LiveRunner closeWhenStopped(AutoCloseable c) {
        closeActions.add(Objects.requireNonNull(c, "c"));
        return this;
    }

    public synchronized LiveRunner watchLinks(long intervalMillis, LinkWatcher watcher) {
        if (thread != null) {
            throw new IllegalStateException("set the link watcher before start()");
        }
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("link watch interval " + intervalMillis + " ms is not above 0");
        }
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.watchIntervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        return this;
    }

    /**
     * Replaces the device of interface {@code iface} (closing the old one) and starts the new one:
     * after a link came back up, a pcap handle whose receive loop ended with the link is reopened.
     * Call on the runner's thread (from a watcher's listener or a submitted action).
     */
    public void replaceDevice(int iface, FrameDevice device) {
        FrameDevice old = devices.put(iface, Objects.requireNonNull(device, "device"));
        if (old != null) {
            // Not on this thread: a pcap handle whose link went away can take seconds to leave its
            // receive loop, and the stack must not stop meanwhile (the peer's ARP and SYN/ACK wait).
            Thread closer = new Thread(old::close, "close-" + old.name());
            closer.setDaemon(true);
            closer.start();
        }
        device.start(frame -> deliver(iface, frame));
    }

    /** The device of interface {@code iface}, or null. */
    public FrameDevice device(int iface) {
        return devices.get(iface);
    }

    /**
     * Stops the thread (waiting for it unless called from it), closes the devices and the
     * recording. Idempotent.
     */
    public void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            if (t != Thread.currentThread()) {
                boolean interrupted = false;
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        for (FrameDevice d : devices.values()) {
            d.close();
        }
        for (AutoCloseable c : closeActions) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: each undoes something the live set-up made (a firewall table...)
            }
        }
        if (recorder != null && (t == null || !t.isAlive())) {
            try {
                recorder.close();
            } catch (IOException e) {
                recordErrors++;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** What ended the runner's thread by throwing (from the stack or an action), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Frames taken from the devices so far. */
    public long framesReceived() {
        return framesReceived.get();
    }

    /** Frames handed to the devices so far. */
    public long framesSent() {
        return framesSent;
    }

    /** Frames dropped because the stack thread fell {@value #MAX_RECEIVE_QUEUE} frames behind. */
    public long receiveOverflows() {
        return receiveOverflows.get();
    }

    /** Frames a device refused to send (they are lost, as on a link that is down). */
    public long sendErrors() {
        return sendErrors;
    }

    public String lastSendError() {
        return lastSendError;
    }

    /** Records that could not be written to the capture file. */
    public long recordErrors() {
        return recordErrors;
    }

    /** The devices whose receiving side failed, with why (an interface removed under us...). */
    public List<String> deviceFailures() {
        List<String> out = new ArrayList<>();
        for (FrameDevice d : devices.values()) {
            Throwable f = d.failure();
            if (f != null) {
                out.add(d.name() + ": " + f);
            }
        }
        return out;
    }

    // =====================================================================================

    private void loop() {
        long nextSample = now();
        long nextFlush = now() + FLUSH_NANOS;
        nextWatch = now();
        try {
            while (!stopRequested) {
                runTasks();
                runTimed();
                Received r;
                int n = 0;
                while (n < BATCH && (r = received.poll()) != null) {
                    receivedQueued.decrementAndGet();
                    framesReceived.incrementAndGet();
                    n++;
                    record(r.arrived(), r.frame());
                    FrameTap t = tap;
                    if (t != null) {
                        t.frame(r.arrived(), r.iface(), false, r.frame());
                    }
                    long now = now();
                    link.handleFrame(now, r.iface(), r.frame());
                    transmit(now);
                }
                long now = now();
                if (link.nextTimeout() <= now) {
                    link.handleTimeout(now);
                }
                transmit(now);
                if (hook != null && now - nextSample >= 0) {
                    hook.accept(this);
                    nextSample = now + hookIntervalNanos;
                    transmit(now());
                }
                if (recorder != null && now - nextFlush >= 0) {
                    flushRecording();
                    nextFlush = now + FLUSH_NANOS;
                }
                if (!received.isEmpty() || !tasks.isEmpty()) {
                    continue;
                }
                long sleep = MAX_PARK_NANOS;
                long next = link.nextTimeout();
                if (next != Long.MAX_VALUE) {
                    sleep = Math.min(sleep, next - now());
                }
                if (hook != null) {
                    sleep = Math.min(sleep, nextSample - now());
                }
                if (watcher != null) {
                    sleep = Math.min(sleep, nextWatch - now());
                }
                if (!timed.isEmpty()) {
                    sleep = Math.min(sleep, timed.peek().at() - now());
                }
                if (sleep > 0) {
                    parked = true;
                    if (received.isEmpty() && tasks.isEmpty() && !stopRequested) {
                        LockSupport.parkNanos(this, sleep);
                    }
                    parked = false;
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (recorder != null) {
                try {
                    if (stopRequested) {
                        recorder.close();
                    } else {
                        recorder.flush(); // failed: stop() closes it
                    }
                } catch (IOException e) {
                    recordErrors++;
                }
            }
        }
    }

    /** Scheduled actions that are due, then the link watcher when its interval has passed. */
    private void runTimed() {
        while (!timed.isEmpty() && timed.peek().at() - now() <= 0) {
            timed.poll().action().run();
            transmit(now());
        }
        if (watcher != null && now() - nextWatch >= 0) {
            watcher.poll();
            nextWatch = now() + watchIntervalNanos;
            transmit(now());
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
            transmit(now());
        }
    }

    private void transmit(long now) {
        Frame f;
        while ((f = link.pollFrame(now)) != null) {
            FrameDevice d = devices.get(f.iface());
            if (d == null) {
                sendErrors++;
                lastSendError = "no device for interface " + f.iface();
                continue;
            }
            try {
                long at = now();
                d.send(f.data());
                framesSent++;
                record(at, f.data());
                FrameTap t = tap;
                if (t != null) {
                    t.frame(at, f.iface(), true, f.data());
                }
            } catch (IOException e) {
                sendErrors++;
                lastSendError = e.getMessage();
            }
        }
    }

    private void record(long now, byte[] frame) {
        if (recorder == null) {
            return;
        }
        try {
            recorder.write(epochNanos(now), frame);
        } catch (IOException e) {
            recordErrors++;
        }
    }

    private void flushRecording() {
        try {
            recorder.flush();
        } catch (IOException e) {
            recordErrors++;
        }
    }
}

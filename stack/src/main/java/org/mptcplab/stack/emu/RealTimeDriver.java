package org.mptcplab.stack.emu;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs an {@link EmulatedNetwork} on a thread of its own against wall time: virtual time goes
 * {@link #speed()} times as fast as the wall clock (0.1 slow motion, 10 fast forward). The thread
 * sleeps ({@link LockSupport#parkNanos}) until the wall time of the next event. The only class of
 * the package that reads a real clock.
 *
 * <p>After {@link #start()} the network belongs to the driver's thread: touch it only from
 * {@link #submit} actions and from the sample hook, which both run on that thread between events.
 *
 * <p>When the simulation cannot keep up, virtual time lags behind; a lag of more than
 * {@link #MAX_LAG_NANOS} of wall time is given up (the mapping slips, see {@link #slips()}) rather
 * than caught up in a burst.
 */
public final class RealTimeDriver implements AutoCloseable {
    /** Wall-time lag beyond which the driver stops trying to catch up. */
    public static final long MAX_LAG_NANOS = 250_000_000L;
    /** Longest sleep, so that the thread notices changes even if an unpark were missed. */
    private static final long MAX_PARK_NANOS = 50_000_000L;
    /** Events processed between looks at stop, pause, tasks and the hook. */
    private static final int BATCH = 2048;

    private final EmulatedNetwork network;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private Consumer<EmulatedNetwork> hook;
    private long hookIntervalNanos;

    // The mapping virtual = anchorVirtual + (wall - anchorWall) * speed, guarded by "this".
    private double speed;
    private boolean paused;
    private long anchorWall;
    private long anchorVirtual;

    private volatile boolean stopRequested;
    private volatile Thread thread;
    private volatile Throwable failure;
    private volatile long slips;

    /**
     * @param speed virtual seconds per wall second, finite and above 0
     */
    public RealTimeDriver(EmulatedNetwork network, double speed) {
        this.network = Objects.requireNonNull(network, "network");
        this.speed = checkSpeed(speed);
    }

    private static double checkSpeed(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed " + speed + " is not a finite number above 0");
        }
        return speed;
    }

    /**
     * Calls {@code hook} on the driver's thread at most once every {@code intervalMillis} of wall
     * time (for a UI to sample snapshots). Set it before {@link #start()}.
     */
    public synchronized RealTimeDriver onSample(long intervalMillis, Consumer<EmulatedNetwork> hook) {
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

    public EmulatedNetwork network() {
        return network;
    }

    /** Starts the driver's thread (once). */
    private Runnable threadInit;

    /**
     * Runs {@code init} first thing on the driver's thread when it starts (a UI lowers the
     * thread's scheduling priority there, so that frames win when the machine is short of cores
     * and the network slips instead; see {@link #slips()}). Set it before {@link #start()}.
     */
    public synchronized RealTimeDriver onThreadStart(Runnable init) {
        if (thread != null) {
            throw new IllegalStateException("set the thread's start action before start()");
        }
        this.threadInit = init;
        return this;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the driver was started already");
        }
        anchorWall = System.nanoTime();
        anchorVirtual = network.now();
        Runnable init = threadInit;
        Thread t = new Thread(() -> {
            if (init != null) {
                init.run();
            }
            loop();
        }, "emulated-network");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    public synchronized double speed() {
        return speed;
    }

    /** Changes the speed from now on (virtual time does not jump). */
    public void setSpeed(double newSpeed) {
        checkSpeed(newSpeed);
        synchronized (this) {
            long wall = System.nanoTime();
            anchorVirtual = virtualAt(wall);
            anchorWall = wall;
            speed = newSpeed;
        }
        wake();
    }

    /** Freezes virtual time; submitted actions still run. */
    public void pause() {
        synchronized (this) {
            if (paused) {
                return;
            }
            anchorVirtual = virtualAt(System.nanoTime());
            paused = true;
        }
        wake();
    }

    public void resume() {
        synchronized (this) {
            if (!paused) {
                return;
            }
            anchorWall = System.nanoTime();
            paused = false;
        }
        wake();
    }

    /**
     * While paused: processes exactly the next event (a packet arriving, a timer firing) on the
     * driver's thread and moves the frozen virtual time to it, so a class can follow a handshake
     * packet by packet. Does nothing while running.
     */
    public void step() {
        submit(() -> {
            synchronized (this) {
                if (!paused) {
                    return;
                }
            }
            long next = network.nextEventTime();
            if (next == Long.MAX_VALUE) {
                return;
            }
            network.runEvents(next, 1);
            synchronized (this) {
                anchorVirtual = network.now();
            }
        });
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /**
     * Runs {@code action} on the driver's thread at the current virtual time, followed by a drain
     * of every host: the way for other threads to call into endpoints or change paths.
     */
    public void submit(Runnable action) {
        tasks.add(Objects.requireNonNull(action, "action"));
        wake();
    }

    /** Stops the thread and waits for it to end (unless called from it). Idempotent. */
    public void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t == null) {
            return;
        }
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

    @Override
    public void close() {
        stop();
    }

    /** True from start until the thread ends (stopped, or failed). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** What ended the thread by throwing (an endpoint's exception, the livelock guard...), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Times the driver gave up a lag of more than {@link #MAX_LAG_NANOS}. */
    public long slips() {
        return slips;
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Virtual time at wall time {@code wall} (caller holds the lock). */
    private long virtualAt(long wall) {
        if (paused) {
            return anchorVirtual;
        }
        double v = anchorVirtual + (wall - anchorWall) * speed;
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }

    /** Wall time of virtual time {@code virtual} (caller holds the lock, not paused). */
    private long wallAt(long virtual) {
        double w = anchorWall + (virtual - anchorVirtual) / speed;
        return w >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(w);
    }

    private void loop() {
        long nextSample = System.nanoTime();
        try {
            while (!stopRequested) {
                runTasks();
                long wall = System.nanoTime();
                if (hook != null && wall - nextSample >= 0) {
                    hook.accept(network);
                    nextSample = wall + hookIntervalNanos;
                }
                long target;
                boolean isPaused;
                synchronized (this) {
                    isPaused = paused;
                    target = Math.max(virtualAt(wall), network.now());
                }
                if (!isPaused) {
                    if (network.runEvents(target, BATCH) == BATCH && network.nextEventTime() <= target) {
                        slipIfLagging(target);
                        continue; // more due: look at stop, tasks and the hook, then go on
                    }
                    network.advanceTo(target);
                }
                long sleep = MAX_PARK_NANOS;
                if (hook != null) {
                    sleep = Math.min(sleep, nextSample - wall);
                }
                if (!isPaused) {
                    long next = network.nextEventTime();
                    if (next != Long.MAX_VALUE) {
                        long wakeAt;
                        synchronized (this) {
                            wakeAt = paused ? Long.MAX_VALUE : wallAt(next);
                        }
                        sleep = Math.min(sleep, wakeAt - System.nanoTime());
                    }
                }
                if (sleep > 0 && tasks.isEmpty() && !stopRequested) {
                    LockSupport.parkNanos(this, sleep);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
            network.drainAll();
        }
    }

    private void slipIfLagging(long target) {
        long behind = target - network.nextEventTime();
        synchronized (this) {
            if (behind / speed > MAX_LAG_NANOS) {
                long wall = System.nanoTime();
                anchorVirtual = network.nextEventTime();
                anchorWall = wall;
                slips++;
            }
        }
    }
}

package org.mptcplab.app.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Lowers the calling thread's CPU scheduling priority (its nice value, Linux): the engine's
 * thread runs below the UI's, so that when the machine has fewer cores than work, the window's
 * frames stay smooth and the emulated network falls behind the wall clock instead (the driver
 * then slips, and the status bar says so). Best effort: where it cannot be done (not Linux, no
 * libc through JNA), nothing changes and {@link #lower} says why.
 */
public final class ThreadNice {
    private ThreadNice() {
    }

    /** libc's setpriority(2), through JNA (which pcap4j brings). */
    public interface LibC extends com.sun.jna.Library {
        int setpriority(int which, int who, int prio);
    }

    private static final int PRIO_PROCESS = 0;

    /**
     * Sets the calling thread's nice value to {@code nice} (0 normal, 19 lowest). On Linux a
     * thread is scheduled on its own, so {@code setpriority(PRIO_PROCESS, tid)} changes this
     * thread alone.
     *
     * @return null if done, else why not
     */
    public static String lower(int nice) {
        try {
            Path self = Files.readSymbolicLink(Paths.get("/proc/thread-self"));
            String tid = self.getFileName().toString();
            LibC c = com.sun.jna.Native.load("c", LibC.class);
            if (c.setpriority(PRIO_PROCESS, Integer.parseInt(tid), nice) != 0) {
                return "setpriority failed (errno " + com.sun.jna.Native.getLastError() + ")";
            }
            return null;
        } catch (java.io.IOException | UnsupportedOperationException | NumberFormatException | LinkageError e) {
            return "cannot lower the engine thread's priority here: " + e;
        }
    }
}

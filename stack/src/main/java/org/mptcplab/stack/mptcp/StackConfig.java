package org.mptcplab.stack.mptcp;

/**
 * Settings of one host's stack. Immutable; {@code with*} methods return changed copies.
 *
 * @param mptcp whether the host speaks MPTCP at all (false: a plain TCP host, for fallback tests)
 * @param checksum whether this host requires DSS checksums (the A flag, RFC 8684 3.1)
 * @param mss the MSS this host announces and uses at most (IPv6 takes 20 less)
 * @param timeWaitNanos how long a subflow stays in TIME_WAIT (2 MSL)
 * @param pathManager the path manager of new connections, one of {@code PathManagers.NAMES} (or
 *                    "none", the same as "manual"): "fullmesh" announces extra addresses (server)
 *                    and joins from every local interface toward every reachable known peer address
 *                    (client); "ndiffports" opens {@code ndiffports} subflows over the first path;
 *                    "manual" opens nothing by itself
 * @param maxSubflows subflows per connection this host accepts or opens (the kernel's limit)
 * @param ndiffports subflows in all (the first included) the "ndiffports" path manager keeps open
 */
public record StackConfig(boolean mptcp, boolean checksum, int mss, int sendBufferBytes, int receiveBufferBytes,
                          long timeWaitNanos, long delayedAckNanos, long minRtoNanos, long initialRtoNanos,
                          boolean timestamps, boolean sack, String pathManager, int maxSubflows, String congestionControl,
                          String scheduler, int ndiffports) {

    public static final long MS = 1_000_000L;

    public StackConfig {
        java.util.Objects.requireNonNull(pathManager, "pathManager");
    }

    public static StackConfig defaults() {
        return new StackConfig(true, false, 1460, 4 << 20, 4 << 20, 1000 * MS, 40 * MS, 200 * MS, 1000 * MS,
                true, true, "fullmesh", 8, "newreno", "minrtt", 2);
    }

    public StackConfig withMptcp(boolean on) {
        return new StackConfig(on, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withChecksum(boolean on) {
        return new StackConfig(mptcp, on, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withMss(int v) {
        return new StackConfig(mptcp, checksum, v, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withBuffers(int send, int receive) {
        return new StackConfig(mptcp, checksum, mss, send, receive, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    /** Whether the path manager is "fullmesh". */
    public boolean fullMesh() {
        return "fullmesh".equalsIgnoreCase(pathManager.trim());
    }

    /** The path manager of new connections: "fullmesh" when on, "none" (manual: the first subflow only) when off. */
    public StackConfig withFullMesh(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, on ? "fullmesh" : "none", maxSubflows, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withMaxSubflows(int n) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, n, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withTimeWait(long nanos) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, nanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    public StackConfig withTimestamps(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, on, sack, pathManager, maxSubflows, congestionControl, scheduler, ndiffports);
    }

    /** The congestion control of new subflows: one of {@code CongestionControls.NAMES} ("newreno" with HyStart, "reno" without, "cubic", "lia", "olia", "balia"). */
    public StackConfig withCongestionControl(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, name, scheduler, ndiffports);
    }

    /** The packet scheduler of new connections: one of {@code Schedulers.NAMES} ("minrtt" by default). */
    public StackConfig withScheduler(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, name, ndiffports);
    }

    /** The path manager of new connections: one of {@code PathManagers.NAMES} ("fullmesh" by default), or "none" for "manual". */
    public StackConfig withPathManager(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, java.util.Objects.requireNonNull(name), maxSubflows,
                congestionControl, scheduler, ndiffports);
    }

    /** How many subflows in all (the first included) the "ndiffports" path manager keeps open; 2 by default. */
    public StackConfig withNdiffports(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ndiffports needs at least 1 subflow, not " + n);
        }
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, maxSubflows, congestionControl, scheduler, n);
    }
}

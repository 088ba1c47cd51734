package org.mptcplab.stack.mptcp;

/**
 * Settings of one host's stack. Immutable; {@code with*} methods return changed copies.
 *
 * @param mptcp whether the host speaks MPTCP at all (false: a plain TCP host, for fallback tests)
 * @param checksum whether this host requires DSS checksums (the A flag, RFC 8684 3.1)
 * @param mss the MSS this host announces and uses at most (IPv6 takes 20 less)
 * @param timeWaitNanos how long a subflow stays in TIME_WAIT (2 MSL)
 * @param fullMesh whether the path manager announces extra addresses (server) and joins from every
 *                 local interface toward every reachable known peer address (client)
 * @param maxSubflows subflows per connection this host accepts or opens (the kernel's limit)
 */
public record StackConfig(boolean mptcp, boolean checksum, int mss, int sendBufferBytes, int receiveBufferBytes,
                          long timeWaitNanos, long delayedAckNanos, long minRtoNanos, long initialRtoNanos,
                          boolean timestamps, boolean sack, boolean fullMesh, int maxSubflows, String congestionControl,
                          String scheduler) {

    public static final long MS = 1_000_000L;

    public static StackConfig defaults() {
        return new StackConfig(true, false, 1460, 4 << 20, 4 << 20, 1000 * MS, 40 * MS, 200 * MS, 1000 * MS,
                true, true, true, 8, "newreno", "minrtt");
    }

    public StackConfig withMptcp(boolean on) {
        return new StackConfig(on, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withChecksum(boolean on) {
        return new StackConfig(mptcp, on, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withMss(int v) {
        return new StackConfig(mptcp, checksum, v, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withBuffers(int send, int receive) {
        return new StackConfig(mptcp, checksum, mss, send, receive, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withFullMesh(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, on, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withMaxSubflows(int n) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, n, congestionControl, scheduler);
    }

    public StackConfig withTimeWait(long nanos) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, nanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    public StackConfig withTimestamps(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, on, sack, fullMesh, maxSubflows, congestionControl, scheduler);
    }

    /** The congestion control of new subflows: one of {@code CongestionControls.NAMES} ("newreno" with HyStart, "reno" without, "cubic", "lia", "olia", "balia"). */
    public StackConfig withCongestionControl(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, name, scheduler);
    }

    /** The packet scheduler of new connections: one of {@code Schedulers.NAMES} ("minrtt" by default). */
    public StackConfig withScheduler(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, fullMesh, maxSubflows, congestionControl, name);
    }
}

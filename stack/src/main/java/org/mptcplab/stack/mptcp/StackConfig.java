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
 * @param subflowsLimit the most additional subflows (the first not counted) a connection has, opened
 *                      by us or accepted from the peer: Linux's {@code ip mptcp limits set subflows N}
 *                      (its default is 2; ours is 7, so that a full mesh of up to 8 paths works as it
 *                      always did); 0 to {@link #LIMIT_MAX}
 * @param ndiffports subflows in all (the first included) the "ndiffports" path manager keeps open
 * @param addAddrAcceptedLimit the most peer announcements (ADD_ADDR) a connection accepts to create
 *                             subflows toward: Linux's {@code add_addr_accepted M} (its default is 0;
 *                             ours is 8); beyond it an announcement is still echoed (RFC 8684 3.4.1)
 *                             but not used, and counted in {@code AddAddrDrop}; 0 to {@link #LIMIT_MAX}
 * @param allowJoinInitialAddress false: our MP_CAPABLE carries the C flag (RFC 8684 3.1), and joins to
 *                                our first subflow's address and port are refused (Linux's sysctl
 *                                {@code net.mptcp.allow_join_initial_addr_port}, 1 by default)
 * @param announcePort the port our addresses are announced with (ADD_ADDR with a port, RFC 8684
 *                     3.4.1; Linux's {@code ip mptcp endpoint add ADDR port P signal}); joins to it are
 *                     accepted; -1 (the default): announcements carry no port, joins go to the first
 *                     subflow's port
 * @param staleLossCount retransmission timeouts in a row with nothing received after which a subflow
 *                       is stale while another one works: the scheduler leaves it and its data goes
 *                       on the others (Linux's sysctl {@code net.mptcp.stale_loss_cnt}, 4 by default);
 *                       0 turns the check off
 * @param opportunisticRetransmission when the connection-level receive window stops sending, the
 *                                    segment holding it up goes again on a subflow with room and the
 *                                    subflow holding it has its window halved (Raiciu et al., NSDI
 *                                    2012, 4.2); off by default, as in Linux upstream
 */
public record StackConfig(boolean mptcp, boolean checksum, int mss, int sendBufferBytes, int receiveBufferBytes,
                          long timeWaitNanos, long delayedAckNanos, long minRtoNanos, long initialRtoNanos,
                          boolean timestamps, boolean sack, String pathManager, int subflowsLimit, String congestionControl,
                          String scheduler, int ndiffports, int addAddrAcceptedLimit, boolean allowJoinInitialAddress,
                          int announcePort, int staleLossCount, boolean opportunisticRetransmission) {

    public static final long MS = 1_000_000L;

    /** The highest value of either limit, as Linux's MPTCP_PM_ADDR_MAX ("limit greater than maximum (8)"). */
    public static final int LIMIT_MAX = 8;

    /** The names of the limits, as {@code ip mptcp limits set} spells them. */
    public static final java.util.List<String> LIMIT_NAMES = java.util.List.of("subflows", "add_addr_accepted");

    public StackConfig {
        java.util.Objects.requireNonNull(pathManager, "pathManager");
        checkLimit("subflows", subflowsLimit);
        checkLimit("add_addr_accepted", addAddrAcceptedLimit);
        if (announcePort != -1 && (announcePort < 1 || announcePort > 65535)) {
            throw new IllegalArgumentException("announce port " + announcePort + " is outside 1 to 65535 (-1: none)");
        }
        if (staleLossCount < 0) {
            throw new IllegalArgumentException("stale_loss_cnt " + staleLossCount + " is negative (0 turns it off)");
        }
    }

    private static void checkLimit(String name, int v) {
        if (v < 0 || v > LIMIT_MAX) {
            throw new IllegalArgumentException(name + " limit " + v + " is outside 0 to " + LIMIT_MAX
                    + " (the kernel's maximum, MPTCP_PM_ADDR_MAX)");
        }
    }

    public static StackConfig defaults() {
        return new StackConfig(true, false, 1460, 4 << 20, 4 << 20, 1000 * MS, 40 * MS, 200 * MS, 1000 * MS,
                true, true, "fullmesh", 7, "newreno", "minrtt", 2, 8, true, -1, 4, false);
    }

    public StackConfig withMptcp(boolean on) {
        return new StackConfig(on, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    public StackConfig withChecksum(boolean on) {
        return new StackConfig(mptcp, on, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    public StackConfig withMss(int v) {
        return new StackConfig(mptcp, checksum, v, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    public StackConfig withBuffers(int send, int receive) {
        return new StackConfig(mptcp, checksum, mss, send, receive, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** Whether the path manager is "fullmesh". */
    public boolean fullMesh() {
        return "fullmesh".equalsIgnoreCase(pathManager.trim());
    }

    /** The path manager of new connections: "fullmesh" when on, "none" (manual: the first subflow only) when off. */
    public StackConfig withFullMesh(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, on ? "fullmesh" : "none", subflowsLimit, congestionControl,
                scheduler, ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** Linux's {@code ip mptcp limits set subflows N}: additional subflows per connection, 0 to {@link #LIMIT_MAX}. */
    public StackConfig withSubflowsLimit(int n) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, n, congestionControl, scheduler, ndiffports,
                addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** Linux's {@code ip mptcp limits set add_addr_accepted M}: peer announcements used per connection, 0 to {@link #LIMIT_MAX}. */
    public StackConfig withAddAddrAcceptedLimit(int m) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, m, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** Both limits, as {@code ip mptcp limits set subflows N add_addr_accepted M}. */
    public StackConfig withLimits(int subflows, int addAddrAccepted) {
        return withSubflowsLimit(subflows).withAddAddrAcceptedLimit(addAddrAccepted);
    }

    /**
     * Whether peers may join our first subflow's address and port (Linux's
     * {@code net.mptcp.allow_join_initial_addr_port}); false sets the C flag of our MP_CAPABLE
     * (RFC 8684 3.1) and refuses such joins.
     */
    public StackConfig withAllowJoinInitialAddress(boolean allow) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allow, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** The port our addresses are announced with (ADD_ADDR with a port, RFC 8684 3.4.1), 1 to 65535, or -1 for none. */
    public StackConfig withAnnouncePort(int port) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, port, staleLossCount, opportunisticRetransmission);
    }

    /** Linux's {@code net.mptcp.stale_loss_cnt}: timeouts in a row with nothing received before a subflow is stale; 0 off. */
    public StackConfig withStaleLossCount(int n) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, n, opportunisticRetransmission);
    }

    public StackConfig withTimeWait(long nanos) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, nanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    public StackConfig withTimestamps(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, on, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** The congestion control of new subflows: one of {@code CongestionControls.NAMES} ("newreno" with HyStart, "reno" without, "cubic", "lia", "olia", "balia"). */
    public StackConfig withCongestionControl(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, name, scheduler, ndiffports,
                addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** The packet scheduler of new connections: one of {@code Schedulers.NAMES} ("minrtt" by default). */
    public StackConfig withScheduler(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, name, ndiffports,
                addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** The path manager of new connections: one of {@code PathManagers.NAMES} ("fullmesh" by default), or "none" for "manual". */
    public StackConfig withPathManager(String name) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, java.util.Objects.requireNonNull(name), subflowsLimit,
                congestionControl, scheduler, ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort,
                staleLossCount, opportunisticRetransmission);
    }

    /** How many subflows in all (the first included) the "ndiffports" path manager keeps open; 2 by default. */
    public StackConfig withNdiffports(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ndiffports needs at least 1 subflow, not " + n);
        }
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler, n,
                addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, opportunisticRetransmission);
    }

    /** Opportunistic retransmission and penalisation (see the record's parameters) on or off. */
    public StackConfig withOpportunisticRetransmission(boolean on) {
        return new StackConfig(mptcp, checksum, mss, sendBufferBytes, receiveBufferBytes, timeWaitNanos, delayedAckNanos,
                minRtoNanos, initialRtoNanos, timestamps, sack, pathManager, subflowsLimit, congestionControl, scheduler,
                ndiffports, addAddrAcceptedLimit, allowJoinInitialAddress, announcePort, staleLossCount, on);
    }
}

package org.mptcplab.stack.pm;

import java.util.List;
import java.util.Map;

import org.mptcplab.stack.wire.IpAddress;

/**
 * What a path manager reads of an MPTCP connection, and the actions it may take. The connection
 * calls its path manager only when a join or an announcement is allowed at all (the handshake is
 * complete, no fallback, not closing), so a path manager needs no protocol state of its own.
 */
public interface PmConnection {
    /** Whether we opened the connection (only the client joins; the server announces, RFC 8684 3.4.1). */
    boolean pmClient();

    /** Our address of the first subflow. */
    IpAddress initialLocal();

    /** The peer's address of the first subflow (its address id 0). */
    IpAddress initialRemote();

    /** Our addresses' ids, in the order the stack got them. */
    List<Integer> localAddressIds();

    /** Our address with id {@code id}, or null when there is none (removed). */
    IpAddress localAddress(int id);

    /** Whether our address {@code localId} reaches {@code remote} directly. */
    boolean routes(int localId, IpAddress remote);

    /** The peer's addresses we know, by its address id (0 is the first subflow's); read-only. */
    Map<Integer, IpAddress> peerAddresses();

    /** Whether the peer asked for no joins to its first address (MP_CAPABLE C flag, RFC 8684 3.1). */
    boolean peerForbidsInitialJoin();

    /**
     * The most additional subflows (the first not counted) this host has in a connection:
     * Linux's {@code ip mptcp limits set subflows N} (StackConfig.subflowsLimit).
     */
    int subflowsLimit();

    /**
     * The connection's subflows besides the first, opened by us or accepted from the peer,
     * including those closing: what the subflows limit counts (Linux's pm.subflows).
     */
    int additionalSubflows();

    /** Subflows from {@code local} to {@code remote} that are not closing (no FIN either way). */
    int liveSubflows(IpAddress local, IpAddress remote);

    /**
     * Opens a subflow (MP_JOIN, RFC 8684 3.2) from our address {@code localId} to the peer's
     * {@code remoteId} (at the port it announced, else its first subflow's), from a new port of
     * ours. Returns false, having opened nothing, when the subflows limit is reached (an event says
     * so, with {@code why}) or the connection cannot take a join now.
     */
    boolean join(long now, int localId, int remoteId, String why);

    /** Announces our address {@code localId} to the peer (ADD_ADDR, RFC 8684 3.4.1), retransmitted until echoed. */
    void announce(long now, int localId);

    /** Asks to be called again ({@link PathManager#onRetry}) after a backoff that grows with each failure. */
    void retryLater(long now);
}

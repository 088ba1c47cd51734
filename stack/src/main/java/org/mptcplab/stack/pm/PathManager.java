package org.mptcplab.stack.pm;

import org.mptcplab.stack.wire.IpAddress;

/**
 * The path manager's questions (Linux net/mptcp/pm.c): at each event of the connection, which
 * subflows to open and which addresses to announce. The connection asks and never decides
 * itself; the manual commands (openSubflow/closeSubflow) work whatever the path manager.
 *
 * <p>Our path managers keep no state (what they need is in the connection), so one instance may
 * serve every connection of a stack. Every method does nothing by default.
 */
public interface PathManager {
    /** Name as used on the CLI and in the UI (one of {@link PathManagers#NAMES}). */
    String name();

    /** The connection is established: as client after the first subflow, as server at the third ACK. */
    default void onEstablished(PmConnection c, long now) {
    }

    /** The peer announced its address {@code remoteId} (ADD_ADDR); client only. */
    default void onPeerAddress(PmConnection c, long now, int remoteId) {
    }

    /** A subflow closed while others remain; {@code abnormal} when reset or timed out, not by FIN. */
    default void onSubflowClosed(PmConnection c, long now, boolean abnormal) {
    }

    /** Our address {@code id} came back (or was added) while the connection runs. */
    default void onLocalAddressAdded(PmConnection c, long now, int id, IpAddress address) {
    }

    /** The time asked for by {@link PmConnection#retryLater} has come. */
    default void onRetry(PmConnection c, long now) {
    }
}

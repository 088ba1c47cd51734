package org.mptcplab.stack.pm;

import org.mptcplab.stack.wire.IpAddress;

/**
 * N subflows over the first subflow's pair of addresses, each from its own port, as the
 * ndiffports path manager of the out-of-tree Linux MPTCP (for a single path whose ECMP or
 * per-flow queues treat each 4-tuple apart). The client keeps N open, opening again with backoff
 * after a failure and when its address comes back; the server announces nothing, and the peer's
 * announcements are not joined.
 */
public final class NDiffPorts implements PathManager {
    /** Subflows per connection unless configured otherwise. */
    public static final int DEFAULT_N = 2;

    private final int n;

    /** {@code n} subflows in all, the first included; at least 1. */
    public NDiffPorts(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ndiffports needs at least 1 subflow, not " + n);
        }
        this.n = n;
    }

    public int subflows() {
        return n;
    }

    @Override
    public String name() {
        return "ndiffports";
    }

    @Override
    public void onEstablished(PmConnection c, long now) {
        fill(c, now, "ndiffports: " + n + " subflows over the first path");
    }

    @Override
    public void onSubflowClosed(PmConnection c, long now, boolean abnormal) {
        if (abnormal && c.pmClient()) {
            c.retryLater(now);
        }
    }

    @Override
    public void onLocalAddressAdded(PmConnection c, long now, int id, IpAddress address) {
        if (address.equals(c.initialLocal())) {
            fill(c, now, "ndiffports: local address " + address + " is back");
        }
    }

    @Override
    public void onRetry(PmConnection c, long now) {
        fill(c, now, "ndiffports: back to " + n + " subflows after a failed one");
    }

    /** Client: joins until N subflows run from the first subflow's address to the peer's (none while that address is gone). */
    private void fill(PmConnection c, long now, String why) {
        if (!c.pmClient() || c.peerForbidsInitialJoin()) {
            return;
        }
        IpAddress la = c.initialLocal();
        IpAddress ra = c.initialRemote();
        int lid = -1;
        for (int id : c.localAddressIds()) {
            if (la.equals(c.localAddress(id))) {
                lid = id;
            }
        }
        if (lid < 0 || !c.routes(lid, ra)) {
            return;
        }
        for (int have = c.liveSubflows(la, ra); have < n; have++) {
            if (!c.join(now, lid, 0, why)) {
                return; // the subflows limit (said in an event) or no join possible now
            }
        }
    }
}

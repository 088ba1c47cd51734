package org.mptcplab.stack.pm;

import java.util.Map;

import org.mptcplab.stack.wire.IpAddress;

/**
 * Full mesh, as Linux's in-kernel path manager with every endpoint "subflow signal"
 * (net/mptcp/pm_netlink.c, fullmesh): the server announces each of its other addresses of the
 * first subflow's family; the client joins from every local address toward every known peer
 * address it reaches, and after a failure tries again with backoff (path flaps).
 */
public final class FullMesh implements PathManager {
    static final FullMesh INSTANCE = new FullMesh();

    @Override
    public String name() {
        return "fullmesh";
    }

    @Override
    public void onEstablished(PmConnection c, long now) {
        if (c.pmClient()) {
            joinAll(c, now, "full mesh after the handshake");
        } else {
            // Server: announce every other address (RFC 8684 3.4.1), retransmitted until echoed.
            for (int id : c.localAddressIds()) {
                IpAddress a = c.localAddress(id);
                if (!a.equals(c.initialLocal()) && a.byteLength() == c.initialLocal().byteLength()) {
                    c.announce(now, id);
                }
            }
        }
    }

    @Override
    public void onPeerAddress(PmConnection c, long now, int remoteId) {
        joinAll(c, now, "full mesh: the peer announced address id " + remoteId);
    }

    @Override
    public void onSubflowClosed(PmConnection c, long now, boolean abnormal) {
        if (abnormal && c.pmClient()) {
            c.retryLater(now);
        }
    }

    @Override
    public void onLocalAddressAdded(PmConnection c, long now, int id, IpAddress address) {
        if (c.pmClient()) {
            joinAll(c, now, "full mesh: local address " + address + " is back");
        } else if (!address.equals(c.initialLocal()) && address.byteLength() == c.initialLocal().byteLength()) {
            c.announce(now, id);
        }
    }

    @Override
    public void onRetry(PmConnection c, long now) {
        joinAll(c, now, "full mesh: rejoin after a failed subflow");
    }

    /** Client: a subflow for each (local address, known peer address) pair that routes and has none. */
    private static void joinAll(PmConnection c, long now, String why) {
        if (!c.pmClient()) {
            return;
        }
        for (Map.Entry<Integer, IpAddress> r : c.peerAddresses().entrySet()) {
            if (r.getKey() == 0 && c.peerForbidsInitialJoin()) {
                continue;
            }
            for (int lid : c.localAddressIds()) {
                IpAddress la = c.localAddress(lid);
                if (la.byteLength() != r.getValue().byteLength() || !c.routes(lid, r.getValue())) {
                    continue;
                }
                // A subflow on its way out (closed after REMOVE_ADDR) does not count: a restored
                // address gets a fresh join (RFC 8684 3.2) while the old one finishes closing.
                // join() refuses beyond the subflows limit and says so once; the rest would be refused too.
                if (c.liveSubflows(la, r.getValue()) == 0 && !c.join(now, lid, r.getKey(), why)) {
                    return;
                }
            }
        }
    }
}

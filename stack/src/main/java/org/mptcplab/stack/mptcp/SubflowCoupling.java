package org.mptcplab.stack.mptcp;

import org.mptcplab.stack.cc.CongestionControl;

/** A subflow's view of its connection's subflows, for the coupled congestion controls (no allocation per call). */
final class SubflowCoupling implements CongestionControl.Coupling {
    private final Subflow self;

    SubflowCoupling(Subflow self) {
        this.self = self;
    }

    @Override
    public int size() {
        return self.conn.subflows.size();
    }

    @Override
    public CongestionControl.SubflowView subflow(int index) {
        return self.conn.subflows.get(index);
    }

    @Override
    public CongestionControl.SubflowView self() {
        return self;
    }
}

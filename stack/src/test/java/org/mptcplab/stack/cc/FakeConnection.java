package org.mptcplab.stack.cc;

import java.util.ArrayList;
import java.util.List;

/** Subflows of a connection as the coupled controllers see them, with fixed RTTs, for unit tests. */
final class FakeConnection {
    static final long MS = 1_000_000L;

    final List<View> views = new ArrayList<>();
    final String algorithm;
    final int mss;

    FakeConnection(String algorithm, int mss) {
        this.algorithm = algorithm;
        this.mss = mss;
    }

    static final class View implements CongestionControl.SubflowView {
        CongestionControl cc;
        long rttNanos;
        boolean active = true;
        final int mss;

        View(int mss) {
            this.mss = mss;
        }

        @Override
        public long cwnd() {
            return cc.cwnd();
        }

        @Override
        public long srttNanos() {
            return rttNanos;
        }

        @Override
        public int mss() {
            return mss;
        }

        @Override
        public boolean activeForCoupling() {
            return active;
        }

        @Override
        public CongestionControl congestionControl() {
            return cc;
        }
    }

    /** Adds a subflow in congestion avoidance with window {@code cwnd} bytes and RTT {@code rttMs}. */
    View add(long cwnd, double rttMs) {
        View v = new View(mss);
        v.rttNanos = (long) (rttMs * MS);
        CongestionControl.Coupling coupling = new CongestionControl.Coupling() {
            @Override
            public int size() {
                return views.size();
            }

            @Override
            public CongestionControl.SubflowView subflow(int index) {
                return views.get(index);
            }

            @Override
            public CongestionControl.SubflowView self() {
                return v;
            }
        };
        v.cc = CongestionControls.create(algorithm, mss, coupling);
        ((NewReno) v.cc).setWindows(cwnd, cwnd);
        views.add(v);
        return v;
    }

    /** The controller of subflow {@code i}, as its class. */
    <T> T cc(int i, Class<T> type) {
        return type.cast(views.get(i).cc);
    }
}

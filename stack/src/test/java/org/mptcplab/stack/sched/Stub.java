package org.mptcplab.stack.sched;

import java.util.ArrayList;
import java.util.List;

/** Hand-built subflow and connection states for scheduler decisions. Times in ms (as ns), sizes in bytes. */
final class Stub {
    static final long MS = 1_000_000L;

    static final class Sf implements SubflowView {
        final int id;
        boolean canSend = true;
        boolean backup;
        int backoff;
        int mss = 1000;
        long cwnd = 10_000;
        long inFlight;
        long sendWindowLeft = 1 << 30;
        long srtt;
        long rttvar;

        Sf(int id, long srttMs) {
            this.id = id;
            this.srtt = srttMs * MS;
        }

        Sf full() {
            inFlight = cwnd;
            return this;
        }

        @Override public int id() { return id; }
        @Override public boolean canSendData() { return canSend; }
        @Override public boolean isBackupInUse() { return backup; }
        @Override public int backoff() { return backoff; }
        @Override public int payloadLimit() { return mss; }
        @Override public int mss() { return mss; }
        @Override public long cwnd() { return cwnd; }
        @Override public long cwndLeft() { return cwnd - inFlight; }
        @Override public long sendWindowLeft() { return sendWindowLeft; }
        @Override public long bytesInFlight() { return inFlight; }
        @Override public long srttNanos() { return srtt; }
        @Override public long rttvarNanos() { return rttvar; }
    }

    static final class Conn implements ConnectionView {
        final List<Sf> subflows = new ArrayList<>();
        long sendWindow = 1 << 30;
        long unsent;
        long blocked;
        long now;

        Conn(Sf... sfs) {
            subflows.addAll(List.of(sfs));
        }

        @Override public List<? extends SubflowView> subflowViews() { return subflows; }
        @Override public long sendWindow() { return sendWindow; }
        @Override public long unsentBytes() { return unsent; }
        @Override public long windowBlockedCount() { return blocked; }
        @Override public long nowNanos() { return now; }
    }

    private Stub() {
    }
}

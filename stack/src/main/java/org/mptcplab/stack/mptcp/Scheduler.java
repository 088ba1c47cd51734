package org.mptcplab.stack.mptcp;

/**
 * The scheduler's one question (Linux sched.c, mptcp_subflow_get_send): which subflow gets the
 * next chunk of data (or a reinjection)? Backup subflows only when no regular subflow is usable.
 */
public interface Scheduler {
    String name();

    /** The subflow to carry up to {@code len} bytes now, or null when none can. */
    Subflow pick(MptcpConnection conn, int len);

    /** Lowest smoothed RTT among subflows with room in their congestion and send windows. */
    Scheduler MIN_RTT = new Scheduler() {
        @Override
        public String name() {
            return "minrtt";
        }

        @Override
        public Subflow pick(MptcpConnection conn, int len) {
            Subflow best = null;
            Subflow bestBackup = null;
            boolean regularAlive = false;
            for (Subflow s : conn.subflows) {
                if (!s.canSendData()) {
                    continue;
                }
                boolean backup = s.isBackupInUse();
                if (!backup && s.backoff < 2) {
                    regularAlive = true;
                }
                int need = Math.min(len, s.payloadLimit());
                if (s.cwndLeft() < need || s.sendWindowLeft() < need) {
                    continue;
                }
                if (backup) {
                    if (bestBackup == null || s.srttNanos() < bestBackup.srttNanos()) {
                        bestBackup = s;
                    }
                } else if (best == null || s.srttNanos() < best.srttNanos()) {
                    best = s;
                }
            }
            if (best != null) {
                return best;
            }
            return regularAlive ? null : bestBackup;
        }
    };
}

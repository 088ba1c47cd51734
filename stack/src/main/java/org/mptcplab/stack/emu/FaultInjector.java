package org.mptcplab.stack.emu;

/**
 * Faults a path direction injects into the datagrams entering it, each with its own probability
 * (0 to 1), drawn from the direction's seeded random stream (after smoltcp's
 * {@code phy/fault_injector.rs}). Applied after the middlebox and before loss, queue and delay.
 *
 * @param drop              drop the datagram (counted apart from link loss)
 * @param duplicate         send a second copy right behind it (the copy also takes link time)
 * @param reorder           hold the datagram back by {@code reorderDelayNanos}, outside the
 *                          link's first-in first-out rule, so that later ones overtake it
 * @param reorderDelayNanos extra delay of a held-back datagram
 * @param corrupt           flip one random bit, leaving every checksum as it was (wrong): within
 *                          the TCP segment of a TCP datagram, so the receiver's TCP checksum
 *                          check catches it, anywhere in any other datagram
 * @param rewritePayload    change one random TCP payload byte and fix the TCP checksum, as an
 *                          application-level gateway would: only MPTCP's DSS checksum can tell
 *                          (segments without payload are left alone)
 */
public record FaultInjector(double drop, double duplicate, double reorder, long reorderDelayNanos, double corrupt,
                            double rewritePayload) {

    /** No faults. */
    public static final FaultInjector NONE = new FaultInjector(0, 0, 0, 0, 0, 0);

    public FaultInjector {
        check("drop", drop);
        check("duplicate", duplicate);
        check("reorder", reorder);
        check("corrupt", corrupt);
        check("rewritePayload", rewritePayload);
        if (reorderDelayNanos < 0 || reorderDelayNanos > LinkConfig.MAX_TIME_NANOS) {
            throw new IllegalArgumentException("reorder delay " + reorderDelayNanos + " ns is outside 0 to "
                    + LinkConfig.MAX_TIME_NANOS + " ns");
        }
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " probability " + p + " is outside 0 to 1");
        }
    }

    public FaultInjector withDrop(double p) {
        return new FaultInjector(p, duplicate, reorder, reorderDelayNanos, corrupt, rewritePayload);
    }

    public FaultInjector withDuplicate(double p) {
        return new FaultInjector(drop, p, reorder, reorderDelayNanos, corrupt, rewritePayload);
    }

    public FaultInjector withReorder(double p, long delayNanos) {
        return new FaultInjector(drop, duplicate, p, delayNanos, corrupt, rewritePayload);
    }

    public FaultInjector withCorrupt(double p) {
        return new FaultInjector(drop, duplicate, reorder, reorderDelayNanos, p, rewritePayload);
    }

    public FaultInjector withRewritePayload(double p) {
        return new FaultInjector(drop, duplicate, reorder, reorderDelayNanos, corrupt, p);
    }

    /** True when no fault can happen. */
    public boolean isNone() {
        return drop == 0 && duplicate == 0 && reorder == 0 && corrupt == 0 && rewritePayload == 0;
    }
}

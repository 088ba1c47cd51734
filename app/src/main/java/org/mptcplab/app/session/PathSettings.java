package org.mptcplab.app.session;

import java.util.Objects;
import org.mptcplab.stack.emu.LinkConfig;

/**
 * One emulated path of a session as a person sets it: a name ("WiFi", "LTE"), the link in both
 * directions (rate, one-way delay, random loss, drop-tail queue) and whether the client opens its
 * subflow there as a backup (RFC 8684 3.2, the B flag of MP_JOIN).
 *
 * @param rateBps     bits per second, 0 for unlimited
 * @param delayNanos  one-way propagation delay
 * @param loss        random loss probability per packet, 0 to 1
 * @param queueBytes  drop-tail queue limit; 0 picks twice the bandwidth-delay product (as simulate does)
 */
public record PathSettings(String name, long rateBps, long delayNanos, double loss, long queueBytes, boolean backup) {
    public PathSettings {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a path needs a name");
        }
        // LinkConfig checks ranges and says what is wrong in words.
        new LinkConfig(rateBps, delayNanos, 0, loss, queueBytes);
    }

    /** The link of each direction as the emulator runs it. */
    public LinkConfig link() {
        return org.mptcplab.stack.sim.Scenario.withDefaultQueue(new LinkConfig(rateBps, delayNanos, 0, loss, queueBytes));
    }

    public PathSettings withRate(long bps) {
        return new PathSettings(name, bps, delayNanos, loss, queueBytes, backup);
    }

    public PathSettings withDelay(long nanos) {
        return new PathSettings(name, rateBps, nanos, loss, queueBytes, backup);
    }

    public PathSettings withLoss(double p) {
        return new PathSettings(name, rateBps, delayNanos, p, queueBytes, backup);
    }

    public PathSettings withQueue(long bytes) {
        return new PathSettings(name, rateBps, delayNanos, loss, bytes, backup);
    }

    public PathSettings withBackup(boolean b) {
        return new PathSettings(name, rateBps, delayNanos, loss, queueBytes, b);
    }

    /** The CLI spelling of the link, e.g. {@code 20mbit,10ms,loss=1%}. */
    public String linkSpec() {
        return new LinkConfig(rateBps, delayNanos, 0, loss, queueBytes).toSpec();
    }
}

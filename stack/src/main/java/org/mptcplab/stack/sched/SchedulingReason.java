package org.mptcplab.stack.sched;

import java.util.List;
import java.util.Locale;

/**
 * Why a chunk went on the subflow it went on, or why the scheduler sent nothing: what each
 * {@link Scheduler#pick} says besides its choice ({@link Scheduler#reason()}), so that the window
 * and the CLI can tell which subflow carried what and why. An enum, so that saying it allocates
 * nothing; the connection counts the chunks each subflow carried per reason
 * ({@link SchedulingCounts}).
 */
public enum SchedulingReason {
    /** minRTT's choice (Linux's default scheduler): the lowest smoothed RTT of all, with room. */
    LOWEST_RTT(true, "lowest RTT"),
    /**
     * A faster subflow had no room in its congestion or send window, so the chunk went on the
     * fastest one with room (the papers' "the fast subflow is not available").
     */
    FASTER_FULL(true, "faster subflow's window full"),
    /** Round-robin: this subflow's turn. */
    ROUND_ROBIN_TURN(true, "its turn (round-robin)"),
    /** A backup subflow: no regular subflow is usable (RFC 8684 3.3.8). */
    BACKUP_NO_REGULAR(true, "backup, no regular subflow usable"),
    /** Data another subflow had carried, sent again here (RFC 8684 3.3.6). */
    REINJECTION(true, "reinjection"),
    /**
     * The segment holding the connection-level window, sent again here (Raiciu et al., NSDI 2012,
     * 4.2, opportunistic retransmission).
     */
    OPPORTUNISTIC_RETRANSMISSION(true, "opportunistic retransmission"),
    /** The redundant policy's copy of a chunk another subflow carried. */
    REDUNDANT_COPY(true, "redundant copy"),
    /**
     * BLEST held the chunk back rather than send it here: on this slower subflow it could block
     * the faster one at the connection-level send window (Ferlin et al. 2016, eq. 2).
     */
    BLEST_WOULD_BLOCK(false, "BLEST: sending here could block the faster subflow"),
    /**
     * ECF held the chunk back rather than send it here: waiting for the faster subflow completes
     * the transfer sooner (Lim et al. 2017, Algorithm 1).
     */
    ECF_WAIT_FOR_FASTER(false, "ECF: waiting for the faster subflow finishes sooner"),
    /** Nothing sent: no usable subflow has room in its windows. */
    NO_ROOM(false, "no subflow has room");

    /** How many reasons there are (no {@code values()} array per use). */
    public static final int COUNT = values().length;
    private static final SchedulingReason[] ALL = values();

    private final boolean carries;
    private final String words;

    SchedulingReason(boolean carries, String words) {
        this.carries = carries;
        this.words = words;
    }

    /** Whether a chunk went out for this reason (else the scheduler held data back or could not send). */
    public boolean carries() {
        return carries;
    }

    /** The reason in a few words, for the window and the CLI's text report. */
    public String words() {
        return words;
    }

    /** The JSON key: the name in lower case ("lowest_rtt"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the scheduler chose to wait for a faster subflow (BLEST or ECF). */
    public boolean heldBack() {
        return this == BLEST_WOULD_BLOCK || this == ECF_WAIT_FOR_FASTER;
    }

    static SchedulingReason of(int ordinal) {
        return ALL[ordinal];
    }

    /** Every reason, in declaration order. */
    public static List<SchedulingReason> all() {
        return List.of(ALL);
    }
}

package org.mptcplab.stack.apps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stall around one event (a path going down), fed by hand. */
class BulkSinkRecoveryTest {
    private static final long MS = 1_000_000L;

    @Test
    void theGapSpanningTheEventCountsAndGapsAfterTheRecoveryDoNot() {
        // Last delivery 5 ms before the event at 100 ms; the sender had sent 1000 bytes by then.
        BulkSink.Recovery r = new BulkSink.Recovery(100 * MS, 1000, 95 * MS);
        assertThat(r.stallNanos(120 * MS)).as("still open: the gap so far").isEqualTo(25 * MS);
        r.delivered(150 * MS, 600);  // 55 ms after the last delivery before the event
        r.delivered(160 * MS, 900);
        r.delivered(230 * MS, 1000); // 70 ms: the longest, and the recovery
        assertThat(r.recoveredAt()).isEqualTo(230 * MS);
        r.delivered(900 * MS, 5000); // a later gap is not this event's
        assertThat(r.stallNanos(1000 * MS)).isEqualTo(70 * MS);
    }

    @Test
    void neverRecoveredCountsTheGapOpenAtTheEndOfTheRun() {
        BulkSink.Recovery r = new BulkSink.Recovery(100 * MS, 1000, 100 * MS);
        r.delivered(110 * MS, 500);
        assertThat(r.recoveredAt()).isEqualTo(-1);
        assertThat(r.stallNanos(2000 * MS)).isEqualTo(1890 * MS);
    }
}

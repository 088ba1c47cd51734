package org.mptcplab.app.viewmodel;

import org.mptcplab.stack.mptcp.SubflowSnapshot;

/** A subflow's state as the topology and the cards say it (RFC 8684 terms, few words). */
public final class SubflowWords {
    /** What the topology colours by. */
    public enum Look { OPENING, ESTABLISHED, BACKUP, CLOSING, FAILED }

    private SubflowWords() {
    }

    public static Look look(SubflowSnapshot sf) {
        return switch (sf.state()) {
            case SYN_SENT, SYN_RECEIVED -> Look.OPENING;
            case ESTABLISHED -> sf.backup() ? Look.BACKUP : Look.ESTABLISHED;
            case CLOSED -> sf.closeReason() == null || sf.closeReason().equals("closed") ? Look.CLOSING : Look.FAILED;
            default -> Look.CLOSING;
        };
    }

    public static String state(SubflowSnapshot sf) {
        return switch (look(sf)) {
            case OPENING -> "SYN";
            case ESTABLISHED -> "established";
            case BACKUP -> "backup";
            case CLOSING -> sf.state() == org.mptcplab.stack.mptcp.SubflowState.CLOSED ? "closed" : "closing";
            case FAILED -> "failed";
        };
    }
}

package org.mptcplab.stack.mptcp;

/** TCP states of a subflow (RFC 9293 3.3.2); LISTEN lives in the stack's listener table. */
public enum SubflowState {
    SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSED;

    /** States in which data can flow and ACKs are processed normally. */
    public boolean synchronizedState() {
        return this != SYN_SENT && this != SYN_RECEIVED && this != CLOSED;
    }
}

/**
 * Packet schedulers: which subflow carries the next chunk of an MPTCP connection's data. The
 * connection asks its {@link org.mptcplab.stack.sched.Scheduler} and never decides itself; the
 * scheduler sees the connection and its subflows only through the read-only
 * {@link org.mptcplab.stack.sched.ConnectionView} and {@link org.mptcplab.stack.sched.SubflowView}.
 */
package org.mptcplab.stack.sched;

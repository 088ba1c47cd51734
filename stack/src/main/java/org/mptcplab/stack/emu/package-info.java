/**
 * The emulated network: a seeded discrete-event simulation in virtual time (long nanoseconds)
 * that joins hosts' sans-IO {@link org.mptcplab.stack.io.Endpoint}s with point-to-point paths,
 * each direction with a rate, a one-way delay, jitter, random loss, a drop-tail queue, a
 * middlebox and a fault injector (after smoltcp {@code tests/netsim.rs} and quinn-proto
 * {@code tests/util.rs}). The same seed gives the same packets, byte for byte.
 *
 * <p>{@link org.mptcplab.stack.emu.EmulatedNetwork} is single-threaded and never reads a clock;
 * {@link org.mptcplab.stack.emu.RealTimeDriver} runs it against wall time on a thread of its own.
 */
package org.mptcplab.stack.emu;

package org.mptcplab.stack.analyze;

/**
 * Round-trip time samples of one kind in one direction, in nanoseconds. The median is within
 * about 3% (a logarithmic histogram keeps memory bounded); count, minimum and maximum are exact.
 */
public record RttSummary(long samples, long minNanos, long medianNanos, long maxNanos) {
}

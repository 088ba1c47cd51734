package org.mptcplab.stack.observe;

/**
 * A data-sequence mapping as sent (RFC 8684 3.3.1): which data bytes went on which subflow.
 *
 * @param subflowSequence relative subflow sequence number of the first byte (the first data byte is 1)
 * @param reinjected true when this data had been sent on another subflow before
 */
public record MappingRecord(long timeNanos, int token, int subflowId, long dataSequence, int subflowSequence,
                            int length, boolean reinjected) {
}

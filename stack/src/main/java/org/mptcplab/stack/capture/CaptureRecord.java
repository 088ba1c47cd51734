package org.mptcplab.stack.capture;

import java.util.Arrays;
import java.util.Objects;

/**
 * One captured packet.
 *
 * <p>The array is handed over, not copied: the reader keeps no reference to it, so the caller
 * owns it. Equality compares the bytes (a record's default {@code equals} would compare array
 * identity).
 *
 * @param timestampNanos  capture time in nanoseconds since 1970-01-01T00:00:00Z; 0 for a pcapng
 *                        Simple Packet Block, which has no timestamp (draft-ietf-opsawg-pcapng
 *                        section 4.4)
 * @param linkType        link-layer header type of {@code data}, see {@link LinkType}
 * @param capturedLength  number of bytes captured, always {@code data.length}
 * @param originalLength  length of the packet on the wire; larger than {@code capturedLength}
 *                        when the capture truncated it (snaplen)
 * @param fileOffset      byte offset of the pcap record header or pcapng block in the file
 * @param interfaceId     pcapng interface id within its section; 0 for pcap
 * @param data            exactly the captured bytes, starting with the link-layer header
 */
public record CaptureRecord(long timestampNanos, int linkType, int capturedLength, int originalLength,
                            long fileOffset, int interfaceId, byte[] data) {

    public CaptureRecord {
        Objects.requireNonNull(data, "data");
        if (capturedLength != data.length) {
            throw new IllegalArgumentException(
                    "captured length " + capturedLength + " differs from data length " + data.length);
        }
    }

    /** Whether the capture kept less than the whole packet. */
    public boolean isTruncated() {
        return capturedLength < originalLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaptureRecord r
                && timestampNanos == r.timestampNanos
                && linkType == r.linkType
                && capturedLength == r.capturedLength
                && originalLength == r.originalLength
                && fileOffset == r.fileOffset
                && interfaceId == r.interfaceId
                && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampNanos, linkType, capturedLength, originalLength, fileOffset, interfaceId)
                * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CaptureRecord[timestampNanos=" + timestampNanos + ", linkType=" + LinkType.name(linkType)
                + ", capturedLength=" + capturedLength + ", originalLength=" + originalLength
                + ", fileOffset=" + fileOffset + ", interfaceId=" + interfaceId + "]";
    }
}

package org.mptcplab.app.live;

import java.util.Objects;

/**
 * One Ethernet frame on interface {@code iface} (the stack's interface index). The array belongs
 * to whoever holds the record: producers hand it over and do not touch it again.
 */
public record Frame(int iface, byte[] data) {
    public Frame {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
        return "Frame[iface=" + iface + ", " + data.length + " bytes]";
    }
}

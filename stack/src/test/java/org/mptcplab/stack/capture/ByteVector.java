package org.mptcplab.stack.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;

/**
 * Builds test byte vectors field by field, in a chosen byte order, so that every field of a
 * hand-made capture file can carry its own comment. Deliberately independent of the code under
 * test.
 */
final class ByteVector {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    private ByteVector(ByteOrder order) {
        this.order = order;
    }

    static ByteVector le() {
        return new ByteVector(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteVector be() {
        return new ByteVector(ByteOrder.BIG_ENDIAN);
    }

    static ByteVector of(ByteOrder order) {
        return new ByteVector(order);
    }

    /** Switches the order for the fields that follow (pcapng sections can differ). */
    ByteVector order(ByteOrder newOrder) {
        order = newOrder;
        return this;
    }

    ByteVector u8(int v) {
        out.write(v);
        return this;
    }

    ByteVector u16(int v) {
        return order == ByteOrder.BIG_ENDIAN ? u8(v >>> 8).u8(v) : u8(v).u8(v >>> 8);
    }

    ByteVector u32(long v) {
        return order == ByteOrder.BIG_ENDIAN
                ? u16((int) (v >>> 16)).u16((int) v)
                : u16((int) v).u16((int) (v >>> 16));
    }

    ByteVector u64(long v) {
        return order == ByteOrder.BIG_ENDIAN ? u32(v >>> 32).u32(v) : u32(v).u32(v >>> 32);
    }

    /** Raw bytes, written as given whatever the order. */
    ByteVector bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    ByteVector bytes(byte[] values) {
        out.write(values, 0, values.length);
        return this;
    }

    ByteVector zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toArray() {
        return out.toByteArray();
    }
}

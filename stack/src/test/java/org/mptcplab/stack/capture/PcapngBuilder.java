package org.mptcplab.stack.capture;

import java.nio.ByteOrder;

/**
 * Writes pcapng blocks for tests (draft-ietf-opsawg-pcapng): computes block lengths and padding
 * so that tests can state only the fields they care about. Damaged blocks are made with
 * {@link #raw}. Independent of the code under test.
 */
final class PcapngBuilder {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int NRB = 4;
    static final int ISB = 5;
    static final int EPB = 6;
    static final int CUSTOM = 0xBAD;

    private final ByteVector out;
    private ByteOrder order;

    PcapngBuilder(ByteOrder order) {
        this.order = order;
        this.out = ByteVector.of(order);
    }

    int size() {
        return out.size();
    }

    byte[] build() {
        return out.toArray();
    }

    /** A version 1.0 SHB with unknown section length and no options. */
    PcapngBuilder shb() {
        return shb(order, 1, 0, -1L, new byte[0]);
    }

    /** An SHB that switches this and the following blocks to {@code newOrder}. */
    PcapngBuilder shb(ByteOrder newOrder, int major, int minor, long sectionLength, byte[] options) {
        order = newOrder;
        out.order(newOrder);
        ByteVector body = ByteVector.of(order)
                .u32(0x1A2B3C4D)        // byte-order magic
                .u16(major).u16(minor)  // version
                .u64(sectionLength)     // section length
                .bytes(options);
        return block(SHB, body.toArray());
    }

    PcapngBuilder idb(int linkType, long snapLen, byte[] options) {
        ByteVector body = ByteVector.of(order)
                .u16(linkType).u16(0)   // link type, reserved
                .u32(snapLen)           // snaplen
                .bytes(options);
        return block(IDB, body.toArray());
    }

    PcapngBuilder idb(int linkType, long snapLen) {
        return idb(linkType, snapLen, new byte[0]);
    }

    PcapngBuilder epb(long interfaceId, long timestamp, byte[] data, long originalLength, byte[] options) {
        ByteVector body = ByteVector.of(order)
                .u32(interfaceId)
                .u32(timestamp >>> 32).u32(timestamp)   // timestamp high, low
                .u32(data.length).u32(originalLength)   // captured, original length
                .bytes(data).zeros(pad(data.length))
                .bytes(options);
        return block(EPB, body.toArray());
    }

    PcapngBuilder epb(long interfaceId, long timestamp, byte[] data) {
        return epb(interfaceId, timestamp, data, data.length, new byte[0]);
    }

    PcapngBuilder pb(int interfaceId, int drops, long timestamp, byte[] data, long originalLength) {
        ByteVector body = ByteVector.of(order)
                .u16(interfaceId).u16(drops)
                .u32(timestamp >>> 32).u32(timestamp)
                .u32(data.length).u32(originalLength)
                .bytes(data).zeros(pad(data.length));
        return block(PB, body.toArray());
    }

    PcapngBuilder spb(long originalLength, byte[] data) {
        ByteVector body = ByteVector.of(order)
                .u32(originalLength)
                .bytes(data).zeros(pad(data.length));
        return block(SPB, body.toArray());
    }

    /** A well-formed block of any type around {@code body} (padded to 32 bits here). */
    PcapngBuilder block(int type, byte[] body) {
        long length = 12L + body.length + pad(body.length);
        return raw(type, length, body, length);
    }

    /** A block with lengths exactly as given (the body is padded to 32 bits). */
    PcapngBuilder raw(int type, long length, byte[] body, long trailer) {
        out.u32(type).u32(length).bytes(body).zeros(pad(body.length)).u32(trailer);
        return this;
    }

    /** Raw bytes at the current position (truncated blocks and other damage). */
    PcapngBuilder bytes(byte[] bytes) {
        out.bytes(bytes);
        return this;
    }

    /** One option (section 3.5): code, length, value padded to 32 bits. */
    static byte[] option(ByteOrder order, int code, byte[] value) {
        return ByteVector.of(order).u16(code).u16(value.length).bytes(value).zeros(pad(value.length)).toArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteVector v = ByteVector.le();
        for (byte[] p : parts) {
            v.bytes(p);
        }
        return v.toArray();
    }

    static int pad(int length) {
        return (4 - (length & 3)) & 3;
    }
}

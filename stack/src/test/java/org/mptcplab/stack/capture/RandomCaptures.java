package org.mptcplab.stack.capture;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but valid capture files together with the records a correct reader must return, for
 * the property tests. Everything is derived from one seed, so a failing input is reproducible.
 * Expected timestamps are computed with BigInteger, independently of the reader's fast paths.
 */
final class RandomCaptures {

    record Generated(byte[] bytes, List<CaptureRecord> expected, int sections) {
        @Override
        public String toString() {
            return "Generated[" + bytes.length + " bytes, " + expected.size() + " records, " + sections + " sections]";
        }
    }

    private static final int[] LINK_TYPES = {
        LinkType.NULL, LinkType.ETHERNET, LinkType.PPP, LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, 147,
    };
    private static final int[] OTHER_BLOCK_TYPES = {4, 5, 9, 10, 0xBAD, 0x40000BAD, 0x8000_0001, 0x0000_0007, 0x1234};
    private static final BigInteger NS = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private RandomCaptures() {
    }

    static Generated any(long seed) {
        Random random = new Random(seed);
        return random.nextBoolean() ? pcap(random) : pcapng(random);
    }

    static Generated pcap(Random random) {
        ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        boolean nanos = random.nextBoolean();
        int linkType = LINK_TYPES[random.nextInt(LINK_TYPES.length)];
        long snapLen = random.nextInt(4) == 0 ? 1 + random.nextInt(200) : 262_144;
        ByteVector v = PcapReaderTest.header(order, nanos, snapLen, linkType);
        List<CaptureRecord> expected = new ArrayList<>();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            int captured = random.nextInt((int) Math.min(snapLen, 300) + 1);
            long original = captured + (random.nextBoolean() ? 0 : random.nextInt(2000));
            long seconds = random.nextLong() & 0xFFFF_FFFFL;
            long fraction = random.nextInt(nanos ? 1_000_000_000 : 1_000_000);
            byte[] data = bytes(random, captured);
            long offset = v.size();
            v.u32(seconds).u32(fraction).u32(captured).u32(original).bytes(data);
            expected.add(new CaptureRecord(seconds * 1_000_000_000L + fraction * (nanos ? 1 : 1000), linkType,
                    captured, (int) original, offset, 0, data));
        }
        return new Generated(v.toArray(), expected, 0);
    }

    private record Iface(int linkType, long snapLen, int tsresol, long offsetSeconds) {
    }

    static Generated pcapng(Random random) {
        ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        PcapngBuilder b = new PcapngBuilder(order);
        List<CaptureRecord> expected = new ArrayList<>();
        int sections = 1 + random.nextInt(3);
        for (int s = 0; s < sections; s++) {
            if (s > 0 && random.nextBoolean()) {
                order = order == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            }
            byte[] shbOptions = random.nextBoolean() ? new byte[0]
                    : PcapngBuilder.concat(PcapngBuilder.option(order, 4, bytes(random, random.nextInt(20))), new byte[4]);
            b.shb(order, 1, random.nextInt(4) == 0 ? 2 : 0, random.nextBoolean() ? -1 : 4L * random.nextInt(1000),
                    shbOptions);
            List<Iface> interfaces = new ArrayList<>();
            int blocks = random.nextInt(14);
            for (int i = 0; i < blocks; i++) {
                int kind = random.nextInt(10);
                if (interfaces.isEmpty() || kind < 2) {
                    interfaces.add(idb(random, b, order));
                } else if (kind < 6) {
                    int id = random.nextInt(interfaces.size());
                    expected.add(packet(random, b, order, interfaces.get(id), id, random.nextInt(5) != 0));
                } else if (kind < 8) {
                    Iface iface = interfaces.get(0);
                    long original = random.nextInt(300);
                    long captured = iface.snapLen() == 0 ? original : Math.min(original, iface.snapLen());
                    byte[] data = bytes(random, (int) captured);
                    long offset = b.size();
                    b.spb(original, data);
                    expected.add(new CaptureRecord(0, iface.linkType(), (int) captured, (int) original, offset, 0, data));
                } else {
                    int type = OTHER_BLOCK_TYPES[random.nextInt(OTHER_BLOCK_TYPES.length)];
                    b.block(type, bytes(random, random.nextInt(64)));
                }
            }
        }
        return new Generated(b.build(), expected, sections);
    }

    private static Iface idb(Random random, PcapngBuilder b, ByteOrder order) {
        int linkType = LINK_TYPES[random.nextInt(LINK_TYPES.length)];
        long snapLen = random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? 262_144 : 1 + random.nextInt(400);
        int tsresol = 6;
        long offsetSeconds = 0;
        ByteVector options = ByteVector.of(order);
        if (random.nextBoolean()) {
            options.bytes(PcapngBuilder.option(order, 2, bytes(random, random.nextInt(12)))); // if_name
        }
        if (random.nextInt(3) != 0) {
            tsresol = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(13);                  // 10^-0 .. 10^-12
                case 1 -> random.nextInt(128);                 // any power of ten, even absurd ones
                case 2 -> 0x80 | random.nextInt(41);           // 2^-0 .. 2^-40
                default -> 0x80 | random.nextInt(128);         // any power of two
            };
            options.bytes(PcapngReaderTest.tsresol(order, tsresol));
        }
        if (random.nextInt(3) == 0) {
            offsetSeconds = random.nextInt(2_000_000_001) - 1_000_000_000L;
            options.bytes(PcapngReaderTest.tsoffset(order, offsetSeconds));
        }
        if (random.nextBoolean()) {
            options.u32(0); // opt_endofopt is optional for readers (section 3.5)
        }
        b.idb(linkType, snapLen, options.toArray());
        return new Iface(linkType, snapLen, tsresol, offsetSeconds);
    }

    private static CaptureRecord packet(Random random, PcapngBuilder b, ByteOrder order, Iface iface, int id,
                                        boolean enhanced) {
        long room = iface.snapLen() == 0 ? 300 : Math.min(iface.snapLen(), 300);
        int captured = random.nextInt((int) room + 1);
        long original = captured + (random.nextBoolean() ? 0 : random.nextInt(3000));
        byte[] data = bytes(random, captured);
        long units = random.nextLong();
        BigInteger nanos = nanos(units, iface);
        while (nanos.compareTo(MIN) < 0 || nanos.compareTo(MAX) > 0) {
            units >>>= 1 + random.nextInt(8);
            nanos = nanos(units, iface);
        }
        long offset = b.size();
        if (enhanced) {
            byte[] options = random.nextBoolean() ? new byte[0]
                    : PcapngBuilder.concat(PcapngBuilder.option(order, 2, ByteVector.of(order).u32(1).toArray()),
                    new byte[4]); // epb_flags: inbound
            b.epb(id, units, data, original, options);
        } else if (id <= 0xFFFF) {
            b.pb(id, random.nextInt(0x10000), units, data, original);
        } else {
            b.epb(id, units, data, original, new byte[0]);
        }
        return new CaptureRecord(nanos.longValueExact(), iface.linkType(), captured, (int) original, offset, id, data);
    }

    /** The oracle: floor(units * 10^9 / resolution) + if_tsoffset * 10^9, exactly. */
    static BigInteger nanos(long units, Iface iface) {
        BigInteger u = new BigInteger(Long.toUnsignedString(units)).multiply(NS);
        int exponent = iface.tsresol() & 0x7F;
        BigInteger base = (iface.tsresol() & 0x80) != 0 ? BigInteger.TWO.pow(exponent) : BigInteger.TEN.pow(exponent);
        return u.divide(base).add(BigInteger.valueOf(iface.offsetSeconds()).multiply(NS));
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static final long[] INTERESTING = {
        0, 1, 3, 4, 7, 8, 11, 12, 13, 16, 20, 24, 27, 28, 31, 32, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 262_144, 262_145,
        0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0xFFFF_FFFCL, 0x0A0D0D0AL, 0x1A2B3C4DL, 0x4D3C2B1AL, 0xA1B2C3D4L,
    };

    /** Damages a valid file in 1 to 8 random ways. */
    static byte[] mutate(byte[] original, long seed) {
        Random random = new Random(seed);
        byte[] b = original.clone();
        int count = 1 + random.nextInt(8);
        for (int i = 0; i < count; i++) {
            if (b.length == 0) {
                return b;
            }
            int at = random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> {
                    // An interesting 32-bit value at a 4-aligned position, in either order:
                    // lengths, magics, limits.
                    int aligned = at & ~3;
                    if (aligned + 4 <= b.length) {
                        long v = random.nextInt(4) == 0 ? b.length - aligned : INTERESTING[random.nextInt(INTERESTING.length)];
                        byte[] word = (random.nextBoolean() ? ByteVector.le() : ByteVector.be()).u32(v).toArray();
                        System.arraycopy(word, 0, b, aligned, 4);
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 4 -> { // insert 1..8 random bytes
                    byte[] extra = bytes(random, 1 + random.nextInt(8));
                    b = PcapngBuilder.concat(java.util.Arrays.copyOf(b, at), extra,
                            java.util.Arrays.copyOfRange(b, at, b.length));
                }
                case 5 -> { // delete a range
                    int end = Math.min(b.length, at + 1 + random.nextInt(40));
                    b = PcapngBuilder.concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, end, b.length));
                }
                case 6 -> { // duplicate a range
                    int end = Math.min(b.length, at + 1 + random.nextInt(64));
                    b = PcapngBuilder.concat(java.util.Arrays.copyOf(b, end), java.util.Arrays.copyOfRange(b, at, b.length));
                }
                default -> { // append garbage
                    b = PcapngBuilder.concat(b, bytes(random, 1 + random.nextInt(40)));
                }
            }
        }
        return b;
    }

    /** A valid SHB followed by blocks of random type, length and body: reaches every block parser. */
    static byte[] randomBlocks(long seed) {
        Random random = new Random(seed);
        ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        PcapngBuilder b = new PcapngBuilder(order).shb();
        int[] types = {1, 1, 2, 3, 6, 6, 6, 0x0A0D0D0A, 4, 5, random.nextInt()};
        int n = 1 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            int type = types[random.nextInt(types.length)];
            byte[] body = bytes(random, random.nextInt(48));
            if (random.nextBoolean() && body.length >= 16) {
                // Small field values, so that interface ids and lengths are plausible.
                ByteVector fields = ByteVector.of(order);
                for (int f = 0; f < 4; f++) {
                    fields.u32(random.nextInt(40));
                }
                System.arraycopy(fields.toArray(), 0, body, 0, 16);
            }
            if (type == 0x0A0D0D0A && body.length >= 4) {
                byte[] bom = (random.nextBoolean() ? ByteVector.le() : ByteVector.be()).u32(0x1A2B3C4D).toArray();
                System.arraycopy(bom, 0, body, 0, 4);
            }
            if (random.nextInt(4) == 0) {
                long length = random.nextInt(4) == 0 ? random.nextLong() & 0xFFFF_FFFFL : random.nextInt(80);
                b.raw(type, length, body, random.nextBoolean() ? length : random.nextInt(80));
            } else {
                b.block(type, body);
            }
        }
        return b.build();
    }

    /** Random bytes behind one of the magic numbers (or none). */
    static byte[] randomBytes(long seed) {
        Random random = new Random(seed);
        long[] magics = {0xA1B2C3D4L, 0xD4C3B2A1L, 0xA1B23C4DL, 0x4D3CB2A1L, 0x0A0D0D0AL, random.nextInt()};
        long magic = magics[random.nextInt(magics.length)];
        ByteVector v = ByteVector.be().u32(magic);
        if (magic == 0x0A0D0D0AL && random.nextInt(4) != 0) {
            // Get past the byte-order check so that the random rest reaches the block walker.
            v.bytes(bytes(random, 4)).u32(random.nextBoolean() ? 0x1A2B3C4D : 0x4D3C2B1A);
        }
        return v.bytes(bytes(random, random.nextInt(300))).toArray();
    }
}

package org.mptcplab.stack.wire;

import java.util.List;

/**
 * The MPTCP option (TCP option kind 30, RFC 8684 section 3): one record per subtype and form.
 * {@link #parse} matches (subtype, length) against the exact lengths of RFC 8684 (and the RFC 6824
 * v0 forms seen in old captures) and rejects anything else with an error that says what and where.
 */
public sealed interface MptcpOption extends TcpOption {
    int MP_CAPABLE = 0;
    int MP_JOIN = 1;
    int DSS = 2;
    int ADD_ADDR = 3;
    int REMOVE_ADDR = 4;
    int MP_PRIO = 5;
    int MP_FAIL = 6;
    int MP_FASTCLOSE = 7;
    int MP_TCPRST = 8;
    int MP_EXPERIMENTAL = 0xf;

    /** The 4-bit subtype in the high nibble of byte 2. */
    int subtype();

    @Override
    default int kind() {
        return KIND_MPTCP;
    }

    /** RFC 8684 name of a subtype, e.g. "MP_CAPABLE". */
    static String subtypeName(int subtype) {
        return switch (subtype) {
            case MP_CAPABLE -> "MP_CAPABLE";
            case MP_JOIN -> "MP_JOIN";
            case DSS -> "DSS";
            case ADD_ADDR -> "ADD_ADDR";
            case REMOVE_ADDR -> "REMOVE_ADDR";
            case MP_PRIO -> "MP_PRIO";
            case MP_FAIL -> "MP_FAIL";
            case MP_FASTCLOSE -> "MP_FASTCLOSE";
            case MP_TCPRST -> "MP_TCPRST";
            case MP_EXPERIMENTAL -> "MP_EXPERIMENTAL";
            default -> "UNKNOWN_" + subtype;
        };
    }

    private static void header(byte[] b, int off, int length, int subtype, int lowNibble) {
        b[off] = KIND_MPTCP;
        b[off + 1] = (byte) length;
        b[off + 2] = (byte) ((subtype << 4) | (lowNibble & 0xf));
    }

    /**
     * Parses one MPTCP option. {@code off} is where the kind byte is; {@code length} is the option's
     * length byte, already checked by the caller to fit in the buffer and to be at least 2.
     */
    static MptcpOption parse(byte[] b, int off, int length) throws MalformedPacketException {
        if (length < 3) {
            throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                    "MPTCP option length " + length + " at offset " + off + ": expected at least 3");
        }
        int subtype = (b[off + 2] & 0xff) >>> 4;
        int low = b[off + 2] & 0xf;
        switch (subtype) {
            case MP_CAPABLE: {
                expect(length, off, "MP_CAPABLE", 4, 12, 20, 22, 24);
                int flags = Bytes.u8(b, off + 3);
                long sk = length >= 12 ? Bytes.i64(b, off + 4) : 0;
                long rk = length >= 20 ? Bytes.i64(b, off + 12) : 0;
                int dll = length >= 22 ? Bytes.u16(b, off + 20) : -1;
                int csum = length == 24 ? Bytes.u16(b, off + 22) : -1;
                return new MpCapable(low, flags, length, sk, rk, dll, csum);
            }
            case MP_JOIN: {
                expect(length, off, "MP_JOIN", 12, 16, 24);
                boolean backup = (low & 1) != 0;
                if (length == 12) {
                    return new MpJoinSyn(backup, Bytes.u8(b, off + 3), Bytes.i32(b, off + 4), Bytes.i32(b, off + 8));
                } else if (length == 16) {
                    return new MpJoinSynAck(backup, Bytes.u8(b, off + 3), Bytes.i64(b, off + 4), Bytes.i32(b, off + 12));
                }
                return new MpJoinAck(Bytes.copy(b, off + 4, 20));
            }
            case DSS:
                return Dss.parse(b, off, length);
            case ADD_ADDR:
                return AddAddr.parse(b, off, length, low);
            case REMOVE_ADDR: {
                if (length < 4) {
                    throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                            "REMOVE_ADDR option length " + length + " at offset " + off + ": expected at least 4 (3 + one address id)");
                }
                Integer[] ids = new Integer[length - 3];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = Bytes.u8(b, off + 3 + i);
                }
                return new RemoveAddr(List.of(ids));
            }
            case MP_PRIO:
                // v1 is 3 bytes; RFC 6824 (v0) allowed a 4th byte with an address id.
                expect(length, off, "MP_PRIO", 3, 4);
                return new MpPrio((low & 1) != 0, length == 4 ? Bytes.u8(b, off + 3) : -1);
            case MP_FAIL:
                expect(length, off, "MP_FAIL", 12);
                return new MpFail(Bytes.i64(b, off + 4));
            case MP_FASTCLOSE:
                expect(length, off, "MP_FASTCLOSE", 12);
                return new MpFastclose(Bytes.i64(b, off + 4));
            case MP_TCPRST:
                expect(length, off, "MP_TCPRST", 4);
                return new MpTcpRst(low, Bytes.u8(b, off + 3));
            case MP_EXPERIMENTAL:
                return new Experimental(Bytes.copy(b, off + 2, length - 2));
            default:
                return new UnknownSubtype(subtype, Bytes.copy(b, off + 2, length - 2));
        }
    }

    private static void expect(int length, int off, String name, int... allowed) throws MalformedPacketException {
        for (int a : allowed) {
            if (a == length) {
                return;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < allowed.length; i++) {
            sb.append(i == 0 ? "" : i == allowed.length - 1 ? " or " : ", ").append(allowed[i]);
        }
        throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                name + " option length " + length + " at offset " + off + ": expected " + sb);
    }

    // ------------------------------------------------------------------ MP_CAPABLE

    /**
     * MP_CAPABLE (RFC 8684 3.1). Which fields are present follows from the length: 4 (v1 SYN),
     * 12 (SYN/ACK, or a v0 SYN: the option sender's key), 20 (third ACK: sender's and receiver's
     * keys), 22/24 (first data with the data-level length, and the checksum when negotiated).
     *
     * @param dataLevelLength -1 when absent
     * @param checksum -1 when absent
     */
    record MpCapable(int version, int flags, int length, long senderKey, long receiverKey, int dataLevelLength,
                     int checksum) implements MptcpOption {
        /** A: checksum required. */
        public static final int FLAG_A = 0x80;
        /** B: extensibility; must be 0 in v1. */
        public static final int FLAG_B = 0x40;
        /** C: do not join to my initial address and port. */
        public static final int FLAG_C = 0x20;
        /** H: HMAC-SHA256 (v1); the only crypto algorithm defined. */
        public static final int FLAG_H = 0x01;

        public MpCapable {
            if (length != 4 && length != 12 && length != 20 && length != 22 && length != 24) {
                throw new IllegalArgumentException("MP_CAPABLE length must be 4, 12, 20, 22 or 24, not " + length);
            }
        }

        public static MpCapable syn(int flags) {
            return new MpCapable(1, flags, 4, 0, 0, -1, -1);
        }

        public static MpCapable synAck(int flags, long senderKey) {
            return new MpCapable(1, flags, 12, senderKey, 0, -1, -1);
        }

        public static MpCapable ack(int flags, long senderKey, long receiverKey) {
            return new MpCapable(1, flags, 20, senderKey, receiverKey, -1, -1);
        }

        /** Third ACK form with data (RFC 8684 3.1): length 22, or 24 with a checksum (checksum >= 0). */
        public static MpCapable ackWithData(int flags, long senderKey, long receiverKey, int dataLevelLength, int checksum) {
            return new MpCapable(1, flags, checksum >= 0 ? 24 : 22, senderKey, receiverKey, dataLevelLength, checksum);
        }

        public int subtype() {
            return MP_CAPABLE;
        }

        public boolean hasSenderKey() {
            return length >= 12;
        }

        public boolean hasReceiverKey() {
            return length >= 20;
        }

        public boolean hasDataLevelLength() {
            return length >= 22;
        }

        public boolean hasChecksum() {
            return length == 24;
        }

        public boolean checksumRequired() {
            return (flags & FLAG_A) != 0;
        }

        public void emit(byte[] b, int off) {
            header(b, off, length, MP_CAPABLE, version);
            b[off + 3] = (byte) flags;
            if (length >= 12) {
                Bytes.put64(b, off + 4, senderKey);
            }
            if (length >= 20) {
                Bytes.put64(b, off + 12, receiverKey);
            }
            if (length >= 22) {
                Bytes.put16(b, off + 20, dataLevelLength);
            }
            if (length == 24) {
                Bytes.put16(b, off + 22, checksum);
            }
        }
    }

    // ------------------------------------------------------------------ MP_JOIN

    /** MP_JOIN on a SYN (RFC 8684 3.2), length 12. */
    record MpJoinSyn(boolean backup, int addressId, int receiverToken, int senderNonce) implements MptcpOption {
        public int subtype() {
            return MP_JOIN;
        }

        public int length() {
            return 12;
        }

        public void emit(byte[] b, int off) {
            header(b, off, 12, MP_JOIN, backup ? 1 : 0);
            b[off + 3] = (byte) addressId;
            Bytes.put32(b, off + 4, receiverToken);
            Bytes.put32(b, off + 8, senderNonce);
        }
    }

    /** MP_JOIN on a SYN/ACK, length 16: the leftmost 64 bits of the responder's HMAC. */
    record MpJoinSynAck(boolean backup, int addressId, long truncatedHmac, int senderNonce) implements MptcpOption {
        public int subtype() {
            return MP_JOIN;
        }

        public int length() {
            return 16;
        }

        public void emit(byte[] b, int off) {
            header(b, off, 16, MP_JOIN, backup ? 1 : 0);
            b[off + 3] = (byte) addressId;
            Bytes.put64(b, off + 4, truncatedHmac);
            Bytes.put32(b, off + 12, senderNonce);
        }
    }

    /** MP_JOIN on the third ACK, length 24: the leftmost 160 bits of the initiator's HMAC. */
    record MpJoinAck(byte[] hmac) implements MptcpOption {
        public MpJoinAck {
            if (hmac.length != 20) {
                throw new IllegalArgumentException("MP_JOIN ACK HMAC is 20 bytes, not " + hmac.length);
            }
            hmac = hmac.clone();
        }

        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        public int subtype() {
            return MP_JOIN;
        }

        public int length() {
            return 24;
        }

        public void emit(byte[] b, int off) {
            header(b, off, 24, MP_JOIN, 0);
            b[off + 3] = 0;
            System.arraycopy(hmac, 0, b, off + 4, 20);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MpJoinAck other && java.util.Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MpJoinAck[hmac=" + Bytes.hex(hmac) + "]";
        }
    }

    // ------------------------------------------------------------------ DSS

    /**
     * Data Sequence Signal (RFC 8684 3.3). Presence and sizes of the fields follow the flags:
     * A data ACK present, a data ACK is 8 bytes, M mapping present, m DSN is 8 bytes, F DATA_FIN.
     * A 4-byte data ACK or DSN is kept as its 32 bits (zero-extended); widening to 64 bits needs
     * connection state and is the receiver's job.
     *
     * @param subflowSequenceNumber relative: the subflow's first data byte is 1
     * @param dataLevelLength 0 is the infinite mapping (fallback)
     * @param checksum -1 when absent (checksums not negotiated)
     */
    record Dss(int flags, long dataAck, long dataSequenceNumber, int subflowSequenceNumber, int dataLevelLength,
               int checksum) implements MptcpOption {
        public static final int FLAG_DATA_ACK = 0x01;
        public static final int FLAG_DATA_ACK_8 = 0x02;
        public static final int FLAG_MAPPING = 0x04;
        public static final int FLAG_DSN_8 = 0x08;
        public static final int FLAG_DATA_FIN = 0x10;

        public Dss {
            if ((flags & ~0x1f) != 0) {
                throw new IllegalArgumentException("DSS flags are 5 bits, not 0x" + Integer.toHexString(flags));
            }
            if (checksum >= 0 && (flags & FLAG_MAPPING) == 0) {
                throw new IllegalArgumentException("a DSS checksum needs a mapping");
            }
        }

        /** A DSS with only a 64-bit data ACK. */
        public static Dss ack(long dataAck) {
            return new Dss(FLAG_DATA_ACK | FLAG_DATA_ACK_8, dataAck, 0, 0, 0, -1);
        }

        /** A DSS with a 64-bit data ACK and a 64-bit-DSN mapping. */
        public static Dss mapping(long dataAck, long dsn, int subflowSeq, int length, int checksum, boolean dataFin) {
            return new Dss(FLAG_DATA_ACK | FLAG_DATA_ACK_8 | FLAG_MAPPING | FLAG_DSN_8 | (dataFin ? FLAG_DATA_FIN : 0),
                    dataAck, dsn, subflowSeq, length, checksum);
        }

        public int subtype() {
            return DSS;
        }

        public boolean hasDataAck() {
            return (flags & FLAG_DATA_ACK) != 0;
        }

        public boolean dataAckIs64() {
            return (flags & FLAG_DATA_ACK_8) != 0;
        }

        public boolean hasMapping() {
            return (flags & FLAG_MAPPING) != 0;
        }

        public boolean dsnIs64() {
            return (flags & FLAG_DSN_8) != 0;
        }

        public boolean dataFin() {
            return (flags & FLAG_DATA_FIN) != 0;
        }

        public boolean hasChecksum() {
            return checksum >= 0;
        }

        /** The infinite mapping (RFC 8684 3.7): a mapping of data-level length 0. */
        public boolean isInfiniteMapping() {
            return hasMapping() && dataLevelLength == 0;
        }

        /** Bytes a DSS with these flags takes on the wire, with or without the checksum field. */
        public static int lengthFor(int flags, boolean checksum) {
            int len = 4;
            if ((flags & FLAG_DATA_ACK) != 0) {
                len += (flags & FLAG_DATA_ACK_8) != 0 ? 8 : 4;
            }
            if ((flags & FLAG_MAPPING) != 0) {
                len += ((flags & FLAG_DSN_8) != 0 ? 14 : 10) + (checksum ? 2 : 0);
            }
            return len;
        }

        public int length() {
            return lengthFor(flags, hasChecksum());
        }

        static Dss parse(byte[] b, int off, int length) throws MalformedPacketException {
            if (length < 4) {
                throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                        "DSS option length " + length + " at offset " + off + ": expected at least 4");
            }
            int flags = Bytes.u8(b, off + 3) & 0x1f;
            int plain = lengthFor(flags, false);
            boolean csum;
            if (length == plain) {
                csum = false;
            } else if ((flags & FLAG_MAPPING) != 0 && length == plain + 2) {
                csum = true;
            } else {
                String expected = (flags & FLAG_MAPPING) != 0 ? plain + " or " + (plain + 2) : Integer.toString(plain);
                throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                        "DSS option length " + length + " at offset " + off + ": flags 0x" + Integer.toHexString(flags)
                                + " need " + expected);
            }
            int p = off + 4;
            long ack = 0;
            if ((flags & FLAG_DATA_ACK) != 0) {
                if ((flags & FLAG_DATA_ACK_8) != 0) {
                    ack = Bytes.i64(b, p);
                    p += 8;
                } else {
                    ack = Bytes.u32(b, p);
                    p += 4;
                }
            }
            long dsn = 0;
            int ssn = 0;
            int dll = 0;
            int ck = -1;
            if ((flags & FLAG_MAPPING) != 0) {
                if ((flags & FLAG_DSN_8) != 0) {
                    dsn = Bytes.i64(b, p);
                    p += 8;
                } else {
                    dsn = Bytes.u32(b, p);
                    p += 4;
                }
                ssn = Bytes.i32(b, p);
                dll = Bytes.u16(b, p + 4);
                p += 6;
                if (csum) {
                    ck = Bytes.u16(b, p);
                }
            }
            return new Dss(flags, ack, dsn, ssn, dll, ck);
        }

        public void emit(byte[] b, int off) {
            write(b, off, flags, dataAck, dataSequenceNumber, subflowSequenceNumber, dataLevelLength, checksum);
        }

        /**
         * Writes the DSS these fields make (as {@link #emit} of the record would, without
         * creating it: the stack sends one per segment) and returns its length.
         */
        public static int write(byte[] b, int off, int flags, long dataAck, long dataSequenceNumber,
                                int subflowSequenceNumber, int dataLevelLength, int checksum) {
            int length = lengthFor(flags, checksum >= 0);
            header(b, off, length, DSS, 0);
            b[off + 3] = (byte) flags;
            int p = off + 4;
            if ((flags & FLAG_DATA_ACK) != 0) {
                if ((flags & FLAG_DATA_ACK_8) != 0) {
                    Bytes.put64(b, p, dataAck);
                    p += 8;
                } else {
                    Bytes.put32(b, p, dataAck);
                    p += 4;
                }
            }
            if ((flags & FLAG_MAPPING) != 0) {
                if ((flags & FLAG_DSN_8) != 0) {
                    Bytes.put64(b, p, dataSequenceNumber);
                    p += 8;
                } else {
                    Bytes.put32(b, p, dataSequenceNumber);
                    p += 4;
                }
                Bytes.put32(b, p, subflowSequenceNumber);
                Bytes.put16(b, p + 4, dataLevelLength);
                p += 6;
                if (checksum >= 0) {
                    Bytes.put16(b, p, checksum);
                }
            }
            return length;
        }
    }

    // ------------------------------------------------------------------ ADD_ADDR

    /**
     * ADD_ADDR (RFC 8684 3.4.1). IP version, port and HMAC presence follow from the length, as in
     * Linux and Wireshark: v4 8/10 (no HMAC: echo, or RFC 6824 v0), 16/18 (HMAC); v6 20/22, 28/30.
     *
     * @param flags the low nibble of byte 2: E (echo) is bit 0; v0 put the IP version there
     * @param port -1 when absent
     * @param hmac rightmost 64 bits of the HMAC; meaningful only when {@code hasHmac}
     */
    record AddAddr(int flags, int addressId, IpAddress address, int port, boolean hasHmac, long hmac)
            implements MptcpOption {
        public static final int FLAG_ECHO = 0x1;

        public static AddAddr announce(int addressId, IpAddress address, int port, long hmac) {
            return new AddAddr(0, addressId, address, port, true, hmac);
        }

        public static AddAddr echo(int addressId, IpAddress address, int port) {
            return new AddAddr(FLAG_ECHO, addressId, address, port, false, 0);
        }

        public int subtype() {
            return ADD_ADDR;
        }

        public boolean echo() {
            return (flags & FLAG_ECHO) != 0;
        }

        public boolean hasPort() {
            return port >= 0;
        }

        public int length() {
            return 4 + address.byteLength() + (hasPort() ? 2 : 0) + (hasHmac ? 8 : 0);
        }

        static AddAddr parse(byte[] b, int off, int length, int low) throws MalformedPacketException {
            boolean v6;
            boolean port;
            boolean hmac;
            switch (length) {
                case 8 -> { v6 = false; port = false; hmac = false; }
                case 10 -> { v6 = false; port = true; hmac = false; }
                case 16 -> { v6 = false; port = false; hmac = true; }
                case 18 -> { v6 = false; port = true; hmac = true; }
                case 20 -> { v6 = true; port = false; hmac = false; }
                case 22 -> { v6 = true; port = true; hmac = false; }
                case 28 -> { v6 = true; port = false; hmac = true; }
                case 30 -> { v6 = true; port = true; hmac = true; }
                default -> throw new MalformedPacketException(MalformedPacketException.Kind.BAD_LENGTH, off,
                        "ADD_ADDR option length " + length + " at offset " + off
                                + ": expected 8, 10, 16, 18 (IPv4) or 20, 22, 28, 30 (IPv6)");
            }
            int id = Bytes.u8(b, off + 3);
            IpAddress addr = v6 ? Ipv6Address.read(b, off + 4) : Ipv4Address.read(b, off + 4);
            int p = off + 4 + (v6 ? 16 : 4);
            int prt = -1;
            if (port) {
                prt = Bytes.u16(b, p);
                p += 2;
            }
            long h = hmac ? Bytes.i64(b, p) : 0;
            return new AddAddr(low, id, addr, prt, hmac, h);
        }

        public void emit(byte[] b, int off) {
            header(b, off, length(), ADD_ADDR, flags);
            b[off + 3] = (byte) addressId;
            address.emit(b, off + 4);
            int p = off + 4 + address.byteLength();
            if (hasPort()) {
                Bytes.put16(b, p, port);
                p += 2;
            }
            if (hasHmac) {
                Bytes.put64(b, p, hmac);
            }
        }
    }

    /** REMOVE_ADDR (RFC 8684 3.4.2): one or more address ids, length 3 + n. */
    record RemoveAddr(List<Integer> addressIds) implements MptcpOption {
        public RemoveAddr {
            addressIds = List.copyOf(addressIds);
            if (addressIds.isEmpty() || addressIds.size() > 37) {
                throw new IllegalArgumentException("REMOVE_ADDR carries 1 to 37 address ids, not " + addressIds.size());
            }
        }

        public int subtype() {
            return REMOVE_ADDR;
        }

        public int length() {
            return 3 + addressIds.size();
        }

        public void emit(byte[] b, int off) {
            header(b, off, length(), REMOVE_ADDR, 0);
            for (int i = 0; i < addressIds.size(); i++) {
                b[off + 3 + i] = (byte) (int) addressIds.get(i);
            }
        }
    }

    /** MP_PRIO (RFC 8684 3.3.8): the backup flag for the subflow it is sent on; v0 had an address id. */
    record MpPrio(boolean backup, int addressId) implements MptcpOption {
        public static MpPrio of(boolean backup) {
            return new MpPrio(backup, -1);
        }

        public int subtype() {
            return MP_PRIO;
        }

        public int length() {
            return addressId >= 0 ? 4 : 3;
        }

        public void emit(byte[] b, int off) {
            header(b, off, length(), MP_PRIO, backup ? 1 : 0);
            if (addressId >= 0) {
                b[off + 3] = (byte) addressId;
            }
        }
    }

    /** MP_FAIL (RFC 8684 3.7), length 12: the DSN where the failed mapping starts. */
    record MpFail(long dataSequenceNumber) implements MptcpOption {
        public int subtype() {
            return MP_FAIL;
        }

        public int length() {
            return 12;
        }

        public void emit(byte[] b, int off) {
            header(b, off, 12, MP_FAIL, 0);
            b[off + 3] = 0;
            Bytes.put64(b, off + 4, dataSequenceNumber);
        }
    }

    /** MP_FASTCLOSE (RFC 8684 3.5), length 12: the option receiver's key. */
    record MpFastclose(long receiverKey) implements MptcpOption {
        public int subtype() {
            return MP_FASTCLOSE;
        }

        public int length() {
            return 12;
        }

        public void emit(byte[] b, int off) {
            header(b, off, 12, MP_FASTCLOSE, 0);
            b[off + 3] = 0;
            Bytes.put64(b, off + 4, receiverKey);
        }
    }

    /**
     * MP_TCPRST (RFC 8684 3.6), length 4: why a subflow was reset.
     *
     * @param flags U V W T bits (T 0x1: transient, the subflow may be retried)
     */
    record MpTcpRst(int flags, int reason) implements MptcpOption {
        public static final int FLAG_TRANSIENT = 0x1;
        public static final int UNSPECIFIED = 0;
        public static final int MPTCP_ERROR = 1;
        public static final int LACK_OF_RESOURCES = 2;
        public static final int ADMINISTRATIVELY_PROHIBITED = 3;
        public static final int TOO_MUCH_OUTSTANDING_DATA = 4;
        public static final int UNACCEPTABLE_PERFORMANCE = 5;
        public static final int MIDDLEBOX_INTERFERENCE = 6;

        public int subtype() {
            return MP_TCPRST;
        }

        public int length() {
            return 4;
        }

        public boolean transientError() {
            return (flags & FLAG_TRANSIENT) != 0;
        }

        /** Name of a reason code as in the RFC 8684 IANA registry. */
        public static String reasonName(int reason) {
            return switch (reason) {
                case UNSPECIFIED -> "unspecified error";
                case MPTCP_ERROR -> "MPTCP-specific error";
                case LACK_OF_RESOURCES -> "lack of resources";
                case ADMINISTRATIVELY_PROHIBITED -> "administratively prohibited";
                case TOO_MUCH_OUTSTANDING_DATA -> "too much outstanding data";
                case UNACCEPTABLE_PERFORMANCE -> "unacceptable performance";
                case MIDDLEBOX_INTERFERENCE -> "middlebox interference";
                default -> "unassigned (" + reason + ")";
            };
        }

        public String reasonName() {
            return reasonName(reason);
        }

        public void emit(byte[] b, int off) {
            header(b, off, 4, MP_TCPRST, flags);
            b[off + 3] = (byte) reason;
        }
    }

    /** Subtype 0xf, private/experimental use: the bytes after kind and length, kept raw. */
    record Experimental(byte[] data) implements MptcpOption {
        public int subtype() {
            return MP_EXPERIMENTAL;
        }

        public int length() {
            return 2 + data.length;
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_MPTCP;
            b[off + 1] = (byte) length();
            System.arraycopy(data, 0, b, off + 2, data.length);
        }

        // Records compare arrays by reference; options are values, so compare contents.
        @Override
        public boolean equals(Object other) {
            return other instanceof Experimental o && java.util.Arrays.equals(data, o.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Experimental[" + "data=" + Bytes.hex(data) + "]";
        }
    }

    /** An unassigned subtype (9 to 14): the bytes after kind and length, kept raw. */
    record UnknownSubtype(int subtype, byte[] data) implements MptcpOption {
        public int length() {
            return 2 + data.length;
        }

        public void emit(byte[] b, int off) {
            b[off] = KIND_MPTCP;
            b[off + 1] = (byte) length();
            System.arraycopy(data, 0, b, off + 2, data.length);
        }

        // Records compare arrays by reference; options are values, so compare contents.
        @Override
        public boolean equals(Object other) {
            return other instanceof UnknownSubtype o && subtype == o.subtype && java.util.Arrays.equals(data, o.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(subtype, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "UnknownSubtype[" + "subtype=" + subtype + ", " + "data=" + Bytes.hex(data) + "]";
        }
    }
}

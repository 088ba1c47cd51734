package org.mptcplab.stack.decode;

import java.util.ArrayList;
import java.util.List;
import org.mptcplab.stack.crypto.MptcpCrypto;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The fields of an MPTCP option, named as in RFC 8684 (snake_case), in wire order. One source for
 * the text and JSON outputs of {@code decode} and for the app's packet views.
 */
public final class OptionFields {
    private OptionFields() {
    }

    /**
     * A named field. {@code value} is a Long/Integer/{@link U64}/Boolean (a JSON number or boolean), a String, or
     * a {@link Hex} for values conventionally shown in hex (keys, tokens, HMACs).
     */
    public record Field(String name, Object value) {
    }

    /** An unsigned 64-bit value (data sequence numbers, data ACKs): a JSON number, printed unsigned. */
    public record U64(long value) {
        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }

    /** A value printed as lower-case hex (a JSON string). */
    public record Hex(String digits) {
        @Override
        public String toString() {
            return digits;
        }
    }

    private static Hex hex64(long v) {
        return new Hex(Bytes.hex64(v));
    }

    private static Hex hex32(int v) {
        return new Hex(String.format("%08x", v));
    }

    private static Hex hex16(int v) {
        return new Hex(String.format("%04x", v));
    }

    /** The option's name: the subtype for MPTCP, else the TCP option name. */
    public static String name(TcpOption o) {
        if (o instanceof MptcpOption m) {
            return MptcpOption.subtypeName(m.subtype());
        }
        if (o instanceof TcpOption.Malformed m) {
            return m.kind() == TcpOption.KIND_MPTCP ? MptcpOption.subtypeName(m.subtype()) : "kind " + m.kind();
        }
        return switch (o.kind()) {
            case TcpOption.KIND_EOL -> "EOL";
            case TcpOption.KIND_NOP -> "NOP";
            case TcpOption.KIND_MSS -> "MSS";
            case TcpOption.KIND_WINDOW_SCALE -> "WS";
            case TcpOption.KIND_SACK_PERMITTED -> "SACK_PERM";
            case TcpOption.KIND_SACK -> "SACK";
            case TcpOption.KIND_TIMESTAMPS -> "TS";
            default -> "kind " + o.kind();
        };
    }

    private static String flagList(int flags, String[] names, int[] bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((flags & bits[i]) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }

    /** Fields of an MPTCP option (or of a malformed one: its raw bytes and the reason). */
    public static List<Field> of(TcpOption o) {
        List<Field> f = new ArrayList<>(8);
        if (o instanceof TcpOption.Malformed m) {
            f.add(new Field("malformed", m.reason()));
            f.add(new Field("raw", new Hex(Bytes.hex(m.raw()))));
            return f;
        }
        if (!(o instanceof MptcpOption)) {
            if (o instanceof TcpOption.Mss m) {
                f.add(new Field("mss", m.mss()));
            } else if (o instanceof TcpOption.WindowScale w) {
                f.add(new Field("shift", w.shift()));
            } else if (o instanceof TcpOption.Timestamps t) {
                f.add(new Field("tsval", t.tsVal()));
                f.add(new Field("tsecr", t.tsEcr()));
            } else if (o instanceof TcpOption.Sack s) {
                StringBuilder sb = new StringBuilder();
                for (TcpOption.SackBlock blk : s.blocks()) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(blk.left() & 0xffffffffL).append('-').append(blk.right() & 0xffffffffL);
                }
                f.add(new Field("blocks", sb.toString()));
            } else if (o instanceof TcpOption.Unknown u) {
                f.add(new Field("data", new Hex(Bytes.hex(u.data()))));
            }
            return f;
        }
        if (o instanceof MptcpOption.MpCapable c) {
            f.add(new Field("version", c.version()));
            f.add(new Field("flags", flagList(c.flags(), new String[] {"A", "B", "C", "D", "E", "F", "G", "H"},
                    new int[] {0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01})));
            if (c.hasSenderKey()) {
                f.add(new Field("sender_key", hex64(c.senderKey())));
                // Derived values help match subflows to connections by eye (RFC 8684 3.1/3.2;
                // v0 used SHA-1, RFC 6824 3.1).
                boolean v0 = c.version() == 0;
                f.add(new Field("sender_token", hex32(v0 ? MptcpCrypto.tokenV0(c.senderKey()) : MptcpCrypto.token(c.senderKey()))));
                f.add(new Field("sender_idsn", hex64(v0 ? MptcpCrypto.idsnV0(c.senderKey()) : MptcpCrypto.idsn(c.senderKey()))));
            }
            if (c.hasReceiverKey()) {
                f.add(new Field("receiver_key", hex64(c.receiverKey())));
            }
            if (c.hasDataLevelLength()) {
                f.add(new Field("data_level_length", c.dataLevelLength()));
            }
            if (c.hasChecksum()) {
                f.add(new Field("checksum", hex16(c.checksum())));
            }
        } else if (o instanceof MptcpOption.MpJoinSyn j) {
            f.add(new Field("form", "SYN"));
            f.add(new Field("backup", j.backup()));
            f.add(new Field("address_id", j.addressId()));
            f.add(new Field("receiver_token", hex32(j.receiverToken())));
            f.add(new Field("sender_nonce", hex32(j.senderNonce())));
        } else if (o instanceof MptcpOption.MpJoinSynAck j) {
            f.add(new Field("form", "SYN/ACK"));
            f.add(new Field("backup", j.backup()));
            f.add(new Field("address_id", j.addressId()));
            f.add(new Field("sender_truncated_hmac", hex64(j.truncatedHmac())));
            f.add(new Field("sender_nonce", hex32(j.senderNonce())));
        } else if (o instanceof MptcpOption.MpJoinAck j) {
            f.add(new Field("form", "ACK"));
            f.add(new Field("sender_hmac", new Hex(Bytes.hex(j.hmac()))));
        } else if (o instanceof MptcpOption.Dss d) {
            f.add(new Field("flags", flagList(d.flags(), new String[] {"F", "m", "M", "a", "A"},
                    new int[] {0x10, 0x08, 0x04, 0x02, 0x01})));
            if (d.hasDataAck()) {
                f.add(new Field(d.dataAckIs64() ? "data_ack" : "data_ack32", new U64(d.dataAck())));
            }
            if (d.hasMapping()) {
                f.add(new Field(d.dsnIs64() ? "data_sequence_number" : "data_sequence_number32", new U64(d.dataSequenceNumber())));
                f.add(new Field("subflow_sequence_number", d.subflowSequenceNumber() & 0xffffffffL));
                f.add(new Field("data_level_length", d.dataLevelLength()));
                if (d.hasChecksum()) {
                    f.add(new Field("checksum", hex16(d.checksum())));
                }
                if (d.isInfiniteMapping()) {
                    f.add(new Field("infinite_mapping", true));
                }
            }
            if (d.dataFin()) {
                f.add(new Field("data_fin", true));
            }
        } else if (o instanceof MptcpOption.AddAddr a) {
            f.add(new Field("echo", a.echo()));
            f.add(new Field("address_id", a.addressId()));
            f.add(new Field("address", a.address().toString()));
            if (a.hasPort()) {
                f.add(new Field("port", a.port()));
            }
            if (a.hasHmac()) {
                f.add(new Field("truncated_hmac", hex64(a.hmac())));
            }
        } else if (o instanceof MptcpOption.RemoveAddr r) {
            f.add(new Field("address_ids", r.addressIds().toString().replace(" ", "")));
        } else if (o instanceof MptcpOption.MpPrio p) {
            f.add(new Field("backup", p.backup()));
            if (p.addressId() >= 0) {
                f.add(new Field("address_id", p.addressId()));
            }
        } else if (o instanceof MptcpOption.MpFail m) {
            f.add(new Field("data_sequence_number", new U64(m.dataSequenceNumber())));
        } else if (o instanceof MptcpOption.MpFastclose m) {
            f.add(new Field("receiver_key", hex64(m.receiverKey())));
        } else if (o instanceof MptcpOption.MpTcpRst r) {
            f.add(new Field("flags", flagList(r.flags(), new String[] {"U", "V", "W", "T"}, new int[] {8, 4, 2, 1})));
            f.add(new Field("reason", r.reason()));
            f.add(new Field("reason_name", r.reasonName()));
        } else if (o instanceof MptcpOption.Experimental e) {
            f.add(new Field("data", new Hex(Bytes.hex(e.data()))));
        } else if (o instanceof MptcpOption.UnknownSubtype u) {
            f.add(new Field("data", new Hex(Bytes.hex(u.data()))));
        }
        return f;
    }
}

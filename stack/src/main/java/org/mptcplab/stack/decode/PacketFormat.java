package org.mptcplab.stack.decode;

import java.util.List;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.EthernetHeader;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpHeader;
import org.mptcplab.stack.wire.TcpOption;

/**
 * One line of text, or one JSON object, per decoded packet: time, addresses, ports, TCP flags,
 * seq/ack, and every MPTCP option with its fields named as in RFC 8684.
 */
public final class PacketFormat {
    private PacketFormat() {
    }

    private static String seconds(long nanos) {
        long s = Math.floorDiv(nanos, 1_000_000_000L);
        long ns = Math.floorMod(nanos, 1_000_000_000L);
        return s + "." + String.format("%09d", ns);
    }

    /** tcpdump-like text line; {@code firstNanos} makes the time relative to the first packet. */
    public static String text(long number, long timestampNanos, long firstNanos, DecodedPacket p) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(number).append(' ').append(seconds(timestampNanos - firstNanos)).append(' ');
        if (p.tcp() != null) {
            TcpHeader t = p.tcp();
            sb.append(addr(p.source().toString(), t.sourcePort())).append(" > ")
                    .append(addr(p.destination().toString(), t.destinationPort()))
                    .append(" [").append(TcpHeader.flagNames(t.flags())).append(']')
                    .append(" seq=").append(t.sequenceNumber() & 0xffffffffL)
                    .append(" ack=").append(t.acknowledgmentNumber() & 0xffffffffL)
                    .append(" win=").append(t.window())
                    .append(" len=").append(p.payloadLength());
            for (TcpOption o : t.options()) {
                if (o instanceof MptcpOption || o instanceof TcpOption.Malformed) {
                    sb.append(' ').append(OptionFields.name(o)).append('(');
                    List<OptionFields.Field> fields = OptionFields.of(o);
                    for (int i = 0; i < fields.size(); i++) {
                        OptionFields.Field f = fields.get(i);
                        if (i > 0) {
                            sb.append(' ');
                        }
                        sb.append(f.name()).append('=');
                        Object v = f.value();
                        sb.append(v instanceof String s && s.indexOf(' ') >= 0 ? '"' + s + '"' : String.valueOf(v));
                    }
                    sb.append(')');
                }
            }
        } else if (p.arp() != null) {
            ArpPacket a = p.arp();
            sb.append("ARP ").append(a.operation() == ArpPacket.REQUEST ? "who-has " + a.targetIp() + " tell " + a.senderIp()
                    : a.operation() == ArpPacket.REPLY ? a.senderIp() + " is-at " + a.senderMac() : "op " + a.operation());
        } else if (p.source() != null) {
            int proto = p.ipv4() != null ? p.ipv4().protocol() : p.ipv6().upperProtocol();
            sb.append(p.source()).append(" > ").append(p.destination()).append(" proto ").append(proto);
            if (p.ipv4() != null && p.ipv4().isFragment()) {
                sb.append(" fragment");
            }
        } else if (p.network() >= 0) {
            sb.append(String.format("ethertype 0x%04x", p.network()));
        } else {
            sb.append("undecoded");
        }
        if (p.error() != null) {
            sb.append(" MALFORMED: ").append(p.error().getMessage());
        }
        return sb.toString();
    }

    private static String addr(String ip, int port) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    /** One JSON object (no trailing newline). */
    public static String json(long number, long timestampNanos, DecodedPacket p) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"number\":").append(number).append(",\"time\":").append(seconds(timestampNanos));
        sb.append(",\"link_type\":").append(p.linkType());
        if (p.ethernet() != null) {
            EthernetHeader e = p.ethernet();
            sb.append(",\"eth_src\":\"").append(e.source()).append("\",\"eth_dst\":\"").append(e.destination()).append('"');
            if (!e.vlanTags().isEmpty()) {
                sb.append(",\"vlan\":").append(e.vlanTags().get(0) & 0xfff);
            }
        }
        if (p.source() != null) {
            sb.append(",\"ip_version\":").append(p.ipv4() != null ? 4 : 6);
            sb.append(",\"src\":\"").append(p.source()).append("\",\"dst\":\"").append(p.destination()).append('"');
        }
        if (p.arp() != null) {
            ArpPacket a = p.arp();
            sb.append(",\"arp\":{\"operation\":").append(a.operation()).append(",\"sender_mac\":\"").append(a.senderMac())
                    .append("\",\"sender_ip\":\"").append(a.senderIp()).append("\",\"target_mac\":\"").append(a.targetMac())
                    .append("\",\"target_ip\":\"").append(a.targetIp()).append("\"}");
        }
        if (p.tcp() != null) {
            TcpHeader t = p.tcp();
            sb.append(",\"sport\":").append(t.sourcePort()).append(",\"dport\":").append(t.destinationPort());
            sb.append(",\"flags\":\"").append(TcpHeader.flagNames(t.flags())).append('"');
            sb.append(",\"seq\":").append(t.sequenceNumber() & 0xffffffffL);
            sb.append(",\"ack\":").append(t.acknowledgmentNumber() & 0xffffffffL);
            sb.append(",\"window\":").append(t.window());
            sb.append(",\"payload_length\":").append(p.payloadLength());
            sb.append(",\"tcp_options\":[");
            boolean first = true;
            for (TcpOption o : t.options()) {
                if (o instanceof MptcpOption || o.kind() == TcpOption.KIND_NOP || o.kind() == TcpOption.KIND_EOL
                        || o instanceof TcpOption.Malformed && o.kind() == TcpOption.KIND_MPTCP) {
                    continue;
                }
                sb.append(first ? "" : ",");
                first = false;
                appendOption(sb, o);
            }
            sb.append("],\"mptcp\":[");
            first = true;
            for (TcpOption o : t.options()) {
                if (o instanceof MptcpOption || o instanceof TcpOption.Malformed && o.kind() == TcpOption.KIND_MPTCP) {
                    sb.append(first ? "" : ",");
                    first = false;
                    appendOption(sb, o);
                }
            }
            sb.append(']');
        }
        if (p.error() != null) {
            sb.append(",\"malformed\":");
            string(sb, p.error().getMessage());
        }
        return sb.append('}').toString();
    }

    private static void appendOption(StringBuilder sb, TcpOption o) {
        sb.append("{\"").append(o instanceof MptcpOption || o.kind() == TcpOption.KIND_MPTCP ? "subtype" : "option")
                .append("\":");
        string(sb, OptionFields.name(o));
        for (OptionFields.Field f : OptionFields.of(o)) {
            sb.append(",\"").append(f.name()).append("\":");
            Object v = f.value();
            if (v instanceof Number || v instanceof Boolean || v instanceof OptionFields.U64) {
                sb.append(v);
            } else {
                string(sb, String.valueOf(v));
            }
        }
        sb.append('}');
    }

    /**
     * Appends a JSON string literal (RFC 8259 escaping). Control characters, U+2028/U+2029 (which
     * break JavaScript consumers) and lone surrogates are escaped; paired surrogates pass through.
     */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pairedHigh) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}

package org.mptcplab.stack.decode;

import java.util.Map;
import java.util.TreeMap;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.TcpOption;

/** Counts over a run of decoded packets: totals, malformed packets and MPTCP options per subtype. */
public final class DecodeStats {
    private long packets;
    private long tcp;
    private long malformed;
    private long malformedOptions;
    private final long[] perSubtype = new long[16];
    private final Map<String, Long> malformedByKind = new TreeMap<>();

    public static boolean hasMptcp(DecodedPacket p) {
        if (p.tcp() == null) {
            return false;
        }
        for (TcpOption o : p.tcp().options()) {
            if (o.kind() == TcpOption.KIND_MPTCP) {
                return true;
            }
        }
        return false;
    }

    /** A packet whose headers failed to decode, or that carries an option breaking its length rule. */
    public static boolean isMalformed(DecodedPacket p) {
        if (p.error() != null) {
            return true;
        }
        if (p.tcp() != null) {
            for (TcpOption o : p.tcp().options()) {
                if (o instanceof TcpOption.Malformed) {
                    return true;
                }
            }
        }
        return false;
    }

    public void add(DecodedPacket p) {
        packets++;
        if (p.error() != null) {
            malformed++;
            malformedByKind.merge(p.error().kind().name(), 1L, Long::sum);
        } else if (isMalformed(p)) {
            malformed++;
            malformedByKind.merge("OPTION", 1L, Long::sum);
        }
        if (p.tcp() == null) {
            return;
        }
        tcp++;
        for (TcpOption o : p.tcp().options()) {
            if (o instanceof MptcpOption m) {
                perSubtype[m.subtype()]++;
            } else if (o instanceof TcpOption.Malformed m && m.kind() == TcpOption.KIND_MPTCP) {
                malformedOptions++;
                if (m.subtype() >= 0) {
                    perSubtype[m.subtype()]++;
                }
            }
        }
    }

    public long packets() {
        return packets;
    }

    public long malformed() {
        return malformed;
    }

    public long malformedOptions() {
        return malformedOptions;
    }

    /** Options seen of a subtype, malformed ones included (as tshark counts them). */
    public long subtype(int subtype) {
        return perSubtype[subtype];
    }

    /**
     * The summary as one JSON object on one line, {@code {"summary":{...}}}, so that
     * {@code decode --json --summary} keeps stdout pure JSON Lines.
     */
    public String summaryJson(long captureErrors, boolean readToEnd) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"summary\":{\"packets\":").append(packets).append(",\"tcp\":").append(tcp)
                .append(",\"malformed_packets\":").append(malformed).append(",\"malformed_by_kind\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : malformedByKind.entrySet()) {
            sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        sb.append("},\"malformed_mptcp_options\":").append(malformedOptions).append(",\"capture_errors\":")
                .append(captureErrors).append(",\"read_to_end\":").append(readToEnd).append(",\"mptcp_subtypes\":{");
        first = true;
        for (int s = 0; s < 16; s++) {
            if (perSubtype[s] > 0) {
                // Subtype names are fixed identifiers (MP_CAPABLE, DSS, ...): nothing to escape.
                sb.append(first ? "" : ",").append('"').append(MptcpOption.subtypeName(s)).append("\":").append(perSubtype[s]);
                first = false;
            }
        }
        return sb.append("}}}").toString();
    }

    public String summary(long captureErrors) {
        StringBuilder sb = new StringBuilder();
        sb.append("packets: ").append(packets).append(" (TCP ").append(tcp).append(")\n");
        sb.append("malformed packets: ").append(malformed);
        if (!malformedByKind.isEmpty()) {
            sb.append(' ').append(malformedByKind);
        }
        sb.append('\n');
        sb.append("malformed MPTCP options: ").append(malformedOptions).append('\n');
        sb.append("capture errors: ").append(captureErrors).append('\n');
        for (int s = 0; s < 16; s++) {
            if (perSubtype[s] > 0) {
                sb.append(MptcpOption.subtypeName(s)).append(": ").append(perSubtype[s]).append('\n');
            }
        }
        return sb.toString();
    }
}

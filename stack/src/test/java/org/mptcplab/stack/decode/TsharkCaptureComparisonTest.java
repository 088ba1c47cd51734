package org.mptcplab.stack.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.testutil.Shared;
import org.mptcplab.stack.testutil.Tshark;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpOption;

/**
 * Every shared capture decodes without an unexpected exception, and for every frame the MPTCP
 * options we find (subtype in order, keys, tokens, DSN, data ACK, address ids, data-level length)
 * equal what tshark's dissector reports for the same file.
 */
class TsharkCaptureComparisonTest {
    static final String[] FIELDS = {"frame.number", "tcp.options.mptcp.subtype", "tcp.options.mptcp.sendkey",
        "tcp.options.mptcp.recvkey", "tcp.options.mptcp.recvtok", "tcp.options.mptcp.rawdataack",
        "tcp.options.mptcp.rawdataseqno", "tcp.options.mptcp.addrid", "tcp.options.mptcp.datalvllen"};

    static Stream<Path> captures() throws Exception {
        return Shared.allCaptures().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void mptcpFieldsEqualTshark(Path file) throws Exception {
        List<String[]> ts = Tshark.fields(file, List.of(), FIELDS);
        Map<Integer, String> expected = new LinkedHashMap<>();
        for (String[] row : ts) {
            expected.put(Integer.parseInt(row[0]), String.join("|", java.util.Arrays.copyOfRange(row, 1, row.length)));
        }
        Map<Integer, String> actual = new LinkedHashMap<>();
        long[] ours = new long[16];
        long[] theirs = new long[16];
        try (CaptureReader reader = CaptureReader.open(file)) {
            int frame = 0;
            CaptureRecord r;
            while ((r = reader.next()) != null) {
                frame++;
                DecodedPacket p = PacketDecoder.decode(r.linkType(), r.data());
                actual.put(frame, String.join("|", ourFields(p, ours)));
            }
        }
        for (String v : expected.values()) {
            String subtypes = v.split("\\|", -1)[0];
            if (!subtypes.isEmpty()) {
                for (String s : subtypes.split(",")) {
                    theirs[Integer.parseInt(s)]++;
                }
            }
        }
        // Guards against a comparison with nothing (tshark failing to read the file says so here).
        assertThat(expected).as("frames tshark printed for %s", file).isNotEmpty();
        assertThat(ours).as("MPTCP options per subtype in %s (index = subtype)", file).isEqualTo(theirs);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                diffs.add("frame " + e.getKey() + ": tshark [" + e.getValue() + "] ours [" + a + "]");
            }
        }
        assertThat(diffs).as("frames of %s whose MPTCP fields differ from tshark", file).isEmpty();
        assertThat(actual.size()).as("frames read from %s (tshark read %d)", file, expected.size())
                .isGreaterThanOrEqualTo(expected.size());
    }

    /** The same fields tshark prints, in its order of occurrence within the packet. */
    static String[] ourFields(DecodedPacket p, long[] count) {
        List<List<String>> cols = new ArrayList<>();
        for (int i = 0; i < FIELDS.length - 1; i++) {
            cols.add(new ArrayList<>());
        }
        if (p.tcp() != null) {
            for (TcpOption o : p.tcp().options()) {
                if (o instanceof TcpOption.Malformed m && m.kind() == TcpOption.KIND_MPTCP && m.subtype() >= 0) {
                    cols.get(0).add(Integer.toString(m.subtype()));
                    count[m.subtype()]++;
                    // tshark stops dissecting the TCP options at a malformed one.
                    break;
                }
                if (!(o instanceof MptcpOption m)) {
                    continue;
                }
                count[m.subtype()]++;
                cols.get(0).add(Integer.toString(m.subtype()));
                if (m instanceof MptcpOption.MpCapable c) {
                    if (c.hasSenderKey()) {
                        cols.get(1).add(Long.toUnsignedString(c.senderKey()));
                    }
                    if (c.hasReceiverKey()) {
                        cols.get(2).add(Long.toUnsignedString(c.receiverKey()));
                    }
                    if (c.hasDataLevelLength()) {
                        cols.get(7).add(Integer.toString(c.dataLevelLength()));
                    }
                } else if (m instanceof MptcpOption.MpJoinSyn j) {
                    cols.get(3).add(Long.toString(j.receiverToken() & 0xffffffffL));
                    cols.get(6).add(Integer.toString(j.addressId()));
                } else if (m instanceof MptcpOption.MpJoinSynAck j) {
                    cols.get(6).add(Integer.toString(j.addressId()));
                } else if (m instanceof MptcpOption.Dss d) {
                    if (d.hasDataAck()) {
                        cols.get(4).add(Long.toUnsignedString(d.dataAck()));
                    }
                    if (d.hasMapping()) {
                        cols.get(5).add(Long.toUnsignedString(d.dataSequenceNumber()));
                        cols.get(7).add(Integer.toString(d.dataLevelLength()));
                    }
                } else if (m instanceof MptcpOption.AddAddr a) {
                    cols.get(6).add(Integer.toString(a.addressId()));
                } else if (m instanceof MptcpOption.RemoveAddr ra) {
                    for (int id : ra.addressIds()) {
                        cols.get(6).add(Integer.toString(id));
                    }
                } else if (m instanceof MptcpOption.MpPrio pr && pr.addressId() >= 0) {
                    cols.get(6).add(Integer.toString(pr.addressId()));
                } else if (m instanceof MptcpOption.MpFastclose f) {
                    cols.get(2).add(Long.toUnsignedString(f.receiverKey()));
                } else if (m instanceof MptcpOption.MpFail f) {
                    cols.get(5).add(Long.toUnsignedString(f.dataSequenceNumber()));
                }
            }
        }
        String[] out = new String[cols.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = String.join(",", cols.get(i));
        }
        return out;
    }
}

package org.mptcplab.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mptcplab.stack.analyze.Analysis;
import org.mptcplab.stack.analyze.CaptureAnalyzer;
import org.mptcplab.stack.analyze.ConnectionReport;
import org.mptcplab.stack.analyze.DataReport;
import org.mptcplab.stack.analyze.DirectionReport;
import org.mptcplab.stack.analyze.MptcpEvent;
import org.mptcplab.stack.analyze.OneWayDelays;
import org.mptcplab.stack.analyze.PacketError;
import org.mptcplab.stack.analyze.RttSummary;
import org.mptcplab.stack.analyze.Stall;
import org.mptcplab.stack.analyze.SubflowReport;
import org.mptcplab.stack.capture.CaptureError;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.wire.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code analyze FILE [--json]}: the MPTCP connections of a capture, reconstructed and summarised. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Reconstructs the MPTCP connections of a pcap or pcapng capture (v1 and v0,",
            "IPv4 and IPv6, captures that start mid-connection) and summarises each:",
            "token, version, subflows with addresses, address ids, backup flags,",
            "handshake times, bytes and retransmissions per direction, RTT, bytes in",
            "flight and a congestion window estimate; reinjections, the path manager's",
            "signals and other events in time order; the longest stall (the data ACK",
            "not moving with data outstanding) and what happened in it. Times are",
            "seconds from the first packet. Malformed packets and damage in the file",
            "are reported on stderr with where they are; the rest is analysed."},
        footer = {"", "Exit status:",
            "  0  analysed (also a capture without MPTCP, or one whose damage was",
            "     skipped or stopped the reading after some packets: stderr says where)",
            "  1  nothing could be read (not a capture, a broken file header, damage",
            "     before the first packet), or writing output failed",
            "  2  bad arguments"})
public final class AnalyzeCommand implements Callable<Integer> {
    /** Subflows listed per connection in the text summary; --json lists all. */
    static final int TEXT_SUBFLOWS = 50;
    /** Events listed per connection in the text summary; --json lists all that were kept. */
    static final int TEXT_EVENTS = 100;
    /** Errors printed on stderr; the JSON has all that were kept. */
    static final int ERRORS_SHOWN = 20;
    private static final String NAME = "analyze";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "pcap or pcapng file")
    Path file;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--server-side", paramLabel = "FILE2",
            description = {"a capture of the same traffic taken at the server's end (FILE being",
                "the client's): adds one-way delays per subflow and direction"})
    Path serverSide;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            err.println(NAME + ": " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            err.flush();
            return 1;
        }
        Analysis a;
        try {
            a = CaptureAnalyzer.analyze(file);
        } catch (CaptureFormatException e) {
            // The message starts with the file name already.
            err.println(NAME + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        reportErrors(a, err);
        if (a.nothingReadable()) {
            err.println(NAME + ": " + file + ": nothing could be read: no packet before the damage");
            err.flush();
            return 1;
        }
        OneWayDelays.Result delays = null;
        if (serverSide != null) {
            if (!Files.isRegularFile(serverSide)) {
                err.println(NAME + ": --server-side " + serverSide + ": "
                        + (Files.exists(serverSide) ? "not a regular file" : "no such file"));
                err.flush();
                return 1;
            }
            try {
                delays = OneWayDelays.combine(file, serverSide);
            } catch (CaptureFormatException e) {
                err.println(NAME + ": --server-side " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        out.print(json ? json(a, delays) + "\n" : text(a) + delaysText(delays));
        out.flush();
        err.flush();
        return out.checkError() ? 1 : 0;
    }

    /** Where the file and its packets broke, on stderr, as decode says it. */
    private void reportErrors(Analysis a, PrintWriter err) {
        int shown = 0;
        List<CaptureReader.Skip> skips = a.skips();
        int k = 0;
        for (CaptureError e : a.captureErrors()) {
            if (shown == ERRORS_SHOWN) {
                break;
            }
            if (k < skips.size() && skips.get(k).fromOffset() == e.fileOffset() && skips.get(k).reason().equals(e.message())) {
                err.println(NAME + ": " + file + ": " + DecodeCommand.skipped(skips.get(k++)));
            } else {
                err.println(NAME + ": " + file + ": " + e.message());
            }
            shown++;
        }
        if (a.captureErrorCount() > shown) {
            err.println(NAME + ": " + file + ": " + (a.captureErrorCount() - shown) + " more capture errors (--json lists "
                    + a.captureErrors().size() + ")");
        }
        int packetShown = 0;
        for (PacketError e : a.packetErrors()) {
            if (packetShown == ERRORS_SHOWN) {
                break;
            }
            err.println(NAME + ": " + file + ": " + where(e) + ": " + e.message());
            packetShown++;
        }
        if (a.malformedPackets() > packetShown) {
            err.println(NAME + ": " + file + ": " + (a.malformedPackets() - packetShown) + " more malformed packets (--json lists "
                    + a.packetErrors().size() + ")");
        }
        if (!a.readToEnd()) {
            err.println(NAME + ": " + file + ": not read to its end: reading stopped at offset " + a.stoppedAt()
                    + " after " + a.packets() + " packets; what came before is analysed");
        }
        err.flush();
    }

    private static String where(PacketError e) {
        return "packet " + e.record() + " (record at offset " + e.fileOffset() + ")";
    }

    // ------------------------------------------------------------------------------ text

    String text(Analysis a) {
        StringBuilder sb = new StringBuilder(4096);
        long t0 = a.firstNanos();
        sb.append("capture: ").append(file).append('\n');
        sb.append("  ").append(count(a.packets(), "packet")).append(" (").append(fmt(a.tcpPackets())).append(" TCP, ")
                .append(fmt(a.otherPackets())).append(" other, ").append(fmt(a.malformedPackets())).append(" malformed)");
        if (a.packets() > 0) {
            sb.append(", ").append(seconds(a.lastNanos() - t0)).append(" s");
        }
        sb.append('\n');
        int subflows = a.tcpConnections() - a.plainTcpConnections();
        sb.append("  ").append(count(a.tcpConnections(), "TCP connection")).append(": ").append(fmt(subflows))
                .append(" MPTCP subflow").append(subflows == 1 ? "" : "s").append(" in ")
                .append(count(a.connections().size(), "MPTCP connection")).append(", ")
                .append(fmt(a.plainTcpConnections())).append(" plain TCP\n");
        if (a.captureErrorCount() > 0 || a.malformedPackets() > 0 || !a.readToEnd()) {
            sb.append("  damage: ").append(count(a.captureErrorCount(), "capture error")).append(", ")
                    .append(count(a.malformedPackets(), "malformed packet"));
            if (a.bytesSkipped() > 0) {
                sb.append(", ").append(fmt(a.bytesSkipped())).append(" bytes skipped");
            }
            if (!a.readToEnd()) {
                sb.append(", reading stopped at offset ").append(a.stoppedAt());
            }
            sb.append(" (stderr says where)\n");
        }
        if (!a.hasMptcp()) {
            sb.append("no MPTCP in this capture\n");
            return sb.toString();
        }
        for (ConnectionReport c : a.connections()) {
            sb.append('\n');
            connection(sb, c, t0);
        }
        return sb.toString();
    }

    /** One connection as {@code analyze} prints it (times from {@code t0}): the replay's packet pane shows it too. */
    public static String connectionText(ConnectionReport c, long t0) {
        StringBuilder sb = new StringBuilder();
        connection(sb, c, t0);
        return sb.toString();
    }

    private static void connection(StringBuilder sb, ConnectionReport c, long t0) {
        sb.append("connection ").append(c.index()).append(": token ").append(token(c.token()))
                .append(", ").append(c.version() < 0 ? "version unknown" : "MPTCP v" + c.version())
                .append(c.complete() ? ", complete" : ", incomplete (its start is not in the capture)");
        if (c.clientToken() >= 0 && c.serverToken() >= 0) {
            sb.append(", client token ").append(token(c.clientToken()));
        }
        if (c.checksum()) {
            sb.append(", DSS checksums");
        }
        sb.append('\n');
        if (c.fallback() != null) {
            sb.append("  fallback to TCP: ").append(c.fallback()).append('\n');
        }
        data(sb, "client->server", c.toServer());
        data(sb, "server->client", c.toClient());
        sb.append("  reinjections: ").append(count(c.reinjections(), "segment")).append(", ")
                .append(count(c.reinjectedBytes(), "byte")).append('\n');
        int n = 0;
        for (SubflowReport s : c.subflows()) {
            if (n++ == TEXT_SUBFLOWS) {
                sb.append("  ... ").append(c.subflows().size() - TEXT_SUBFLOWS).append(" more subflows (--json lists all)\n");
                break;
            }
            subflow(sb, s, t0);
        }
        Stall stall = c.longestStall();
        if (stall == null) {
            sb.append("  longest stall: none measured (no data ACK progress seen)\n");
        } else {
            sb.append("  longest stall: ").append(ms(stall.durationNanos())).append(" ms ")
                    .append(stall.direction() == 0 ? "client->server" : "server->client").append(", ")
                    .append(seconds(stall.startNanos() - t0)).append(" to ").append(seconds(stall.endNanos() - t0))
                    .append(stall.open() ? " (the capture ended first)" : "").append(": ")
                    .append(count(stall.subflowRetransmits(), "subflow retransmission")).append(", ")
                    .append(count(stall.reinjections(), "reinjection"));
            if (stall.events().isEmpty()) {
                sb.append(", no events\n");
            } else {
                sb.append(", events:\n");
                for (MptcpEvent e : stall.events()) {
                    sb.append("    ");
                    event(sb, e, t0);
                }
            }
        }
        if (!c.events().isEmpty()) {
            sb.append("  events:\n");
            int k = 0;
            for (MptcpEvent e : c.events()) {
                if (k++ == TEXT_EVENTS) {
                    sb.append("    ... ").append(c.events().size() - TEXT_EVENTS).append(" more (--json lists them)\n");
                    break;
                }
                sb.append("    ");
                event(sb, e, t0);
            }
            if (c.eventsNotKept() > 0) {
                sb.append("    ... ").append(c.eventsNotKept()).append(" more not kept\n");
            }
        }
    }

    private static void data(StringBuilder sb, String dir, DataReport d) {
        sb.append("  data ").append(dir).append(": ").append(count(d.bytes(), "byte")).append(" in ")
                .append(count(d.mappings(), "mapping"));
        if (d.unmappedBytes() > 0) {
            sb.append(", ").append(fmt(d.unmappedBytes())).append(" bytes unmapped");
        }
        sb.append(", data ACK moved ").append(count(d.dataAckAdvances(), "time")).append(" over ")
                .append(count(d.dataAcked(), "byte"));
        if (d.dataFin()) {
            sb.append(", DATA_FIN");
        }
        sb.append('\n');
    }

    private static void subflow(StringBuilder sb, SubflowReport s, long t0) {
        sb.append("  subflow ").append(s.index()).append(" (").append(s.role()).append(s.reversed() ? ", opened by the server" : "")
                .append(") ").append(endpoint(s.clientAddress(), s.clientPort())).append(" -> ")
                .append(endpoint(s.serverAddress(), s.serverPort())).append(", address ids ").append(id(s.clientAddressId()))
                .append('/').append(id(s.serverAddressId()));
        if (s.clientBackup() || s.serverBackup()) {
            sb.append(", backup ").append(s.clientBackup() ? "client" : "").append(s.clientBackup() && s.serverBackup() ? "+" : "")
                    .append(s.serverBackup() ? "server" : "");
        }
        if (s.priorityChanges() > 0) {
            sb.append(", ").append(count(s.priorityChanges(), "MP_PRIO"));
        }
        sb.append('\n');
        sb.append("    handshake: ");
        if (s.synNanos() < 0) {
            sb.append("not seen");
        } else {
            sb.append("SYN at ").append(seconds(s.synNanos() - t0));
            if (s.synAckNanos() >= 0) {
                sb.append(", SYN/ACK +").append(ms(s.synAckNanos() - s.synNanos())).append(" ms");
            }
            if (s.ackNanos() >= 0) {
                sb.append(", ACK +").append(ms(s.ackNanos() - s.synNanos())).append(" ms");
            }
        }
        sb.append("; rtt ").append(s.rttNanos() < 0 ? "unknown" : ms(s.rttNanos()) + " ms").append('\n');
        direction(sb, "client->server", s.toServer());
        direction(sb, "server->client", s.toClient());
    }

    private static void direction(StringBuilder sb, String dir, DirectionReport d) {
        sb.append("    ").append(dir).append(": ").append(count(d.bytes(), "byte")).append(" in ")
                .append(count(d.packets(), "segment")).append(", ").append(fmt(d.retransmits())).append(" retransmitted");
        if (d.retransmittedBytes() > 0) {
            sb.append(" (").append(count(d.retransmittedBytes(), "byte")).append(')');
        }
        if (d.reinjections() > 0) {
            sb.append(", ").append(fmt(d.reinjections())).append(" reinjected (").append(count(d.reinjectedBytes(), "byte"))
                    .append(')');
        }
        if (d.maxInFlightBytes() > 0) {
            sb.append(", in flight max ").append(fmt(d.maxInFlightBytes()));
            if (d.cwndEstimateBytes() >= 0) {
                sb.append(", cwnd ~").append(fmt(d.cwndEstimateBytes()));
            }
        }
        RttSummary r = d.rttAck() != null ? d.rttAck() : d.rttTimestamps();
        if (r != null) {
            sb.append(", half rtt ").append(ms(r.medianNanos())).append(" ms (min ").append(ms(r.minNanos())).append(", ")
                    .append(count(r.samples(), d.rttAck() != null ? "data/ACK pair" : "timestamp echo")).append(')');
        }
        if (d.fin()) {
            sb.append(", FIN");
        }
        if (d.rst()) {
            sb.append(", RST").append(d.rstReason() >= 0 ? " reason " + d.rstReason() : "");
        }
        sb.append('\n');
    }

    private static void event(StringBuilder sb, MptcpEvent e, long t0) {
        sb.append(seconds(e.timeNanos() - t0)).append(' ').append(e.type()).append(" from ").append(e.from())
                .append(" (subflow ").append(e.subflow()).append("): ").append(e.detail()).append('\n');
    }

    // ------------------------------------------------------------------------------ JSON

    String json(Analysis a, OneWayDelays.Result delays) {
        SimulateCommand.JsonWriter j = new SimulateCommand.JsonWriter();
        long t0 = a.firstNanos();
        j.beginObject();
        j.name("file").value(file.toString());
        j.name("packets").value(a.packets());
        j.name("tcp_packets").value(a.tcpPackets());
        j.name("other_packets").value(a.otherPackets());
        j.name("malformed_packets").value(a.malformedPackets());
        j.name("first_time").raw(a.packets() > 0 ? seconds(t0) : "null");
        j.name("duration_s").raw(a.packets() > 0 ? seconds(a.lastNanos() - t0) : "null");
        j.name("tcp_connections").value(a.tcpConnections());
        j.name("plain_tcp_connections").value(a.plainTcpConnections());
        j.name("mptcp").value(a.hasMptcp());
        j.name("read_to_end").value(a.readToEnd());
        j.name("stopped_at").raw(a.readToEnd() ? "null" : String.valueOf(a.stoppedAt()));
        j.name("bytes_skipped").value(a.bytesSkipped());
        j.name("errors").beginArray();
        for (CaptureError e : a.captureErrors()) {
            j.beginObject().name("kind").value("capture").name("offset").value(e.fileOffset()).name("message").value(e.message())
                    .endObject();
        }
        for (CaptureReader.Skip s : a.skips()) {
            j.beginObject().name("kind").value("skip").name("offset").value(s.fromOffset()).name("to").value(s.toOffset())
                    .name("message").value(s.reason()).endObject();
        }
        for (PacketError e : a.packetErrors()) {
            j.beginObject().name("kind").value("packet").name("record").value(e.record()).name("offset").value(e.fileOffset())
                    .name("message").value(e.message()).endObject();
        }
        j.endArray();
        j.name("capture_errors").value(a.captureErrorCount());
        j.name("connections").beginArray();
        for (ConnectionReport c : a.connections()) {
            connectionJson(j, c, t0);
        }
        j.endArray();
        if (delays != null) {
            j.name("one_way_delays").beginObject();
            j.name("server_side").value(serverSide.toString());
            j.name("client_packets").value(delays.clientPackets());
            j.name("server_packets").value(delays.serverPackets());
            j.name("matched").value(delays.matched());
            j.name("clock_offset_ms").raw(delays.clockOffsetNanos() == null ? "null" : ms(delays.clockOffsetNanos()));
            j.name("all");
            delaysJson(j, delays.all());
            j.name("subflows").beginArray();
            for (OneWayDelays.Delays d : delays.subflows()) {
                delaysJson(j, d);
            }
            j.endArray();
            j.endObject();
        }
        j.endObject();
        return j.toString();
    }

    private static void delaysJson(SimulateCommand.JsonWriter j, OneWayDelays.Delays d) {
        j.beginObject().name("subflow").value(d.subflow());
        for (int k = 0; k < 2; k++) {
            OneWayDelays.DelaySummary s = k == 0 ? d.toServer() : d.toClient();
            j.name(k == 0 ? "client_to_server" : "server_to_client");
            if (s == null) {
                j.nullValue();
            } else {
                j.beginObject().name("samples").value(s.samples()).name("min_ms").raw(ms(s.minNanos()))
                        .name("median_ms").raw(ms(s.medianNanos())).name("max_ms").raw(ms(s.maxNanos())).endObject();
            }
        }
        j.endObject();
    }

    /** The one-way delays section of the text summary, empty without --server-side. */
    String delaysText(OneWayDelays.Result r) {
        if (r == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("\none-way delays (").append(file).append(" at the client, ").append(serverSide).append(" at the server): ")
                .append(fmt(r.matched())).append(" segments in both (of ").append(fmt(r.clientPackets())).append(" and ")
                .append(fmt(r.serverPackets())).append(")\n");
        if (r.matched() == 0) {
            sb.append("  no segment is in both captures: not the same traffic, or addresses rewritten between them\n");
            return sb.toString();
        }
        delayLine(sb, r.all());
        for (OneWayDelays.Delays d : r.subflows()) {
            delayLine(sb, d);
        }
        if (r.clockOffsetNanos() != null) {
            sb.append("  the server side's clock is ").append(ms(r.clockOffsetNanos()))
                    .append(" ms ahead if the fastest subflow's shortest delays are symmetric\n");
        }
        return sb.toString();
    }

    private static void delayLine(StringBuilder sb, OneWayDelays.Delays d) {
        sb.append("  ").append(d.subflow()).append(':');
        for (int k = 0; k < 2; k++) {
            OneWayDelays.DelaySummary s = k == 0 ? d.toServer() : d.toClient();
            sb.append(k == 0 ? " client->server " : "; server->client ");
            if (s == null) {
                sb.append("none");
            } else {
                sb.append(ms(s.medianNanos())).append(" ms median (min ").append(ms(s.minNanos())).append(", max ")
                        .append(ms(s.maxNanos())).append(", ").append(count(s.samples(), "segment")).append(')');
            }
        }
        sb.append('\n');
    }

    private static void connectionJson(SimulateCommand.JsonWriter j, ConnectionReport c, long t0) {
        j.beginObject();
        j.name("index").value(c.index());
        j.name("token").value(c.token() < 0 ? null : token(c.token()));
        j.name("client_token").value(c.clientToken() < 0 ? null : token(c.clientToken()));
        j.name("server_token").value(c.serverToken() < 0 ? null : token(c.serverToken()));
        j.name("version").raw(c.version() < 0 ? "null" : String.valueOf(c.version()));
        j.name("complete").value(c.complete());
        j.name("fallback").value(c.fallback());
        j.name("checksum").value(c.checksum());
        j.name("client_key").value(c.clientKey() == null ? null : String.format("%016x", c.clientKey()));
        j.name("server_key").value(c.serverKey() == null ? null : String.format("%016x", c.serverKey()));
        j.name("reinjections").value(c.reinjections());
        j.name("reinjected_bytes").value(c.reinjectedBytes());
        j.name("max_stall_ms").raw(c.maxStallNanos() < 0 ? "null" : ms(c.maxStallNanos()));
        j.name("data").beginObject();
        j.name("client_to_server");
        dataJson(j, c.toServer());
        j.name("server_to_client");
        dataJson(j, c.toClient());
        j.endObject();
        j.name("subflows").beginArray();
        for (SubflowReport s : c.subflows()) {
            subflowJson(j, s, t0);
        }
        j.endArray();
        j.name("stalls").beginArray();
        for (Stall s : new Stall[] {c.toServer().longestStall(), c.toClient().longestStall()}) {
            if (s == null) {
                continue;
            }
            j.beginObject();
            j.name("direction").value(s.direction() == 0 ? "client_to_server" : "server_to_client");
            j.name("start").raw(seconds(s.startNanos() - t0));
            j.name("end").raw(seconds(s.endNanos() - t0));
            j.name("duration_ms").raw(ms(s.durationNanos()));
            j.name("open").value(s.open());
            j.name("subflow_retransmits").value(s.subflowRetransmits());
            j.name("reinjections").value(s.reinjections());
            j.name("events");
            eventsJson(j, s.events(), t0);
            j.name("events_not_kept").value(s.eventsNotKept());
            j.endObject();
        }
        j.endArray();
        j.name("events");
        eventsJson(j, c.events(), t0);
        j.name("events_not_kept").value(c.eventsNotKept());
        j.endObject();
    }

    private static void dataJson(SimulateCommand.JsonWriter j, DataReport d) {
        j.beginObject();
        j.name("bytes").value(d.bytes());
        j.name("mappings").value(d.mappings());
        j.name("reinjections").value(d.reinjections());
        j.name("reinjected_bytes").value(d.reinjectedBytes());
        j.name("unmapped_bytes").value(d.unmappedBytes());
        j.name("data_ack_advances").value(d.dataAckAdvances());
        j.name("data_acked").value(d.dataAcked());
        j.name("first_dsn").raw(d.firstDsn() < 0 ? "null" : String.valueOf(d.firstDsn()));
        j.name("data_fin").value(d.dataFin());
        j.endObject();
    }

    private static void subflowJson(SimulateCommand.JsonWriter j, SubflowReport s, long t0) {
        j.beginObject();
        j.name("index").value(s.index());
        j.name("role").value(s.role());
        j.name("reversed").value(s.reversed());
        j.name("client_address").value(s.clientAddress().toString());
        j.name("client_port").value(s.clientPort());
        j.name("server_address").value(s.serverAddress().toString());
        j.name("server_port").value(s.serverPort());
        j.name("client_address_id").raw(s.clientAddressId() < 0 ? "null" : String.valueOf(s.clientAddressId()));
        j.name("server_address_id").raw(s.serverAddressId() < 0 ? "null" : String.valueOf(s.serverAddressId()));
        j.name("client_backup").value(s.clientBackup());
        j.name("server_backup").value(s.serverBackup());
        j.name("priority_changes").value(s.priorityChanges());
        j.name("syn_time").raw(s.synNanos() < 0 ? "null" : seconds(s.synNanos() - t0));
        j.name("synack_time").raw(s.synAckNanos() < 0 ? "null" : seconds(s.synAckNanos() - t0));
        j.name("ack_time").raw(s.ackNanos() < 0 ? "null" : seconds(s.ackNanos() - t0));
        j.name("handshake_ms").raw(s.handshakeNanos() < 0 ? "null" : ms(s.handshakeNanos()));
        j.name("bytes").value(s.bytes());
        j.name("retransmits").value(s.retransmits());
        j.name("rtt_ms").raw(s.rttNanos() < 0 ? "null" : ms(s.rttNanos()));
        j.name("client_to_server");
        directionJson(j, s.toServer());
        j.name("server_to_client");
        directionJson(j, s.toClient());
        j.endObject();
    }

    private static void directionJson(SimulateCommand.JsonWriter j, DirectionReport d) {
        j.beginObject();
        j.name("packets").value(d.packets());
        j.name("payload_packets").value(d.payloadPackets());
        j.name("bytes").value(d.bytes());
        j.name("retransmits").value(d.retransmits());
        j.name("retransmitted_bytes").value(d.retransmittedBytes());
        j.name("reinjections").value(d.reinjections());
        j.name("reinjected_bytes").value(d.reinjectedBytes());
        j.name("mappings").value(d.mappings());
        j.name("max_in_flight").value(d.maxInFlightBytes());
        j.name("cwnd_estimate").raw(d.cwndEstimateBytes() < 0 ? "null" : String.valueOf(d.cwndEstimateBytes()));
        j.name("rtt_ack");
        rttJson(j, d.rttAck());
        j.name("rtt_timestamps");
        rttJson(j, d.rttTimestamps());
        j.name("fin").value(d.fin());
        j.name("rst").value(d.rst());
        j.name("rst_reason").raw(d.rstReason() < 0 ? "null" : String.valueOf(d.rstReason()));
        j.endObject();
    }

    private static void rttJson(SimulateCommand.JsonWriter j, RttSummary r) {
        if (r == null) {
            j.nullValue();
            return;
        }
        j.beginObject().name("samples").value(r.samples()).name("min_ms").raw(ms(r.minNanos()))
                .name("median_ms").raw(ms(r.medianNanos())).name("max_ms").raw(ms(r.maxNanos())).endObject();
    }

    private static void eventsJson(SimulateCommand.JsonWriter j, List<MptcpEvent> events, long t0) {
        j.beginArray();
        for (MptcpEvent e : events) {
            j.beginObject().name("time").raw(seconds(e.timeNanos() - t0)).name("type").value(e.type())
                    .name("subflow").value(e.subflow()).name("from").value(e.from()).name("detail").value(e.detail())
                    .endObject();
        }
        j.endArray();
    }

    // ------------------------------------------------------------------------------ formats

    private static String token(long t) {
        return t < 0 ? "unknown" : String.format("%08x", t);
    }

    private static String id(int id) {
        return id < 0 ? "?" : String.valueOf(id);
    }

    private static String endpoint(IpAddress a, int port) {
        String s = a.toString();
        return s.indexOf(':') >= 0 ? "[" + s + "]:" + port : s + ":" + port;
    }

    /** Seconds with 6 decimals, exactly (a double would round a 2020s epoch time). */
    static String seconds(long nanos) {
        long us = Math.floorDiv(nanos, 1000L);
        long s = Math.floorDiv(us, 1_000_000L);
        return s + "." + String.format(Locale.ROOT, "%06d", Math.floorMod(us, 1_000_000L));
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String count(long n, String what) {
        return fmt(n) + " " + what + (n == 1 ? "" : "s");
    }
}

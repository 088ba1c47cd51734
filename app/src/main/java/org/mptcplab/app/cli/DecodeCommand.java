package org.mptcplab.app.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mptcplab.stack.capture.CaptureError;
import org.mptcplab.stack.capture.CaptureFormatException;
import org.mptcplab.stack.capture.CaptureReader;
import org.mptcplab.stack.capture.CaptureRecord;
import org.mptcplab.stack.decode.DecodeStats;
import org.mptcplab.stack.decode.PacketFormat;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.PacketDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code decode FILE [--json]}: one line or JSON object per packet of a pcap/pcapng capture. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decodes a pcap or pcapng capture: one line (or one JSON object) per packet with time,",
            "addresses, ports, TCP flags, seq/ack and every MPTCP option with its fields named as in RFC 8684.",
            "Malformed packets are reported and counted; damaged records are skipped and reading goes on."},
        footer = {"", "Exit status: 0 read to the end (even with malformed packets), 1 the file could not be read,",
            "2 bad arguments."})
public final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "pcap or pcapng file")
    Path file;

    @Option(names = "--json", description = "one JSON object per line (JSON Lines) instead of text")
    boolean json;

    @Option(names = "--mptcp-only", description = "print only packets that carry an MPTCP option")
    boolean mptcpOnly;

    @Option(names = "--limit", paramLabel = "N", description = "stop after N packets (default: all)")
    long limit = Long.MAX_VALUE;

    @Option(names = "--summary", description = "after the packets, print counts per MPTCP subtype and errors")
    boolean summary;

    @Option(names = {"-q", "--quiet"}, description = "print no packets (with --summary: only the counts)")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 0) {
            err.println("decode: --limit must be 0 or more, got " + limit);
            return 2;
        }
        if (!Files.isRegularFile(file)) {
            err.println("decode: " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            return 1;
        }
        // A big buffer and no flush per line: a large capture prints millions of lines.
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        DecodeStats stats = new DecodeStats();
        try (CaptureReader reader = CaptureReader.open(file)) {
            long n = 0;
            long first = Long.MIN_VALUE;
            int errorsShown = 0;
            CaptureRecord r;
            while (n < limit && (r = reader.next()) != null) {
                n++;
                if (first == Long.MIN_VALUE) {
                    first = r.timestampNanos();
                }
                DecodedPacket p = PacketDecoder.decode(r.linkType(), r.data());
                stats.add(p);
                if (quiet || mptcpOnly && !DecodeStats.hasMptcp(p)) {
                    continue;
                }
                out.println(json ? PacketFormat.json(n, r.timestampNanos(), p) : PacketFormat.text(n, r.timestampNanos(), first, p));
            }
            out.flush();
            for (CaptureError e : reader.errors()) {
                err.println("decode: " + file + ": " + e.message());
                errorsShown++;
            }
            if (reader.errorCount() > errorsShown) {
                err.println("decode: " + file + ": " + (reader.errorCount() - errorsShown) + " more capture errors not shown");
            }
            if (summary) {
                out.print(stats.summary(reader.errorCount()));
                out.flush();
            }
            return 0;
        } catch (CaptureFormatException e) {
            out.flush();
            // The message starts with the file name already.
            err.println("decode: " + e.getMessage());
            return 1;
        }
    }
}

package org.mptcplab.app.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        footer = {"", "Exit status:",
            "  0  the file was read to its end (damaged records that could be skipped are",
            "     reported on stderr with their offsets, and so are the bytes skipped to",
            "     find the next good record after damage; malformed packets are counted)",
            "  1  the file could not be read (not a capture, a broken file header, no packet",
            "     before damage that reading could not get past), or writing output failed",
            "  2  bad arguments",
            "  3  not read to its end: reading stopped at damage it could not get past,",
            "     after the packets printed (stderr says where, and how many were read)"})
public final class DecodeCommand implements Callable<Integer> {
    /** Exit status: packets were read, but damage stopped reading before the end of the file. */
    public static final int EXIT_NOT_READ_TO_END = 3;
    /** How often (in packets) a failed stdout is looked for, so a dead pipe stops the decoding. */
    private static final int WRITE_CHECK_EVERY = 4096;
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

    /**
     * Whether writing failed: our buffered writer sits on picocli's PrintWriter, which swallows
     * the IOException and keeps only its own error flag, so both are asked.
     */
    private boolean failed(PrintWriter out) {
        return out.checkError() | spec.commandLine().getOut().checkError();
    }

    /** One skip as a stderr line: "skipped bytes FROM..TO (N bytes): REASON; resynchronised at TO". */
    static String skipped(CaptureReader.Skip s) {
        return "skipped bytes " + s.fromOffset() + ".." + s.toOffset() + " (" + s.length()
                + (s.length() == 1 ? " byte): " : " bytes): ") + s.reason() + "; resynchronised at " + s.toOffset();
    }

    /**
     * The summary object with {@code "bytes_skipped"} and {@code "skips"} (the stored ones:
     * {@link CaptureReader#MAX_STORED_ERRORS} at most) added as its last members.
     */
    static String withSkips(String summaryJson, CaptureReader reader) {
        // summaryJson is {"summary":{...}}: open the inner object again before its two braces.
        if (!summaryJson.endsWith("}}")) {
            throw new IllegalStateException("unexpected summary JSON: " + summaryJson);
        }
        StringBuilder sb = new StringBuilder(summaryJson.length() + 64);
        sb.append(summaryJson, 0, summaryJson.length() - 2)
                .append(",\"bytes_skipped\":").append(reader.bytesSkipped()).append(",\"skips\":[");
        boolean first = true;
        for (CaptureReader.Skip s : reader.skips()) {
            sb.append(first ? "{\"from\":" : ",{\"from\":").append(s.fromOffset()).append(",\"to\":").append(s.toOffset())
                    .append(",\"reason\":");
            PacketFormat.string(sb, s.reason());
            sb.append('}');
            first = false;
        }
        return sb.append("]}}").toString();
    }

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
                if (n % WRITE_CHECK_EVERY == 0 && failed(out)) {
                    // stdout is gone (full disk, closed pipe): the caller reports it; decoding
                    // the rest would only burn time.
                    return 1;
                }
                if (quiet || mptcpOnly && !DecodeStats.hasMptcp(p)) {
                    continue;
                }
                out.println(json ? PacketFormat.json(n, r.timestampNanos(), p) : PacketFormat.text(n, r.timestampNanos(), first, p));
            }
            out.flush();
            // Each resynchronisation comes with the error that caused it: print the two as one
            // line, in file order, saying which bytes were skipped.
            List<CaptureReader.Skip> skips = reader.skips();
            int k = 0;
            for (CaptureError e : reader.errors()) {
                if (k < skips.size() && skips.get(k).fromOffset() == e.fileOffset() && skips.get(k).reason().equals(e.message())) {
                    err.println("decode: " + file + ": " + skipped(skips.get(k++)));
                } else {
                    err.println("decode: " + file + ": " + e.message());
                }
                errorsShown++;
            }
            for (; k < skips.size(); k++) {
                // Past the stored errors, skips may still be stored: each stands for one error.
                err.println("decode: " + file + ": " + skipped(skips.get(k)));
                errorsShown++;
            }
            if (reader.errorCount() > errorsShown) {
                err.println("decode: " + file + ": " + (reader.errorCount() - errorsShown) + " more capture errors not shown");
            }
            if (reader.skipCount() > 0) {
                err.println("decode: " + file + ": skipped " + reader.bytesSkipped() + " bytes in all (of "
                        + reader.fileSize() + ") to resynchronise after damage, in " + reader.skipCount()
                        + (reader.skipCount() == 1 ? " place" : " places"));
            }
            // --limit stops on purpose; only damage makes a file "not read to its end".
            boolean stoppedByDamage = reader.stoppedAt() >= 0;
            if (summary) {
                if (json) {
                    // stdout stays JSON Lines: the summary is one more object, the last line.
                    out.println(withSkips(stats.summaryJson(reader.errorCount(), !stoppedByDamage), reader));
                } else {
                    out.print(stats.summary(reader.errorCount()));
                    if (reader.skipCount() > 0) {
                        out.println("bytes skipped: " + reader.bytesSkipped() + " (" + reader.skipCount()
                                + (reader.skipCount() == 1 ? " place)" : " places)"));
                    }
                }
                out.flush();
            }
            if (stoppedByDamage) {
                err.println("decode: " + file + ": not read to its end: reading stopped at offset " + reader.stoppedAt()
                        + " (of " + reader.fileSize() + " bytes) after " + reader.recordsRead() + " packets");
                err.flush();
                return reader.recordsRead() == 0 ? 1 : EXIT_NOT_READ_TO_END;
            }
            return failed(out) ? 1 : 0;
        } catch (CaptureFormatException e) {
            out.flush();
            // The message starts with the file name already.
            err.println("decode: " + e.getMessage());
            return 1;
        }
    }
}

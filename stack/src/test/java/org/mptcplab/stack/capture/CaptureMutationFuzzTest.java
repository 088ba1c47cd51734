package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mptcplab.stack.decode.DecodeStats;
import org.mptcplab.stack.decode.PacketFormat;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.PacketDecoder;

/**
 * Seeded mutation fuzzing of the real captures in ../shared/captures: each file is damaged in
 * many ways (bit flips, inserted and deleted bytes, truncation, and record or block length
 * fields set to 0, 1 and 0xFFFFFFFF where real length fields are) and then read whole, as
 * {@code decode --json} does: every record through the packet decoder and rendered as JSON.
 * Checked for every input:
 * <ul>
 * <li>reading ends within a budget of work proportional to the file: at most one record per 12
 *     bytes, at most one scanned position per byte (a hang shows up as a budget overrun, not as
 *     a wall-clock timeout; a generous timeout backs it up in case a single call never returns);
 * <li>no exception but {@link CaptureFormatException} (from open) escapes the reader, the
 *     decoder or the formatter;
 * <li>every JSON line, and the summary line, is valid JSON (checked strictly by {@link StrictJson});
 * <li>the reader never goes backwards: record offsets increase, each skip starts at or after
 *     the last record and ends where the next record or skip begins at the earliest.
 * </ul>
 *
 * <p>Inputs per file: system property {@code mptcplab.fuzz.captures} (default
 * {@value #DEFAULT_MUTATIONS}); seed: {@code mptcplab.fuzz.seed} (default {@value #DEFAULT_SEED}).
 * A failure names the seed, the file, the input index and the mutation; rerun just that input
 * with {@code -Dmptcplab.fuzz.seed=S -Dmptcplab.fuzz.only=FILE#INDEX}; {@code -Dmptcplab.fuzz.verbose=true}
 * prints one line per input (packets, skips, where and why reading stopped). E.g.
 * {@code mvn -B -o -q -pl stack test -Dtest=CaptureMutationFuzzTest -Dmptcplab.fuzz.captures=500}.
 */
class CaptureMutationFuzzTest {

    static final int DEFAULT_MUTATIONS = 4;
    static final long DEFAULT_SEED = 20_240_611L;
    private static final int MAX_REPORTED_FAILURES = 20;
    /** Backstop only: the budget checks are what catch a hang. */
    private static final long TIMEOUT_SECONDS = 120;

    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "capture-mutation-fuzz");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stopRunner() {
        RUNNER.shutdownNow();
    }

    /** A length field of the original file: where it is and in which byte order. */
    record LengthField(int offset, ByteOrder order, String what) {
    }

    /** One damaged input and how it was made. */
    record Mutant(byte[] bytes, String description) {
    }

    /** What reading one input found. */
    static final class Outcome {
        boolean rejectedAtOpen;
        long packets;
        long bytesSkipped;
        long skips;
        boolean readToEnd;
        /** Bytes between where reading stopped and the end of the file; 0 if read to the end. */
        long leftUnread;
        /** Where and why reading stopped, if it did. */
        String stop;
        String failure; // null when every check held
        String failureKind;
    }

    /** Totals over a run, printed at the end. */
    static final class Totals {
        long inputs;
        long rejectedAtOpen;
        long readToEnd;
        long stoppedEarly;
        /** Stopped with more than a largest record (and its header) left unread. */
        long stoppedFarFromEnd;
        long packets;
        long bytesSkipped;
        long skips;
        long inputBytes;
        long crashes;
        long hangs;
        long badJson;
        long backwards;
        final List<String> failures = new ArrayList<>();

        void add(Outcome o, String where) {
            inputs++;
            if (o.rejectedAtOpen) {
                rejectedAtOpen++;
            } else if (o.readToEnd) {
                readToEnd++;
            } else {
                stoppedEarly++;
                if (o.leftUnread > CaptureReader.MAX_CAPTURED_LENGTH + 32) {
                    stoppedFarFromEnd++;
                }
            }
            packets += o.packets;
            bytesSkipped += o.bytesSkipped;
            skips += o.skips;
            if (o.failure != null) {
                switch (o.failureKind) {
                    case "hang" -> hangs++;
                    case "json" -> badJson++;
                    case "backwards" -> backwards++;
                    default -> crashes++;
                }
                if (failures.size() < MAX_REPORTED_FAILURES) {
                    failures.add(where + ": " + o.failureKind + ": " + o.failure);
                }
            }
        }
    }

    @Test
    void mutatedRealCapturesAreReadSafely() throws Exception {
        Path dir = SharedCapturesTest.capturesDir();
        int perFile = Integer.getInteger("mptcplab.fuzz.captures", DEFAULT_MUTATIONS);
        long seed = Long.getLong("mptcplab.fuzz.seed", DEFAULT_SEED);
        String only = System.getProperty("mptcplab.fuzz.only", "");
        boolean verbose = Boolean.getBoolean("mptcplab.fuzz.verbose");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md")).sorted().toList();
        }
        Assumptions.assumeFalse(files.isEmpty(), dir + " holds no captures: nothing to mutate");
        Totals totals = new Totals();
        long started = System.nanoTime();
        for (Path file : files) {
            String name = dir.relativize(file).toString().replace('\\', '/');
            byte[] original = Files.readAllBytes(file);
            List<LengthField> fields = lengthFields(original);
            for (int i = 0; i < perFile; i++) {
                if (!only.isEmpty() && !only.equals(name + "#" + i)) {
                    continue;
                }
                Mutant m = mutate(original, fields, new Random(inputSeed(seed, name, i)));
                String where = "seed " + seed + ", " + name + "#" + i + " (" + m.description() + ")";
                totals.inputBytes += m.bytes().length;
                Outcome outcome = runBounded(m.bytes());
                if (verbose) {
                    System.out.println(where + ": " + outcome.packets + " packets, " + outcome.skips + " skips ("
                            + outcome.bytesSkipped + " bytes)" + (outcome.stop != null ? ", " + outcome.stop : ""));
                }
                totals.add(outcome, where);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("CaptureMutationFuzzTest: seed %d, %d files, %d mutations each: %d inputs (%d MB), "
                        + "%d rejected at open, %d read to the end, %d stopped early (%d of them more than 256 KiB before the end); "
                        + "%d packets read and decoded; "
                        + "%d resynchronisations skipping %d bytes; crashes %d, hangs %d, invalid JSON %d, "
                        + "going backwards %d; %.1f s%n",
                seed, files.size(), perFile, totals.inputs, totals.inputBytes >> 20, totals.rejectedAtOpen,
                totals.readToEnd, totals.stoppedEarly, totals.stoppedFarFromEnd, totals.packets, totals.skips, totals.bytesSkipped,
                totals.crashes, totals.hangs, totals.badJson, totals.backwards, seconds);
        assertThat(totals.failures)
                .as("failures (replay one with -Dmptcplab.fuzz.seed=SEED -Dmptcplab.fuzz.only=FILE#INDEX)")
                .isEmpty();
    }

    static long inputSeed(long seed, String file, int index) {
        long h = seed * 0x9E37_79B9_7F4A_7C15L + file.hashCode();
        h = (h ^ (h >>> 31)) * 0xBF58_476D_1CE4_E5B9L + index;
        return h ^ (h >>> 29);
    }

    // ---------------------------------------------------------------------------------------
    // Mutations

    static Mutant mutate(byte[] original, List<LengthField> fields, Random random) {
        int kinds = random.nextInt(10);
        if (kinds == 9) {
            // Several kinds of damage at once.
            byte[] bytes = original;
            List<String> parts = new ArrayList<>();
            int n = 2 + random.nextInt(3);
            for (int k = 0; k < n; k++) {
                // Length fields of the original stay at their offsets only until bytes move.
                Mutant m = one(bytes, k == 0 ? fields : List.of(), random, random.nextInt(9));
                bytes = m.bytes();
                parts.add(m.description());
            }
            return new Mutant(bytes, String.join(", then ", parts));
        }
        return one(original, fields, random, kinds);
    }

    private static Mutant one(byte[] in, List<LengthField> fields, Random random, int kind) {
        int n = in.length;
        // An earlier mutation of a stack may have left nothing: only an insertion applies.
        switch (n == 0 ? 2 : kind) {
            case 0, 1 -> {
                byte[] out = in.clone();
                int flips = 1 + random.nextInt(random.nextBoolean() ? 3 : 32);
                StringBuilder d = new StringBuilder("bit flips at");
                for (int k = 0; k < flips; k++) {
                    int at = random.nextInt(n);
                    int bit = random.nextInt(8);
                    out[at] ^= (byte) (1 << bit);
                    if (k < 8) {
                        d.append(' ').append(at).append(':').append(bit);
                    }
                }
                return new Mutant(out, d.append(flips > 8 ? " ... (" + flips + ")" : "").toString());
            }
            case 2 -> {
                int at = random.nextInt(n + 1);
                int len = 1 + random.nextInt(random.nextBoolean() ? 8 : 3000);
                byte[] junk = new byte[len];
                if (n == 0 || random.nextBoolean()) {
                    random.nextBytes(junk);
                } else {
                    // Bytes copied from elsewhere in the file: look-alike headers.
                    int from = random.nextInt(n);
                    for (int k = 0; k < len; k++) {
                        junk[k] = in[(from + k) % n];
                    }
                }
                byte[] out = new byte[n + len];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, len);
                System.arraycopy(in, at, out, at + len, n - at);
                return new Mutant(out, "insert " + len + " bytes at " + at);
            }
            case 3 -> {
                int at = random.nextInt(n);
                int len = Math.min(n - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 3000));
                byte[] out = new byte[n - len];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + len, out, at, n - at - len);
                return new Mutant(out, "delete " + len + " bytes at " + at);
            }
            case 4 -> {
                int to = random.nextBoolean() ? random.nextInt(n + 1) : Math.max(0, n - 1 - random.nextInt(Math.min(n, 200)));
                return new Mutant(Arrays.copyOf(in, to), "truncate to " + to + " of " + n + " bytes");
            }
            default -> {
                if (fields.isEmpty()) {
                    return one(in, fields, random, random.nextInt(5));
                }
                LengthField f = fields.get(random.nextInt(fields.size()));
                long[] values = {0, 1, 0xFFFF_FFFFL};
                long v = values[random.nextInt(values.length)];
                byte[] out = in.clone();
                ByteBuffer.wrap(out).order(f.order()).putInt(f.offset(), (int) v);
                return new Mutant(out, f.what() + " at " + f.offset() + " := " + v);
            }
        }
    }

    /**
     * The length fields of a well-formed capture, found by walking it (independently of the
     * reader): pcap captured and original lengths; pcapng leading and trailing block lengths
     * and EPB captured lengths. Stops quietly at anything unexpected.
     */
    static List<LengthField> lengthFields(byte[] file) {
        List<LengthField> out = new ArrayList<>();
        if (file.length < 24) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(file);
        int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == 0x0A0D0D0A) {
            int at = 0;
            ByteOrder order = ByteOrder.BIG_ENDIAN;
            while (at + 12 <= file.length) {
                int type = b.order(order).getInt(at);
                if (type == 0x0A0D0D0A) {
                    order = b.order(ByteOrder.BIG_ENDIAN).getInt(at + 8) == 0x1A2B3C4D ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                }
                long len = b.order(order).getInt(at + 4) & 0xFFFF_FFFFL;
                if (len < 12 || (len & 3) != 0 || at + len > file.length) {
                    break;
                }
                out.add(new LengthField(at + 4, order, "pcapng block length (type " + type + ")"));
                out.add(new LengthField(at + (int) len - 4, order, "pcapng trailing block length (type " + type + ")"));
                if (type == 6 && len >= 32) {
                    out.add(new LengthField(at + 20, order, "pcapng EPB captured length"));
                }
                at += (int) len;
            }
        } else {
            ByteOrder order = magic == 0xA1B2C3D4 || magic == 0xA1B23C4D ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            int at = 24;
            while (at + 16 <= file.length) {
                long captured = b.order(order).getInt(at + 8) & 0xFFFF_FFFFL;
                out.add(new LengthField(at + 8, order, "pcap captured length"));
                out.add(new LengthField(at + 12, order, "pcap original length"));
                if (at + 16 + captured > file.length) {
                    break;
                }
                at += 16 + (int) captured;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Reading one input

    private static Outcome runBounded(byte[] bytes) throws InterruptedException {
        Future<Outcome> future = RUNNER.submit(() -> read(bytes));
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            Outcome o = new Outcome();
            o.failureKind = "hang";
            o.failure = "no answer within " + TIMEOUT_SECONDS + " s";
            return o;
        } catch (java.util.concurrent.ExecutionException e) {
            Outcome o = new Outcome();
            o.failureKind = "crash";
            o.failure = String.valueOf(e.getCause());
            return o;
        }
    }

    static Outcome read(byte[] bytes) {
        Outcome o = new Outcome();
        CaptureReader reader;
        try {
            reader = CaptureReader.of(bytes);
        } catch (CaptureFormatException e) {
            o.rejectedAtOpen = true;
            if (e.getMessage() == null || e.getMessage().isBlank() || e.offset() < -1 || e.offset() > bytes.length) {
                o.failureKind = "crash";
                o.failure = "CaptureFormatException without a message or with offset " + e.offset() + ": " + e;
            }
            return o;
        } catch (Throwable t) {
            o.failureKind = "crash";
            o.failure = "open threw " + describe(t);
            return o;
        }
        long recordBudget = bytes.length / 12 + 1;
        long dataBudget = bytes.length;
        DecodeStats stats = new DecodeStats();
        try (reader) {
            // Nothing may be read before this offset any more: the end of the last skip, or the
            // offset of the last record plus 12 (no record or block is shorter).
            long floor = 0;
            int skipsSeen = 0;
            long data = 0;
            long first = Long.MIN_VALUE;
            while (true) {
                CaptureRecord r = reader.next();
                // Skips found while looking for this record come before it in the file.
                if (reader.skipCount() > skipsSeen) {
                    List<CaptureReader.Skip> skips = reader.skips();
                    for (int k = skipsSeen; k < skips.size(); k++) {
                        CaptureReader.Skip s = skips.get(k);
                        if (s.fromOffset() < floor || s.toOffset() <= s.fromOffset() || s.toOffset() > bytes.length) {
                            return fail(o, "backwards", "skip " + s.fromOffset() + ".." + s.toOffset()
                                    + " after reading up to " + floor);
                        }
                        floor = s.toOffset();
                    }
                    skipsSeen = (int) reader.skipCount();
                }
                if (r == null) {
                    break;
                }
                o.packets++;
                if (r.fileOffset() < floor) {
                    return fail(o, "backwards", "record at " + r.fileOffset() + " after reading up to " + floor);
                }
                floor = r.fileOffset() + 12;
                data += r.capturedLength();
                if (o.packets > recordBudget || data > dataBudget || reader.positionsScanned() > bytes.length) {
                    return fail(o, "hang", "budget exceeded: " + o.packets + " records, " + data + " data bytes, "
                            + reader.positionsScanned() + " positions scanned in a file of " + bytes.length + " bytes");
                }
                if (first == Long.MIN_VALUE) {
                    first = r.timestampNanos();
                }
                DecodedPacket p = PacketDecoder.decode(r.linkType(), r.data());
                stats.add(p);
                String json = PacketFormat.json(o.packets, r.timestampNanos(), p);
                try {
                    StrictJson.check(json);
                } catch (IllegalArgumentException e) {
                    return fail(o, "json", "record at " + r.fileOffset() + ": " + e.getMessage());
                }
                PacketFormat.text(o.packets, r.timestampNanos(), first, p);
            }
            if (reader.positionsScanned() > bytes.length) {
                return fail(o, "hang", reader.positionsScanned() + " positions scanned in a file of " + bytes.length + " bytes");
            }
            if (reader.next() != null || !reader.isAtEnd()) {
                return fail(o, "crash", "the reader did not stay at its end");
            }
            o.readToEnd = reader.readToEnd();
            o.leftUnread = reader.stoppedAt() >= 0 ? bytes.length - reader.stoppedAt() : 0;
            if (reader.stoppedAt() >= 0) {
                List<CaptureError> errors = reader.errors();
                o.stop = "stopped at " + reader.stoppedAt() + " of " + bytes.length + " after " + o.packets + " packets: "
                        + (errors.isEmpty() ? "?" : errors.get(errors.size() - 1).message());
            }
            o.bytesSkipped = reader.bytesSkipped();
            o.skips = reader.skipCount();
            if (o.readToEnd == reader.stoppedAt() >= 0) {
                return fail(o, "crash", "readToEnd " + o.readToEnd + " with stoppedAt " + reader.stoppedAt());
            }
            if (reader.stoppedAt() >= 0 && reader.stoppedAt() < floor) {
                return fail(o, "backwards", "stopped at " + reader.stoppedAt() + " after reading up to " + floor);
            }
            if (reader.bytesSkipped() > bytes.length) {
                return fail(o, "crash", "skipped " + reader.bytesSkipped() + " bytes of " + bytes.length);
            }
            for (CaptureError e : reader.errors()) {
                if (e.message().contains("internal error")) {
                    return fail(o, "crash", e.message());
                }
            }
            String summary = stats.summaryJson(reader.errorCount(), o.readToEnd);
            try {
                StrictJson.check(summary);
            } catch (IllegalArgumentException e) {
                return fail(o, "json", "summary: " + e.getMessage());
            }
        } catch (Throwable t) {
            return fail(o, "crash", describe(t));
        }
        return o;
    }

    private static Outcome fail(Outcome o, String kind, String what) {
        o.failureKind = kind;
        o.failure = what;
        return o;
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return t + (st.length > 0 ? " at " + st[0] : "");
    }

    // ---------------------------------------------------------------------------------------
    // The harness itself

    @Test
    void theLengthFieldWalkFindsEveryRecord() throws IOException {
        byte[] pcap = PcapReaderTest.header(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
                .u32(1).u32(0).u32(2).u32(2).u16(0)
                .u32(1).u32(0).u32(1).u32(1).u8(0).toArray();
        assertThat(lengthFields(pcap)).extracting(LengthField::offset).containsExactly(32, 36, 50, 54);
        byte[] pcapng = new PcapngBuilder(ByteOrder.BIG_ENDIAN).shb().idb(1, 0).epb(0, 1, new byte[5]).build();
        assertThat(lengthFields(pcapng)).extracting(LengthField::offset).containsExactly(4, 24, 32, 44, 52, 84, 68);
        // Every kind applies to an empty file too (a stack may truncate to nothing first).
        for (int kind = 0; kind < 9; kind++) {
            assertThat(one(new byte[0], List.of(), new Random(kind), kind).bytes()).isNotEmpty();
        }
        // Every kind of mutation can be replayed from its seed.
        Random a = new Random(5);
        Random b = new Random(5);
        for (int i = 0; i < 50; i++) {
            Mutant x = mutate(pcapng, lengthFields(pcapng), a);
            Mutant y = mutate(pcapng, lengthFields(pcapng), b);
            assertThat(x.bytes()).isEqualTo(y.bytes());
            assertThat(x.description()).isEqualTo(y.description());
            assertThat(read(x.bytes()).failure).as(x.description()).isNull();
        }
    }
}

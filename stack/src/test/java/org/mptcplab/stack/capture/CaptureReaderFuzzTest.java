package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.mptcplab.stack.capture.RandomCaptures.Generated;

/**
 * Property tests: valid random files read back exactly; damaged and random files never make the
 * reader throw (other than CaptureFormatException from open), loop, or return a record that is
 * inconsistent with the file. Seeded, so every run checks the same 20,500 inputs.
 */
class CaptureReaderFuzzTest {

    /** A hang shows up as a failed try instead of a stuck build. */
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "capture-fuzz");
        t.setDaemon(true);
        return t;
    });

    @Provide
    Arbitrary<Generated> validFiles() {
        return Arbitraries.longs().map(RandomCaptures::any);
    }

    @Provide
    Arbitrary<byte[]> damagedFiles() {
        Arbitrary<byte[]> mutated = Combinators.combine(validFiles(), Arbitraries.longs())
                .as((g, seed) -> RandomCaptures.mutate(g.bytes(), seed));
        Arbitrary<byte[]> blocks = Arbitraries.longs().map(RandomCaptures::randomBlocks);
        Arbitrary<byte[]> noise = Arbitraries.longs().map(RandomCaptures::randomBytes);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, mutated),
                net.jqwik.api.Tuple.of(3, blocks),
                net.jqwik.api.Tuple.of(1, noise));
    }

    @Property(tries = 4_000, seed = "7101")
    void validFilesReadBackExactly(@ForAll("validFiles") Generated g) throws Exception {
        try (CaptureReader reader = CaptureReader.of(g.bytes())) {
            List<CaptureRecord> records = new ArrayList<>();
            for (CaptureRecord r : reader) {
                records.add(r);
            }
            assertThat(reader.errors()).isEmpty();
            assertThat(records).isEqualTo(g.expected());
            assertThat(reader.sectionsRead()).isEqualTo(g.sections());
        }
    }

    @Property(tries = 16_000, seed = "7102")
    void damagedFilesNeverThrowNorHang(@ForAll("damagedFiles") byte[] file) throws Exception {
        Outcome outcome = runBounded(file, CaptureReader.DEFAULT_WINDOW);
        check(file, outcome);
    }

    @Property(tries = 500, seed = "7103")
    void tinyWindowsReadTheSameAsOneBigWindow(@ForAll("damagedFiles") byte[] file,
                                              @ForAll @IntRange(min = 1, max = 97) int window) throws Exception {
        Outcome whole = runBounded(file, CaptureReader.DEFAULT_WINDOW);
        Outcome windowed = runBounded(file, window);
        assertThat(windowed).isEqualTo(whole);
    }

    /** What reading a file produced: either the open failure, or the records and errors. */
    record Outcome(String formatError, List<CaptureRecord> records, List<CaptureError> errors, long errorCount,
                   long recordsRead) {
    }

    private static Outcome runBounded(byte[] file, long window) throws Exception {
        Future<Outcome> future = RUNNER.submit(() -> read(file, window));
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("reading did not finish within 20 s: the reader hangs on this input", e);
        }
    }

    private static Outcome read(byte[] file, long window) {
        CaptureReader reader;
        try {
            reader = CaptureReader.of(java.nio.ByteBuffer.wrap(file), window);
        } catch (CaptureFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.offset()).isBetween(0L, (long) file.length);
            return new Outcome(e.getMessage(), List.of(), List.of(), 0, 0);
        }
        try (reader) {
            List<CaptureRecord> records = new ArrayList<>();
            // Each record needs at least a 16-byte header (pcap) or a 16-byte block (pcapng SPB).
            long bound = file.length / 16 + 1;
            for (CaptureRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
                assertThat(records.size()).isLessThanOrEqualTo((int) bound);
            }
            assertThat(reader.next()).isNull();
            assertThat(reader.isAtEnd()).isTrue();
            return new Outcome(null, records, reader.errors(), reader.errorCount(), reader.recordsRead());
        }
    }

    private static void check(byte[] file, Outcome o) {
        if (o.formatError() != null) {
            return;
        }
        assertThat(o.recordsRead()).isEqualTo(o.records().size());
        for (CaptureRecord r : o.records()) {
            assertThat(r.data()).hasSize(r.capturedLength());
            assertThat(r.capturedLength()).isBetween(0, CaptureReader.MAX_CAPTURED_LENGTH);
            assertThat(r.originalLength()).isNotNegative();
            assertThat(r.interfaceId()).isNotNegative();
            assertThat(r.fileOffset()).isBetween(0L, (long) file.length - 12);
            assertThat(r.fileOffset() + r.capturedLength()).isLessThanOrEqualTo(file.length);
        }
        assertThat(o.errorCount()).isGreaterThanOrEqualTo(o.errors().size());
        for (CaptureError e : o.errors()) {
            assertThat(e.message()).contains("offset").doesNotContain("internal error");
            assertThat(e.fileOffset()).isBetween(0L, (long) file.length);
        }
    }
}

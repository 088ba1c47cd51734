package org.mptcplab.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The capture {@code bench-decode} and {@code bench-analyze} measure: the {@code --file} given, or
 * the synthetic MPTCP capture generated for the run (kept at {@code --out}, else a temporary file
 * deleted on {@link #close}).
 */
final class BenchCapture implements AutoCloseable {
    private final String command;
    private final PrintWriter err;
    private Path path;
    private boolean deleteAfter;
    private SyntheticMptcpCapture.Result generated;
    private long generateNanos;

    private BenchCapture(String command, PrintWriter err, Path file) {
        this.command = command;
        this.err = err;
        this.path = file;
    }

    /**
     * {@code --packets}, {@code --snaplen}, {@code --seed} and {@code --out} describe the generated
     * capture: with {@code --file} they are refused. The refusal, or null.
     */
    static String conflictsWithFile(Path file, Long packets, Integer snaplen, Long seed, Path out) {
        if (file == null) {
            return null;
        }
        List<String> notWith = new ArrayList<>();
        if (packets != null) {
            notWith.add("--packets");
        }
        if (snaplen != null) {
            notWith.add("--snaplen");
        }
        if (seed != null) {
            notWith.add("--seed");
        }
        if (out != null) {
            notWith.add("--out");
        }
        return notWith.isEmpty() ? null : String.join(", ", notWith) + " describe" + (notWith.size() == 1 ? "s" : "")
                + " the generated capture and cannot be used with --file";
    }

    /** The capture of {@code file}, or of one to {@link #generate} when it is null. */
    static BenchCapture of(String command, PrintWriter err, Path file) {
        return new BenchCapture(command, err, file);
    }

    /**
     * Writes the synthetic capture ({@code packets}, {@code snaplen}, {@code seed}) to {@code out},
     * or to a temporary file when it is null; a given {@code --file} is only checked.
     *
     * @return false when the given file is not there (said on stderr)
     */
    boolean prepare(long packets, int snaplen, long seed, Path out) throws IOException {
        if (path != null) {
            if (!Files.isRegularFile(path)) {
                err.println(command + ": " + path + ": " + (Files.exists(path) ? "not a regular file" : "no such file"));
                err.flush();
                return false;
            }
            return true;
        }
        if (out != null) {
            path = out;
        } else {
            path = Files.createTempFile("mptcp-lab-bench-", ".pcap");
            deleteAfter = true;
        }
        err.println(command + ": writing a synthetic MPTCP capture of " + String.format(Locale.ROOT, "%,d", packets)
                + " packets (snaplen " + snaplen + ", seed " + seed + ") to " + path);
        err.flush();
        long t0 = System.nanoTime();
        generated = SyntheticMptcpCapture.write(path, packets, snaplen, seed);
        generateNanos = System.nanoTime() - t0;
        return true;
    }

    /** The file measured (null before {@link #prepare} made a temporary one). */
    Path path() {
        return path;
    }

    /** What the generator wrote, null for a given file. */
    SyntheticMptcpCapture.Result generated() {
        return generated;
    }

    long generateNanos() {
        return generateNanos;
    }

    /** Deletes a temporary capture; a failure to is said, not thrown. */
    @Override
    public void close() {
        if (deleteAfter) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                err.println(command + ": could not delete the temporary capture " + path + ": " + e.getMessage());
            }
        }
        err.flush();
    }
}

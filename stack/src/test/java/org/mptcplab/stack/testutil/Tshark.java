package org.mptcplab.stack.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tshark as the independent referee and returns its output. */
public final class Tshark {
    private Tshark() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Shared.tshark());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t1 = pump(p.getInputStream(), out);
        Thread t2 = pump(p.getErrorStream(), err);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tshark did not finish in 120 s: " + cmd);
        }
        t1.join();
        t2.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process died; its exit code tells
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Fields per frame: rows of tab-separated values, all occurrences joined by ','. */
    public static List<String[]> fields(Path file, List<String> extraArgs, String... fields) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-r", file.toString(), "-T", "fields", "-E", "occurrence=a",
                "-E", "aggregator=,", "-E", "separator=/t"));
        args.addAll(extraArgs);
        for (String f : fields) {
            args.add("-e");
            args.add(f);
        }
        Result r = run(args);
        List<String[]> rows = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** The "Summary" column of one severity section of {@code -z expert}. */
    public static List<String> expertSummaries(String out, String section) {
        List<String> res = new ArrayList<>();
        boolean in = false;
        for (String line : out.split("\n")) {
            if (line.startsWith(section + " (")) {
                in = true;
            } else if (in && line.isBlank()) {
                in = false;
            } else if (in && line.matches("\\s+\\d+\\s+.*")) {
                String[] cols = line.trim().split("\\s{2,}");
                res.add(cols[cols.length - 1]);
            }
        }
        return res;
    }
}

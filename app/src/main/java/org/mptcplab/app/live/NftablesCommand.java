package org.mptcplab.app.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real nft, optionally behind a command prefix such as {@code ip netns exec NS}. */
final class NftablesCommand implements NftablesGuard.Nft {
    /** nft's output kept from a long-running process: it prints only errors, so this is plenty. */
    private static final int MAX_OUTPUT = 64 * 1024;

    private final List<String> prefix;

    NftablesCommand(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public Result run(String stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add("nft");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream o = p.getOutputStream()) {
            if (stdin != null) {
                o.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "nft timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Override
    public Session start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        // In a session of its own, nft is out of the terminal's foreground process group: Ctrl-C
        // and Ctrl-\ reach only our JVM, so nft (which dies of both) cannot drop the guard while
        // the JVM goes on, e.g. after Ctrl-\ for a thread dump. setsid execs in place (a child of
        // the JVM leads no process group), as do `ip netns exec` and the like, so the process we
        // start is nft itself. Where setsid is missing nft runs in our group: still correct, as
        // it ends with its stdin in every case.
        if (onPath("setsid")) {
            cmd.add("setsid");
        }
        cmd.addAll(prefix);
        cmd.add("nft");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new Running(p);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** An nft process that lives until its stdin is closed (or it is killed). */
    private static final class Running implements Session {
        private final Process process;
        private final OutputStream stdin;
        private final StringBuilder output = new StringBuilder();

        Running(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            // Drained all along, so that nft never blocks on a full pipe, and so that its errors
            // are there to read while it still runs.
            Thread reader = new Thread(this::drain, "nft-" + process.pid() + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void drain() {
            byte[] buf = new byte[4096];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (output) {
                        if (output.length() < MAX_OUTPUT) {
                            output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone: what it said is all there is
            }
        }

        @Override
        public void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        @Override
        public String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean end(Duration grace) {
            try {
                // EOF ends nft -i cleanly: the same thing that happens when our JVM dies.
                stdin.close();
            } catch (IOException e) {
                // already closed, or nft already gone
            }
            try {
                if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
                process.destroy();
                if (process.waitFor(1, TimeUnit.SECONDS)) {
                    return true;
                }
                process.destroyForcibly();
                return process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                return !process.isAlive();
            }
        }
    }
}

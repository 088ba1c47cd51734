package org.mptcplab.app.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Commands for the tests that need root (namespaces, veths): run, check, clean up after crashes. */
final class RootShell {
    private RootShell() {
    }

    record Result(int exit, String output) {
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String must(String... cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException("`" + String.join(" ", cmd) + "` failed (" + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    static boolean isRoot() throws IOException, InterruptedException {
        Result id = run("id", "-u");
        return id.exit() == 0 && id.output().trim().equals("0");
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Paths.get(dir, command))) {
                return true;
            }
        }
        return Files.isExecutable(Paths.get("/usr/sbin", command)) || Files.isExecutable(Paths.get("/sbin", command));
    }

    static boolean alive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Deletes links named {@code <prefix><pid>a} / {@code b} and namespaces {@code <nsPrefix><pid>}
     * left by test JVMs that are gone (a crash skips @AfterEach); those of live JVMs stay.
     */
    static void removeStale(String linkPrefix, String nsPrefix) throws IOException, InterruptedException {
        if (nsPrefix != null) {
            Pattern ns = Pattern.compile("^(" + Pattern.quote(nsPrefix) + "(\\d+))(\\s.*)?$");
            for (String line : run("ip", "netns", "list").output().split("\n")) {
                Matcher m = ns.matcher(line.trim());
                if (m.matches() && !alive(Long.parseLong(m.group(2)))) {
                    for (String p : run("ip", "netns", "pids", m.group(1)).output().split("\n")) {
                        if (p.trim().matches("\\d+")) {
                            ProcessHandle.of(Long.parseLong(p.trim())).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    run("ip", "netns", "del", m.group(1));
                }
            }
        }
        Pattern link = Pattern.compile("^\\d+:\\s+(" + Pattern.quote(linkPrefix) + "(\\d+)[ab])[@:].*");
        for (String line : run("ip", "-o", "link", "show").output().split("\n")) {
            Matcher m = link.matcher(line.trim());
            if (m.matches() && !alive(Long.parseLong(m.group(2)))) {
                run("ip", "link", "del", m.group(1));
            }
        }
    }
}

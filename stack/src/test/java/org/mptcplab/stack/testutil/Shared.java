package org.mptcplab.stack.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locates ../shared/captures and tshark; tests that need them skip with a clear message when absent. */
public final class Shared {
    private Shared() {
    }

    public static Path capturesDir() {
        String prop = System.getProperty("mptcplab.shared");
        Path dir = prop != null ? Paths.get(prop, "captures") : Paths.get("..", "..", "shared", "captures");
        assumeTrue(Files.isDirectory(dir), "skipped: the shared captures folder " + dir.toAbsolutePath().normalize()
                + " is absent (it sits beside the project as ../shared/captures)");
        return dir;
    }

    public static Path capture(String relative) {
        Path p = capturesDir().resolve(relative);
        assumeTrue(Files.isRegularFile(p), "skipped: shared capture " + p + " is absent");
        return p;
    }

    /** Every .pcap/.pcapng under the shared captures folder, sorted. */
    public static List<Path> allCaptures() throws IOException {
        try (Stream<Path> s = Files.walk(capturesDir())) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted()
                    .collect(Collectors.toList());
        }
    }

    public static String tshark() {
        for (String d : new String[] {"/usr/bin/tshark", "/usr/local/bin/tshark"}) {
            if (Files.isExecutable(Paths.get(d))) {
                return d;
            }
        }
        assumeTrue(false, "skipped: tshark is not installed (apt-get install tshark; .ci/run installs it)");
        return null;
    }
}

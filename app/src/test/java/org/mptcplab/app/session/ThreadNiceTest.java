package org.mptcplab.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ThreadNiceTest {
    @Test
    void lowersTheCallingThreadAloneOnLinux() throws Exception {
        Assumptions.assumeTrue(Files.exists(Paths.get("/proc/thread-self/stat")), "skipped: not Linux");
        AtomicReference<String> result = new AtomicReference<>();
        AtomicReference<String> niceAfter = new AtomicReference<>();
        Thread t = new Thread(() -> {
            result.set(ThreadNice.lower(7));
            niceAfter.set(nice());
        });
        t.start();
        t.join();
        assertThat(result.get()).isNull();
        assertThat(niceAfter.get()).isEqualTo("7");
        assertThat(nice()).as("this thread is untouched").isEqualTo("0");
    }

    /** Field 19 of /proc/thread-self/stat (after the command name in parentheses). */
    private static String nice() {
        try {
            String stat = Files.readString(Paths.get("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[16];
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.mptcplab.app;

import java.util.Map;
import org.mptcplab.app.cli.MainCommand;

/**
 * Entry point of the fat jar. A plain class (not the Application subclass) so that JavaFX
 * starts from the classpath. With arguments it runs the headless CLI; without, the app.
 */
public final class Launcher {
    /** Exit status when the window cannot open because there is no display (README, "Exit status"). */
    public static final int EXIT_NO_DISPLAY = 3;

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(MainCommand.run(args));
        }
        String why = noDisplayReason(System.getenv(), System.getProperty("os.name", ""), System.getProperty("glass.platform"));
        if (why != null) {
            System.err.println(why);
            System.exit(EXIT_NO_DISPLAY);
        }
        try {
            javafx.application.Application.launch(MptcpLabApp.class, args);
        } catch (RuntimeException | Error e) {
            // GTK can still refuse a display that exists but cannot be opened (no permission,
            // a dead Xvfb): one sentence, not a JavaFX stack trace.
            System.err.println("mptcp-lab: the window could not open: " + rootMessage(e)
                    + ". " + HINT);
            System.exit(EXIT_NO_DISPLAY);
        }
    }

    static final String HINT = "./run.sh starts the window under xvfb-run; the CLI commands work without a display: "
            + "decode, simulate, bench-decode, bench-stack, lab, connect, listen (java -jar mptcp-lab.jar --help).";

    /**
     * Why the window cannot open, or null when it can try. On Linux, GTK needs an X11 or
     * Wayland display; without one JavaFX dies with a stack trace deep in its toolkit start.
     * Monocle (tests, glass.platform=Monocle) needs none.
     */
    static String noDisplayReason(Map<String, String> env, String osName, String glassPlatform) {
        if (!osName.toLowerCase().contains("linux") || "Monocle".equalsIgnoreCase(glassPlatform)) {
            return null;
        }
        if (isSet(env.get("DISPLAY")) || isSet(env.get("WAYLAND_DISPLAY"))) {
            return null;
        }
        return "mptcp-lab: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open. " + HINT;
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
    }
}

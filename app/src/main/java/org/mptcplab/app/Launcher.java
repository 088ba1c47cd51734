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
        String capture = args.length == 1 ? captureArgument(args[0]) : null;
        if (args.length > 0 && capture == null) {
            System.exit(MainCommand.run(args));
        }
        if (capture != null) {
            if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(capture))) {
                System.err.println("mptcp-lab: no such file: " + capture);
                System.exit(2);
            }
            // The window opens with the capture replayed (MptcpLabApp reads the property).
            System.setProperty(MptcpLabApp.CAPTURE_PROPERTY, capture);
            args = new String[0];
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

    /**
     * {@code java -jar mptcp-lab.jar FILE} opens FILE as a replay in the window: the one argument
     * is a capture when it is no command or option and names a file (or ends as a capture does:
     * a missing one is then said as such, not as an unknown command).
     */
    static String captureArgument(String arg) {
        if (arg.isEmpty() || arg.startsWith("-") || MainCommand.commandLine().getSubcommands().containsKey(arg)) {
            return null;
        }
        String lower = arg.toLowerCase(java.util.Locale.ROOT);
        boolean named = lower.endsWith(".pcap") || lower.endsWith(".pcapng") || lower.endsWith(".cap")
                || lower.endsWith(".pcap.gz") || lower.endsWith(".dmp");
        return named || java.nio.file.Files.isRegularFile(java.nio.file.Path.of(arg)) ? arg : null;
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

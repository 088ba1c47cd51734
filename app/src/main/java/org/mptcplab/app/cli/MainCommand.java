package org.mptcplab.app.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Root of the headless CLI: {@code java -jar mptcp-lab.jar <command> ...}. */
@Command(name = "mptcp-lab",
        mixinStandardHelpOptions = true,
        version = "MPTCP Lab 0.1.0",
        description = "MPTCP Lab: a Multipath TCP (RFC 8684) lab tool. Without a command it opens the app.",
        subcommands = {DecodeCommand.class, AnalyzeCommand.class, BenchDecodeCommand.class, BenchAnalyzeCommand.class, SimulateCommand.class, PlayCommand.class, BenchStackCommand.class, LabCommand.class, ConnectCommand.class, ListenCommand.class,
            CommandLine.HelpCommand.class})
public final class MainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the CLI on the process's stdout (UTF-8) and stderr and returns the exit code. A failed
     * write to stdout (a full disk, a closed pipe) is an error, exit status 1 with the reason on
     * stderr, whatever the command's own status was: its output is incomplete.
     */
    public static int run(String... args) {
        StdoutGuard stdout = new StdoutGuard();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        int code = commandLine().setOut(out).execute(args);
        out.flush();
        if (stdout.failure() != null) {
            System.err.println(StdoutGuard.message(stdout.failure()));
            return 1;
        }
        return code;
    }

    /** The command tree, for callers (tests) that set their own output writers. */
    public static CommandLine commandLine() {
        return new CommandLine(new MainCommand());
    }
}

package org.mptcplab.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Root of the headless CLI: {@code java -jar mptcp-lab.jar <command> ...}. */
@Command(name = "mptcp-lab",
        mixinStandardHelpOptions = true,
        version = "MPTCP Lab 0.1.0",
        description = "MPTCP Lab: a Multipath TCP (RFC 8684) lab tool. Without a command it opens the app.",
        subcommands = {DecodeCommand.class, CommandLine.HelpCommand.class})
public final class MainCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the CLI and returns the process exit code. */
    public static int run(String... args) {
        return new CommandLine(new MainCommand()).execute(args);
    }
}

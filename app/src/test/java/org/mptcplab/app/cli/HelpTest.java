package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers --help with its usage on stdout and exit 0. */
class HelpTest {

    @Test
    void everyCommandHasHelp() {
        Map<String, CommandLine> commands = MainCommand.commandLine().getSubcommands();
        assertThat(commands).containsKeys("decode", "bench-decode", "help");
        for (String name : commands.keySet()) {
            Cli.Result r = Cli.run(name, "--help");
            assertThat(r.exit()).as(name + ": " + r).isZero();
            // Usage first, except picocli's own help command which starts with its description.
            assertThat(r.out()).as(name).startsWith(name.equals("help") ? "Display help" : "Usage: mptcp-lab " + name)
                    .contains("Usage: mptcp-lab " + name + " [-h");
            assertThat(r.err()).as(name).isEmpty();

            Cli.Result viaHelp = Cli.run("help", name);
            assertThat(viaHelp.exit()).as("help " + name).isZero();
            assertThat(viaHelp.out()).as("help " + name).isEqualTo(r.out());
        }
    }

    @Test
    void rootHelpListsTheCommands() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: mptcp-lab").contains("decode", "bench-decode", "help");
        // Picocli's root with no command prints the same usage (the jar opens the app instead).
        assertThat(Cli.run().out()).isEqualTo(r.out());
    }

    @Test
    void commandsDescribeTheirExitStatus() {
        assertThat(Cli.run("decode", "--help").out()).contains("--json", "--summary", "--limit", "Exit status");
        assertThat(Cli.run("bench-decode", "--help").out()).contains("--packets", "--file", "--runs", "--json",
                "--no-tshark", "Exit status");
    }

    @Test
    void unknownCommandExits2() {
        Cli.Result r = Cli.run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument", "frobnicate");
    }
}

package org.mptcplab.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mptcplab.app.lab.Lab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lab up|down|status}: a real multipath network on one machine, the kernel as the peer. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"A real multipath network on this machine: a client namespace for our stack and a server",
            "namespace running the Linux kernel's MPTCP (sink, source and echo services), joined by",
            "one veth pair per path. Needs root and a kernel with MPTCP."},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class})
public final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Creates the lab (removing a stale one first): path N is 10.N.0.0/24 and fd00:N::/64;",
                "the kernel is .2 / ::2 in namespace " + Lab.SERVER_NS + " and announces paths 2..N;",
                "our stack takes .1 / ::1 in namespace " + Lab.CLIENT_NS + ", where the kernel has no address."},
            footer = {"", "Then: ip netns exec " + Lab.CLIENT_NS + " java -jar mptcp-lab.jar connect --lab --bytes 10M",
                "Exit status: 0 the lab is up, 1 it could not be created (the message says what is missing), 2 bad arguments."})
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--paths", paramLabel = "N", description = "number of paths, 1 to 8 (default 2)")
        int paths = 2;

        @Option(names = "--rate", paramLabel = "R", split = ",",
                description = "tbf rate per path (one for all, or one per path), as tc writes it: 40mbit,20mbit")
        List<String> rates = new ArrayList<>();

        @Option(names = "--mtu", paramLabel = "N", description = "MTU of every path's veths, 1280 to 9000 (default 1500);"
                + " our stack and the kernel both take their MSS from it")
        int mtu;

        @Option(names = "--checksum", description = "the kernel requires DSS checksums (net.mptcp.checksum_enabled=1)")
        boolean checksum;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Lab.Config cfg;
            try {
                cfg = new Lab.Config(paths, rates, checksum, mtu);
            } catch (IllegalArgumentException e) {
                err.println("lab up: " + e.getMessage());
                return 2;
            }
            try {
                new Lab(out).up(cfg);
            } catch (Lab.LabException e) {
                err.println("lab up: " + e.getMessage());
                return 1;
            }
            out.print(new Lab(out).status());
            out.flush();
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Removes everything the lab created.")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            boolean was = Lab.exists();
            new Lab(out).down();
            out.println(was ? "lab removed" : "no lab to remove");
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows the lab: namespaces, links, addresses, the kernel's MPTCP endpoints and the peer.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<String> missing = Lab.missingRequirements();
            if (!missing.isEmpty()) {
                out.println("this machine cannot run the lab yet; it needs: ");
                missing.forEach(m -> out.println("  - " + m));
            }
            out.print(new Lab(out).status());
            out.flush();
            return 0;
        }
    }
}

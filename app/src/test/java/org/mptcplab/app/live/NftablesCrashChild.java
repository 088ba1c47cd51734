package org.mptcplab.app.live;

import java.util.List;
import org.mptcplab.stack.wire.IpAddress;

/**
 * The process that {@link NftablesGuardRootTest} kills with SIGKILL: installs a guard in the
 * network namespace named by its argument, says {@code READY <table> <owner pid>} and waits to be
 * killed (or exits after two minutes, should its test have died first).
 */
public final class NftablesCrashChild {
    private NftablesCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        NftablesGuard g = NftablesGuard.install(NftablesGuard.Nft.command(List.of("ip", "netns", "exec", args[0])),
                List.of(new NftablesGuard.Hole(IpAddress.parse("10.78.0.1"), 61000, 65535)));
        System.out.println("READY " + g.table() + " " + g.ownerPid());
        System.out.flush();
        Thread.sleep(120_000);
    }
}

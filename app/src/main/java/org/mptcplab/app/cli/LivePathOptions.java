package org.mptcplab.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mptcplab.app.live.LinkWatcher;
import org.mptcplab.app.live.LiveRunner;
import org.mptcplab.app.live.PathImpairment;
import org.mptcplab.stack.mptcp.MptcpStack;
import picocli.CommandLine.Option;

/**
 * The path options {@code connect} and {@code listen} share: scripted path changes, backup paths,
 * the link watcher and the backend's impairments. Checked with {@link #parse} before anything is
 * opened; {@link #attach} wires them to a running stack.
 */
public final class LivePathOptions {
    @Option(names = "--path-down", paramLabel = "IF@TIME", description = "stop using interface IF at TIME after the"
            + " connection is established (or accepted): REMOVE_ADDR, its subflows close, the data goes on elsewhere"
            + " (repeatable)")
    List<String> pathDown = new ArrayList<>();

    @Option(names = "--path-up", paramLabel = "IF@TIME", description = "use IF again at TIME (after a --path-down): a new"
            + " join, or for listen an ADD_ADDR for the peer to join (repeatable)")
    List<String> pathUp = new ArrayList<>();

    @Option(names = "--backup", paramLabel = "IF[@TIME]", description = "IF is a backup path: joins we open from it carry"
            + " the MP_JOIN B flag; with @TIME its subflows become backups then, with MP_PRIO (repeatable)")
    List<String> backup = new ArrayList<>();

    @Option(names = "--impair", paramLabel = "IF=SPEC", description = "delay, jitter and loss our backend adds on IF, both"
            + " ways: wifi, lte, none, or delay=TIME[,jitter=TIME][,loss=P] (repeatable, one per interface)")
    List<String> impair = new ArrayList<>();

    @Option(names = "--no-link-watch", description = "do not react to interfaces going down and up (REMOVE_ADDR / re-join)")
    boolean noLinkWatch;

    /** The options, checked against the interfaces in use. */
    record Parsed(List<PathControl.Action> actions, Map<String, PathImpairment.Settings> impairments) {
    }

    /** @throws IllegalArgumentException naming the option, the value and what is wrong */
    Parsed parse(List<String> ifaceNames) {
        return new Parsed(PathControl.parseAll(pathDown, pathUp, backup, ifaceNames),
                ImpairOption.parseAll(impair, ifaceNames));
    }

    /** Path control for a runner not yet started, with the link watcher unless --no-link-watch. */
    PathControl attach(MptcpStack stack, LiveRunner runner, List<String> ifaceNames, Parsed parsed) {
        PathControl paths = new PathControl(stack, runner, ifaceNames, parsed.actions(), PathControl::openPcap);
        if (!noLinkWatch) {
            runner.watchLinks(ConnectCommand.LINK_WATCH_MILLIS, new LinkWatcher(paths.names(), LinkWatcher.sysfs(), paths));
        }
        return paths;
    }
}

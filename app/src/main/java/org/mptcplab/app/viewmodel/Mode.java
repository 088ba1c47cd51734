package org.mptcplab.app.viewmodel;

import java.util.List;

/**
 * The three ways the app gets MPTCP traffic to show. The texts live here, next to the enum,
 * so that the view has nothing to decide and the ViewModel test can check them without a
 * display.
 */
public enum Mode {
    EMULATED("Emulated",
            "An in-process network: both MPTCP endpoints run inside this app and talk over "
                    + "emulated paths whose rate, delay, loss and queue size you configure. "
                    + "Nothing touches the host's network, so it needs no root and behaves the "
                    + "same on every machine.",
            "No root needed",
            "Nothing is running yet. When an emulated connection runs, this area shows:",
            List.of(
                    "The connection's subflows, one row per path",
                    "Congestion window (cwnd) and RTT of each subflow over time",
                    "Send rate and bytes in flight per path; goodput and the video player's buffer",
                    "Path up/down buttons to take a path away and watch the handover")),

    LIVE("Live",
            "Our MPTCP stack on real network interfaces: packets are sent and captured through "
                    + "pcap4j, and the peer is the Linux kernel's own MPTCP. This is the "
                    + "interoperability test against a real implementation, so it needs root "
                    + "and libpcap.",
            "Needs root and libpcap",
            "Start the live lab below: it makes a network namespace with the Linux kernel's MPTCP as the video "
                    + "server and one veth pair per path, and the same views show the real packets; Stop removes it all "
                    + "(a watcher removes it too if the app dies). From the command line:",
            List.of(
                    "mptcp-lab lab up --paths 2: network namespaces and veth links with the Linux kernel's MPTCP as the peer",
                    "ip netns exec mptcplab-c mptcp-lab connect --lab --bytes 50M --path-down mlc1@2s --path-up mlc1@4s: "
                            + "our stack against the kernel, a path taken down and back (listen: the other role)",
                    "connect --iface IF --to ADDR:PORT: real interfaces against any MPTCP server",
                    "mptcp-lab lab down: removes the lab (a crashed run's too)")),

    REPLAY("Replay",
            "Open a pcap or pcapng capture, for example one recorded with tcpdump or "
                    + "Wireshark, and see its MPTCP connections in the same views as a running "
                    + "connection: play it, pause, step packet by packet, scrub, and jump to its stalls. "
                    + "Read-only: nothing is sent.",
            "Needs a .pcap or .pcapng file",
            "Open a capture with the button below, drop a file onto the window, or start the app with it "
                    + "(java -jar mptcp-lab.jar FILE). Then:",
            List.of(
                    "The connection's subflows on its address pairs, with the cwnd estimate, RTT and rate of each",
                    "The data-sequence graph, the ladder and every packet decoded, up to the playhead",
                    "The longest stalls as bookmarks: one click shows what each subflow did around it",
                    "demo-captures/ holds recorded scenarios to start with; analyze FILE prints the same analysis"));

    private final String displayName;
    private final String description;
    private final String requirement;
    private final String emptyStateLead;
    private final List<String> plannedViews;

    Mode(String displayName, String description, String requirement, String emptyStateLead,
            List<String> plannedViews) {
        this.displayName = displayName;
        this.description = description;
        this.requirement = requirement;
        this.emptyStateLead = emptyStateLead;
        this.plannedViews = plannedViews;
    }

    /** Short name for buttons and the status bar, e.g. "Emulated". */
    public String displayName() {
        return displayName;
    }

    /** One paragraph saying what the mode is and what it needs. */
    public String description() {
        return description;
    }

    /** What the user must have for this mode, in a few words (badge and tooltip). */
    public String requirement() {
        return requirement;
    }

    /** The sentence introducing {@link #plannedViews()} while there is nothing to show. */
    public String emptyStateLead() {
        return emptyStateLead;
    }

    /** What the central area will show once there is a connection (immutable). */
    public List<String> plannedViews() {
        return plannedViews;
    }
}

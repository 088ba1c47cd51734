package org.mptcplab.app.view;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;
import org.mptcplab.stack.decode.OptionFields;
import org.mptcplab.stack.observe.Mib;
import org.mptcplab.stack.wire.DecodedPacket;
import org.mptcplab.stack.wire.MptcpOption;
import org.mptcplab.stack.wire.PacketDecoder;
import org.mptcplab.stack.wire.TcpOption;

/**
 * The packets of the MPTCP connection, newest first (each row a mapping when it carries one); the
 * selected packet decoded field by field, every MPTCP option with its fields as RFC 8684 names
 * them; beside it the MPTcpExt counters of both ends, live.
 */
public final class PacketsPane extends SplitPane {
    static final int ROWS = 400;

    private final Supplier<Session> session;
    private final TableView<Samples.Packet> table = new TableView<>();
    private final TextArea inspector = new TextArea();
    private final TextArea counters = new TextArea();
    private final Label countersTitle = new Label("MPTcpExt counters (client / server)");
    private final CheckBox follow = new CheckBox("follow (newest on top)");
    private final CheckBox mappingsOnly = new CheckBox("mappings only");
    private List<String> pathNames = List.of();
    private Session shownAnalysis;

    public PacketsPane(Supplier<Session> session) {
        this.session = session;
        table.setId("packetTable");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        column("time", 90, p -> String.format(Locale.ROOT, "%.6f", p.t() / 1e9));
        column("path", 60, p -> p.path() < pathNames.size() ? pathNames.get(p.path()) : String.valueOf(p.path()));
        column("dir", 70, p -> p.toClient() ? "srv\u2192cli" : "cli\u2192srv");
        column("flags", 45, Samples.Packet::flagText);
        column("len", 55, p -> String.valueOf(p.payloadLength()));
        column("MPTCP options", 150, Samples.Packet::options);
        column("mapping (dsn+len)", 140, p -> p.dsn() < 0 ? "" : p.dsn() + "+" + p.dataLength()
                + (p.reinjected() ? " reinjected" : p.retransmitted() ? " retransmitted" : ""));
        column("data ACK", 90, p -> p.dataAck() < 0 ? "" : String.valueOf(p.dataAck()));
        column("fate", 70, p -> p.fate().equals("delivered")
                ? String.format(Locale.ROOT, "+%.1f ms", (p.arrivedAt() - p.t()) / 1e6)
                : p.fate().startsWith("frame ") ? "#" + p.fate().substring(6) : p.fate());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> inspect(p));
        follow.setSelected(true);
        follow.setId("followPackets");
        Label title = new Label("Packets of the MPTCP connection");
        title.getStyleClass().add(Styles.SECTION_TITLE);
        mappingsOnly.setId("mappingsOnly");
        mappingsOnly.setTooltip(new javafx.scene.control.Tooltip(
                "Only the packets that carry a DSS mapping (RFC 8684 3.3.1): the data-sequence map of the stream"));
        HBox head = new HBox(12, title, follow, mappingsOnly);
        VBox left = new VBox(4, head, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        inspector.setId("packetInspector");
        inspector.setEditable(false);
        inspector.getStyleClass().add(Styles.EVENT_LOG);
        inspector.setText("Select a packet to see its headers and every MPTCP option, field by field.");
        counters.setEditable(false);
        counters.setId("counters");
        counters.getStyleClass().add(Styles.EVENT_LOG);
        Label it = new Label("Packet inspector");
        it.getStyleClass().add(Styles.SECTION_TITLE);
        Label ct = countersTitle;
        ct.getStyleClass().add(Styles.SECTION_TITLE);
        VBox right = new VBox(4, it, inspector, ct, counters);
        VBox.setVgrow(inspector, Priority.ALWAYS);
        VBox.setVgrow(counters, Priority.ALWAYS);
        getItems().addAll(left, right);
        setDividerPositions(0.62);
    }

    private void column(String name, double width, Function<Samples.Packet, String> f) {
        TableColumn<Samples.Packet, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        table.getColumns().add(c);
    }

    /** A few times a second while visible: the newest packets and the counters. */
    public void refresh(Session.State st) {
        if (st == null) {
            return;
        }
        pathNames = st.paths().stream().map(p -> p.settings().name()).toList();
        Session s = session.get();
        if (follow.isSelected()) {
            List<Samples.Packet> ps = s.store().packetsSince(Math.max(0, st.nowNanos() - 5_000_000_000L));
            if (mappingsOnly.isSelected()) {
                ps.removeIf(x -> x.dsn() < 0);
            }
            int from = Math.max(0, ps.size() - ROWS);
            List<Samples.Packet> rows = new java.util.ArrayList<>(ps.subList(from, ps.size()));
            java.util.Collections.reverse(rows);
            Samples.Packet selected = table.getSelectionModel().getSelectedItem();
            table.getItems().setAll(rows);
            if (selected != null && rows.contains(selected)) {
                table.getSelectionModel().select(selected);
            }
        }
        if (s instanceof org.mptcplab.app.replay.ReplaySession r) {
            // A capture has no counters of the hosts: what the analyzer made of the connection instead.
            if (shownAnalysis != r) {
                shownAnalysis = r;
                counters.setText(org.mptcplab.app.cli.AnalyzeCommand.connectionText(r.report(), r.index().originNanos()));
                countersTitle.setText("The connection as analyze reads it (the whole capture)");
            }
            return;
        }
        shownAnalysis = null;
        counters.setText(s.kind() == Session.Kind.LIVE_LAB ? liveCounters(s.counters(false), s.peerReport())
                : countersText(s.counters(false), s.counters(true)));
        countersTitle.setText(s.kind() == Session.Kind.LIVE_LAB ? "MPTcpExt counters (our stack / the Linux kernel), the kernel's sockets"
                : "MPTcpExt counters (client / server)");
    }

    static String countersText(Map<Mib, Long> c, Map<Mib, Long> sv) {
        StringBuilder sb = new StringBuilder();
        java.util.TreeSet<Mib> keys = new java.util.TreeSet<>(c.keySet());
        keys.addAll(sv.keySet());
        for (Mib m : keys) {
            sb.append(String.format(Locale.ROOT, "%-24s %8d %8d%n", m.name(), c.getOrDefault(m, 0L), sv.getOrDefault(m, 0L)));
        }
        return sb.toString();
    }

    /**
     * Ours beside the kernel's, by the kernel's names (our counters carry them, RFC-free MIB names
     * of Linux's net/mptcp/mib.c), then the kernel's sockets as its {@code ss} lists them.
     */
    static String liveCounters(Map<Mib, Long> ours, Session.PeerReport peer) {
        StringBuilder sb = new StringBuilder();
        java.util.TreeMap<String, long[]> rows = new java.util.TreeMap<>();
        ours.forEach((m, v) -> rows.computeIfAbsent(m.name(), k -> new long[2])[0] = v);
        peer.counters().forEach((k, v) -> {
            if (v != 0) {
                rows.computeIfAbsent(k, x -> new long[2])[1] = v;
            }
        });
        sb.append(String.format(Locale.ROOT, "%-24s %8s %8s%n", "", "ours", "kernel"));
        rows.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-24s %8d %8d%n", k, v[0], v[1])));
        if (peer.problem() != null) {
            sb.append('\n').append(peer.problem()).append('\n');
        }
        if (!peer.subflows().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nthe kernel's sockets at %.1f s (ss -Mni, ss -tni):%n", peer.takenAtNanos() / 1e9));
            for (String l : peer.subflows()) {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    private void inspect(Samples.Packet p) {
        if (p == null) {
            return;
        }
        String text = describe(p, pathNames);
        if (session.get().kind() == Session.Kind.LIVE_LAB) {
            text += "\n(live: this frame was seen at our end only; its time at the kernel is estimated as half its subflow's RTT)\n";
        }
        inspector.setText(text);
    }

    /** The packet in words and fields: what the inspector shows. */
    public static String describe(Samples.Packet p, List<String> pathNames) {
        StringBuilder sb = new StringBuilder();
        boolean captured = p.fate().startsWith("frame ");
        sb.append(String.format(Locale.ROOT, "%s %.6f s on %s, %s%n", captured ? "captured" : "sent", p.t() / 1e9,
                p.path() < pathNames.size() ? pathNames.get(p.path()) : "path " + p.path(),
                p.toClient() ? "server to client" : "client to server"));
        if (captured) {
            // One capture point: when it was sent and when it arrived are not in the file.
            sb.append(p.fate()).append(" of the capture (Wireshark's frame number); seq and ack relative to the subflow's ISN\n");
            if (p.headers().length == 0) {
                sb.append("(its headers were not kept: the capture is larger than the replay's header budget)\n");
            }
        } else {
            sb.append(p.arrivedAt() >= 0 ? String.format(Locale.ROOT, "arrived %.6f s (%.2f ms later)%n", p.arrivedAt() / 1e9,
                    (p.arrivedAt() - p.t()) / 1e6) : "never arrived: " + p.fate() + "\n");
        }
        DecodedPacket d = PacketDecoder.decode(PacketDecoder.LINK_RAW, p.headers(), p.headers().length);
        if (d.ipv4() != null || d.ipv6() != null) {
            sb.append("IP ").append(d.source()).append(" > ").append(d.destination()).append('\n');
        }
        if (d.tcp() != null) {
            sb.append(String.format(Locale.ROOT, "TCP %d > %d  flags [%s]  seq %d  ack %d  win %d  payload %d bytes%n",
                    d.tcp().sourcePort(), d.tcp().destinationPort(), p.flagText(), p.seq(), p.ack(), d.tcp().window(),
                    p.payloadLength()));
            for (TcpOption o : d.tcp().options()) {
                if (o instanceof MptcpOption || o instanceof TcpOption.Malformed) {
                    sb.append("\nMPTCP ").append(OptionFields.name(o)).append('\n');
                    for (OptionFields.Field f : OptionFields.of(o)) {
                        sb.append("  ").append(f.name()).append(" = ").append(f.value()).append('\n');
                    }
                } else if (!(o instanceof TcpOption.Nop) && !(o instanceof TcpOption.Eol)) {
                    sb.append("TCP option ").append(OptionFields.name(o)).append('\n');
                }
            }
        }
        if (p.dsn() >= 0) {
            sb.append(String.format(Locale.ROOT, "%nmapping: data bytes %d to %d (relative to the %s)%s%n", p.dsn(),
                    p.dsn() + p.dataLength(), captured ? "connection's first data byte" : "first mapping", p.reinjected() ? ", reinjected: these bytes went out before on another subflow"
                            : p.retransmitted() ? ", a subflow-level retransmission" : ""));
        }
        return sb.toString();
    }

    /**
     * Shows {@code p} (a segment clicked elsewhere): following stops, the table holds the packets
     * around it, and it is selected and inspected.
     */
    public void show(Samples.Packet p, Session.State st) {
        follow.setSelected(false);
        if (st != null) {
            pathNames = st.paths().stream().map(x -> x.settings().name()).toList();
        }
        List<Samples.Packet> around = session.get().store().packetsSince(Math.max(0, p.t() - 50_000_000L));
        around.removeIf(x -> x.t() > p.t() + 50_000_000L);
        if (!around.contains(p)) {
            around.add(p);
        }
        around.sort(java.util.Comparator.comparingLong(Samples.Packet::t).reversed());
        table.getItems().setAll(around.size() > ROWS ? around.subList(0, ROWS) : around);
        table.getSelectionModel().select(p);
        table.scrollTo(p);
        inspect(p);
    }

    public TableView<Samples.Packet> table() {
        return table;
    }

    public CheckBox mappingsOnly() {
        return mappingsOnly;
    }

    public TextArea inspector() {
        return inspector;
    }
}

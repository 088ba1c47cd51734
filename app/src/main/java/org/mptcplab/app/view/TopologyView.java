package org.mptcplab.app.view;

import java.util.List;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import org.mptcplab.app.session.Session;
import org.mptcplab.app.viewmodel.Format;
import org.mptcplab.app.viewmodel.SubflowWords;
import org.mptcplab.stack.mptcp.SubflowSnapshot;

/**
 * The topology: client and server hosts, one line per path with its subflows on it, coloured by
 * state and labelled, and the traffic on each path as dots moving from server to client at a
 * density that follows its rate. Below, the single-path TCP comparison on its own copy of the
 * first path. Drawn on a canvas once per frame from the session's published state; the dots move
 * with virtual time, so they freeze when the run is paused and crawl at 0.1x.
 */
public final class TopologyView extends Region {
    private final Canvas canvas = new Canvas();
    private Session.State state;
    private double fontScale = 1;

    public TopologyView() {
        getChildren().add(canvas);
        getStyleClass().add(Styles.TOPOLOGY);
        setMinSize(300, 180);
        setPrefSize(700, 260);
    }

    /** Bigger labels for presenter mode. */
    public void setFontScale(double s) {
        fontScale = s;
        draw();
    }

    public void show(Session.State st) {
        state = st;
        draw();
    }

    private Session.Kind kind = Session.Kind.EMULATED;
    /** The shared bottleneck's rate (the spec's), 0 without one. */
    private long bottleneckBps;

    /** Draws the shared bottleneck every path and the TCP comparison cross; 0: none. */
    public void setBottleneck(long bps) {
        bottleneckBps = bps;
    }

    /** What runs: in the live lab the hosts are our stack and the Linux kernel, and the paths real veth pairs. */
    public void setKind(Session.Kind k) {
        kind = k;
    }

    private java.util.function.IntFunction<String> captions = i -> null;

    /** What a lane says instead of its link settings (a replay: the address pair), null where nothing. */
    public void setCaptions(java.util.function.IntFunction<String> c) {
        captions = c;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private Font font(double size, boolean bold) {
        return Font.font("System", bold ? FontWeight.BOLD : FontWeight.NORMAL, size * fontScale);
    }

    private void draw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        if (state == null || w < 50 || h < 50) {
            return;
        }
        boolean tcp = state.flows().size() > 1;
        double tcpBand = tcp ? Math.min(70 * fontScale, h * 0.28) : 0;
        double mainH = h - tcpBand;
        double hostW = Math.max(90, 110 * fontScale);
        double left = 12;
        double right = w - 12 - hostW;
        List<Session.PathState> paths = state.paths();
        int n = paths.size();
        double top = 14;
        double laneH = (mainH - top - 10) / Math.max(1, n);
        boolean replay = kind == Session.Kind.REPLAY;
        host(g, left, top, hostW, mainH - top - 10, "client", replay ? "in the capture"
                : kind != Session.Kind.EMULATED ? "our stack" : "MPTCP");
        host(g, right, top, hostW, mainH - top - 10, kind == Session.Kind.LIVE_LAB ? "Linux" : "server",
                kind == Session.Kind.LIVE_LAB ? "kernel MPTCP" : kind == Session.Kind.LIVE_INTERFACES ? "any MPTCP"
                        : replay ? "in the capture" : "MPTCP");
        List<SubflowSnapshot> subflows = state.flows().isEmpty() ? List.of() : state.flows().get(0).subflows();
        double phase = state.nowNanos() / 1e9;
        for (int i = 0; i < n; i++) {
            double y = top + laneH * (i + 0.5);
            Session.PathState p = paths.get(i);
            int pathIndex = i;
            List<SubflowSnapshot> here = subflows.stream().filter(sf -> sf.iface() == pathIndex).toList();
            String caption = captions.apply(i);
            lane(g, left + hostW, right, y, Palette.path(i), p.settings().name(), i + 1, p,
                    caption != null ? caption : p.settings().linkSpec().replace(",", " \u00b7 "), here, phase);
        }
        if (tcp) {
            double y0 = mainH;
            g.setStroke(Color.web("#D0D5DB"));
            g.setLineWidth(1);
            g.strokeLine(8, y0, w - 8, y0);
            double bh = tcpBand - 16;
            host(g, left, y0 + 8, hostW, bh, "TCP client", null);
            host(g, right, y0 + 8, hostW, bh, "TCP server", null);
            Session.FlowState f = state.flows().get(1);
            Session.PathState first = paths.get(0);
            Session.PathState copy = new Session.PathState(0, first.settings(), first.status(),
                    first.status() == Session.PathStatus.UP ? f.goodputBps() : 0);
            lane(g, left + hostW, right, y0 + 8 + bh / 2, Palette.tcp(), bottleneckBps > 0
                    ? "single-path TCP, the same bottleneck" : "single-path TCP on a copy of " + first.settings().name(),
                    -1, copy, "", f.subflows(), phase);
        }
        if (bottleneckBps > 0) {
            // One queue and one rate for every path's data and the TCP flow's: where they compete.
            double bw = 30 * fontScale;
            double bx = right - 26 * fontScale - bw;
            double by = top - 6;
            double bhgt = h - 6 - by;
            g.setFill(Color.web("#FF6F00", 0.16));
            g.fillRoundRect(bx, by, bw, bhgt, 10, 10);
            g.setStroke(Color.web("#E65100"));
            g.setLineWidth(2);
            g.strokeRoundRect(bx, by, bw, bhgt, 10, 10);
            g.save();
            g.translate(bx + bw / 2, by + bhgt / 2);
            g.rotate(-90);
            g.setFill(Color.web("#BF360C"));
            g.setFont(font(13, true));
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("shared bottleneck " + org.mptcplab.app.viewmodel.Format.bps(bottleneckBps) + ", one queue",
                    0, 0);
            g.restore();
        }
    }

    private void host(GraphicsContext g, double x, double y, double w, double h, String name, String tag) {
        g.setFill(Color.web("#263238"));
        g.fillRoundRect(x, y, w, h, 12, 12);
        g.setFill(Color.WHITE);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.setFont(font(15, true));
        g.fillText(name, x + w / 2, y + h / 2 - (tag == null ? 0 : 9 * fontScale));
        if (tag != null) {
            g.setFont(font(11, false));
            g.setFill(Color.web("#B0BEC5"));
            g.fillText(tag, x + w / 2, y + h / 2 + 10 * fontScale);
        }
    }

    private void lane(GraphicsContext g, double x0, double x1, double y, Color colour, String name, int key,
                      Session.PathState p, String spec, List<SubflowSnapshot> subflows, double phase) {
        boolean up = p.status() == Session.PathStatus.UP;
        Color line = up ? colour : p.status() == Session.PathStatus.DOWN_SILENT ? Palette.BLACK_HOLE : Palette.DOWN;
        g.setStroke(line);
        g.setLineWidth(up ? 6 : 4);
        g.setLineDashes(up ? null : new double[] {10, 8});
        g.strokeLine(x0, y, x1, y);
        g.setLineDashes(null);
        // Interface dots at both ends.
        g.setFill(line);
        g.fillOval(x0 - 6, y - 6, 12, 12);
        g.fillOval(x1 - 6, y - 6, 12, 12);
        if (up && p.sentBps() > 0) {
            // Packets flowing server -> client: one dot per ~1 Mbit/s (up to 30), moving with virtual time.
            int dots = (int) Math.min(30, Math.max(1, Math.round(p.sentBps() / 1e6)));
            double len = x1 - x0 - 20;
            g.setFill(Color.WHITE);
            for (int k = 0; k < dots; k++) {
                double f = (phase * 0.5 + (double) k / dots) % 1.0;
                double x = x1 - 10 - f * len;
                g.fillOval(x - 3, y - 3, 6, 6);
            }
        }
        double mid = (x0 + x1) / 2;
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.BOTTOM);
        g.setFont(font(14, true));
        g.setFill(line);
        String title = (key > 0 ? key + "  " : "") + name + (spec.isEmpty() ? "" : "   " + spec);
        // Squeezed to the lane rather than over the hosts when the window is narrow.
        g.fillText(title, mid, y - 9, Math.max(40, x1 - x0 - 10));
        g.setTextBaseline(VPos.TOP);
        g.setFont(font(12, false));
        String what = switch (p.status()) {
            case UP -> Format.bps(p.sentBps());
            case DOWN_SIGNALLED -> "DOWN (link down)";
            case DOWN_SILENT -> "BLACK HOLE (nobody told)";
            case CLOSED -> "NO OPEN SUBFLOW (FIN or RST seen)";
        };
        g.setFill(up ? Color.web("#37474F") : line);
        g.fillText(what, mid, y + 10, Math.max(40, x1 - x0 - 10));
        // Subflow pills near the client end, newest last.
        double px = x0 + 14;
        double py = y;
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.setFont(font(11, true));
        for (SubflowSnapshot sf : subflows) {
            SubflowWords.Look look = SubflowWords.look(sf);
            if (look == SubflowWords.Look.CLOSING && sf.state() == org.mptcplab.stack.mptcp.SubflowState.CLOSED) {
                continue;
            }
            String label = (key > 0 ? "sf " + sf.id() + " " : "") + SubflowWords.state(sf);
            double tw = label.length() * 6.6 * fontScale + 14;
            if (px > x0 + 14 && px + tw > x1 - 8) {
                // No room left on the line: the next pills go in a row under the rate.
                px = x0 + 14;
                py += 24 * fontScale + (py == y ? 10 * fontScale : 0);
            }
            g.setFill(Palette.subflow(look));
            g.fillRoundRect(px, py - 10 * fontScale, tw, 20 * fontScale, 10, 10);
            g.setFill(Color.WHITE);
            g.fillText(label, px + 7, py);
            px += tw + 6;
        }
    }
}

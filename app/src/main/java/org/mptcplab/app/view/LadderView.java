package org.mptcplab.app.view;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;

/**
 * The ladder (sequence) diagram, as textbooks draw a handshake: the client and the server as
 * vertical lines, time going down, each packet an arrow from its send time on one side to its
 * arrival on the other, coloured by path and labelled with its flags and MPTCP options. A lost
 * packet ends half-way with a cross. The window scrolls with the run (its bottom is now); at
 * 0.05x a class can follow the MP_CAPABLE handshake and each MP_JOIN packet by packet.
 *
 * <p>Packets are matched per path (each is recorded on the path it took), which is where tools
 * built for one path mismatch multipath traces.
 */
public final class LadderView extends Region {
    /** Time spans offered, milliseconds of virtual time from top to bottom. */
    public static final List<Integer> SPANS = List.of(20, 50, 100, 250, 1000);

    private final Supplier<Session> session;
    private final Canvas canvas = new Canvas();
    private volatile long spanNanos = 100_000_000L;
    private long focusNanos = -1;
    private List<String> pathNames = List.of();
    private double fontScale = 1;
    private int drawn;

    public LadderView(Supplier<Session> session) {
        this.session = session;
        getStyleClass().add(Styles.TOPOLOGY);
        getChildren().add(canvas);
        setMinSize(200, 150);
    }

    /** Centres the ladder on {@code t} (an event's moment) and marks it; -1 follows the run. */
    public void setFocus(long t) {
        focusNanos = t;
    }

    public void setSpanMillis(int ms) {
        spanNanos = ms * 1_000_000L;
    }

    public void setFontScale(double s) {
        fontScale = s;
    }

    /** Arrows drawn in the last frame (for tests). */
    public int drawn() {
        return drawn;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
    }

    /** Once a frame while visible. */
    public void frame(Session.State st) {
        if (st == null) {
            return;
        }
        pathNames = st.paths().stream().map(p -> p.settings().name()).toList();
        draw(st.nowNanos());
    }

    private void draw(long now) {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        if (w < 100 || h < 80) {
            return;
        }
        double top = 34 * fontScale;
        double bottom = h - 8;
        double cx = Math.max(110, w * 0.16);
        double sx = w - Math.max(110, w * 0.16);
        // Now at the bottom; before a whole span has passed, the run's start at the top. A focused
        // moment (an event clicked) sits in the middle instead.
        long t0 = focusNanos >= 0 ? Math.max(0, focusNanos - spanNanos / 2) : Math.max(0, now - spanNanos);
        long t1 = t0 + spanNanos;
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.CENTER);
        g.setFont(Font.font("System", FontWeight.BOLD, 15 * fontScale));
        g.setFill(Color.web("#263238"));
        g.fillText("client", cx, 14 * fontScale);
        g.fillText("server", sx, 14 * fontScale);
        g.setStroke(Color.web("#263238"));
        g.setLineWidth(3);
        g.strokeLine(cx, top, cx, bottom);
        g.strokeLine(sx, top, sx, bottom);
        // Time ticks on the left.
        g.setFont(Font.font("Monospaced", 11 * fontScale));
        g.setTextAlign(TextAlignment.RIGHT);
        g.setFill(Color.web("#57606a"));
        g.setLineWidth(1);
        g.setStroke(Color.web("#E5E8EB"));
        long step = niceStep(spanNanos / 6);
        for (long t = (t0 / step + 1) * step; t <= t1; t += step) {
            double y = y(t, t0, t1, top, bottom);
            g.strokeLine(cx - 6, y, sx + 6, y);
            g.fillText(String.format(Locale.ROOT, "%.3f s", t / 1e9), cx - 10, y);
        }
        List<Samples.Packet> ps = session.get().store().packetsSince(Math.max(0, t0 - 2_000_000_000L));
        java.util.TreeSet<Double> labelled = new java.util.TreeSet<>();
        int count = 0;
        g.setFont(Font.font("Monospaced", 11 * fontScale));
        // Arrows: the background first (plain ACKs, then data), signalling last, on top.
        java.util.List<double[]> geometry = new java.util.ArrayList<>();
        java.util.List<Samples.Packet> shown = new java.util.ArrayList<>();
        for (Samples.Packet p : ps) {
            long end = p.arrivedAt() >= 0 ? p.arrivedAt() : p.t() + spanNanos / 10;
            if (end < t0 || p.t() > t1) {
                continue;
            }
            shown.add(p);
        }
        shown.sort(java.util.Comparator.comparingInt(LadderView::rank).reversed());
        for (Samples.Packet p : shown) {
            double x0 = p.toClient() ? sx : cx;
            double x1 = p.toClient() ? cx : sx;
            double y0 = y(p.t(), t0, t1, top, bottom);
            boolean lostPacket = p.arrivedAt() < 0;
            long end = lostPacket ? p.t() + spanNanos / 10 : p.arrivedAt();
            double y1 = y(end, t0, t1, top, bottom);
            double xe = lostPacket ? (x0 + x1) / 2 : x1;
            Color c = p.path() >= 0 ? Palette.path(p.path()) : Color.GRAY;
            int rank = rank(p);
            g.setStroke(rank == 2 ? c.deriveColor(0, 0.6, 1.2, 0.45) : c);
            g.setLineWidth(rank == 0 ? 2.4 : rank == 1 ? 1.6 : 0.8);
            g.strokeLine(x0, y0, xe, y1);
            if (lostPacket) {
                g.setStroke(Color.web("#C62828"));
                g.setLineWidth(2);
                g.strokeLine(xe - 5, y1 - 5, xe + 5, y1 + 5);
                g.strokeLine(xe - 5, y1 + 5, xe + 5, y1 - 5);
            } else {
                arrowHead(g, x0, y0, xe, y1, c);
            }
            geometry.add(new double[] {x0, y0, xe, y1});
            count++;
        }
        // Labels by priority (signalling, then data, then ACKs), never overlapping; on a white
        // box so that they read over the arrows.
        double gap = 14 * fontScale;
        g.setTextAlign(TextAlignment.CENTER);
        for (int i = shown.size() - 1; i >= 0; i--) {
            Samples.Packet p = shown.get(i);
            int rank = rank(p);
            if (rank == 2 && spanNanos > 50_000_000L) {
                continue;
            }
            double[] gm = geometry.get(i);
            double my = (gm[1] + gm[3]) / 2 - 7 * fontScale;
            Double below = labelled.floor(my);
            Double above = labelled.ceiling(my);
            if ((below != null && my - below < gap) || (above != null && above - my < gap)) {
                continue;
            }
            labelled.add(my);
            String text = label(p, session.get().dataToClient());
            double tw = text.length() * 6.7 * fontScale;
            double mx = (gm[0] + gm[2]) / 2;
            g.setFill(Color.color(1, 1, 1, 0.85));
            g.fillRect(mx - tw / 2 - 3, my - 7 * fontScale, tw + 6, 13 * fontScale);
            Color c = p.path() >= 0 ? Palette.path(p.path()) : Color.GRAY;
            g.setFill(rank == 0 ? c.darker() : c.darker().deriveColor(0, 1, 1, 0.85));
            g.fillText(text, mx, my);
        }
        drawn = count;
        if (focusNanos >= 0) {
            double fy = y(focusNanos, t0, t1, top, bottom);
            g.setStroke(Color.web("#C62828"));
            g.setLineWidth(1.5);
            g.setLineDashes(6, 4);
            g.strokeLine(cx - 60, fy, sx + 20, fy);
            g.setLineDashes(null);
        }
        // Legend: the path colours.
        g.setTextAlign(TextAlignment.LEFT);
        g.setFont(Font.font("System", 12 * fontScale));
        double lx = cx + 60 * fontScale;
        for (int i = 0; i < pathNames.size(); i++) {
            g.setFill(Palette.path(i));
            g.fillRect(lx, 8 * fontScale, 14, 4);
            g.fillText(pathNames.get(i), lx + 18, 10 * fontScale);
            lx += 30 + pathNames.get(i).length() * 8 * fontScale;
        }
    }

    /** 0: signalling (SYN, FIN, RST, or an MPTCP option other than DSS); 1: data; 2: a plain ACK. */
    static int rank(Samples.Packet p) {
        boolean signalling = (p.flags() & 0x07) != 0
                || !p.options().isEmpty() && !p.options().equals("DSS");
        if (signalling) {
            return 0;
        }
        return p.payloadLength() > 0 ? 1 : 2;
    }

    /** {@code dataToClient}: which way the data goes (the other way carries its data ACKs). */
    static String label(Samples.Packet p, boolean dataToClient) {
        StringBuilder sb = new StringBuilder(p.flagText());
        if (!p.options().isEmpty()) {
            sb.append(' ').append(p.options());
        }
        if (p.dsn() >= 0) {
            sb.append(" dsn ").append(p.dsn()).append('+').append(p.dataLength());
        }
        if (p.dataAck() >= 0 && p.toClient() != dataToClient) {
            sb.append(" data ack ").append(p.dataAck());
        }
        if (p.reinjected()) {
            sb.append(" (reinjected)");
        } else if (p.retransmitted()) {
            sb.append(" (retransmission)");
        }
        if (p.arrivedAt() < 0) {
            sb.append(" LOST (").append(p.fate()).append(')');
        }
        return sb.toString();
    }

    private static double y(long t, long t0, long t1, double top, double bottom) {
        return top + (double) (t - t0) / (t1 - t0) * (bottom - top);
    }

    private static long niceStep(long raw) {
        long s = 1_000L;
        while (s < raw) {
            if (s * 2 >= raw) {
                return s * 2;
            }
            if (s * 5 >= raw) {
                return s * 5;
            }
            s *= 10;
        }
        return s;
    }

    private static void arrowHead(GraphicsContext g, double x0, double y0, double x1, double y1, Color c) {
        double a = Math.atan2(y1 - y0, x1 - x0);
        double l = 9;
        g.setFill(c);
        g.fillPolygon(new double[] {x1, x1 - l * Math.cos(a - 0.4), x1 - l * Math.cos(a + 0.4)},
                new double[] {y1, y1 - l * Math.sin(a - 0.4), y1 - l * Math.sin(a + 0.4)}, 3);
    }
}

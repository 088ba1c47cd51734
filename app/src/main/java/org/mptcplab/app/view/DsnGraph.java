package org.mptcplab.app.view;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javafx.scene.layout.BorderPane;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.AxisMode;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.LineStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleDataSet;

import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;

/**
 * The data-sequence graph: each data segment the server sends, at its send time and its data
 * sequence number (relative to the first mapping), one colour per path; the data ACK as the
 * server receives it, as a line; reinjections (data sent again on another subflow, RFC 8684
 * 3.3.6) and lost segments marked. A handover reads as one path's dots stopping, a burst of
 * reinjections on the other, and the data ACK line going on.
 */
public final class DsnGraph extends BorderPane {
    /** Points per dataset at most: beyond, every k-th segment is drawn (the ACK line keeps its shape). */
    static final int MAX_POINTS = 6000;

    private final Supplier<Session> session;
    private final XYChart chart;
    private final List<DoubleDataSet> perPath = new ArrayList<>();
    private final DoubleDataSet dataAck = new DoubleDataSet("data ACK");
    private final DoubleDataSet reinjected = new DoubleDataSet("reinjected");
    private final DoubleDataSet lost = new DoubleDataSet("lost");
    private final ScheduledExecutorService feeder;
    private volatile long windowNanos = 5_000_000_000L;
    private volatile long focusNanos = -1;

    public DsnGraph(Supplier<Session> session, List<String> pathNames) {
        this.session = session;
        getStyleClass().add(Styles.CHARTS);
        DefaultNumericAxis x = new DefaultNumericAxis("send time", "s");
        DefaultNumericAxis y = new DefaultNumericAxis("data sequence number", "MB");
        x.setAutoRanging(true);
        y.setAutoRanging(true);
        chart = new XYChart(x, y);
        chart.setTitle("Data sequence numbers over time (dots: segments by path; line: data ACK)");
        chart.setAnimated(false);
        chart.setLegendVisible(true);
        chart.getPlugins().add(new DataPointTooltip());
        chart.getPlugins().add(new Zoomer(AxisMode.XY));
        ErrorDataSetRenderer dots = new ErrorDataSetRenderer();
        dots.setErrorStyle(ErrorStyle.NONE);
        dots.setPolyLineStyle(LineStyle.NONE);
        dots.setDrawMarker(true);
        ErrorDataSetRenderer lines = new ErrorDataSetRenderer();
        lines.setErrorStyle(ErrorStyle.NONE);
        lines.setPolyLineStyle(LineStyle.NORMAL);
        lines.setDrawMarker(false);
        for (int i = 0; i < pathNames.size(); i++) {
            DoubleDataSet ds = new DoubleDataSet(pathNames.get(i) + " segments");
            ds.setStyle("-fx-marker-color: " + Palette.pathHex(i) + "; -fx-line-color: " + Palette.pathHex(i)
                    + "; -fx-marker-size: 2.5; -fx-marker-type: circle;");
            perPath.add(ds);
            dots.getDatasets().add(ds);
        }
        reinjected.setStyle("-fx-marker-color: #C62828; -fx-line-color: #C62828; -fx-marker-size: 5; -fx-marker-type: diamond;");
        lost.setStyle("-fx-marker-color: #111111; -fx-line-color: #111111; -fx-marker-size: 5; -fx-marker-type: cross;");
        dots.getDatasets().addAll(reinjected, lost);
        dataAck.setStyle("-fx-line-color: #1B5E20; -fx-line-width: 2;");
        lines.getDatasets().add(dataAck);
        chart.getRenderers().setAll(lines, dots);
        setCenter(chart);
        // A click (not a drag, which zooms) on a segment selects its packet and mapping.
        chart.getCanvas().addEventHandler(javafx.scene.input.MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == javafx.scene.input.MouseButton.PRIMARY && e.isStillSincePress()) {
                Samples.Packet p = nearest(e.getX(), e.getY());
                if (p != null) {
                    onSelect.accept(p);
                }
            }
        });
        feeder = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsn-feeder");
            t.setDaemon(true);
            return t;
        });
        feeder.scheduleWithFixedDelay(this::feed, 100, 200, TimeUnit.MILLISECONDS);
    }

    private volatile boolean active;
    /** The data segments of the last feed, for a click to find the nearest one. */
    private volatile List<Samples.Packet> lastSegments = List.of();
    private java.util.function.Consumer<Samples.Packet> onSelect = p -> { };

    /** Called with the packet of the segment a click lands nearest to (RFC 8684: its mapping). */
    public void setOnSelect(java.util.function.Consumer<Samples.Packet> c) {
        onSelect = java.util.Objects.requireNonNull(c, "c");
    }

    /**
     * The data segment nearest to a point of the plot (in pixels of the chart's canvas), within
     * 12 pixels, or null.
     */
    public Samples.Packet nearest(double px, double py) {
        var xAxis = chart.getXAxis();
        var yAxis = chart.getYAxis();
        Samples.Packet best = null;
        double bestD = 12 * 12;
        for (Samples.Packet p : lastSegments) {
            double dx = xAxis.getDisplayPosition(p.t() / 1e9) - px;
            double dy = yAxis.getDisplayPosition(p.dsn() / 1e6) - py;
            double d = dx * dx + dy * dy;
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }

    /** Whether its tab is shown: a hidden graph is not fed (the feeder's copy costs a core's tenth). */
    public void setActive(boolean on) {
        active = on;
    }

    /** Centres the graph on {@code t}; -1 follows the run. */
    public void setFocus(long t) {
        focusNanos = t;
    }

    public void setWindowSeconds(int s) {
        windowNanos = s * 1_000_000_000L;
    }

    /** On the feeder thread (chartfx datasets are written off the FX thread, RECIPES.md). */
    void feed() {
        if (!active) {
            return;
        }
        try {
            Session s = session.get();
            long now = s.state().nowNanos();
            long f = focusNanos;
            long from = f >= 0 ? Math.max(0, f - windowNanos / 2) : Math.max(0, now - windowNanos);
            long to = f >= 0 ? from + windowNanos : Long.MAX_VALUE;
            List<Samples.Packet> ps = s.store().packetsSince(from);
            ps.removeIf(p -> p.t() > to);
            int n = perPath.size();
            int data = 0;
            // The data's direction: the lab's download, or a replayed capture's either way.
            boolean down = s.dataToClient();
            for (Samples.Packet p : ps) {
                if (p.toClient() == down && p.dsn() >= 0) {
                    data++;
                }
            }
            int stride = Math.max(1, data / MAX_POINTS);
            Points[] paths = new Points[n];
            for (int i = 0; i < n; i++) {
                paths[i] = new Points();
            }
            Points acks = new Points();
            Points re = new Points();
            Points lo = new Points();
            int k = 0;
            long lastAck = -1;
            List<Samples.Packet> segments = new java.util.ArrayList<>(data);
            for (Samples.Packet p : ps) {
                if (p.toClient() == down && p.dsn() >= 0) {
                    segments.add(p);
                    double y = p.dsn() / 1e6;
                    if (p.reinjected()) {
                        re.add(p.t() / 1e9, y);
                    }
                    if (p.arrivedAt() < 0) {
                        lo.add(p.t() / 1e9, y);
                    }
                    if (k++ % stride == 0 && p.path() < n) {
                        paths[p.path()].add(p.t() / 1e9, y);
                    }
                } else if (p.toClient() != down && p.dataAck() >= 0 && p.arrivedAt() >= 0 && p.dataAck() > lastAck) {
                    lastAck = p.dataAck();
                    acks.add(p.arrivedAt() / 1e9, p.dataAck() / 1e6);
                }
            }
            for (int i = 0; i < n; i++) {
                paths[i].into(perPath.get(i));
            }
            acks.into(dataAck);
            lastSegments = segments;
            re.into(reinjected);
            lo.into(lost);
        } catch (RuntimeException e) {
            System.getLogger("charts").log(System.Logger.Level.WARNING, "data-sequence graph update failed", e);
        }
    }

    /** A growable pair of coordinate arrays. */
    private static final class Points {
        double[] x = new double[256];
        double[] y = new double[256];
        int n;

        void add(double a, double b) {
            if (n == x.length) {
                x = java.util.Arrays.copyOf(x, n * 2);
                y = java.util.Arrays.copyOf(y, n * 2);
            }
            x[n] = a;
            y[n++] = b;
        }

        void into(DoubleDataSet ds) {
            ds.set(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
        }
    }

    public XYChart chart() {
        return chart;
    }

    public void dispose() {
        feeder.shutdownNow();
    }
}

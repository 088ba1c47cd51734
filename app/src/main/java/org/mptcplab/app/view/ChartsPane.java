package org.mptcplab.app.view;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.AxisMode;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.LineStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleDataSet;

import org.mptcplab.app.session.SampleStore;
import org.mptcplab.app.session.Samples;
import org.mptcplab.app.session.Session;

/**
 * The charts (chartfx): the players' buffers, goodput, each path's send rate, and per subflow the
 * congestion window with ssthresh, the smoothed RTT and the bytes in flight. One line per path in
 * the path's colour (the newest live subflow on that path), grey for single-path TCP. With bulk
 * traffic, where there is no player, the first chart is the congestion controller's instead: each
 * subflow's congestion-avoidance increase per RTT, their sum, and one TCP's for scale, with the
 * controller's name in the title and a caption saying whether it couples the subflows (the
 * difference between coupled and uncoupled control, plain to see: each of newreno's subflows
 * grows as one TCP, on the dashed line, each of LIA's by a share of it, below).
 *
 * <p>chartfx datasets must not be written on the FX thread (its lock is read-held across each
 * pulse, RECIPES.md), so a feeder thread copies the session's store into them four times a second;
 * chartfx redraws on the next pulse.
 */
public final class ChartsPane extends GridPane {
    /**
     * Points per line at most: a chart a few hundred pixels wide shows no more, and drawing
     * 3,000 points in twenty lines each frame costs the frame (BENCHMARKS.md, frame time).
     * Beyond it, samples are thinned evenly (every k-th).
     */
    static final int MAX_POINTS = Integer.getInteger("mptcplab.chartPoints", 600);

    /**
     * How often the charts take new samples: four times a second. Each update makes chartfx redraw
     * the chart, which in the software pipeline costs more than anything else in the window; at
     * 4 Hz a 60 s chart still moves by less than a pixel between updates.
     */
    static final long FEED_MILLIS = 250;

    /**
     * The six charts do not take their samples at the same moment: one chart per tick, a sixth of
     * {@link #FEED_MILLIS} apart, so that a pulse redraws one chart and not six. Handing all six
     * their data at once made every fifteenth pulse draw six charts of up to 25 lines, which was
     * the window's worst frame (the p99 of BENCHMARKS.md, "The window"); staggered, the same work
     * is spread over six pulses.
     */
    static final long TICK_MILLIS = FEED_MILLIS / 6;

    /** Time windows offered, seconds of virtual time. */
    public static final List<Integer> WINDOWS = List.of(20, 60, 120, 600);

    private final Supplier<Session> session;
    private final List<XYChart> charts = new ArrayList<>();
    private final List<Series> series = new ArrayList<>();
    private final ScheduledExecutorService feeder;
    private DoubleDataSet[] stacked;
    private volatile long windowNanos = 60_000_000_000L;

    /** The congestion controller's chart (bulk traffic), its caption, and what they say now; null with video. */
    private XYChart ccChart;
    private javafx.scene.control.Label ccCaption;
    private Series ccTotal;
    private Series ccReference;
    /** Title and caption as last handed to the FX thread (feeder thread only). */
    private String ccTitleSaid = "";
    private String ccCaptionSaid = "";
    private long ccFeeds;

    /** One line: which samples, which value, on which chart; the points computed and not yet handed over. */
    private static final class Series {
        final DoubleDataSet data;
        final boolean subflow;
        final int flow;
        final int path;
        final ToDoubleFunction<Samples.Subflow> sub;
        final ToDoubleFunction<Samples.Flow> flowValue;
        final XYChart chart;
        double[] pendingX;
        double[] pendingY;

        Series(DoubleDataSet data, boolean subflow, int flow, int path, ToDoubleFunction<Samples.Subflow> sub,
               ToDoubleFunction<Samples.Flow> flowValue, XYChart chart) {
            this.data = data;
            this.subflow = subflow;
            this.flow = flow;
            this.path = path;
            this.sub = sub;
            this.flowValue = flowValue;
            this.chart = chart;
        }

        /** Hands the pending points to chartfx (feeder thread), once. */
        void apply() {
            if (pendingX != null) {
                data.set(pendingX, pendingY);
                pendingX = null;
                pendingY = null;
            }
        }
    }

    /** Feeder ticks so far: tick % 6 == 0 computes every line, tick % 6 == i hands chart i its own. */
    private long tick;
    private XYChart shareChart;
    private double[][] pendingStackedY;
    private double[] pendingStackedX;

    /** The charts for video traffic (the player buffer first). */
    public ChartsPane(Supplier<Session> session, List<String> pathNames, boolean tcp) {
        this(session, pathNames, tcp, true);
    }

    /**
     * @param video the traffic is video: the first chart is the players' buffers; otherwise it is
     *              the congestion controller's (a bulk transfer has no player)
     */
    public ChartsPane(Supplier<Session> session, List<String> pathNames, boolean tcp, boolean video) {
        this(session, pathNames, tcp, video, false);
    }

    /**
     * @param replay a replayed capture: the hosts' controllers are not in it, so the first chart is
     *               the bytes each path carried, and the window is an estimate (the sender's
     *               largest flight in each round trip; no ssthresh)
     */
    public ChartsPane(Supplier<Session> session, List<String> pathNames, boolean tcp, boolean video, boolean replay) {
        this.session = session;
        getStyleClass().add(Styles.CHARTS);
        setHgap(6);
        setVgap(6);
        int n = pathNames.size();
        XYChart buffer = video ? chart("Player buffer", "s") : replay ? chart("Bytes sent per path (dashed: retransmitted)", "MB")
                : chart(CC_TITLE, "segments");
        XYChart goodput = chart("Goodput", "Mbit/s");
        XYChart share = chart("MPTCP send rate by path (stacked)", "Mbit/s");
        XYChart cwnd = chart(replay ? "cwnd estimate: the sender's largest flight per RTT" : "cwnd (dashed: ssthresh)", "kB");
        XYChart rtt = chart("Smoothed RTT", "ms");
        XYChart flight = chart("Bytes in flight", "kB");
        if (video) {
            flowLine(buffer, "MPTCP", 0, Palette.pathHex(0), Samples.Flow::playerBufferS, true);
        } else if (replay) {
            for (int i = 0; i < n; i++) {
                subLine(buffer, pathNames.get(i), 0, i, Palette.pathHex(i), s -> s.bytesSent() / 1e6, false);
                subLine(buffer, pathNames.get(i) + " retransmitted", 0, i, Palette.pathHex(i),
                        s -> s.bytesRetransmitted() / 1e6, true);
            }
        } else {
            ccChart = buffer;
            // chartfx paints a renderer's datasets last to first: the sum on top, one TCP's
            // increase (for scale) underneath everything.
            ccTotal = computedLine(buffer, "MPTCP: the subflows together", MPTCP_HEX, false, true);
            for (int i = 0; i < n; i++) {
                subLine(buffer, pathNames.get(i), 0, i, Palette.pathHex(i), Samples.Subflow::ccIncrease, false);
            }
            ccReference = computedLine(buffer, "one TCP: 1 segment per RTT", Palette.TCP_HEX, true, false);
        }
        flowLine(goodput, "MPTCP", 0, MPTCP_HEX, f -> f.goodputBps() / 1e6, false);
        if (tcp) {
            if (video) {
                flowLine(buffer, "TCP", 1, Palette.TCP_HEX, Samples.Flow::playerBufferS, true);
            }
            flowLine(goodput, "TCP", 1, Palette.TCP_HEX, f -> f.goodputBps() / 1e6, false);
        }
        for (int i = 0; i < n; i++) {
            String hex = Palette.pathHex(i);
            String name = pathNames.get(i);
            subLine(cwnd, name, 0, i, hex, s -> s.cwnd() / 1e3, false);
            subLine(cwnd, name + " ssthresh", 0, i, hex, s -> s.ssthresh() <= 0 || s.ssthresh() >= 1L << 40 ? Double.NaN : s.ssthresh() / 1e3, true);
            subLine(rtt, name, 0, i, hex, s -> s.srttNanos() / 1e6, false);
            subLine(flight, name, 0, i, hex, s -> s.bytesInFlight() / 1e3, false);
        }
        if (tcp) {
            subLine(cwnd, "TCP", 1, 0, Palette.TCP_HEX, s -> s.cwnd() / 1e3, false);
            subLine(rtt, "TCP", 1, 0, Palette.TCP_HEX, s -> s.srttNanos() / 1e6, false);
            subLine(flight, "TCP", 1, 0, Palette.TCP_HEX, s -> s.bytesInFlight() / 1e3, false);
        }
        // The stack: band i reaches from the sum of paths before it to the sum including it. Drawn
        // as filled areas; chartfx paints a renderer's datasets last to first, so the lowest band
        // comes last and covers the bottom of the ones above it.
        ErrorDataSetRenderer area = new ErrorDataSetRenderer();
        area.setErrorStyle(ErrorStyle.NONE);
        area.setDrawMarker(false);
        area.setPolyLineStyle(LineStyle.AREA);
        area.setIntensityFading(1.0);
        stacked = new DoubleDataSet[n];
        for (int i = 0; i < n; i++) {
            DoubleDataSet ds = new DoubleDataSet(pathNames.get(i));
            ds.setStyle("-fx-line-color: " + Palette.pathHex(i) + "; -fx-line-width: 1;");
            stacked[i] = ds;
            area.getDatasets().add(ds);
        }
        share.getRenderers().setAll(area);
        shareChart = share;
        List<XYChart> order = List.of(buffer, goodput, share, cwnd, rtt, flight);
        for (int i = 0; i < order.size(); i++) {
            add(order.get(i) == ccChart ? ccCell() : order.get(i), i % 3, i / 3);
        }
        for (int c = 0; c < 3; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / 3);
            cc.setHgrow(Priority.ALWAYS);
            getColumnConstraints().add(cc);
        }
        for (int r = 0; r < 2; r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(50);
            rc.setVgrow(Priority.ALWAYS);
            getRowConstraints().add(rc);
        }
        feeder = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chart-feeder");
            t.setDaemon(true);
            return t;
        });
        feeder.scheduleAtFixedRate(this::tick, 50, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Points per line on the controller's chart: half of {@link #MAX_POINTS}. Its values move
     * slowly (with the windows), and its lines are drawn on top of the six charts' others.
     */
    static final int CC_MAX_POINTS = Math.max(2, MAX_POINTS / 2);

    /** The congestion controller's chart's title before the first sample names the controller. */
    static final String CC_TITLE = "Increase per RTT";
    /** MPTCP's own colour (the goodput line, the controller's sum). */
    private static final String MPTCP_HEX = "#1B5E20";

    /** The congestion controller's chart over its caption, in one cell. */
    private javafx.scene.Node ccCell() {
        ccCaption = new javafx.scene.control.Label("");
        ccCaption.setId("ccCaption");
        ccCaption.getStyleClass().add(Styles.CHART_CAPTION);
        ccCaption.setMaxWidth(Double.MAX_VALUE);
        ccCaption.setTooltip(new javafx.scene.control.Tooltip(ccExplanation("newreno", false)));
        ccCaption.getTooltip().setWrapText(true);
        ccCaption.getTooltip().setMaxWidth(420);
        ccChart.setId("ccChart");
        javafx.scene.layout.VBox cell = new javafx.scene.layout.VBox(ccChart, ccCaption);
        javafx.scene.layout.VBox.setVgrow(ccChart, Priority.ALWAYS);
        return cell;
    }

    /** A line the feeder computes itself (not one value per sample): the controller's sum and the reference. */
    private Series computedLine(XYChart c, String name, String hex, boolean dashed, boolean thick) {
        DoubleDataSet ds = dataset(c, name, hex, dashed, thick);
        Series se = new Series(ds, false, -1, -1, null, null, c);
        series.add(se);
        return se;
    }

    private XYChart chart(String title, String unit) {
        DefaultNumericAxis x = new DefaultNumericAxis("t", "s");
        DefaultNumericAxis y = new DefaultNumericAxis("", unit);
        y.setForceZeroInRange(true);
        x.setAutoRanging(true);
        y.setAutoRanging(true);
        XYChart c = new XYChart(x, y);
        c.setTitle(title);
        c.setLegendVisible(false);
        c.setAnimated(false);
        c.getPlugins().add(new DataPointTooltip());
        c.getPlugins().add(new Zoomer(AxisMode.X));
        ErrorDataSetRenderer r = new ErrorDataSetRenderer();
        r.setErrorStyle(ErrorStyle.NONE);
        r.setDrawMarker(false);
        r.setPolyLineStyle(LineStyle.NORMAL);
        r.setAllowNaNs(true);
        c.getRenderers().setAll(r);
        c.setMinSize(120, 100);
        c.setPrefSize(300, 200);
        charts.add(c);
        return c;
    }

    private void flowLine(XYChart c, String name, int flow, String hex, ToDoubleFunction<Samples.Flow> v, boolean thick) {
        DoubleDataSet ds = dataset(c, name, hex, false, thick);
        series.add(new Series(ds, false, flow, -1, null, v, c));
    }

    private void subLine(XYChart c, String name, int flow, int path, String hex, ToDoubleFunction<Samples.Subflow> v, boolean dashed) {
        DoubleDataSet ds = dataset(c, name, hex, dashed, false);
        series.add(new Series(ds, true, flow, path, v, null, c));
    }

    private static DoubleDataSet dataset(XYChart c, String name, String hex, boolean dashed, boolean thick) {
        DoubleDataSet ds = new DoubleDataSet(name);
        ds.setStyle("-fx-line-color: " + hex + "; -fx-line-width: " + (thick ? 3 : 2) + ";"
                + (dashed ? " -fx-line-dash-array: 6 4;" : ""));
        ((ErrorDataSetRenderer) c.getRenderers().get(0)).getDatasets().add(ds);
        return ds;
    }

    private final List<io.fair_acc.chartfx.plugins.XValueIndicator> markers = new ArrayList<>();

    /** Marks the moment {@code t} on every chart (an event clicked); -1 removes the marks. FX thread. */
    public void setFocus(long t) {
        for (int i = 0; i < markers.size(); i++) {
            charts.get(i).getPlugins().remove(markers.get(i));
        }
        markers.clear();
        if (t < 0) {
            return;
        }
        for (XYChart c : charts) {
            io.fair_acc.chartfx.plugins.XValueIndicator m = new io.fair_acc.chartfx.plugins.XValueIndicator(c.getXAxis(), t / 1e9);
            m.setEditable(false);
            c.getPlugins().add(m);
            markers.add(m);
        }
    }

    public void setWindowSeconds(int seconds) {
        windowNanos = seconds * 1_000_000_000L;
    }

    public long windowNanos() {
        return windowNanos;
    }

    public List<XYChart> charts() {
        return charts;
    }

    /**
     * One feeder tick: every sixth computes all lines from the store, each tick hands one chart
     * its lines (see {@link #TICK_MILLIS}).
     */
    void tick() {
        int slot = (int) (tick++ % charts.size());
        if (slot == 0) {
            feed();
        }
        applyChart(charts.get(slot));
    }

    private void applyChart(XYChart c) {
        try {
            for (Series se : series) {
                if (se.chart == c) {
                    se.apply();
                }
            }
            if (c == shareChart && pendingStackedX != null) {
                for (int i = 0; i < stacked.length; i++) {
                    stacked[i].set(pendingStackedX, pendingStackedY[i]);
                }
                pendingStackedX = null;
            }
        } catch (RuntimeException e) {
            System.getLogger("charts").log(System.Logger.Level.WARNING, "chart update failed", e);
        }
    }

    /** On the feeder thread: the store's samples in the window, as each line's pending points. */
    void feed() {
        try {
            Session s = session.get();
            SampleStore store = s.store();
            long now = s.state().nowNanos();
            long from = Math.max(0, now - windowNanos);
            List<Samples.Subflow> subs = store.subflowsSince(from);
            List<Samples.Flow> flows = store.flowsSince(from);
            // Per (flow, path): one point per sample instant, from the newest live subflow there.
            Map<Long, List<Samples.Subflow>> byKey = new HashMap<>();
            for (Samples.Subflow x : subs) {
                if (!x.state().synchronizedState()) {
                    continue;
                }
                List<Samples.Subflow> l = byKey.computeIfAbsent(key(x.flow(), x.path()), k -> new ArrayList<>());
                Samples.Subflow last = l.isEmpty() ? null : l.get(l.size() - 1);
                if (last != null && last.t() == x.t()) {
                    if (x.subflowId() > last.subflowId()) {
                        l.set(l.size() - 1, x);
                    }
                } else {
                    l.add(x);
                }
            }
            for (Series se : series) {
                if (se.sub == null && se.flowValue == null) {
                    continue; // computed below
                }
                if (se.subflow) {
                    List<Samples.Subflow> l = byKey.getOrDefault(key(se.flow, se.path), List.of());
                    double[] xs = new double[l.size()];
                    double[] ys = new double[l.size()];
                    int k = 0;
                    boolean cc = se.chart == ccChart;
                    int budget = cc ? CC_MAX_POINTS : MAX_POINTS;
                    int stride = Math.max(1, (l.size() + budget - 1) / budget);
                    int seen = 0;
                    for (Samples.Subflow x : l) {
                        if (seen++ % stride != 0) {
                            continue;
                        }
                        double y = se.sub.applyAsDouble(x);
                        if (Double.isNaN(y)) {
                            continue;
                        }
                        if (cc && k >= 2 && ys[k - 1] == y && ys[k - 2] == y) {
                            k--; // a run of one value: its first and last points draw the same line
                        }
                        xs[k] = x.t() / 1e9;
                        ys[k++] = y;
                    }
                    se.pendingX = java.util.Arrays.copyOf(xs, k);
                    se.pendingY = java.util.Arrays.copyOf(ys, k);
                } else {
                    double[] xs = new double[flows.size()];
                    double[] ys = new double[flows.size()];
                    int k = 0;
                    int perFlow = flows.size() / Math.max(1, 2);
                    int stride = Math.max(1, (perFlow + MAX_POINTS - 1) / MAX_POINTS);
                    int seen = 0;
                    for (Samples.Flow f : flows) {
                        if (f.flow() != se.flow || seen++ % stride != 0) {
                            continue;
                        }
                        double y = se.flowValue.applyAsDouble(f);
                        if (Double.isNaN(y)) {
                            continue;
                        }
                        xs[k] = f.t() / 1e9;
                        ys[k++] = y;
                    }
                    se.pendingX = java.util.Arrays.copyOf(xs, k);
                    se.pendingY = java.util.Arrays.copyOf(ys, k);
                }
            }
            feedStacked(byKey);
            if (ccChart != null) {
                feedCongestion(byKey, from, now);
            }
        } catch (RuntimeException e) {
            // A feeder that dies silently would freeze the charts: say it once in the log, keep going.
            System.getLogger("charts").log(System.Logger.Level.WARNING, "chart update failed", e);
        }
    }

    /** The MPTCP flow's per-path send rates, summed path by path at each sample instant. */
    private void feedStacked(Map<Long, List<Samples.Subflow>> byKey) {
        int n = stacked.length;
        // Per sample instant: each path's send rate, and (with the controller's chart) the sum of
        // the subflows' increases per RTT in the last slot, NaN while no path has one.
        int width = ccChart == null ? n : n + 1;
        java.util.TreeMap<Long, double[]> rows = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            for (Samples.Subflow x : byKey.getOrDefault(key(0, i), List.of())) {
                double[] row = rows.computeIfAbsent(x.t(), t -> {
                    double[] r = new double[width];
                    r[width - 1] = Double.NaN;
                    return r;
                });
                row[i] = x.sendBps() / 1e6;
                if (width > n && !Double.isNaN(x.ccIncrease())) {
                    row[n] = Double.isNaN(row[n]) ? x.ccIncrease() : row[n] + x.ccIncrease();
                }
            }
        }
        if (width > n) {
            feedCongestionSum(rows, n);
        }
        int stride = Math.max(1, (rows.size() + MAX_POINTS - 1) / MAX_POINTS);
        int m = (rows.size() + stride - 1) / stride;
        double[] xs = new double[m];
        double[][] ys = new double[n][m];
        int k = 0;
        int seen = 0;
        for (var e : rows.entrySet()) {
            if (seen++ % stride != 0) {
                continue;
            }
            xs[k] = e.getKey() / 1e9;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += e.getValue()[i];
                ys[i][k] = sum;
            }
            k++;
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOf(ys[i], k);
        }
        pendingStackedY = out;
        pendingStackedX = java.util.Arrays.copyOf(xs, k);
    }

    /** The controller's sum at the newest sample instant (feeder thread). */
    private double ccTotalNow = Double.NaN;

    /** The sum line from the rows {@link #feedStacked} built (slot {@code n}), at half the points, runs compressed. */
    private void feedCongestionSum(java.util.TreeMap<Long, double[]> rows, int n) {
        int stride = Math.max(1, (rows.size() + CC_MAX_POINTS - 1) / CC_MAX_POINTS);
        double[] xs = new double[(rows.size() + stride - 1) / stride];
        double[] ys = new double[xs.length];
        int k = 0;
        int seen = 0;
        double total = Double.NaN;
        for (var e : rows.entrySet()) {
            double y = e.getValue()[n];
            if (!Double.isNaN(y)) {
                total = y;
            }
            if (seen++ % stride != 0 || Double.isNaN(y)) {
                continue;
            }
            if (k >= 2 && ys[k - 1] == y && ys[k - 2] == y) {
                k--;
            }
            xs[k] = e.getKey() / 1e9;
            ys[k++] = y;
        }
        ccTotal.pendingX = java.util.Arrays.copyOf(xs, k);
        ccTotal.pendingY = java.util.Arrays.copyOf(ys, k);
        ccTotalNow = total;
    }

    /**
     * One TCP's 1 across the window,
     * and the title and caption from the newest sample (the controller may have been switched):
     * handed to the FX thread only when their words change.
     */
    private void feedCongestion(Map<Long, List<Samples.Subflow>> byKey, long from, long now) {
        Samples.Subflow newest = null;
        int paths = 0;
        for (int i = 0; i < stacked.length; i++) {
            List<Samples.Subflow> l = byKey.getOrDefault(key(0, i), List.of());
            if (!l.isEmpty()) {
                Samples.Subflow last = l.get(l.size() - 1);
                if (newest == null || last.t() > newest.t()) {
                    newest = last;
                }
                if (last.t() >= now - 1_000_000_000L) {
                    paths++;
                }
            }
        }
        double total = ccTotalNow;
        // Across the samples shown (to the newest, as the other lines: the x axes stay alike).
        long end = newest == null ? now : newest.t();
        ccReference.pendingX = new double[] {from / 1e9, Math.max(from, end) / 1e9};
        ccReference.pendingY = new double[] {1, 1};
        String cc = newest == null ? null : newest.cc();
        String title = newest == null ? CC_TITLE : cc == null ? CC_TITLE + ": the sender's controller is not ours"
                : CC_TITLE + ": " + cc + (newest.coupled() ? " (coupled)" : " (uncoupled)");
        String caption = ccCaption(cc, newest != null && newest.coupled(), total, paths);
        // A new controller at once; the sum at most once a second (FEED_MILLIS * 4): a label whose
        // words change lays its part of the window out again.
        boolean sumDue = ccFeeds++ % 4 == 0;
        if (!title.equals(ccTitleSaid) || sumDue && !caption.equals(ccCaptionSaid)) {
            ccTitleSaid = title;
            ccCaptionSaid = caption;
            String explanation = ccExplanation(cc, newest != null && newest.coupled());
            javafx.application.Platform.runLater(() -> {
                ccChart.setTitle(title);
                ccCaption.setText(caption);
                ccCaption.getTooltip().setText(explanation);
            });
        }
    }

    /**
     * The caption under the controller's chart, one short line (the chart keeps its height at
     * 1280x800): coupled or not, and the sum of the increases now. The claim about a shared
     * bottleneck is RFC 6356's goal (section 2), about throughput: the sum of the increases is the
     * connection's aggressiveness (LIA's alpha, unless a subflow is capped at one TCP's), not
     * itself a share; {@link #ccExplanation} says it at length (the caption's tooltip).
     */
    static String ccCaption(String cc, boolean coupled, double total, int paths) {
        // At most about 40 characters: the caption's width at 1280x800.
        if (cc == null) {
            return "Not our stack's controller: its variables are not known here";
        }
        String sum = Double.isNaN(total) ? "-" : String.format(java.util.Locale.ROOT, "%.2f", total);
        if (coupled) {
            return "Coupled: as one TCP together (sum " + sum + ")";
        }
        return (paths > 1 ? "Uncoupled: each subflow a TCP (sum " : "Uncoupled: a TCP (sum ") + sum + ")";
    }

    /** The caption at length, for its tooltip. */
    static String ccExplanation(String cc, boolean coupled) {
        if (cc == null) {
            return "The sender is not our stack (the Linux kernel sends): its congestion controller's variables are not known here.";
        }
        String lines = "Each line: a subflow's window increase per round trip in congestion avoidance, in segments; "
                + "green: their sum; dashed: one TCP's (Reno: 1 segment per RTT).\n";
        if (coupled) {
            return lines + cc + " couples the subflows (RFC 6356 and its successors): each gets a share of one TCP's "
                    + "increase, so that on a shared bottleneck the connection takes no more than one TCP would on its best path.";
        }
        return lines + cc + " is uncoupled: each subflow grows as a " + (cc.equals("cubic") ? "CUBIC" : "TCP")
                + " of its own, so on a shared bottleneck the connection takes the share of as many TCPs as it has subflows.";
    }

    /** The congestion controller's chart, or null (video traffic). */
    public XYChart ccChart() {
        return ccChart;
    }

    /** The caption under it, or null. */
    public javafx.scene.control.Label ccCaption() {
        return ccCaption;
    }

    private static long key(int flow, int path) {
        return ((long) flow << 32) | path;
    }

    /** Stops the feeder thread (window closed). */
    public void dispose() {
        feeder.shutdownNow();
    }
}

package org.mptcplab.app.view;

import java.util.List;
import java.util.Locale;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;

import org.mptcplab.app.replay.ReplayIndex;
import org.mptcplab.app.viewmodel.LabViewModel;

/**
 * The replay's own controls, under the lab's toolbar while a capture is replayed: which of its
 * connections, a timeline to scrub (the playhead, and each stall bookmark as a red band one click
 * away), the time, the stalls as a menu, and the way back to the emulated run.
 */
public final class ReplayBar extends javafx.scene.layout.VBox {
    static final double TIMELINE_HEIGHT = 34;

    private final LabViewModel vm;
    private final ComboBox<String> connection = new ComboBox<>();
    private final Timeline timeline = new Timeline();
    private final Label time = new Label();
    private final MenuButton stalls = new MenuButton("Stalls");
    private boolean updating;

    public ReplayBar(LabViewModel vm) {
        super(4);
        this.vm = vm;
        setId("replayBar");
        getStyleClass().add(Styles.LAB_TOOLBAR);
        setPadding(new Insets(2, 8, 6, 8));
        HBox row = new HBox(10);
        row.setAlignment(Pos.CENTER_LEFT);

        Button back = new Button("\u25c0 packet");
        back.setId("stepBackButton");
        back.setTooltip(new Tooltip(", or \u2190: back to the previous packet"));
        back.setOnAction(e -> vm.stepBack());
        connection.setId("connectionBox");
        connection.setItems(vm.replayConnections());
        connection.setTooltip(new Tooltip("The capture's MPTCP connections: index, token, version, subflows, bytes"));
        connection.setPrefWidth(330);
        connection.setMinWidth(120);
        connection.setOnAction(e -> {
            int i = connection.getSelectionModel().getSelectedIndex();
            if (!updating && i >= 0 && i != vm.replayConnectionProperty().get()) {
                vm.chooseConnection(i);
            }
        });
        vm.replayConnectionProperty().addListener((o, a, i) -> select(i.intValue()));
        vm.replayConnections().addListener((javafx.collections.ListChangeListener<String>) c ->
                select(vm.replayConnectionProperty().get()));

        HBox.setHgrow(timeline, Priority.ALWAYS);
        timeline.setMinWidth(200);
        time.setId("replayTime");
        time.getStyleClass().add(Styles.CLOCK);
        time.setMinWidth(Region.USE_PREF_SIZE);
        stalls.setId("stallsMenu");
        stalls.setTooltip(new Tooltip("The data level's longest stalls (the data ACK stood still while data waited): "
                + "a click shows what each subflow did around one"));
        vm.bookmarksProperty().addListener((o, a, list) -> fillStalls(list));
        fillStalls(vm.bookmarksProperty().get());
        Button close = new Button("Close replay");
        close.setId("closeReplayButton");
        close.setTooltip(new Tooltip("Back to the emulated run"));
        close.setOnAction(e -> vm.stopReplay());
        for (Region r : new Region[] {back, stalls, close}) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        row.getChildren().addAll(back, connection, timeline, time, stalls, close);
        // What each subflow did around the bookmark shown: the answer to "why did it stall".
        Label detail = new Label();
        detail.setId("stallDetail");
        detail.getStyleClass().add(Styles.STALL_DETAIL);
        detail.setWrapText(true);
        detail.setMinHeight(Region.USE_PREF_SIZE);
        detail.textProperty().bind(vm.stallDetailProperty());
        detail.visibleProperty().bind(vm.stallDetailProperty().isNotEmpty());
        detail.managedProperty().bind(detail.visibleProperty());
        getChildren().addAll(row, detail);
    }

    private void select(int i) {
        updating = true;
        try {
            if (i >= 0 && i < connection.getItems().size()) {
                connection.getSelectionModel().select(i);
            }
        } finally {
            updating = false;
        }
    }

    private void fillStalls(List<ReplayIndex.Stall> list) {
        stalls.getItems().clear();
        stalls.setText(list.isEmpty() ? "No stalls" : "Stalls (" + list.size() + ")");
        stalls.setDisable(list.isEmpty());
        ReplayIndex.Stall longest = list.stream().max((a, b) -> Long.compare(a.durationNanos(), b.durationNanos())).orElse(null);
        for (int i = 0; i < list.size(); i++) {
            ReplayIndex.Stall s = list.get(i);
            MenuItem m = new MenuItem(String.format(Locale.ROOT, "%.3f s: %.0f ms%s%s", s.startNanos() / 1e9,
                    s.durationNanos() / 1e6, s == longest ? "  (the longest)" : "",
                    s.reinjections() > 0 ? ", " + s.reinjections() + " reinjected" : ""));
            m.setId("stall" + i);
            m.setOnAction(e -> vm.showStall(s));
            stalls.getItems().add(m);
        }
    }

    /** One frame: the timeline and the time follow the playhead. */
    public void frame(long nowNanos) {
        long d = vm.replayDurationNanos();
        time.setText(String.format(Locale.ROOT, "%.3f / %.3f s", nowNanos / 1e9, d / 1e9));
        timeline.draw(nowNanos, d, vm.bookmarksProperty().get(), vm.focusProperty().get());
    }

    public Timeline timeline() {
        return timeline;
    }

    public ComboBox<String> connectionBox() {
        return connection;
    }

    public MenuButton stallsMenu() {
        return stalls;
    }

    /** The capture's time as a bar: drag or click to move the playhead; a red band is a stall, a click on it shows it. */
    public final class Timeline extends Pane {
        private final Canvas canvas = new Canvas();
        private long duration;
        private List<ReplayIndex.Stall> marks = List.of();
        private long lastNow = -1;
        private long lastFocus = -2;
        private double lastWidth;

        Timeline() {
            setId("replayTimeline");
            setPrefHeight(TIMELINE_HEIGHT);
            setMinHeight(TIMELINE_HEIGHT);
            getChildren().add(canvas);
            setOnMousePressed(e -> pick(e.getX(), true));
            setOnMouseDragged(e -> pick(e.getX(), false));
            Tooltip.install(this, new Tooltip("Click or drag to move the playhead; a red band is a stall (click it to see it)"));
        }

        private double x0() {
            return 6;
        }

        private double span() {
            return Math.max(1, getWidth() - 12);
        }

        /** The time under {@code x}. */
        public long timeAt(double x) {
            return Math.round(Math.max(0, Math.min(1, (x - x0()) / span())) * duration);
        }

        /** Where {@code t} is drawn. */
        public double xOf(long t) {
            return x0() + (duration <= 0 ? 0 : (double) t / duration * span());
        }

        private void pick(double x, boolean click) {
            if (duration <= 0) {
                return;
            }
            long t = timeAt(x);
            if (click) {
                for (ReplayIndex.Stall s : marks) {
                    double a = xOf(s.startNanos());
                    double b = Math.max(a + 4, xOf(s.endNanos()));
                    if (x >= a - 2 && x <= b + 2) {
                        vm.showStall(s);
                        return;
                    }
                }
            }
            vm.seek(t);
        }

        @Override
        protected void layoutChildren() {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
        }

        void draw(long now, long d, List<ReplayIndex.Stall> bookmarks, long focus) {
            if (now == lastNow && d == duration && bookmarks == marks && focus == lastFocus && getWidth() == lastWidth) {
                return;
            }
            lastNow = now;
            lastFocus = focus;
            lastWidth = getWidth();
            duration = d;
            marks = bookmarks;
            GraphicsContext g = canvas.getGraphicsContext2D();
            double w = getWidth();
            double h = getHeight();
            g.clearRect(0, 0, w, h);
            double mid = h / 2;
            g.setFill(Color.web("#D7DCE2"));
            g.fillRoundRect(x0(), mid - 4, span(), 8, 8, 8);
            g.setFill(Color.web("#0072B2"));
            g.fillRoundRect(x0(), mid - 4, Math.max(0, xOf(now) - x0()), 8, 8, 8);
            g.setFill(Palette.DOWN);
            for (ReplayIndex.Stall s : bookmarks) {
                double a = xOf(s.startNanos());
                double b = Math.max(a + 4, xOf(s.endNanos()));
                g.fillRect(a, mid - 10, b - a, 20);
            }
            if (focus >= 0) {
                g.setStroke(Color.web("#6A1B9A"));
                g.setLineWidth(2);
                double fx = xOf(focus);
                g.strokeLine(fx, 2, fx, h - 2);
            }
            double px = xOf(now);
            g.setFill(Color.web("#1B1F24"));
            g.fillPolygon(new double[] {px - 6, px + 6, px}, new double[] {1, 1, 9}, 3);
            g.fillRect(px - 1, 1, 2, h - 2);
            g.setFont(Font.font(10));
            g.fillText("0 s", x0(), h - 1);
        }
    }
}

package org.mptcplab.app.view;

import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import org.mptcplab.app.viewmodel.FlowViewModel;

/**
 * One video player as the room sees it: a screen that plays (a moving picture) or freezes with
 * "stalled" on it, the buffer as a bar, the stall count. The MPTCP player and the single-path TCP
 * player stand side by side, so a WiFi outage shows as one of them freezing.
 */
public final class PlayerView extends VBox {
    /** The buffer bar's full scale, in seconds of video. */
    static final double BUFFER_SCALE_S = 8;

    private final FlowViewModel vm;
    private final Canvas screen = new Canvas(200, 112);
    private final Label state = new Label();
    private final ProgressBar buffer = new ProgressBar(0);
    private double playhead;
    private long lastNanos = -1;

    public PlayerView(FlowViewModel vm, Color accent) {
        this.vm = vm;
        getStyleClass().add(Styles.PLAYER);
        Label name = new Label();
        name.getStyleClass().add(Styles.PLAYER_NAME);
        name.textProperty().bind(vm.nameProperty());
        name.setTextFill(accent);
        state.getStyleClass().add(Styles.PLAYER_STATE);
        state.textProperty().bind(vm.stateProperty());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        name.setMinWidth(Region.USE_PREF_SIZE);
        state.setMinWidth(Region.USE_PREF_SIZE);
        HBox head = new HBox(8, name, gap, state);
        head.setAlignment(Pos.CENTER_LEFT);

        StackPane screenBox = new StackPane(screen);
        screenBox.getStyleClass().add(Styles.PLAYER_SCREEN);
        screenBox.setMinHeight(60);
        VBox.setVgrow(screenBox, Priority.ALWAYS);
        screen.widthProperty().bind(screenBox.widthProperty());
        screen.heightProperty().bind(screenBox.heightProperty());

        buffer.setMaxWidth(Double.MAX_VALUE);
        buffer.getStyleClass().add(Styles.PLAYER_BUFFER);
        Label bufferText = new Label();
        bufferText.getStyleClass().add(Styles.PLAYER_DETAIL);
        bufferText.textProperty().bind(vm.bufferTextProperty());
        Label stalls = new Label();
        stalls.getStyleClass().add(Styles.PLAYER_STALLS);
        stalls.textProperty().bind(vm.stallsTextProperty());
        Label detail = new Label();
        detail.getStyleClass().add(Styles.PLAYER_DETAIL);
        detail.textProperty().bind(vm.detailProperty().concat("  \u00b7  ").concat(vm.goodputTextProperty()));
        Label comparison = new Label();
        comparison.getStyleClass().add(Styles.PLAYER_STALLS);
        comparison.textProperty().bind(vm.comparisonProperty());
        comparison.setWrapText(true);
        // Wrapped to the card's width rather than widening the card (the two cards stay alike).
        comparison.setMinWidth(0);
        comparison.visibleProperty().bind(vm.comparisonProperty().isNotEmpty());
        comparison.managedProperty().bind(comparison.visibleProperty());
        // Bulk traffic has no playback buffer: the card shows the rate instead of a picture.
        for (javafx.scene.Node n : new javafx.scene.Node[] {buffer, bufferText}) {
            n.visibleProperty().bind(vm.bulkProperty().not());
            n.managedProperty().bind(vm.bulkProperty().not());
        }
        getChildren().addAll(head, screenBox, buffer, bufferText, stalls, comparison, detail);
        vm.stalledProperty().addListener((o, a, s) -> restyle());
        vm.stateProperty().addListener((o, a, s) -> restyle());
        restyle();
    }

    private void restyle() {
        state.getStyleClass().removeAll(Styles.STATE_PLAYING, Styles.STATE_STALLED, Styles.STATE_OTHER);
        state.getStyleClass().add(vm.stalledProperty().get() ? Styles.STATE_STALLED
                : vm.playingProperty().get() ? Styles.STATE_PLAYING : Styles.STATE_OTHER);
        buffer.getStyleClass().removeAll(Styles.BUFFER_LOW);
        if (vm.stalledProperty().get()) {
            buffer.getStyleClass().add(Styles.BUFFER_LOW);
        }
    }

    /** Once a frame: the buffer bar and the screen, moving with virtual time. */
    public void frame(long nowNanos) {
        buffer.setProgress(Math.min(1, vm.bufferSecondsProperty().get() / BUFFER_SCALE_S));
        if (lastNanos >= 0 && vm.playingProperty().get() && nowNanos > lastNanos) {
            playhead += (nowNanos - lastNanos) / 1e9;
        }
        lastNanos = nowNanos;
        draw();
    }

    /** Bulk: the goodput as large as fits, what has arrived under it. */
    private void drawRate(GraphicsContext g, double w, double h) {
        String rate = vm.goodputTextProperty().get();
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        // The same size on both cards when they fit (a "10.0 Mbit/s" is the widest usual text).
        double size = Math.max(14, Math.min(h / 3.4, w / (Math.max(11, rate.length()) * 0.62)));
        g.setFont(Font.font("System", FontWeight.BOLD, size));
        g.setFill(vm.goodputBpsProperty().get() > 0 ? Color.web("#E3F2FD") : Color.web("#FF5252"));
        g.fillText(rate, w / 2, h * 0.42);
        g.setFont(Font.font("System", Math.max(11, size * 0.32)));
        g.setFill(Color.web("#90A4AE"));
        g.fillText(vm.deliveredTextProperty().get(), w / 2, h * 0.42 + size * 0.85);
    }

    private void draw() {
        double w = screen.getWidth();
        double h = screen.getHeight();
        GraphicsContext g = screen.getGraphicsContext2D();
        g.setFill(Color.web("#10151A"));
        g.fillRect(0, 0, w, h);
        if (w < 20 || h < 20) {
            return;
        }
        if (vm.bulkProperty().get()) {
            drawRate(g, w, h);
            return;
        }
        // The "picture": bars drifting with the playhead, a clock of played video.
        for (int i = 0; i < 7; i++) {
            double x = ((playhead * 60 + i * w / 7) % (w + 40)) - 20;
            g.setFill(Color.hsb((i * 47 + playhead * 20) % 360, 0.55, 0.75));
            g.fillRect(x, h * 0.25 + (i % 3) * h * 0.12, 24, h * 0.3);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BOTTOM);
        g.setFill(Color.web("#CFD8DC"));
        g.setFont(Font.font("Monospaced", 12));
        long s = (long) playhead;
        g.fillText(String.format("%d:%02d", s / 60, s % 60), 8, h - 6);
        String st = vm.stateProperty().get();
        if (vm.stalledProperty().get() || st.equals("STARTING") || st.equals("WAITING")) {
            g.setFill(Color.color(0, 0, 0, 0.6));
            g.fillRect(0, 0, w, h);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            String text = vm.stalledProperty().get() ? "STALLED" : "starting\u2026";
            // As large as fits: the room reads this from the back.
            double size = Math.max(12, Math.min(h / 4, w / (text.length() * 0.85)));
            g.setFont(Font.font("System", FontWeight.BOLD, size));
            g.setFill(vm.stalledProperty().get() ? Color.web("#FF5252") : Color.web("#FFD54F"));
            g.fillText(text, w / 2, h / 2 - size * 0.3);
            if (vm.stalledProperty().get()) {
                g.setFont(Font.font("System", Math.max(11, size * 0.4)));
                g.setFill(Color.web("#FFCDD2"));
                g.fillText("waiting for data", w / 2, h / 2 + size * 0.55);
                String why = vm.waitReasonProperty().get();
                if (!why.isEmpty()) {
                    g.setFont(Font.font("System", Math.max(10, Math.min(size * 0.32, w / (why.length() * 0.55)))));
                    g.fillText(why, w / 2, h / 2 + size * 1.05);
                }
            }
        }
    }
}

package org.mptcplab.app.view;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import javafx.animation.AnimationTimer;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.util.StringConverter;

import org.mptcplab.app.viewmodel.EventLine;
import org.mptcplab.app.viewmodel.Format;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.app.viewmodel.PathViewModel;

/**
 * The emulated lab: connection controls on top; the topology and the two players; the charts;
 * each path's controls and the event log in words. One {@link AnimationTimer} is the frame: it
 * takes the session's published state into the view model and redraws the canvases; nothing in
 * it waits for the engine.
 */
public final class LabView extends StackPane {
    /** Keyboard shortcuts, as the help overlay and the README list them. */
    public static final List<String[]> SHORTCUTS = List.of(
            new String[] {"1 \u2026 8", "take path 1\u20268 down (signalled) / bring it back"},
            new String[] {"Shift + 1 \u2026 8", "black hole on path 1\u20268 (silent) / restore"},
            new String[] {"Space", "pause / resume"},
            new String[] {". or \u2192", "step: the next event (pauses first)"},
            new String[] {"+ / \u2212", "faster / slower (0.05x \u2026 10x)"},
            new String[] {"R", "restart with the same seed (replay: back to the start)"},
            new String[] {", or \u2190", "replay: back one packet"},
            new String[] {"Ctrl + O", "open a capture to replay (or drop it onto the window)"},
            new String[] {"L", "the demo's WiFi outage loop on / off"},
            new String[] {"P", "presenter mode (large type, high contrast)"},
            new String[] {"D", "dark / light theme"},
            new String[] {"F11", "full screen"},
            new String[] {"C / S / G / K", "charts / data sequence / ladder (G) / packets (K)"},
            new String[] {"[ / ]", "ladder: shorter / longer time span"},
            new String[] {"H or F1", "this help; Esc closes it"},
            new String[] {"Ctrl + Q", "quit"});

    private final LabViewModel vm;
    private final TopologyView topology = new TopologyView();
    private final List<PlayerView> players = new ArrayList<>();
    private final VBox pathCards = new VBox(8);
    private final HBox playerBox = new HBox(10);
    private final BorderPane content = new BorderPane();
    private final VBox help = new VBox(6);
    private ChartsPane charts;
    private DsnGraph dsn;
    private final BorderPane chartsHost = new BorderPane();
    private final BorderPane dsnHost = new BorderPane();
    private final LadderView ladder;
    private final PacketsPane packets;
    private final javafx.scene.control.TabPane tabs = new javafx.scene.control.TabPane();
    private ComboBox<Integer> span;
    private final ComboBox<Integer> dsnSpan = new ComboBox<>();
    private final AnimationTimer frame;
    private BiFunction<String, Boolean, Path> fileAsker = (what, save) -> null;
    private final ReplayBar replayBar;
    private long frames;

    public LabView(LabViewModel vm) {
        this.vm = vm;
        // Commands that wait for the engine run off the FX thread; their results come back here.
        vm.setFxExecutor(javafx.application.Platform::runLater);
        getStyleClass().add(Styles.LAB);
        replayBar = new ReplayBar(vm);
        javafx.beans.binding.BooleanBinding replaying = vm.kindProperty().isEqualTo(org.mptcplab.app.session.Session.Kind.REPLAY);
        replayBar.visibleProperty().bind(replaying);
        replayBar.managedProperty().bind(replaying);
        content.setTop(new VBox(toolbar(), replayBar));

        playerBox.getStyleClass().add(Styles.PLAYERS);
        rebuildPlayers();
        vm.flows().addListener((javafx.collections.ListChangeListener<Object>) c -> rebuildPlayers());

        SplitPane upper = new SplitPane(topology, playerBox);
        upper.setDividerPositions(0.52);
        rebuildCharts();
        vm.specProperty().addListener((o, a, s) -> {
            if (a == null || a.paths().size() != s.paths().size() || a.singlePathTcp() != s.singlePathTcp()
                    || a.traffic().kind() != s.traffic().kind()
                    || !a.paths().stream().map(p -> p.name()).toList().equals(s.paths().stream().map(p -> p.name()).toList())) {
                rebuildCharts();
            }
        });
        dsnSpan.setId("dsnSpan");
        dsnSpan.getItems().setAll(2, 5, 10, 30, 60);
        dsnSpan.setValue(5);
        dsnSpan.valueProperty().addListener((o, a, v) -> dsn.setWindowSeconds(v));
        HBox dsnBar = new HBox(8, label("last"), dsnSpan, label("seconds; click a segment for its packet and mapping; drag to zoom, right-click to zoom out"));
        dsnBar.setAlignment(Pos.CENTER_LEFT);
        dsnBar.setPadding(new Insets(4, 8, 4, 8));
        dsnHost.setTop(dsnBar);
        ladder = new LadderView(vm::session);
        packets = new PacketsPane(vm::session);
        span = new ComboBox<>();
        span.setId("ladderSpan");
        span.getItems().setAll(LadderView.SPANS);
        span.setValue(100);
        span.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer ms) {
                return ms == null ? "" : ms < 1000 ? ms + " ms" : ms / 1000 + " s";
            }

            @Override
            public Integer fromString(String s) {
                return 100;
            }
        });
        span.valueProperty().addListener((o, a, v) -> ladder.setSpanMillis(v));
        Label spanLabel = label("");
        spanLabel.textProperty().bind(javafx.beans.binding.Bindings.when(vm.kindProperty().isEqualTo(
                org.mptcplab.app.session.Session.Kind.REPLAY))
                .then("time from top to bottom (the playhead at the bottom); a capture is taken at one point, so each packet is drawn across at the moment it was captured")
                .otherwise("time from top to bottom (now at the bottom); slow the run down (\u2212) to follow packets"));
        HBox ladderBar = new HBox(8, label("span"), span, spanLabel);
        ladderBar.setAlignment(Pos.CENTER_LEFT);
        ladderBar.setPadding(new Insets(4, 8, 4, 8));
        BorderPane ladderPane = new BorderPane(ladder, ladderBar, null, null, null);
        tabs.getTabs().addAll(tab("Charts", chartsHost, "tabCharts"), tab("Data sequence", dsnHost, "tabDsn"),
                tab("Ladder", ladderPane, "tabLadder"), tab("Packets", packets, "tabPackets"));
        tabs.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane centre = new SplitPane(upper, tabs);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.42);

        rebuildPathCards();
        vm.paths().addListener((javafx.collections.ListChangeListener<Object>) c -> rebuildPathCards());
        vm.kindProperty().addListener((o, a, k) -> rebuildPathCards());
        ListView<EventLine> log = new ListView<>(vm.events());
        log.setId("eventLog");
        log.getStyleClass().add(Styles.EVENT_LOG);
        log.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(EventLine e, boolean empty) {
                super.updateItem(e, empty);
                getStyleClass().remove(Styles.EVENT_HIGHLIGHT);
                // Wrapped to the list's width: a sentence cut at the edge says nothing.
                setWrapText(true);
                setPrefWidth(0);
                if (empty || e == null) {
                    setText(null);
                } else {
                    setText(e.time() + "  " + (e.flow().equals("MPTCP") ? "" : e.flow() + ": ") + e.text());
                    if (e.highlight()) {
                        getStyleClass().add(Styles.EVENT_HIGHLIGHT);
                    }
                }
            }
        });
        // Clicking an event moves every view to its moment.
        log.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> {
            if (e != null) {
                vm.focusOn(e.tNanos());
            }
        });
        vm.focusProperty().addListener((o, a, t) -> {
            long f = t.longValue();
            ladder.setFocus(f);
            dsn.setFocus(f);
            charts.setFocus(f);
            if (f < 0) {
                log.getSelectionModel().clearSelection();
            }
        });
        Label logTitle = new Label("What happened (newest first; click one to see that moment)");
        logTitle.getStyleClass().add(Styles.SECTION_TITLE);
        Label pathsTitle = new Label("Paths");
        pathsTitle.getStyleClass().add(Styles.SECTION_TITLE);
        VBox side = new VBox(6, pathsTitle, pathCards, logTitle, log);
        side.getStyleClass().add(Styles.SIDE);
        VBox.setVgrow(log, Priority.ALWAYS);
        side.setMinWidth(300);
        side.setPrefWidth(380);

        SplitPane main = new SplitPane(side, centre);
        main.setDividerPositions(0.3);
        SplitPane.setResizableWithParent(side, false);
        content.setCenter(main);

        buildHelp();
        getChildren().addAll(content, help);

        frame = new AnimationTimer() {
            @Override
            public void handle(long now) {
                frame();
            }
        };
        frame.start();
    }

    /** One frame: the view model reads the session's snapshot, the canvases redraw. */
    void frame() {
        long start = System.nanoTime();
        // Texts (clock, rates, states) change at 20 Hz: every change relayouts its labels, and
        // nobody reads a figure that changes 60 times a second.
        if (frames % 3 == 0) {
            vm.refresh();
        }
        var st = vm.stateProperty().get();
        // The canvases animate at 30 frames a second: smooth to the eye, and half the software
        // rasteriser's work of redrawing them at every 60 Hz pulse (BENCHMARKS.md, frame time).
        if (frames % 2 == 0) {
            topology.setKind(vm.kindProperty().get());
            topology.setCaptions(vm.session()::pathCaption);
            topology.setBottleneck(vm.specProperty().get().bottleneckBps());
            topology.show(st);
            if (replayBar.isVisible()) {
                replayBar.frame(st.nowNanos());
            }
            for (PlayerView p : players) {
                p.frame(st.nowNanos());
            }
        }
        // Only the shown tab's views work: the others skip their frames.
        int tab = tabs.getSelectionModel().getSelectedIndex();
        dsn.setActive(tab == 1);
        if (tab == 2) {
            ladder.frame(st);
        } else if (tab == 3 && frames % 12 == 0) {
            packets.refresh(st);
        }
        frames++;
        if (frameStats != null) {
            frameStats.work(System.nanoTime() - start);
        }
    }

    private FrameStats frameStats;

    /** Reports each frame's work to {@code stats} (the frame benchmark). */
    public void setFrameStats(FrameStats stats) {
        frameStats = stats;
    }

    public long frames() {
        return frames;
    }

    // ------------------------------------------------------------------ building

    private Node toolbar() {
        Button pause = new Button();
        pause.setId("pauseButton");
        pause.textProperty().bind(javafx.beans.binding.Bindings.when(vm.pausedProperty()).then("Resume").otherwise("Pause"));
        pause.setOnAction(e -> vm.togglePause());
        pause.setTooltip(new Tooltip("Space"));
        Button step = new Button("Step");
        step.setId("stepButton");
        step.setOnAction(e -> vm.step());
        step.setTooltip(new Tooltip(". or \u2192: the next event (a packet arriving, a timer firing); pauses first"));
        ComboBox<Double> speed = new ComboBox<>();
        speed.setId("speedBox");
        speed.getItems().setAll(LabViewModel.SPEEDS);
        speed.setConverter(new StringConverter<>() {
            @Override
            public String toString(Double d) {
                return d == null ? "" : Format.speed(d);
            }

            @Override
            public Double fromString(String s) {
                return Double.valueOf(s.replace("x", ""));
            }
        });
        speed.setValue(vm.speedProperty().get());
        vm.speedProperty().addListener((o, a, s) -> speed.setValue(s.doubleValue()));
        speed.valueProperty().addListener((o, a, s) -> {
            if (s != null && Math.abs(s - vm.speedProperty().get()) > 1e-9) {
                vm.setSpeed(s);
            }
        });
        speed.setTooltip(new Tooltip("+ / \u2212: virtual seconds per wall second"));
        Button restart = new Button("Restart");
        restart.setId("restartButton");
        restart.setOnAction(e -> vm.restart());
        restart.setTooltip(new Tooltip("R: the same spec from t = 0, same seed: the same run again"));
        CheckBox loop = new CheckBox("WiFi outage loop");
        loop.setId("loopBox");
        loop.selectedProperty().bindBidirectional(vm.flapLoopProperty());
        loop.setTooltip(new Tooltip("L: the demo takes the first path down for 4 s every 12 s"));
        // Only the demo has the loop; a scenario's path events are its own.
        javafx.beans.binding.BooleanBinding noLoop = javafx.beans.binding.Bindings.createBooleanBinding(
                () -> vm.specProperty().get().flapPeriodNanos() == 0, vm.specProperty());

        ComboBox<String> scenario = new ComboBox<>();
        scenario.setId("scenarioBox");
        scenario.getItems().setAll(LabViewModel.SCENARIOS);
        if (!LabViewModel.SCENARIOS.contains(vm.specProperty().get().scenario())) {
            scenario.getItems().add(vm.specProperty().get().scenario());
        }
        scenario.setValue(vm.specProperty().get().scenario());
        Tooltip scenarioTip = new Tooltip();
        scenarioTip.setWrapText(true);
        scenarioTip.setMaxWidth(520);
        scenario.setTooltip(scenarioTip);
        Runnable aboutScenario = () -> scenarioTip.setText(LabViewModel.aboutScenario(vm.specProperty().get().scenario())
                + "\nA pick starts that scenario from t = 0 with the cc, scheduler and pm shown.");
        aboutScenario.run();
        vm.specProperty().addListener((o, a, s) -> {
            if (!scenario.getItems().contains(s.scenario())) {
                scenario.getItems().add(s.scenario());
            }
            if (!s.scenario().equals(scenario.getValue())) {
                scenario.setValue(s.scenario());
            }
            aboutScenario.run();
        });
        scenario.setOnAction(e -> {
            String v = scenario.getValue();
            if (v != null && !v.equals(vm.specProperty().get().scenario()) && LabViewModel.SCENARIOS.contains(v)) {
                try {
                    vm.chooseScenario(v);
                } catch (IllegalArgumentException ex) {
                    vm.say(ex.getMessage());
                    scenario.setValue(vm.specProperty().get().scenario());
                }
            }
        });

        ComboBox<String> cc = policy("ccBox", LabViewModel.CONGESTION_CONTROLS, vm.specProperty().get().congestionControl(), "congestion control");
        ComboBox<String> sched = policy("schedulerBox", LabViewModel.SCHEDULERS, vm.specProperty().get().scheduler(), "scheduler");
        ComboBox<String> pm = policy("pmBox", LabViewModel.PATH_MANAGERS, vm.specProperty().get().pathManager(), "path manager");
        Runnable apply = () -> {
            try {
                vm.setPolicies(cc.getValue(), sched.getValue(), pm.getValue());
            } catch (IllegalArgumentException ex) {
                vm.say(ex.getMessage());
            }
        };
        CheckBox opportunistic = new CheckBox("opportunistic");
        opportunistic.setId("opportunisticBox");
        opportunistic.setSelected(vm.specProperty().get().opportunistic());
        opportunistic.setTooltip(new Tooltip("Opportunistic retransmission and penalisation (Raiciu et al., NSDI 2012): "
                + "when the receive window blocks, the segment holding it goes again on a subflow with room and the slow "
                + "subflow's window is halved. Switches in the running connection."));
        opportunistic.setOnAction(e -> {
            try {
                vm.setOpportunistic(opportunistic.isSelected());
            } catch (IllegalArgumentException ex) {
                vm.say(ex.getMessage());
                opportunistic.setSelected(vm.specProperty().get().opportunistic());
            }
        });
        vm.specProperty().addListener((o, a, sp) -> opportunistic.setSelected(sp.opportunistic()));
        cc.setOnAction(e -> apply.run());
        sched.setOnAction(e -> apply.run());
        pm.setOnAction(e -> apply.run());

        ComboBox<Integer> window = new ComboBox<>();
        window.setId("windowBox");
        window.getItems().setAll(ChartsPane.WINDOWS);
        window.setValue(60);
        window.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer s) {
                return s == null ? "" : s < 120 ? s + " s" : s / 60 + " min";
            }

            @Override
            public Integer fromString(String s) {
                return 60;
            }
        });
        window.valueProperty().addListener((o, a, s) -> charts.setWindowSeconds(s));
        window.setTooltip(new Tooltip("How much time the charts show"));

        MenuButton file = new MenuButton("File");
        file.setId("exportMenu");
        MenuItem png = new MenuItem("Window as PNG\u2026");
        png.setId("exportPng");
        png.setOnAction(e -> ask("window.png", p -> Png.write(snapshotWindow(), p)));
        MenuItem tabPng = new MenuItem("Shown tab as PNG (charts, ladder\u2026)\u2026");
        tabPng.setId("exportTabPng");
        tabPng.setOnAction(e -> ask("view.png", p -> Png.write(tabs.getSelectionModel().getSelectedItem().getContent()
                .snapshot(null, null), p)));
        MenuItem csv = new MenuItem("Samples as CSV\u2026");
        csv.setId("exportCsv");
        csv.setOnAction(e -> ask("samples.csv", vm::exportCsv));
        MenuItem save = new MenuItem("Spec as JSON\u2026");
        save.setId("exportSpec");
        save.setOnAction(e -> ask("session.json", vm::saveSpec));
        MenuItem load = new MenuItem("Load a spec\u2026");
        load.setId("loadSpec");
        load.setOnAction(e -> {
            Path p = fileAsker.apply("session.json", false);
            if (p != null) {
                try {
                    vm.loadSpec(p);
                } catch (IOException ex) {
                    vm.say("Cannot load " + p.getFileName() + ": " + ex.getMessage());
                }
            }
        });
        MenuItem record = new MenuItem();
        record.setId("recordPcapng");
        record.textProperty().bind(javafx.beans.binding.Bindings.when(vm.recordingProperty())
                .then("Stop recording").otherwise("Record packets to pcapng\u2026"));
        record.setOnAction(e -> {
            if (vm.recordingProperty().get()) {
                background(() -> {
                    try {
                        vm.stopRecording();
                    } catch (IOException ex) {
                        vm.onFx(() -> vm.say("The recording could not be completed: " + ex.getMessage()));
                    }
                });
            } else {
                Path p = fileAsker.apply("mptcp-lab.pcapng", true);
                if (p != null) {
                    background(() -> {
                        try {
                            vm.startRecording(p);
                        } catch (IOException | RuntimeException ex) {
                            vm.onFx(() -> vm.say("Could not record to " + p + ": " + (ex.getMessage() == null ? ex : ex.getMessage())));
                        }
                    });
                }
            }
        });
        MenuItem openCapture = new MenuItem("Open capture to replay\u2026 (Ctrl+O)");
        openCapture.setId("openCaptureItem");
        openCapture.setOnAction(e -> captureOpener.run());
        file.getItems().addAll(openCapture, new javafx.scene.control.SeparatorMenuItem(), png, tabPng, csv, save, load,
                new javafx.scene.control.SeparatorMenuItem(), record);

        Button helpButton = new Button("?");
        helpButton.setId("helpButton");
        helpButton.setOnAction(e -> toggleHelp());
        helpButton.setTooltip(new Tooltip("Keyboard shortcuts (H)"));

        Label clock = new Label();
        clock.setId("clock");
        clock.getStyleClass().add(Styles.CLOCK);
        clock.textProperty().bind(vm.clockProperty());
        Label message = new Label();
        message.getStyleClass().add(Styles.MESSAGE);
        message.textProperty().bind(vm.messageProperty());
        message.setMinWidth(0);
        HBox.setHgrow(message, Priority.ALWAYS);
        message.setMaxWidth(Double.MAX_VALUE);

        // A flow, not a row: at presenter sizes the controls wrap to a second line instead of
        // shrinking to "...".
        // The live lab runs at real time: no pause, step or speed (they would say why); its own badge and Stop.
        javafx.beans.binding.BooleanBinding live = vm.kindProperty().isEqualTo(org.mptcplab.app.session.Session.Kind.LIVE_LAB)
                .or(vm.kindProperty().isEqualTo(org.mptcplab.app.session.Session.Kind.LIVE_INTERFACES));
        // A replay has no scenario, policies or outage loop of ours: the capture's hosts had their own.
        javafx.beans.binding.BooleanBinding replay = vm.kindProperty().isEqualTo(org.mptcplab.app.session.Session.Kind.REPLAY);
        Label scenarioLabel = label("scenario");
        Label ccLabel = label("cc");
        Label schedLabel = label("scheduler");
        Label pmLabel = label("pm");
        for (Node n : new Node[] {scenarioLabel, scenario, ccLabel, cc, schedLabel, sched, opportunistic, pmLabel, pm}) {
            n.visibleProperty().bind(replay.not());
            n.managedProperty().bind(replay.not());
        }
        loop.visibleProperty().bind(noLoop.not().and(replay.not()));
        loop.managedProperty().bind(loop.visibleProperty());
        record.disableProperty().bind(replay);
        save.disableProperty().bind(replay);
        restart.textProperty().bind(javafx.beans.binding.Bindings.when(replay).then("From the start").otherwise("Restart"));
        step.disableProperty().bind(live);
        speed.disableProperty().bind(live);
        Label liveBadge = new Label("LIVE · Linux kernel peer");
        liveBadge.setId("liveBadge");
        liveBadge.getStyleClass().add(Styles.LIVE_BADGE);
        Button stopLive = new Button();
        stopLive.textProperty().bind(javafx.beans.binding.Bindings.when(vm.kindProperty().isEqualTo(
                org.mptcplab.app.session.Session.Kind.LIVE_LAB)).then("Stop live lab").otherwise("Stop live"));
        stopLive.setId("stopLiveButton");
        stopLive.setOnAction(e -> vm.stopLive());
        stopLive.setTooltip(new Tooltip("Removes the lab (namespace, veths, the kernel peer) and goes back to the emulated run"));
        for (Node n : new Node[] {liveBadge, stopLive}) {
            n.visibleProperty().bind(live);
            n.managedProperty().bind(live);
        }
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 4);
        scenario.disableProperty().bind(live);
        bar.getChildren().addAll(liveBadge, clock, pause, step, speed, restart, stopLive, new Separator(Orientation.VERTICAL),
                scenarioLabel, scenario, loop, new Separator(Orientation.VERTICAL),
                ccLabel, cc, schedLabel, sched, opportunistic, pmLabel, pm, new Separator(Orientation.VERTICAL),
                label("charts"), window, file, helpButton, message);
        for (Node n : bar.getChildren()) {
            if (n instanceof Region r && n != message) {
                r.setMinWidth(Region.USE_PREF_SIZE);
            }
        }
        // A long message (a path in an error) must not widen the toolbar past a small window: it
        // is cut with "..." and reads whole in its tooltip.
        message.setMaxWidth(600);
        // A FlowPane sizes by its children's preferred widths, unbounded by their maximum: the
        // message asks for its text's width up to 600 px, so a short one leaves the line to the rest.
        javafx.scene.text.Text measure = new javafx.scene.text.Text();
        Runnable fit = () -> {
            measure.setText(message.getText());
            measure.setFont(message.getFont());
            message.setPrefWidth(Math.min(600, Math.ceil(measure.getLayoutBounds().getWidth()) + 8));
        };
        message.textProperty().addListener((o, a, t) -> fit.run());
        message.fontProperty().addListener((o, a, f) -> fit.run());
        fit.run();
        Tooltip messageTip = new Tooltip();
        messageTip.setWrapText(true);
        messageTip.setMaxWidth(700);
        messageTip.textProperty().bind(vm.messageProperty());
        message.setTooltip(messageTip);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add(Styles.LAB_TOOLBAR);
        return bar;
    }

    private static Label label(String s) {
        Label l = new Label(s);
        l.getStyleClass().add(Styles.FIELD_LABEL);
        return l;
    }

    private ComboBox<String> policy(String id, List<String> values, String current, String what) {
        ComboBox<String> c = new ComboBox<>();
        c.setId(id);
        c.getItems().setAll(values);
        c.setValue(current);
        c.setTooltip(new Tooltip("The " + what + " (what the stack offers today); a change restarts the run with the same seed"));
        return c;
    }

    /**
     * Runs {@code r} off the FX thread (it waits for the engine), then refreshes on the FX thread.
     * The view model's properties are set from there too: bound controls update on the next frame.
     */
    private void background(Runnable r) {
        Thread t = new Thread(() -> {
            r.run();
            javafx.application.Platform.runLater(vm::refresh);
        }, "lab-command");
        t.setDaemon(true);
        t.start();
    }

    private interface FileAction {
        void write(Path p) throws IOException;
    }

    private void ask(String suggested, FileAction action) {
        Path p = fileAsker.apply(suggested, true);
        if (p == null) {
            return;
        }
        try {
            action.write(p);
            vm.say("Wrote " + p);
        } catch (IOException | RuntimeException ex) {
            // A failed export is an error in words, never a silent nothing (issue "Hardening", 4).
            vm.say("Could not write " + p + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        }
    }

    /** Where exports go: the app asks with a file chooser; tests answer with a temporary path. */
    private Runnable captureOpener = () -> { };

    /** What the Open capture button does (the app: ask for a file and replay it). */
    public void setCaptureOpener(Runnable r) {
        captureOpener = java.util.Objects.requireNonNull(r, "r");
    }

    public ReplayBar replayBar() {
        return replayBar;
    }

    public void setFileAsker(BiFunction<String, Boolean, Path> asker) {
        fileAsker = asker;
    }

    private WritableImage snapshotWindow() {
        Scene s = getScene();
        return s.snapshot(null);
    }

    private void rebuildPlayers() {
        players.clear();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < vm.flows().size(); i++) {
            PlayerView p = new PlayerView(vm.flows().get(i), i == 0 ? javafx.scene.paint.Color.web("#1B5E20") : Palette.tcp());
            p.setId(i == 0 ? "playerMptcp" : "playerTcp");
            HBox.setHgrow(p, Priority.ALWAYS);
            p.setMaxWidth(Double.MAX_VALUE);
            // The same width for both cards whatever their names: the room compares them.
            p.setPrefWidth(260);
            p.setMinWidth(0);
            players.add(p);
            nodes.add(p);
        }
        playerBox.getChildren().setAll(nodes);
    }

    private void rebuildCharts() {
        if (charts != null) {
            charts.dispose();
        }
        if (dsn != null) {
            dsn.dispose();
        }
        var s = vm.specProperty().get();
        List<String> names = s.paths().stream().map(p -> p.name()).toList();
        charts = new ChartsPane(vm::session, names, s.singlePathTcp(),
                s.traffic().kind() == org.mptcplab.app.session.TrafficSpec.Kind.VIDEO, vm.isReplay());
        chartsHost.setCenter(charts);
        dsn = new DsnGraph(vm::session, names);
        dsn.setId("dsnGraph");
        dsn.setOnSelect(p -> {
            showTab(3);
            packets.show(p, vm.stateProperty().get());
        });
        dsn.setWindowSeconds(dsnSpan.getValue() == null ? 5 : dsnSpan.getValue());
        dsnHost.setCenter(dsn);
    }

    private static javafx.scene.control.Tab tab(String name, Node content, String id) {
        javafx.scene.control.Tab t = new javafx.scene.control.Tab(name, content);
        t.setId(id);
        return t;
    }

    /** Shows the tab at {@code index}: 0 charts, 1 data sequence, 2 ladder, 3 packets. */
    public void showTab(int index) {
        tabs.getSelectionModel().select(index);
    }

    public LadderView ladder() {
        return ladder;
    }

    public PacketsPane packets() {
        return packets;
    }

    public DsnGraph dsnGraph() {
        return dsn;
    }

    private void rebuildPathCards() {
        List<Node> cards = new ArrayList<>();
        for (PathViewModel p : vm.paths()) {
            PathCard card = new PathCard(p, m -> vm.onFx(() -> vm.say(m)));
            card.setReadOnly(vm.isReplay());
            cards.add(card);
        }
        pathCards.getChildren().setAll(cards);
    }

    private void buildHelp() {
        help.setId("helpOverlay");
        help.getStyleClass().add(Styles.HELP_OVERLAY);
        Label title = new Label("Keyboard");
        title.getStyleClass().add(Styles.HELP_TITLE);
        GridPane g = new GridPane();
        g.setHgap(24);
        g.setVgap(6);
        for (int i = 0; i < SHORTCUTS.size(); i++) {
            Label k = new Label(SHORTCUTS.get(i)[0]);
            k.getStyleClass().add(Styles.HELP_KEY);
            g.add(k, 0, i);
            g.add(new Label(SHORTCUTS.get(i)[1]), 1, i);
        }
        help.getChildren().addAll(title, g);
        help.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        help.setPadding(new Insets(24));
        help.setVisible(false);
    }

    public void toggleHelp() {
        help.setVisible(!help.isVisible());
    }

    public boolean helpShown() {
        return help.isVisible();
    }

    // ------------------------------------------------------------------ keyboard and modes

    /** Installs the shortcuts on the scene (a presenter's clicker sends keys). */
    public void installShortcuts(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.Q) {
                // Quit: the stage's close handlers stop the engine and the chart feeders.
                if (getScene().getWindow() instanceof Stage st) {
                    st.close();
                }
                e.consume();
                return;
            }
            if (e.getTarget() instanceof TextInputControl || !isVisible() || e.isShortcutDown() || e.isAltDown()) {
                return;
            }
            if (handleKey(e.getCode(), e.isShiftDown(), e.getText())) {
                e.consume();
            }
        });
    }

    boolean handleKey(KeyCode code, boolean shift, String text) {
        if (code.isDigitKey() && code != KeyCode.DIGIT0 && code != KeyCode.NUMPAD0) {
            int i = Integer.parseInt(code.getName().replaceAll("[^0-9]", "")) - 1;
            if (i < vm.paths().size()) {
                try {
                    if (shift) {
                        vm.paths().get(i).blackHole();
                    } else {
                        vm.paths().get(i).toggle();
                    }
                } catch (UnsupportedOperationException ex) {
                    // A replayed capture: its paths did what they did.
                    vm.say("Cannot: " + ex.getMessage());
                }
            }
            return true;
        }
        switch (code) {
            case SPACE -> vm.togglePause();
            case PERIOD, RIGHT -> vm.step();
            case COMMA, LEFT -> vm.stepBack();
            case HOME -> vm.restart();
            case PLUS, ADD, EQUALS -> vm.faster();
            case MINUS, SUBTRACT -> vm.slower();
            case R -> vm.restart();
            case L -> vm.flapLoopProperty().set(!vm.flapLoopProperty().get());
            case P -> setPresenter(!presenter);
            case D -> setDark(!dark);
            case F11 -> {
                if (getScene() != null && getScene().getWindow() instanceof Stage st) {
                    st.setFullScreen(!st.isFullScreen());
                }
            }
            case H, F1 -> toggleHelp();
            case OPEN_BRACKET, CLOSE_BRACKET -> {
                int i = LadderView.SPANS.indexOf(span.getValue()) + (code == KeyCode.OPEN_BRACKET ? -1 : 1);
                span.setValue(LadderView.SPANS.get(Math.max(0, Math.min(LadderView.SPANS.size() - 1, i))));
                showTab(2);
            }
            case C -> showTab(0);
            case S -> showTab(1);
            case G -> showTab(2);
            case K -> showTab(3);
            case ESCAPE -> help.setVisible(false);
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean presenter;
    private javafx.geometry.Rectangle2D windowed;
    private boolean dark;

    /** Presenter mode: large type and heavy lines, for the back of a room at 1920x1080. */
    public void setPresenter(boolean on) {
        presenter = on;
        Node root = getScene() == null ? this : getScene().getRoot();
        root.getStyleClass().remove(Styles.PRESENTER);
        if (on) {
            root.getStyleClass().add(Styles.PRESENTER);
        }
        topology.setFontScale(on ? 1.25 : 1);
        // On a projector the window takes the whole screen (Esc or F11 leaves full screen).
        if (getScene() != null && getScene().getWindow() instanceof Stage st) {
            if (on) {
                windowed = new javafx.geometry.Rectangle2D(st.getX(), st.getY(), st.getWidth(), st.getHeight());
                st.setFullScreenExitHint("");
                st.setFullScreen(true);
                // Without a window manager (a bare X server) full screen may not resize the
                // window: then it is sized to the screen by hand.
                javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getBounds();
                if (st.getWidth() < screen.getWidth() - 1) {
                    st.setX(screen.getMinX());
                    st.setY(screen.getMinY());
                    st.setWidth(screen.getWidth());
                    st.setHeight(screen.getHeight());
                }
            } else {
                st.setFullScreen(false);
                if (windowed != null) {
                    st.setX(windowed.getMinX());
                    st.setY(windowed.getMinY());
                    st.setWidth(windowed.getWidth());
                    st.setHeight(windowed.getHeight());
                }
            }
        }
        ladder.setFontScale(on ? 1.35 : 1);
        vm.say(on ? "Presenter mode (P to leave)" : "Presenter mode off");
    }

    public boolean isPresenter() {
        return presenter;
    }

    /** The dark theme: styles/dark.css on top of the light one. */
    public void setDark(boolean on) {
        dark = on;
        if (getScene() == null) {
            return;
        }
        String css = Styles.class.getResource(Styles.DARK_STYLESHEET).toExternalForm();
        getScene().getStylesheets().remove(css);
        if (on) {
            getScene().getStylesheets().add(css);
        }
    }

    public boolean isDark() {
        return dark;
    }

    public void dispose() {
        frame.stop();
        if (charts != null) {
            charts.dispose();
        }
        if (dsn != null) {
            dsn.dispose();
        }
    }

    public ChartsPane charts() {
        return charts;
    }

    public TopologyView topology() {
        return topology;
    }
}

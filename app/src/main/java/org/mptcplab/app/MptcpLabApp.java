package org.mptcplab.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Objects;

import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

import javafx.stage.FileChooser;

import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.view.FrameStats;
import org.mptcplab.app.view.LabView;
import org.mptcplab.app.view.MainViewController;
import org.mptcplab.app.view.Styles;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.app.viewmodel.MainViewModel;

/**
 * The JavaFX application: the main window. Started by {@link Launcher} (not directly, so that
 * JavaFX can run from the classpath). The static methods build the same window for tests,
 * which get their Stage from TestFX rather than from {@code Application.launch}.
 */
public final class MptcpLabApp extends Application {

    public static final String TITLE = "MPTCP Lab";
    /** The capture the window opens replayed ({@code java -jar mptcp-lab.jar FILE} sets it). */
    public static final String CAPTURE_PROPERTY = "mptcplab.capture";
    public static final String MAIN_VIEW_FXML = "/fxml/MainView.fxml";
    /** Full HD: the whole of a projector or laptop screen, the screen's size where it is smaller. */
    public static final double PREFERRED_WIDTH = 1920;
    public static final double PREFERRED_HEIGHT = 1080;
    /** Below this the empty-state text no longer fits without clipping. */
    static final double MIN_WIDTH = 820;
    static final double MIN_HEIGHT = 600;

    private LabViewModel lab;

    /**
     * Opens straight into the running demo (issue "The lab window", 2): the session starts
     * before the window shows, so the players move within the first second.
     */
    @Override
    public void start(Stage stage) {
        // -Dmptcplab.empty=true opens the shell with no session: the baseline of the frame benchmark.
        boolean empty = Boolean.getBoolean("mptcplab.empty");
        lab = empty ? null : new LabViewModel(startSpec(), true);
        if (lab != null && System.getProperty("mptcplab.speed") != null) {
            lab.setSpeed(Double.parseDouble(System.getProperty("mptcplab.speed")));
        }
        MainViewModel main = new MainViewModel(lab);
        Scene scene = showMainWindow(stage, main);
        // The live checks start processes: off the FX thread, the answer comes back to it.
        Thread checks = new Thread(() -> {
            java.util.List<String> lines = org.mptcplab.app.lab.Lab.liveReadiness();
            boolean ready = lines.stream().noneMatch(l -> l.startsWith("Missing here"));
            javafx.application.Platform.runLater(() -> {
                main.setLiveStatus(lines, ready);
                // -Dmptcplab.live=true: straight into the live lab (a presenter's start, the screenshots).
                if (Boolean.getBoolean("mptcplab.live") && lab != null) {
                    main.selectMode(org.mptcplab.app.viewmodel.Mode.LIVE);
                    if (ready) {
                        main.startLive();
                    }
                }
            });
        }, "live-checks");
        checks.setDaemon(true);
        checks.start();
        LabView view = (LabView) scene.lookup("#lab");
        int heapEvery = Integer.getInteger("mptcplab.heapEvery", 0);
        if (heapEvery > 0 && lab != null) {
            // The heap benchmark: heap after a full GC every heapEvery wall seconds, with the
            // session's virtual time and the store's size, on stderr (BENCHMARKS.md).
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(heapEvery * 1000L);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    var store = lab.session().store();
                    System.err.println(String.format(java.util.Locale.ROOT,
                            "heap virtual %.0f s: %.1f MiB after GC; store %d items, %.1f MiB estimated, %d dropped",
                            lab.session().state().nowNanos() / 1e9, (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                            store.size(), store.bytes() / 1048576.0, store.dropped()));
                }
            }, "heap-report");
            t.setDaemon(true);
            t.start();
        }
        int frames = Integer.getInteger("mptcplab.frames", 0);
        if (frames > 0) {
            FrameStats stats = new FrameStats(frames, empty ? "empty window" : "lab");
            stats.start();
            if (view != null) {
                view.setFrameStats(stats);
            }
        }
        if (view != null) {
            view.installShortcuts(scene);
            view.setFileAsker((suggested, save) -> {
                FileChooser fc = new FileChooser();
                fc.setInitialFileName(suggested);
                java.io.File f = save ? fc.showSaveDialog(stage) : fc.showOpenDialog(stage);
                return f == null ? null : f.toPath();
            });
            if (Boolean.getBoolean("mptcplab.presenter")) {
                view.setPresenter(true);
            }
        }
        String focusAt = System.getProperty("mptcplab.focusAt");
        if (focusAt != null && lab != null) {
            // -Dmptcplab.focusAt=SECONDS: once the run is half a second past that moment, every view
            // shows it, as a click on its event in the log would (the screenshots of a handover).
            long at = (long) (Double.parseDouble(focusAt) * 1e9);
            javafx.animation.Timeline watch = new javafx.animation.Timeline();
            watch.getKeyFrames().add(new javafx.animation.KeyFrame(javafx.util.Duration.millis(50), e -> {
                if (lab.stateProperty().get() != null && lab.stateProperty().get().nowNanos() >= at + 500_000_000L) {
                    lab.focusOn(at);
                    watch.stop();
                }
            }));
            watch.setCycleCount(javafx.animation.Animation.INDEFINITE);
            watch.play();
        }
        if (lab != null) {
            main.setCaptureChooser(() -> {
                FileChooser fc = new FileChooser();
                fc.setTitle("Open a capture to replay");
                fc.getExtensionFilters().addAll(
                        new FileChooser.ExtensionFilter("Captures (pcap, pcapng)", "*.pcap", "*.pcapng", "*.cap"),
                        new FileChooser.ExtensionFilter("All files", "*"));
                java.nio.file.Path demo = java.nio.file.Path.of("demo-captures");
                if (java.nio.file.Files.isDirectory(demo)) {
                    fc.setInitialDirectory(demo.toFile());
                }
                java.io.File f = fc.showOpenDialog(stage);
                return f == null ? null : f.toPath();
            });
            installCaptureDrop(scene, main);
            if (view != null) {
                view.setCaptureOpener(main::chooseCapture);
            }
            String capture = System.getProperty(CAPTURE_PROPERTY);
            if (capture != null) {
                // -Dmptcplab.captureDelay=MS: the demo runs that long first (the replay benchmark measures the frames while it loads).
                int delay = Integer.getInteger("mptcplab.captureDelay", 0);
                if (delay > 0) {
                    javafx.animation.PauseTransition wait = new javafx.animation.PauseTransition(javafx.util.Duration.millis(delay));
                    wait.setOnFinished(e -> main.openCapture(java.nio.file.Path.of(capture)));
                    wait.play();
                } else {
                    main.openCapture(java.nio.file.Path.of(capture));
                }
                // What became of the file named on the command line, on stderr too (a script's log, the benchmark).
                lab.loadProgressProperty().addListener((o, a, p) -> {
                    if (p.doubleValue() < 0) {
                        System.err.println("mptcp-lab: " + lab.messageProperty().get());
                    }
                });
                // -Dmptcplab.stall=N: straight to the replay's N-th stall bookmark (the screenshots, a talk's slide).
                Integer stall = Integer.getInteger("mptcplab.stall");
                if (stall != null) {
                    lab.loadProgressProperty().addListener((o, a, p) -> {
                        var marks = lab.bookmarksProperty().get();
                        if (p.doubleValue() < 0 && lab.isReplay() && stall >= 0 && stall < marks.size()) {
                            lab.showStall(marks.get(stall));
                        }
                    });
                }
            }
        }
        stage.setOnHidden(e -> {
            if (view != null) {
                view.dispose();
            }
            if (lab != null) {
                lab.close();
            }
        });
    }

    /**
     * The spec the window opens with: the demo, or the JSON file named by the system property
     * {@code mptcplab.spec} (a spec the Export menu saved). A file that cannot be read is said in
     * one sentence on stderr, and the demo opens instead.
     */
    static SessionSpec startSpec() {
        String file = System.getProperty("mptcplab.spec");
        String scenario = System.getProperty("mptcplab.scenario");
        if (file == null && scenario != null) {
            // -Dmptcplab.scenario=NAME: a scenario of the picker from the start (the screenshots).
            try {
                return org.mptcplab.app.session.ScenarioPresets.get(scenario.trim()).spec();
            } catch (IllegalArgumentException e) {
                System.err.println("mptcp-lab: " + e.getMessage() + "; opening the demo");
                return SessionSpec.demo();
            }
        }
        if (file == null) {
            return SessionSpec.demo();
        }
        try {
            return SessionSpec.fromJson(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("mptcp-lab: cannot open the spec " + file + " (" + e.getMessage() + "); opening the demo");
            return SessionSpec.demo();
        }
    }

    /**
     * A file dragged onto the window is opened as a replay (the first, if several are dropped);
     * Ctrl+O asks for one.
     */
    public static void installCaptureDrop(Scene scene, MainViewModel main) {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(javafx.scene.input.TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean done = false;
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                main.openCapture(e.getDragboard().getFiles().get(0).toPath());
                done = true;
            }
            e.setDropCompleted(done);
            e.consume();
        });
        scene.getAccelerators().put(new javafx.scene.input.KeyCodeCombination(javafx.scene.input.KeyCode.O,
                javafx.scene.input.KeyCombination.SHORTCUT_DOWN), main::chooseCapture);
    }

    @Override
    public void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Puts the main window for {@code viewModel} on {@code stage} and shows it. */
    public static Scene showMainWindow(Stage stage, MainViewModel viewModel) {
        // A projector is often 1280x720 or 1024x768: never open larger than the screen.
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double width = Math.min(PREFERRED_WIDTH, screen.getWidth());
        double height = Math.min(PREFERRED_HEIGHT, screen.getHeight());
        Scene scene = createScene(viewModel, width, height);
        stage.setTitle(TITLE);
        stage.setScene(scene);
        stage.setMinWidth(Math.min(MIN_WIDTH, width));
        stage.setMinHeight(Math.min(MIN_HEIGHT, height));
        stage.show();
        return scene;
    }

    /** The main window's scene with the stylesheet applied; needs the FX toolkit running. */
    public static Scene createScene(MainViewModel viewModel, double width, double height) {
        Scene scene = new Scene(loadMainView(viewModel), width, height);
        scene.getStylesheets().add(resource(Styles.STYLESHEET).toExternalForm());
        return scene;
    }

    /** Loads the FXML with a controller bound to {@code viewModel}. */
    public static Parent loadMainView(MainViewModel viewModel) {
        Objects.requireNonNull(viewModel, "viewModel");
        FXMLLoader loader = new FXMLLoader(resource(MAIN_VIEW_FXML));
        // The controller takes its view model in the constructor, so FXMLLoader cannot create
        // it with the no-argument constructor it would otherwise use.
        loader.setControllerFactory(type -> {
            if (type == MainViewController.class) {
                return new MainViewController(viewModel);
            }
            throw new IllegalArgumentException("Unexpected controller " + type.getName());
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + MAIN_VIEW_FXML, e);
        }
    }

    private static URL resource(String path) {
        URL url = MptcpLabApp.class.getResource(path);
        if (url == null) {
            // A missing resource is a packaging error; say which one instead of an NPE later.
            throw new IllegalStateException("Missing resource on the classpath: " + path);
        }
        return url;
    }
}

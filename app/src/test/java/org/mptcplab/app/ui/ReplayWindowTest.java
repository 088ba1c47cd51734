package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.MptcpLabApp;
import org.mptcplab.app.replay.ReplayIndex;
import org.mptcplab.app.replay.ReplaySession;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.view.LabView;
import org.mptcplab.app.view.PathCard;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.app.viewmodel.MainViewModel;
import org.mptcplab.app.viewmodel.Mode;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A capture replayed in the window, driven as a person would: opened from the Replay card, the
 * playhead played, stepped, scrubbed on the timeline, a stall bookmark clicked, the connection
 * picked, and the replay closed. The replay does not play on its own here ({@code realTime}
 * false): the test moves it.
 */
@ExtendWith(ApplicationExtension.class)
class ReplayWindowTest {
    private static final Path HANDOVER = Path.of("..", "demo-captures", "handover.pcap");

    @TempDir
    Path dir;
    private LabViewModel lab;
    private MainViewModel main;
    private Scene scene;
    private LabView view;
    private final AtomicReference<Path> chosen = new AtomicReference<>();

    @Start
    void start(Stage stage) {
        lab = new LabViewModel(SessionSpec.demo().withFlap(0, 0), false);
        main = new MainViewModel(lab);
        scene = MptcpLabApp.showMainWindow(stage, main);
        // The stage is shared with the other window tests, which may have made it small: the smallest allowed.
        stage.setWidth(820);
        stage.setHeight(600);
        view = (LabView) scene.lookup("#lab");
        view.installShortcuts(scene);
        main.setCaptureChooser(chosen::get);
        MptcpLabApp.installCaptureDrop(scene, main);
        view.setCaptureOpener(main::chooseCapture);
    }

    @AfterEach
    void close() {
        WaitForAsyncUtils.asyncFx(() -> view.dispose());
        lab.close();
    }

    private void open(FxRobot robot, Path file) throws Exception {
        chosen.set(file);
        robot.clickOn("#modeReplay");
        robot.clickOn("#openCapture");
        waitLoaded();
    }

    private void waitLoaded() throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !lab.isLoading());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A file of ../shared/captures (surefire names the folder in mptcplab.shared). */
    private static Path shared(String name) {
        return Path.of(System.getProperty("mptcplab.shared", "../../shared"), "captures", name);
    }

    private ReplaySession replay() {
        return (ReplaySession) lab.session();
    }

    private void frame(FxRobot robot) {
        robot.interact(() -> lab.refresh());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theReplayCardOpensACaptureInTheLabsViews(FxRobot robot) throws Exception {
        open(robot, HANDOVER);
        assertThat(main.getMode()).isEqualTo(Mode.REPLAY);
        assertThat(lab.kindProperty().get()).isEqualTo(Session.Kind.REPLAY);
        assertThat(view.isVisible()).isTrue();
        assertThat(robot.lookup("#emptyState").queryAs(Node.class).isVisible()).isFalse();
        assertThat(robot.lookup("#replayBar").queryAs(Node.class).isVisible()).isTrue();
        assertThat(lab.messageProperty().get()).startsWith("Opened handover.pcap: 1,735 packets");
        // The capture's connection, its paths (address pairs) as read-only cards, its stall.
        assertThat(robot.lookup("#connectionBox").queryAs(ComboBox.class).getItems()).hasSize(1);
        assertThat(robot.lookup("#path1").queryAs(PathCard.class)).isNotNull();
        assertThat(robot.lookup("#pathToggle1").queryAs(Button.class).isVisible()).as("nothing in a capture goes down").isFalse();
        assertThat(robot.lookup("#scenarioBox").queryAs(Node.class).isVisible()).isFalse();
        assertThat(robot.lookup("#stallsMenu").queryAs(MenuButton.class).getText()).isEqualTo("Stalls (1)");
        assertThat(view.charts().charts().get(0).getTitle()).startsWith("Bytes sent per path");
        assertThat(main.getStatusText()).startsWith("Replay of handover.pcap");
    }

    @Test
    void playPauseStepAndStepBackMoveThePlayhead(FxRobot robot) throws Exception {
        open(robot, HANDOVER);
        assertThat(lab.pausedProperty().get()).isTrue();
        robot.clickOn("#pauseButton");
        assertThat(replay().isPaused()).isFalse();
        robot.interact(() -> replay().runFor(500_000_000L));
        frame(robot);
        assertThat(replay().playhead()).isEqualTo(500_000_000L);
        assertThat(robot.lookup("#replayTime").queryAs(Label.class).getText()).startsWith("0.500 / 1.598 s");
        robot.clickOn("#pauseButton");
        assertThat(replay().isPaused()).isTrue();
        long before = replay().playhead();
        robot.clickOn("#stepButton");
        long stepped = replay().playhead();
        assertThat(stepped).isGreaterThan(before);
        assertThat(replay().store().packetsSince(0)).anyMatch(p -> p.t() == stepped);
        robot.clickOn("#stepBackButton");
        assertThat(replay().playhead()).isLessThan(stepped);
        robot.type(KeyCode.PERIOD);
        assertThat(replay().playhead()).isEqualTo(stepped);
        robot.type(KeyCode.COMMA);
        assertThat(replay().playhead()).isLessThan(stepped);
        robot.clickOn("#restartButton");
        assertThat(replay().playhead()).isZero();
        // A path key says why nothing happens.
        robot.type(KeyCode.DIGIT1);
        assertThat(lab.messageProperty().get()).isEqualTo("Cannot: a capture is replayed as it was recorded: nothing in it can be changed");
    }

    @Test
    void theTimelineScrubsAndAStallBookmarkShowsItsMoment(FxRobot robot) throws Exception {
        open(robot, HANDOVER);
        frame(robot);
        Node timeline = robot.lookup("#replayTimeline").query();
        Bounds b = timeline.localToScreen(timeline.getBoundsInLocal());
        // Three quarters along: past the stall's red band (0.67 to 0.90 s of 1.6 s).
        robot.clickOn(b.getMinX() + 6 + (b.getWidth() - 12) * 0.95, b.getMinY() + b.getHeight() / 2);
        long t = replay().playhead();
        assertThat(t).isBetween(1_450_000_000L, 1_560_000_000L);
        assertThat(replay().store().packetsSince(0)).allMatch(p -> p.t() <= t);
        frame(robot);
        ListView<?> log = robot.lookup("#eventLog").queryAs(ListView.class);
        assertThat(log.getItems().toString()).contains("REMOVE_ADDR");
        // Back to the start: the store refills, the log with it.
        robot.clickOn(b.getMinX() + 7, b.getMinY() + b.getHeight() / 2);
        frame(robot);
        assertThat(replay().playhead()).isLessThan(20_000_000L);
        assertThat(log.getItems().toString()).doesNotContain("REMOVE_ADDR");

        // The stall bookmark from the menu: paused after it, every view marks its start.
        ReplayIndex.Stall stall = lab.bookmarksProperty().get().get(0);
        robot.clickOn("#stallsMenu");
        robot.clickOn("#stall0");
        assertThat(replay().isPaused()).isTrue();
        assertThat(replay().playhead()).isEqualTo(stall.endNanos() + 500_000_000L);
        assertThat(lab.focusProperty().get()).isEqualTo(stall.startNanos());
        assertThat(lab.messageProperty().get()).contains("Stall at 0.674 s", "24 retransmissions");
        Label detail = robot.lookup("#stallDetail").queryAs(Label.class);
        assertThat(detail.isVisible()).isTrue();
        assertThat(detail.getText()).contains("subflow 0 (10.1.0.1)", "subflow 1 (10.2.0.1)");
        // A click on the red band does the same.
        robot.clickOn(b.getMinX() + 7, b.getMinY() + b.getHeight() / 2);
        assertThat(lab.focusProperty().get()).isEqualTo(-1);
        double mid = (stall.startNanos() + stall.endNanos()) / 2.0 / replay().durationNanos();
        robot.clickOn(b.getMinX() + 6 + (b.getWidth() - 12) * mid, b.getMinY() + b.getHeight() / 2);
        assertThat(lab.focusProperty().get()).isEqualTo(stall.startNanos());
    }

    @Test
    void thePacketInspectorShowsTheCapturedFrame(FxRobot robot) throws Exception {
        open(robot, HANDOVER);
        robot.interact(() -> replay().seek(1_100_000_000L));
        frame(robot);
        robot.type(KeyCode.K);
        robot.interact(() -> view.packets().refresh(lab.stateProperty().get()));
        TableView<?> table = robot.lookup("#packetTable").queryAs(TableView.class);
        assertThat(table.getItems()).isNotEmpty();
        robot.interact(() -> table.getSelectionModel().select(0));
        String text = robot.lookup("#packetInspector").queryAs(javafx.scene.control.TextArea.class).getText();
        assertThat(text).contains("captured", "of the capture (Wireshark's frame number)", "IP 10.", "MPTCP DSS");
        String counters = robot.lookup("#counters").queryAs(javafx.scene.control.TextArea.class).getText();
        assertThat(counters).contains("connection 0: token ac764932", "longest stall");
    }

    @Test
    void closeReplayGoesBackToTheEmulatedRun(FxRobot robot) throws Exception {
        open(robot, HANDOVER);
        robot.clickOn("#closeReplayButton");
        assertThat(lab.kindProperty().get()).isEqualTo(Session.Kind.EMULATED);
        assertThat(lab.specProperty().get().paths().get(0).name()).isEqualTo("WiFi");
        assertThat(robot.lookup("#replayBar").queryAs(Node.class).isVisible()).isFalse();
        assertThat(robot.lookup("#pathToggle1").queryAs(Button.class).isVisible()).isTrue();
        // And from the mode buttons: Emulated leaves the replay too.
        open(robot, HANDOVER);
        robot.clickOn("#modeEmulated");
        assertThat(lab.kindProperty().get()).isEqualTo(Session.Kind.EMULATED);
        assertThat(view.isVisible()).isTrue();
    }

    @Test
    void aFileThatIsNoCaptureSaysWhyOnTheCard(FxRobot robot) throws Exception {
        Path junk = dir.resolve("notes.pcap");
        Files.writeString(junk, "this is not a capture at all, just some text\n");
        open(robot, junk);
        assertThat(lab.kindProperty().get()).isEqualTo(Session.Kind.EMULATED);
        Label error = robot.lookup("#replayError").queryAs(Label.class);
        assertThat(error.isVisible()).isTrue();
        assertThat(error.getText()).startsWith("notes.pcap cannot be replayed: ").contains("not a capture file");
        // However long the reason, the window keeps its width: the mode buttons stay on screen.
        assertThat(view.minWidth(-1)).isLessThan(scene.getWidth());
        // A capture without MPTCP says so too.
        Path plain = shared("pymptcpanalyzer/client_1_tcp_only.pcap");
        if (Files.isRegularFile(plain)) {
            open(robot, plain);
            assertThat(error.getText()).contains("has no MPTCP connection");
        }
    }

    @Test
    void theFileMenuAndCtrlOOpenFromTheLab(FxRobot robot) throws Exception {
        chosen.set(HANDOVER);
        robot.clickOn("#exportMenu").clickOn("#openCaptureItem");
        waitLoaded();
        assertThat(lab.isReplay()).isTrue();
        assertThat(main.getMode()).isEqualTo(Mode.REPLAY);
        robot.clickOn("#closeReplayButton");
        robot.press(KeyCode.CONTROL).press(KeyCode.O).release(KeyCode.O).release(KeyCode.CONTROL);
        waitLoaded();
        assertThat(lab.isReplay()).isTrue();
    }

    @Test
    void theConnectionPickerReplaysAnotherConnection(FxRobot robot) throws Exception {
        Path four = shared("pymptcpanalyzer/client_2.pcap");
        Assumptions.assumeTrue(Files.isRegularFile(four), four + " is absent (../shared/captures): skipping");
        open(robot, four);
        ComboBox<?> box = robot.lookup("#connectionBox").queryAs(ComboBox.class);
        assertThat(box.getItems()).hasSize(4);
        int first = replay().connection();
        int other = first == 0 ? 1 : 0;
        robot.interact(() -> box.getSelectionModel().select(other));
        assertThat(replay().connection()).isEqualTo(other);
        assertThat(lab.replayConnectionProperty().get()).isEqualTo(other);
        assertThat(box.getSelectionModel().getSelectedIndex()).isEqualTo(other);
    }

    @Test
    void aLargeCaptureLoadsWithAMovingProgressBarAndCancelStopsIt(FxRobot robot) throws Exception {
        // 400,000 packets (48 MB): long enough to be seen loading, short enough for CI.
        Path big = dir.resolve("big.pcap");
        org.mptcplab.app.cli.SyntheticMptcpCapture.write(big, 400_000, 128, 1);
        // The progress bar's values as the FX thread shows them: the reading reports every 16,384
        // packets from its own thread, and the window takes each in turn.
        java.util.List<Double> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
        javafx.scene.control.ProgressBar bar = robot.lookup("#loadProgress").queryAs(javafx.scene.control.ProgressBar.class);
        robot.interact(() -> bar.progressProperty().addListener((o, a, v) -> shown.add(v.doubleValue())));
        robot.interact(() -> main.openCapture(big));
        Node loadBox = robot.lookup("#loadBox").query();
        assertThat(loadBox.isVisible()).as("the progress shows while it reads").isTrue();
        waitLoaded();
        assertThat(shown.stream().filter(v -> v > 0 && v < 1).distinct().count())
                .as("the bar moved step by step: %s", shown).isGreaterThanOrEqualTo(10);
        assertThat(shown).isSortedAccordingTo((x, y) -> x < 0 || y < 0 ? 0 : Double.compare(x, y));
        assertThat(loadBox.isVisible()).isFalse();
        assertThat(lab.isReplay()).isTrue();
        assertThat(lab.messageProperty().get()).startsWith("Opened big.pcap: 400,000 packets");
        assertThat(main.getMode()).isEqualTo(Mode.REPLAY);

        // Cancel: the reading stops and the replay already shown stays.
        Button cancel = robot.lookup("#cancelLoad").queryAs(Button.class);
        robot.interact(() -> {
            main.openCapture(big);
            assertThat(loadBox.isVisible()).isTrue();
            cancel.fire(); // at once, before the reading could finish on a fast machine
        });
        waitLoaded();
        assertThat(lab.messageProperty().get()).isEqualTo("Reading big.pcap was cancelled");
        assertThat(lab.isReplay()).isTrue();
        assertThat(loadBox.isVisible()).isFalse();
    }
}

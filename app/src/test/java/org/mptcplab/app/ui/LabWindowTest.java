package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.MptcpLabApp;
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
 * The emulated lab driven as a presenter would, headless under Monocle. The session does not run
 * on its own here ({@code realTime} false): each test advances virtual time on the FX thread, so
 * what it sees is the same on every machine.
 */
@ExtendWith(ApplicationExtension.class)
class LabWindowTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;
    private LabViewModel lab;
    private MainViewModel main;
    private Scene scene;
    private LabView view;
    private final AtomicReference<Path> nextFile = new AtomicReference<>();

    @Start
    void start(Stage stage) {
        lab = new LabViewModel(SessionSpec.demo().withFlap(0, 0), false);
        main = new MainViewModel(lab);
        scene = MptcpLabApp.showMainWindow(stage, main);
        view = (LabView) scene.lookup("#lab");
        view.installShortcuts(scene);
        view.setFileAsker((suggested, save) -> nextFile.get());
    }

    @AfterEach
    void close() {
        WaitForAsyncUtils.asyncFx(() -> view.dispose());
        lab.close();
    }

    private void advance(FxRobot robot, long nanos) {
        robot.interact(() -> {
            lab.session().runFor(nanos);
            lab.refresh();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private Session.PathStatus status(int path) {
        return lab.session().state().paths().get(path).status();
    }

    @Test
    void opensOnTheLabWithTopologyPlayersChartsAndPaths(FxRobot robot) {
        advance(robot, 2 * S);
        assertThat(view.isVisible()).isTrue();
        assertThat(robot.lookup("#playerMptcp").tryQuery()).isPresent();
        assertThat(robot.lookup("#playerTcp").tryQuery()).isPresent();
        assertThat(robot.lookup("#path1").tryQuery()).isPresent();
        assertThat(robot.lookup("#path2").tryQuery()).isPresent();
        assertThat(view.charts().charts()).hasSize(6);
        assertThat(robot.lookup("#clock").queryAs(Label.class).getText()).isEqualTo("t = 2.0 s");
        ListView<?> log = robot.lookup("#eventLog").queryAs(ListView.class);
        assertThat(log.getItems()).isNotEmpty();
        assertThat(view.frames()).isPositive();
        Label state = robot.lookup("#playerMptcp .player-state").queryAs(Label.class);
        assertThat(state.getText()).isEqualTo("PLAYING");
        assertThat(state.getStyleClass()).contains("state-playing");
    }

    @Test
    void thePathButtonTakesThePathDownInTheStackAndTheTopology(FxRobot robot) {
        advance(robot, S);
        robot.clickOn("#pathToggle1");
        assertThat(status(0)).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
        advance(robot, S / 2);
        assertThat(robot.lookup("#pathToggle1").queryAs(Button.class).getText()).startsWith("Up");
        assertThat(robot.lookup("#path1").queryAs(PathCard.class).getStyleClass()).contains("path-down");
        assertThat(lab.session().state().flows().get(0).subflows().stream()
                .filter(sf -> sf.iface() == 0 && sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED)).isEmpty();
        robot.clickOn("#pathToggle1");
        assertThat(status(0)).isEqualTo(Session.PathStatus.UP);
        robot.clickOn("#pathBlackHole2");
        assertThat(status(1)).isEqualTo(Session.PathStatus.DOWN_SILENT);
        advance(robot, S / 10);
        assertThat(robot.lookup("#path2").queryAs(PathCard.class).getStyleClass()).contains("path-blackhole");
    }

    @Test
    void aBadValueIsRefusedOnTheFieldAndAGoodOneApplies(FxRobot robot) {
        advance(robot, S / 2);
        PathCard card = robot.lookup("#path1").queryAs(PathCard.class);
        TextField rate = robot.lookup("#path1Rate").queryAs(TextField.class);
        robot.doubleClickOn(rate).eraseText(12).write("fast").type(KeyCode.ENTER);
        assertThat(rate.getStyleClass()).contains("field-error");
        assertThat(card.errorLabel().isVisible()).isTrue();
        assertThat(card.errorLabel().getText()).contains("rate:").contains("fast");
        assertThat(lab.session().state().paths().get(0).settings().rateBps()).isEqualTo(20_000_000L);

        robot.doubleClickOn(rate).eraseText(12).write("5mbit").type(KeyCode.ENTER);
        assertThat(rate.getStyleClass()).doesNotContain("field-error");
        assertThat(card.errorLabel().isVisible()).isFalse();
        assertThat(lab.session().state().paths().get(0).settings().rateBps()).isEqualTo(5_000_000L);

        TextField loss = robot.lookup("#path2Loss").queryAs(TextField.class);
        robot.doubleClickOn(loss).eraseText(12).write("2%");
        // Focus leaving the field applies it too.
        robot.clickOn("#path2Delay");
        assertThat(lab.session().state().paths().get(1).settings().loss()).isEqualTo(0.02);

        robot.clickOn("#path2Backup");
        assertThat(lab.session().state().paths().get(1).settings().backup()).isTrue();
    }

    @Test
    void keysTogglePathsHelpAndPresenterMode(FxRobot robot) {
        advance(robot, S / 2);
        robot.clickOn("#clock");
        robot.type(KeyCode.DIGIT2);
        assertThat(status(1)).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
        robot.type(KeyCode.DIGIT2);
        assertThat(status(1)).isEqualTo(Session.PathStatus.UP);
        robot.press(KeyCode.SHIFT).type(KeyCode.DIGIT1).release(KeyCode.SHIFT);
        assertThat(status(0)).isEqualTo(Session.PathStatus.DOWN_SILENT);
        robot.type(KeyCode.H);
        assertThat(robot.lookup("#helpOverlay").query().isVisible()).isTrue();
        robot.type(KeyCode.ESCAPE);
        assertThat(robot.lookup("#helpOverlay").query().isVisible()).isFalse();
        robot.type(KeyCode.P);
        assertThat(scene.getRoot().getStyleClass()).contains("presenter");
        robot.type(KeyCode.D);
        assertThat(view.isDark()).isTrue();
        assertThat(scene.getStylesheets()).anyMatch(s -> s.endsWith("dark.css"));
        robot.type(KeyCode.L);
        assertThat(lab.flapLoopProperty().get()).isFalse();
        robot.type(KeyCode.EQUALS);
        assertThat(lab.speedProperty().get()).isEqualTo(2.0);
        robot.type(KeyCode.MINUS);
        robot.type(KeyCode.MINUS);
        assertThat(lab.speedProperty().get()).isEqualTo(0.5);
    }

    @Test
    void connectionControlsReachTheSession(FxRobot robot) {
        // The test's demo has no loop, so its box is hidden; the demo of the picker has it.
        assertThat(robot.lookup("#loopBox").query().isVisible()).isFalse();
        @SuppressWarnings("unchecked")
        ComboBox<String> scenario = robot.lookup("#scenarioBox").queryAs(ComboBox.class);
        robot.interact(() -> scenario.setValue("aggregate"));
        robot.interact(() -> scenario.setValue("demo"));
        assertThat(lab.specProperty().get().flapPeriodNanos()).isPositive();
        assertThat(robot.lookup("#loopBox").query().isVisible()).isTrue();
        advance(robot, S);
        robot.clickOn("#loopBox");
        assertThat(lab.flapLoopProperty().get()).isFalse();
        assertThat(lab.session().flapLoop()).isFalse();
        @SuppressWarnings("unchecked")
        ComboBox<Double> speed = robot.lookup("#speedBox").queryAs(ComboBox.class);
        robot.interact(() -> speed.setValue(5.0));
        assertThat(lab.session().state().speed()).isEqualTo(5.0);
        robot.clickOn("#stepButton");
        long t = lab.session().state().nowNanos();
        assertThat(t).isGreaterThan(S);
        robot.clickOn("#restartButton");
        assertThat(lab.session().state().nowNanos()).isZero();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#clock").queryAs(Label.class).getText()).isEqualTo("t = 0.0 s");
        @SuppressWarnings("unchecked")
        ComboBox<String> pm = robot.lookup("#pmBox").queryAs(ComboBox.class);
        robot.interact(() -> pm.setValue("none"));
        assertThat(lab.specProperty().get().pathManager()).isEqualTo("none");
        advance(robot, 2 * S);
        assertThat(lab.session().state().flows().get(0).subflows()).hasSize(1);
    }

    @Test
    void theScenarioPickerStartsAScenarioWithThePoliciesShownAndTheCardsCompareTheFlows(FxRobot robot) {
        @SuppressWarnings("unchecked")
        ComboBox<String> cc = robot.lookup("#ccBox").queryAs(ComboBox.class);
        robot.interact(() -> cc.setValue("lia"));
        @SuppressWarnings("unchecked")
        ComboBox<String> scenario = robot.lookup("#scenarioBox").queryAs(ComboBox.class);
        assertThat(scenario.getItems()).containsAll(LabViewModel.SCENARIOS);
        robot.interact(() -> scenario.setValue("shared-bottleneck"));
        SessionSpec s = lab.specProperty().get();
        assertThat(s.scenario()).isEqualTo("shared-bottleneck");
        assertThat(s.bottleneckBps()).isEqualTo(20_000_000L);
        assertThat(s.congestionControl()).isEqualTo("lia");
        assertThat(lab.session().state().nowNanos()).isZero();
        assertThat(scenario.getTooltip().getText()).contains("20 Mbit/s bottleneck");
        for (int i = 0; i < 8; i++) {
            advance(robot, S); // the window samples once a frame; the comparison looks back 5 s of them
        }
        assertThat(lab.flows().get(1).nameProperty().get()).isEqualTo("TCP, same bottleneck");
        assertThat(lab.flows().get(0).bulkProperty().get()).isTrue();
        // The cards say how MPTCP's goodput compares with TCP's in the shared bottleneck.
        Label comparison = robot.lookup("#playerMptcp .player-stalls").nth(1).queryAs(Label.class);
        assertThat(comparison.getText()).matches("\\d+\\.\\d\\d\\u00d7 TCP's goodput in the shared bottleneck \\(last 5 s\\)");
        assertThat(comparison.isVisible()).isTrue();
        // handover: WiFi goes down at 5 s on its own, signalled.
        robot.interact(() -> scenario.setValue("handover"));
        advance(robot, 6 * S);
        assertThat(status(0)).isEqualTo(Session.PathStatus.DOWN_SIGNALLED);
        assertThat(robot.lookup("#path1").queryAs(PathCard.class).getStyleClass()).contains("path-down");
        assertThat(lab.specProperty().get().scenario()).isEqualTo("handover");
    }

    @Test
    void theOpportunisticBoxSwitchesTheRunningConnectionAndTheLogSaysSo(FxRobot robot) {
        advance(robot, S);
        robot.clickOn("#opportunisticBox");
        WaitForAsyncUtils.waitForFxEvents();
        advance(robot, S / 10); // the engine takes the command at its next step
        assertThat(lab.specProperty().get().opportunistic()).isTrue();
        assertThat(lab.session().state().nowNanos()).as("no restart").isGreaterThan(S);
        assertThat(lab.events()).anyMatch(l -> l.text().startsWith("Opportunistic retransmission and penalisation on"));
        // A restart keeps it (the spec says it) and a scenario picked keeps it too.
        robot.clickOn("#restartButton");
        assertThat(lab.specProperty().get().opportunistic()).isTrue();
        assertThat(robot.lookup("#opportunisticBox").queryAs(CheckBox.class).isSelected()).isTrue();
        @SuppressWarnings("unchecked")
        ComboBox<String> scenario = robot.lookup("#scenarioBox").queryAs(ComboBox.class);
        robot.interact(() -> scenario.setValue("asymmetric-rtt"));
        assertThat(lab.specProperty().get().opportunistic()).isTrue();
    }

    @Test
    void exportsWriteAPngACsvAndASpecThatReloads(FxRobot robot) throws Exception {
        advance(robot, S);
        Path png = dir.resolve("w.png");
        nextFile.set(png);
        robot.clickOn("#exportMenu").clickOn("#exportPng");
        WaitForAsyncUtils.waitForFxEvents();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo((int) scene.getWidth());

        Path tabPng = dir.resolve("charts.png");
        nextFile.set(tabPng);
        robot.clickOn("#exportMenu").clickOn("#exportTabPng");
        WaitForAsyncUtils.waitForFxEvents();
        BufferedImage charts = ImageIO.read(tabPng.toFile());
        assertThat(charts).isNotNull();
        assertThat(charts.getWidth()).isLessThan(img.getWidth());

        Path csv = dir.resolve("s.csv");
        nextFile.set(csv);
        robot.clickOn("#exportMenu").clickOn("#exportCsv");
        assertThat(Files.readAllLines(csv).get(0)).startsWith("kind,t_s");

        Path json = dir.resolve("spec.json");
        nextFile.set(json);
        robot.clickOn("#exportMenu").clickOn("#exportSpec");
        assertThat(SessionSpec.fromJson(Files.readString(json))).isEqualTo(lab.currentSpec());

        Path pcapng = dir.resolve("run.pcapng");
        nextFile.set(pcapng);
        robot.clickOn("#exportMenu").clickOn("#recordPcapng");
        // The recording starts off the FX thread; wait for it.
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> lab.recordingProperty().get());
        assertThat(lab.recordingProperty().get()).isTrue();
        advance(robot, S);
        robot.clickOn("#exportMenu").clickOn("#recordPcapng");
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> !lab.recordingProperty().get());
        assertThat(lab.messageProperty().get()).startsWith("Recorded ").endsWith(" packets");
        assertThat(Files.size(pcapng)).isGreaterThan(10_000);

        nextFile.set(dir.resolve("missing/dir/w.png"));
        robot.clickOn("#exportMenu").clickOn("#exportPng");
        assertThat(lab.messageProperty().get()).startsWith("Could not write");
    }

    @Test
    void subflowButtonsOpenAndCloseSubflowsByHand(FxRobot robot) {
        advance(robot, S);
        robot.clickOn("#path2AddSubflow");
        advance(robot, S);
        assertThat(lab.messageProperty().get()).contains("opened on LTE");
        assertThat(lab.session().state().flows().get(0).subflows().stream()
                .filter(sf -> sf.iface() == 1 && sf.state() == org.mptcplab.stack.mptcp.SubflowState.ESTABLISHED)).hasSize(2);
        robot.clickOn("#path2RemoveSubflow");
        advance(robot, S);
        assertThat(lab.messageProperty().get()).contains("closed by hand");
        robot.clickOn("#path2RemoveSubflow");
        robot.clickOn("#path2RemoveSubflow");
        advance(robot, S / 10);
        assertThat(lab.messageProperty().get()).startsWith("Cannot:");
    }

    @Test
    void theLiveCardsInterfacesFormSaysWhatIsWrong(FxRobot robot) {
        robot.clickOn("#modeLive");
        robot.clickOn("#liveInterfaces").write("eth0");
        robot.clickOn("#liveServer").write("10.1.0.2:5201");
        robot.clickOn("#connectLive");
        WaitForAsyncUtils.waitForFxEvents();
        waitFor(robot, () -> !robot.lookup("#liveError").queryAs(Label.class).getText().isEmpty());
        assertThat(robot.lookup("#liveError").queryAs(Label.class).getText()).contains("eth0").contains("IF=ADDR/PREFIX");
        robot.clickOn("#liveInterfaces").eraseText(4).write("eth0=10.1.0.1/24");
        robot.clickOn("#liveServer").eraseText(13).write("10.1.0.2:99999");
        robot.clickOn("#connectLive");
        waitFor(robot, () -> robot.lookup("#liveError").queryAs(Label.class).getText().contains("99999"));
        assertThat(robot.lookup("#liveError").queryAs(Label.class).getText()).contains("outside 1 to 65535");
        assertThat(lab.isLive()).isFalse();
        assertThat(view.isVisible()).isFalse();
    }

    private static void waitFor(FxRobot robot, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            WaitForAsyncUtils.sleep(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    @Test
    void otherModesShowTheirCardOverTheLab(FxRobot robot) {
        robot.clickOn("#modeLive");
        assertThat(main.getMode()).isEqualTo(Mode.LIVE);
        assertThat(view.isVisible()).isFalse();
        assertThat(robot.lookup("#emptyState").query().isVisible()).isTrue();
        robot.clickOn("#modeEmulated");
        assertThat(view.isVisible()).isTrue();
    }

    @Test
    void theLadderThePacketsAndTheInspectorShowTheHandshake(FxRobot robot) {
        advance(robot, S / 5);
        robot.type(KeyCode.G);
        robot.interact(() -> view.ladder().setSpanMillis(1000));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> { });
        assertThat(view.ladder().drawn()).isPositive();

        robot.clickOn("#tabPackets");
        robot.interact(() -> view.packets().refresh(lab.session().state()));
        var table = view.packets().table();
        assertThat(table.getItems()).isNotEmpty();
        var syn = table.getItems().stream().filter(p -> p.flagText().equals("S") && p.options().equals("MP_CAPABLE")).findFirst().orElseThrow();
        robot.interact(() -> table.getSelectionModel().select(syn));
        String text = view.packets().inspector().getText();
        assertThat(text).contains("MPTCP MP_CAPABLE", "flags [S]", "10.1.0.1 > 10.1.0.2", "arrived");
        // Every field of the option, by its RFC 8684 name.
        assertThat(text).containsIgnoringCase("version");
        robot.clickOn("#mappingsOnly");
        robot.interact(() -> view.packets().refresh(lab.session().state()));
        assertThat(table.getItems()).isNotEmpty().allMatch(p -> p.dsn() >= 0 && p.dataLength() > 0);
        assertThat(robot.lookup("#counters").queryAs(javafx.scene.control.TextArea.class).getText())
                .contains("MPCapableSYNTX", "MPCapableSYNRX", "MPJoinSynTx");
    }

    @Test
    void clickingAnEventMovesEveryViewToItsMoment(FxRobot robot) {
        advance(robot, 2 * S);
        robot.clickOn("#pathToggle1");
        advance(robot, S);
        ListView<?> log = robot.lookup("#eventLog").queryAs(ListView.class);
        int index = -1;
        for (int i = 0; i < log.getItems().size(); i++) {
            if (((org.mptcplab.app.viewmodel.EventLine) log.getItems().get(i)).kind().equals("PATH_DOWN")) {
                index = i;
            }
        }
        assertThat(index).isNotNegative();
        int row = index;
        robot.interact(() -> log.getSelectionModel().select(row));
        assertThat(lab.focusProperty().get()).isEqualTo(2 * S);
        assertThat(lab.messageProperty().get()).contains("t = 2.000 s");
        assertThat(view.charts().charts()).allMatch(c -> c.getPlugins().stream()
                .anyMatch(p -> p instanceof io.fair_acc.chartfx.plugins.XValueIndicator));
        robot.interact(lab::follow);
        assertThat(lab.focusProperty().get()).isEqualTo(-1);
        assertThat(view.charts().charts()).noneMatch(c -> c.getPlugins().stream()
                .anyMatch(p -> p instanceof io.fair_acc.chartfx.plugins.XValueIndicator));
    }

    @Test
    void clickingASegmentOfTheDataSequenceGraphShowsItsPacket(FxRobot robot) throws Exception {
        advance(robot, S);
        robot.clickOn("#tabDsn");
        var dsn = view.dsnGraph();
        // The feeder thread fills the graph a few times a second; chartfx lays it out on a pulse.
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            var segment = lab.session().store().packetsSince(S / 2).stream()
                    .filter(p -> p.toClient() && p.dsn() >= 0).findFirst().orElse(null);
            if (segment == null) {
                return false;
            }
            double x = dsn.chart().getXAxis().getDisplayPosition(segment.t() / 1e9);
            double y = dsn.chart().getYAxis().getDisplayPosition(segment.dsn() / 1e6);
            return dsn.nearest(x, y) != null;
        });
        var segment = lab.session().store().packetsSince(S / 2).stream()
                .filter(p -> p.toClient() && p.dsn() >= 0).findFirst().orElseThrow();
        var canvas = dsn.chart().getCanvas();
        double x = dsn.chart().getXAxis().getDisplayPosition(segment.t() / 1e9);
        double y = dsn.chart().getYAxis().getDisplayPosition(segment.dsn() / 1e6);
        var target = dsn.nearest(x, y);
        javafx.geometry.Point2D onScreen = canvas.localToScreen(x, y);
        robot.clickOn(onScreen.getX(), onScreen.getY());
        WaitForAsyncUtils.waitForFxEvents();
        var selected = view.packets().table().getSelectionModel().getSelectedItem();
        assertThat(selected).isNotNull();
        assertThat(selected.dsn()).isGreaterThanOrEqualTo(0);
        assertThat(Math.abs(selected.dsn() - target.dsn())).isLessThan(20_000);
        assertThat(view.packets().inspector().getText()).contains("mapping: data bytes", "MPTCP DSS");
    }
}

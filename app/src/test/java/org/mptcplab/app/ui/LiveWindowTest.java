package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mptcplab.app.MptcpLabApp;
import org.mptcplab.app.lab.Lab;
import org.mptcplab.app.session.Session;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.view.LabView;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.app.viewmodel.MainViewModel;
import org.mptcplab.app.viewmodel.Mode;
import org.mptcplab.stack.mptcp.SubflowState;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Live card and the live lab in the window, driven by clicks (TestFX, Monocle): Start makes
 * the real lab with the kernel as peer, the same views fill with real packets, a path button takes
 * the real link down, Stop removes the lab and brings the emulated run back. Skipped with what is
 * missing where root, kernel MPTCP or libpcap are not there (the card's Start is then disabled,
 * which is checked first).
 */
@Tag("kernel")
@ExtendWith(ApplicationExtension.class)
class LiveWindowTest {
    private LabViewModel lab;
    private MainViewModel main;
    private LabView view;

    @Start
    void start(Stage stage) {
        lab = new LabViewModel(SessionSpec.demo().withFlap(0, 0), false);
        main = new MainViewModel(lab);
        Scene scene = MptcpLabApp.showMainWindow(stage, main);
        view = (LabView) scene.lookup("#lab");
        view.installShortcuts(scene);
    }

    @AfterEach
    void close() {
        WaitForAsyncUtils.asyncFx(() -> view.dispose());
        lab.close();
    }

    private void await(FxRobot robot, String what, long seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            robot.interact(() -> lab.refresh());
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what + "; state " + lab.session().state());
            }
            Thread.sleep(100);
        }
    }

    private long established(int path) {
        return lab.session().state().flows().get(0).subflows().stream()
                .filter(sf -> sf.iface() == path && sf.state() == SubflowState.ESTABLISHED).count();
    }

    @Test
    void theLiveCardStartsTheLabAndTheSameViewsShowRealPackets(FxRobot robot) throws Exception {
        // Not ready: the button is there in Live mode only, and disabled.
        robot.interact(() -> main.setLiveStatus(List.of("Missing here: root"), false));
        assertThat(robot.lookup("#startLive").queryAs(Button.class).isVisible()).isFalse();
        robot.clickOn("#modeLive");
        Button start = robot.lookup("#startLive").queryAs(Button.class);
        assertThat(start.isVisible()).isTrue();
        assertThat(start.isDisabled()).isTrue();
        assertThat(view.isVisible()).isFalse();

        List<String> lines = Lab.liveReadiness();
        boolean ready = lines.stream().noneMatch(l -> l.startsWith("Missing here"));
        robot.interact(() -> main.setLiveStatus(lines, ready));
        Assumptions.assumeTrue(ready, "skipped: the live lab needs " + lines);
        assertThat(start.isDisabled()).isFalse();

        robot.clickOn("#startLive");
        assertThat(lab.isLive()).isTrue();
        assertThat(view.isVisible()).isTrue();
        assertThat(robot.lookup("#liveBadge").queryAs(Label.class).isVisible()).isTrue();
        await(robot, "both subflows established over the real veths", 25, () -> established(0) == 1 && established(1) == 1);
        assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).isTrue();
        assertThat(main.getStatusText()).contains("Live lab");

        // Real time: Pause explains instead of pausing; Step and speed are disabled.
        robot.clickOn("#pauseButton");
        assertThat(robot.lookup(".message").queryAs(Label.class).getText()).contains("real time");
        assertThat(robot.lookup("#stepButton").queryAs(Button.class).isDisabled()).isTrue();

        // The path button takes the real link down: our subflow there closes.
        robot.clickOn("#pathToggle1");
        await(robot, "WiFi down", 10, () -> lab.session().state().paths().get(0).status() == Session.PathStatus.DOWN_SIGNALLED
                && established(0) == 0);
        assertThat(Lab.run("ip", "-br", "link", "show", "mlw1").output()).contains("DOWN");
        robot.clickOn("#pathToggle1");
        await(robot, "WiFi rejoined", 15, () -> established(0) == 1);

        // The kernel's own counters beside ours, in the Packets tab.
        robot.clickOn("#tabPackets");
        await(robot, "the kernel's counters", 10, () -> {
            robot.interact(() -> view.packets().refresh(lab.stateProperty().get()));
            String t = robot.lookup("#counters").queryAs(TextArea.class).getText();
            return t.contains("kernel") && t.contains("MPCapableSYNRX");
        });

        robot.clickOn("#stopLiveButton");
        assertThat(lab.isLive()).isFalse();
        assertThat(lab.session().kind()).isEqualTo(Session.Kind.EMULATED);
        lab.close(); // waits for the lab's removal
        assertThat(Files.exists(Paths.get("/sys/class/net/mlw1"))).isFalse();
        assertThat(Lab.run("ip", "netns", "list").output()).doesNotContain(Lab.WINDOW_SERVER_NS);
        assertThat(main.getMode()).isEqualTo(Mode.LIVE);
    }
}

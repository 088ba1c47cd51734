package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mptcplab.app.MptcpLabApp;
import org.mptcplab.app.view.Styles;
import org.mptcplab.app.viewmodel.MainViewModel;
import org.mptcplab.app.viewmodel.Mode;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The main window, driven like a user would: headless under Monocle in {@code mvn test}. Each
 * test gets a fresh window and view model from {@link #start}.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private static final Map<Mode, String> BUTTON_IDS =
            Map.of(Mode.EMULATED, "#modeEmulated", Mode.LIVE, "#modeLive", Mode.REPLAY, "#modeReplay");

    private MainViewModel viewModel;
    private Stage stage;
    private Scene scene;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        viewModel = new MainViewModel();
        scene = MptcpLabApp.showMainWindow(stage, viewModel);
    }

    // ---- Window ----------------------------------------------------------------------------

    @Test
    void opensTitledWindowOfTheIntendedSize() {
        assertThat(stage.isShowing()).isTrue();
        assertThat(stage.getTitle()).isEqualTo("MPTCP Lab");
        // Monocle's headless screen is 1280x800: the window never opens larger than the screen.
        assertThat(scene.getWidth()).isEqualTo(Math.min(MptcpLabApp.PREFERRED_WIDTH, 1280));
        assertThat(scene.getHeight()).isEqualTo(Math.min(MptcpLabApp.PREFERRED_HEIGHT, 800));
    }

    @Test
    void appliesTheStylesheet(FxRobot robot) {
        assertThat(scene.getStylesheets()).singleElement()
                .satisfies(url -> assertThat(url).endsWith(Styles.STYLESHEET));
        // Proves the CSS parsed and matched, not only that its URL was added: a selected mode
        // button is filled with the accent colour from app.css, not Modena's grey.
        Region selected = robot.lookup("#modeEmulated").queryAs(Region.class);
        assertThat(selected.getBackground().getFills().get(0).getFill())
                .isEqualTo(Color.web("#0a58b5"));
        assertThat(robot.lookup("#statusBar").queryAs(Node.class).getStyleClass())
                .contains(Styles.STATUS_BAR);
    }

    // ---- Mode selector ---------------------------------------------------------------------

    @Test
    void showsTheThreeModesByName(FxRobot robot) {
        for (Mode mode : Mode.values()) {
            ToggleButton button = button(robot, mode);
            assertThat(button.getText()).isEqualTo(mode.displayName());
            assertThat(renderedText(button)).as("not ellipsised").isEqualTo(mode.displayName());
            assertThat(button.isVisible()).isTrue();
            assertInsideScene(button);
        }
    }

    @Test
    void emulatedIsSelectedByDefault(FxRobot robot) {
        assertThat(selectedModes(robot)).containsExactly(Mode.EMULATED);
        assertThat(viewModel.getMode()).isEqualTo(Mode.EMULATED);
        assertThat(label(robot, "#emptyStateTitle").getText()).isEqualTo("Emulated mode");
        assertThat(label(robot, "#emptyStateDescription").getText())
                .isEqualTo(Mode.EMULATED.description());
        assertThat(statusText(robot)).isEqualTo("Mode: Emulated  \u00b7  no connection");
    }

    @Test
    void clickingLiveSwitchesTheEmptyStateAndStatusBar(FxRobot robot) {
        robot.clickOn("#modeLive");

        assertThat(viewModel.getMode()).isEqualTo(Mode.LIVE);
        assertThat(selectedModes(robot)).containsExactly(Mode.LIVE);
        assertThat(label(robot, "#emptyStateTitle").getText()).isEqualTo("Live mode");
        assertThat(label(robot, "#emptyStateDescription").getText())
                .isEqualTo(Mode.LIVE.description())
                .contains("pcap4j", "root", "libpcap");
        assertThat(label(robot, "#requirement").getText()).isEqualTo("Needs root and libpcap");
        assertThat(statusText(robot)).isEqualTo("Mode: Live  \u00b7  no connection");
    }

    @Test
    void clickingTheSelectedModeKeepsItSelected(FxRobot robot) {
        robot.clickOn("#modeEmulated");
        assertThat(selectedModes(robot)).containsExactly(Mode.EMULATED);
        assertThat(viewModel.getMode()).isEqualTo(Mode.EMULATED);

        robot.clickOn("#modeLive").clickOn("#modeLive");
        assertThat(selectedModes(robot)).containsExactly(Mode.LIVE);
        assertThat(viewModel.getMode()).isEqualTo(Mode.LIVE);
        assertThat(statusText(robot)).isEqualTo("Mode: Live  \u00b7  no connection");
    }

    @Test
    void spaceOnTheSelectedModeKeepsItSelected(FxRobot robot) {
        // The keyboard path toggles without a mouse event: the guard must be on the group.
        robot.clickOn("#modeReplay");
        robot.type(KeyCode.SPACE);

        assertThat(button(robot, Mode.REPLAY).isFocused()).isTrue();
        assertThat(selectedModes(robot)).containsExactly(Mode.REPLAY);
        assertThat(viewModel.getMode()).isEqualTo(Mode.REPLAY);
    }

    @Test
    void modeSetInTheViewModelShowsInTheButtons(FxRobot robot) {
        robot.interact(() -> viewModel.selectMode(Mode.REPLAY));

        assertThat(selectedModes(robot)).containsExactly(Mode.REPLAY);
        assertThat(label(robot, "#emptyStateTitle").getText()).isEqualTo("Replay mode");
        assertThat(statusText(robot)).isEqualTo("Mode: Replay  \u00b7  no connection");
    }

    // ---- Empty state -----------------------------------------------------------------------

    @Test
    void emptyStateListsWhatWillAppearForTheMode(FxRobot robot) {
        assertThat(robot.lookup("#emptyState").queryAs(Node.class).isVisible()).isTrue();
        assertThat(plannedItems(robot)).isEqualTo(Mode.EMULATED.plannedViews());
        assertThat(String.join("\n", plannedItems(robot)))
                .contains("subflows", "cwnd", "RTT", "Path up/down buttons");

        robot.clickOn("#modeReplay");

        assertThat(plannedItems(robot)).isEqualTo(Mode.REPLAY.plannedViews());
        assertThat(label(robot, "#emptyStateLead").getText()).startsWith("Open a capture with the button below");
    }

    @Test
    void emptyStateTextIsNotClipped(FxRobot robot) {
        for (Mode mode : Mode.values()) {
            robot.clickOn(BUTTON_IDS.get(mode));
            Label title = label(robot, "#emptyStateTitle");
            assertThat(renderedText(title)).isEqualTo(mode.displayName() + " mode");
            assertInsideScene(label(robot, "#emptyStateDescription"));
            // Every planned item, the lowest text of the card, still lies above the status bar.
            double statusTop = robot.lookup("#statusBar").queryAs(Node.class)
                    .localToScene(robot.lookup("#statusBar").queryAs(Node.class).getLayoutBounds())
                    .getMinY();
            for (Node item : robot.lookup("." + Styles.PLANNED_ITEM).queryAll()) {
                assertThat(item.localToScene(item.getLayoutBounds()).getMaxY())
                        .as(mode + ": " + ((Labeled) item).getText())
                        .isLessThanOrEqualTo(statusTop);
            }
        }
    }

    @Test
    void wrappedTextIsNotEllipsisedAtTheMinimumWindowSize(FxRobot robot) {
        // Wrapped labels in a VBox get cut to "..." when their height is computed for the
        // wrong width; the narrowest window is where that shows.
        robot.interact(() -> {
            stage.setWidth(stage.getMinWidth());
            stage.setHeight(stage.getMinHeight());
        });
        assertThat(scene.getWidth()).isLessThan(900);
        for (Mode mode : Mode.values()) {
            robot.clickOn(BUTTON_IDS.get(mode));
            List<Labeled> texts = new java.util.ArrayList<>(
                    robot.lookup("." + Styles.PLANNED_ITEM).queryAllAs(Labeled.class));
            texts.add(label(robot, "#emptyStateTitle"));
            texts.add(label(robot, "#emptyStateDescription"));
            texts.add(label(robot, "#emptyStateLead"));
            texts.add(label(robot, "#statusText"));
            for (Labeled labeled : texts) {
                assertThat(renderedText(labeled)).as(mode + " at %s x %s", scene.getWidth(),
                        scene.getHeight()).isEqualTo(labeled.getText());
            }
        }
    }

    @Test
    void statusBarIsAtTheBottomAndReadable(FxRobot robot) {
        Node statusBar = robot.lookup("#statusBar").queryAs(Node.class);
        Bounds bounds = statusBar.localToScene(statusBar.getLayoutBounds());
        assertThat(bounds.getMaxY()).isEqualTo(scene.getHeight());
        assertThat(bounds.getWidth()).isEqualTo(scene.getWidth());
        assertThat(renderedText(label(robot, "#statusText")))
                .isEqualTo("Mode: Emulated  \u00b7  no connection");
    }

    // ---- Helpers ---------------------------------------------------------------------------

    private static ToggleButton button(FxRobot robot, Mode mode) {
        return robot.lookup(BUTTON_IDS.get(mode)).queryAs(ToggleButton.class);
    }

    private static List<Mode> selectedModes(FxRobot robot) {
        return List.of(Mode.values()).stream().filter(m -> button(robot, m).isSelected()).toList();
    }

    private static Label label(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class);
    }

    private static String statusText(FxRobot robot) {
        return robot.from(robot.lookup("#statusBar").queryAs(Node.class))
                .lookup("#statusText").queryAs(Label.class).getText();
    }

    private static List<String> plannedItems(FxRobot robot) {
        return robot.lookup("." + Styles.PLANNED_ITEM).queryAllAs(Label.class).stream()
                .map(Label::getText)
                .toList();
    }

    /** The text actually drawn by a Labeled's skin: differs from getText() when ellipsised. */
    private static String renderedText(Labeled labeled) {
        Text text = (Text) labeled.lookup(".text");
        return text.getText();
    }

    private void assertInsideScene(Node node) {
        Bounds bounds = node.localToScene(node.getLayoutBounds());
        assertThat(bounds.getMinX()).isGreaterThanOrEqualTo(0);
        assertThat(bounds.getMinY()).isGreaterThanOrEqualTo(0);
        assertThat(bounds.getMaxX()).isLessThanOrEqualTo(scene.getWidth());
        assertThat(bounds.getMaxY()).isLessThanOrEqualTo(scene.getHeight());
        assertThat(bounds.getWidth()).isPositive();
    }
}

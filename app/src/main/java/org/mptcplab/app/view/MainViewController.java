package org.mptcplab.app.view;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.control.Toggle;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import org.mptcplab.app.viewmodel.MainViewModel;
import org.mptcplab.app.viewmodel.Mode;

/**
 * Controller of {@code /fxml/MainView.fxml}. It only connects nodes to the {@link MainViewModel}:
 * no state of its own, no decisions. Built by the FXMLLoader's controller factory so that the
 * view model comes in through the constructor (see {@code MptcpLabApp#loadMainView}).
 */
public final class MainViewController {

    private final MainViewModel viewModel;
    private final Map<Mode, ToggleButton> modeButtons = new EnumMap<>(Mode.class);
    private final ToggleGroup modeGroup = new ToggleGroup();

    @FXML private ToggleButton modeEmulated;
    @FXML private ToggleButton modeLive;
    @FXML private ToggleButton modeReplay;
    @FXML private Label emptyStateTitle;
    @FXML private Label emptyStateDescription;
    @FXML private Label requirement;
    @FXML private Label emptyStateLead;
    @FXML private VBox plannedViews;
    @FXML private Label statusText;
    @FXML private javafx.scene.layout.StackPane centre;
    @FXML private javafx.scene.layout.StackPane emptyState;
    @FXML private javafx.scene.control.Button startLive;
    @FXML private VBox liveInterfacesBox;
    @FXML private javafx.scene.control.TextField liveInterfaces;
    @FXML private javafx.scene.control.TextField liveServer;
    @FXML private javafx.scene.control.Button connectLive;
    @FXML private Label liveError;
    @FXML private javafx.scene.control.Button openCapture;
    @FXML private Label replayError;
    @FXML private HBox loadBox;
    @FXML private Label loadText;
    @FXML private javafx.scene.control.ProgressBar loadProgress;
    @FXML private javafx.scene.control.Button cancelLoad;
    private LabView lab;

    public MainViewController(MainViewModel viewModel) {
        this.viewModel = Objects.requireNonNull(viewModel, "viewModel");
    }

    /** The emulated lab's view, or null when the window was opened without a session (tests of the shell). */
    public LabView lab() {
        return lab;
    }

    @FXML
    private void initialize() {
        modeButtons.put(Mode.EMULATED, modeEmulated);
        modeButtons.put(Mode.LIVE, modeLive);
        modeButtons.put(Mode.REPLAY, modeReplay);
        modeButtons.forEach((mode, button) -> {
            button.setText(mode.displayName());
            button.setUserData(mode);
            button.setToggleGroup(modeGroup);
            button.setTooltip(new Tooltip(mode.requirement()));
        });
        bindModeSelector();

        emptyStateTitle.textProperty().bind(viewModel.emptyStateTitleProperty());
        emptyStateDescription.textProperty().bind(viewModel.emptyStateDescriptionProperty());
        requirement.textProperty().bind(viewModel.requirementProperty());
        emptyStateLead.textProperty().bind(viewModel.emptyStateLeadProperty());
        showPlannedViews();
        viewModel.getPlannedViews().addListener((ListChangeListener<String>) c -> showPlannedViews());

        statusText.textProperty().bind(viewModel.statusTextProperty());

        if (viewModel.lab() != null) {
            lab = new LabView(viewModel.lab());
            lab.setId("lab");
            centre.getChildren().add(0, lab);
            // The lab shows emulated runs and, once started, the live lab; otherwise the mode's card.
            lab.visibleProperty().bind(viewModel.showLabProperty());
            emptyState.visibleProperty().bind(lab.visibleProperty().not());
        }
        startLive.visibleProperty().bind(viewModel.modeProperty().isEqualTo(Mode.LIVE));
        startLive.managedProperty().bind(startLive.visibleProperty());
        startLive.disableProperty().bind(viewModel.canStartLiveProperty().not());
        startLive.getStyleClass().add(Styles.START_LIVE);
        startLive.setOnAction(e -> viewModel.startLive());
        liveInterfacesBox.visibleProperty().bind(viewModel.modeProperty().isEqualTo(Mode.LIVE));
        liveInterfacesBox.managedProperty().bind(liveInterfacesBox.visibleProperty());
        liveInterfaces.textProperty().bindBidirectional(viewModel.liveInterfacesProperty());
        liveServer.textProperty().bindBidirectional(viewModel.liveServerProperty());
        liveError.textProperty().bind(viewModel.liveErrorProperty());
        connectLive.setOnAction(e -> viewModel.connectLive());
        openCapture.visibleProperty().bind(viewModel.modeProperty().isEqualTo(Mode.REPLAY));
        openCapture.managedProperty().bind(openCapture.visibleProperty());
        openCapture.getStyleClass().add(Styles.START_LIVE);
        openCapture.setOnAction(e -> viewModel.chooseCapture());
        replayError.textProperty().bind(viewModel.replayErrorProperty());
        replayError.visibleProperty().bind(openCapture.visibleProperty().and(viewModel.replayErrorProperty().isNotEmpty()));
        replayError.managedProperty().bind(replayError.visibleProperty());
        if (viewModel.lab() != null) {
            var lab = viewModel.lab();
            loadBox.visibleProperty().bind(lab.loadProgressProperty().greaterThanOrEqualTo(0));
            loadText.textProperty().bind(lab.loadTextProperty());
            loadProgress.progressProperty().bind(lab.loadProgressProperty());
            cancelLoad.setOnAction(e -> lab.cancelLoad());
        } else {
            loadBox.setVisible(false);
        }
        loadBox.managedProperty().bind(loadBox.visibleProperty());
        liveServer.setOnAction(e -> viewModel.connectLive());
    }

    /**
     * Two-way link between the toggle group and the view model's mode. A plain ToggleGroup lets
     * the user deselect the selected button (mouse click or Space), which would leave no mode;
     * the group listener puts the selection back instead. Handling it on the group, rather
     * than filtering mouse events, covers keyboard and programmatic deselection too.
     */
    private void bindModeSelector() {
        modeGroup.selectToggle(modeButtons.get(viewModel.getMode()));
        modeGroup.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                modeGroup.selectToggle(modeButtons.get(viewModel.getMode()));
            } else {
                viewModel.selectMode((Mode) now.getUserData());
            }
        });
        // Changes from elsewhere (menus, shortcuts, tests) must show in the buttons as well.
        viewModel.modeProperty().addListener((obs, old, now) -> {
            Toggle wanted = modeButtons.get(now);
            if (modeGroup.getSelectedToggle() != wanted) {
                modeGroup.selectToggle(wanted);
            }
        });
    }

    private void showPlannedViews() {
        plannedViews.getChildren().setAll(viewModel.getPlannedViews().stream()
                .map(MainViewController::plannedItem)
                .toList());
    }

    /**
     * One bullet row. The bullet is a sibling rather than the Label's graphic: a wrapping
     * Label with a graphic computes its height for the full width and is then cut to "...".
     */
    private static HBox plannedItem(String text) {
        Region bullet = new Region();
        bullet.getStyleClass().add(Styles.BULLET);
        Label item = new Label(text);
        item.getStyleClass().add(Styles.PLANNED_ITEM);
        item.setWrapText(true);
        // Without this a narrow window squeezes the wrapped item to one line ending in "...".
        item.setMinHeight(Region.USE_PREF_SIZE);
        HBox.setHgrow(item, Priority.ALWAYS);
        HBox row = new HBox(bullet, item);
        row.getStyleClass().add(Styles.PLANNED_ROW);
        return row;
    }
}

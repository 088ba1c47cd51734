package org.mptcplab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The main window's view model, without a display or the FX thread. */
class MainViewModelTest {

    private final MainViewModel viewModel = new MainViewModel();

    // ---- Mode texts ------------------------------------------------------------------------

    @Test
    void modesHaveTheirDisplayNamesInMenuOrder() {
        assertThat(Arrays.stream(Mode.values()).map(Mode::displayName))
                .containsExactly("Emulated", "Live", "Replay");
    }

    @Test
    void descriptionsSayWhatEachModeIsAndNeeds() {
        assertThat(Mode.EMULATED.description())
                .contains("in-process", "rate", "delay", "loss", "queue", "no root");
        assertThat(Mode.LIVE.description())
                .contains("pcap4j", "Linux kernel", "MPTCP", "root", "libpcap");
        assertThat(Mode.REPLAY.description()).contains("pcap", "pcapng", "same views");
        assertThat(Arrays.stream(Mode.values()).map(Mode::description)).doesNotHaveDuplicates();
    }

    @Test
    void cardsPromiseOnlyWhatExists() {
        // The emulated card is only seen without a session; the live and replay cards say what
        // works today (the CLI), not views that the window does not have.
        assertThat(String.join("\n", Mode.EMULATED.plannedViews()))
                .contains("subflows", "cwnd", "RTT", "Path up/down buttons");
        assertThat(Mode.LIVE.emptyStateLead()).contains("Start the live lab", "Linux kernel", "removes it");
        assertThat(String.join("\n", Mode.LIVE.plannedViews())).contains("lab up", "connect", "listen");
        assertThat(Mode.REPLAY.emptyStateLead()).contains("drop a file onto the window", "java -jar mptcp-lab.jar FILE");
        assertThat(String.join("\n", Mode.REPLAY.plannedViews())).contains("bookmarks", "demo-captures", "analyze FILE");
    }

    @Test
    void theLiveStartButtonWorksOnlyInLiveModeOnAReadyMachine() {
        MainViewModel vm = new MainViewModel(new LabViewModel(org.mptcplab.app.session.SessionSpec.demo(), false));
        vm.setLiveStatus(java.util.List.of("Missing here: root"), false);
        vm.selectMode(Mode.LIVE);
        assertThat(vm.canStartLiveProperty().get()).isFalse();
        assertThat(vm.getPlannedViews()).contains("Missing here: root");
        assertThat(vm.showLabProperty().get()).isFalse();
        vm.setLiveStatus(java.util.List.of("This machine is ready"), true);
        assertThat(vm.canStartLiveProperty().get()).isTrue();
        vm.selectMode(Mode.REPLAY);
        assertThat(vm.canStartLiveProperty().get()).isFalse();
        vm.selectMode(Mode.EMULATED);
        assertThat(vm.showLabProperty().get()).isTrue();
        vm.lab().close();
    }

    // ---- Default state ---------------------------------------------------------------------

    @Test
    void startsInEmulatedModeWithNoConnection() {
        assertThat(viewModel.getMode()).isEqualTo(Mode.EMULATED);
        assertThat(viewModel.modeProperty().get()).isEqualTo(Mode.EMULATED);
        assertThat(viewModel.getStatusText()).isEqualTo("Mode: Emulated  \u00b7  no connection");
        assertThat(viewModel.emptyStateTitleProperty().get()).isEqualTo("Emulated mode");
        assertThat(viewModel.emptyStateDescriptionProperty().get())
                .isEqualTo(Mode.EMULATED.description());
        assertThat(viewModel.requirementProperty().get()).isEqualTo("No root needed");
        assertThat(viewModel.emptyStateLeadProperty().get())
                .isEqualTo(Mode.EMULATED.emptyStateLead());
        assertThat(viewModel.getPlannedViews()).isEqualTo(Mode.EMULATED.plannedViews());
    }

    // ---- selectMode ------------------------------------------------------------------------

    @Test
    void selectingLiveUpdatesEverythingDerived() {
        viewModel.selectMode(Mode.LIVE);

        assertThat(viewModel.getMode()).isEqualTo(Mode.LIVE);
        assertThat(viewModel.getStatusText()).isEqualTo("Mode: Live  \u00b7  no connection");
        assertThat(viewModel.emptyStateTitleProperty().get()).isEqualTo("Live mode");
        assertThat(viewModel.emptyStateDescriptionProperty().get())
                .isEqualTo(Mode.LIVE.description());
        assertThat(viewModel.requirementProperty().get()).isEqualTo("Needs root and libpcap");
        assertThat(viewModel.emptyStateLeadProperty().get()).isEqualTo(Mode.LIVE.emptyStateLead());
        assertThat(viewModel.getPlannedViews()).isEqualTo(Mode.LIVE.plannedViews());
    }

    @Test
    void everyModeCanBeSelectedAndBack() {
        for (Mode mode : Mode.values()) {
            viewModel.selectMode(mode);
            assertThat(viewModel.getMode()).isEqualTo(mode);
            assertThat(viewModel.getStatusText()).contains(mode.displayName());
            assertThat(viewModel.getPlannedViews()).isEqualTo(mode.plannedViews());
        }
        viewModel.selectMode(Mode.EMULATED);
        assertThat(viewModel.getStatusText()).isEqualTo("Mode: Emulated  \u00b7  no connection");
    }

    @Test
    void modeChangesAreObservableAndReselectingIsSilent() {
        List<Mode> seen = new ArrayList<>();
        viewModel.modeProperty().addListener((obs, old, now) -> seen.add(now));

        viewModel.selectMode(Mode.REPLAY);
        viewModel.selectMode(Mode.REPLAY);
        viewModel.selectMode(Mode.LIVE);

        assertThat(seen).containsExactly(Mode.REPLAY, Mode.LIVE);
    }

    @Test
    void plannedViewsListIsOneInstanceRefilledOnModeChange() {
        var list = viewModel.getPlannedViews();
        List<String> changes = new ArrayList<>();
        list.addListener((javafx.collections.ListChangeListener<String>) c -> changes.add("changed"));

        viewModel.selectMode(Mode.REPLAY);

        assertThat(viewModel.getPlannedViews()).isSameAs(list);
        assertThat(list).isEqualTo(Mode.REPLAY.plannedViews());
        assertThat(changes).isNotEmpty();
    }

    @Test
    void plannedViewsCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> viewModel.getPlannedViews().add("something"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullModeIsRejectedAndTheModeKept() {
        viewModel.selectMode(Mode.LIVE);

        assertThatThrownBy(() -> viewModel.selectMode(null))
                .isInstanceOf(NullPointerException.class);
        assertThat(viewModel.getMode()).isEqualTo(Mode.LIVE);
    }

    @Test
    void theLiveCardListsWhatThisMachineLacks() {
        MainViewModel vm = new MainViewModel();
        vm.setLiveStatus(List.of("Missing here: root: run it with sudo"));
        assertThat(vm.getPlannedViews()).doesNotContain("Missing here: root: run it with sudo");
        vm.selectMode(Mode.LIVE);
        assertThat(vm.getPlannedViews()).endsWith("Missing here: root: run it with sudo");
        assertThat(vm.getPlannedViews()).startsWith(Mode.LIVE.plannedViews().get(0));
        vm.selectMode(Mode.REPLAY);
        assertThat(vm.getPlannedViews()).isEqualTo(Mode.REPLAY.plannedViews());
    }
}

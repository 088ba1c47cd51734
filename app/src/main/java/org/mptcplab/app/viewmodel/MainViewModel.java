package org.mptcplab.app.viewmodel;

import java.util.Objects;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the main window. Plain Java: only javafx.beans, no controls and no FX
 * thread, so it is tested without a display. The view binds to the read-only properties and
 * calls the commands; everything shown is derived from {@link #modeProperty()} by bindings so
 * that no text can go stale when the mode changes.
 */
public final class MainViewModel {

    /** Connection part of the status while nothing is running (no connections exist yet). */
    public static final String NO_CONNECTION = "no connection";

    private final ReadOnlyObjectWrapper<Mode> mode =
            new ReadOnlyObjectWrapper<>(this, "mode", Mode.EMULATED);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText");
    private final ReadOnlyStringWrapper emptyStateTitle =
            new ReadOnlyStringWrapper(this, "emptyStateTitle");
    private final ReadOnlyStringWrapper emptyStateDescription =
            new ReadOnlyStringWrapper(this, "emptyStateDescription");
    private final ReadOnlyStringWrapper requirement = new ReadOnlyStringWrapper(this, "requirement");
    private final ReadOnlyStringWrapper emptyStateLead =
            new ReadOnlyStringWrapper(this, "emptyStateLead");
    private final ObservableList<String> plannedViews = FXCollections.observableArrayList();
    // A read-only list *property* would still let callers add() through it; this view cannot.
    private final ObservableList<String> plannedViewsReadOnly =
            FXCollections.unmodifiableObservableList(plannedViews);

    private final LabViewModel lab;

    /** The shell alone, with no session (tests of the mode selector and the cards). */
    public MainViewModel() {
        this(null);
    }

    /** The window with the emulated lab {@code lab} (running or not) in Emulated mode. */
    public MainViewModel(LabViewModel lab) {
        this.lab = lab;
        if (lab == null) {
            statusText.bind(Bindings.createStringBinding(
                    () -> "Mode: " + mode.get().displayName() + "  \u00b7  " + NO_CONNECTION, mode));
        } else {
            statusText.bind(Bindings.createStringBinding(
                    () -> mode.get() == Mode.EMULATED || mode.get() == Mode.LIVE && lab.isLive()
                            || mode.get() == Mode.REPLAY && lab.isReplay() ? lab.statusProperty().get()
                            : "Mode: " + mode.get().displayName() + "  \u00b7  " + NO_CONNECTION, mode, lab.statusProperty(),
                    lab.kindProperty()));
            showLab.bind(Bindings.createBooleanBinding(() -> mode.get() == Mode.EMULATED && !lab.isReplay()
                    || mode.get() == Mode.LIVE && lab.isLive() || mode.get() == Mode.REPLAY && lab.isReplay(),
                    mode, lab.kindProperty()));
            // A replay opened from anywhere (drag and drop, the lab's Open button) shows in Replay mode.
            lab.kindProperty().addListener((o, a, k) -> {
                if (k == org.mptcplab.app.session.Session.Kind.REPLAY) {
                    mode.set(Mode.REPLAY);
                }
            });
            // A live session started from the card shows the Live mode's views.
        }
        canStartLive.bind(Bindings.createBooleanBinding(() -> mode.get() == Mode.LIVE && lab != null && liveReady.get(),
                mode, liveReady));
        emptyStateTitle.bind(Bindings.createStringBinding(
                () -> mode.get().displayName() + " mode", mode));
        emptyStateDescription.bind(Bindings.createStringBinding(
                () -> mode.get().description(), mode));
        requirement.bind(Bindings.createStringBinding(() -> mode.get().requirement(), mode));
        emptyStateLead.bind(Bindings.createStringBinding(() -> mode.get().emptyStateLead(), mode));
        // A list cannot be bound to a computed list, so it is refilled; setAll keeps the same
        // ObservableList instance that the view listens to.
        plannedViews.setAll(mode.get().plannedViews());
        mode.addListener((obs, old, now) -> refillCard());
    }

    /** Command: switch the app to {@code newMode}. Selecting the current mode is a no-op. */
    private java.util.List<String> liveStatus = java.util.List.of();

    /**
     * What this machine has and lacks for live mode (root, kernel MPTCP, libpcap...), each line
     * saying what to run; the Live card lists it under the commands. Set once the checks ran
     * (they start processes, so the app runs them off the FX thread).
     */
    public void setLiveStatus(java.util.List<String> lines) {
        setLiveStatus(lines, false);
    }

    /** As above, and whether nothing is missing (the Start button is enabled then). */
    public void setLiveStatus(java.util.List<String> lines, boolean ready) {
        liveStatus = java.util.List.copyOf(lines);
        liveReady.set(ready);
        refillCard();
    }

    private final javafx.beans.property.ReadOnlyBooleanWrapper liveReady = new javafx.beans.property.ReadOnlyBooleanWrapper(this, "liveReady");
    private final javafx.beans.property.ReadOnlyBooleanWrapper canStartLive = new javafx.beans.property.ReadOnlyBooleanWrapper(this, "canStartLive");
    private final javafx.beans.property.ReadOnlyBooleanWrapper showLab = new javafx.beans.property.ReadOnlyBooleanWrapper(this, "showLab", true);

    /** Whether the lab's views are shown (emulated mode, or live mode with the live lab running) rather than the mode's card. */
    public javafx.beans.property.ReadOnlyBooleanProperty showLabProperty() {
        return showLab.getReadOnlyProperty();
    }

    /** Whether the Live card's Start button works: live mode selected, and nothing missing on this machine. */
    public javafx.beans.property.ReadOnlyBooleanProperty canStartLiveProperty() {
        return canStartLive.getReadOnlyProperty();
    }

    private final javafx.beans.property.StringProperty liveInterfaces = new javafx.beans.property.SimpleStringProperty(this, "liveInterfaces", "");
    private final javafx.beans.property.StringProperty liveServer = new javafx.beans.property.SimpleStringProperty(this, "liveServer", "");
    private final ReadOnlyStringWrapper liveError = new ReadOnlyStringWrapper(this, "liveError", "");

    /** The Live card's interfaces field, in connect --iface's syntax, space-separated. */
    public javafx.beans.property.StringProperty liveInterfacesProperty() {
        return liveInterfaces;
    }

    /** The Live card's server field, ADDR:PORT. */
    public javafx.beans.property.StringProperty liveServerProperty() {
        return liveServer;
    }

    /** Why the Live card's Connect was refused, or empty. */
    public ReadOnlyStringProperty liveErrorProperty() {
        return liveError.getReadOnlyProperty();
    }

    /** Command of the Live card: our stack on the given real interfaces against the given server. */
    public void connectLive() {
        if (lab == null) {
            return;
        }
        liveError.set("");
        lab.startLiveOnInterfaces(liveInterfaces.get(), liveServer.get(), liveError::set);
    }

    private java.util.function.Supplier<java.nio.file.Path> captureChooser = () -> null;
    private final ReadOnlyStringWrapper replayError = new ReadOnlyStringWrapper(this, "replayError", "");

    /** How the window asks for a capture file (a file chooser in the app); null back means none was chosen. */
    public void setCaptureChooser(java.util.function.Supplier<java.nio.file.Path> chooser) {
        captureChooser = Objects.requireNonNull(chooser, "chooser");
    }

    /** Command of the Replay card, the lab's Open button and Ctrl+O: asks for a capture and opens it. */
    public void chooseCapture() {
        java.nio.file.Path f = captureChooser.get();
        if (f != null) {
            openCapture(f);
        }
    }

    /**
     * Opens {@code file} as a replay (the Open button, a file dropped on the window, {@code java
     * -jar mptcp-lab.jar FILE}): Replay mode shows the reading's progress, then the capture.
     * Why a file cannot be replayed shows on the card.
     */
    public void openCapture(java.nio.file.Path file) {
        if (lab == null) {
            return;
        }
        replayError.set("");
        mode.set(Mode.REPLAY);
        lab.openCapture(file, answer -> {
            if (!lab.isReplay() || !answer.startsWith("Opened")) {
                replayError.set(answer);
            }
        });
    }

    /** Why the last capture could not be replayed, or empty. */
    public ReadOnlyStringProperty replayErrorProperty() {
        return replayError.getReadOnlyProperty();
    }

    /** Command of the Live card: runs the lab's spec live (see {@link LabViewModel#startLive}). */
    public void startLive() {
        if (lab == null || mode.get() != Mode.LIVE) {
            return;
        }
        lab.startLive();
    }

    private void refillCard() {
        java.util.List<String> items = new java.util.ArrayList<>(mode.get().plannedViews());
        if (mode.get() == Mode.LIVE) {
            items.addAll(liveStatus);
        }
        plannedViews.setAll(items);
    }

    public void selectMode(Mode newMode) {
        mode.set(Objects.requireNonNull(newMode, "mode"));
        if (newMode != Mode.REPLAY && lab != null && lab.isReplay()) {
            // Leaving the replay: the emulated run it replaced comes back (the Live card starts from it).
            lab.stopReplay();
        }
        if (newMode == Mode.EMULATED && lab != null && lab.isLive()) {
            // Back to emulation: the live lab goes (in the background), the emulated run comes back.
            lab.stopLive();
        }
    }

    public Mode getMode() {
        return mode.get();
    }

    /** The selected mode; never null. */
    /** The emulated lab, or null for the shell alone. */
    public LabViewModel lab() {
        return lab;
    }

    public ReadOnlyObjectProperty<Mode> modeProperty() {
        return mode.getReadOnlyProperty();
    }

    public String getStatusText() {
        return statusText.get();
    }

    /** One line for the status bar: the mode and the connection state. */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** Heading of the empty-state area, e.g. "Emulated mode". */
    public ReadOnlyStringProperty emptyStateTitleProperty() {
        return emptyStateTitle.getReadOnlyProperty();
    }

    /** The selected mode's description paragraph. */
    public ReadOnlyStringProperty emptyStateDescriptionProperty() {
        return emptyStateDescription.getReadOnlyProperty();
    }

    /** What the selected mode needs, e.g. "Needs root and libpcap". */
    public ReadOnlyStringProperty requirementProperty() {
        return requirement.getReadOnlyProperty();
    }

    /** The sentence above the list of {@link #getPlannedViews() planned views}. */
    public ReadOnlyStringProperty emptyStateLeadProperty() {
        return emptyStateLead.getReadOnlyProperty();
    }

    /**
     * What the central area will show for the selected mode once there is something to show.
     * Unmodifiable, and the same instance for the life of the view model (it is refilled on a
     * mode change), so the view can listen to it once.
     */
    public ObservableList<String> getPlannedViews() {
        return plannedViewsReadOnly;
    }
}

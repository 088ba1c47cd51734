package org.mptcplab.app.view;

import java.util.List;
import javafx.scene.Node;

import java.util.EnumMap;
import java.util.Map;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

import org.mptcplab.app.session.Session;
import org.mptcplab.app.viewmodel.PathViewModel;
import org.mptcplab.app.viewmodel.PathViewModel.Field;

/**
 * The controls of one path: up/down in one click, a silent black hole, backup, and the link's
 * rate, delay, loss and queue as fields. A field is applied on Enter or when it loses focus; a bad
 * value stays in the field, outlined, with the reason under it, and the path keeps its setting.
 */
public final class PathCard extends VBox {
    private final PathViewModel vm;
    private final Button toggle = new Button();
    private final Button blackHole = new Button();
    private final Map<Field, TextField> fields = new EnumMap<>(Field.class);
    private final Label error = new Label();
    private final List<Node> controls = new java.util.ArrayList<>();

    /** Where a command's answer goes (the lab's status message, on the FX thread). */
    private final java.util.function.Consumer<String> say;

    public PathCard(PathViewModel vm) {
        this(vm, m -> { });
    }

    public PathCard(PathViewModel vm, java.util.function.Consumer<String> say) {
        this.vm = vm;
        this.say = say;
        getStyleClass().add(Styles.PATH_CARD);
        int i = vm.index();
        setId("path" + (i + 1));
        Circle dot = new Circle(7, Palette.path(i));
        Label name = new Label();
        name.getStyleClass().add(Styles.PATH_NAME);
        name.textProperty().bind(vm.nameProperty());
        Label status = new Label();
        status.getStyleClass().add(Styles.PATH_STATUS);
        status.textProperty().bind(vm.statusTextProperty().concat("  \u00b7  ").concat(vm.throughputProperty()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        toggle.setId("pathToggle" + (i + 1));
        toggle.setOnAction(e -> vm.toggle());
        toggle.setTooltip(new Tooltip("Key " + vm.key() + ": take the path down (the client's interface goes down and "
                + "the peer is told with REMOVE_ADDR) or bring it back"));
        blackHole.setId("pathBlackHole" + (i + 1));
        blackHole.setOnAction(e -> vm.blackHole());
        blackHole.setTooltip(new Tooltip("Shift+" + vm.key() + ": a silent failure: packets vanish and nobody is told; "
                + "the retransmission timer has to find out"));
        name.setMinWidth(Region.USE_PREF_SIZE);
        toggle.setMinWidth(Region.USE_PREF_SIZE);
        blackHole.setMinWidth(Region.USE_PREF_SIZE);
        status.setMinWidth(0);
        HBox head = new HBox(8, dot, name, status, gap, toggle, blackHole);
        head.setAlignment(Pos.CENTER_LEFT);

        GridPane grid = new GridPane();
                grid.setHgap(6);
        grid.setVgap(2);
        int col = 0;
        for (Field f : Field.values()) {
            Label l = new Label(switch (f) {
                case RATE -> "rate";
                case DELAY -> "delay";
                case LOSS -> "loss";
                case QUEUE -> "queue";
            });
            l.getStyleClass().add(Styles.FIELD_LABEL);
            TextField t = new TextField();
            t.setId("path" + (i + 1) + f.name().charAt(0) + f.name().substring(1).toLowerCase());
            t.setPrefColumnCount(6);
            t.setText(vm.textProperty(f).get());
            vm.textProperty(f).addListener((o, a, now) -> {
                if (!t.isFocused() || vm.errorProperty(f).get().isEmpty()) {
                    t.setText(now);
                }
            });
            t.setOnAction(e -> apply(f, t));
            t.focusedProperty().addListener((o, was, is) -> {
                if (was && !is) {
                    apply(f, t);
                }
            });
            vm.errorProperty(f).addListener((o, a, msg) -> showError());
            fields.put(f, t);
            grid.add(l, col, 0);
            grid.add(t, col, 1);
            col++;
        }
        CheckBox backup = new CheckBox("backup");
        backup.setId("path" + (i + 1) + "Backup");
        backup.setTooltip(new Tooltip("Backup path: MP_PRIO tells the peer to use it only when no regular path can send (RFC 8684 3.3.8)"));
        backup.setSelected(vm.backupProperty().get());
        vm.backupProperty().addListener((o, a, b) -> backup.setSelected(b));
        backup.selectedProperty().addListener((o, a, b) -> vm.setBackup(b));

        error.getStyleClass().add(Styles.FIELD_ERROR_TEXT);
        error.setWrapText(true);
        error.setManaged(false);
        error.setVisible(false);
        Label subflows = new Label();
        subflows.getStyleClass().add(Styles.PATH_SUBFLOWS);
        subflows.textProperty().bind(vm.subflowsProperty());
        // Several subflows, or a coupled controller's alpha, make a longer line: it wraps rather
        // than ending in "...", and the buttons and the backup box keep their size.
        subflows.setWrapText(true);
        subflows.setMinHeight(Region.USE_PREF_SIZE);
        Region gap2 = new Region();
        HBox.setHgrow(gap2, Priority.ALWAYS);
        Button add = new Button("+ subflow");
        add.setId("path" + (i + 1) + "AddSubflow");
        add.setTooltip(new Tooltip("Open one more subflow on this path by hand (MP_JOIN, RFC 8684 3.2)"));
        add.setOnAction(e -> vm.addSubflow(say));
        Button remove = new Button("\u2212 subflow");
        remove.setId("path" + (i + 1) + "RemoveSubflow");
        remove.setTooltip(new Tooltip("Close the newest subflow on this path by hand: its data is reinjected on the others, then FIN"));
        remove.setOnAction(e -> vm.removeSubflow(say));
        for (Button b : new Button[] {add, remove}) {
            b.getStyleClass().add(Styles.SMALL_BUTTON);
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        backup.setMinWidth(Region.USE_PREF_SIZE);
        HBox foot = new HBox(8, subflows, gap2, add, remove, backup);
        foot.setAlignment(Pos.CENTER_LEFT);
        // What the scheduler does with this path now, in words; no line while it says nothing.
        Label scheduling = new Label();
        scheduling.setId("path" + (i + 1) + "Scheduling");
        scheduling.getStyleClass().add(Styles.PATH_SUBFLOWS);
        scheduling.textProperty().bind(vm.schedulingProperty());
        scheduling.setWrapText(true);
        scheduling.setMinHeight(Region.USE_PREF_SIZE);
        scheduling.managedProperty().bind(vm.schedulingProperty().isNotEmpty());
        scheduling.visibleProperty().bind(scheduling.managedProperty());
        scheduling.setTooltip(new Tooltip("The packet scheduler's decisions in the last second: this path's part of the chunks the working subflows carried, and why"));
        getChildren().addAll(head, grid, error, foot, scheduling);
        controls.addAll(List.of(toggle, blackHole, grid, add, remove, backup));
        vm.statusProperty().addListener((o, a, s) -> restyle());
        restyle();
    }

    /**
     * A replayed capture's path: what it did is shown, nothing can be changed (no up/down, no
     * link fields, no subflow buttons).
     */
    public void setReadOnly(boolean on) {
        for (Node n : controls) {
            n.setVisible(!on);
            n.setManaged(!on);
        }
    }

    private void apply(Field f, TextField t) {
        if (vm.apply(f, t.getText())) {
            t.setText(vm.textProperty(f).get());
        }
    }

    private void showError() {
        StringBuilder sb = new StringBuilder();
        for (Field f : Field.values()) {
            String m = vm.errorProperty(f).get();
            TextField t = fields.get(f);
            t.getStyleClass().remove(Styles.FIELD_ERROR);
            if (!m.isEmpty()) {
                t.getStyleClass().add(Styles.FIELD_ERROR);
                t.setTooltip(new Tooltip(m));
                sb.append(sb.length() > 0 ? "\n" : "").append(f.name().toLowerCase()).append(": ").append(m);
            } else {
                t.setTooltip(null);
            }
        }
        error.setText(sb.toString());
        error.setVisible(sb.length() > 0);
        error.setManaged(sb.length() > 0);
    }

    private void restyle() {
        Session.PathStatus s = vm.getStatus();
        toggle.setText(s == Session.PathStatus.UP ? "Down  " + vm.key() : "Up  " + vm.key());
        blackHole.setText(s == Session.PathStatus.UP ? "Black hole" : "Restore");
        blackHole.setDisable(s == Session.PathStatus.DOWN_SIGNALLED);
        getStyleClass().removeAll(Styles.PATH_DOWN, Styles.PATH_BLACKHOLE);
        if (s == Session.PathStatus.DOWN_SIGNALLED || s == Session.PathStatus.CLOSED) {
            getStyleClass().add(Styles.PATH_DOWN);
        } else if (s == Session.PathStatus.DOWN_SILENT) {
            getStyleClass().add(Styles.PATH_BLACKHOLE);
        }
    }

    public TextField field(Field f) {
        return fields.get(f);
    }

    public Label errorLabel() {
        return error;
    }
}

package org.mptcplab.app.view;

/**
 * CSS class names of the app, as constants so that Java code, the FXML (through
 * {@code fx:constant}) and the tests use one spelling; a test checks that every name here has
 * a rule in {@link #STYLESHEET}.
 */
public final class Styles {
    /** Classpath location of the app's stylesheet. */
    public static final String STYLESHEET = "/styles/app.css";
    /** The dark theme, added on top of {@link #STYLESHEET}. */
    public static final String DARK_STYLESHEET = "/styles/dark.css";

    public static final String MAIN_WINDOW = "main-window";

    public static final String TOP_BAR = "top-bar";
    public static final String APP_NAME = "app-name";
    public static final String APP_SUBTITLE = "app-subtitle";
    public static final String MODE_CAPTION = "mode-caption";
    public static final String MODE_SELECTOR = "mode-selector";
    public static final String MODE_BUTTON = "mode-button";
    /** Position classes: the segmented look rounds only the outer corners. */
    public static final String FIRST = "first";
    public static final String LAST = "last";

    public static final String EMPTY_STATE = "empty-state";
    public static final String EMPTY_CARD = "empty-card";
    public static final String EMPTY_TITLE = "empty-title";
    public static final String EMPTY_DESCRIPTION = "empty-description";
    public static final String REQUIREMENT_BADGE = "requirement-badge";
    public static final String EMPTY_SEPARATOR = "empty-separator";
    public static final String PLANNED_LEAD = "planned-lead";
    public static final String PLANNED_LIST = "planned-list";
    public static final String PLANNED_ROW = "planned-row";
    public static final String PLANNED_ITEM = "planned-item";
    public static final String BULLET = "bullet";

    public static final String STATUS_BAR = "status-bar";
    public static final String STATUS_TEXT = "status-text";


    // The emulated lab (LabView and its parts).
    public static final String LAB = "lab";
    public static final String LAB_TOOLBAR = "lab-toolbar";
    public static final String CLOCK = "clock";
    public static final String MESSAGE = "message";
    public static final String FIELD_LABEL = "field-label";
    public static final String SECTION_TITLE = "section-title";
    public static final String SIDE = "side";
    public static final String TOPOLOGY = "topology";
    public static final String PATH_CARD = "path-card";
    public static final String PATH_DOWN = "path-down";
    public static final String PATH_BLACKHOLE = "path-blackhole";
    public static final String PATH_NAME = "path-name";
    public static final String PATH_STATUS = "path-status";
    public static final String PATH_SUBFLOWS = "path-subflows";
    public static final String FIELD_ERROR = "field-error";
    public static final String FIELD_ERROR_TEXT = "field-error-text";
    /** The red LIVE badge of a live session's toolbar. */
    public static final String LIVE_BADGE = "live-badge";
    /** The Live card's Start button. */
    public static final String START_LIVE = "start-live";
    /** The replay's line under its timeline: what each subflow did around a stall. */
    public static final String STALL_DETAIL = "stall-detail";
    /** The path cards' small buttons (+ / - subflow). */
    public static final String SMALL_BUTTON = "small-button";
    public static final String PLAYERS = "players";
    public static final String PLAYER = "player";
    public static final String PLAYER_NAME = "player-name";
    public static final String PLAYER_STATE = "player-state";
    public static final String STATE_PLAYING = "state-playing";
    public static final String STATE_STALLED = "state-stalled";
    public static final String STATE_OTHER = "state-other";
    public static final String PLAYER_SCREEN = "player-screen";
    public static final String PLAYER_BUFFER = "player-buffer";
    public static final String BUFFER_LOW = "buffer-low";
    public static final String PLAYER_STALLS = "player-stalls";
    public static final String PLAYER_DETAIL = "player-detail";
    public static final String CHARTS = "charts";
    /** The words under a chart (the congestion controller's: coupled or not). */
    public static final String CHART_CAPTION = "chart-caption";
    public static final String EVENT_LOG = "event-log";
    public static final String EVENT_HIGHLIGHT = "event-highlight";
    public static final String HELP_OVERLAY = "help-overlay";
    public static final String HELP_TITLE = "help-title";
    public static final String HELP_KEY = "help-key";
    public static final String PRESENTER = "presenter";

    private Styles() {
    }
}

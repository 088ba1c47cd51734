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

    private Styles() {
    }
}

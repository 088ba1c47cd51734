package org.mptcplab.app.view;

import javafx.scene.paint.Color;

import org.mptcplab.app.viewmodel.SubflowWords;

/** Colours shared by the topology, the path cards and the charts, so that a path is one colour everywhere. */
public final class Palette {
    /** Path colours, chosen to stay apart for colour-blind viewers (Okabe-Ito). */
    static final String[] PATH_HEX = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};
    /** The single-path TCP comparison: grey, the "without MPTCP" colour. */
    static final String TCP_HEX = "#6B6B6B";

    private Palette() {
    }

    public static String pathHex(int i) {
        return PATH_HEX[i % PATH_HEX.length];
    }

    public static Color path(int i) {
        return Color.web(pathHex(i));
    }

    public static Color tcp() {
        return Color.web(TCP_HEX);
    }

    static final Color DOWN = Color.web("#C62828");
    static final Color BLACK_HOLE = Color.web("#37474F");
    static final Color PLAYING = Color.web("#2E7D32");
    static final Color STALLED = Color.web("#C62828");

    static Color subflow(SubflowWords.Look look) {
        return switch (look) {
            case OPENING -> Color.web("#F9A825");
            case ESTABLISHED -> Color.web("#2E7D32");
            case BACKUP -> Color.web("#6A1B9A");
            case CLOSING -> Color.web("#757575");
            case FAILED -> Color.web("#C62828");
        };
    }
}

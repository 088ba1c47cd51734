package org.mptcplab.app.viewmodel;

import java.util.Locale;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import org.mptcplab.app.session.Session;

/**
 * One flow's player (or receiver) as the window shows it: MPTCP over every path, or the
 * single-path TCP comparison. What a room must read at a glance: playing or stalled, how much
 * video is buffered, how many stalls so far.
 */
public final class FlowViewModel {
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name", "");
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper(this, "state", "");
    private final ReadOnlyBooleanWrapper stalled = new ReadOnlyBooleanWrapper(this, "stalled");
    private final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper(this, "playing");
    private final ReadOnlyDoubleWrapper bufferSeconds = new ReadOnlyDoubleWrapper(this, "bufferSeconds");
    private final ReadOnlyStringWrapper bufferText = new ReadOnlyStringWrapper(this, "bufferText", "");
    private final ReadOnlyStringWrapper stallsText = new ReadOnlyStringWrapper(this, "stallsText", "");
    private final ReadOnlyStringWrapper goodputText = new ReadOnlyStringWrapper(this, "goodputText", "");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyStringWrapper waitReason = new ReadOnlyStringWrapper(this, "waitReason", "");
    private final ReadOnlyBooleanWrapper bulk = new ReadOnlyBooleanWrapper(this, "bulk");
    private final ReadOnlyStringWrapper deliveredText = new ReadOnlyStringWrapper(this, "deliveredText", "");
    private final ReadOnlyStringWrapper comparison = new ReadOnlyStringWrapper(this, "comparison", "");
    private final ReadOnlyDoubleWrapper goodputBps = new ReadOnlyDoubleWrapper(this, "goodputBps");

    void update(Session.FlowState f, long now) {
        name.set(f.name());
        String s = f.playerState() == null ? "" : f.playerState().toUpperCase(Locale.ROOT);
        // The flags first: listeners of the state read them.
        stalled.set(s.equals("STALLED"));
        playing.set(s.equals("PLAYING") || s.equals("RECEIVING"));
        state.set(s);
        double b = f.playerBufferS();
        bufferSeconds.set(Double.isNaN(b) ? 0 : b);
        bufferText.set(Double.isNaN(b) ? "" : String.format(Locale.ROOT, "%.1f s buffered", b));
        stallsText.set(f.stalls() == 0 ? "no stall" : f.stalls() + (f.stalls() == 1 ? " stall, " : " stalls, ")
                + Format.seconds(f.stalledNanos()) + " frozen");
        goodputText.set(Format.bps(f.goodputBps()));
        goodputBps.set(f.goodputBps());
        deliveredText.set(Format.bytes(f.delivered()) + " received");
        long open = f.subflows().stream().filter(sf -> sf.state().synchronizedState()).count();
        // What a stalled player waits for: the sender's backed-off retransmission timer.
        waitReason.set(s.equals("STALLED") && f.nextRetransmissionAt() > now
                ? String.format(Locale.ROOT, "next retransmission in %.1f s (timer doubled %d times)",
                        (f.nextRetransmissionAt() - now) / 1e9, f.backoff())
                : "");
        detail.set(f.fallback() ? "plain TCP, 1 path" : open + (open == 1 ? " subflow" : " subflows") + " open");
    }

    /** Bulk traffic (a download as fast as it goes) rather than a video: the card shows the rate, not a picture. */
    void setBulk(boolean on) {
        bulk.set(on);
    }

    /** How this flow's recent goodput compares with the other flow's (set by the lab), or empty. */
    void setComparison(String text) {
        comparison.set(text);
    }

    public ReadOnlyBooleanProperty bulkProperty() {
        return bulk.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty deliveredTextProperty() {
        return deliveredText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty goodputBpsProperty() {
        return goodputBps.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty stalledProperty() {
        return stalled.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty playingProperty() {
        return playing.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty bufferSecondsProperty() {
        return bufferSeconds.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty bufferTextProperty() {
        return bufferText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stallsTextProperty() {
        return stallsText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty goodputTextProperty() {
        return goodputText.getReadOnlyProperty();
    }

    /** Why a stalled player is still waiting, in words, or empty. */
    public ReadOnlyStringProperty waitReasonProperty() {
        return waitReason.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }
}

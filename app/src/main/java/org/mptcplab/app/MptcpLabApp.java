package org.mptcplab.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** Placeholder, replaced by the main window. */
public final class MptcpLabApp extends Application {
    @Override
    public void start(Stage stage) {
        stage.setScene(new Scene(new Label("MPTCP Lab"), 400, 300));
        stage.show();
    }
}

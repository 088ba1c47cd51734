package org.mptcplab.app;

import org.mptcplab.app.cli.MainCommand;

/**
 * Entry point of the fat jar. A plain class (not the Application subclass) so that JavaFX
 * starts from the classpath. With arguments it runs the headless CLI; without, the app.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(MainCommand.run(args));
        }
        javafx.application.Application.launch(MptcpLabApp.class, args);
    }
}

package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mptcplab.app.MptcpLabApp;
import org.mptcplab.app.viewmodel.MainViewModel;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A snapshot of the window's shell under Monocle. Written only when asked for:
 * <pre>mvn -o -q -pl app test -Dtest=ScreenshotTest -Dmptcplab.screenshot=/tmp/shell.png</pre>
 * (a relative path is relative to app/, surefire's working directory). The README's screenshots
 * come from the real app under Xvfb instead: {@code scripts/screenshots.sh}.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotTest {

    static final String PROPERTY = "mptcplab.screenshot";

    private Scene scene;

    @Start
    void start(Stage stage) {
        scene = MptcpLabApp.showMainWindow(stage, new MainViewModel());
    }

    /**
     * Always runs, so the snapshot code cannot rot between screenshots: the image has the
     * scene's size and the selected mode button shows in the accent colour at the right place,
     * which would fail on a wrong channel order or offset in the conversion.
     */
    @Test
    void snapshotMatchesTheScene(FxRobot robot) throws Exception {
        BufferedImage image = SceneSnapshots.render(scene);

        assertThat(image.getWidth()).isEqualTo((int) scene.getWidth());
        assertThat(image.getHeight()).isEqualTo((int) scene.getHeight());
        Node selected = robot.lookup("#modeEmulated").queryAs(Node.class);
        Bounds b = selected.localToScene(selected.getLayoutBounds());
        int argb = image.getRGB((int) b.getMinX() + 8, (int) b.getCenterY());
        assertThat(argb).as("pixel 0x%08x", argb).isEqualTo(0xff0a58b5);
    }

    @Test
    @EnabledIfSystemProperty(named = PROPERTY, matches = ".+")
    void writeReadmeScreenshot() throws Exception {
        Path file = Path.of(System.getProperty(PROPERTY));

        SceneSnapshots.writePng(SceneSnapshots.render(scene), file);

        assertThat(file).isRegularFile();
        BufferedImage written = ImageIO.read(Files.newInputStream(file));
        assertThat(written.getWidth()).isEqualTo((int) scene.getWidth());
    }
}

package org.mptcplab.app.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders a scene to a PNG. Uses AWT's BufferedImage and ImageIO (both work with
 * java.awt.headless=true) instead of javafx-swing's SwingFXUtils, which would be a dependency
 * for this one conversion.
 */
final class SceneSnapshots {
    private SceneSnapshots() {
    }

    /** Snapshots {@code scene} on the FX thread (required by snapshot) and converts it. */
    static BufferedImage render(Scene scene)
            throws InterruptedException, ExecutionException, TimeoutException {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage image = WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null))
                .get(30, TimeUnit.SECONDS);
        return toBufferedImage(image);
    }

    static BufferedImage toBufferedImage(WritableImage image) {
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        int[] argb = new int[width * height];
        PixelReader reader = image.getPixelReader();
        // IntArgb (non-premultiplied) is the same packing as BufferedImage.TYPE_INT_ARGB.
        reader.getPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), argb, 0, width);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, width, height, argb, 0, width);
        return out;
    }

    static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer available for " + file);
        }
    }
}

package org.mptcplab.app.view;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/** A JavaFX image to a PNG file, through AWT's ImageIO (no javafx-swing needed). */
public final class Png {
    private Png() {
    }

    public static void write(WritableImage image, Path file) throws IOException {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] argb = new int[w * h];
        // IntArgb (non-premultiplied) is the packing of BufferedImage.TYPE_INT_ARGB.
        image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            // Our own stream: a missing directory or a full disk is an IOException with the OS's
            // reason, where ImageIO.write(File) would print a trace and return false.
            try (java.io.OutputStream os = Files.newOutputStream(tmp)) {
                if (!ImageIO.write(out, "png", os)) {
                    throw new IOException("no PNG writer available");
                }
            }
            // ImageIO reports some write failures only as a short file: check before replacing.
            if (Files.size(tmp) == 0) {
                throw new IOException("nothing was written");
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

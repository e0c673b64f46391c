package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.train.EpochMetrics;

class TrainingCurvesTest {
    @TempDir Path dir;

    @Test
    void writesATwoPanelPngOfTheStatedSize() throws IOException {
        List<EpochMetrics> rows = List.of(
                new EpochMetrics(0, "train", "train", 1.2, 0.55, 0.9, 0.1, 1),
                new EpochMetrics(0, "train", "test", 1.0, 0.60, 0.92, 0.1, 1),
                new EpochMetrics(1, "train", "train", 0.8, 0.70, 0.95, 0.05, 1),
                new EpochMetrics(1, "train", "test", Double.NaN, 0.65, 0.93, 0.05, 1));
        Path png = dir.resolve("curves.png");
        TrainingCurves.writePng(rows, "resnet20", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(TrainingCurves.WIDTH, img.getWidth());
        assertEquals(TrainingCurves.HEIGHT, img.getHeight());
        // Something was drawn: the image is not a single colour.
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int x = 0; x < img.getWidth() && !varied; x += 7) {
            for (int y = 0; y < img.getHeight() && !varied; y += 7) varied = img.getRGB(x, y) != first;
        }
        assertTrue(varied);
    }
}

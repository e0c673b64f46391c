package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir Path root;

    /** A 4×4 RGB image whose pixel (y, x) has red = base + 4y + x, green = 100, blue = 200. */
    private static int[][] image(int base) {
        int[][] rgb = new int[4][4];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) rgb[y][x] = ((base + 4 * y + x) << 16) | (100 << 8) | 200;
        }
        return rgb;
    }

    private static DataConfig config(Path root, boolean flip, boolean rrc, int size, int workers) {
        return new DataConfig("imagefolder", root.toString(), 8, 8, 0, null, null,
                new DataConfig.Augment(0, flip, rrc, size), false, null, null, size, null,
                DataConfig.Synthetic.DEFAULT, false, workers);
    }

    private void writeImageNetLayout() throws Exception {
        DataFiles.writePng(root.resolve("train/dog/b.png"), image(10));
        DataFiles.writePng(root.resolve("train/cat/a.png"), image(0));
        DataFiles.writePng(root.resolve("train/cat/c.png"), image(20));
        DataFiles.writePng(root.resolve("val/cat/v1.png"), image(30));
        DataFiles.writePng(root.resolve("val/dog/v2.png"), image(40));
    }

    @Test
    void classesAreSortedFolderNamesAndPixelsArriveExactly() throws Exception {
        writeImageNetLayout();
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            assertEquals(2, d.numClasses());
            assertEquals(3, d.trainSize());
            assertEquals(2, d.evalSize());
            HostBatch b = d.eval(8).next();
            assertArrayEquals(new int[] {0, 1}, b.labels()); // cat = 0, dog = 1
            assertEquals(2 * 3 * 16, b.images().length);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals((40 + 4 * y + x) / 255f, b.images()[48 + y * 4 + x], 1e-6, "red " + y + "," + x);
                    assertEquals(100 / 255f, b.images()[48 + 16 + y * 4 + x], 1e-6);
                    assertEquals(200 / 255f, b.images()[48 + 32 + y * 4 + x], 1e-6);
                }
            }
        }
    }

    @Test
    void flipMirrorsTheRowsOfTrainingImages() throws Exception {
        writeImageNetLayout();
        int flipped = 0;
        try (DataModule d = DataModule.open(config(root, true, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            for (int epoch = 0; epoch < 6; epoch++) {
                HostBatch b = d.train(epoch, 8).next();
                for (int i = 0; i < b.size(); i++) {
                    float first = b.images()[i * 48] * 255f; // red of (0, 0): base, or base + 3 when mirrored
                    float last = b.images()[i * 48 + 3] * 255f;
                    assertEquals(3f, Math.abs(last - first), 1e-3);
                    if (last < first) flipped++;
                }
            }
        }
        assertTrue(flipped > 0 && flipped < 18, "some but not all images flipped: " + flipped);
    }

    @Test
    void randomResizedCropKeepsTheOutputSizeAndIsSeeded() throws Exception {
        writeImageNetLayout();
        DataConfig cfg = config(root, true, true, 3, 0);
        try (DataModule a = DataModule.open(cfg, 5, DataEnvironment.isolated(root));
                DataModule b = DataModule.open(config(root, true, true, 3, 2), 5, DataEnvironment.isolated(root))) {
            HostBatch x = a.train(2, 8).next();
            HostBatch y = b.train(2, 8).next();
            assertEquals(3, x.height());
            assertEquals(3 * 3 * 3 * 3, x.images().length);
            assertArrayEquals(x.images(), y.images());
        }
    }

    @Test
    void tinyImageNetValidationAnnotationsAreRead() throws Exception {
        DataFiles.writePng(root.resolve("train/n02/images/n02_0.JPEG"), image(0));
        DataFiles.writePng(root.resolve("train/n01/images/n01_0.JPEG"), image(5));
        Files.writeString(root.resolve("train/n01/n01_boxes.txt"), "n01_0.JPEG\t0\t0\t3\t3\n");
        DataFiles.writePng(root.resolve("val/images/val_0.JPEG"), image(50));
        DataFiles.writePng(root.resolve("val/images/val_1.JPEG"), image(60));
        Files.writeString(root.resolve("val/val_annotations.txt"),
                "val_0.JPEG\tn02\t0\t0\t3\t3\nval_1.JPEG\tn01\t1\t1\t2\t2\n");
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            assertEquals(2, d.trainSize());
            HostBatch b = d.eval(8).next();
            assertArrayEquals(new int[] {1, 0}, b.labels());
            assertEquals(50 / 255f, b.images()[0], 1e-6);
        }
    }

    @Test
    void unknownAnnotatedClassNamesTheLine() throws Exception {
        DataFiles.writePng(root.resolve("train/n01/images/a.JPEG"), image(0));
        DataFiles.writePng(root.resolve("train/n02/images/b.JPEG"), image(0));
        DataFiles.writePng(root.resolve("val/images/val_0.JPEG"), image(0));
        Files.writeString(root.resolve("val/val_annotations.txt"), "val_0.JPEG\tn09\t0\t0\t3\t3\n");
        var e = assertThrows(DataException.class, () -> ImageFolder.scan(root));
        assertTrue(e.getMessage().startsWith(root.resolve("val/val_annotations.txt") + ":1: "), e.getMessage());
    }

    @Test
    void undecodableImageNamesTheFile() throws Exception {
        writeImageNetLayout();
        Path bad = Files.write(root.resolve("val/cat/broken.png"), new byte[] {1, 2, 3, 4});
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            BatchStream s = d.eval(8);
            var e = assertThrows(DataException.class, s::next);
            assertTrue(e.getMessage().startsWith(bad + ": cannot decode image"), e.getMessage());
        }
    }

    @Test
    void undecodableImageSurfacesFromWorkerThreadsToo() throws Exception {
        writeImageNetLayout();
        Path bad = Files.write(root.resolve("val/cat/broken.png"), new byte[] {1, 2, 3, 4});
        try (DataModule d = DataModule.open(config(root, false, false, 4, 2), 1, DataEnvironment.isolated(root))) {
            var e = assertThrows(DataException.class, () -> d.eval(8).next());
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        }
    }

    @Test
    void greyImagesKeepTheirLevelsInAllThreeChannels() throws Exception {
        writeImageNetLayout();
        java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 4, 4, 0, java.util.stream.IntStream.range(0, 16).map(i -> 60 + i).toArray());
        Files.delete(root.resolve("val/cat/v1.png"));
        javax.imageio.ImageIO.write(grey, "png", root.resolve("val/cat/v1.png").toFile());
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            HostBatch b = d.eval(8).next();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 16; i++) assertEquals((60 + i) / 255f, b.images()[c * 16 + i], 1e-6);
            }
        }
    }

    @Test
    void missingTrainFolderIsExplained() {
        var e = assertThrows(DataException.class, () -> ImageFolder.scan(root));
        assertTrue(e.getMessage().startsWith(root + ": no train/ directory"), e.getMessage());
    }

    @Test
    void digestFollowsTheFileList() throws Exception {
        writeImageNetLayout();
        String before;
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            before = d.digest();
        }
        DataFiles.writePng(root.resolve("train/dog/z.png"), image(70));
        try (DataModule d = DataModule.open(config(root, false, false, 4, 0), 1, DataEnvironment.isolated(root))) {
            assertNotEquals(before, d.digest());
        }
    }
}

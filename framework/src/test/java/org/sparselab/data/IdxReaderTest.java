package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path dir;

    @Test
    void readsGzippedAndPlainFilesAlike() throws Exception {
        byte[] px = DataFiles.pattern(3, 6);
        byte[] img = DataFiles.idxImages(3, 2, 3, px);
        byte[] lab = DataFiles.idxLabels(new int[] {7, 0, 9});
        Files.write(dir.resolve("a-images"), img);
        Files.write(dir.resolve("a-labels"), lab);
        Files.write(dir.resolve("b-images.gz"), DataFiles.gzip(img));
        Files.write(dir.resolve("b-labels.gz"), DataFiles.gzip(lab));
        for (String p : new String[] {"a-images", "b-images.gz"}) {
            String labels = p.replace("images", "labels");
            ImageSet s = IdxReader.read(dir.resolve(p), dir.resolve(labels), 10);
            assertEquals(3, s.size());
            assertEquals(1, s.channels());
            assertEquals(2, s.height());
            assertEquals(3, s.width());
            assertArrayEquals(px, s.pixels());
            assertArrayEquals(new int[] {7, 0, 9}, s.labels());
        }
    }

    @Test
    void wrongMagicNamesTheFile() throws Exception {
        byte[] img = DataFiles.idxImages(1, 2, 2, new byte[4]);
        img[3] = 1; // 2049 (labels) instead of 2051
        Path images = write("images", img);
        Path labels = write("labels", DataFiles.idxLabels(new int[] {1}));
        var e = assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10));
        assertTrue(e.getMessage().startsWith(images + ": magic number 2049, expected 2051"), e.getMessage());
        assertTrue(e.getMessage().contains("download it again"), e.getMessage());
    }

    @Test
    void truncatedImagesAreRejectedWithExpectedLength() throws Exception {
        byte[] img = DataFiles.idxImages(2, 2, 2, new byte[8]);
        Path images = write("images", Arrays.copyOf(img, img.length - 1));
        Path labels = write("labels", DataFiles.idxLabels(new int[] {1, 2}));
        var e = assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10));
        assertTrue(e.getMessage().startsWith(images + ": 23 bytes, expected 24"), e.getMessage());
    }

    @Test
    void truncatedGzipIsRejected() throws Exception {
        byte[] gz = DataFiles.gzip(DataFiles.idxImages(2, 2, 2, new byte[8]));
        Path images = write("images.gz", Arrays.copyOf(gz, gz.length - 10));
        Path labels = write("labels", DataFiles.idxLabels(new int[] {1, 2}));
        var e = assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10));
        assertTrue(e.getMessage().startsWith(images + ": unreadable"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileAndIndex() throws Exception {
        Path images = write("images", DataFiles.idxImages(2, 1, 1, new byte[2]));
        Path labels = write("labels", DataFiles.idxLabels(new int[] {3, 10}));
        var e = assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10));
        assertTrue(e.getMessage().startsWith(labels + ": label 10 at index 1, expected 0..9"), e.getMessage());
    }

    @Test
    void labelCountMustMatchImageCount() throws Exception {
        Path images = write("images", DataFiles.idxImages(2, 1, 1, new byte[2]));
        Path labels = write("labels", DataFiles.idxLabels(new int[] {3}));
        var e = assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10));
        assertTrue(e.getMessage().startsWith(labels + ": 1 labels, expected 2"), e.getMessage());
    }

    private Path write(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }
}

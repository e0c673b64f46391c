package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @TempDir Path dir;

    @Test
    void cifar10RecordsAreLabelThenChannelMajorPixels() throws Exception {
        Path a = Files.write(dir.resolve("data_batch_1.bin"), DataFiles.cifarRecords(new int[][] {{3}, {9}}));
        Path b = Files.write(dir.resolve("data_batch_2.bin"), DataFiles.cifarRecords(new int[][] {{0}}));
        ImageSet s = CifarReader.read(List.of(a, b), false);
        assertEquals(3, s.size());
        assertArrayEquals(new int[] {3, 9, 0}, s.labels());
        assertEquals(3, s.channels());
        assertEquals(32, s.height());
        byte[] expected = new byte[3 * 3072];
        System.arraycopy(DataFiles.pattern(2, 3072), 0, expected, 0, 2 * 3072);
        System.arraycopy(DataFiles.pattern(1, 3072), 0, expected, 2 * 3072, 3072);
        assertArrayEquals(expected, s.pixels());
    }

    @Test
    void cifar100UsesTheFineLabel() throws Exception {
        Path f = Files.write(dir.resolve("train.bin"), DataFiles.cifarRecords(new int[][] {{4, 57}, {19, 99}}));
        ImageSet s = CifarReader.read(List.of(f), true);
        assertArrayEquals(new int[] {57, 99}, s.labels());
        assertArrayEquals(DataFiles.pattern(2, 3072), s.pixels());
    }

    @Test
    void lengthMustBeAMultipleOfTheRecord() throws Exception {
        byte[] data = DataFiles.cifarRecords(new int[][] {{1}, {2}});
        Path f = Files.write(dir.resolve("data_batch_1.bin"), Arrays.copyOf(data, data.length - 5));
        var e = assertThrows(DataException.class, () -> CifarReader.read(List.of(f), false));
        assertTrue(e.getMessage().startsWith(f + ": 6141 bytes, expected a positive multiple of 3073"), e.getMessage());
    }

    @Test
    void cifar100FileReadAsCifar10IsCaughtByLength() throws Exception {
        Path f = Files.write(dir.resolve("test.bin"), DataFiles.cifarRecords(new int[][] {{1, 2}}));
        var e = assertThrows(DataException.class, () -> CifarReader.read(List.of(f), false));
        assertTrue(e.getMessage().startsWith(f + ": 3074 bytes"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileAndRecord() throws Exception {
        Path f = Files.write(dir.resolve("test_batch.bin"), DataFiles.cifarRecords(new int[][] {{1}, {10}}));
        var e = assertThrows(DataException.class, () -> CifarReader.read(List.of(f), false));
        assertTrue(e.getMessage().startsWith(f + ": label 10 in record 1, expected 0..9"), e.getMessage());
    }
}

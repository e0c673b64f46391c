package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real Fashion-MNIST from the Debian package {@code dataset-fashion-mnist}, when the machine has it. */
class FashionMnistTest {
    private static final Logger log = LoggerFactory.getLogger(FashionMnistTest.class);
    private static final Path SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir Path project;

    @Test
    void systemCopyVerifiesAndHasTheOfficialCounts() {
        Assumptions.assumeTrue(Files.isRegularFile(SYSTEM.resolve("train-images-idx3-ubyte.gz")),
                "dataset-fashion-mnist not installed");
        DataConfig cfg = new DataConfig("fashion_mnist", null, 1000, 1000, 0, null, null, DataConfig.Augment.NONE,
                false, null, null, null, null, DataConfig.Synthetic.DEFAULT, false, 2);
        // systemPaths null: the manifest's own system path is what finds the files.
        DataEnvironment env = DataEnvironment.isolated(project).withSystemPaths(null);
        try (DataModule d = DataModule.open(cfg, 0, env)) {
            assertEquals(60000, d.trainSize());
            assertEquals(10000, d.evalSize());
            assertEquals(28, d.imageSize());
            int[] histogram = new int[10];
            double sum = 0;
            double sumSq = 0;
            try (BatchStream s = d.train(0, 1000)) {
                while (s.hasNext()) {
                    HostBatch b = s.next();
                    for (int l : b.labels()) histogram[l]++;
                    for (float v : b.images()) {
                        sum += v;
                        sumSq += v * v;
                    }
                }
            }
            int[] expected = new int[10];
            Arrays.fill(expected, 6000);
            assertArrayEquals(expected, histogram);
            double n = 60000.0 * 784;
            double mean = sum / n;
            double std = Math.sqrt(sumSq / n - mean * mean);
            // The manifest's statistics are the training set's own.
            assertEquals(0.2860, mean, 5e-4);
            assertEquals(0.3530, std, 5e-4);
            int[] testHistogram = new int[10];
            try (BatchStream s = d.test(1000)) {
                while (s.hasNext()) for (int l : s.next().labels()) testHistogram[l]++;
            }
            Arrays.fill(expected, 1000);
            assertArrayEquals(expected, testHistogram);

            double rate = LoaderBenchmark.imagesPerSecond(d, 128, 200);
            log.info("Fashion-MNIST loader: {} images/s (2 workers, no augmentation)", Math.round(rate));
            assertTrue(rate > 0);
        }
    }
}

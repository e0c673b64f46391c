package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataModuleTest {
    @TempDir Path tmp;

    private static DataConfig synthetic(int workers, DataConfig.Augment augment, double valSplit) {
        return new DataConfig("synthetic", null, 32, 64, valSplit, null, null, augment, true, null, null, 8, 4,
                new DataConfig.Synthetic(100, 30, 3, 0.25, 7), false, workers);
    }

    private static List<HostBatch> all(BatchStream s) {
        List<HostBatch> out = new ArrayList<>();
        try (s) {
            while (s.hasNext()) out.add(s.next());
        }
        return out;
    }

    private static void assertSameBatches(List<HostBatch> a, List<HostBatch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).labels(), b.get(i).labels(), "labels of batch " + i);
            assertArrayEquals(a.get(i).images(), b.get(i).images(), "images of batch " + i);
        }
    }

    private final DataConfig.Augment cifarAug = new DataConfig.Augment(2, true, false, null);

    @Test
    void sameSeedGivesIdenticalBatchesForAnyWorkerCount() {
        List<List<HostBatch>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 1, 3}) {
            try (DataModule d = DataModule.open(synthetic(workers, cifarAug, 0), 42, DataEnvironment.isolated(tmp))) {
                runs.add(all(d.train(5, 32)));
            }
        }
        assertSameBatches(runs.get(0), runs.get(1));
        assertSameBatches(runs.get(0), runs.get(2));
    }

    @Test
    void epochsAndSeedsChangeTheOrder() {
        DataConfig cfg = synthetic(1, DataConfig.Augment.NONE, 0);
        try (DataModule d = DataModule.open(cfg, 42, DataEnvironment.isolated(tmp));
                DataModule e = DataModule.open(synthetic(1, DataConfig.Augment.NONE, 0), 43,
                        DataEnvironment.isolated(tmp))) {
            List<HostBatch> e0 = all(d.train(0, 100));
            List<HostBatch> e1 = all(d.train(1, 100));
            assertFalse(Arrays.equals(e0.get(0).labels(), e1.get(0).labels()));
            assertFalse(Arrays.equals(e0.get(0).labels(), all(e.train(0, 100)).get(0).labels()));
            // Same samples, each exactly once per epoch: sorted labels agree.
            int[] a = e0.get(0).labels().clone();
            int[] b = e1.get(0).labels().clone();
            Arrays.sort(a);
            Arrays.sort(b);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void lastPartialBatchIsKeptAndShapesAreReported() {
        try (DataModule d = DataModule.open(synthetic(2, cifarAug, 0), 1, DataEnvironment.isolated(tmp))) {
            assertEquals(3, d.channels());
            assertEquals(8, d.imageSize());
            assertEquals(4, d.numClasses());
            assertEquals("test", d.evalSplit());
            BatchStream s = d.train(0, 32);
            assertEquals(4, s.numBatches());
            List<HostBatch> batches = all(s);
            assertEquals(List.of(32, 32, 32, 4), batches.stream().map(HostBatch::size).toList());
            HostBatch last = batches.get(3);
            assertEquals(4 * 3 * 8 * 8, last.images().length);
            assertEquals(30, all(d.eval(64)).stream().mapToInt(HostBatch::size).sum());
        }
    }

    @Test
    void evalIsFixedAndUnaugmented() {
        try (DataModule d = DataModule.open(synthetic(1, cifarAug, 0), 1, DataEnvironment.isolated(tmp))) {
            assertSameBatches(all(d.eval(7)), all(d.eval(7)));
            assertSameBatches(all(d.eval(30)), all(d.test(30)));
            assertArrayEquals(IntStream.range(0, 30).map(i -> i % 4).toArray(), all(d.eval(30)).get(0).labels());
        }
    }

    @Test
    void validationSplitIsDisjointAndStable() {
        DataConfig cfg = synthetic(1, DataConfig.Augment.NONE, 0.2);
        try (DataModule d = DataModule.open(cfg, 9, DataEnvironment.isolated(tmp));
                DataModule again = DataModule.open(cfg, 9, DataEnvironment.isolated(tmp))) {
            assertEquals("val", d.evalSplit());
            assertEquals(80, d.trainSize());
            assertEquals(20, d.evalSize());
            Set<Integer> train = new HashSet<>();
            for (int i : d.trainIndices()) train.add(i);
            for (int i : d.evalIndices()) assertFalse(train.contains(i), "index " + i + " in both splits");
            assertEquals(100, train.size() + d.evalIndices().length);
            assertArrayEquals(d.evalIndices(), again.evalIndices());
            assertEquals(d.digest(), again.digest());
            // Every epoch's training order draws only from the training part.
            for (HostBatch b : all(d.train(3, 80))) assertEquals(80, b.size());
        }
    }

    @Test
    void subsetsAreSeededAndRecordedInTheDigest() {
        DataConfig full = synthetic(1, DataConfig.Augment.NONE, 0);
        DataConfig small = new DataConfig("synthetic", null, 32, 64, 0, 10, 5, DataConfig.Augment.NONE, true, null,
                null, 8, 4, full.synthetic(), false, 1);
        try (DataModule a = DataModule.open(full, 1, DataEnvironment.isolated(tmp));
                DataModule b = DataModule.open(small, 1, DataEnvironment.isolated(tmp));
                DataModule c = DataModule.open(small, 1, DataEnvironment.isolated(tmp))) {
            assertEquals(10, b.trainSize());
            assertEquals(5, b.evalSize());
            assertArrayEquals(b.trainIndices(), c.trainIndices());
            assertNotEquals(a.digest(), b.digest());
            assertEquals(b.digest(), c.digest());
            assertTrue(b.digest().matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void stratifiedSubsetsHoldEqualCountsPerClass() {
        // 100 synthetic training images in 4 classes; 20 of them stratified: 5 per class.
        DataConfig cfg = new DataConfig("synthetic", null, 32, 64, 0, 20, 8, DataConfig.Augment.NONE, true, null,
                null, 8, 4, new DataConfig.Synthetic(100, 30, 3, 0.25, 7), false, 1).withSubset("stratified");
        try (DataModule a = DataModule.open(cfg, 3, DataEnvironment.isolated(tmp));
                DataModule b = DataModule.open(cfg, 3, DataEnvironment.isolated(tmp));
                DataModule other = DataModule.open(cfg, 4, DataEnvironment.isolated(tmp));
                DataModule random = DataModule.open(cfg.withSubset("random"), 3, DataEnvironment.isolated(tmp))) {
            assertArrayEquals(new int[] {5, 5, 5, 5}, perClass(all(a.train(0, 100)), 4));
            assertArrayEquals(new int[] {2, 2, 2, 2}, perClass(all(a.eval(64)), 4), "8 test images: 2 per class");
            assertArrayEquals(a.trainIndices(), b.trainIndices(), "seeded");
            assertFalse(Arrays.equals(a.trainIndices(), other.trainIndices()), "another seed, other images");
            assertNotEquals(a.digest(), random.digest(), "the subset mode is part of the data digest");
        }
    }

    @Test
    void quotasShareEquallyAndPassOnWhatAShortClassLacks() {
        assertArrayEquals(new int[] {4, 4, 3}, DataModule.quotas(new int[] {10, 10, 10}, 11));
        // Class 0 has 1 image: it gives 1; the other 9 of the 10 are split 5 / 4.
        assertArrayEquals(new int[] {1, 5, 4}, DataModule.quotas(new int[] {1, 10, 10}, 10));
        assertArrayEquals(new int[] {0, 3, 3}, DataModule.quotas(new int[] {0, 7, 7}, 6), "an empty class gets none");
    }

    private static int[] perClass(List<HostBatch> batches, int classes) {
        int[] counts = new int[classes];
        for (HostBatch b : batches) for (int label : b.labels()) counts[label]++;
        return counts;
    }

    @Test
    void idxDatasetFromProjectDirectory() throws Exception {
        DataFiles.writeMnist(tmp.resolve("datasets/mnist"), 12, 5, false);
        DataConfig cfg = new DataConfig("mnist", null, 4, 4, 0, null, null, DataConfig.Augment.NONE, true, null, null,
                null, null, DataConfig.Synthetic.DEFAULT, false, 0);
        try (DataModule d = DataModule.open(cfg, 0, DataEnvironment.isolated(tmp))) {
            assertEquals(1, d.channels());
            assertEquals(28, d.imageSize());
            assertEquals(12, d.trainSize());
            HostBatch b = all(d.test(5)).get(0);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4}, b.labels());
            // Manifest normalisation for mnist: (x/255 - 0.1307) / 0.3081; pixel 1 of sample 2 is 2·31+1 = 63.
            assertEquals((63 / 255.0 - 0.1307) / 0.3081, b.images()[2 * 784 + 1], 1e-6);
        }
    }

    @Test
    void tooLargeValidationSplitIsExplained() {
        DataConfig cfg = new DataConfig("synthetic", null, 32, 64, 0.999, null, null, DataConfig.Augment.NONE, true,
                null, null, 8, 4, new DataConfig.Synthetic(100, 30, 3, 0.25, 7), false, 0);
        var e = assertThrows(DataException.class, () -> DataModule.open(cfg, 9, DataEnvironment.isolated(tmp)));
        assertTrue(e.getMessage().contains("val_split 0.999 of 100 training images"), e.getMessage());
    }

    @Test
    void syntheticClassesAreSeparable() {
        // Nearest-class-mean on the raw training images must beat chance by far: the set is learnable.
        DataConfig cfg = synthetic(0, DataConfig.Augment.NONE, 0);
        try (DataModule d = DataModule.open(cfg, 3, DataEnvironment.isolated(tmp))) {
            HostBatch train = all(d.train(0, 100)).get(0);
            HostBatch test = all(d.test(30)).get(0);
            int f = 3 * 8 * 8;
            double[][] means = new double[4][f];
            int[] counts = new int[4];
            for (int i = 0; i < train.size(); i++) {
                counts[train.labels()[i]]++;
                for (int j = 0; j < f; j++) means[train.labels()[i]][j] += train.images()[i * f + j];
            }
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                int best = -1;
                double bestD = Double.MAX_VALUE;
                for (int k = 0; k < 4; k++) {
                    double dist = 0;
                    for (int j = 0; j < f; j++) {
                        double diff = test.images()[i * f + j] - means[k][j] / counts[k];
                        dist += diff * diff;
                    }
                    if (dist < bestD) {
                        bestD = dist;
                        best = k;
                    }
                }
                if (best == test.labels()[i]) correct++;
            }
            assertTrue(correct >= 27, correct + "/30");
        }
    }

    @Test
    void closeStopsWorkerThreads() throws Exception {
        DataModule d = DataModule.open(synthetic(3, cifarAug, 0), 1, DataEnvironment.isolated(tmp));
        BatchStream s = d.train(0, 4);
        s.next();
        d.close();
        Thread.sleep(100);
        long alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sparselab-data-") && t.isAlive()).count();
        assertEquals(0, alive);
    }
}

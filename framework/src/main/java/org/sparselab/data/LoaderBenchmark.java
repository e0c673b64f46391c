package org.sparselab.data;

/** Measures how fast a {@link DataModule} assembles training batches, without a model: {@code bench data}. */
public final class LoaderBenchmark {
    private LoaderBenchmark() {}

    /**
     * Training images per second over at most {@code maxBatches} batches of epoch 0 (after one warm-up batch, so
     * thread start and JIT do not count); 0 when the split has a single batch.
     */
    public static double imagesPerSecond(DataModule data, int batchSize, int maxBatches) {
        if (batchSize <= 0 || maxBatches <= 0) {
            throw new IllegalArgumentException("batchSize and maxBatches must be > 0");
        }
        try (BatchStream s = data.train(0, batchSize)) {
            if (!s.hasNext()) return 0;
            s.next(); // warm-up
            long images = 0;
            long start = System.nanoTime();
            for (int b = 0; b < maxBatches && s.hasNext(); b++) images += s.next().size();
            long elapsed = System.nanoTime() - start;
            return images == 0 ? 0 : images / (elapsed / 1e9);
        }
    }
}

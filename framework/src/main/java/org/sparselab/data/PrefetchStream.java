package org.sparselab.data;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Assembles batch {@code b} from positions {@code b·batchSize…} of a fixed order, on {@code workers} background
 * threads at most {@code 2·workers} batches ahead. A batch's content depends only on its index (its samples and
 * their own random streams), never on which thread built it or when, so any worker count gives the same batches.
 */
final class PrefetchStream implements BatchStream {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SampleSource source;
    private final int[] order;
    private final int batchSize;
    private final IntFunction<SplittableRandom> rngForSample; // null: evaluation, no augmentation
    private final int numBatches;
    private final ExecutorService pool;
    private final ArrayDeque<Future<HostBatch>> ahead = new ArrayDeque<>();
    private final int window;
    private int submitted;
    private int delivered;

    PrefetchStream(SampleSource source, int[] order, int batchSize, IntFunction<SplittableRandom> rngForSample,
            int workers) {
        this.source = source;
        this.order = order;
        this.batchSize = batchSize;
        this.rngForSample = rngForSample;
        this.numBatches = (order.length + batchSize - 1) / batchSize;
        this.window = 2 * workers;
        this.pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sparselab-data-" + THREADS.incrementAndGet());
            t.setDaemon(true); // a forgotten stream must not keep the JVM alive
            return t;
        });
        fill();
    }

    @Override
    public int numBatches() {
        return numBatches;
    }

    @Override
    public boolean hasNext() {
        return delivered < numBatches;
    }

    @Override
    public HostBatch next() {
        if (!hasNext()) throw new NoSuchElementException("all " + numBatches + " batches delivered");
        HostBatch b;
        if (pool == null) {
            b = assemble(delivered);
        } else {
            Future<HostBatch> f = ahead.poll();
            try {
                b = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while waiting for batch " + delivered, e);
            } catch (ExecutionException e) {
                close();
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new DataException("batch " + delivered + " failed: " + e.getCause(), e.getCause());
            } catch (CancellationException e) {
                throw new DataException("batch stream was closed", e);
            }
        }
        delivered++;
        fill();
        return b;
    }

    private void fill() {
        if (pool == null || pool.isShutdown()) return;
        while (submitted < numBatches && ahead.size() < window) {
            int b = submitted++;
            ahead.add(pool.submit(() -> assemble(b)));
        }
    }

    HostBatch assemble(int b) {
        int start = b * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int floats = source.sampleFloats();
        float[] images = new float[n * floats];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int index = order[start + i];
            source.write(index, rngForSample == null ? null : rngForSample.apply(index), images, i * floats);
            labels[i] = source.label(index);
        }
        return new HostBatch(images, labels, n, source.channels(), source.height(), source.width());
    }

    @Override
    public void close() {
        if (pool == null) return;
        for (Future<HostBatch> f : ahead) f.cancel(true);
        ahead.clear();
        pool.shutdownNow();
    }
}

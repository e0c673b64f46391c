package org.sparselab.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;

/**
 * Inference latency of a block on one input shape: warm-up passes, then timed passes, each fully synchronised
 * (the output is read back), so the numbers are wall time a caller would see.
 */
public final class Latency {
    /**
     * Milliseconds per forward pass, and the median of the process's minor page faults per timed pass ({@code -1}
     * where the OS does not report them): a first touch of a page cost 6–7 µs on this project's VMs, so a form
     * whose passes fault thousands of pages is timed on its allocations, not its arithmetic (README, "Memory and
     * malloc").
     */
    public record Stats(int batch, int repeats, double medianMs, double p90Ms, double minMs, double[] samplesMs,
            long faultsPerPass) {
        public Stats(int batch, int repeats, double medianMs, double p90Ms, double minMs, double[] samplesMs) {
            this(batch, repeats, medianMs, p90Ms, minMs, samplesMs, -1);
        }

        /** {@link #faultsPerPass()}, or null where it was not counted: what records and JSON write. */
        public Long faultsCounted() {
            return faultsPerPass < 0 ? null : faultsPerPass;
        }

        /**
         * The median over rounds of this block's time ÷ {@code base}'s in the same round: with interleaved timing,
         * slow phases of a shared machine cancel within a round, so this is steadier than a ratio of medians.
         */
        public double pairedRatio(Stats base) {
            double[] r = new double[samplesMs.length];
            for (int i = 0; i < r.length; i++) r[i] = samplesMs[i] / base.samplesMs[i];
            Arrays.sort(r);
            return percentile(r, 0.5);
        }
    }

    private Latency() {}

    public static Stats measure(Block block, Shape sampleShape, int batch, int warmup, int repeats,
            NDManager manager) {
        return interleaved(java.util.List.of(block), sampleShape, batch, warmup, repeats, manager).get(0);
    }

    /**
     * Batch-1 rounds (one pass of each block) run before any timing, so that the JIT has compiled the Java side of a
     * forward (DJL's wrappers, a layer's host code): a dynamic shuffle's host index took 265 µs per call at batch 64
     * after 600 calls and 40 µs after 1 000 (measured 2026-12-05), and a 30-repeat benchmark makes fewer.
     */
    public static final int JIT_WARMUP_ROUNDS = 100;
    /** The JIT warm-up stops earlier once it has taken this long (large models at batch 1). */
    public static final long JIT_WARMUP_MAX_NANOS = 5_000_000_000L;

    /**
     * Times several blocks on the same input, one pass of each per round, so load changes on a shared machine hit
     * all of them alike and their ratios stay meaningful. Before timing: the JIT warm-up ({@link
     * #JIT_WARMUP_ROUNDS} batch-1 rounds, at most {@link #JIT_WARMUP_MAX_NANOS}), then {@code warmup} rounds at
     * {@code batch}.
     */
    public static java.util.List<Stats> interleaved(java.util.List<Block> blocks, Shape sampleShape, int batch,
            int warmup, int repeats, NDManager manager) {
        return interleaved(blocks, sampleShape, new int[] {batch}, warmup, repeats, manager).get(0);
    }

    /**
     * {@link #interleaved(java.util.List, Shape, int, int, int, NDManager)} at each of {@code batches} in turn, after
     * one JIT warm-up for all of them: per batch size (in the given order), the blocks' stats.
     */
    public static java.util.List<java.util.List<Stats>> interleaved(java.util.List<Block> blocks, Shape sampleShape,
            int[] batches, int warmup, int repeats, NDManager manager) {
        if (repeats <= 0) throw new IllegalArgumentException("repeats must be positive");
        java.util.List<java.util.List<Stats>> perBatch = new java.util.ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            jitWarmup(blocks, sampleShape, scope);
            for (int batch : batches) perBatch.add(timed(blocks, sampleShape, batch, warmup, repeats, scope));
        }
        return perBatch;
    }

    private static void jitWarmup(java.util.List<Block> blocks, Shape sampleShape, NDManager scope) {
        NDArray one = scope.randomNormal(new Shape(1, sampleShape.get(1), sampleShape.get(2), sampleShape.get(3)));
        ParameterStore warm = new ParameterStore(scope, false);
        long start = System.nanoTime();
        for (int i = 0; i < JIT_WARMUP_ROUNDS && System.nanoTime() - start < JIT_WARMUP_MAX_NANOS; i++) {
            for (Block b : blocks) {
                try (NDManager pass = scope.newSubManager()) {
                    pass.tempAttachAll(one);
                    b.forward(warm, new NDList(one), false).head().toFloatArray();
                }
            }
        }
    }

    private static java.util.List<Stats> timed(java.util.List<Block> blocks, Shape sampleShape, int batch,
            int warmup, int repeats, NDManager scope) {
        double[][] ms = new double[blocks.size()][repeats];
        long[][] faults = new long[blocks.size()][repeats];
        Shape shape = new Shape(batch, sampleShape.get(1), sampleShape.get(2), sampleShape.get(3));
        NDArray x = scope.randomNormal(shape);
        ParameterStore ps = new ParameterStore(scope, false);
        for (int i = 0; i < warmup + repeats; i++) {
            for (int k = 0; k < blocks.size(); k++) {
                try (NDManager pass = scope.newSubManager()) {
                    pass.tempAttachAll(x); // activations die with the pass; x returns to scope
                    long f0 = PageFaults.minor();
                    long t0 = System.nanoTime();
                    NDList out = blocks.get(k).forward(ps, new NDList(x), false);
                    out.head().toFloatArray(); // wait for the result
                    long t1 = System.nanoTime();
                    if (i >= warmup) {
                        ms[k][i - warmup] = (t1 - t0) / 1e6;
                        long f1 = PageFaults.minor();
                        faults[k][i - warmup] = f0 < 0 || f1 < 0 ? -1 : f1 - f0;
                    }
                }
            }
        }
        x.close();
        java.util.List<Stats> stats = new java.util.ArrayList<>();
        for (int k = 0; k < ms.length; k++) {
            double[] sorted = ms[k].clone();
            Arrays.sort(sorted);
            long[] f = faults[k].clone();
            Arrays.sort(f);
            stats.add(new Stats(batch, repeats, percentile(sorted, 0.5), percentile(sorted, 0.9), sorted[0], ms[k],
                    f[0] < 0 ? -1 : f[f.length / 2]));
        }
        return stats;
    }

    /** Linear-interpolated percentile of sorted values. */
    public static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}

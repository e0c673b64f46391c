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
    /** Milliseconds per forward pass. */
    public record Stats(int batch, int repeats, double medianMs, double p90Ms, double minMs) {}

    private Latency() {}

    public static Stats measure(Block block, Shape sampleShape, int batch, int warmup, int repeats,
            NDManager manager) {
        return interleaved(java.util.List.of(block), sampleShape, batch, warmup, repeats, manager).get(0);
    }

    /**
     * Times several blocks on the same input, one pass of each per round, so load changes on a shared machine hit
     * all of them alike and their ratios stay meaningful.
     */
    public static java.util.List<Stats> interleaved(java.util.List<Block> blocks, Shape sampleShape, int batch,
            int warmup, int repeats, NDManager manager) {
        if (repeats <= 0) throw new IllegalArgumentException("repeats must be positive");
        double[][] ms = new double[blocks.size()][repeats];
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(batch, sampleShape.get(1), sampleShape.get(2), sampleShape.get(3));
            NDArray x = scope.randomNormal(shape);
            ParameterStore ps = new ParameterStore(scope, false);
            for (int i = 0; i < warmup + repeats; i++) {
                for (int k = 0; k < blocks.size(); k++) {
                    try (NDManager pass = scope.newSubManager()) {
                        pass.tempAttachAll(x); // activations die with the pass; x returns to scope
                        long t0 = System.nanoTime();
                        NDList out = blocks.get(k).forward(ps, new NDList(x), false);
                        out.head().toFloatArray(); // wait for the result
                        if (i >= warmup) ms[k][i - warmup] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        java.util.List<Stats> stats = new java.util.ArrayList<>();
        for (double[] m : ms) {
            Arrays.sort(m);
            stats.add(new Stats(batch, repeats, percentile(m, 0.5), percentile(m, 0.9), m[0]));
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

package org.sparselab.metrics;

import ai.djl.ndarray.types.Shape;

/**
 * One execution of a costed layer in a profiled forward pass.
 *
 * @param path dotted layer position ({@code stage1.block0.conv1})
 * @param kind {@code conv}, {@code linear}, {@code shuffle}, …
 * @param inputShape input as seen in the pass (batch 1)
 * @param outputShape output as seen in the pass
 * @param shape human-readable layer shape, e.g. {@code 16→32 k3 s2 g4}
 * @param groups convolution groups as deployed (1 for non-convolutions)
 * @param params dense parameters; 0 on a repeated execution of a shared layer (counted once)
 * @param effectiveParams parameters a deployed form keeps; 0 on a repeated execution
 * @param macs dense multiply-accumulates of this execution
 * @param effectiveMacs multiply-accumulates a deployed form computes
 * @param density effective / dense parameters of the layer
 */
public record LayerRow(String path, String kind, Shape inputShape, Shape outputShape, String shape, int groups,
        long params, long effectiveParams, long macs, long effectiveMacs, double density) {}

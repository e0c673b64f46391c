package org.sparselab.nn;

import ai.djl.ndarray.types.Shape;

/**
 * A layer that costs parameters and multiply-accumulates. During a profiling forward pass it reports its input and
 * output shapes to {@link LayerTrace}; the profiler then asks it for its {@link LayerCost}.
 */
public interface CostedLayer {
    /** Dotted position in the model, as in {@link ConvSpec#path()}. */
    String path();

    /** Layer kind for tables: {@code conv}, {@code linear}, {@code shuffle}, … */
    String kind();

    /** Cost of one forward pass of one sample (batch dimension of the shapes ignored). */
    LayerCost cost(Shape input, Shape output);
}

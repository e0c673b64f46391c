package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Initialisation with a scale per weight element: N(0, 1) or U(−1, 1) draws times {@code scale}. One dense layout's
 * scales serve both a masked layer and any decomposition of it ({@link #forPart}), so both start from the same
 * distribution per weight (not the same draws).
 *
 * @param scale per element of the dense weight: the standard deviation (normal) or the bound (uniform)
 */
public record ElementwiseInit(float[] scale, boolean uniform) implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        if (shape.size() != scale.length) {
            throw new IllegalArgumentException("scales for " + scale.length + " weights, shape " + shape);
        }
        return draw(manager, shape, dataType, scale);
    }

    /** The same per-weight scales for a part whose element e holds dense weight {@code index[e]} (-1: none). */
    public Initializer forPart(int[] index) {
        float[] s = new float[index.length];
        for (int e = 0; e < index.length; e++) s[e] = index[e] < 0 ? 0 : scale[index[e]];
        return (manager, shape, type) -> draw(manager, shape, type, s);
    }

    private NDArray draw(NDManager manager, Shape shape, DataType type, float[] s) {
        NDArray base = uniform ? manager.randomUniform(-1, 1, shape, type) : manager.randomNormal(0, 1, shape, type);
        return base.muli(manager.create(s, shape));
    }
}

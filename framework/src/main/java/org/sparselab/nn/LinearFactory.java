package org.sparselab.nn;

import ai.djl.nn.Block;

/** Turns a {@link LinearSpec} into a block; models ask, methods decide (as {@link ConvFactory} for convolutions). */
@FunctionalInterface
public interface LinearFactory {
    Block linear(LinearSpec spec);

    /** Plain dense layers, as the model's spec initialises them. */
    static LinearFactory dense() {
        return spec -> new LinearBlock(spec.path(), spec.in(), spec.out(), spec.weightInit(), spec.biasInit());
    }
}

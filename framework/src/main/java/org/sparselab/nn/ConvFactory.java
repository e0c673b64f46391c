package org.sparselab.nn;

import ai.djl.nn.Block;

/** Turns a {@link ConvSpec} into a block; models ask, methods decide. */
@FunctionalInterface
public interface ConvFactory {
    Block conv(ConvSpec spec);

    /** Plain dense convolutions (Kaiming-normal fan-out initialisation), the baseline every method starts from. */
    static ConvFactory dense() {
        return spec -> Conv2dBlock.builder().setSpec(spec).build();
    }
}

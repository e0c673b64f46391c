package org.sparselab.deploy;

import ai.djl.nn.Block;

/**
 * One exact way to compute a layer (or a model): a name for the record ({@code dense}, {@code grouped}, …) and an
 * initialised block holding the layer's weights in that form.
 */
public record Form(String name, Block block) {
    public Form {
        if (name == null || name.isBlank() || block == null) {
            throw new IllegalArgumentException("a form needs a name and a block");
        }
    }
}

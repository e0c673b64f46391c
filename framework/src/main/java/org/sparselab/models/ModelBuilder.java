package org.sparselab.models;

import ai.djl.nn.Block;

/** Builds one architecture for a given input and set of layer factories. */
@FunctionalInterface
public interface ModelBuilder {
    Block build(ModelContext ctx);
}

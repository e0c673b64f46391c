package org.sparselab.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Runs a network on its input converted to channels-last ({@link MemoryFormat#CHANNELS_LAST}): one conversion at the
 * entry, after which convolutions, BatchNorm, ReLU and residual adds stay channels-last. Outputs equal the wrapped
 * network's up to float rounding. A deployment form: it wraps an initialised network and adds no parameters.
 */
public final class ChannelsLast extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block net;

    public ChannelsLast(Block net) {
        super(VERSION);
        this.net = addChildBlock("net", net);
    }

    /** The wrapped network. */
    public Block net() {
        return net;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return net.forward(ps, new NDList(MemoryFormat.CHANNELS_LAST.apply(inputs.singletonOrThrow())), training, p);
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (!net.isInitialized()) net.initialize(manager, dataType, inputShapes); // wraps trained weights: keep them
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return net.getOutputShapes(inputShapes);
    }
}

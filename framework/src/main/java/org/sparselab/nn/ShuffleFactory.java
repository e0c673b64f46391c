package org.sparselab.nn;

import ai.djl.nn.Block;

/** Turns a {@link ShuffleSpec} into a block; ShuffleNets ask, methods (e.g. dynamic shuffle) decide. */
@FunctionalInterface
public interface ShuffleFactory {
    Block shuffle(ShuffleSpec spec);

    /** ShuffleNet's fixed interleaving shuffle. */
    static ShuffleFactory fixed() {
        return ChannelShuffle::new;
    }
}

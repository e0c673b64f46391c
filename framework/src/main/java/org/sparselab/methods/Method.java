package org.sparselab.methods;

import ai.djl.nn.Block;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ShuffleFactory;
import org.sparselab.train.TrainingHooks;

/** A compression method: supplies layers and reacts to training events. The trainer knows only {@link TrainingHooks}. */
public interface Method extends TrainingHooks {
    /** Dense training: plain convolutions, fixed shuffles, no hooks. */
    Method NONE = new Method() {};

    default ConvFactory convFactory() {
        return ConvFactory.dense();
    }

    default ShuffleFactory shuffleFactory() {
        return ShuffleFactory.fixed();
    }

    /** Called once the model is built and its parameters initialised, before training or resume. */
    default void attach(Block model) {}

    /** The deployment form of the trained model (e.g. real grouped convolutions); the identity by default. */
    default Block export(Block trained) {
        return trained;
    }
}

package org.sparselab.methods;

import ai.djl.nn.Block;
import java.util.function.Function;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ShuffleFactory;
import org.sparselab.train.TrainingHooks;

/** A compression method: supplies layers and reacts to training events. The trainer knows only {@link TrainingHooks}. */
public interface Method extends TrainingHooks {
    /** Dense training: plain convolutions, fixed shuffles, no hooks. */
    Method NONE = new Method() {};

    /** The factory the model's convolutions come from; one model is built per method instance. */
    default ConvFactory convFactory() {
        return ConvFactory.dense();
    }

    default ShuffleFactory shuffleFactory() {
        return ShuffleFactory.fixed();
    }

    /** Called once the model is built and its parameters initialised, before training or resume. */
    default void attach(Block model, RunInfo run) {}

    /**
     * The deployment form of the trained model (e.g. real grouped convolutions with channel gathers), or
     * {@code trained} itself when the method has none.
     *
     * @param rebuild builds the same architecture with another conv factory (uninitialised), so a method can swap
     *     its training-time layers for their deployed form and copy the weights over
     */
    default Block export(Block trained, Function<ConvFactory, Block> rebuild) {
        return trained;
    }
}

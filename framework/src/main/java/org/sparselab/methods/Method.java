package org.sparselab.methods;

import ai.djl.nn.Block;
import java.util.function.Function;
import org.sparselab.models.ModelContext;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.LinearFactory;
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

    /** Where the model's classifier comes from (a mask method may mask it); dense by default. */
    default LinearFactory linearFactory() {
        return LinearFactory.dense();
    }

    /** What a model built for this method needs: the input, and this method's conv, shuffle and linear factories. */
    default ModelContext modelContext(int inChannels, int imageSize, int numClasses) {
        return new ModelContext(inChannels, imageSize, numClasses, convFactory(), shuffleFactory(), linearFactory());
    }

    /**
     * Called once the model is built with this method's factories, before anything is initialised or recorded: a
     * method that cannot act on this architecture (converts no layer, say) throws a {@link
     * org.sparselab.config.ConfigException} here, so the run is refused as bad input.
     */
    default void checkBuilt(Block model, RunInfo run) {}

    /** Called once the model is built and its parameters initialised, before training or resume. */
    default void attach(Block model, RunInfo run) {}

    /**
     * Called once on a fresh run, after {@link #attach} and before the first training step (not on resume): for a
     * method that decides something from the initialised weights or from data before training, e.g. a pruning-at-
     * initialisation criterion. Whatever it leaves in the model must be exactly what training starts from.
     */
    default void initialise(InitContext ctx) {}

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

    /** What the last {@link #export} chose and measured (e.g. each layer's deployed form and timings), for the run's summary. */
    default java.util.Map<String, Object> exportReport() {
        return java.util.Map.of();
    }
}

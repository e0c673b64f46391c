package org.sparselab.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's {@code ai.djl.nn.norm.Dropout}, the same call ({@code torch.dropout} with the rate widened from float), with a
 * TorchScript form, so a model with a dropout compiles ({@link CompiledForward}). DJL's class cannot be extended (its
 * constructor is package-private); this one has the same simple name, so DJL names it in a model as before.
 */
public final class Dropout extends AbstractBlock implements CompiledForward.Scriptable {
    private static final byte VERSION = 2; // DJL's Dropout's

    private final float rate;

    /** Drops each value with probability {@code rate} in training (scaling the rest by 1 / (1 − rate)). */
    public Dropout(float rate) {
        super(VERSION);
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1): " + rate);
        this.rate = rate;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return ai.djl.nn.norm.Dropout.dropout(inputs.singletonOrThrow(), rate, training);
    }

    /** {@code torch.dropout} in the writer's mode (evaluation: the input), drawing from the engine's generator. */
    @Override
    public String script(CompiledForward.Writer out, String input) {
        return out.let("torch.dropout(" + input + ", " + CompiledForward.Writer.real(rate) + ", "
                + (out.training() ? "True" : "False") + ")");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ShuffleNet's fixed channel shuffle: (N, g·k, H, W) → reshape (N, g, k, H, W) → swap g and k → flatten. Output
 * channel {@code j·g + i} is input channel {@code i·k + j}. No parameters, no MACs.
 */
public final class ChannelShuffle extends AbstractBlock implements CostedLayer {
    private final ShuffleSpec spec;

    public ChannelShuffle(ShuffleSpec spec) {
        super((byte) 1);
        this.spec = spec;
    }

    public ShuffleSpec spec() {
        return spec;
    }

    /** The permutation as a gather: output channel c takes input channel {@code sourceOf(c)}. */
    public static int sourceOf(int outChannel, int channels, int groups) {
        int perGroup = channels / groups;
        return (outChannel % groups) * perGroup + outChannel / groups;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        int g = spec.groups();
        NDArray y = g == 1 ? x : x.reshape(s.get(0), g, s.get(1) / g, s.get(2), s.get(3))
                .transpose(0, 2, 1, 3, 4)
                .reshape(s);
        if (LayerTrace.active()) LayerTrace.record(this, s, s);
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }

    @Override
    public String path() {
        return spec.path();
    }

    @Override
    public String kind() {
        return "shuffle";
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        return LayerCost.dense(spec.channels() + " ch, " + spec.groups() + " groups", 1, 0, 0);
    }
}

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
public final class ChannelShuffle extends AbstractBlock implements CostedLayer, CompiledForward.Scriptable {
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

    /** {@link #interleave}'s reshape, permute and reshape. */
    @Override
    public String script(CompiledForward.Writer out, String input) {
        int g = spec.groups();
        if (g == 1) return input;
        return out.let("torch.reshape(torch.permute(torch.reshape(" + input + ", [" + input + ".size(0), " + g + ", "
                + input + ".size(1) // " + g + ", -1]), [0, 2, 1, 3]), " + input + ".size())");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = interleave(x, spec.groups());
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), x.getShape());
        return new NDList(y);
    }

    /**
     * The shuffle on any (N, C, …) array: reshape (N, g, C/g, rest) → swap g and C/g → the input's shape. Dynamic
     * shuffle applies it after its Kronecker blocks.
     */
    public static NDArray interleave(NDArray x, int groups) {
        if (groups == 1) return x;
        Shape s = x.getShape();
        return x.reshape(s.get(0), groups, s.get(1) / groups, -1).transpose(0, 2, 1, 3).reshape(s);
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

package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A dense 2-D convolution described by a {@link ConvSpec}: the block {@link ConvFactory#dense()} makes. Weight
 * layout and arithmetic are PyTorch's ({@code torch.nn.functional.conv2d}).
 */
public final class Conv2dBlock extends ConvLayer implements CompiledForward.Scriptable {
    private static final byte VERSION = 1; // bump when the saved form changes

    private final Parameter weight;
    private final Parameter bias; // null when spec.bias() is false
    private final boolean sparseCost;

    private Conv2dBlock(Builder b) {
        super(VERSION, b.spec);
        sparseCost = b.sparseCost;
        weight = addParameter(weightParameter(spec, b.initializer));
        bias = spec.bias() ? addParameter(biasParameter(spec)) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return convolve(spec, x, w, b);
    }

    /** {@code torch.conv2d}, the op DJL's conv calls. */
    @Override
    public String script(CompiledForward.Writer out, String input) {
        return out.let("torch.conv2d(" + input + ", " + out.param(weight) + ", "
                + (bias == null ? "None" : out.param(bias)) + ", " + CompiledForward.Writer.ints(spec.strideHw().getShape())
                + ", " + CompiledForward.Writer.ints(spec.paddingHw().getShape()) + ", "
                + CompiledForward.Writer.ints(spec.dilationHw().getShape()) + ", " + spec.groups() + ")");
    }

    /**
     * Dense cost, or with {@code optSparseCost} the cost of the weight's non-zeros: the deployment form of a masked
     * conv whose zeros are the mask's, which computes densely but is counted as what it represents.
     */
    @Override
    public LayerCost cost(Shape input, Shape output) {
        LayerCost dense = denseCost(spec, output);
        if (!sparseCost) return dense;
        long kept = weight.getArray().countNonzero().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
        long positions = output.get(2) * output.get(3);
        return new LayerCost(dense.shape(), spec.groups(), dense.params(), kept + (spec.bias() ? spec.out() : 0),
                dense.macs(), kept * positions);
    }

    /** Builder: {@code setSpec} required; {@code optInitializer} defaults to Kaiming-normal fan-out. */
    public static final class Builder {
        private ConvSpec spec;
        private Initializer initializer = Init.kaimingNormalFanOut();
        private boolean sparseCost;

        /** Count parameters and MACs from the weight's non-zeros (a masked conv's dense deployment form). */
        public Builder optSparseCost(boolean sparse) {
            this.sparseCost = sparse;
            return this;
        }

        public Builder setSpec(ConvSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder optInitializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        public Conv2dBlock build() {
            return new Conv2dBlock(this);
        }
    }
}

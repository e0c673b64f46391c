package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A dense 2-D convolution described by a {@link ConvSpec}: the block {@link ConvFactory#dense()} makes. Weight
 * layout and arithmetic are PyTorch's ({@code torch.nn.functional.conv2d}).
 */
public final class Conv2dBlock extends AbstractBlock implements CostedLayer {
    private static final byte VERSION = 1; // bump when the saved form changes

    private final ConvSpec spec;
    private final Parameter weight;
    private final Parameter bias; // null when spec.bias() is false

    private Conv2dBlock(Builder b) {
        super(VERSION);
        spec = b.spec;
        weight = addParameter(weightParameter(spec, b.initializer));
        bias = spec.bias() ? addParameter(biasParameter(spec)) : null;
    }

    /** The conv weight parameter, shape (out, in/groups, k, k): shared by every conv block so all save alike. */
    static Parameter weightParameter(ConvSpec spec, Initializer init) {
        return Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).optShape(spec.weightShape())
                .optInitializer(init).build();
    }

    /** The conv bias parameter (zeros), shape (out). */
    static Parameter biasParameter(ConvSpec spec) {
        return Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(spec.out()))
                .optInitializer(Initializer.ZEROS).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public ConvSpec spec() {
        return spec;
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
        return convolve(this, spec, x, w, b);
    }

    /** PyTorch's conv2d of {@code x} with weight {@code w} (and bias {@code b}, may be null) as {@code spec} says. */
    static NDList convolve(CostedLayer layer, ConvSpec spec, NDArray x, NDArray w, NDArray b) {
        NDList out = Conv2d.conv2d(x, w, b, spec.strideHw(), spec.paddingHw(), spec.dilationHw(), spec.groups());
        if (LayerTrace.active()) LayerTrace.record(layer, x.getShape(), out.head().getShape());
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInput(inputShapes[0]);
    }

    private void checkInput(Shape in) {
        if (in.dimension() != 4 || in.get(1) != spec.in()) {
            throw new IllegalArgumentException(
                    "conv " + spec.path() + " expects (N, " + spec.in() + ", H, W), got " + in);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {spec.outputShape(inputs[0])};
    }

    @Override
    public String path() {
        return spec.path();
    }

    @Override
    public String kind() {
        return "conv";
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        return denseCost(spec, output);
    }

    /** Dense cost of a conv: params = weights (+ bias); MACs = weights × output positions. */
    public static LayerCost denseCost(ConvSpec spec, Shape output) {
        long weights = spec.weightShape().size();
        long positions = output.get(2) * output.get(3);
        long params = weights + (spec.bias() ? spec.out() : 0);
        return LayerCost.dense(describe(spec), spec.groups(), params, weights * positions);
    }

    public static String describe(ConvSpec s) {
        return s.in() + "→" + s.out() + " k" + s.kernel() + " s" + s.stride() + (s.groups() > 1 ? " g" + s.groups() : "");
    }

    /** Builder: {@code setSpec} required; {@code optInitializer} defaults to Kaiming-normal fan-out. */
    public static final class Builder {
        private ConvSpec spec;
        private Initializer initializer = Init.kaimingNormalFanOut();

        public Builder setSpec(ConvSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder optInitializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        public Conv2dBlock build() {
            if (spec == null) throw new IllegalStateException("Conv2dBlock needs a ConvSpec");
            return new Conv2dBlock(this);
        }
    }

}

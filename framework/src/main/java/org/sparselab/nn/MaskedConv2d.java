package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A convolution whose weight is multiplied by a 0/1 mask of the same shape: the one training form of every mask
 * method (StrucSpars' groups, SSC's patterns, pruning at initialisation, CCI). The mask is a parameter that is
 * never trained; it is either fixed when the layer is built (a pattern) or written by its method (a pruning
 * criterion). At initialisation the weight is masked once, so masked weights are exactly zero from the start.
 *
 * <p>The profiler counts its effective parameters and MACs from the mask's non-zeros, so a table shows what a
 * deployed, thinned form would compute next to the dense cost.
 */
public final class MaskedConv2d extends ConvLayer implements MaskedLayer {
    private static final byte VERSION = 1;

    private final Parameter weight;
    private final Parameter mask;
    private final Parameter bias; // null when spec.bias() is false
    private volatile GradientMode gradientMode; // a method may switch it (STE while selecting, then masked)
    private final boolean fixed;

    private MaskedConv2d(Builder b) {
        super(VERSION, b.spec);
        gradientMode = b.gradientMode;
        fixed = b.fixedMask != null;
        weight = addParameter(weightParameter(spec, b.initializer));
        mask = addParameter(maskParameter(spec.weightShape(), b.fixedMask));
        bias = spec.bias() ? addParameter(biasParameter(spec)) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The mask parameter: 0/1, of {@code shape}; all ones, or {@code values} when the mask is a fixed pattern. */
    static Parameter maskParameter(Shape shape, float[] values) {
        if (values != null && values.length != shape.size()) {
            throw new IllegalArgumentException("mask of " + values.length + " values for a weight of " + shape);
        }
        Initializer init = values == null ? Initializer.ONES : (manager, s, type) -> manager.create(values, s);
        return Parameter.builder().setName("mask").setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).optRequiresGrad(false).build();
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    @Override
    public Parameter mask() {
        return mask;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Shape weightShape() {
        return spec.weightShape();
    }

    @Override
    public LayerKind layerKind() {
        return LayerKind.of(spec);
    }

    @Override
    public GradientMode gradientMode() {
        return gradientMode;
    }

    @Override
    public void setGradientMode(GradientMode mode) {
        gradientMode = mode;
    }

    @Override
    public boolean fixedMask() {
        return fixed;
    }

    @Override
    public void initialize(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        applyMaskToWeight();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = maskedWeight(ps, x, training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return convolve(spec, x, w, b);
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        LayerCost dense = denseCost(spec, output);
        long kept = keptWeights();
        long positions = output.get(2) * output.get(3);
        long biasParams = spec.bias() ? spec.out() : 0;
        return new LayerCost(dense.shape(), spec.groups(), dense.params(), kept + biasParams, dense.macs(),
                kept * positions);
    }

    /**
     * Builder: {@code setSpec} required; {@code optInitializer} (Kaiming-normal fan-out), {@code optGradientMode}
     * ({@link GradientMode#MASKED}) and {@code optFixedMask} (none: an all-ones mask the method writes) optional.
     */
    public static final class Builder {
        private ConvSpec spec;
        private Initializer initializer = Init.kaimingNormalFanOut();
        private GradientMode gradientMode = GradientMode.MASKED;
        private float[] fixedMask;

        public Builder setSpec(ConvSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder optInitializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        public Builder optGradientMode(GradientMode mode) {
            this.gradientMode = mode;
            return this;
        }

        /** A pattern fixed at construction: 0/1 values in weight layout; {@link #setMask} will refuse. */
        public Builder optFixedMask(float[] values) {
            this.fixedMask = values.clone();
            return this;
        }

        public MaskedConv2d build() {
            return new MaskedConv2d(this);
        }
    }
}

package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A dense 2-D convolution described by a {@link ConvSpec}: the block {@link ConvFactory#dense()} makes. Weight
 * layout and arithmetic are PyTorch's ({@code torch.nn.functional.conv2d}).
 */
public final class Conv2dBlock extends ConvLayer {
    private static final byte VERSION = 1; // bump when the saved form changes

    private final Parameter weight;
    private final Parameter bias; // null when spec.bias() is false

    private Conv2dBlock(Builder b) {
        super(VERSION, b.spec);
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
            return new Conv2dBlock(this);
        }
    }
}

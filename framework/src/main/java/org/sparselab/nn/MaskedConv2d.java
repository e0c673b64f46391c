package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A convolution whose weight is multiplied by a fixed 0/1 mask of the same shape: the common form of structured and
 * unstructured sparsity before deployment. The mask is a parameter (saved, checkpointed, moved with the model) that
 * is never trained; methods edit it in place.
 *
 * <p>The profiler counts its effective parameters and MACs from the mask's non-zeros, so a table shows what a
 * deployed, thinned form would compute next to the dense cost.
 */
public final class MaskedConv2d extends AbstractBlock implements CostedLayer {
    private static final byte VERSION = 1;

    private final ConvSpec spec;
    private final Parameter weight;
    private final Parameter mask;
    private final Parameter bias; // null when spec.bias() is false

    public MaskedConv2d(ConvSpec spec) {
        this(spec, Init.kaimingNormalFanOut());
    }

    public MaskedConv2d(ConvSpec spec, Initializer weightInit) {
        super(VERSION);
        this.spec = spec;
        weight = addParameter(Conv2dBlock.weightParameter(spec, weightInit));
        mask = addParameter(Parameter.builder().setName("mask").setType(Parameter.Type.OTHER)
                .optShape(spec.weightShape()).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
        bias = spec.bias() ? addParameter(Conv2dBlock.biasParameter(spec)) : null;
    }

    public ConvSpec spec() {
        return spec;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter mask() {
        return mask;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training).mul(ps.getValue(mask, x.getDevice(), training));
        // DJL attaches a result to its first operand's manager: for a parameter that is the model's, so the product
        // (and, in training, the autograd graph it holds) would live as long as the model. It belongs to this pass.
        w.attach(x.getManager());
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return Conv2dBlock.convolve(this, spec, x, w, b);
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
        LayerCost dense = Conv2dBlock.denseCost(spec, output);
        long kept = mask.getArray().countNonzero().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
        long positions = output.get(2) * output.get(3);
        long biasParams = spec.bias() ? spec.out() : 0;
        return new LayerCost(dense.shape(), spec.groups(), dense.params(), kept + biasParams, dense.macs(),
                kept * positions);
    }
}

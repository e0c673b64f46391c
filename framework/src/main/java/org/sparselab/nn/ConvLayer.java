package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;

/**
 * What every convolution block shares, whatever computes it (dense, masked, grouped between gathers, decomposed):
 * the {@link ConvSpec} it realises, so its path, output shape, input check and dense cost; and the traced call of
 * PyTorch's conv2d. A new conv layer extends this and writes only its forward pass and, if it differs, its cost.
 */
public abstract class ConvLayer extends AbstractBlock implements CostedLayer {
    static {
        TorchLog.apply(); // every model's convs are these: libtorch's per-conv NNPACK warnings stop before the first
    }

    protected final ConvSpec spec;

    protected ConvLayer(byte version, ConvSpec spec) {
        super(version);
        if (spec == null) throw new IllegalArgumentException(getClass().getSimpleName() + " needs a ConvSpec");
        this.spec = spec;
    }

    /** The convolution this layer computes (as a model asked for it, or as deployed for a deployment form). */
    public ConvSpec spec() {
        return spec;
    }

    /** The conv weight parameter, shape (out, in/groups, k, k): one definition, so every conv layer saves alike. */
    protected static Parameter weightParameter(ConvSpec spec, Initializer init) {
        return weightParameter(spec.weightShape(), init);
    }

    protected static Parameter weightParameter(Shape shape, Initializer init) {
        return Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).optShape(shape)
                .optInitializer(init).build();
    }

    /** The conv bias parameter (zeros), shape (out). */
    protected static Parameter biasParameter(ConvSpec spec) {
        return Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(spec.out()))
                .optInitializer(Initializer.ZEROS).build();
    }

    /** PyTorch's conv2d of {@code x} with weight {@code w} (and bias {@code b}, may be null) as {@code s} says. */
    protected final NDList convolve(ConvSpec s, NDArray x, NDArray w, NDArray b) {
        NDList out = Conv2d.conv2d(x, w, b, s.strideHw(), s.paddingHw(), s.dilationHw(), s.groups());
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), out.head().getShape());
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Shape in = inputShapes[0];
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

    /** Dense cost of {@link #spec()}; layers that skip work override this. */
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

    /** {@code 16→32 k3 s2 g4}: a conv's shape for tables. */
    public static String describe(ConvSpec s) {
        return s.in() + "→" + s.out() + " k" + s.kernel() + " s" + s.stride() + (s.groups() > 1 ? " g" + s.groups() : "");
    }
}

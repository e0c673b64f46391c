package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A fully connected layer {@code y = x·(W ⊙ M)ᵀ + b}: the classifier as a mask method trains it (see {@link MaskedConv2d}). */
public final class MaskedLinear extends AbstractBlock implements MaskedLayer {
    private static final byte VERSION = 1;

    private final LinearSpec spec;
    private final Parameter weight;
    private final Parameter mask;
    private final Parameter bias;
    private volatile GradientMode gradientMode; // a method may switch it (STE while selecting, then masked)

    public MaskedLinear(LinearSpec spec, GradientMode gradientMode) {
        super(VERSION);
        this.spec = spec;
        this.gradientMode = gradientMode;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(weightShape()).optInitializer(spec.weightInit()).build());
        mask = addParameter(MaskedConv2d.maskParameter(weightShape(), null));
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(spec.out())).optInitializer(spec.biasInit()).build());
    }

    public LinearSpec spec() {
        return spec;
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    @Override
    public Parameter mask() {
        return mask;
    }

    @Override
    public Shape weightShape() {
        return new Shape(spec.out(), spec.in());
    }

    @Override
    public LayerKind layerKind() {
        return LayerKind.CLASSIFIER;
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
        return false;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        applyMaskToWeight();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList y = Linear.linear(x, maskedWeight(ps, x, training), ps.getValue(bias, x.getDevice(), training));
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), y.head().getShape());
        return y;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (s.get(s.dimension() - 1) != spec.in()) {
            throw new IllegalArgumentException("linear " + spec.path() + " expects last dim " + spec.in() + ", got " + s);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), spec.out())};
    }

    @Override
    public String path() {
        return spec.path();
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        long dense = (long) spec.in() * spec.out();
        long kept = keptWeights();
        return new LayerCost(spec.in() + "→" + spec.out(), 1, dense + spec.out(), kept + spec.out(), dense, kept);
    }
}

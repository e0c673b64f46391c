package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * A fully connected layer y = x·Wᵀ + b on (N, in) inputs. Initialised as {@code torch.nn.Linear} is by default
 * (weights and bias U(−1/√in, 1/√in)) unless the model says otherwise.
 */
public final class LinearBlock extends AbstractBlock implements CostedLayer, CompiledForward.Scriptable {
    private static final byte VERSION = 1;

    private final String path;
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    public LinearBlock(String path, int in, int out) {
        this(path, in, out, new UniformInitializer((float) (1 / Math.sqrt(in))));
    }

    public LinearBlock(String path, int in, int out, Initializer weightInit) {
        this(path, in, out, weightInit, new UniformInitializer((float) (1 / Math.sqrt(in))));
    }

    public LinearBlock(String path, int in, int out, Initializer weightInit, Initializer biasInit) {
        super(VERSION);
        this.path = path;
        this.in = in;
        this.out = out;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(weightInit).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(biasInit).build());
    }

    public Parameter weight() {
        return weight;
    }

    /** {@code torch.linear}, the op DJL's linear calls. */
    @Override
    public String script(CompiledForward.Writer out, String input) {
        return out.let("torch.linear(" + input + ", " + out.param(weight) + ", " + out.param(bias) + ")");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList y = Linear.linear(
                x, ps.getValue(weight, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training));
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), y.head().getShape());
        return y;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (s.get(s.dimension() - 1) != in) {
            throw new IllegalArgumentException("linear " + path + " expects last dim " + in + ", got " + s);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), out)};
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        return LayerCost.dense(in + "→" + out, 1, (long) in * out + out, (long) in * out);
    }
}

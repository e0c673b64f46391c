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
 * A real group convolution between two channel gathers: {@code y = conv_g(x[:, inputOrder])[:, outputOrder]}. This
 * is the deployment form of a structured-sparse conv whose kept weights form diagonal blocks after permuting rows
 * and columns (StrucSpars' {@code real_group}): the channel order seen by the rest of the network stays the
 * original one, so BatchNorm, residual adds and concatenations are untouched.
 *
 * <p>The gathers cost no MACs or parameters (as thop counts them); the profiler reports {@code dense / groups}.
 */
public final class PermutedGroupConv2d extends AbstractBlock implements CostedLayer {
    private static final byte VERSION = 1;

    private final ConvSpec spec; // with the real group count
    private final int[] inputOrder;
    private final int[] outputOrder;
    private final Parameter weight;
    private final Parameter bias;
    // Row indices for ChannelGather, per (device, batch size): made once, kept beside the weight.
    private final java.util.Map<String, NDArray> inputRows = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, NDArray> outputRows = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param grouped the conv as deployed ({@code groups} set)
     * @param inputOrder {@code x[:, inputOrder]} before the conv (null: identity)
     * @param outputOrder {@code y[:, outputOrder]} after it (null: identity)
     */
    public PermutedGroupConv2d(ConvSpec grouped, int[] inputOrder, int[] outputOrder) {
        super(VERSION);
        this.spec = grouped;
        this.inputOrder = isIdentity(inputOrder) ? null : inputOrder.clone();
        this.outputOrder = isIdentity(outputOrder) ? null : outputOrder.clone();
        weight = addParameter(Conv2dBlock.weightParameter(spec, Init.kaimingNormalFanOut()));
        bias = spec.bias() ? addParameter(Conv2dBlock.biasParameter(spec)) : null;
    }

    public ConvSpec spec() {
        return spec;
    }

    /** How many channel gathers a forward pass runs (0–2): identity orders are dropped. */
    public int gathers() {
        return (inputOrder == null ? 0 : 1) + (outputOrder == null ? 0 : 1);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray in = inputOrder == null ? x : ChannelGather.rows(x, rows(inputOrder, inputRows, x, w));
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        NDList out = Conv2dBlock.convolve(this, spec, in, w, b);
        if (outputOrder == null) return out;
        NDArray y = out.head();
        return new NDList(ChannelGather.rows(y, rows(outputOrder, outputRows, y, w)));
    }

    /** The row index applying {@code order} to every sample of {@code x}'s batch, owned beside the weight. */
    private static NDArray rows(int[] order, java.util.Map<String, NDArray> cache, NDArray x, NDArray weight) {
        int batch = (int) x.getShape().get(0);
        return cache.computeIfAbsent(x.getDevice() + "/" + batch, k -> weight.getManager()
                .create(ChannelGather.sameOrderForEverySample(order, batch)).toDevice(x.getDevice(), false));
    }

    private static boolean isIdentity(int[] order) {
        if (order == null) return true;
        for (int i = 0; i < order.length; i++) if (order[i] != i) return false;
        return true;
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
        return Conv2dBlock.denseCost(spec, output);
    }
}

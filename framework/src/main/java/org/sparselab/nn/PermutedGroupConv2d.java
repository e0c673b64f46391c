package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
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
 *
 * <p>How the conv runs is a deployment choice that leaves the function unchanged: one grouped conv call, or (with
 * {@code perGroup}) one dense conv per group on its slice of channels, concatenated; in either memory format
 * ({@link MemoryFormat#CHANNELS_LAST}: the weight is handed to the engine channels-last, so the conv runs NHWC even
 * when a gather has just produced an NCHW input). A deployed layer with one group and no gathers is a plain dense conv.
 */
public final class PermutedGroupConv2d extends ConvLayer {
    private static final byte VERSION = 1;

    // Not final: GatherFolding moves orders between neighbouring convs once, at export, before any forward pass.
    private int[] inputOrder;
    private int[] outputOrder;
    private final Parameter weight;
    private final Parameter bias;
    private final boolean perGroup;
    private final MemoryFormat format;
    // The group count the weight's block-diagonal structure has: above spec.groups() for a dense form of a grouped
    // layer, whose zeros are then not counted in its effective cost.
    private final int structuralGroups;
    // Row indices for ChannelGather, per (device, batch size): made once, kept beside the weight.
    private final java.util.Map<String, NDArray> inputRows = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, NDArray> outputRows = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param grouped the conv as deployed ({@code groups} set)
     * @param inputOrder {@code x[:, inputOrder]} before the conv (null: identity)
     * @param outputOrder {@code y[:, outputOrder]} after it (null: identity)
     */
    public PermutedGroupConv2d(ConvSpec grouped, int[] inputOrder, int[] outputOrder) {
        this(grouped, inputOrder, outputOrder, false, MemoryFormat.NCHW);
    }

    /**
     * @param perGroup run one dense conv per group on its channel slice instead of one grouped conv call
     * @param format the memory format the conv runs in
     */
    public PermutedGroupConv2d(ConvSpec grouped, int[] inputOrder, int[] outputOrder, boolean perGroup,
            MemoryFormat format) {
        this(grouped, inputOrder, outputOrder, perGroup, format, grouped.groups());
    }

    /**
     * A dense conv (no gather) over a weight that is block-diagonal in {@code grouped.groups()} groups after some
     * channel permutation: it runs the dense kernel, and its effective cost counts only the blocks (as the grouped
     * form's does).
     */
    public static PermutedGroupConv2d denseOver(ConvSpec grouped, MemoryFormat format) {
        return new PermutedGroupConv2d(grouped.withGroups(1), null, null, false, format, grouped.groups());
    }

    private PermutedGroupConv2d(ConvSpec grouped, int[] inputOrder, int[] outputOrder, boolean perGroup,
            MemoryFormat format, int structuralGroups) {
        super(VERSION, grouped); // the spec with the real group count
        this.inputOrder = isIdentity(inputOrder) ? null : inputOrder.clone();
        this.outputOrder = isIdentity(outputOrder) ? null : outputOrder.clone();
        this.perGroup = perGroup && grouped.groups() > 1;
        this.format = format;
        this.structuralGroups = structuralGroups;
        weight = addParameter(weightParameter(spec, Init.kaimingNormalFanOut()));
        bias = spec.bias() ? addParameter(biasParameter(spec)) : null;
    }

    /**
     * How this layer runs, for records: {@code dense} (one group), {@code grouped} or {@code per_group}, with
     * {@code +channels_last} in that format.
     */
    public String form() {
        String kernel = spec.groups() == 1 ? "dense" : perGroup ? "per_group" : "grouped";
        return format == MemoryFormat.NCHW ? kernel : kernel + "+" + format.configName();
    }

    public boolean perGroup() {
        return perGroup;
    }

    public MemoryFormat memoryFormat() {
        return format;
    }

    /** Dense cost of the conv as run; a {@link #denseOver} form counts only its diagonal blocks as effective. */
    @Override
    public LayerCost cost(Shape input, Shape output) {
        LayerCost run = super.cost(input, output);
        if (structuralGroups == spec.groups()) return run;
        long bias = spec.bias() ? spec.out() : 0;
        long weights = run.params() - bias;
        long positions = output.get(2) * output.get(3);
        return new LayerCost(run.shape(), spec.groups(), run.params(), weights / structuralGroups + bias, run.macs(),
                weights / structuralGroups * positions);
    }

    /** How many channel gathers a forward pass runs (0–2): identity orders are dropped. */
    public int gathers() {
        return (inputOrder == null ? 0 : 1) + (outputOrder == null ? 0 : 1);
    }

    /** {@code x[:, inputOrder]} before the conv, or null for none. */
    public int[] inputOrder() {
        return inputOrder == null ? null : inputOrder.clone();
    }

    /** {@code y[:, outputOrder]} after the conv, or null for none. */
    public int[] outputOrder() {
        return outputOrder == null ? null : outputOrder.clone();
    }

    /** Drops the output gather: the conv then emits its channels in grouped order (GatherFolding's first step). */
    void dropOutputOrder() {
        outputOrder = null;
        clear(outputRows);
    }

    /**
     * Output channel k becomes today's channel {@code rows[k]} (weight rows and bias permuted, no gather). Only a
     * dense conv may reorder its outputs freely; a grouped one would mix groups.
     */
    void permuteOutputs(int[] rows) {
        if (spec.groups() != 1) throw new IllegalStateException(spec.path() + ": only a dense conv reorders outputs");
        int rowSize = (int) (weight.getArray().size() / spec.out());
        float[] w = weight.getArray().toFloatArray();
        float[] pw = new float[w.length];
        for (int k = 0; k < rows.length; k++) System.arraycopy(w, rows[k] * rowSize, pw, k * rowSize, rowSize);
        weight.getArray().set(java.nio.FloatBuffer.wrap(pw));
        if (bias != null) {
            float[] b = bias.getArray().toFloatArray();
            float[] pb = new float[b.length];
            for (int k = 0; k < rows.length; k++) pb[k] = b[rows[k]];
            bias.getArray().set(java.nio.FloatBuffer.wrap(pb));
        }
    }

    /**
     * Replaces the input gather by {@code order} ({@code x[:, order]}), absorbing what the weight can: only which
     * channels share a group matters, so within each group the order goes into the weight's columns (sorted, for
     * reads in memory order); a dense conv thus absorbs any order and needs no gather at all.
     */
    void setInputOrder(int[] order) {
        clear(inputRows);
        if (order == null) {
            inputOrder = null;
            return;
        }
        int groups = spec.groups();
        int si = spec.in() / groups;
        int so = spec.out() / groups;
        int k2 = spec.kernel() * spec.kernel();
        float[] w = weight.getArray().toFloatArray();
        float[] pw = new float[w.length];
        int[] sorted = new int[order.length];
        for (int g = 0; g < groups; g++) {
            Integer[] pos = new Integer[si];
            for (int j = 0; j < si; j++) pos[j] = g * si + j;
            // Dense: column j reads channel order[j]; sorting by channel makes the gather the identity.
            java.util.Arrays.sort(pos, java.util.Comparator.comparingInt(j -> order[j]));
            for (int j = 0; j < si; j++) {
                int from = pos[j] - g * si;
                sorted[g * si + j] = order[pos[j]];
                for (int o = g * so; o < (g + 1) * so; o++) {
                    System.arraycopy(w, (o * si + from) * k2, pw, (o * si + j) * k2, k2);
                }
            }
        }
        weight.getArray().set(java.nio.FloatBuffer.wrap(pw));
        inputOrder = isIdentity(sorted) ? null : sorted;
    }

    private static void clear(java.util.Map<String, NDArray> rows) {
        rows.values().forEach(NDArray::close);
        rows.clear();
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
        NDArray weightValue = ps.getValue(weight, x.getDevice(), training);
        NDArray in = inputOrder == null ? x : ChannelGather.rows(x, rows(inputOrder, inputRows, x, weightValue));
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        // A view of a parameter belongs to the pass, not the model.
        NDArray w = format.apply(weightValue, x.getManager());
        NDList out = perGroup ? convolvePerGroup(in, w, b) : convolve(spec, in, w, b);
        if (outputOrder == null) return out;
        NDArray y = out.head();
        return new NDList(ChannelGather.rows(y, rows(outputOrder, outputRows, y, weightValue)));
    }

    /** One dense conv per group on its slice of input channels and weight rows, concatenated: the grouped conv. */
    private NDList convolvePerGroup(NDArray x, NDArray w, NDArray b) {
        int groups = spec.groups();
        NDList xs = x.split(groups, 1);
        NDList ws = w.split(groups, 0);
        NDList bs = b == null ? null : b.split(groups, 0);
        ws.attach(x.getManager()); // views of parameters belong to the pass
        if (bs != null) bs.attach(x.getManager());
        ConvSpec one = spec.withGroups(1);
        NDList ys = new NDList(groups);
        for (int g = 0; g < groups; g++) {
            ys.add(ai.djl.nn.convolutional.Conv2d.conv2d(xs.get(g), ws.get(g), bs == null ? null : bs.get(g),
                    one.strideHw(), one.paddingHw(), one.dilationHw(), 1).head());
        }
        NDArray y = ai.djl.ndarray.NDArrays.concat(ys, 1);
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), y.getShape()); // one layer, not one per group
        return new NDList(y);
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
}

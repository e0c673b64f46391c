package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A masked convolution computed by the parts of a {@link ConvDecomposition.Plan}: grouped, dilated and dense convs
 * over gathered channels, whose outputs are summed (and concatenated where parts compute disjoint filters) in one
 * shared filter order and gathered back to the model's order. It computes exactly {@code conv(x, W ⊙ M)} with the
 * dense weight W that {@link #denseWeight()} reassembles, and trains like it: each part's weight is a parameter, and
 * the gradient of a part's weight is the masked layer's gradient of the weights it holds.
 */
public final class DecomposedConv2d extends ConvLayer {
    private static final byte VERSION = 1;

    private final ConvDecomposition.Plan plan;
    private final List<Parameter> weights = new ArrayList<>();
    private final List<Parameter> masks = new ArrayList<>(); // null entries for unmasked parts
    private final Parameter bias;
    private final int[] restore; // y[:, restore[k]] is filter k; null when the order is the identity
    // Row indices for ChannelGather per (input order, device, batch), made once and kept beside the weights.
    private final Map<String, NDArray> rows = new ConcurrentHashMap<>();

    /**
     * @param init the dense layout's initialisation; each part draws with the scales of the weights it holds
     */
    public DecomposedConv2d(ConvDecomposition.Plan plan, ElementwiseInit init) {
        super(VERSION, plan.spec());
        this.plan = plan;
        List<ConvDecomposition.Part> parts = plan.parts();
        for (int t = 0; t < parts.size(); t++) {
            ConvDecomposition.Part p = parts.get(t);
            Initializer pi = init.forPart(p.weightIndex());
            weights.add(addParameter(Parameter.builder().setName("weight" + t).setType(Parameter.Type.WEIGHT)
                    .optShape(p.weightShape()).optInitializer(pi).build()));
            masks.add(p.mask() == null ? null : addParameter(maskParameter(p, t)));
        }
        bias = spec.bias() ? addParameter(biasParameter(spec)) : null;
        int[] order = plan.outputOrder();
        if (order == null) {
            restore = null;
        } else {
            restore = new int[order.length];
            for (int pos = 0; pos < order.length; pos++) restore[order[pos]] = pos;
        }
    }

    /** Part t's fixed mask, saved as {@code mask<t>}. */
    private static Parameter maskParameter(ConvDecomposition.Part p, int t) {
        float[] values = p.mask();
        return Parameter.builder().setName("mask" + t).setType(Parameter.Type.OTHER).optShape(p.weightShape())
                .optInitializer((manager, s, type) -> manager.create(values, s)).optRequiresGrad(false).build();
    }

    public ConvDecomposition.Plan plan() {
        return plan;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        for (int t = 0; t < weights.size(); t++) {
            if (masks.get(t) != null) weights.get(t).getArray().muli(masks.get(t).getArray());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        List<ConvDecomposition.Part> parts = plan.parts();
        Map<String, NDArray> gathered = new HashMap<>();
        NDArray sum = null;
        Map<Integer, NDArray[]> tiles = new HashMap<>();
        for (int t = 0; t < parts.size(); t++) {
            ConvDecomposition.Part p = parts.get(t);
            NDArray w = ps.getValue(weights.get(t), x.getDevice(), training);
            if (masks.get(t) != null) {
                w = MaskedLayer.maskedWeight(w, ps.getValue(masks.get(t), x.getDevice(), training),
                        GradientMode.MASKED, x.getManager());
            }
            NDArray in = x;
            if (p.inputChannels() != null) {
                String key = Arrays.toString(p.inputChannels());
                in = gathered.computeIfAbsent(key, k -> ChannelGather.channels(x,
                        rowIndex(k, p.inputChannels(), x), p.inputChannels().length));
            }
            NDArray y = Conv2d.conv2d(in, w, null, spec.strideHw(), new Shape(p.paddingH(), p.paddingW()),
                    new Shape(p.dilationH(), p.dilationW()), p.groups()).head();
            if (p.tiling() < 0) {
                sum = sum == null ? y : sum.add(y);
            } else {
                tiles.computeIfAbsent(p.tiling(), id -> new NDArray[parts.size()])[t] = y;
            }
        }
        for (NDArray[] tile : tiles.values()) {
            List<NDArray> ordered = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int t = 0; t < tile.length; t++) if (tile[t] != null) ids.add(t);
            ids.sort((u, v) -> Integer.compare(parts.get(u).outFrom(), parts.get(v).outFrom()));
            int at = 0;
            for (int t : ids) {
                if (parts.get(t).outFrom() > at) ordered.add(zeros(tile[t], parts.get(t).outFrom() - at));
                ordered.add(tile[t]);
                at = parts.get(t).outTo();
            }
            if (at < spec.out()) ordered.add(zeros(tile[ids.get(0)], spec.out() - at));
            NDArray cat = NDArrays.concat(new NDList(ordered), 1);
            sum = sum == null ? cat : sum.add(cat);
        }
        if (restore != null) {
            sum = ChannelGather.channels(sum, rowIndex("out", restore, sum), spec.out());
        }
        if (bias != null) {
            NDArray b = ps.getValue(bias, x.getDevice(), training).reshape(1, spec.out(), 1, 1);
            sum = sum.add(b);
        }
        if (LayerTrace.active()) LayerTrace.record(this, x.getShape(), sum.getShape());
        return new NDList(sum);
    }

    /** Zeros for {@code channels} filters that no part of a tiling computes, shaped like {@code like} otherwise. */
    private static NDArray zeros(NDArray like, int channels) {
        Shape s = like.getShape();
        return like.getManager().zeros(new Shape(s.get(0), channels, s.get(2), s.get(3)), like.getDataType(),
                like.getDevice());
    }

    /** The gather index for {@code picked} channels of {@code x} (cached per order, device and batch size). */
    private NDArray rowIndex(String key, int[] picked, NDArray x) {
        int batch = (int) x.getShape().get(0);
        int channels = (int) x.getShape().get(1);
        NDManager home = weights.get(0).getArray().getManager();
        return rows.computeIfAbsent(key + "@" + x.getDevice() + "/" + batch, k -> home
                .create(ChannelGather.pickForEverySample(picked, channels, batch)).toDevice(x.getDevice(), false));
    }

    /** Sets every part's weight from a dense (out, in/groups, k, k) weight, e.g. a trained masked layer's. */
    public void loadDense(float[] dense) {
        List<ConvDecomposition.Part> parts = plan.parts();
        for (int t = 0; t < parts.size(); t++) {
            int[] index = parts.get(t).weightIndex();
            float[] v = new float[index.length];
            float[] m = parts.get(t).mask();
            for (int e = 0; e < index.length; e++) {
                v[e] = index[e] < 0 || (m != null && m[e] == 0) ? 0 : dense[index[e]];
            }
            weights.get(t).getArray().set(v);
        }
    }

    /** The dense (out, in/groups, k, k) weight this layer computes with (zeros where the mask is). */
    public float[] denseWeight() {
        return scatter(t -> weights.get(t).getArray());
    }

    /** The gradient of the dense weight, assembled from the parts' gradients (after a backward pass). */
    public float[] denseGradient() {
        return scatter(t -> weights.get(t).getArray().getGradient());
    }

    private float[] scatter(java.util.function.IntFunction<NDArray> source) {
        float[] dense = new float[(int) spec.weightShape().size()];
        List<ConvDecomposition.Part> parts = plan.parts();
        for (int t = 0; t < parts.size(); t++) {
            int[] index = parts.get(t).weightIndex();
            float[] m = parts.get(t).mask();
            float[] v = source.apply(t).toFloatArray();
            for (int e = 0; e < index.length; e++) {
                if (index[e] >= 0 && (m == null || m[e] != 0)) dense[index[e]] += v[e];
            }
        }
        return dense;
    }

    @Override
    public LayerCost cost(Shape input, Shape output) {
        LayerCost dense = denseCost(spec, output);
        long kept = 0;
        for (ConvDecomposition.Part p : plan.parts()) kept += p.nonZeros();
        long positions = output.get(2) * output.get(3);
        return new LayerCost(dense.shape(), spec.groups(), dense.params(), kept + (spec.bias() ? spec.out() : 0),
                dense.macs(), kept * positions);
    }
}

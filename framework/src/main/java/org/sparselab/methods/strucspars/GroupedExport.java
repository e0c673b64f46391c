package org.sparselab.methods.strucspars;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sparselab.methods.masking.WeightTransfer;
import org.sparselab.nn.ChannelsLast;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.GatherFolding;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.nn.PermutedGroupConv2d;

/**
 * The deployment form of a masked StrucSpars model ({@code real_group}, {@code docs/methods/strucspars.md} §1.5):
 * every groupable conv becomes a {@link PermutedGroupConv2d} with {@code groups = 2^(level-1)}, input gather Q,
 * output gather P⁻¹, and block g of its weight = {@code W[P][:,Q]}'s g-th diagonal block — or, where that is faster
 * (see {@link TunedExport}), a dense conv over the masked weight in the original channel order (the block-diagonal
 * weight, no gather), or per-group convs. All other parameters are copied unchanged. Then {@link GatherFolding}
 * removes the gathers that per-channel layers let it (a block's {@code conv1} output gather and {@code conv2} input
 * gather become at most one; none is left beside a dense conv).
 */
final class GroupedExport {
    /** How one layer runs when deployed: a dense conv over its block-diagonal weight, or real groups. */
    static final String DENSE = "dense";
    static final String GROUPED = "grouped";
    static final String PER_GROUP = "per_group";
    static final List<String> KERNELS = List.of(DENSE, GROUPED, PER_GROUP);

    private GroupedExport() {}

    /** Every layer as real group convs (one grouped call each), NCHW, gathers folded: the untuned export. */
    static Block export(Block trained, List<GroupableLayer> layers, Function<ConvFactory, Block> rebuild,
            Shape inputShape) {
        return export(trained, layers, rebuild, inputShape, true);
    }

    /** @param fold whether to fold gathers (false only to measure what folding gains) */
    static Block export(Block trained, List<GroupableLayer> layers, Function<ConvFactory, Block> rebuild,
            Shape inputShape, boolean fold) {
        return export(trained, layers, rebuild, inputShape, Map.of(), MemoryFormat.NCHW, fold,
                layers.get(0).conv().weight().getArray().getManager());
    }

    /**
     * The deployed model with each layer in its own kernel.
     *
     * @param kernels layer path → {@link #DENSE}, {@link #GROUPED} or {@link #PER_GROUP} (absent: grouped); a layer
     *     left at one group is dense whatever it says
     * @param format the memory format the whole model runs in (channels-last: wrapped in {@link ChannelsLast})
     * @param manager where the deployed model's parameters live
     */
    static Block export(Block trained, List<GroupableLayer> layers, Function<ConvFactory, Block> rebuild,
            Shape inputShape, Map<String, String> kernels, MemoryFormat format, boolean fold, NDManager manager) {
        Map<String, GroupableLayer> byPath = new HashMap<>();
        for (GroupableLayer l : layers) byPath.put(l.path(), l);
        ConvFactory dense = ConvFactory.dense();
        Block deployed = rebuild.apply(spec -> {
            GroupableLayer l = byPath.get(spec.path());
            if (l == null) return dense.conv(spec);
            return layerForm(l, kernels.getOrDefault(l.path(), GROUPED), format);
        });
        deployed.initialize(manager, DataType.FLOAT32, inputShape);
        WeightTransfer.copy(trained, deployed, (from, to) -> {
            if (!(from instanceof MaskedConv2d m && to instanceof PermutedGroupConv2d g)) return false;
            fill(m, g, byPath.get(m.spec().path()));
            return true;
        });
        if (fold) GatherFolding.fold(deployed);
        return format == MemoryFormat.CHANNELS_LAST ? new ChannelsLast(deployed) : deployed;
    }

    /**
     * Layer {@code l} in {@code kernel} and {@code format}, uninitialised: dense over the block-diagonal weight in
     * the original channel order (no gather), or {@code groups} groups between its canonical gathers.
     */
    static PermutedGroupConv2d layerForm(GroupableLayer l, String kernel, MemoryFormat format) {
        if (!KERNELS.contains(kernel)) throw new IllegalArgumentException("unknown kernel " + kernel);
        ConvSpec spec = l.spec();
        if (l.groups() == 1 || kernel.equals(DENSE)) {
            return PermutedGroupConv2d.denseOver(spec.withGroups(l.groups()), format);
        }
        int[][] pq = canonical(l.p(), l.q(), l.groups());
        return new PermutedGroupConv2d(spec.withGroups(l.groups()), pq[1], Permutations.inverse(pq[0]),
                kernel.equals(PER_GROUP), format);
    }

    /** Copies a masked layer's weight (and bias) into its deployed form, initialised by {@link #layerForm}. */
    static void fill(MaskedConv2d masked, PermutedGroupConv2d deployed, GroupableLayer layer) {
        if (deployed.spec().groups() == 1) {
            deployed.weight().getArray().set(WeightTransfer.maskedWeight(masked.weight(), masked.mask()));
            if (deployed.bias() != null) {
                deployed.bias().getArray().set(masked.getDirectParameters().get("bias").getArray().toByteBuffer());
            }
        } else {
            fillGrouped(masked, deployed, layer);
        }
    }

    /**
     * The same block structure with the fewest, most local gathers: only which output and input channels share a
     * group matters, so each group's rows and columns are sorted and the groups are ordered by their first input
     * channel. A layer left dense (one group), or one whose groups are contiguous channel ranges, then needs no
     * gather at all ({@link PermutedGroupConv2d} drops identity orders), and the rest read memory in order.
     */
    static int[][] canonical(int[] p, int[] q, int groups) {
        int so = p.length / groups;
        int si = q.length / groups;
        int[][] pb = new int[groups][];
        int[][] qb = new int[groups][];
        Integer[] order = new Integer[groups];
        for (int g = 0; g < groups; g++) {
            pb[g] = java.util.Arrays.copyOfRange(p, g * so, (g + 1) * so);
            qb[g] = java.util.Arrays.copyOfRange(q, g * si, (g + 1) * si);
            java.util.Arrays.sort(pb[g]);
            java.util.Arrays.sort(qb[g]);
            order[g] = g;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(g -> qb[g][0]));
        int[] cp = new int[p.length];
        int[] cq = new int[q.length];
        for (int k = 0; k < groups; k++) {
            System.arraycopy(pb[order[k]], 0, cp, k * so, so);
            System.arraycopy(qb[order[k]], 0, cq, k * si, si);
        }
        return new int[][] {cp, cq};
    }

    /** Block g of the grouped weight is the g-th diagonal block of the permuted dense weight {@code W[P][:,Q]}. */
    private static void fillGrouped(MaskedConv2d masked, PermutedGroupConv2d grouped, GroupableLayer layer) {
        ConvSpec s = masked.spec();
        int groups = layer.groups();
        int so = s.out() / groups;
        int si = s.in() / groups;
        int k2 = s.kernel() * s.kernel();
        float[] w = WeightTransfer.maskedWeight(masked.weight(), masked.mask());
        int[][] pq = canonical(layer.p(), layer.q(), groups);
        int[] p = pq[0];
        int[] q = pq[1];
        float[] out = new float[s.out() * si * k2];
        for (int a = 0; a < s.out(); a++) {
            int g = a / so;
            for (int j = 0; j < si; j++) {
                int src = (p[a] * s.in() + q[g * si + j]) * k2;
                System.arraycopy(w, src, out, (a * si + j) * k2, k2);
            }
        }
        grouped.weight().getArray().set(FloatBuffer.wrap(out));
        if (grouped.bias() != null) {
            float[] b = masked.getDirectParameters().get("bias").getArray().toFloatArray();
            float[] pb = new float[b.length];
            for (int a = 0; a < b.length; a++) pb[a] = b[p[a]];
            grouped.bias().getArray().set(FloatBuffer.wrap(pb));
        }
    }
}

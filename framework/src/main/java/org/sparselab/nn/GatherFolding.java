package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes channel gathers between two {@link PermutedGroupConv2d}s that are joined only by per-channel layers
 * (BatchNorm, ReLU, ReLU6), as in a ResNet block's {@code conv1–BN–ReLU–conv2}. Per-channel layers commute with a
 * channel permutation, so conv a's output gather P⁻¹ moves through them (their parameters permuted instead) and
 * composes with conv b's input gather Q into one gather {@code P⁻¹∘Q}, which then disappears when either side can
 * absorb it: a dense b takes any order into its weight's columns, a dense a emits its rows in the order b reads.
 * Two gathers become at most one; layers that feed a residual sum or a concatenation keep theirs (the other
 * branch reads the original order).
 *
 * <p>Export time only, before the first forward pass; outputs change by float rounding only (sums in another order).
 */
public final class GatherFolding {
    private GatherFolding() {}

    /** Activations known to act channel by channel; DJL names its {@code Activation} lambdas so. */
    private static final Set<String> PER_CHANNEL_LAMBDAS = Set.of("ReLU", "ReLU6");

    /** Folds every foldable pair in {@code model}; returns how many gathers it removed. */
    public static int fold(Block model) {
        int before = gathers(model);
        visit(model);
        return before - gathers(model);
    }

    /** Gathers that a forward pass of {@code model} runs. */
    public static int gathers(Block model) {
        int n = model instanceof PermutedGroupConv2d g ? g.gathers() : 0;
        for (Block child : model.getChildren().values()) n += gathers(child);
        return n;
    }

    private static void visit(Block b) {
        if (b instanceof SequentialBlock) {
            List<Block> chain = new ArrayList<>();
            flatten(b, chain);
            foldChain(chain);
            for (Block leaf : chain) if (!(leaf instanceof SequentialBlock)) visitChildren(leaf);
        } else {
            visitChildren(b);
        }
    }

    private static void visitChildren(Block b) {
        for (Block child : b.getChildren().values()) visit(child);
    }

    /** Nested sequential blocks are one chain: a block's output is the next one's only input. */
    private static void flatten(Block b, List<Block> out) {
        if (b instanceof SequentialBlock) {
            for (Block child : b.getChildren().values()) flatten(child, out);
        } else {
            out.add(b);
        }
    }

    private static void foldChain(List<Block> chain) {
        for (int i = 0; i < chain.size(); i++) {
            if (!(chain.get(i) instanceof PermutedGroupConv2d a)) continue;
            List<Block> between = new ArrayList<>();
            int j = i + 1;
            while (j < chain.size() && perChannel(chain.get(j))) between.add(chain.get(j++));
            if (j < chain.size() && chain.get(j) instanceof PermutedGroupConv2d b) fold(a, between, b);
        }
    }

    private static boolean perChannel(Block b) {
        return BatchNorm2d.isBatchNorm(b) || b instanceof LambdaBlock l && PER_CHANNEL_LAMBDAS.contains(l.getName());
    }

    private static void fold(PermutedGroupConv2d a, List<Block> between, PermutedGroupConv2d b) {
        int c = a.spec().out();
        int[] out = orIdentity(a.outputOrder(), c);
        int[] in = orIdentity(b.inputOrder(), c);
        // y = a'(x)[:, out], so b reads a'(x)[:, out[in[k]]]; a' emits channel j where today's layers read out⁻¹[j].
        int[] composed = new int[c];
        for (int k = 0; k < c; k++) composed[k] = out[in[k]];
        int[] grouped = inverse(out);
        if (b.spec().groups() != 1 && a.spec().groups() == 1) {
            // Dense a: emit rows in the order b reads them, so b needs no gather.
            a.dropOutputOrder();
            a.permuteOutputs(composed);
            for (Block l : between) permuteChannels(l, compose(grouped, composed));
            b.setInputOrder(null);
        } else {
            a.dropOutputOrder();
            for (Block l : between) permuteChannels(l, grouped);
            b.setInputOrder(composed);
        }
    }

    /** {@code f[g[k]]}. */
    private static int[] compose(int[] f, int[] g) {
        int[] r = new int[g.length];
        for (int k = 0; k < g.length; k++) r[k] = f[g[k]];
        return r;
    }

    /** Channel k of a per-channel layer takes today's channel {@code order[k]}'s parameters. */
    private static void permuteChannels(Block layer, int[] order) {
        for (Parameter p : layer.getDirectParameters().values()) {
            NDArray arr = p.getArray();
            if (arr.getShape().dimension() != 1 || arr.getShape().get(0) != order.length) {
                throw new IllegalStateException("gather folding: " + layer.getClass().getSimpleName() + " parameter "
                        + p.getName() + " has shape " + arr.getShape() + ", expected (" + order.length + ")");
            }
            float[] v = arr.toFloatArray();
            float[] pv = new float[v.length];
            for (int k = 0; k < order.length; k++) pv[k] = v[order[k]];
            arr.set(FloatBuffer.wrap(pv));
        }
    }

    private static int[] orIdentity(int[] order, int n) {
        if (order != null) return order;
        int[] id = new int[n];
        for (int i = 0; i < n; i++) id[i] = i;
        return id;
    }

    private static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) inv[p[i]] = i;
        return inv;
    }
}

package org.sparselab.methods.strucspars;

import java.util.List;
import java.util.function.ToIntFunction;
import org.sparselab.nn.ConvSpec;

/**
 * Model sparsity over the groupable convs: {@code 1 - Σ size·m / groups / Σ size·m}
 * ({@code docs/methods/strucspars.md} §1.4).
 *
 * <p>{@code official} is {@code utils.get_sparsity}: size = Cout·Cin (the norm matrix) and m = 9 for layers whose
 * name contains {@code conv2}, else 1 — which under-weights a BasicBlock's conv1 (3×3) by 9×; the official
 * {@code --prune-percent} targets this number. {@code params} and {@code macs} count the removed weights and MACs
 * of the groupable convs exactly.
 */
public enum SparsityMetric {
    OFFICIAL, PARAMS, MACS;

    public static SparsityMetric named(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dense size of a layer under this metric. */
    public double size(GroupableLayer layer) {
        ConvSpec s = layer.spec();
        double matrix = (double) s.out() * s.in();
        double kernel = (double) s.kernel() * s.kernel();
        return switch (this) {
            case OFFICIAL -> matrix * (layer.path().contains("conv2") ? 9 : 1);
            case PARAMS -> matrix * kernel;
            case MACS -> matrix * kernel * layer.outputPositions();
        };
    }

    /** Sparsity of {@code layers} when layer i has {@code levelOf(i)}. */
    public double sparsity(List<GroupableLayer> layers, ToIntFunction<Integer> levelOf) {
        double kept = 0;
        double total = 0;
        for (int i = 0; i < layers.size(); i++) {
            double size = size(layers.get(i));
            kept += size / (1L << (levelOf.applyAsInt(i) - 1));
            total += size;
        }
        return total == 0 ? 0 : 1.0 - kept / total;
    }
}

package org.sparselab.train.optim;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Weight-decay filters: which parameter ids an optimizer decays.
 *
 * <p>PyTorch with one param group decays everything; many recipes (timm's {@code filter_bias_and_bn}, Goyal et al.
 * 2017 §5.1 "no bias decay") exclude biases and normalisation scales/shifts, which would otherwise be pulled to 0.
 */
public final class DecayFilter {
    private static final Set<Parameter.Type> NORM_AND_BIAS =
            EnumSet.of(Parameter.Type.BIAS, Parameter.Type.GAMMA, Parameter.Type.BETA);

    private DecayFilter() {}

    /** Decays every parameter (torch with one param group). */
    public static Predicate<String> all() {
        return id -> true;
    }

    /** Decays all parameters of {@code model} except biases and BatchNorm gamma/beta (by {@link Parameter.Type}). */
    public static Predicate<String> excludingNormAndBias(Block model) {
        Set<String> excluded = new HashSet<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (NORM_AND_BIAS.contains(p.getValue().getType())) excluded.add(p.getValue().getId());
        }
        return id -> !excluded.contains(id);
    }
}

package org.sparselab.train.optim;

import ai.djl.nn.Block;
import java.util.function.Predicate;
import org.sparselab.config.ConfigTypes;
import org.sparselab.config.Doc;
import org.sparselab.config.Variants;

/** The optimizer of a training phase, chosen by {@code name}: {@code sgd} or {@code adam}. */
@Variants(key = "name")
@Doc("Optimizer, chosen by name (sgd, adam); update rules are PyTorch's.")
public interface OptimizerConfig {
    String name();

    /** Base learning rate, before the schedule. */
    double lr();

    /** Whether biases and BatchNorm gamma/beta are decayed too (true: torch with one param group). */
    boolean decayNormAndBias();

    /** Builds the optimizer; {@code decays} says which parameter ids get weight decay. */
    TorchOptimizer create(Predicate<String> decays);

    /** Builds the optimizer for {@code model}: applies {@link #decayNormAndBias()} and names its state by path. */
    default TorchOptimizer create(Block model) {
        Predicate<String> decays = decayNormAndBias() ? DecayFilter.all() : DecayFilter.excludingNormAndBias(model);
        return create(decays).bindParameterNames(model);
    }

    /** Builds the optimizer decaying every parameter; fails if the config asks to exclude norm and bias. */
    default TorchOptimizer create() {
        if (!decayNormAndBias()) {
            throw new IllegalStateException("decay_norm_and_bias: false needs the model: use create(Block)");
        }
        return create(DecayFilter.all());
    }

    /** Registers the optimizer variants. */
    static void register(ConfigTypes types) {
        types.register(OptimizerConfig.class, SgdConfig.NAME, SgdConfig.class)
                .register(OptimizerConfig.class, AdamConfig.NAME, AdamConfig.class);
    }
}

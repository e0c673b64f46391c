package org.sparselab.config;

import java.util.List;
import java.util.Map;

/** Config records shaped like the project's real ones, used to test the generic machinery. */
final class TestConfigs {
    private TestConfigs() {}

    static final ConfigTypes TYPES = new ConfigTypes()
            .register(MethodCfg.class, "none", NoMethod.class)
            .register(MethodCfg.class, "strucspars", StrucSpars.class);

    enum Schedule {
        STEP,
        COSINE,
        ONE_CYCLE
    }

    @Doc("Optimizer settings.")
    record OptimizerCfg(
            @Doc("Optimizer name.") @Default("sgd") String name,
            @Doc("Learning rate.") @Default("0.1") double lr,
            @Default("0.9") double momentum) {}

    record PhaseCfg(@Doc("Epochs in this phase.") int epochs, @Default("0.1") double lr) {
        PhaseCfg {
            Check.positive("epochs", epochs);
        }
    }

    record TrainCfg(
            @Doc("Epochs to train.") int epochs,
            @Doc("Images per batch.") @Default("128") int batchSize,
            @Default("[]") List<Integer> milestones,
            @Default("cosine") Schedule schedule,
            @Default("[]") List<PhaseCfg> phases,
            OptimizerCfg optimizer,
            @Doc("Warm-up epochs | unset.") @Default("null") Integer warmup,
            @Default("{}") Map<String, Double> lossWeights) {
        TrainCfg {
            Check.positive("epochs", epochs);
            Check.positive("batch_size", batchSize);
            if (warmup != null && warmup > epochs) throw new IllegalArgumentException("warmup exceeds epochs");
        }
    }

    record DataCfg(@Default("cifar10") String dataset, @Default("0") int workers, @Default("true") boolean augment) {}

    @Variants
    @Doc("The compression method.")
    interface MethodCfg {}

    record NoMethod(@Default("none") String name) implements MethodCfg {}

    record StrucSpars(
            String name,
            @Doc("Number of groups.") @Default("4") int groups,
            @Doc("Temperature.") @Default("0.5") double tau) implements MethodCfg {
        StrucSpars {
            Check.inClosed("tau", tau, 0, 1);
        }
    }

    record ExpCfg(
            @Doc("Run name.") @Default("exp") String name,
            @Default("42") long seed,
            DataCfg data,
            TrainCfg train,
            @Default("{name: none}") MethodCfg method) {}

    /** A record whose rule is about a key the YAML may leave out. */
    record Pair(@Default("1") int a, @Default("0") int b) {
        Pair {
            if (b < a) throw new ConfigException("b", "must be >= a");
        }
    }

    record Holder(Pair pair) {}

    static ExpCfg parse(String yaml) {
        return ConfigLoader.parse(yaml, ExpCfg.class, TYPES).config();
    }

    static ExpCfg parse(String yaml, List<String> overrides, Map<String, String> env) {
        return ConfigLoader.parse(yaml, overrides, ExpCfg.class, TYPES, env).config();
    }
}

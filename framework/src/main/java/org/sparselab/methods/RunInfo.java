package org.sparselab.methods;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparselab.deploy.DeployTuning;

/**
 * What a method learns about its run when it is attached to the model.
 *
 * @param inputShape one sample's input, (1, C, H, W)
 * @param phaseEpochs the training phases in order, name → epochs (empty when the model is only loaded)
 * @param seed the run's root seed; derive per-consumer seeds with {@link org.sparselab.config.Seeds#derive}
 * @param planning true when a sweep checks its points before running any: what earlier points will produce (a dense
 *     run a later point starts from) may not exist yet
 * @param deploy how an export times its deployment forms ({@code output.deploy_*}; {@link DeployTuning#off()}:
 *     the method's default form, untimed)
 */
public record RunInfo(Shape inputShape, Map<String, Integer> phaseEpochs, long seed, boolean planning,
        DeployTuning deploy) {
    public RunInfo {
        phaseEpochs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phaseEpochs));
        if (deploy == null) throw new IllegalArgumentException("deploy tuning must be set (DeployTuning.off())");
    }

    public RunInfo(Shape inputShape, Map<String, Integer> phaseEpochs, long seed, boolean planning) {
        this(inputShape, phaseEpochs, seed, planning, DeployTuning.off());
    }

    /** A run whose export deploys each method's default form, untimed. */
    public RunInfo(Shape inputShape, Map<String, Integer> phaseEpochs, long seed) {
        this(inputShape, phaseEpochs, seed, false);
    }

    /** For a model that is built to be evaluated or exported, not trained; its export is not tuned. */
    public static RunInfo inference(Shape inputShape) {
        return new RunInfo(inputShape, Map.of(), 0);
    }

    /** The same run with another deployment tuning. */
    public RunInfo withDeploy(DeployTuning tuning) {
        return new RunInfo(inputShape, phaseEpochs, seed, planning, tuning);
    }
}

package org.sparselab.methods.strucspars;

/**
 * The penalty coefficient λ, steered toward the target sparsity ({@code train_cifar.py}, end of each epoch;
 * {@code docs/methods/strucspars.md} §1.4): after warmup, raise λ by Δλ while sparsity is below target and grows
 * slower than needed to reach it by the end of the phase; lower it by Δλ once the target is reached; never below 0.
 *
 * <p>The official controller runs once per epoch; {@code lambda_interval < 1} runs it every fraction of an epoch
 * with the expected gain per interval (a sparselab reconstruction for short runs).
 */
public final class LambdaController {
    private final double target;
    private final double delta;
    private final int warmupEpochs;
    private final int phaseEpochs;
    private final double interval;
    private double lambda;
    private double lastSparsity;

    public LambdaController(double target, double delta, double initial, int warmupEpochs, int phaseEpochs,
            double interval) {
        this.target = target;
        this.delta = delta;
        this.warmupEpochs = warmupEpochs;
        this.phaseEpochs = phaseEpochs;
        this.interval = interval;
        this.lambda = initial;
    }

    /** The coefficient to apply during epoch {@code epochInPhase}: 0 in warmup. */
    public double effective(int epochInPhase) {
        return epochInPhase < warmupEpochs ? 0 : lambda;
    }

    /** The controller's λ (what will apply after warmup). */
    public double lambda() {
        return lambda;
    }

    public double lastSparsity() {
        return lastSparsity;
    }

    /** The sparsity the first gain is measured against (after the initial P/Q update). */
    public void start(double sparsity) {
        lastSparsity = sparsity;
    }

    /**
     * One controller step at the end of an interval that began at {@code startEpoch} (fractional epochs into the
     * phase; the epoch index for the official per-epoch controller) and ended with {@code sparsity}.
     */
    public void step(double startEpoch, double sparsity) {
        if (startEpoch >= warmupEpochs) {
            double gain = sparsity - lastSparsity;
            double remaining = (phaseEpochs - startEpoch) / interval; // official: args.epochs - epoch
            double expected = (target - sparsity) / remaining;
            if (sparsity < target && gain < expected) {
                lambda += delta;
            } else if (sparsity >= target) {
                lambda -= delta;
            }
            lambda = Math.max(lambda, 0);
        }
        lastSparsity = sparsity;
    }

    void restore(double lambda, double lastSparsity) {
        this.lambda = lambda;
        this.lastSparsity = lastSparsity;
    }
}

package org.sparselab.deploy;

import java.util.List;

/**
 * How deployment forms are timed: at which batch sizes, with how many untimed and timed rounds (one pass of every
 * form per round). From the run's config ({@code output.deploy_batch_sizes}, {@code output.deploy_repeats}).
 *
 * @param batchSizes the batch sizes a chosen form must be fastest at (at least one)
 * @param warmup untimed rounds before the timed ones
 * @param repeats timed rounds; 0 turns tuning off (a method then deploys its default form untimed)
 */
public record DeployTuning(List<Integer> batchSizes, int warmup, int repeats) {
    public DeployTuning {
        batchSizes = List.copyOf(batchSizes);
        if (batchSizes.isEmpty() || batchSizes.stream().anyMatch(b -> b < 1)
                || batchSizes.stream().distinct().count() < batchSizes.size()) {
            throw new IllegalArgumentException("deploy batch sizes must be distinct and positive, got " + batchSizes);
        }
        if (warmup < 0 || repeats < 0) {
            throw new IllegalArgumentException("warmup and repeats must be >= 0, got " + warmup + ", " + repeats);
        }
    }

    /** Batch 1 and 64, 15 timed rounds after 3 untimed ones: the config's defaults. */
    public static DeployTuning defaults() {
        return of(List.of(1, 64), 15);
    }

    /** No timing: every method deploys its default form. */
    public static DeployTuning off() {
        return of(List.of(1, 64), 0);
    }

    /** {@code repeats} timed rounds after a fifth as many untimed ones (at least 2). */
    public static DeployTuning of(List<Integer> batchSizes, int repeats) {
        return new DeployTuning(batchSizes, repeats == 0 ? 0 : Math.max(2, repeats / 5), repeats);
    }

    /** Whether forms are timed at all. */
    public boolean enabled() {
        return repeats > 0;
    }
}

package org.sparselab.train.schedule;

import java.util.List;

/**
 * The learning rate at a position in a training phase: a pure function, so resuming needs no scheduler state.
 *
 * <p>Positions are 0-based: {@code epoch} in the phase, {@code iterationInEpoch} in [0, iterationsPerEpoch).
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(int epoch, int iterationInEpoch, int iterationsPerEpoch);

    /** {@code base} throughout. */
    static LrSchedule constant(double base) {
        return (e, i, n) -> base;
    }

    /**
     * base·γ^k with k the number of milestones ≤ epoch (repeats count twice), as {@code torch.optim.lr_scheduler
     * .MultiStepLR}'s closed form {@code base·γ^bisect_right(milestones, epoch)}.
     */
    static LrSchedule multiStep(double base, List<Integer> milestones, double gamma) {
        List<Integer> ms = List.copyOf(milestones);
        return (e, i, n) -> {
            int passed = 0;
            for (int m : ms) if (m <= e) passed++;
            return base * Math.pow(gamma, passed);
        };
    }

    /**
     * min + (base − min)·(1 + cos(π·t/T))/2 with T = {@code epochs}, as {@code CosineAnnealingLR(T_max=epochs,
     * eta_min=min)}'s closed form. t is the epoch (PyTorch stepping once per epoch) or, with {@code perIteration},
     * the fractional epoch e + i/n (stepping once per iteration with T_max = epochs·n).
     */
    static LrSchedule cosine(double base, double min, int epochs, boolean perIteration) {
        return (e, i, n) -> {
            double t = perIteration ? e + (double) i / n : e;
            return min + (base - min) * (1 + Math.cos(Math.PI * t / epochs)) / 2;
        };
    }

    /**
     * This schedule multiplied by a linear warmup factor over the first W = round(warmupEpochs·n) iterations:
     * factor(j) = s + (1 − s)·j/W at global iteration j = e·n + i < W, then 1.
     *
     * <p>This is {@code LinearLR(start_factor=s, total_iters=W)} stepped per iteration and chained with the main
     * schedule ({@code ChainedScheduler} multiplies), and timm's warmup from {@code warmup_lr_init = s·base}: the
     * first iteration uses s·lr (so s = 0 makes the first update a no-op, as in timm with {@code warmup_lr_init=0}),
     * the main schedule runs on underneath, and its value is reached at iteration W.
     */
    default LrSchedule withWarmup(double warmupEpochs, double startFactor) {
        if (!(warmupEpochs > 0)) return this;
        LrSchedule main = this;
        return (e, i, n) -> {
            long w = Math.round(warmupEpochs * n);
            long j = (long) e * n + i;
            double factor = j < w ? startFactor + (1 - startFactor) * j / w : 1;
            return main.lr(e, i, n) * factor;
        };
    }

    /**
     * This schedule read {@code iterations} iterations ahead: iteration j of the phase gets the rate of j + offset.
     *
     * <p>With offset 1 this is the StrucSpars code's {@code vlutils.MultiStepLR}, whose {@code step()} increments
     * its counter before computing the rate: the first warmup step is base/W (W warmup iterations), step j is
     * base·(j+1)/W, and milestone m acts from the iteration numbered m·n, the last one of epoch m − 1.
     */
    default LrSchedule ahead(int iterations) {
        if (iterations == 0) return this;
        LrSchedule main = this;
        return (e, i, n) -> {
            long j = (long) e * n + i + iterations;
            return main.lr((int) (j / n), (int) (j % n), n);
        };
    }
}

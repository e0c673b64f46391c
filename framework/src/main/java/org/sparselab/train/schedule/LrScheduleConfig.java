package org.sparselab.train.schedule;

import org.sparselab.config.ConfigTypes;
import org.sparselab.config.Doc;
import org.sparselab.config.Variants;

/**
 * The learning-rate schedule of a training phase, chosen by {@code name}: {@code constant}, {@code multistep} or
 * {@code cosine}; each with an optional per-iteration linear warmup that multiplies it ({@link
 * LrSchedule#withWarmup}).
 */
@Variants(key = "name")
@Doc("Learning-rate schedule, chosen by name (constant, multistep, cosine), with optional linear warmup.")
public interface LrScheduleConfig {
    String name();

    /** Warmup length in epochs (fractional allowed), 0 for none. */
    double warmupEpochs();

    /** Warmup factor at the first iteration, in [0, 1]. */
    double warmupStartFactor();

    /** 0: step j is read at iteration j (torch); 1: at iteration j + 1 (the StrucSpars code's vlutils schedulers). */
    int iterationOffset();

    /** The main schedule without warmup. */
    LrSchedule main(double baseLr, int phaseEpochs);

    /** The schedule for a phase of {@code phaseEpochs} epochs starting from the optimizer's {@code baseLr}. */
    default LrSchedule create(double baseLr, int phaseEpochs) {
        return main(baseLr, phaseEpochs).withWarmup(warmupEpochs(), warmupStartFactor()).ahead(iterationOffset());
    }

    /** Registers the schedule variants. */
    static void register(ConfigTypes types) {
        types.register(LrScheduleConfig.class, ConstantLrConfig.NAME, ConstantLrConfig.class)
                .register(LrScheduleConfig.class, MultiStepLrConfig.NAME, MultiStepLrConfig.class)
                .register(LrScheduleConfig.class, CosineLrConfig.NAME, CosineLrConfig.class);
    }
}

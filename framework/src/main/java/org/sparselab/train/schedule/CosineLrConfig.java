package org.sparselab.train.schedule;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Cosine annealing over the phase, as {@code torch.optim.lr_scheduler.CosineAnnealingLR(T_max=epochs)}. */
@Doc("Cosine annealing from the base lr to min_lr over the phase's epochs (torch CosineAnnealingLR).")
public record CosineLrConfig(
        @Doc("Schedule name: cosine.") String name,
        @Doc("Learning rate at the end of the cosine (eta_min).") @Default("0") double minLr,
        @Doc("Anneal every iteration (fractional epochs) instead of once per epoch.") @Default("false")
                boolean perIteration,
        @Doc("Linear warmup length in epochs (fractional allowed); 0 for none.") @Default("0") double warmupEpochs,
        @Doc("Warmup factor at the first iteration (lr = factor·scheduled lr), rising linearly to 1.") @Default("0")
                double warmupStartFactor,
        @Doc("0: the first iteration is step 0, as torch's schedulers (warmup starts at warmup_start_factor·lr, a "
                + "milestone acts from its epoch's first iteration). 1: the schedule is read one iteration ahead, as "
                + "the StrucSpars code's vlutils schedulers that count an iteration before using it (warmup's first "
                + "step is lr/W for W warmup iterations, then lr·j/W; a milestone acts from the last iteration of the "
                + "epoch before it).")
        @Default("0") int iterationOffset)
        implements LrScheduleConfig {
    public static final String NAME = "cosine";

    public CosineLrConfig {
        Check.oneOf("name", name, List.of(NAME));
        Check.nonNegative("min_lr", minLr);
        Warmup.check(warmupEpochs, warmupStartFactor, iterationOffset);
    }

    @Override
    public LrSchedule main(double baseLr, int phaseEpochs) {
        if (phaseEpochs <= 0) throw new IllegalArgumentException("cosine needs a positive number of epochs");
        return LrSchedule.cosine(baseLr, minLr, phaseEpochs, perIteration);
    }
}

package org.sparselab.train.schedule;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** The base learning rate throughout (after warmup). */
@Doc("Constant learning rate.")
public record ConstantLrConfig(
        @Doc("Schedule name: constant.") String name,
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
    public static final String NAME = "constant";

    public ConstantLrConfig {
        Check.oneOf("name", name, List.of(NAME));
        Warmup.check(warmupEpochs, warmupStartFactor, iterationOffset);
    }

    @Override
    public LrSchedule main(double baseLr, int phaseEpochs) {
        return LrSchedule.constant(baseLr);
    }
}

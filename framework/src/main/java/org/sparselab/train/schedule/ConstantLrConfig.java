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
                double warmupStartFactor)
        implements LrScheduleConfig {
    public static final String NAME = "constant";

    public ConstantLrConfig {
        Check.oneOf("name", name, List.of(NAME));
        Warmup.check(warmupEpochs, warmupStartFactor);
    }

    @Override
    public LrSchedule main(double baseLr, int phaseEpochs) {
        return LrSchedule.constant(baseLr);
    }
}

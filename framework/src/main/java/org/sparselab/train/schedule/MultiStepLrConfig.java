package org.sparselab.train.schedule;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Step decay at given epochs, as {@code torch.optim.lr_scheduler.MultiStepLR}. */
@Doc("Multiply the learning rate by gamma at each milestone epoch (torch MultiStepLR).")
public record MultiStepLrConfig(
        @Doc("Schedule name: multistep.") String name,
        @Doc("Epochs (0-based, within the phase) from which the next factor gamma applies.") List<Integer> milestones,
        @Doc("Factor applied at each milestone.") @Default("0.1") double gamma,
        @Doc("Linear warmup length in epochs (fractional allowed); 0 for none.") @Default("0") double warmupEpochs,
        @Doc("Warmup factor at the first iteration (lr = factor·scheduled lr), rising linearly to 1.") @Default("0")
                double warmupStartFactor)
        implements LrScheduleConfig {
    public static final String NAME = "multistep";

    public MultiStepLrConfig {
        Check.oneOf("name", name, List.of(NAME));
        milestones = List.copyOf(milestones);
        for (int k = 0; k < milestones.size(); k++) Check.nonNegative("milestones[" + k + "]", milestones.get(k));
        Check.positive("gamma", gamma);
        Warmup.check(warmupEpochs, warmupStartFactor);
    }

    @Override
    public LrSchedule main(double baseLr, int phaseEpochs) {
        return LrSchedule.multiStep(baseLr, milestones, gamma);
    }
}

package org.sparselab.experiments;

import org.sparselab.config.ConfigTypes;
import org.sparselab.methods.Methods;
import org.sparselab.train.optim.OptimizerConfig;
import org.sparselab.train.schedule.LrScheduleConfig;

/** Every variant record the experiment config can hold, registered in one place. */
public final class Schema {
    private Schema() {}

    public static ConfigTypes types() {
        ConfigTypes t = new ConfigTypes();
        OptimizerConfig.register(t);
        LrScheduleConfig.register(t);
        Methods.register(t);
        return t;
    }
}

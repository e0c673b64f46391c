package org.sparselab.experiments;

import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigLoader;
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

    /**
     * A run's stored resolved config bound by today's schema: keys added since the run get their defaults (which by
     * the identity rule of {@link org.sparselab.config.ConfigWriter#identitySha256} are what the run used). Throws
     * {@link RuntimeException} when it no longer binds (a key since renamed or removed).
     */
    public static ConfigLoader.Loaded<ExperimentConfig> rebind(String storedYaml) {
        return ConfigLoader.parse(storedYaml, List.of(), ExperimentConfig.class, types(), Map.of());
    }

    /** {@link #rebind}'s resolved YAML, or the stored YAML itself when it no longer binds. */
    public static String rebindOrKeep(String storedYaml) {
        try {
            return rebind(storedYaml).yaml();
        } catch (RuntimeException e) {
            return storedYaml;
        }
    }
}

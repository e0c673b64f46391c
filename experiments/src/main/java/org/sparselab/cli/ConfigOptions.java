package org.sparselab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigFiles;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.ConfigNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.SweepConfig;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import picocli.CommandLine.Option;

/** Options shared by commands that take a config: overrides and printing the resolved config. */
final class ConfigOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set train.epochs=3 --set train.phases[1].epochs=5 "
                    + "--set data.batch_size=64 (values are YAML: 0.1, true, [30, 60]).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--print-config", description = "Print the fully resolved config as YAML and exit.")
    boolean printConfig;

    /** The config of one run; a file with a {@code sweep:} block is bad input here (it is for {@code sweep}). */
    ConfigLoader.Loaded<ExperimentConfig> load(Path file) {
        MapNode tree = ConfigFiles.load(file);
        ConfigNode sweep = tree.get(SweepConfig.KEY);
        if (sweep != null) {
            throw new ConfigException(sweep.source(), sweep.line(), SweepConfig.KEY, "this config describes a sweep; "
                    + "run it with ./sparselab sweep " + file + " (or remove the block for a single run)", null);
        }
        return ConfigLoader.bind(tree, overrides, ExperimentConfig.class, Schema.types(), System.getenv());
    }
}

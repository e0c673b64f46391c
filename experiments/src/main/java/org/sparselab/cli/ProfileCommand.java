package org.sparselab.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparselab.data.DataModule;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.methods.Method;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab profile <config>}: the per-layer params / MACs table of the config's model. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Print the per-layer parameter and MAC table of a config's model (dense and effective).")
final class ProfileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML experiment config.")
    Path config;

    @Mixin
    ConfigOptions options;

    @Option(names = "--csv", description = "CSV instead of the aligned table.")
    boolean csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ExperimentConfig cfg = options.load(config).config();
        Runs.pipeline().validateModel(cfg);
        ModelProfile profile;
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), Runs.dataEnvironment());
                NDManager manager = NDManager.newBaseManager()) {
            Method method = cfg.method().create();
            var block = Models.defaults().create(cfg.model().arch(), method.modelContext(data.channels(),
                    data.imageSize(), data.numClasses()));
            profile = Profiler.profile(block, new Shape(1, data.channels(), data.imageSize(), data.imageSize()),
                    manager);
        }
        var out = spec.commandLine().getOut();
        out.print(csv ? profile.toCsv() : profile.toTable());
        out.flush();
        return 0;
    }
}

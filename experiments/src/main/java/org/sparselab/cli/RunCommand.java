package org.sparselab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab run <config>}: one experiment end to end. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train and evaluate one experiment config.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML experiment config.")
    Path config;

    @Mixin
    ConfigOptions options;

    @Option(names = "--no-progress", description = "Plain log lines instead of progress bars.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var loaded = options.load(config);
        if (options.printConfig) {
            spec.commandLine().getOut().print(loaded.yaml());
            spec.commandLine().getOut().flush();
            return 0;
        }
        Runs.pipeline().validate(loaded.config());
        return Runs.run(loaded, noProgress, spec.commandLine().getOut());
    }

}

package org.sparselab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    ProgressOption progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return Runs.runOrPrint(options, config, progress.noProgress, spec.commandLine().getOut());
    }

}

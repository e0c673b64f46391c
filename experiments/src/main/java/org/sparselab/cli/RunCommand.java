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

    @Mixin
    ProgressOption progress;

    @Option(names = "--idempotent",
            description = "Do not run a config that already has a FINISHED run (same SHA-256) under output.dir; "
                    + "resume an interrupted one from its checkpoint (what sweep array tasks use).")
    boolean idempotent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return Runs.runOrPrint(options, config, progress.noProgress, idempotent, spec.commandLine().getOut());
    }

}

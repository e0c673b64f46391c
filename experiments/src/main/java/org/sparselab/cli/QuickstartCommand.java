package org.sparselab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab quickstart}: the README's first command, {@code configs/quickstart.yaml}. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train ResNet-20 on Fashion-MNIST (configs/quickstart.yaml) and print a summary.")
final class QuickstartCommand implements Callable<Integer> {
    static final Path CONFIG = Path.of("configs", "quickstart.yaml");

    @Mixin
    ConfigOptions options;

    @Mixin
    ProgressOption progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(CONFIG)) {
            throw new ConfigException(CONFIG.toString(), 0, "", "not found; run ./sparselab from the repository root",
                    null);
        }
        return Runs.runOrPrint(options, CONFIG, progress.noProgress, spec.commandLine().getOut());
    }
}

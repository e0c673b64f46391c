package org.sparselab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab quickstart}: the README's first command, {@code configs/quickstart.yaml}. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train ResNet-20 on Fashion-MNIST (configs/quickstart.yaml) and print a summary.")
final class QuickstartCommand implements Callable<Integer> {
    static final Path CONFIG = Path.of("configs", "quickstart.yaml");

    @Mixin
    ConfigOptions options;

    @Option(names = "--no-progress", description = "Plain log lines instead of progress bars.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(CONFIG)) {
            throw new ConfigException(CONFIG.toString(), 0, "", "not found; run ./sparselab from the repository root",
                    null);
        }
        var loaded = options.load(CONFIG);
        if (options.printConfig) {
            spec.commandLine().getOut().print(loaded.yaml());
            spec.commandLine().getOut().flush();
            return 0;
        }
        return Runs.run(loaded, noProgress, spec.commandLine().getOut());
    }
}

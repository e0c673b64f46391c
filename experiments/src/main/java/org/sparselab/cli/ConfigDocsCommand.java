package org.sparselab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigDocs;
import org.sparselab.config.ConfigTypes;
import org.sparselab.config.SweepConfig;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import org.sparselab.studies.SuiteConfig;
import org.sparselab.tracking.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab config-docs}: the config reference generated from the records ({@code docs/config.md}). */
@Command(name = "config-docs", mixinStandardHelpOptions = true,
        description = "Print (or --write) docs/config.md, generated from the config records.")
final class ConfigDocsCommand implements Callable<Integer> {
    @Option(names = "--write", description = "Write docs/config.md instead of printing.")
    boolean write;

    @Spec
    CommandSpec spec;

    /** The experiment config, then the {@code sweep:} block and reproduction suites. */
    static String markdown() {
        return ConfigDocs.markdown(ExperimentConfig.class, Schema.types()) + "\n"
                + ConfigDocs.section("The `sweep:` block", "A config file may hold a `sweep:` block; `./sparselab "
                        + "sweep` runs it (`./sparselab run` refuses such a file). The flags `--sweep`, `--zip`, "
                        + "`--seeds` and `--name` add to it.", SweepConfig.class, SweepConfig.KEY, new ConfigTypes())
                + "\n"
                + ConfigDocs.section("Reproduction suites", null, SuiteConfig.class, "", SuiteConfig.types());
    }

    @Override
    public Integer call() throws Exception {
        if (write) AtomicFiles.write(Path.of("docs", "config.md"), markdown());
        else spec.commandLine().getOut().print(markdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

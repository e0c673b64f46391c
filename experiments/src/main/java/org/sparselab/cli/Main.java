package org.sparselab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./sparselab}. */
@Command(name = "sparselab", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Reproducible research on structured sparsity and channel shuffle in CNNs.",
        subcommands = {QuickstartCommand.class, RunCommand.class, ResumeCommand.class, SweepCommand.class,
                ReportCommand.class, ReproduceCommand.class, ProfileCommand.class, BenchCommand.class,
                SyncCommand.class, ModelsCommand.class, ConfigDocsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ExitCodes());
        return cl;
    }
}

package org.sparselab.cli;

import org.sparselab.train.StopRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./sparselab}. */
@Command(name = "sparselab", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Reproducible research on structured sparsity and channel shuffle in CNNs.",
        subcommands = {QuickstartCommand.class, RunCommand.class, ResumeCommand.class, SweepCommand.class,
                ReportCommand.class, ReproduceCommand.class, ProfileCommand.class, BenchCommand.class,
                SyncCommand.class, ModelsCommand.class, ConfigDocsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /**
     * Set by a sweep for its worker processes: stdin is a pipe from the sweep, and its end (the sweep died, even by
     * kill -9) stops the worker as SIGTERM would, so no worker outlives its sweep.
     */
    static final String STOP_ON_STDIN_EOF = org.sparselab.studies.ProcessExecutor.STOP_ON_STDIN_EOF;

    public static void main(String[] args) {
        if ("1".equals(System.getenv(STOP_ON_STDIN_EOF))) watchStdin();
        System.exit(commandLine().execute(args));
    }

    private static void watchStdin() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the sweep never writes; anything read is ignored
                }
            } catch (java.io.IOException e) {
                // a broken pipe means the same as its end
            }
            StopRequest.request("the sweep that started this run went away");
            System.exit(ExitCodes.INTERRUPTED);
        }, "sparselab-sweep-watch");
        t.setDaemon(true);
        t.start();
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ExitCodes());
        return cl;
    }
}

package org.sparselab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparselab.studies.ProcessExecutor;
import org.sparselab.studies.Reproduction;
import org.sparselab.studies.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab reproduce <method>}: the method's reproduction suite as a sweep, then its REPORT.md. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run configs/repro/<method>/suite.yaml as one sweep (skipping what has finished), then write "
                + "REPORT.md (comparison and ablation tables, accuracy-vs-MACs figure, the paper's claims with "
                + "verdicts computed from the runs, machine and time) into the suite's output directory.")
final class ReproduceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "METHOD", description = "Method name, e.g. strucspars.")
    String method;

    @Option(names = "--suite", paramLabel = "FILE", description = "A suite file instead of configs/repro/METHOD/suite.yaml.")
    Path suite;

    @Option(names = "--report-only", description = "Write the report from the runs there are; run nothing.")
    boolean reportOnly;

    @Option(names = "--dry-run", description = "List the suite's points and what would happen to each; write nothing.")
    boolean dryRun;

    @Mixin
    WorkerOptions workers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Path file = suite != null ? suite : Reproduction.suiteFile(project, method);
        SweepRunner.Options o = workers.options(dryRun);
        List<String> command = spec.commandLine().getParseResult().originalArgs();
        Reproduction.Result r = new Reproduction(project, System.getenv(), Runs.pipeline()::validatePlanned,
                spec.commandLine().getOut()).run(file, reportOnly, o,
                new ProcessExecutor(ProcessExecutor.launcherOf(Main.class, o.threads()), project, o.threads()),
                command);
        if (dryRun) return 0;
        if (r.sweep() != null && !r.sweep().complete()) {
            spec.commandLine().getErr().printf("warning: not every run FINISHED (%s); the report uses those that "
                    + "did%n", r.sweep().counts());
            return 1;
        }
        return 0;
    }
}

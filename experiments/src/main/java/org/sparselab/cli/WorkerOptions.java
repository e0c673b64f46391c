package org.sparselab.cli;

import org.sparselab.config.ConfigException;
import org.sparselab.studies.SweepRunner;
import picocli.CommandLine.Option;

/** How many points run at once and with how many threads each; whether failed points are tried again. */
final class WorkerOptions {
    @Option(names = "--workers", paramLabel = "N",
            description = "Points run at once, each in its own JVM (default: half the cores, at least 1).")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads per point (default: the cores divided by the workers).")
    Integer threads;

    @Option(names = "--retry-failed", description = "Run points again whose last run FAILED (default: report them).")
    boolean retryFailed;

    int workers() {
        int cores = Runtime.getRuntime().availableProcessors();
        int w = workers != null ? workers : Math.max(1, cores / 2);
        if (w < 1) throw ConfigException.expected("--workers", "a positive integer", w);
        return w;
    }

    int threads() {
        int t = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / workers());
        if (t < 1) throw ConfigException.expected("--threads", "a positive integer", t);
        return t;
    }

    SweepRunner.Options options(boolean dryRun) {
        return new SweepRunner.Options(workers(), threads(), retryFailed, dryRun);
    }
}

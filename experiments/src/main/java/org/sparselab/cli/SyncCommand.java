package org.sparselab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigException;
import org.sparselab.tracking.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab sync <run-dir|results-dir>}: replays MLflow events that could not be sent when the run ran. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Send spooled MLflow events (server was down or slow) of one run or of every run under a "
                + "directory; idempotent, and a run whose process died ends KILLED or FAILED, never FINISHED.")
final class SyncCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A run directory or a results directory.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir.toString(), 0, "", "no such directory", null);
        var results = Spool.sync(dir, System.getenv());
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-60s %-34s %6s %8s  %s%n", "run directory", "mlflow run", "sent", "pending",
                "status");
        int pending = 0;
        for (var r : results) {
            out.printf(Locale.ROOT, "%-60s %-34s %6d %8d  %s%n", r.runDir(), r.runId(), r.sent(), r.pending(),
                    r.finalStatus());
            pending += r.pending();
        }
        if (results.isEmpty()) out.println("no spooled MLflow events under " + dir);
        out.flush();
        return pending == 0 ? 0 : 1;
    }
}

package org.sparselab.cli;

import org.sparselab.config.ConfigException;
import org.sparselab.data.DataException;
import org.sparselab.train.TrainingDivergedException;
import org.sparselab.train.StopRequest;
import org.sparselab.train.TrainingStopped;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Maps failures to one line on stderr and an exit code: bad input (config, data) → 2; training diverged → 3;
 * training stopped by SIGTERM with a checkpoint → 143;
 * anything else → 1 with the stack trace only when {@code SPARSELAB_DEBUG=1}.
 */
final class ExitCodes implements IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int DIVERGED = 3;
    /** 128 + SIGTERM, as a shell reports a process ended by it. */
    static final int INTERRUPTED = 143;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        var err = cmd.getErr();
        if (ex instanceof ConfigException || ex instanceof DataException) {
            err.println("error: " + ex.getMessage());
            return BAD_INPUT;
        }
        if (ex instanceof TrainingStopped) {
            err.println("interrupted: " + ex.getMessage());
            err.flush();
            StopRequest.markReported(); // the shutdown hook waits for this line before the JVM ends
            return INTERRUPTED;
        }
        if (ex instanceof TrainingDivergedException) {
            err.println("error: training diverged: " + ex.getMessage());
            return DIVERGED;
        }
        err.println("error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        if ("1".equals(System.getenv("SPARSELAB_DEBUG"))) ex.printStackTrace(err);
        else err.println("(set SPARSELAB_DEBUG=1 for the stack trace)");
        return 1;
    }
}

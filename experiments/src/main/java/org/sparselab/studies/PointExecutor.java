package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Path;

/** Runs one sweep point to its end and reports the exit code (0: the run finished). */
public interface PointExecutor {
    /** Trains the child config {@code config} from scratch; output goes to {@code log}. */
    int run(Path config, Path log) throws IOException, InterruptedException;

    /** Continues the interrupted run in {@code runDir} from its checkpoint; output goes to {@code log}. */
    int resume(Path runDir, Path log) throws IOException, InterruptedException;

    /** Stops whatever runs now (the sweep itself is being stopped); the runs end KILLED and can be resumed. */
    default void stopAll() {}
}

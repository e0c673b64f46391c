package org.sparselab.tracking;

import java.time.Duration;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Where runs are logged (MLflow); the run record on disk is written whatever this says. */
@Doc("Experiment tracking (MLflow).")
public record TrackingConfig(
        @Doc("MLflow tracking URI: file:<path> or a plain path (local MLflow file store), http(s)://host:port "
                + "(MLflow server), or none.")
        @Default("file:./mlruns") String uri,
        @Doc("MLflow experiment name, also the run-record folder under output.dir ([A-Za-z0-9_.-]+); defaults to "
                + "the config's name.") @Default("null") String experiment,
        @Doc("MLflow run id of a parent run (set by sweeps: the run is logged as its child, mlflow.parentRunId).")
        @Default("null") String parentRunId,
        @Doc("Seconds one request to an MLflow server may take (events are sent in the background; training never "
                + "waits for them).") @Default("10") double timeoutS,
        @Doc("Seconds the end of a run waits for unsent MLflow events; what is left stays in the run's spool for "
                + "./sparselab sync.") @Default("5") double finishWaitS) {
    public TrackingConfig {
        Check.notBlank("uri", uri);
        TrackingUri.parse("uri", uri); // bad text is refused here, before anything runs
        if (experiment != null) Check.pathSegment("experiment", experiment);
        Check.positive("timeout_s", timeoutS);
        Check.nonNegative("finish_wait_s", finishWaitS);
    }

    /** {@link #uri} parsed: none, a file store or a server. */
    public TrackingUri target() {
        return TrackingUri.parse("uri", uri);
    }

    /** The sender's timing: request timeout and finish wait from this config. */
    public SpooledTracker.Policy policy() {
        return SpooledTracker.Policy.of(Duration.ofMillis((long) (timeoutS * 1000)), (long) (finishWaitS * 1000));
    }
}

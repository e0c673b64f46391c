package org.sparselab.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Sends one run's events to an experiment tracker (MLflow file store, MLflow server, or nothing).
 *
 * <p>The run pipeline calls it in order: {@link #start}, then any number of params/metrics/tags/artifacts, then
 * {@link #finish}. Implementations validate keys against MLflow's rules, truncate over-long values and never send
 * non-finite metrics, so one call shape works for every backend. Obtain one with {@link Trackers#open}.
 */
public interface Tracker extends AutoCloseable {
    /** Creates the experiment if it is missing and a RUNNING run in it. */
    void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags);

    /**
     * Continues an existing run instead of starting one (a resumed training run), dropping metric points with a step
     * after {@code lastStep} that an interrupted attempt logged after its last checkpoint. Returns false when this
     * backend cannot reattach or the run is gone; the caller then starts a new run.
     */
    default boolean reattach(String experimentName, String runId, long lastStep) {
        return false;
    }

    /** The backend's run id (file store: 32 hex); null before {@link #start} or while a server was never reached. */
    String runId();

    /**
     * The run id, waiting up to {@code timeout} for a backend that creates runs in the background (a sweep needs its
     * parent's id before it writes the child configs); null when it is not known by then.
     */
    default String awaitRunId(java.time.Duration timeout) {
        return runId();
    }

    /** Logs params (immutable in MLflow); values over the server limit are truncated and the truncation tagged. */
    void logParams(Map<String, String> params);

    /** Logs metric points; non-finite values are not sent, a tag and one warning record them instead. */
    void logMetrics(List<MetricPoint> points);

    void setTags(Map<String, String> tags);

    /** Logs a file as an artifact under {@code artifactDir} ({@code ""} = the run's artifact root). */
    void logArtifact(Path file, String artifactDir);

    /** Ends the run with a terminal status. */
    void finish(RunStatus status, long endTimeMs);

    @Override
    void close();
}

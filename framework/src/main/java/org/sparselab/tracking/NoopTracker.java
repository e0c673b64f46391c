package org.sparselab.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The tracker for {@code tracking.uri: none}: accepts every event and records nothing. */
final class NoopTracker implements Tracker {
    @Override public void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags) {}

    @Override public String runId() {
        return null;
    }

    @Override public void logParams(Map<String, String> params) {}

    @Override public void logMetrics(List<MetricPoint> points) {}

    @Override public void setTags(Map<String, String> tags) {}

    @Override public void logArtifact(Path file, String artifactDir) {}

    @Override public void finish(RunStatus status, long endTimeMs) {}

    @Override public void close() {}
}

package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.tracking.FakeMlflowServer;
import org.sparselab.tracking.MetricPoint;
import org.sparselab.tracking.RestTracker;
import org.sparselab.tracking.RunStatus;

/** Runs read back from an MLflow server (mlflow-client's MlflowClient) into the run table a report is built from. */
class RunTableServerTest {
    @Test
    void serverRunsBecomeRowsWithParamsLatestMetricsAndTags() throws Exception {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            for (String method : List.of("none", "strucspars")) {
                RestTracker t = new RestTracker(server.uri(), Map.of(), Duration.ofSeconds(5));
                t.start("study", "run-" + method, 1_000L, Map.of("sparselab.seed", "0"));
                t.logParams(Map.of("method.name", method, "model.arch", "resnet20"));
                t.logMetrics(List.of(new MetricPoint("test_top1", 0.5, 10L, 0),
                        new MetricPoint("test_top1", method.equals("none") ? 0.9 : 0.85, 20L, 1)));
                t.finish(RunStatus.FINISHED, 2_000L);
            }
            RestTracker other = new RestTracker(server.uri(), Map.of(), Duration.ofSeconds(5));
            other.start("elsewhere", "x", 1L, Map.of());

            RunTable runs = RunTable.fromMlflowServer(server.uri(), "study", Map.of());
            assertEquals(2, runs.size(), "only the experiment asked for");
            for (int i = 0; i < runs.size(); i++) {
                assertEquals("FINISHED", runs.text(i, RunTable.STATUS));
                assertEquals("study", runs.text(i, RunTable.EXPERIMENT));
                boolean dense = "none".equals(runs.text(i, RunTable.PARAMS + "method.name"));
                assertEquals(dense ? 0.9 : 0.85, runs.number(i, RunTable.METRICS + "test_top1"), "the latest value");
                assertEquals("0", runs.text(i, RunTable.TAGS + "sparselab.seed"));
            }
            assertEquals(3, RunTable.fromMlflowServer(server.uri(), null, Map.of()).size(), "every experiment");
            assertTrue(server.count("/runs/search") >= 2);
        }
    }
}

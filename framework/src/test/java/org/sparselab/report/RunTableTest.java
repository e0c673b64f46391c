package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.tracking.FileStoreTracker;
import org.sparselab.tracking.MetricPoint;
import org.sparselab.tracking.RunStatus;

/** The run table has MLflow's columns, whether it is read from run records or from an MLflow file store. */
class RunTableTest {
    @TempDir Path dir;

    @Test
    void recordsBecomeParamsMetricsAndTagsColumns() throws IOException {
        FakeRuns runs = new FakeRuns(dir.resolve("results"));
        Path run = runs.run("strucspars", "resnet20", 2, 0.8).target("0.5").effective(100, 1000).latency(3.5).write();
        runs.run("none", "resnet20", 0, 0.9).status("RUNNING").write();
        RunTable t = RunTable.fromRecords(dir.resolve("results"));
        assertEquals(2, t.size());
        assertEquals(1, t.finished().size());
        int r = 0;
        assertEquals(run.toAbsolutePath().toString(), t.text(r, RunTable.RUN_DIR));
        assertEquals("FINISHED", t.text(r, RunTable.STATUS));
        assertEquals("strucspars", t.text(r, "params.method.name"));
        assertEquals("0.5", t.text(r, "params.method.target_sparsity"));
        assertEquals("2", t.text(r, "params.seed"));
        assertEquals(0.8, t.number(r, "metrics.test_top1"), 0);
        assertEquals(0.81, t.number(r, "metrics.train_top1"), 1e-12);
        assertEquals(0.8, t.number(r, "metrics.best_test_top1"), 0);
        assertEquals(1000, t.number(r, "metrics.effective_macs"), 0);
        assertEquals(40e6, t.number(r, "metrics.macs"), 0);
        assertEquals(3.5, t.number(r, "metrics.latency_ms"), 0);
        assertEquals(0.05, t.number(r, "metrics.lr"), 0, "the last epoch's rate, as MLflow's latest lr");
        assertEquals("0".repeat(63) + "1", t.text(r, RunTable.CONFIG_SHA256));
        assertEquals("abc123", t.text(r, "tags.mlflow.source.git.commit"));
        assertNull(t.text(r, "tags.mlflow.parentRunId"), "no parent: no tag");
        assertTrue(Double.isNaN(t.number(r, "metrics.absent")));
        List<String> cols = t.table().columnNames();
        assertEquals(RunTable.RUN_ID, cols.get(0));
        assertTrue(cols.indexOf("params.seed") < cols.indexOf("metrics.test_top1")
                && cols.indexOf("metrics.test_top1") < cols.indexOf("tags.sparselab.seed"), cols.toString());
    }

    @Test
    void mlflowFileStoreRunsReadWithTheLatestMetricValue() throws IOException {
        Path store = dir.resolve("mlruns");
        FileStoreTracker t = new FileStoreTracker(store);
        t.start("study", "dense-s0", 1000, Map.of("sparselab.config_sha256", "f".repeat(64)));
        t.logParams(Map.of("method.name", "none", "model.arch", "resnet20", "data.name", "synthetic", "seed", "0"));
        // Out of order on purpose: MLflow's latest is the largest step, not the last line.
        t.logMetrics(List.of(new MetricPoint("test_top1", 0.7, 2000, 2), new MetricPoint("test_top1", 0.5, 3000, 1),
                new MetricPoint("effective_macs", 1e6, 1000, 0)));
        t.finish(RunStatus.FINISHED, 4000);
        FileStoreTracker other = new FileStoreTracker(store);
        other.start("elsewhere", "x", 1000, Map.of());
        other.finish(RunStatus.FAILED, 2000);

        RunTable table = RunTable.fromMlflowStore(store, "study");
        assertEquals(1, table.size());
        assertEquals(t.runId(), table.text(0, RunTable.RUN_ID));
        assertEquals("FINISHED", table.text(0, RunTable.STATUS));
        assertEquals(0.7, table.number(0, "metrics.test_top1"), 0);
        assertEquals("resnet20", table.text(0, "params.model.arch"));
        assertEquals("f".repeat(64), table.text(0, RunTable.CONFIG_SHA256));
        assertEquals("dense-s0", table.text(0, "tags.mlflow.runName"));
        assertEquals(2, RunTable.fromMlflowStore(store, null).size());
    }
}

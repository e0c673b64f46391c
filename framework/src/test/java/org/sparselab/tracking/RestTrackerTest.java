package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestTrackerTest {
    @TempDir Path tmp;
    FakeMlflowServer server;

    @BeforeEach
    void up() throws IOException {
        server = new FakeMlflowServer(0);
    }

    @AfterEach
    void down() {
        server.close();
    }

    private RestTracker tracker(Map<String, String> env) {
        return new RestTracker(server.uri(), env, Duration.ofMillis(500));
    }

    @Test
    void logsARunSplittingBatchesToServerLimits() {
        try (RestTracker t = tracker(Map.of("MLFLOW_TRACKING_TOKEN", "s3cret"))) {
            t.start("cifar", "run-a", 1000L, Map.of("sparselab.seed", "1"));
            assertEquals("Bearer s3cret", server.lastAuthorization);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < 250; i++) params.put("p" + i, "v" + i);
            t.logParams(params);
            List<MetricPoint> points = new ArrayList<>();
            for (int i = 0; i < 2500; i++) points.add(new MetricPoint("train/loss", 1.0 / (i + 1), 2000L + i, i));
            points.add(new MetricPoint("val/loss", Double.POSITIVE_INFINITY, 3000L, 1));
            t.logMetrics(points);
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = 0; i < 150; i++) tags.put("t" + i, "x");
            t.setTags(tags);
            t.finish(RunStatus.FINISHED, 9000L);
        }
        // 3 param batches + 3 metric batches + 1 non-finite tag batch + 2 tag batches; the server rejected none.
        assertEquals(9, server.count("/runs/log-batch"));
        FakeMlflowServer.Run run = server.onlyRun();
        assertEquals(250, run.params.size());
        assertEquals(2500, run.metrics.get("train/loss").size());
        assertFalse(run.metrics.containsKey("val/loss"));
        assertEquals("val/loss", run.tags.get("sparselab.nonfinite_metrics"));
        assertEquals("run-a", run.tags.get("mlflow.runName"));
        assertEquals("FINISHED", run.status());
        assertEquals(9000L, run.info.path("end_time").asLong());
        assertEquals(1, server.count("/experiments/create"));
    }

    @Test
    void reusesTheExperimentAndSendsBasicAuth() {
        for (int i = 0; i < 2; i++) {
            try (RestTracker t = tracker(Map.of("MLFLOW_TRACKING_USERNAME", "u", "MLFLOW_TRACKING_PASSWORD", "p"))) {
                t.start("same", "r" + i, 1L, Map.of());
            }
        }
        assertEquals(1, server.count("/experiments/create"));
        assertEquals(2, server.runs.size());
        assertEquals("Basic dTpw", server.lastAuthorization);
    }

    @Test
    void changedParamIsRejectedByTheServerNotRetried() {
        try (RestTracker t = tracker(Map.of())) {
            t.start("e", "r", 1L, Map.of());
            t.logParams(Map.of("a", "1"));
            t.logParams(Map.of("a", "1"));
            var e = assertThrows(MlflowException.class, () -> t.logParams(Map.of("a", "2")));
            assertEquals(400, e.httpStatus());
            assertEquals("INVALID_PARAMETER_VALUE", e.errorCode());
            assertFalse(e.retryable());
        }
    }

    @Test
    void uploadsArtifactsThroughTheProxyAndCopiesForLocalUris() throws IOException {
        Path f = Files.writeString(tmp.resolve("summary.json"), "{\"top1\": 0.9}\n");
        try (RestTracker t = tracker(Map.of())) {
            t.start("e", "r", 1L, Map.of());
            t.logArtifact(f, "records");
            t.logArtifact(f, "");
            String prefix = t.experimentId() + "/" + t.runId() + "/artifacts/";
            assertArrayEquals(Files.readAllBytes(f), server.artifacts.get(prefix + "records/summary.json"));
            assertArrayEquals(Files.readAllBytes(f), server.artifacts.get(prefix + "summary.json"));
        }
        Path store = tmp.resolve("store");
        server.artifactUriTemplate = store.toUri().toString().replaceFirst("/$", "") + "/%s/%s/artifacts";
        try (RestTracker t = tracker(Map.of())) {
            t.start("e", "r2", 1L, Map.of());
            t.logArtifact(f, "records");
            Path copied = store.resolve(t.experimentId()).resolve(t.runId()).resolve("artifacts/records/summary.json");
            assertEquals("{\"top1\": 0.9}\n", Files.readString(copied, StandardCharsets.UTF_8));
        }
    }

    @Test
    void failuresAreRetryableMlflowExceptions() {
        try (RestTracker t = tracker(Map.of())) {
            t.start("e", "r", 1L, Map.of());
            server.mode = FakeMlflowServer.Mode.FAIL_500;
            assertTrue(assertThrows(MlflowException.class, () -> t.setTags(Map.of("a", "b"))).retryable());
            server.mode = FakeMlflowServer.Mode.HANG;
            long t0 = System.nanoTime();
            assertTrue(assertThrows(MlflowException.class, () -> t.setTags(Map.of("a", "b"))).retryable());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "timed out, not waited for the server");
            server.mode = FakeMlflowServer.Mode.DROP;
            assertTrue(assertThrows(MlflowException.class, () -> t.setTags(Map.of("a", "b"))).retryable());
        }
        server.close();
        try (RestTracker t = tracker(Map.of())) {
            assertTrue(assertThrows(MlflowException.class, () -> t.start("e", "r", 1L, Map.of())).retryable());
        }
    }
}

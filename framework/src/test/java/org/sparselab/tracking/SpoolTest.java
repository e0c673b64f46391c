package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SpoolTest {
    private static final Map<String, String> ENV = Map.of();
    @TempDir Path tmp;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Path runDir;

    @BeforeEach
    void captureWarnings() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(SpooledTracker.class)).addAppender(logs);
        runDir = tmp.resolve("results/runs/exp/r1");
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(SpooledTracker.class)).detachAppender(logs);
    }

    /** Fast policy: requests time out after 300 ms, backoff 50 ms doubling to 400 ms, 1 s of waiting at finish. */
    private SpooledTracker tracker(String uri, long pid) {
        return tracker(uri, pid, 1_000, 10_000);
    }

    private SpooledTracker tracker(String uri, long pid, long finishWaitMs, int queueCapacity) {
        var policy = new SpooledTracker.Policy(Duration.ofMillis(300), 50, 400, finishWaitMs,
                System::currentTimeMillis, Thread::sleep, pid, -1, queueCapacity);
        return new SpooledTracker(runDir, uri, ENV, policy);
    }

    private long warnings(String containing) {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getFormattedMessage().contains(containing)).count();
    }

    private static void writeSummary(Path runDir, String status) throws IOException {
        AtomicFiles.write(runDir.resolve(RunRecorder.SUMMARY), "{\"status\": \"" + status + "\"}\n");
    }

    private static List<MetricPoint> epoch(int e) {
        return List.of(new MetricPoint("train/loss", 1.0 / (e + 1), 10_000L + e, e),
                new MetricPoint("val/top1", 0.1 * e, 10_000L + e, e));
    }

    @Test
    void serverDownThenUpSyncReplaysEverythingOnce() throws IOException {
        int port;
        try (FakeMlflowServer probe = new FakeMlflowServer(0)) {
            port = probe.port(); // closed again: connections to it are refused
        }
        Path art = Files.writeString(tmp.resolve("config.yaml"), "seed: 1\n");
        try (SpooledTracker t = tracker("http://127.0.0.1:" + port, -1)) {
            t.start("cifar", "run-1", 5_000L, Map.of("sparselab.seed", "1"));
            t.logParams(Map.of("train.epochs", "3"));
            for (int e = 0; e < 3; e++) t.logMetrics(epoch(e));
            t.logArtifact(art, "config");
            t.finish(RunStatus.FINISHED, 20_000L);
            assertNull(t.runId());
            assertEquals(7, t.pendingCount());
        }
        assertEquals(1, warnings("unreachable"), "one warning, not one per event");
        assertEquals(1, warnings("./sparselab sync " + runDir), "what is left is named with the command");
        assertEquals(7, Spool.read(runDir).size());
        writeSummary(runDir, "FINISHED");

        try (FakeMlflowServer server = new FakeMlflowServer(port)) {
            List<Spool.SyncResult> r = Spool.sync(tmp.resolve("results"), ENV, Duration.ofSeconds(2));
            assertEquals(1, r.size());
            assertEquals(7, r.get(0).sent());
            assertEquals(RunStatus.FINISHED, r.get(0).finalStatus());
            FakeMlflowServer.Run run = server.onlyRun();
            assertEquals(r.get(0).runId(), run.info.path("run_id").asText());
            assertEquals("FINISHED", run.status());
            assertEquals(20_000L, run.info.path("end_time").asLong());
            assertEquals(Map.of("train.epochs", "3"), run.params);
            assertEquals(3, run.metrics.get("train/loss").size());
            assertEquals("1", run.tags.get("sparselab.seed"));
            assertArrayEquals(Files.readAllBytes(art),
                    server.artifacts.get(run.info.path("experiment_id").asText() + "/" + r.get(0).runId()
                            + "/artifacts/config/config.yaml"));

            // Synced again: nothing to send. With the acknowledgement marker lost after the run was created,
            // the replay finds the points and params on the server and sends none twice.
            long batches = server.count("/runs/log-batch");
            assertEquals(0, Spool.sync(runDir, ENV, Duration.ofSeconds(2)).get(0).sent());
            assertEquals(batches, server.count("/runs/log-batch"));
            Spool.Ack ack = Spool.Ack.read(runDir);
            ack.acked = 1;
            ack.write(runDir);
            Spool.sync(runDir, ENV, Duration.ofSeconds(2));
            assertEquals(3, run.metrics.get("train/loss").size());
            assertEquals(3, run.metrics.get("val/top1").size());
            assertEquals(1, server.runs.size());
            assertEquals("FINISHED", run.status());
        }
    }

    @Test
    void aHungServerNeverStallsTrainingAndTheBacklogArrivesInOrder() throws Exception {
        try (FakeMlflowServer server = new FakeMlflowServer(0); SpooledTracker t = tracker(server.uri(), -1, 5_000,
                10_000)) {
            server.mode = FakeMlflowServer.Mode.HANG; // every request waits 5 s for nothing
            long t0 = System.nanoTime();
            t.start("cifar", "run-2", 1L, Map.of());
            for (int e = 0; e < 3; e++) t.logMetrics(epoch(e));
            t.setTags(Map.of("a", "b"));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs < 250, "logging returned at once, not after the server: " + tookMs + " ms");
            assertEquals(5, t.pendingCount());
            Thread.sleep(400); // the sender is stuck in (and timing out of) a request meanwhile
            server.mode = FakeMlflowServer.Mode.OK;
            t.finish(RunStatus.FINISHED, 99L); // waits (at most 5 s) for the sender to drain
            assertEquals(0, t.pendingCount());
            FakeMlflowServer.Run run = server.onlyRun();
            assertEquals(List.of(0L, 1L, 2L), run.metrics.get("train/loss").stream().map(MetricPoint::step).toList());
            assertEquals("FINISHED", run.status());
            assertEquals("b", run.tags.get("a"));
            assertEquals(6, Spool.Ack.read(runDir).acked);
        }
        assertEquals(1, warnings("unreachable"));
    }

    @Test
    void theEndOfARunWaitsOnlyAsLongAsConfigured() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0); SpooledTracker t = tracker(server.uri(), -1, 600,
                10_000)) {
            server.mode = FakeMlflowServer.Mode.HANG;
            t.start("cifar", "run-3", 1L, Map.of());
            t.logMetrics(epoch(0));
            long t0 = System.nanoTime();
            t.finish(RunStatus.FINISHED, 2L);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMs >= 550 && waitedMs < 1_500, "waited the 0.6 s configured: " + waitedMs + " ms");
            assertEquals(3, t.pendingCount(), "start, metrics and finish stay spooled");
        }
        assertEquals(1, warnings("were not sent within 0.6 s"));
    }

    @Test
    void aLostReplyToTheRunsCreationDoesNotCreateASecondRun() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0); SpooledTracker t = tracker(server.uri(), -1)) {
            server.mode = FakeMlflowServer.Mode.LOSE_CREATE_REPLY; // creates the run, drops the reply (once)
            t.start("cifar", "run-4", 1L, Map.of());
            t.logMetrics(epoch(0));
            t.finish(RunStatus.FINISHED, 3L);
            assertEquals(1, server.runs.size(), "the retry found the run by its key instead of creating another");
            assertEquals(1, server.count("/runs/create"));
            assertTrue(server.count("/runs/search") >= 1);
            FakeMlflowServer.Run run = server.onlyRun();
            assertEquals("FINISHED", run.status());
            assertEquals(1, run.metrics.get("train/loss").size());
            assertEquals(run.info.path("run_id").asText(), t.runId());
        }
    }

    @Test
    void aFullQueueSpillsToTheSpoolAndNothingIsLost() throws Exception {
        try (FakeMlflowServer server = new FakeMlflowServer(0); SpooledTracker t = tracker(server.uri(), -1, 10_000,
                2)) {
            server.mode = FakeMlflowServer.Mode.FAIL_500;
            t.start("cifar", "run-5", 1L, Map.of());
            for (int e = 0; e < 40; e++) t.logMetrics(epoch(e)); // 2 in memory, 39 only on disk
            assertEquals(41, t.pendingCount());
            server.mode = FakeMlflowServer.Mode.OK;
            t.finish(RunStatus.FINISHED, 4L);
            assertEquals(0, t.pendingCount());
            FakeMlflowServer.Run run = server.onlyRun();
            assertEquals(40, run.metrics.get("val/top1").size());
            List<Long> steps = run.metrics.get("train/loss").stream().map(MetricPoint::step).toList();
            for (int i = 0; i < 40; i++) assertEquals(i, steps.get(i), "in order: " + steps);
        }
    }

    @Test
    void aFileStoreThatFailsMidRunKeepsItsEventsForSync() throws IOException {
        Path store = tmp.resolve("mlruns");
        var policy = new SpooledTracker.Policy(Duration.ofMillis(300), 50, 400, 500, System::currentTimeMillis,
                Thread::sleep, -1, -1, 10_000);
        String mlflowRun;
        Path metrics;
        try (SpooledTracker t = new SpooledTracker(runDir, new FileStoreTracker(store), policy)) {
            t.start("cifar", "run-6", 1L, Map.of());
            t.logMetrics(epoch(0));
            waitFor(() -> t.pendingCount() == 0);
            mlflowRun = t.runId();
            metrics = Files.list(store).map(e -> e.resolve(mlflowRun)).filter(Files::exists).findFirst()
                    .orElseThrow().resolve("metrics");
            // The store breaks: its metrics directory is replaced by a file, so no metric can be written.
            Files.move(metrics, metrics.resolveSibling("metrics.away"));
            Files.writeString(metrics, "broken");
            for (int e = 1; e < 3; e++) t.logMetrics(epoch(e));
            t.finish(RunStatus.FINISHED, 5L);
            assertEquals(3, t.pendingCount(), "two metric events and the finish are kept");
        }
        Files.delete(metrics); // repaired
        Files.move(metrics.resolveSibling("metrics.away"), metrics);
        writeSummary(runDir, "FINISHED");
        Spool.SyncResult r = Spool.sync(runDir, ENV, Duration.ofSeconds(2)).get(0);
        assertEquals(0, r.pending());
        assertEquals(3, r.sent());
        assertEquals(3, Files.readAllLines(metrics.resolve("train/loss")).size(), "epochs 0, 1 and 2");
        assertTrue(Files.readString(metrics.resolveSibling("meta.yaml")).contains("status: 3"), "FINISHED");
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws IOException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }

    @Test
    void killedRunEndsKilledNeverFinished() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            try (SpooledTracker t = tracker(server.uri(), -1)) { // pid -1: the process is gone
                t.start("cifar", "run-3", 1L, Map.of());
                t.logMetrics(epoch(0));
                waitFor(() -> t.pendingCount() == 0);
                // killed here: no finish()
            }
            writeSummary(runDir, "RUNNING");
            assertEquals("RUNNING", server.onlyRun().status());
            List<Spool.SyncResult> r = Spool.sync(runDir, ENV, Duration.ofSeconds(2));
            assertEquals(RunStatus.KILLED, r.get(0).finalStatus());
            assertEquals("KILLED", server.onlyRun().status());
        }
    }

    @Test
    void runRecordOverridesASpooledFinishedAndALiveRunIsLeftRunning() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            server.mode = FakeMlflowServer.Mode.FAIL_500;
            try (SpooledTracker t = tracker(server.uri(), -1)) {
                t.start("cifar", "run-4", 1L, Map.of());
                t.finish(RunStatus.FINISHED, 50L);
            }
            writeSummary(runDir, "FAILED"); // the record says the run failed after all
            server.mode = FakeMlflowServer.Mode.OK;
            assertEquals(RunStatus.FAILED, Spool.sync(runDir, ENV, Duration.ofSeconds(2)).get(0).finalStatus());
            assertEquals("FAILED", server.onlyRun().status());
            assertTrue(server.requests.stream().noneMatch(q -> q.body().contains("\"FINISHED\"")));

            Path live = tmp.resolve("results/runs/exp/r2");
            runDir = live;
            try (SpooledTracker t = tracker(server.uri(), ProcessHandle.current().pid())) {
                t.start("cifar", "run-5", 1L, Map.of());
                waitFor(() -> t.pendingCount() == 0);
            }
            writeSummary(live, "RUNNING");
            assertNull(Spool.sync(live, ENV, Duration.ofSeconds(2)).get(0).finalStatus());
            assertEquals(1, server.runs.values().stream().filter(x -> x.status().equals("RUNNING")).count());
        }
    }
}

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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SpoolTest {
    private static final Map<String, String> ENV = Map.of();
    @TempDir Path tmp;
    private final AtomicLong clock = new AtomicLong(1_000_000);
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

    /** Fast policy on a fake clock: backoff 100 ms doubling to 800 ms, 2 s of waiting at finish; pid as given. */
    private SpooledTracker tracker(String uri, long pid) {
        var policy = new SpooledTracker.Policy(Duration.ofMillis(300), 100, 800, 2_000, clock::get,
                ms -> clock.addAndGet(ms), pid, -1);
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
            for (int e = 0; e < 3; e++) {
                t.logMetrics(epoch(e));
                clock.addAndGet(1_000);
            }
            t.logArtifact(art, "config");
            t.finish(RunStatus.FINISHED, 20_000L);
            assertNull(t.runId());
            assertEquals(7, t.pendingCount());
        }
        assertEquals(1, warnings("unreachable"), "one warning, not one per event");
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
    void retriesWithBackoffWhileTrainingGoesOnThenSendsTheBacklogInOrder() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0); SpooledTracker t = tracker(server.uri(), -1)) {
            server.mode = FakeMlflowServer.Mode.FAIL_500;
            t.start("cifar", "run-2", 1L, Map.of());
            assertEquals(1, server.requests.size());
            t.logMetrics(epoch(0)); // within the 100 ms backoff: spooled, not sent
            assertEquals(1, server.requests.size());
            clock.addAndGet(150);
            t.logMetrics(epoch(1)); // retry #2 fails: backoff 200 ms
            assertEquals(2, server.requests.size());
            clock.addAndGet(150);
            t.logMetrics(epoch(2));
            assertEquals(2, server.requests.size());
            server.mode = FakeMlflowServer.Mode.HANG;
            clock.addAndGet(100);
            long t0 = System.nanoTime();
            t.setTags(Map.of("a", "b")); // times out after 300 ms instead of waiting for the server
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
            assertEquals(3, server.requests.size());
            assertEquals(5, t.pendingCount());
            server.mode = FakeMlflowServer.Mode.OK;
            t.finish(RunStatus.FINISHED, 99L); // waits out the 400 ms backoff on the fake clock, then drains
            assertEquals(0, t.pendingCount());
            FakeMlflowServer.Run run = server.onlyRun();
            assertEquals(List.of(0L, 1L, 2L), run.metrics.get("train/loss").stream().map(MetricPoint::step).toList());
            assertEquals("FINISHED", run.status());
            assertEquals(6, Spool.Ack.read(runDir).acked);
        }
        assertEquals(1, warnings("unreachable"));
    }

    @Test
    void killedRunEndsKilledNeverFinished() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            try (SpooledTracker t = tracker(server.uri(), -1)) { // pid -1: the process is gone
                t.start("cifar", "run-3", 1L, Map.of());
                t.logMetrics(epoch(0));
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
            }
            writeSummary(live, "RUNNING");
            assertNull(Spool.sync(live, ENV, Duration.ofSeconds(2)).get(0).finalStatus());
            assertEquals(1, server.runs.values().stream().filter(x -> x.status().equals("RUNNING")).count());
        }
    }
}

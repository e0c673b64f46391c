package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigLoader;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;

/**
 * The sweep coordinator with an executor that writes run records without training: manifest, parent run, skipping
 * what finished, resuming what was interrupted, recording failures, dry runs, and a manifest that stays whole while
 * workers finish at once.
 */
class SweepRunnerTest {
    @TempDir Path dir;

    private final StringWriter printed = new StringWriter();

    private SweepRunner runner() {
        return new SweepRunner(dir, Map.of(), c -> { }, new PrintWriter(printed, true));
    }

    private SweepPlan plan(String grid) throws IOException {
        Path f = Files.writeString(dir.resolve("c.yaml"), SweepPlanTest.BASE.replace("tracking: {uri: none}",
                "tracking: {uri: '" + dir.resolve("mlruns") + "'}"));
        return SweepPlan.of(f, List.of(), List.of(grid), List.of(), 2, null);
    }

    private static SweepRunner.Options workers(int n) {
        return new SweepRunner.Options(n, 1, false, false);
    }

    @Test
    void runsEveryPointThenSkipsThemAll() throws IOException {
        SweepPlan plan = plan("model.arch=resnet20,resnet32");
        FakeExecutor ex = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep", "c.yaml"), workers(2), ex);
        assertTrue(o.complete(), o.counts().toString());
        assertEquals(4, ex.calls.size());
        SweepManifest.Data m = SweepManifest.read(o.dir());
        assertEquals(o.dir(), dir.resolve("results/runs/tiny/sweeps/tiny"));
        assertEquals(4, m.points().size());
        assertNotNull(m.parentRunId());
        for (SweepManifest.Point p : m.points()) {
            assertEquals("FINISHED", p.status());
            assertEquals("run", p.action());
            Path cfg = o.dir().resolve(p.config());
            var child = ConfigLoader.load(cfg, List.of(), ExperimentConfig.class, Schema.types()).config();
            assertEquals(m.parentRunId(), child.tracking().parentRunId(), "child knows its parent");
            assertEquals(p.configSha256(), RunRecorder.readSummary(Path.of(p.runDir())).get("config_sha256"));
        }
        assertEquals(Map.of("model.arch", "resnet32", "seed", "1"), m.points().get(3).values());
        // The parent MLflow run is FINISHED (status 3) in the file store.
        Path parentMeta = Files.walk(dir.resolve("mlruns")).filter(p -> p.endsWith(m.parentRunId() + "/meta.yaml"))
                .findFirst().orElseThrow();
        assertTrue(Files.readString(parentMeta).contains("status: 3"), Files.readString(parentMeta));

        FakeExecutor again = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o2 = runner().run(plan, List.of("sweep"), workers(2), again);
        assertTrue(again.calls.isEmpty(), "nothing to do: " + again.calls);
        assertTrue(o2.complete());
        assertEquals(m.parentRunId(), SweepManifest.read(o2.dir()).parentRunId(), "the same parent run");
        assertTrue(SweepManifest.read(o2.dir()).points().stream().allMatch(p -> p.action().equals("skip")));
    }

    @Test
    void aFreshCloneWithoutTheSweepDirectorySkipsThePointsItHas() throws IOException {
        SweepPlan plan = plan("model.arch=resnet20,resnet32");
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep"), workers(1), new FakeExecutor(dir, Map.of(), 0));
        String firstParent = SweepManifest.read(o.dir()).parentRunId();
        // A fresh clone: the run records are there, the sweep directory and the MLflow store are not.
        try (var files = Files.walk(o.dir())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        try (var files = Files.walk(dir.resolve("mlruns"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        FakeExecutor again = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o2 = runner().run(plan, List.of("sweep"), workers(1), again);
        SweepManifest.Data m = SweepManifest.read(o2.dir());
        assertTrue(!firstParent.equals(m.parentRunId()), "a new MLflow parent run");
        assertTrue(again.calls.isEmpty(), "nothing to do: " + again.calls);
        assertTrue(m.points().stream().allMatch(p -> p.action().equals("skip")), m.points().toString());
    }

    @Test
    void interruptedPointsResumeAndFailedOnesAreRecorded() throws IOException {
        SweepPlan plan = plan("model.arch=resnet20,resnet32");
        FakeExecutor first = new FakeExecutor(dir, Map.of("tiny-resnet20-s1", RunStatus.KILLED,
                "tiny-resnet32-s0", RunStatus.FAILED), 0);
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep"), workers(1), first);
        assertFalse(o.complete());
        assertEquals(Map.of("FINISHED", 2, "KILLED", 1, "FAILED", 1), o.counts());
        SweepManifest.Point failed = SweepManifest.read(o.dir()).points().get(2);
        assertEquals("error: boom (exit 1)", failed.error());

        FakeExecutor second = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o2 = runner().run(plan, List.of("sweep"), workers(1), second);
        String killedRun = SweepManifest.read(o.dir()).points().get(1).runId();
        assertEquals(List.of("resume " + killedRun), second.calls, "resumed; the failed point is not retried");
        assertEquals(Map.of("FINISHED", 3, "FAILED", 1), o2.counts());
        assertEquals("failed", SweepManifest.read(o.dir()).points().get(2).action());

        FakeExecutor third = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o3 = runner().run(plan, List.of("sweep"), new SweepRunner.Options(1, 1, true, false),
                third);
        assertEquals(List.of("run tiny-resnet32-s0"), third.calls);
        assertTrue(o3.complete());
    }

    @Test
    void aProcessKilledMidRunIsFailedWithItsOwnExitNotAnEarlierError() throws IOException {
        SweepPlan plan = plan("model.arch=resnet20");
        FakeExecutor first = new FakeExecutor(dir, Map.of("tiny-resnet20-s0", RunStatus.FAILED), 0);
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep"), workers(1), first);
        assertEquals("error: boom (exit 1)", SweepManifest.read(o.dir()).points().get(0).error());

        // Retried, the same point's process is SIGKILLed: its log still holds the first attempt's error line.
        FakeExecutor second = new FakeExecutor(dir, Map.of("tiny-resnet20-s0", RunStatus.RUNNING), 0);
        runner().run(plan, List.of("sweep"), new SweepRunner.Options(1, 1, true, false), second);
        SweepManifest.Point p = SweepManifest.read(o.dir()).points().get(0);
        assertEquals("FAILED", p.status(), "a dead process's run is not RUNNING");
        assertTrue(p.error().startsWith("epoch 2 sparsify train loss 0.49 (exit 137, killed by signal 9 (SIGKILL"),
                p.error());
        assertFalse(p.error().contains("boom"), "the earlier attempt's error is not this one's: " + p.error());
        assertTrue(p.error().contains("sweeping again resumes it from its last checkpoint"), p.error());
    }

    @Test
    void dryRunListsAndWritesNothing() throws IOException {
        SweepPlan plan = plan("model.arch=resnet20,resnet32");
        FakeExecutor ex = new FakeExecutor(dir, Map.of(), 0);
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep"), new SweepRunner.Options(1, 1, false, true), ex);
        assertTrue(ex.calls.isEmpty());
        assertFalse(Files.exists(o.dir()), "nothing written");
        assertFalse(Files.exists(dir.resolve("mlruns")), "no parent run");
        String out = printed.toString();
        assertTrue(out.contains("sweep tiny: 4 point(s)"), out);
        assertTrue(out.contains("   3  run     ") && out.contains("model.arch=resnet32 seed=1"), out);
    }

    @Test
    void manifestStaysWholeWhileWorkersFinishTogether() throws Exception {
        SweepPlan plan = plan("train.epochs=1,2,3,4");
        FakeExecutor ex = new FakeExecutor(dir, Map.of(), 30);
        Path manifest = dir.resolve("results/runs/tiny/sweeps/tiny/manifest.json");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    if (Files.exists(manifest)) {
                        assertEquals(8, SweepManifest.read(manifest.getParent()).points().size());
                        reads.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new AssertionError("a torn manifest: " + e.getMessage(), e);
                }
            }
        });
        reader.setUncaughtExceptionHandler((t, e) -> reads.set(Integer.MIN_VALUE));
        reader.start();
        SweepRunner.Outcome o = runner().run(plan, List.of("sweep"), workers(4), ex);
        stop.set(true);
        reader.join();
        assertTrue(o.complete());
        assertTrue(reads.get() > 0, "the reader never saw a torn file (" + reads.get() + " reads)");
        assertEquals(8, Files.list(dir.resolve("results/runs/tiny")).filter(p -> !p.endsWith("sweeps")).count());
    }
}

package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.studies.ProcessExecutor;
import org.sparselab.studies.SweepManifest;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;
import org.sparselab.tracking.RunSummary;
import org.sparselab.train.EpochMetrics;

/**
 * Real signals to real child JVMs (no Slurm): SIGTERM stops a run at a step boundary with a checkpoint, the run is
 * interrupted (not FAILED, not FINISHED), a second writer is refused while it runs, and the resumed run ends with
 * exactly the metrics of an uninterrupted one; a sweep whose coordinator is killed with SIGKILL takes its worker
 * with it, and the re-run sweep resumes the point to the same metrics.
 */
class PreemptionTest {
    @TempDir Path dir;

    /** 3 epochs of 64 steps each, one compute thread, so runs in different JVMs compute exactly alike. */
    private Path config() throws IOException {
        return Files.writeString(dir.resolve("pre.yaml"), """
                name: pre
                device: cpu
                data: {name: synthetic, batch_size: 8, image_size: 8, num_classes: 3, workers: 0,
                       synthetic: {train_size: 512, test_size: 64}}
                model: {arch: resnet20}
                train: {epochs: 3, optimizer: {name: sgd, lr: 0.1}}
                tracking: {uri: '%s'}
                output: {dir: '%s', save_model: false, latency_repeats: 0}
                """.formatted(dir.resolve("mlruns"), dir.resolve("runs")));
    }

    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(ProcessExecutor.launcherOf(Main.class, 1));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private static int await(Process p) throws InterruptedException {
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the child ends");
        return p.exitValue();
    }

    private static List<String> metricsWithoutTimes(Path runDir) throws IOException {
        return RunRecorder.readMetrics(runDir).stream().map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(),
                m.loss(), m.top1(), m.top5(), m.lr(), 0).toCsv()).toList();
    }

    private List<Path> runDirs(Path experimentDir) throws IOException {
        if (!Files.isDirectory(experimentDir)) return List.of();
        try (Stream<Path> s = Files.list(experimentDir)) {
            return s.filter(d -> Files.exists(d.resolve(RunRecorder.SUMMARY))).sorted().toList();
        }
    }

    /** Waits until a new run under {@code experimentDir} has finished its first epoch; returns its directory. */
    private Path firstEpochDone(Path experimentDir, List<Path> before, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            for (Path d : runDirs(experimentDir)) {
                if (before.contains(d) || !Files.exists(d.resolve(RunRecorder.METRICS))) continue;
                if (RunRecorder.readMetrics(d).size() >= 2) return d;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no run finished its first epoch; child alive: " + p.isAlive());
    }

    @Test
    void sigtermCheckpointsAtAStepAndTheResumedRunEqualsAnUninterruptedOne() throws Exception {
        Path cfg = config();
        Path exp = dir.resolve("runs/pre");
        assertEquals(0, await(start(dir.resolve("ref.log"), "run", cfg.toString(), "--no-progress")));
        Path reference = runDirs(exp).get(0);

        Process p = start(dir.resolve("stopped.log"), "run", cfg.toString(), "--no-progress");
        Path run = firstEpochDone(exp, List.of(reference), p);
        CliResult second = CliResult.of("resume", run.toString(), "--no-progress");
        assertEquals(2, second.code(), "a second writer is refused while the first runs");
        assertTrue(second.err().startsWith("error: " + run + ": this run is being written by process " + p.pid()),
                second.err());
        assertEquals(1, second.err().lines().count(), second.err());
        Thread.sleep(300); // into the second epoch
        p.destroy(); // SIGTERM, as Slurm sends before a preemption or the time limit
        assertEquals(143, await(p), Files.readString(dir.resolve("stopped.log")));

        RunSummary stopped = RunSummary.read(run);
        assertEquals(RunStatus.KILLED, stopped.status(), "interrupted: neither FAILED nor FINISHED");
        assertNotNull(stopped.interrupted(), stopped.toJson());
        assertTrue(stopped.interrupted().checkpoint());
        assertTrue(stopped.interrupted().step() > 64, "stopped after the first epoch: " + stopped.interrupted());
        assertTrue(Files.exists(run.resolve(RunRecorder.CHECKPOINT)));
        assertTrue(Files.readString(dir.resolve("stopped.log")).contains("interrupted: stopped (SIGTERM or Ctrl-C)"));

        Path resumeLog = dir.resolve("resume.log");
        assertEquals(0, await(start(resumeLog, "resume", run.toString(), "--no-progress")));
        assertEquals(RunStatus.FINISHED, RunSummary.read(run).status());
        assertEquals(metricsWithoutTimes(reference), metricsWithoutTimes(run), "identical final metrics");
        String resumeOut = Files.readString(resumeLog, StandardCharsets.UTF_8);
        assertFalse(resumeOut.contains("AutoNonVariableTypeMode"), "no libtorch deprecation warning: " + resumeOut);
    }

    @Test
    void aSweepKilledWithSigkillTakesItsWorkerAlongAndResumesOnReRun() throws Exception {
        Path cfg = config();
        Path exp = dir.resolve("runs/pre");
        // The reference goes elsewhere: in output.dir the sweep would find it FINISHED (same config) and skip.
        assertEquals(0, await(start(dir.resolve("ref.log"), "run", cfg.toString(), "--no-progress",
                "--set", "output.dir=" + dir.resolve("reference"))));
        Path reference = runDirs(dir.resolve("reference/pre")).get(0);

        Process coordinator = start(dir.resolve("sweep.log"), "sweep", cfg.toString(), "--workers", "1",
                "--threads", "1");
        Path run = firstEpochDone(exp, List.of(), coordinator);
        List<ProcessHandle> workers = coordinator.toHandle().children().toList();
        assertEquals(1, workers.size(), "one worker JVM");
        coordinator.destroyForcibly(); // SIGKILL: no shutdown hook of the coordinator runs
        await(coordinator);
        ProcessHandle worker = workers.get(0);
        assertTrue(worker.onExit().get(60, TimeUnit.SECONDS) != null && !worker.isAlive(),
                "the worker ended with its coordinator");
        RunSummary stopped = RunSummary.read(run);
        assertEquals(RunStatus.KILLED, stopped.status(), stopped.toJson());
        assertEquals("the sweep that started this run went away", stopped.interrupted().reason());

        assertEquals(0, await(start(dir.resolve("sweep2.log"), "sweep", cfg.toString(), "--workers", "1",
                "--threads", "1")), Files.readString(dir.resolve("sweep2.log")));
        SweepManifest.Data m = SweepManifest.read(exp.resolve("sweeps/pre"));
        assertEquals("resume", m.points().get(0).action(), "the interrupted point was resumed, not rerun");
        assertEquals("FINISHED", m.points().get(0).status());
        assertEquals(run.toAbsolutePath().toString(), m.points().get(0).runDir());
        assertEquals(metricsWithoutTimes(reference), metricsWithoutTimes(run), "identical final metrics");
    }
}

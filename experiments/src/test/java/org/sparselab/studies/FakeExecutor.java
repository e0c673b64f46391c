package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sparselab.config.ConfigLoader;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;

/**
 * A point executor that writes run records without training: FINISHED by default, or the status a test asks for by
 * point name; it records every call, so tests see what the sweep decided to do.
 */
final class FakeExecutor implements PointExecutor {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Path projectDir;
    private final Map<String, RunStatus> outcome;
    private final long sleepMs;

    FakeExecutor(Path projectDir, Map<String, RunStatus> outcome, long sleepMs) {
        this.projectDir = projectDir;
        this.outcome = outcome;
        this.sleepMs = sleepMs;
    }

    @Override
    public int run(Path config, Path log) throws IOException, InterruptedException {
        var loaded = ConfigLoader.load(config, List.of(), ExperimentConfig.class, Schema.types());
        ExperimentConfig cfg = loaded.config();
        calls.add("run " + cfg.name());
        Thread.sleep(sleepMs);
        try (RunRecorder rec = RunRecorder.start(projectDir.resolve(cfg.output().dir()), cfg.experimentName(),
                cfg.name(), loaded.yaml(), loaded.sha256())) {
            RunStatus s = outcome.getOrDefault(cfg.name(), RunStatus.FINISHED);
            if (s == RunStatus.RUNNING) {
                // A process killed by SIGKILL: the record stays RUNNING, the log ends mid-training.
                Files.writeString(rec.checkpointFile(), "ckpt");
                Files.writeString(log, "epoch 2 sparsify train loss 0.49\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                return 137;
            }
            if (s == RunStatus.KILLED) Files.writeString(rec.checkpointFile(), "ckpt");
            rec.finish(s, s == RunStatus.FINISHED ? null : "test says " + s);
            Files.writeString(log, "error: boom\n");
            return s == RunStatus.FINISHED ? 0 : 1;
        }
    }

    @Override
    public int resume(Path runDir, Path log) throws IOException {
        calls.add("resume " + runDir.getFileName());
        try (RunRecorder rec = RunRecorder.resume(runDir, 0)) {
            rec.finish(RunStatus.FINISHED, null);
        }
        return 0;
    }
}

package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparselab.config.ConfigLoader;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.RunPipeline;
import org.sparselab.experiments.Schema;
import org.sparselab.train.TrainingProgress;

/** Runs points in this JVM, one at a time (tests: no JVM start per point). */
final class InProcessExecutor implements PointExecutor {
    final AtomicInteger calls = new AtomicInteger();
    private final RunPipeline pipeline;

    InProcessExecutor(RunPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public synchronized int run(Path config, Path log) throws IOException {
        calls.incrementAndGet();
        var loaded = ConfigLoader.load(config, List.of(), ExperimentConfig.class, Schema.types());
        try {
            pipeline.run(loaded, TrainingProgress.NONE, new RunPipeline.Listener() {});
            return 0;
        } catch (RuntimeException e) {
            return 1;
        }
    }

    @Override
    public synchronized int resume(Path runDir, Path log) throws IOException {
        calls.incrementAndGet();
        pipeline.resume(runDir, TrainingProgress.NONE, new RunPipeline.Listener() {});
        return 0;
    }
}

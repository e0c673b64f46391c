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

/**
 * Runs points in this JVM, one at a time (tests: no JVM start per point).
 *
 * <p>PyTorch's grad mode is thread-local and on by default; DJL turns it off only on the thread that first loads the
 * engine. Points run on the sweep's worker threads, so each call turns it off there, and {@link #forTests} loads the
 * engine on the calling (test) thread first, so that later tests on that thread find it off too.
 */
final class InProcessExecutor implements PointExecutor {
    final AtomicInteger calls = new AtomicInteger();
    private final RunPipeline pipeline;

    private InProcessExecutor(RunPipeline pipeline) {
        this.pipeline = pipeline;
    }

    static InProcessExecutor forTests(RunPipeline pipeline) {
        ai.djl.engine.Engine.getInstance();
        return new InProcessExecutor(pipeline);
    }

    @Override
    public synchronized int run(Path config, Path log) throws IOException {
        calls.incrementAndGet();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
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
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        pipeline.resume(runDir, TrainingProgress.NONE, new RunPipeline.Listener() {});
        return 0;
    }
}

package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;

/**
 * Dynamic shuffle end to end (spec §7 test 12) on ShuffleNet V2 0.5× and tiny synthetic data (2 epochs of 2 batches):
 * the orthogonality loss through the extra-loss hook, the switch from soft to STE at the configured fraction, the
 * collision rates logged as scalars and MLflow metrics, the inference path's MACs, and identical metrics on a rerun.
 */
class DynShufflePipelineTest {
    @TempDir static Path dir;

    private static Path baseline;

    private String config(String method, String trackingUri) {
        return """
                name: dynshuffle_test
                seed: 3
                device: cpu
                data:
                  name: synthetic
                  batch_size: 32
                  eval_batch_size: 32
                  image_size: 8
                  num_classes: 4
                  workers: 0
                  max_train_samples: 64
                  synthetic: {train_size: 96, test_size: 32, channels: 1}
                model: {arch: shufflenet_v2_x0_5}
                method: %s
                tracking: {uri: '%s'}
                output: {dir: '%s', latency_repeats: 0, save_model: false}
                train:
                  epochs: 2
                  optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005, decay_norm_and_bias: false}
                  lr_schedule: {name: cosine}
                """.formatted(method, trackingUri, dir.resolve("runs").toString().replace("'", "''"));
    }

    private static final String DYNAMIC = "{name: dynshuffle, shuffle: dynamic, soft_warmup_fraction: 0.5}";

    private final RunPipeline pipeline = new RunPipeline(Path.of("").toAbsolutePath(),
            DataEnvironment.isolated(Path.of("").toAbsolutePath()), Map.of());

    private Path run(String yaml) throws IOException {
        var loaded = ConfigLoader.parse(yaml, List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        return pipeline.run(loaded, TrainingProgress.NONE, new RunPipeline.Listener() {}).runDir();
    }

    private synchronized Path baseline() throws IOException {
        if (baseline == null) baseline = run(config(DYNAMIC, "file:" + dir.resolve("mlruns")));
        return baseline;
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainsWithTheOrthogonalityLossSwitchesToSteAndLogsScalars() throws IOException {
        Path runDir = baseline();
        Map<String, Object> s = RunRecorder.readSummary(runDir);
        assertEquals("FINISHED", s.get("status"));
        List<RunRecorder.Scalar> scalars = RunRecorder.readScalars(runDir);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (String name : List.of("dynshuffle.orth_loss", "dynshuffle.collision_rate",
                    "dynshuffle.eval_collision_rate", "dynshuffle.ste", "dynshuffle.temperature")) {
                double v = value(scalars, epoch, name);
                assertTrue(Double.isFinite(v) && v >= 0, name + "@" + epoch + " = " + v);
            }
        }
        assertTrue(value(scalars, 0, "dynshuffle.orth_loss") > 0, "soft factors are not exact permutations");
        // 2 epochs × 2 steps, STE from position 1.0: the second epoch ends in STE, and so did the first's last step.
        assertEquals(1.0, value(scalars, 1, "dynshuffle.ste"));
        var model = (Map<String, Object>) s.get("model");
        assertTrue(((Number) model.get("macs")).longValue() > ((Number) model.get("effective_macs")).longValue(),
                "the soft path's MACs count for training, the gather costs none at inference");

        Path metric;
        try (var files = Files.walk(dir.resolve("mlruns"))) {
            metric = files.filter(f -> f.getFileName().toString().equals("dynshuffle.orth_loss")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dynshuffle.orth_loss metric in the MLflow store"));
        }
        assertEquals(2, Files.readAllLines(metric).size(), "one point per epoch");
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndScalars() throws IOException {
        Path a = baseline();
        Path b = run(config(DYNAMIC, "none"));
        assertEquals(withoutTimes(RunRecorder.readMetrics(a)), withoutTimes(RunRecorder.readMetrics(b)));
        assertEquals(RunRecorder.readScalars(a), RunRecorder.readScalars(b));
    }

    @Test
    void staticDynamicAndFixedRunsFinish() throws IOException {
        Path sd = run(config("{name: dynshuffle, shuffle: static_dynamic, binarize: ste_always}", "none"));
        assertEquals("FINISHED", RunRecorder.readSummary(sd).get("status"));
        assertEquals(1.0, value(RunRecorder.readScalars(sd), 0, "dynshuffle.ste"));
        Path fixed = run(config("{name: dynshuffle, shuffle: fixed}", "none"));
        assertEquals("FINISHED", RunRecorder.readSummary(fixed).get("status"));
        assertTrue(RunRecorder.readScalars(fixed).isEmpty(), "the fixed shuffle has nothing to report");
    }

    private static double value(List<RunRecorder.Scalar> rows, int epoch, String name) {
        return rows.stream().filter(x -> x.epoch() == epoch && x.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing at epoch " + epoch + ": " + rows)).value();
    }

    private static List<String> withoutTimes(List<EpochMetrics> rows) {
        return rows.stream()
                .map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(), m.lr(), 0))
                .map(EpochMetrics::toCsv)
                .toList();
    }
}

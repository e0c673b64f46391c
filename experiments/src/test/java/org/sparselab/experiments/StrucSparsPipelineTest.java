package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;

/**
 * StrucSpars end to end on a CIFAR ResNet-20 and small synthetic data: 2 sparsify + 2 fine-tune epochs (spec §6
 * tests 17 and 18): per-epoch scalars, masking at the phase end, exact resume across it, determinism, and a deployed
 * model equal to the masked one.
 */
class StrucSparsPipelineTest {
    @TempDir static Path dir;

    /** The reference run (default shuffle, tracked to a file store), shared by the tests that compare with it. */
    private static Path baseline;

    private String trackingUri = "none";

    private synchronized Path baseline() throws IOException {
        if (baseline == null) {
            trackingUri = "file:" + dir.resolve("mlruns");
            baseline = run(config(METHOD));
            trackingUri = "none";
        }
        return baseline;
    }

    private String config(String method) {
        return """
                name: strucspars_test
                seed: 4
                device: cpu
                data:
                  name: synthetic
                  batch_size: 32
                  eval_batch_size: 64
                  image_size: 12
                  num_classes: 4
                  workers: 0
                  synthetic: {train_size: 128, test_size: 64, channels: 1}
                model: {arch: resnet20}
                method: %s
                tracking: {uri: '%s'}
                output: {dir: '%s', latency_repeats: 2, deploy_batch_sizes: [1, 4], deploy_repeats: 2}
                train:
                  epochs: 2
                  optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0}
                  lr_schedule: {name: constant}
                  phases:
                    - {name: sparsify}
                    - {name: finetune, optimizer: {name: sgd, lr: 0.02, momentum: 0.9, weight_decay: 0.0001}}
                """.formatted(method, trackingUri, dir.resolve("runs").toString().replace("'", "''"));
    }

    private static final String METHOD = "{name: strucspars, target_sparsity: 0.5, sparsity_metric: macs, "
            + "warmup_epochs: 1, delta_lambda: 0.0005, lambda_interval: 0.5, pq_init_iters: 5, pq_epoch_iters: 3}";

    private final RunPipeline pipeline = new RunPipeline(Path.of("").toAbsolutePath(),
            DataEnvironment.isolated(Path.of("").toAbsolutePath()), Map.of());

    private Path run(String yaml, TrainingProgress progress, Path[] holder) throws IOException {
        var loaded = ConfigLoader.parse(yaml, List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        return pipeline.run(loaded, progress, new RunPipeline.Listener() {
            @Override
            public void started(Path runDir) {
                holder[0] = runDir;
            }
        }).runDir();
    }

    private Path run(String yaml) throws IOException {
        return run(yaml, TrainingProgress.NONE, new Path[1]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void sparsifiesMasksFinetunesAndDeploysAnEqualGroupedModel() throws IOException {
        Path mlruns = dir.resolve("mlruns");
        Path runDir = baseline();
        Map<String, Object> s = RunRecorder.readSummary(runDir);
        assertEquals("FINISHED", s.get("status"));
        List<RunRecorder.Scalar> scalars = RunRecorder.readScalars(runDir);
        for (int epoch = 0; epoch < 2; epoch++) {
            int e = epoch;
            for (String name : List.of("strucspars.sparsity", "strucspars.lambda", "strucspars.sparsity_official",
                    "strucspars.groups.stage1.block0.conv1")) {
                assertTrue(scalars.stream().anyMatch(x -> x.epoch() == e && x.name().equals(name)), name + "@" + e);
            }
        }
        assertEquals(0.0, value(scalars, 0, "strucspars.lambda"), "λ = 0 during the warmup epoch");
        assertTrue(value(scalars, 1, "strucspars.lambda") > 0, "λ > 0 after warmup");
        double finalMacs = value(scalars, 1, "strucspars.final_sparsity_macs");
        assertTrue(finalMacs >= 0.5 && finalMacs <= 0.51, "bisection meets the MACs target: " + finalMacs);
        assertTrue(scalars.stream().noneMatch(x -> x.epoch() >= 2), "nothing reported while fine-tuning");

        var finalModel = (Map<String, Object>) s.get("final_model");
        var deployed = (Map<String, Object>) s.get("deployed");
        // Whatever kernel each layer deploys in (a dense conv over the block-diagonal weight runs dense MACs), the
        // effective cost is the masked model's.
        assertEquals(((Number) finalModel.get("effective_macs")).longValue(),
                ((Number) deployed.get("effective_macs")).longValue(), "deployed = masked model's effective MACs");
        assertEquals(((Number) finalModel.get("effective_params")).longValue(),
                ((Number) deployed.get("effective_params")).longValue());
        assertTrue(((Number) deployed.get("macs")).longValue() <= ((Number) finalModel.get("macs")).longValue());
        assertTrue(((Number) deployed.get("max_abs_logit_diff")).doubleValue() < 1e-4, deployed.toString());
        assertEquals(((Number) deployed.get("trained_eval_top1")).doubleValue(),
                ((Number) deployed.get("eval_top1")).doubleValue(), 1e-12, "same accuracy after export");
        assertTrue(((Map<String, Object>) deployed.get("latency")).containsKey("b64"));
        assertEquals(true, ((Map<String, Object>) deployed.get("latency")).get("interleaved"),
                "trained and deployed timed pass by pass, so their ratio is fair on a loaded machine");
        assertTrue(((Map<String, Object>) s.get("latency")).containsKey("b1"), "the trained model's latency");
        if (java.nio.file.Files.isReadable(Path.of("/proc/self/stat"))) {
            var b64 = (Map<String, Object>) ((Map<String, Object>) deployed.get("latency")).get("b64");
            assertTrue(((Number) b64.get("faults_per_pass")).longValue() >= 0, "page faults beside the time: " + b64);
        }

        // The autotuned export's choice and timings (output.deploy_*), per layer and for the whole model.
        var export = (Map<String, Object>) deployed.get("export");
        assertEquals(List.of(1, 4), ((Map<String, Object>) export.get("tuning")).get("batch_sizes"));
        var model = (Map<String, Object>) export.get("model_form");
        assertEquals("dense", model.get("reference"), "the whole model is timed against the dense one");
        assertEquals(Set.of("b1", "b4"), ((Map<String, Object>) model.get("speedup")).keySet());
        assertTrue(((String) export.get("description")).startsWith(model.get("form") + " model"), export.toString());
        var forms = (List<Map<String, Object>>) export.get("forms");
        Set<String> groupable = new java.util.TreeSet<>();
        for (RunRecorder.Scalar x : scalars) {
            if (x.epoch() == 0 && x.name().startsWith("strucspars.groups.")) {
                groupable.add(x.name().substring("strucspars.groups.".length()));
            }
        }
        assertEquals(groupable, new java.util.TreeSet<>(forms.stream().map(f -> (String) f.get("layer")).toList()),
                "one row per groupable conv");
        boolean anyGrouped = false;
        for (Map<String, Object> f : forms) {
            assertTrue(List.of("dense", "grouped", "per_group").contains(f.get("form")), f.toString());
            assertTrue(List.of("dense", "grouped", "per_group").contains(f.get("deployed")), f.toString());
            if (((Number) f.get("groups")).intValue() > 1) {
                anyGrouped = true;
                var ms = (Map<String, Map<String, Object>>) f.get("median_ms");
                assertEquals(Set.of("dense", "grouped", "per_group"), ms.keySet(), f.toString());
                assertEquals(f.get("form").equals("dense") ? false : true, f.get("beats_reference"), f.toString());
            }
        }
        assertTrue(anyGrouped, "at 50 % of the MACs some layer has groups: " + forms);

        // MLflow: the method's scalars are metrics with step = epoch.
        Path metric;
        try (var files = Files.walk(mlruns)) {
            metric = files.filter(f -> f.getFileName().toString().equals("strucspars.sparsity")).findFirst()
                    .orElseThrow(() -> new AssertionError("no strucspars.sparsity metric in " + mlruns));
        }
        assertEquals(2, Files.readAllLines(metric).size(), "one point per sparsify epoch");
    }

    private static double value(List<RunRecorder.Scalar> rows, int epoch, String name) {
        return rows.stream().filter(x -> x.epoch() == epoch && x.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing at epoch " + epoch)).value();
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndScalars() throws IOException {
        Path a = baseline();
        Path b = run(config(METHOD));
        assertEquals(withoutTimes(RunRecorder.readMetrics(a)), withoutTimes(RunRecorder.readMetrics(b)));
        assertEquals(RunRecorder.readScalars(a), RunRecorder.readScalars(b));
    }

    @ParameterizedTest(name = "crash at the start of epoch {0}")
    @ValueSource(ints = {1, 2}) // 1: mid sparsify (λ controller mid-phase); 2: first fine-tune epoch (just masked)
    void resumeAcrossMaskingEqualsAnUninterruptedRun(int crashEpoch) throws IOException {
        Path whole = baseline();
        Path[] holder = new Path[1];
        TrainingProgress crash = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (epoch == crashEpoch && split.equals("train")) throw new IllegalStateException("simulated crash");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(config(METHOD), crash, holder));
        pipeline.resume(holder[0], TrainingProgress.NONE, new RunPipeline.Listener() {});
        assertEquals(withoutTimes(RunRecorder.readMetrics(whole)), withoutTimes(RunRecorder.readMetrics(holder[0])));
        assertEquals(RunRecorder.readScalars(whole), RunRecorder.readScalars(holder[0]));
    }

    @Test
    void aConfigWithoutTheSparsifyPhaseIsRejectedBeforeTraining() {
        String yaml = config(METHOD).replace("- {name: sparsify}", "- {name: warm}");
        var e = assertThrows(ConfigException.class, () -> run(yaml));
        assertTrue(e.getMessage().contains("sparsify") && e.getMessage().contains("[warm, finetune]"), e.getMessage());
    }

    @ParameterizedTest(name = "shuffle {0}")
    @ValueSource(strings = {"fromscratch", "shufflenet"}) // random/none differ only in the (unit-tested) P/Q formula
    @SuppressWarnings("unchecked")
    void shuffleVariantsKeepTheLevelsAndStillDeployExactly(String shuffle) throws IOException {
        Path learned = baseline();
        Path variant = run(config(METHOD.replace("}", ", shuffle: " + shuffle + "}")));
        List<RunRecorder.Scalar> a = RunRecorder.readScalars(learned);
        List<RunRecorder.Scalar> b = RunRecorder.readScalars(variant);
        assertEquals(a.stream().filter(x -> x.name().startsWith("strucspars.groups.")).toList(),
                b.stream().filter(x -> x.name().startsWith("strucspars.groups.")).toList(),
                "same learned levels (same sparsify phase)");
        var deployed = (Map<String, Object>) RunRecorder.readSummary(variant).get("deployed");
        assertTrue(((Number) deployed.get("max_abs_logit_diff")).doubleValue() < 1e-4, deployed.toString());
        // Re-initialised weights: the first fine-tune epoch starts from scratch, so its loss differs from FINETUNE.
        double lossLearned = RunRecorder.readMetrics(learned).get(4).loss();
        double lossVariant = RunRecorder.readMetrics(variant).get(4).loss();
        assertTrue(lossLearned != lossVariant, "re-initialised: " + lossLearned + " vs " + lossVariant);
    }

    private static List<String> withoutTimes(List<EpochMetrics> rows) {
        return rows.stream()
                .map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(), m.lr(), 0))
                .map(EpochMetrics::toCsv)
                .toList();
    }
}

package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;

/**
 * CCI and its baselines end to end on a CIFAR ResNet-20 and synthetic data (spec §6 tests 15, 16): a gradual ramp over
 * the prune phase and a frozen-mask fine-tune, every CCI layer at exactly k of g per group afterwards, exact resume
 * across the freeze, the compressed form deployed with equal logits, filter pruning deployed thinner, unstructured at
 * the same density, a start from a dense run found by name and seed, and bad input refused before any record.
 */
class CciPipelineTest {
    @TempDir static Path dir;

    private static String config(String name, String method, int pruneEpochs) {
        return """
                name: %s
                seed: 2
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
                tracking: {uri: none}
                output: {dir: '%s', latency_repeats: 2, save_model: true}
                train:
                  epochs: %d
                  optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005}
                  lr_schedule: {name: constant}
                  phases:
                    - {name: prune}
                    - {name: finetune, epochs: 1}
                """.formatted(name, method, dir.resolve("runs").toString().replace("'", "''"), pruneEpochs);
    }

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

    private static List<MaskedLayer> masked(Path runDir, NDManager m) throws IOException {
        Block trained = ModelArchive.load(runDir, m);
        List<MaskedLayer> out = new ArrayList<>();
        collect(trained, out);
        return out;
    }

    private static void collect(Block b, List<MaskedLayer> out) {
        if (b instanceof MaskedLayer l) out.add(l);
        for (Block c : b.getChildren().values()) collect(c, out);
    }

    private static final String CCI = "{name: cci, group_size: 4, keep_per_group: 1, mask_update_interval: 2}";

    @Test
    @SuppressWarnings("unchecked")
    void gradualCciEndsAtExactlyKOfGDeploysItsCompressedFormAndResumesExactly() throws IOException {
        Path whole = run(config("cci_test", CCI, 2));
        Map<String, Object> s = RunRecorder.readSummary(whole);
        assertEquals("FINISHED", s.get("status"));
        try (NDManager m = NDManager.newBaseManager()) {
            List<MaskedLayer> layers = masked(whole, m);
            assertEquals(18, layers.size(), "the 3×3 block convs");
            for (MaskedLayer l : layers) {
                float[] mask = l.mask().getArray().toFloatArray();
                float[] w = l.weight().getArray().toFloatArray();
                int out = (int) l.weightShape().get(0);
                int in = (int) l.weightShape().get(1);
                for (int o = 0; o < out; o++) for (int t = 0; t < 9; t++) for (int j = 0; j < in / 4; j++) {
                    int kept = 0;
                    for (int c = j * 4; c < j * 4 + 4; c++) kept += (int) mask[(o * in + c) * 9 + t];
                    assertEquals(1, kept, l.path() + ": 1 of 4");
                }
                for (int i = 0; i < w.length; i++) if (mask[i] == 0) assertEquals(0f, Math.abs(w[i]), l.path());
            }
        }
        var deployed = (Map<String, Object>) s.get("deployed");
        assertEquals(0.0, ((Number) deployed.get("max_abs_logit_diff")).doubleValue(), 1e-6,
                "the decoded (val, idx) form computes what the trained model does");
        var export = (Map<String, Object>) deployed.get("export");
        var bits = (Map<String, Object>) export.get("bits_per_weight");
        assertEquals(10.0 / 4, ((Number) bits.get("cci_per_nonzero")).doubleValue(), 1e-9, "1-of-4: 10 bits per 4");
        var cycles = (Map<String, Object>) export.get("cycle_model");
        assertEquals(4.0, ((Number) cycles.get("speedup_vs_dense")).doubleValue(), 1e-9, "k = 1 of g = 4: 4× fewer");
        assertEquals(1.0, ((Number) cycles.get("utilisation")).doubleValue(), 1e-9, "no load imbalance");
        List<RunRecorder.Scalar> scalars = RunRecorder.readScalars(whole);
        assertTrue(scalars.stream().anyMatch(x -> x.name().equals("cycle_model.cycles")), "cycle model as a metric");
        double last = scalars.stream().filter(x -> x.name().equals("cci.density")).reduce((a, b) -> b).orElseThrow()
                .value();
        assertEquals(0.25, last, 1e-12);

        Path again = run(config("cci_test", CCI, 2));
        assertEquals(withoutTimes(RunRecorder.readMetrics(whole)), withoutTimes(RunRecorder.readMetrics(again)),
                "same config and seed: identical metrics");
        Path[] holder = new Path[1];
        TrainingProgress crash = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (epoch == 2 && split.equals("train")) throw new IllegalStateException("simulated crash");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(config("cci_test", CCI, 2), crash, holder));
        pipeline.resume(holder[0], TrainingProgress.NONE, new RunPipeline.Listener() {});
        assertEquals(withoutTimes(RunRecorder.readMetrics(whole)), withoutTimes(RunRecorder.readMetrics(holder[0])),
                "resumed after the freeze = uninterrupted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{name: cci, schedule: ste, srste_lambda: 0.001}",
        "{name: cci, schedule: selective_decay, selective_decay_max: 0.01, mask_update_interval: 2}",
        "{name: cci, group_size: 8, keep_per_group: 2, density_schedule: halving}",
        "{name: unstructured, mask_update_interval: 2}"})
    void everyScheduleAndTheUnstructuredBaselineEndAtTheTargetDensity(String method) throws IOException {
        Path r = run(config("cci_schedule", method, 2));
        List<RunRecorder.Scalar> scalars = RunRecorder.readScalars(r);
        String name = method.substring(method.indexOf("name: ") + 6, method.indexOf(','));
        double last = scalars.stream().filter(x -> x.name().equals(name + ".density")).reduce((a, b) -> b)
                .orElseThrow().value();
        assertEquals(0.25, last, 1e-12, method);
    }

    @Test
    @SuppressWarnings("unchecked")
    void filterPruningRemovesTheFiltersAtExport() throws IOException {
        Path r = run(config("filters", "{name: filter_pruning, keep_per_group: 1, group_size: 4}", 2));
        Map<String, Object> s = RunRecorder.readSummary(r);
        var deployed = (Map<String, Object>) s.get("deployed");
        var trained = (Map<String, Object>) s.get("final_model");
        assertTrue(((Number) deployed.get("max_abs_logit_diff")).doubleValue() < 1e-4, deployed.toString());
        assertTrue(((Number) deployed.get("params")).longValue() < ((Number) trained.get("params")).longValue() / 2,
                "thinner convs: " + deployed.get("params") + " vs " + trained.get("params"));
        assertEquals(((Number) trained.get("effective_macs")).longValue(),
                ((Number) deployed.get("macs")).longValue(), "the removed filters cost nothing");
    }

    @Test
    void startsFromADenseRunOfTheSameSeedAndRefusesOneOfAnotherModel() throws IOException {
        String dense = config("dense_ref", "{name: none}", 1).replace("""
                  phases:
                    - {name: prune}
                    - {name: finetune, epochs: 1}
                """, "");
        Path denseRun = run(dense);
        Path runs = denseRun.getParent().getParent();
        Path r = run(config("from_dense", "{name: cci, init_from: '" + runs + "', init_from_name: dense_ref}", 1));
        assertEquals("FINISHED", RunRecorder.readSummary(r).get("status"));
        var missing = assertThrows(ConfigException.class, () -> run(config("bad", "{name: cci, init_from: '"
                + runs.resolve("nope") + "'}", 1)));
        assertEquals("method.init_from", missing.keyPath());
        var other = assertThrows(ConfigException.class, () -> run(config("bad", "{name: cci, init_from: '"
                + denseRun + "'}", 1).replace("resnet20", "resnet32")));
        assertTrue(other.getMessage().contains("resnet20"), other.getMessage());
        var k = assertThrows(ConfigException.class, () -> run(config("bad", "{name: cci, keep_per_group: 5}", 1)));
        assertTrue(k.getMessage().contains("keep_per_group"), k.getMessage());
        var g = assertThrows(ConfigException.class, () -> run(config("bad", "{name: cci, group_size: 48}", 1)));
        assertEquals("method.layers", g.keyPath());
        var ramp = assertThrows(ConfigException.class, () -> run(config("bad", "{name: cci, ramp_epochs: 3}", 1)));
        assertEquals("method.ramp_epochs", ramp.keyPath(), "a ramp that ends after its phase never reaches k/g");
    }

    private static List<String> withoutTimes(List<EpochMetrics> rows) {
        return rows.stream()
                .map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(), m.lr(), 0))
                .map(EpochMetrics::toCsv)
                .toList();
    }
}

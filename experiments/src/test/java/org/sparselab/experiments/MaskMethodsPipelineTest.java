package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;

/**
 * SSC and a pruning-at-initialisation baseline end to end on a CIFAR ResNet-20 and synthetic data (spec §7 tests 10
 * and 11): both run, count params and MACs from their masks, give identical metrics for the same seed, resume
 * exactly (the baseline does not re-score on resume), keep pruned weights at zero through training, deploy SSC
 * equal to the trained model, and refuse options that do not fit the model before anything is recorded.
 */
class MaskMethodsPipelineTest {
    @TempDir static Path dir;

    private static final String SSC = "{name: ssc, groups: 4, pattern: alt_channel}";

    private static String config(String method) {
        return """
                name: mask_test
                seed: 5
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
                  epochs: 2
                  optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005}
                  lr_schedule: {name: constant}
                """.formatted(method, dir.resolve("runs").toString().replace("'", "''"));
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

    @SuppressWarnings("unchecked")
    private static long effectiveParams(Path runDir) throws IOException {
        var m = (Map<String, Object>) RunRecorder.readSummary(runDir).get("final_model");
        return ((Number) m.get("effective_params")).longValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sscTrainsDeterministicallyAndDeploysEqualLayersInTheFasterForm() throws IOException {
        Path a = run(config(SSC));
        Path b = run(config(SSC));
        Map<String, Object> s = RunRecorder.readSummary(a);
        assertEquals("FINISHED", s.get("status"));
        assertEquals(withoutTimes(RunRecorder.readMetrics(a)), withoutTimes(RunRecorder.readMetrics(b)),
                "same config and seed: identical metrics");
        var model = (Map<String, Object>) s.get("final_model");
        long params = ((Number) model.get("params")).longValue();
        assertTrue(effectiveParams(a) < params / 2, "SSC keeps ~21 % of the converted convs: " + model);
        var deployed = (Map<String, Object>) s.get("deployed");
        assertEquals(model.get("effective_params"), deployed.get("effective_params"));
        assertTrue(((Number) deployed.get("max_abs_logit_diff")).doubleValue() < 1e-4, deployed.toString());
        var forms = (List<Map<String, Object>>) ((Map<String, Object>) deployed.get("export")).get("forms");
        assertEquals(18, forms.size(), "one row per converted conv");
        for (Map<String, Object> f : forms) {
            assertTrue(List.of("masked", "decomposed").contains(f.get("deployed")), f.toString());
            assertTrue(f.containsKey("masked_b64_ms") && f.containsKey("decomposed_b64_ms"), "timed: " + f);
            // The shared tuner's rule, masked-dense the reference: decomposed only where no slower at b1 and b64.
            boolean noSlower = ((Number) f.get("decomposed_b1_ms")).doubleValue()
                    <= ((Number) f.get("masked_b1_ms")).doubleValue()
                    && ((Number) f.get("decomposed_b64_ms")).doubleValue()
                    <= ((Number) f.get("masked_b64_ms")).doubleValue();
            assertEquals(f.get("deployed").equals("decomposed"), f.get("beats_reference"), f.toString());
            if (f.get("deployed").equals("decomposed")) assertTrue(noSlower, f.toString());
        }
    }

    @Test
    void matchedSnipHasSscsParamsKeepsPrunedWeightsAtZeroAndResumesWithoutRescoring() throws IOException {
        String snip = "{name: snip, match: " + SSC + ", score_batch_size: 32}";
        Path whole = run(config(snip));
        Path ssc = run(config(SSC));
        assertEquals(effectiveParams(ssc), effectiveParams(whole), "matched budget: equal non-zero counts");
        try (NDManager m = NDManager.newBaseManager()) {
            Block trained = ModelArchive.load(whole, m);
            List<MaskedLayer> layers = new ArrayList<>();
            collect(trained, layers);
            assertEquals(18, layers.size());
            for (MaskedLayer l : layers) {
                float[] w = l.weight().getArray().toFloatArray();
                float[] mask = l.mask().getArray().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    if (mask[i] == 0) assertEquals(0f, Math.abs(w[i]), l.path() + " after 2 epochs of momentum + wd");
                }
            }
        }
        Path[] holder = new Path[1];
        TrainingProgress crash = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (epoch == 1 && split.equals("train")) throw new IllegalStateException("simulated crash");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(config(snip), crash, holder));
        pipeline.resume(holder[0], TrainingProgress.NONE, new RunPipeline.Listener() {});
        assertEquals(withoutTimes(RunRecorder.readMetrics(whole)), withoutTimes(RunRecorder.readMetrics(holder[0])),
                "resumed = uninterrupted: the masks come back from the checkpoint, not from a second scoring");
    }

    @Test
    void optionsThatDoNotFitTheModelAreRefusedBeforeAnyRecord() throws IOException {
        Path runs = dir.resolve("runs").resolve("mask_test");
        long before = Files.exists(runs) ? Files.list(runs).count() : 0;
        var groups = assertThrows(ConfigException.class, () -> run(config("{name: ssc, groups: 3}")));
        assertEquals("method.groups", groups.keyPath());
        assertTrue(groups.getMessage().contains("stage1.block0.conv1"), groups.getMessage());
        var none = assertThrows(ConfigException.class, () -> run(config("{name: ssc, layers: [depthwise]}")));
        assertEquals("method.layers", none.keyPath());
        long after = Files.exists(runs) ? Files.list(runs).count() : 0;
        assertEquals(before, after, "no run record was created");
    }

    private static void collect(Block b, List<MaskedLayer> out) {
        if (b instanceof MaskedLayer l) out.add(l);
        for (Block c : b.getChildren().values()) collect(c, out);
    }

    private static List<String> withoutTimes(List<EpochMetrics> rows) {
        return rows.stream()
                .map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(), m.lr(), 0))
                .map(EpochMetrics::toCsv)
                .toList();
    }
}

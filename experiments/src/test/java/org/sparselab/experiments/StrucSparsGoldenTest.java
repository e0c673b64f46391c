package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;

/**
 * StrucSpars' per-epoch metrics and scalars against a golden record written by the code before StrucSpars moved onto
 * the shared masking layer ({@code methods.masking}): the move must not change a single number.
 *
 * <p>The golden files hold every metrics.csv value (loss, top-1, top-5, lr; not the seconds) and every scalars.csv
 * value of a 2 + 2 epoch ResNet-20 run on synthetic data, in one section per CPU model and thread count, each headed
 * by them. On a recorded CPU the comparison is exact. The AMD EPYC section is the old code's; the Intel Xeon section
 * was added on 2026-12-06 from the code that matched the AMD section exactly on AMD, so it carries the same guarantee
 * there. On any other CPU float kernels round differently, and over 4 epochs of 64 images that drifts (AMD against
 * Intel: losses 1.7 %, one top-1 by 5 of 64 images, the StrucSpars scalars not at all): there the schedule must match
 * exactly, losses to 5 %, top-k to 0.1, the method's scalars to 1e-3, which a changed algorithm would not meet. The
 * classifier keeps torch's default initialisation ({@code model.classifier_init: torch}), as when the record was
 * written: the official Kaiming init, now the CIFAR ResNets' default, is a deliberate change of the numbers, not part
 * of this check. Re-record (only when a change is meant to alter the numbers) with
 * {@code -Dgolden.record=<dir>}: it writes this CPU's section, to put in place of the old sections or beside them.
 */
class StrucSparsGoldenTest {
    @TempDir Path dir;

    private static final String CONFIG = """
            name: strucspars_golden
            seed: 11
            device: cpu
            data:
              name: synthetic
              batch_size: 32
              eval_batch_size: 64
              image_size: 12
              num_classes: 4
              workers: 0
              synthetic: {train_size: 128, test_size: 64, channels: 1}
            model: {arch: resnet20, classifier_init: torch}
            method: {name: strucspars, target_sparsity: 0.5, sparsity_metric: macs, warmup_epochs: 1,
                     delta_lambda: 0.0005, lambda_interval: 0.5, pq_init_iters: 5, pq_epoch_iters: 3, shuffle: %s}
            tracking: {uri: none}
            output: {dir: '%s', latency_repeats: 0}
            train:
              epochs: 2
              optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005}
              lr_schedule: {name: constant}
              phases:
                - {name: sparsify}
                - {name: finetune, optimizer: {name: sgd, lr: 0.02, momentum: 0.9, weight_decay: 0.0001}}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"learned", "random"})
    void perEpochMetricsEqualTheGoldenRecord(String shuffle) throws IOException {
        String yaml = CONFIG.formatted(shuffle, dir.resolve("runs").toString().replace("'", "''"));
        var loaded = ConfigLoader.parse(yaml, List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        RunPipeline pipeline = new RunPipeline(Path.of("").toAbsolutePath(),
                DataEnvironment.isolated(Path.of("").toAbsolutePath()), Map.of());
        Path runDir = pipeline.run(loaded, TrainingProgress.NONE, new RunPipeline.Listener() {}).runDir();
        List<String> actual = record(runDir);
        String file = "strucspars-" + shuffle + ".golden";
        String recordTo = System.getProperty("golden.record");
        if (recordTo != null) {
            List<String> out = new ArrayList<>();
            out.add("# cpu: " + org.sparselab.studies.Machine.current().cpu() + "; threads: " + Runtime.getRuntime().availableProcessors());
            out.addAll(actual);
            Files.write(Path.of(recordTo).resolve(file), out, StandardCharsets.UTF_8);
        }
        List<String> lines;
        try (InputStream in = StrucSparsGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            assertTrue(in != null, "golden record " + file + " is missing from the test resources");
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        // One section per CPU it was recorded on (float rounding differs between CPUs' kernels, and 64 images
        // over 4 epochs amplify it: 1.7 % in a loss and a flipped top-1 between AMD EPYC and Intel Xeon).
        String here = "# cpu: " + org.sparselab.studies.Machine.current().cpu() + "; threads: "
                + Runtime.getRuntime().availableProcessors();
        Map<String, List<String>> sections = new java.util.LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            if (line.startsWith("# cpu: ")) sections.put(line, current = new ArrayList<>());
            else if (current != null && !line.isBlank()) current.add(line);
        }
        List<String> exact = sections.get(here);
        List<String> expected = exact != null ? exact : sections.values().iterator().next();
        assertEquals(expected.size(), actual.size(), "rows: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            if (exact != null) {
                assertEquals(expected.get(i), actual.get(i), "row " + i + " (exact: recorded on this CPU)");
            } else {
                assertClose(expected.get(i), actual.get(i));
            }
        }
    }

    /** metrics rows without the timing column, then the scalars, each as {@code key=value} fields. */
    private static List<String> record(Path runDir) throws IOException {
        List<String> rows = new ArrayList<>();
        for (EpochMetrics m : RunRecorder.readMetrics(runDir)) {
            rows.add("metrics " + m.epoch() + " " + m.phase() + " " + m.split() + " loss=" + m.loss() + " top1="
                    + m.top1() + " top5=" + m.top5() + " lr=" + m.lr());
        }
        for (RunRecorder.Scalar s : RunRecorder.readScalars(runDir)) {
            rows.add("scalar " + s.epoch() + " " + s.name() + "=" + s.value());
        }
        return rows;
    }

    private static void assertClose(String expected, String actual) {
        String[] e = expected.split(" ");
        String[] a = actual.split(" ");
        assertEquals(e.length, a.length, actual);
        for (int i = 0; i < e.length; i++) {
            int eq = e[i].indexOf('=');
            if (eq < 0) {
                assertEquals(e[i], a[i], actual);
                continue;
            }
            assertEquals(e[i].substring(0, eq), a[i].substring(0, a[i].indexOf('=')), actual);
            String key = e[i].substring(0, eq);
            double x = Double.parseDouble(e[i].substring(eq + 1));
            double y = Double.parseDouble(a[i].substring(a[i].indexOf('=') + 1));
            // Another CPU: the same trajectory within its rounding drift; the schedule exactly.
            double scale = Math.max(1, Math.abs(x));
            double tolerance = key.equals("lr") ? 0 : key.startsWith("top") ? 0.1
                    : key.equals("loss") ? 0.05 * scale : 1e-3 * scale;
            assertEquals(x, y, tolerance, expected + " vs " + actual);
        }
    }
}

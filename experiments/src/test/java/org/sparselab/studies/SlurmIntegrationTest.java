package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.cli.Main;

/**
 * A real Slurm: a 2-point {@code sweep --emit slurm} submitted with {@code sbatch}, waited for, and the same sweep run
 * again to collect the points (both FINISHED, skipped) and close the MLflow parent run, whose two children name it.
 *
 * <p>Needs a Slurm controller and node on this machine ({@code .ci/slurm-up} brings one up in CI when it runs as
 * root); elsewhere the test is skipped and says why.
 */
class SlurmIntegrationTest {
    @TempDir Path dir;

    /** Why Slurm cannot be used here, or null when {@code sinfo} shows a usable node. */
    static String unavailable() {
        String ci = System.getenv("SPARSELAB_SLURM_SKIP");
        if (ci != null && !ci.isBlank()) return ci.strip();
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "sinfo did not answer within 20 s (no Slurm controller running)";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) return "sinfo failed: " + out.lines().findFirst().orElse("exit " + p.exitValue());
            if (!out.matches("(?s).*(idle|mixed|allocated).*")) return "no Slurm node is up (sinfo: " + out + ")";
            return null;
        } catch (IOException e) {
            return "Slurm is not installed (no sinfo on PATH); .ci/slurm-up sets up a single-node Slurm as root";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Test
    void anEmittedArrayRunsUnderSbatchAndTheSweepCollectsIt() throws Exception {
        String why = unavailable();
        if (why != null) System.out.println("SlurmIntegrationTest skipped: " + why); // visible in the build log
        Assumptions.assumeTrue(why == null, "skipped: " + why);

        // The project directory the tasks cd into: its ./sparselab runs this build's classes.
        List<String> launcher = ProcessExecutor.launcherOf(Main.class, 1);
        StringBuilder sh = new StringBuilder("#!/usr/bin/env bash\nexec");
        for (String a : launcher) sh.append(' ').append(SlurmScript.quote(a));
        Path wrapper = Files.writeString(dir.resolve("sparselab"), sh.append(" \"$@\"\n").toString());
        wrapper.toFile().setExecutable(true);
        Path cfg = Files.writeString(dir.resolve("slurm.yaml"), """
                name: slurmsweep
                device: cpu
                data: {name: synthetic, batch_size: 16, image_size: 8, num_classes: 3, workers: 0,
                       synthetic: {train_size: 64, test_size: 32, channels: 1}}
                model: {arch: resnet20}
                train: {epochs: 1, optimizer: {name: sgd, lr: 0.1}}
                tracking: {uri: '%s'}
                output: {dir: '%s', save_model: false, latency_repeats: 0}
                """.formatted(dir.resolve("mlruns"), dir.resolve("runs")));
        SweepPlan plan = SweepPlan.of(cfg, List.of(), List.of("train.optimizer.lr=0.1,0.05"), List.of(), null, null);
        StringWriter out = new StringWriter();
        SweepRunner runner = new SweepRunner(dir, Map.of(), c -> { }, new PrintWriter(out, true));
        SweepRunner.Outcome emitted = runner.emitSlurm(plan, List.of("sweep", "--emit", "slurm"),
                new SlurmScript.Options(1, "00:10:00", null, null, 0, List.of()));
        Path script = emitted.dir().resolve(SlurmScript.FILE);

        Process sbatch = new ProcessBuilder("sbatch", "--wait", script.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sbatch.out").toFile()).start();
        assertTrue(sbatch.waitFor(600, TimeUnit.SECONDS), "the array ends");
        String logs = slurmLogs(emitted.dir().resolve("logs"));
        assertEquals(0, sbatch.exitValue(), Files.readString(dir.resolve("sbatch.out")) + logs);

        PointExecutor none = new PointExecutor() {
            @Override
            public int run(Path config, Path log) {
                throw new AssertionError("a point Slurm ran is run again: " + config + "\n" + logs);
            }

            @Override
            public int resume(Path runDir, Path log) {
                throw new AssertionError("a point Slurm ran is resumed: " + runDir + "\n" + logs);
            }
        };
        SweepRunner.Outcome collected = runner.run(plan, List.of("sweep"), new SweepRunner.Options(1, 1, false, false),
                none);
        assertTrue(collected.complete(), collected.counts().toString());
        assertEquals(List.of("skip", "skip"), collected.manifest().points().stream().map(SweepManifest.Point::action)
                .toList());
        String parent = collected.manifest().parentRunId();
        List<Path> parentTags;
        try (Stream<Path> s = Files.walk(dir.resolve("mlruns"))) {
            parentTags = s.filter(p -> p.endsWith("tags/mlflow.parentRunId")).toList();
        }
        assertEquals(2, parentTags.size(), "two child runs in MLflow");
        for (Path t : parentTags) assertEquals(parent, Files.readString(t));
        Path parentMeta;
        try (Stream<Path> s = Files.walk(dir.resolve("mlruns"))) {
            parentMeta = s.filter(p -> p.endsWith(parent + "/meta.yaml")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(parentMeta).contains("status: 3"), "the parent run ends FINISHED");
    }

    private static String slurmLogs(Path logs) throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<Path> s = Files.list(logs)) {
            for (Path f : s.sorted().toList()) texts.add("--- " + f + "\n" + Files.readString(f));
        }
        return String.join("\n", texts);
    }
}

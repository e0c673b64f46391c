package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.tracking.FakeMlflowServer;
import org.sparselab.tracking.MetricPoint;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;
import org.sparselab.tracking.Spool;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingDivergedException;
import org.sparselab.train.TrainingProgress;

/** End-to-end runs on small synthetic data: record, learning, determinism, exact resume, divergence. */
class RunPipelineTest {
    @TempDir Path dir;

    private String trackingUri = "none";
    private String finishWaitS = "30"; // outage tests shorten it

    private String config(String train) {
        return """
                name: pipeline_test
                seed: 3
                device: cpu
                data:
                  name: synthetic
                  batch_size: 32
                  eval_batch_size: 64
                  image_size: 12
                  num_classes: 4
                  workers: 0
                  synthetic: {train_size: 160, test_size: 64, channels: 1}
                model: {arch: resnet20}
                tracking: {uri: '%s', timeout_s: 3, finish_wait_s: %s}
                output: {dir: '%s'}
                train:
                %s
                """.formatted(trackingUri, finishWaitS, dir.resolve("runs").toString().replace("'", "''"),
                train.indent(2).stripTrailing());
    }

    private static final String ONE_PHASE = """
            epochs: 3
            optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005}
            lr_schedule: {name: cosine}
            """;

    private static final String TWO_PHASES = """
            epochs: 2
            optimizer: {name: sgd, lr: 0.05, momentum: 0.9, weight_decay: 0.0005}
            lr_schedule: {name: multistep, milestones: [1]}
            phases:
              - {name: warm}
              - {name: finetune, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}, lr_schedule: {name: constant}}
            """;

    private static final Map<String, String> ENV = Map.of();

    private final RunPipeline pipeline = new RunPipeline(Path.of("").toAbsolutePath(),
            DataEnvironment.isolated(Path.of("").toAbsolutePath()), ENV);

    /** Runs a config; returns the run directory (also when the run throws, via {@code holder}). */
    private Path run(String yaml, TrainingProgress progress, Path[] holder) throws IOException {
        var loaded = ConfigLoader.parse(yaml, List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        RunPipeline.Outcome o = pipeline.run(loaded, progress, new RunPipeline.Listener() {
            @Override
            public void started(Path runDir) {
                holder[0] = runDir;
            }
        });
        return o.runDir();
    }

    private Path run(String yaml) throws IOException {
        return run(yaml, TrainingProgress.NONE, new Path[1]);
    }

    @Test
    void trainsAndWritesAFinishedRecord() throws IOException {
        Path runDir = run(config(ONE_PHASE));
        var s = RunRecorder.readSummary(runDir);
        assertEquals("FINISHED", s.get("status"));
        assertEquals("cpu()", s.get("device"));
        assertTrue(((String) s.get("config_sha256")).matches("[0-9a-f]{64}"));
        assertEquals(3, s.get("epochs"));
        @SuppressWarnings("unchecked")
        var model = (Map<String, Object>) s.get("model");
        assertTrue(((Number) model.get("params")).longValue() > 270_000, "resnet20 with a 4-class head");
        @SuppressWarnings("unchecked")
        var prov = (Map<String, Object>) s.get("provenance");
        assertTrue(prov.containsKey("git_commit") && prov.containsKey("pytorch_version"));
        // This checkout's state decides which: a dirty tree's diff is kept, a clean tree has none.
        assertEquals(Boolean.TRUE.equals(prov.get("git_dirty")), Files.exists(runDir.resolve("code.diff")),
                prov.toString());
        List<EpochMetrics> rows = RunRecorder.readMetrics(runDir);
        assertEquals(6, rows.size());
        assertEquals(List.of("train", "test", "train", "test", "train", "test"),
                rows.stream().map(EpochMetrics::split).toList());
        // Learning happens: the training loss falls from the first epoch to the last.
        assertTrue(rows.get(4).loss() < rows.get(0).loss() * 0.8, rows.toString());
        for (String f : List.of("config.yaml", "metrics.csv", "summary.json", "checkpoint.bin", "model.params",
                "model.json", "profile.csv", "curves.png")) {
            assertTrue(Files.exists(runDir.resolve(f)), f);
        }
    }

    @Test
    void runIsMirroredIntoTheMlflowFileStore() throws IOException {
        Path mlruns = dir.resolve("mlruns");
        trackingUri = "file:" + mlruns;
        Path runDir = run(config(ONE_PHASE));
        String mlflowRun = (String) RunRecorder.readSummary(runDir).get("mlflow_run_id");
        assertTrue(mlflowRun.matches("[0-9a-f]{32}"), mlflowRun);
        Path exp;
        try (var dirs = Files.list(mlruns)) {
            exp = dirs.filter(d -> Files.exists(d.resolve(mlflowRun))).findFirst().orElseThrow();
        }
        Path run = exp.resolve(mlflowRun);
        assertTrue(Files.readString(exp.resolve("meta.yaml")).contains("name: pipeline_test"));
        assertTrue(Files.readString(run.resolve("meta.yaml")).contains("status: 3"), "FINISHED is 3 in MLflow");
        assertEquals("3", Files.readString(run.resolve("params/train.epochs")));
        assertEquals("resnet20", Files.readString(run.resolve("params/model.arch")));
        List<String> loss = Files.readAllLines(run.resolve("metrics/train_loss"));
        assertEquals(3, loss.size());
        assertTrue(loss.get(2).endsWith(" 2"), "step = global epoch: " + loss);
        assertEquals("LOCAL", Files.readString(run.resolve("tags/mlflow.source.type")));
        assertTrue(Files.readString(run.resolve("tags/sparselab.config_sha256")).matches("[0-9a-f]{64}"));
        for (String a : List.of("config.yaml", "metrics.csv", "summary.json", "model.params", "model.json",
                "profile.csv", "curves.png")) {
            assertTrue(Files.exists(run.resolve("artifacts").resolve(a)), a);
        }
    }

    @Test
    void runReachesAnMlflowServerOverRest() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            trackingUri = server.uri();
            run(config(ONE_PHASE));
            FakeMlflowServer.Run r = server.onlyRun();
            assertEquals("FINISHED", r.status());
            assertEquals("3", r.params.get("train.epochs"));
            assertEquals(List.of(0L, 1L, 2L), r.metrics.get("train_loss").stream().map(MetricPoint::step).toList());
            assertEquals("LOCAL", r.tags.get("mlflow.source.type"));
            assertTrue(server.artifacts.keySet().stream().anyMatch(k -> k.endsWith("/metrics.csv")),
                    server.artifacts.keySet().toString());
        }
    }

    @Test
    void serverFailingMidRunLosesNothingAfterSync() throws IOException {
        try (FakeMlflowServer server = new FakeMlflowServer(0)) {
            trackingUri = server.uri();
            finishWaitS = "0.3";
            TrainingProgress outage = new TrainingProgress() {
                @Override
                public void passStarted(String phase, int epoch, String split, int batches) {
                    if (epoch == 1 && split.equals("train")) {
                        // The run is created by the tracking thread: on a loaded machine it may not have reached
                        // the server yet, and this test is about an outage after that.
                        assertTrue(server.awaitRuns(1, 30_000), "the run reached the server before the outage");
                        server.mode = FakeMlflowServer.Mode.FAIL_500;
                    }
                }
            };
            Path runDir = run(config(ONE_PHASE), outage, new Path[1]);
            assertEquals("FINISHED", RunRecorder.readSummary(runDir).get("status"), "training goes on");
            assertEquals("RUNNING", server.onlyRun().status(), "the server missed the end");
            assertTrue(Files.size(runDir.resolve(Spool.FILE)) > 0);

            server.mode = FakeMlflowServer.Mode.OK;
            Spool.sync(runDir, ENV);
            FakeMlflowServer.Run r = server.onlyRun();
            assertEquals("FINISHED", r.status());
            assertEquals(List.of(0L, 1L, 2L), r.metrics.get("train_loss").stream().map(MetricPoint::step).toList());
            assertEquals(3, r.metrics.get("test_top1").size());
            Spool.sync(runDir, ENV); // idempotent
            assertEquals(3, server.onlyRun().metrics.get("train_loss").size());
        }
    }

    @Test
    void savedModelReloadsWithTheSameOutputs() throws IOException {
        Path runDir = run(config(ONE_PHASE));
        try (NDManager m = NDManager.newBaseManager()) {
            Block a = ModelArchive.load(runDir, m);
            Block b = ModelArchive.load(runDir, m);
            NDArray x = m.randomNormal(new Shape(2, 1, 12, 12));
            var ps = new ParameterStore(m, false);
            NDArray ya = a.forward(ps, new NDList(x), false).head();
            NDArray yb = b.forward(ps, new NDList(x), false).head();
            assertEquals(new Shape(2, 4), ya.getShape());
            assertTrue(ya.contentEquals(yb));
            byte[] saved = Files.readAllBytes(runDir.resolve("model.params"));
            byte[] again = org.sparselab.train.Checkpoint.bytes(out -> org.sparselab.train.ParameterIO.save(a, out));
            assertTrue(java.util.Arrays.equals(saved, again), "reloaded parameters are the saved bytes");
        }
    }

    @Test
    void resumedRunContinuesItsMlflowRun() throws IOException {
        Path mlruns = dir.resolve("mlruns");
        trackingUri = "file:" + mlruns;
        Path[] holder = new Path[1];
        TrainingProgress crash = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (epoch == 2 && split.equals("train")) throw new IllegalStateException("simulated crash");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(config(ONE_PHASE), crash, holder));
        String id = (String) RunRecorder.readSummary(holder[0]).get("mlflow_run_id");
        pipeline.resume(holder[0], TrainingProgress.NONE, new RunPipeline.Listener() {});
        assertEquals(id, RunRecorder.readSummary(holder[0]).get("mlflow_run_id"), "same MLflow run");
        Path run;
        try (var dirs = Files.list(mlruns)) {
            run = dirs.map(d -> d.resolve(id)).filter(Files::exists).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(run.resolve("meta.yaml")).contains("status: 3"));
        List<String> loss = Files.readAllLines(run.resolve("metrics/train_loss"));
        assertEquals(List.of("0", "1", "2"), loss.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
    }

    @Test
    void sameConfigAndSeedGiveIdenticalMetrics() throws IOException {
        var a = RunRecorder.readMetrics(run(config(ONE_PHASE)));
        var b = RunRecorder.readMetrics(run(config(ONE_PHASE)));
        assertEquals(withoutTimes(a), withoutTimes(b));
    }

    @ParameterizedTest(name = "crash at the start of epoch {0}")
    @ValueSource(ints = {1, 2, 3}) // 1: mid phase 'warm'; 2: first epoch of 'finetune'; 3: mid 'finetune'
    void resumedRunEqualsAnUninterruptedOne(int crashEpoch) throws IOException {
        var uninterrupted = RunRecorder.readMetrics(run(config(TWO_PHASES)));
        Path[] holder = new Path[1];
        TrainingProgress crash = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (epoch == crashEpoch && split.equals("train")) throw new IllegalStateException("simulated crash");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(config(TWO_PHASES), crash, holder));
        assertEquals("FAILED", RunRecorder.readSummary(holder[0]).get("status"));
        RunPipeline.Outcome resumed = pipeline.resume(holder[0], TrainingProgress.NONE, new RunPipeline.Listener() {});
        assertEquals(RunStatus.FINISHED, resumed.summary().status());
        assertEquals(withoutTimes(uninterrupted), withoutTimes(RunRecorder.readMetrics(holder[0])));
    }

    @Test
    void divergenceStopsTheRunAsFailed() {
        Path[] holder = new Path[1];
        String exploding = """
                epochs: 2
                optimizer: {name: sgd, lr: 1.0e+30, momentum: 0.9}
                lr_schedule: {name: constant}
                """;
        var e = assertThrows(TrainingDivergedException.class,
                () -> run(config(exploding), TrainingProgress.NONE, holder));
        assertTrue(e.getMessage().startsWith("loss became"), e.getMessage());
        var s = assertDoesNotThrowSummary(holder[0]);
        assertEquals("FAILED", s.get("status"));
        assertTrue(((String) s.get("error")).contains("loss became"));
    }

    private static Map<String, Object> assertDoesNotThrowSummary(Path runDir) {
        try {
            return RunRecorder.readSummary(runDir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> withoutTimes(List<EpochMetrics> rows) {
        return rows.stream()
                .map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(), m.lr(), 0))
                .map(EpochMetrics::toCsv)
                .toList();
    }
}

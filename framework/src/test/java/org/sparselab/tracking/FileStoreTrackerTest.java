package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;

class FileStoreTrackerTest {
    @TempDir Path tmp;

    @Test
    void writesMlflowsFileStoreLayoutExactly() throws IOException {
        Path mlruns = tmp.resolve("mlruns");
        String runId;
        String expId;
        try (FileStoreTracker t = new FileStoreTracker(mlruns)) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("mlflow.user", "alice");
            tags.put("sparselab.seed", "7");
            t.start("cifar", "agp-resnet20-s0.5", 1000L, tags);
            runId = t.runId();
            expId = t.experimentId();
            t.logParams(Map.of("train.epochs", "3", "model.arch", "resnet20"));
            t.logParams(Map.of("train.epochs", "3")); // same value again: no-op
            t.logMetrics(List.of(new MetricPoint("train/loss", 1.5, 2000L, 0),
                    new MetricPoint("train/loss", 0.75, 3000L, 1), new MetricPoint("lr", 1.0E-5, 2000L, 0)));
            t.logMetrics(List.of(new MetricPoint("val_loss", Double.NaN, 3000L, 1)));
            Path art = Files.writeString(tmp.resolve("summary.json"), "{}\n");
            t.logArtifact(art, "records");
            t.finish(RunStatus.FINISHED, 5000L);
        }
        String root = mlruns.toAbsolutePath().toUri().toString().replaceFirst("/$", "");
        Path exp = mlruns.resolve(expId);
        Path run = exp.resolve(runId);
        assertTrue(expId.matches("[1-9][0-9]{17}"), expId);
        assertEquals("artifact_location: " + root + "/0\ncreation_time: 1000\nexperiment_id: '0'\n"
                + "last_update_time: 1000\nlifecycle_stage: active\nname: Default\n",
                Files.readString(mlruns.resolve("0/meta.yaml")));
        assertEquals("artifact_location: " + root + "/" + expId + "\ncreation_time: 1000\nexperiment_id: '" + expId
                + "'\nlast_update_time: 1000\nlifecycle_stage: active\nname: cifar\n",
                Files.readString(exp.resolve("meta.yaml")));
        assertEquals("artifact_uri: " + root + "/" + expId + "/" + runId + "/artifacts\nend_time: 5000\n"
                + "entry_point_name: ''\nexperiment_id: '" + expId + "'\nlifecycle_stage: active\nrun_id: " + runId
                + "\nrun_name: agp-resnet20-s0.5\nrun_uuid: " + runId + "\nsource_name: ''\nsource_type: 4\n"
                + "source_version: ''\nstart_time: 1000\nstatus: 3\ntags: []\nuser_id: alice\n",
                Files.readString(run.resolve("meta.yaml")));
        assertEquals(Map.of("train.epochs", "3", "model.arch", "resnet20"), readTree(run.resolve("params")));
        assertEquals(Map.of("train/loss", "2000 1.5 0\n3000 0.75 1\n", "lr", "2000 1.0E-5 0\n"),
                readTree(run.resolve("metrics")));
        assertEquals(Map.of("mlflow.runName", "agp-resnet20-s0.5", "mlflow.user", "alice", "mlflow.source.type",
                "LOCAL", "sparselab.seed", "7", "sparselab.nonfinite_metrics", "val_loss",
                "sparselab.loss_is_nan", "true"), readTree(run.resolve("tags")));
        assertEquals(Map.of("records/summary.json", "{}\n"), readTree(run.resolve("artifacts")));
        assertTrue(Files.isDirectory(mlruns.resolve(".trash")));
        new MlflowFileStoreReader(mlruns).check();
    }

    @Test
    void paramsAreImmutableAndKeysValidated() {
        try (FileStoreTracker t = new FileStoreTracker(tmp.resolve("mlruns"))) {
            t.start("e", "r", 1L, Map.of());
            t.logParams(Map.of("a", "1"));
            assertThrows(IllegalStateException.class, () -> t.logParams(Map.of("a", "2")));
            assertThrows(IllegalArgumentException.class, () -> t.logParams(Map.of("../escape", "x")));
            assertThrows(IllegalArgumentException.class, () -> t.setTags(Map.of("/abs", "x")));
            assertThrows(IllegalArgumentException.class, () -> t.logArtifact(tmp, "a/../../b"));
        }
    }

    @Test
    void experimentIsFoundByNameAndReusedAndLongParamsAreTruncated() throws IOException {
        Path mlruns = tmp.resolve("mlruns");
        String first;
        try (FileStoreTracker a = new FileStoreTracker(mlruns)) {
            a.start("same", "r1", 1L, Map.of());
            first = a.experimentId();
            a.logParams(Map.of("long", "x".repeat(7000)));
            assertEquals(6000, Files.readString(a.runDir().resolve("params/long")).length());
            assertEquals("long", Files.readString(a.runDir().resolve("tags/sparselab.params_truncated")));
            a.finish(RunStatus.KILLED, 2L);
            assertTrue(Files.readString(a.runDir().resolve("meta.yaml")).contains("status: 5\n"));
        }
        try (FileStoreTracker b = new FileStoreTracker(mlruns)) {
            b.start("same", "r2", 3L, Map.of());
            assertEquals(first, b.experimentId());
            assertFalse(Files.readString(b.runDir().resolve("meta.yaml")).contains("end_time: 3"));
            assertTrue(Files.readString(b.runDir().resolve("meta.yaml")).contains("end_time: null\n"));
        }
        new MlflowFileStoreReader(mlruns).check();
    }

    @Test
    void trackersChooseTheBackendByUriEachBehindASpool() {
        assertInstanceOf(NoopTracker.class, Trackers.open("none", tmp, Map.of()));
        assertEquals(tmp.resolve("a").toAbsolutePath(), store(Trackers.open("file:" + tmp.resolve("a"), tmp, Map.of())));
        assertEquals(tmp.resolve("b").toAbsolutePath(),
                store(Trackers.open(tmp.resolve("b").toUri().toString(), tmp, Map.of())));
        assertEquals(tmp.resolve("c").toAbsolutePath(), store(Trackers.open(tmp.resolve("c").toString(), tmp, Map.of())));
        try (Tracker t = Trackers.open("http://127.0.0.1:9", tmp.resolve("run"), Map.of())) {
            assertInstanceOf(RestTracker.class, ((SpooledTracker) t).target());
        }
        var e = assertThrows(ConfigException.class, () -> Trackers.open("s3://bucket/x", tmp, Map.of()));
        assertEquals("tracking.uri", e.keyPath());
    }

    private static Path store(Tracker t) {
        try (t) {
            return ((FileStoreTracker) ((SpooledTracker) t).target()).root();
        }
    }

    @Test
    void configIsFlattenedToDottedParams() {
        String yaml = "name: demo\ntrain:\n  epochs: 3\n  milestones: [10, 20]\n  phases:\n    - epochs: 1\n"
                + "      lr: 0.1\n    - epochs: 2\nnote: null\nempty: {}\n";
        Map<String, String> p = ConfigParams.flatten(yaml);
        Map<String, String> want = new TreeMap<>();
        want.put("name", "demo");
        want.put("train.epochs", "3");
        want.put("train.milestones", "[10, 20]");
        want.put("train.phases.0.epochs", "1");
        want.put("train.phases.0.lr", "0.1");
        want.put("train.phases.1.epochs", "2");
        want.put("note", "null");
        want.put("empty", "{}");
        assertEquals(want, p);
    }

    /** Relative path (with '/') → content of every regular file under {@code dir}. */
    static Map<String, String> readTree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Applies the rules MLflow's FileStore reader applies (mlflow.md §3.3) to a whole store. */
    static final class MlflowFileStoreReader {
        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
        private final Path root;

        MlflowFileStoreReader(Path root) {
            this.root = root;
        }

        void check() throws IOException {
            assertTrue(Files.isDirectory(root.resolve(".trash")));
            assertTrue(Files.exists(root.resolve("0/meta.yaml")), "Default experiment");
            try (Stream<Path> exps = Files.list(root)) {
                for (Path exp : exps.filter(Files::isDirectory).filter(d -> !d.getFileName().toString()
                        .startsWith(".")).toList()) {
                    JsonNode m = YAML.readTree(exp.resolve("meta.yaml").toFile());
                    String id = exp.getFileName().toString();
                    assertTrue(id.matches("^[a-zA-Z0-9][\\w\\-]{0,63}$"), id);
                    assertTrue(m.get("experiment_id").isTextual(), "experiment_id is a string");
                    assertEquals(id, m.get("experiment_id").asText(), "experiment id equals the folder name");
                    assertTrue(m.get("artifact_location").asText().startsWith("file:///"));
                    try (Stream<Path> runs = Files.list(exp)) {
                        for (Path run : runs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString()
                                .equals("tags")).toList()) {
                            checkRun(id, run);
                        }
                    }
                }
            }
        }

        private void checkRun(String expId, Path run) throws IOException {
            String runId = run.getFileName().toString();
            assertTrue(runId.matches("[0-9a-f]{32}"), runId);
            JsonNode m = YAML.readTree(run.resolve("meta.yaml").toFile());
            assertEquals(runId, m.get("run_id").asText());
            assertEquals(runId, m.get("run_uuid").asText());
            assertEquals(expId, m.get("experiment_id").asText());
            assertTrue(m.get("status").isInt() && List.of(1, 2, 3, 4, 5).contains(m.get("status").asInt()));
            assertTrue(m.get("start_time").isIntegralNumber());
            assertTrue(m.get("end_time").isNull() || m.get("end_time").isIntegralNumber());
            assertEquals(4, m.get("source_type").asInt());
            assertEquals("active", m.get("lifecycle_stage").asText());
            assertTrue(m.get("tags").isArray() && m.get("tags").isEmpty());
            assertTrue(m.get("artifact_uri").asText().startsWith("file:///"));
            assertEquals(Files.readString(run.resolve("tags/mlflow.runName")), m.get("run_name").asText());
            for (Map.Entry<String, String> e : readTree(run.resolve("metrics")).entrySet()) {
                assertTrue(e.getKey().matches("[/\\w.\\- ]+"), e.getKey());
                for (String line : e.getValue().split("\n")) {
                    String[] f = line.split(" ");
                    assertEquals(3, f.length, line);
                    Long.parseLong(f[0]);
                    double v = Double.parseDouble(f[1]);
                    assertTrue(Double.isFinite(v), "no NaN/Inf in the store: " + line);
                    Long.parseLong(f[2]);
                }
            }
            for (Map.Entry<String, String> e : readTree(run.resolve("params")).entrySet()) {
                assertFalse(e.getValue().endsWith("\n"), "param without trailing newline: " + e.getKey());
            }
        }
    }
}

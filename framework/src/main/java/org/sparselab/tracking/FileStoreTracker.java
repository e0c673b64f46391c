package org.sparselab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes MLflow's local file store ({@code mlruns/}) exactly as {@code mlflow/store/tracking/file_store.py} lays it
 * out, so {@code MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns} (or {@code mlflow
 * migrate-filestore}) reads it; the Java client cannot write this store (mlflow#2637).
 *
 * <p>Whole files (meta.yaml, params, tags) are written atomically; metric files are appended one line per point,
 * {@code <timestamp_ms> <value> <step>}. Experiment creation holds a file lock on the store so that concurrent sweep
 * workers agree on one experiment per name.
 */
public final class FileStoreTracker extends SanitizingTracker implements SpoolTarget {
    static final String DEFAULT_EXPERIMENT_ID = "0";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/][A-Za-z0-9_./: -]*");
    // What YAML 1.1 (PyYAML) would read as a number or date: such strings must be quoted.
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*"
            + "(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|\\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?)"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private String experimentId;
    private String runId;
    private Path runDir;
    private final Map<String, Object> runMeta = new LinkedHashMap<>();

    /** A tracker writing under the {@code mlruns} directory {@code root} (created if missing). */
    public FileStoreTracker(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public String experimentId() {
        return experimentId;
    }

    /** The run's directory, {@code mlruns/<experiment_id>/<run_id>}. */
    public Path runDir() {
        return runDir;
    }

    @Override
    public void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags) {
        try {
            experimentId = findOrCreateExperiment(experimentName, startTimeMs);
            runId = UUID.randomUUID().toString().replace("-", "");
            runDir = root.resolve(experimentId).resolve(runId);
            for (String sub : List.of("params", "metrics", "tags", "artifacts")) {
                Files.createDirectories(runDir.resolve(sub));
            }
            Map<String, String> all = startTags(runName, tags);
            runMeta.put("artifact_uri", fileUri(runDir.resolve("artifacts")));
            runMeta.put("end_time", null);
            runMeta.put("entry_point_name", "");
            runMeta.put("experiment_id", experimentId);
            runMeta.put("lifecycle_stage", "active");
            runMeta.put("run_id", runId);
            runMeta.put("run_name", all.getOrDefault("mlflow.runName", ""));
            runMeta.put("run_uuid", runId);
            runMeta.put("source_name", "");
            runMeta.put("source_type", 4); // LOCAL
            runMeta.put("source_version", "");
            runMeta.put("start_time", startTimeMs);
            runMeta.put("status", MlflowNames.statusCode(RunStatus.RUNNING));
            runMeta.put("tags", List.of());
            runMeta.put("user_id", all.getOrDefault("mlflow.user", ""));
            writeRunMeta();
            writeTags(all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an MLflow run under " + root, e);
        }
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    protected void writeParams(Map<String, String> params) {
        requireStarted();
        try {
            for (Map.Entry<String, String> e : params.entrySet()) {
                Path f = runDir.resolve("params").resolve(e.getKey());
                if (Files.exists(f)) {
                    String old = Files.readString(f, StandardCharsets.UTF_8);
                    if (old.equals(e.getValue())) continue; // MLflow: same value again is a no-op
                    throw new IllegalStateException("param '" + e.getKey() + "' of run " + runId + " is already '"
                            + old + "'; MLflow params are immutable (new value '" + e.getValue() + "')");
                }
                AtomicFiles.write(f, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write params of run " + runId, e);
        }
    }

    @Override
    protected void writeMetrics(List<MetricPoint> points) {
        requireStarted();
        Map<String, StringBuilder> byKey = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            byKey.computeIfAbsent(p.key(), k -> new StringBuilder())
                    .append(p.timestampMs()).append(' ').append(p.value()).append(' ').append(p.step()).append('\n');
        }
        try {
            for (Map.Entry<String, StringBuilder> e : byKey.entrySet()) {
                Path f = runDir.resolve("metrics").resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append metrics of run " + runId, e);
        }
    }

    @Override
    protected void writeTags(Map<String, String> tags) {
        requireStarted();
        try {
            for (Map.Entry<String, String> e : tags.entrySet()) {
                AtomicFiles.write(runDir.resolve("tags").resolve(e.getKey()), e.getValue());
            }
            String name = tags.get("mlflow.runName");
            if (name != null && !name.equals(runMeta.get("run_name"))) { // MLflow keeps both in sync
                runMeta.put("run_name", name);
                writeRunMeta();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tags of run " + runId, e);
        }
    }

    @Override
    public void logArtifact(Path file, String artifactDir) {
        requireStarted();
        Path dir = runDir.resolve("artifacts");
        String sub = MlflowNames.checkArtifactDir(artifactDir);
        if (!sub.isEmpty()) dir = dir.resolve(sub);
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(file.getFileName().toString());
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy artifact " + file + " into run " + runId, e);
        }
    }

    @Override
    public void finish(RunStatus status, long endTimeMs) {
        requireStarted();
        runMeta.put("status", MlflowNames.statusCode(status));
        runMeta.put("end_time", status.terminal() ? endTimeMs : null);
        try {
            writeRunMeta();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish run " + runId, e);
        }
    }

    @Override
    public void close() {}

    /** Finds the active experiment called {@code name} by scanning {@code meta.yaml} files, creating it if missing. */
    String findOrCreateExperiment(String name, long nowMs) throws IOException {
        Files.createDirectories(root.resolve(".trash"));
        try (FileChannel ch = FileChannel.open(root.resolve(".sparselab.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            if (!Files.exists(root.resolve(DEFAULT_EXPERIMENT_ID).resolve("meta.yaml"))) {
                writeExperiment(DEFAULT_EXPERIMENT_ID, "Default", nowMs);
            }
            Optional<String> found = findExperiment(root, name);
            if (found.isPresent()) return found.get();
            String id;
            do {
                id = newExperimentId();
            } while (Files.exists(root.resolve(id)));
            writeExperiment(id, name, nowMs);
            return id;
        }
    }

    /** The id of the active experiment named {@code name} in the store at {@code root}, if any. */
    public static Optional<String> findExperiment(Path root, String name) throws IOException {
        if (!Files.isDirectory(root)) return Optional.empty();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                Path meta = d.resolve("meta.yaml");
                String id = d.getFileName().toString();
                if (!MlflowNames.validExperimentId(id) || !Files.exists(meta)) continue;
                JsonNode m = YAML.readTree(meta.toFile());
                if (name.equals(m.path("name").asText(null)) && id.equals(m.path("experiment_id").asText())) {
                    if (!"active".equals(m.path("lifecycle_stage").asText())) {
                        throw new IllegalStateException("MLflow experiment '" + name + "' (" + id + ") is deleted; "
                                + "restore it or choose another name");
                    }
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A new experiment id as MLflow ≥ 2.x makes them ({@code _generate_unique_integer_id}): an 18-digit random
     * integer without leading zero, not 1, 2, 3 — so experiments created by parallel writers never clash.
     */
    static String newExperimentId() {
        long lo = 100_000_000_000_000_000L;
        return Long.toString(lo + Math.floorMod(RANDOM.nextLong(), 9 * lo));
    }

    private void writeExperiment(String id, String name, long nowMs) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("artifact_location", fileUri(root.resolve(id)));
        m.put("creation_time", nowMs);
        m.put("experiment_id", id);
        m.put("last_update_time", nowMs);
        m.put("lifecycle_stage", "active");
        m.put("name", name);
        AtomicFiles.write(root.resolve(id).resolve("meta.yaml"), yaml(m));
    }

    @Override
    public String address() {
        return SpoolTarget.fileAddress(root);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void attach(String existingRunId) {
        try {
            Path dir = null;
            String exp = null;
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> exps = Files.newDirectoryStream(root, Files::isDirectory)) {
                    for (Path e : exps) {
                        if (Files.exists(e.resolve(existingRunId).resolve("meta.yaml"))) {
                            dir = e.resolve(existingRunId);
                            exp = e.getFileName().toString();
                        }
                    }
                }
            }
            if (dir == null) throw new IllegalStateException("no MLflow run " + existingRunId + " under " + root);
            experimentId = exp;
            runId = existingRunId;
            runDir = dir;
            runMeta.clear();
            runMeta.putAll(YAML.readValue(dir.resolve("meta.yaml").toFile(), LinkedHashMap.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen MLflow run " + existingRunId + " under " + root, e);
        }
    }

    @Override
    public Optional<String> findRun(String experimentName, String key, String value) {
        try {
            Optional<String> exp = findExperiment(root, experimentName);
            if (exp.isEmpty()) return Optional.empty();
            try (DirectoryStream<Path> runs = Files.newDirectoryStream(root.resolve(exp.get()), Files::isDirectory)) {
                for (Path r : runs) {
                    Path tag = r.resolve("tags").resolve(key);
                    if (Files.exists(tag) && Files.readString(tag, StandardCharsets.UTF_8).equals(value)) {
                        return Optional.of(r.getFileName().toString());
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search MLflow runs under " + root, e);
        }
    }

    @Override
    public Map<String, String> serverParams() {
        requireStarted();
        Map<String, String> out = new LinkedHashMap<>();
        try (var files = Files.walk(runDir.resolve("params"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(runDir.resolve("params").relativize(f).toString().replace('\\', '/'),
                        Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read params of run " + runId, e);
        }
        return out;
    }

    @Override
    public List<MetricPoint> metricHistory(String key) {
        requireStarted();
        Path f = runDir.resolve("metrics").resolve(key);
        List<MetricPoint> out = new java.util.ArrayList<>();
        if (!Files.exists(f)) return out;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.trim().split("\\s+");
                if (p.length < 2) continue;
                out.add(new MetricPoint(key, Double.parseDouble(p[1]), Long.parseLong(p[0]),
                        p.length > 2 ? Long.parseLong(p[2]) : 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metric " + key + " of run " + runId, e);
        }
        return out;
    }

    @Override
    public void dropMetricsAfter(long lastStep) {
        requireStarted();
        try (var files = Files.walk(runDir.resolve("metrics"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                List<String> kept = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.isBlank() || Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) <= lastStep)
                        .toList();
                AtomicFiles.write(f, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim the metrics of MLflow run " + runId, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean reattach(String experimentName, String runId, long lastStep) {
        try {
            Optional<String> exp = findExperiment(root, experimentName);
            if (exp.isEmpty() || runId == null) return false;
            Path dir = root.resolve(exp.get()).resolve(runId);
            if (!Files.exists(dir.resolve("meta.yaml"))) return false;
            this.experimentId = exp.get();
            this.runId = runId;
            this.runDir = dir;
            runMeta.clear();
            runMeta.putAll(YAML.readValue(dir.resolve("meta.yaml").toFile(), LinkedHashMap.class));
            runMeta.put("status", MlflowNames.statusCode(RunStatus.RUNNING));
            runMeta.put("end_time", null);
            writeRunMeta();
            try (var files = Files.walk(dir.resolve("metrics"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    List<String> kept = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                            .filter(l -> l.isBlank() || Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) <= lastStep)
                            .toList();
                    AtomicFiles.write(f, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen MLflow run " + runId + " under " + root, e);
        }
    }

    /**
     * Ends a run of the store at {@code root} that still says RUNNING with {@code status} (a run whose process died
     * without ending it). Returns false when the store has no run {@code runId}.
     */
    @SuppressWarnings("unchecked")
    public static boolean endRun(Path root, String runId, RunStatus status, long endTimeMs) throws IOException {
        Path store = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(store)) return false;
        try (DirectoryStream<Path> exps = Files.newDirectoryStream(store, Files::isDirectory)) {
            for (Path exp : exps) {
                Path meta = exp.resolve(runId).resolve("meta.yaml");
                if (!Files.exists(meta)) continue;
                Map<String, Object> m = new LinkedHashMap<>(YAML.readValue(meta.toFile(), LinkedHashMap.class));
                if (Integer.valueOf(MlflowNames.statusCode(RunStatus.RUNNING)).equals(m.get("status"))) {
                    m.put("status", MlflowNames.statusCode(status));
                    m.put("end_time", endTimeMs);
                    AtomicFiles.write(meta, yaml(m));
                }
                return true;
            }
        }
        return false;
    }

    private void writeRunMeta() throws IOException {
        AtomicFiles.write(runDir.resolve("meta.yaml"), yaml(runMeta));
    }

    private void requireStarted() {
        if (runDir == null) throw new IllegalStateException("start() the run first");
    }

    /** {@code file:///abs/path}, as MLflow writes artifact locations. */
    static String fileUri(Path p) {
        return p.toAbsolutePath().normalize().toUri().toString().replaceFirst("/$", "");
    }

    /** Block YAML in PyYAML {@code safe_dump} style: keys in the given (sorted) order, strings quoted when needed. */
    static String yaml(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(": ").append(scalar(v)).append('\n'));
        return sb.toString();
    }

    private static String scalar(Object v) {
        if (v == null) return "null";
        if (v instanceof Number) return v.toString();
        if (v instanceof List<?> l && l.isEmpty()) return "[]";
        String s = v.toString();
        boolean keyword = NUMBER_LIKE.matcher(s).matches()
                || s.matches("(?i)null|~|true|false|yes|no|on|off|y|n|\\.nan|\\.inf|-\\.inf");
        if (!s.isEmpty() && PLAIN.matcher(s).matches() && !keyword && !s.endsWith(" ")
                && !s.endsWith(":") && !s.contains(": ")) {
            return s;
        }
        return "'" + s.replace("'", "''") + "'";
    }
}

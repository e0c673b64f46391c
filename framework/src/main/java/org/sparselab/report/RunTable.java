package org.sparselab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.Page;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;
import org.sparselab.tracking.ConfigParams;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunSummary;
import org.sparselab.tracking.StaleRuns;
import org.sparselab.train.EpochMetrics;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * One row per run with MLflow's {@code search_runs} columns: {@code run_id}, {@code status}, …, {@code params.*} (the
 * resolved config, flattened as the run logged it), {@code metrics.*} (the latest value of each metric) and
 * {@code tags.*}; read from run records, an MLflow file store, or an MLflow server (with mlflow-client), so a report
 * never needs MLflow's Python package.
 *
 * <p>Metric names are the ones a run logs to MLflow: {@code <split>_top1/_top5/_loss} of the last epoch (top-1 as a
 * fraction; for a run with a validation split, {@code test_*} is the held-out evaluation after training), {@code lr},
 * {@code params}, {@code effective_params}, {@code macs}, {@code effective_macs} (the final, post-training values
 * when the summary has them, {@link RunSummary#finalCost}), each method scalar, plus from the record {@code best_<split>_top1},
 * {@code duration_s} and {@code latency_ms} when a benchmark ran.
 */
public final class RunTable {
    public static final String RUN_ID = "run_id";
    public static final String RUN_NAME = "run_name";
    public static final String EXPERIMENT = "experiment";
    public static final String STATUS = "status";
    public static final String START_TIME = "start_time";
    /** The run-record directory (for MLflow runs, the one tagged {@code sparselab.run_dir} when it exists). */
    public static final String RUN_DIR = "run_dir";
    /** Where the run's record files ({@code profile.csv}, {@code metrics.csv}) can be read. */
    public static final String FILES_DIR = "files_dir";
    public static final String CONFIG_SHA256 = "tags.sparselab.config_sha256";
    public static final String PARAMS = "params.";
    public static final String METRICS = "metrics.";
    public static final String TAGS = "tags.";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Table table;

    private RunTable(Table table) {
        this.table = table;
    }

    /** Every run record (a directory with {@code summary.json} and {@code config.yaml}) at or under {@code dir}. */
    public static RunTable fromRecords(Path dir) throws IOException {
        return fromRecords(dir, UnaryOperator.identity());
    }

    /**
     * As {@link #fromRecords(Path)}; {@code resolve} turns each stored {@code config.yaml} into the YAML whose keys
     * become {@code params.*} (the CLI binds it by today's schema, so a key added since the run shows its default
     * instead of nothing).
     */
    public static RunTable fromRecords(Path dir, UnaryOperator<String> resolve) throws IOException {
        List<Path> runDirs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, 8)) {
            files.filter(f -> f.getFileName().toString().equals(RunRecorder.SUMMARY))
                    .map(Path::getParent)
                    .filter(d -> Files.exists(d.resolve(RunRecorder.CONFIG)))
                    .sorted()
                    .forEach(runDirs::add);
        }
        return fromRunDirs(runDirs, resolve);
    }

    /** The run records in {@code runDirs}, in that order. */
    public static RunTable fromRunDirs(Collection<Path> runDirs) throws IOException {
        return fromRunDirs(runDirs, UnaryOperator.identity());
    }

    /** As {@link #fromRunDirs(Collection)}, each stored config through {@code resolve} (see {@link #fromRecords}). */
    public static RunTable fromRunDirs(Collection<Path> runDirs, UnaryOperator<String> resolve) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path d : runDirs) rows.add(recordRow(d, resolve));
        return of(rows);
    }

    /**
     * The runs of an MLflow file store ({@code mlruns/}), of one experiment by name or of all when {@code experiment}
     * is null; deleted experiments and runs are left out.
     */
    public static RunTable fromMlflowStore(Path root, String experiment) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!Files.isDirectory(root)) return of(rows);
        try (Stream<Path> exps = Files.list(root)) {
            for (Path exp : exps.filter(p -> Files.exists(p.resolve("meta.yaml"))).sorted().toList()) {
                JsonNode meta = YAML.readTree(exp.resolve("meta.yaml").toFile());
                String name = meta.path("name").asText();
                if (!"active".equals(meta.path("lifecycle_stage").asText("active"))) continue;
                if (experiment != null && !experiment.equals(name)) continue;
                try (Stream<Path> runs = Files.list(exp)) {
                    for (Path run : runs.filter(p -> Files.exists(p.resolve("meta.yaml"))).sorted().toList()) {
                        Map<String, Object> row = mlflowRow(run, name);
                        if (row != null) rows.add(row);
                    }
                }
            }
        }
        return of(rows);
    }

    /**
     * The runs of an MLflow tracking server at {@code uri} ({@code http(s)://…}), of one experiment by name or of all
     * when {@code experiment} is null, read with mlflow-client's {@link MlflowClient} ({@code runs/search}; the latest
     * value of each metric, as MLflow reports it). Credentials: {@code MLFLOW_TRACKING_TOKEN}, or
     * {@code MLFLOW_TRACKING_USERNAME} / {@code MLFLOW_TRACKING_PASSWORD}, from {@code env}. A run's record files
     * (profile, metrics.csv) are used when the directory in its {@code sparselab.run_dir} tag exists here.
     */
    public static RunTable fromMlflowServer(String uri, String experiment, Map<String, String> env) {
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        MlflowHostCredsProvider creds = token != null && !token.isEmpty() ? new BasicMlflowHostCreds(uri, token)
                : user != null ? new BasicMlflowHostCreds(uri, user, env.get("MLFLOW_TRACKING_PASSWORD"))
                : new BasicMlflowHostCreds(uri);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (MlflowClient client = new MlflowClient(creds)) {
            List<Service.Experiment> experiments = new ArrayList<>();
            if (experiment != null) {
                client.getExperimentByName(experiment).ifPresent(experiments::add);
            } else {
                Page<Service.Experiment> page = client.searchExperiments();
                while (true) {
                    for (Service.Experiment e : page.getItems()) experiments.add(e);
                    if (!page.hasNextPage()) break;
                    page = page.getNextPage();
                }
            }
            for (Service.Experiment e : experiments) {
                if (!"active".equals(e.getLifecycleStage())) continue;
                Page<Service.Run> page = client.searchRuns(List.of(e.getExperimentId()), "",
                        Service.ViewType.ACTIVE_ONLY, 1000);
                while (true) {
                    for (Service.Run r : page.getItems()) rows.add(serverRow(r, e.getName()));
                    if (!page.hasNextPage()) break;
                    page = page.getNextPage();
                }
            }
        }
        return of(rows);
    }

    private static Map<String, Object> serverRow(Service.Run run, String experiment) {
        Service.RunInfo info = run.getInfo();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(RUN_ID, info.getRunId().isEmpty() ? info.getRunUuid() : info.getRunId());
        row.put(RUN_NAME, info.getRunName());
        row.put(EXPERIMENT, experiment);
        row.put(STATUS, info.getStatus().name());
        row.put(START_TIME, Long.toString(info.getStartTime()));
        if (info.hasEndTime()) row.put("end_time", Long.toString(info.getEndTime()));
        for (Service.Param p : run.getData().getParamsList()) row.put(PARAMS + p.getKey(), p.getValue());
        for (Service.RunTag t : run.getData().getTagsList()) row.put(TAGS + t.getKey(), t.getValue());
        for (Service.Metric m : run.getData().getMetricsList()) row.put(METRICS + m.getKey(), m.getValue());
        Object recordDir = row.get(TAGS + "sparselab.run_dir");
        if (recordDir != null && Files.isDirectory(Path.of(recordDir.toString()))) {
            row.put(RUN_DIR, recordDir.toString());
            row.put(FILES_DIR, recordDir.toString());
        } else {
            row.put(RUN_DIR, info.getArtifactUri());
        }
        return row;
    }

    /** The table built from rows of column → String or Double; columns sorted: info, params, metrics, tags. */
    static RunTable of(List<Map<String, Object>> rows) {
        TreeSet<String> names = new TreeSet<>(RunTable::columnOrder);
        rows.forEach(r -> names.addAll(r.keySet()));
        List<Column<?>> columns = new ArrayList<>();
        for (String name : names) {
            boolean numeric = name.startsWith(METRICS);
            if (numeric) {
                DoubleColumn c = DoubleColumn.create(name);
                for (Map<String, Object> r : rows) {
                    Object v = r.get(name);
                    if (v instanceof Number n) c.append(n.doubleValue());
                    else c.appendMissing();
                }
                columns.add(c);
            } else {
                StringColumn c = StringColumn.create(name);
                for (Map<String, Object> r : rows) {
                    Object v = r.get(name);
                    if (v == null) c.appendMissing();
                    else c.append(v.toString());
                }
                columns.add(c);
            }
        }
        return new RunTable(Table.create("runs", columns));
    }

    private static final List<String> INFO = List.of(RUN_ID, RUN_NAME, EXPERIMENT, STATUS, START_TIME, "end_time",
            RUN_DIR, FILES_DIR);

    private static int columnOrder(String a, String b) {
        return Comparator.comparingInt(RunTable::rank).thenComparing(Comparator.naturalOrder()).compare(a, b);
    }

    private static int rank(String name) {
        int i = INFO.indexOf(name);
        if (i >= 0) return i;
        if (name.startsWith(PARAMS)) return 100;
        if (name.startsWith(METRICS)) return 200;
        if (name.startsWith(TAGS)) return 300;
        return 50;
    }

    /** The Tablesaw table (one row per run). */
    public Table table() {
        return table;
    }

    public int size() {
        return table.rowCount();
    }

    public boolean has(String column) {
        return table.containsColumn(column);
    }

    /** The text of a non-metric cell; null when the column is absent or the cell missing. */
    public String text(int row, String column) {
        if (!table.containsColumn(column)) return null;
        Column<?> c = table.column(column);
        if (c.isMissing(row)) return null;
        return c instanceof DoubleColumn d ? Double.toString(d.getDouble(row)) : c.getString(row);
    }

    /** A metric cell; NaN when the column is absent or the cell missing. */
    public double number(int row, String column) {
        if (!table.containsColumn(column)) return Double.NaN;
        Column<?> c = table.column(column);
        if (c.isMissing(row)) return Double.NaN;
        if (c instanceof DoubleColumn d) return d.getDouble(row);
        try {
            return Double.parseDouble(c.getString(row));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The rows for which {@code keep} holds, as a new table. */
    public RunTable where(IntPredicate keep) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < size(); i++) if (keep.test(i)) rows.add(i);
        if (rows.isEmpty()) return new RunTable(table.emptyCopy()); // Tablesaw's rows() refuses an empty selection
        return new RunTable(table.rows(rows.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The runs whose status is FINISHED. */
    public RunTable finished() {
        return where(i -> "FINISHED".equals(text(i, STATUS)));
    }

    // ---- run records ----

    private static Map<String, Object> recordRow(Path runDir, UnaryOperator<String> resolve) throws IOException {
        StaleRuns.settle(runDir); // a run left RUNNING by a process that died is reported (and recorded) KILLED
        RunSummary s = RunSummary.read(runDir);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(RUN_ID, s.runId());
        row.put(RUN_NAME, s.runName());
        row.put(EXPERIMENT, s.experiment());
        row.put(STATUS, s.status() == null ? null : s.status().name());
        row.put(START_TIME, s.startTime());
        row.put("end_time", s.endTime());
        row.put(RUN_DIR, runDir.toAbsolutePath().normalize().toString());
        row.put(FILES_DIR, runDir.toAbsolutePath().normalize().toString());
        Map<String, String> params = ConfigParams.flatten(resolve.apply(Files.readString(
                runDir.resolve(RunRecorder.CONFIG))));
        params.forEach((k, v) -> row.put(PARAMS + k, v));

        // From the summary first (records without metrics.csv); metrics.csv below has the last word.
        if (s.finalMetrics() != null) s.finalMetrics().forEach((split, m) -> splitMetrics(row, split, m));
        if (s.test() != null) splitMetrics(row, "test", s.test());
        if (s.best() != null && s.best().top1() != null) {
            row.put(METRICS + "best_" + s.best().split() + "_top1", s.best().top1());
        }
        // The post-training size (after pruning or conversion) wins over the profile taken before training.
        RunSummary.Cost cost = s.finalCost();
        if (cost != null) {
            putNumber(row, METRICS + "params", cost.params());
            putNumber(row, METRICS + "effective_params", cost.effectiveParams());
            putNumber(row, METRICS + "macs", cost.macs());
            putNumber(row, METRICS + "effective_macs", cost.effectiveMacs());
        }
        putNumber(row, METRICS + "duration_s", s.durationS());
        // A run's own measurement at batch 1, of the deployed form when the method has one.
        RunSummary.Latency trainedLatency = s.latency();
        RunSummary.Latency deployedLatency = s.deployed() == null ? null : s.deployed().latency();
        double trained = b1MedianMs(trainedLatency);
        double deployed = b1MedianMs(deployedLatency);
        double latency = !Double.isNaN(deployed) ? deployed : trained;
        if (!Double.isNaN(latency)) row.put(METRICS + "latency_ms", latency);
        // Trained (dense-cost) and deployed form timed pass by pass in one process: a fair ratio under any load,
        // unlike two runs' latencies measured at different times (or one run's two forms timed minutes apart).
        if (deployedLatency != null && Boolean.TRUE.equals(deployedLatency.interleaved()) && trained > 0
                && deployed > 0) {
            row.put(METRICS + "deployed_speedup", trained / deployed);
        }
        if (Files.exists(runDir.resolve(RunRecorder.METRICS))) {
            // The last row of each split: exactly the latest value of the metric the run logged to MLflow.
            for (EpochMetrics m : RunRecorder.readMetrics(runDir)) {
                row.put(METRICS + m.split() + "_loss", m.loss());
                row.put(METRICS + m.split() + "_top1", m.top1());
                row.put(METRICS + m.split() + "_top5", m.top5());
                if (m.split().equals("train")) row.put(METRICS + "lr", m.lr());
            }
        }
        for (RunRecorder.Scalar sc : RunRecorder.readScalars(runDir)) row.put(METRICS + sc.name(), sc.value());

        row.put(CONFIG_SHA256, s.configSha256());
        row.put(TAGS + "mlflow.runName", s.runName());
        String parent = params.get("tracking.parent_run_id");
        if (parent != null && !parent.equals("null")) row.put(TAGS + "mlflow.parentRunId", parent);
        if (s.provenance() != null) {
            row.put(TAGS + "mlflow.source.git.commit", s.provenance().gitCommit());
            row.put(TAGS + "sparselab.git.dirty", s.provenance().gitDirty());
            List<String> changed = s.provenance().gitDirtyPaths();
            if (changed != null && !changed.isEmpty()) {
                row.put(TAGS + "sparselab.git.dirty_paths", String.join(", ", changed));
            }
        }
        row.put(TAGS + "sparselab.seed", s.seed());
        row.put(TAGS + "sparselab.device", s.device());
        row.put(TAGS + "sparselab.method", s.method());
        if (s.model() != null) row.put(TAGS + "sparselab.model", s.model().arch());
        if (s.data() != null) {
            row.put(TAGS + "sparselab.dataset.name", s.data().name());
            row.put(TAGS + "sparselab.dataset.digest", s.data().digest());
        }
        row.put(TAGS + "sparselab.run_dir", row.get(RUN_DIR));
        if (s.mlflowRunId() != null) row.put(TAGS + "sparselab.mlflow_run_id", s.mlflowRunId());
        if (s.process() != null && s.process().host() != null) row.put(TAGS + "sparselab.host", s.process().host());
        if (s.cpu() != null && s.cpu().model() != null) row.put(TAGS + "sparselab.cpu", s.cpu().model());
        row.values().removeIf(java.util.Objects::isNull);
        return row;
    }

    private static void putNumber(Map<String, Object> row, String column, Number v) {
        if (v != null) row.put(column, v.doubleValue());
    }

    /** The median latency at batch 1 in ms; NaN when it was not measured. */
    private static double b1MedianMs(RunSummary.Latency latency) {
        return latency != null && latency.b1() != null && latency.b1().medianMs() != null ? latency.b1().medianMs()
                : Double.NaN;
    }

    private static void splitMetrics(Map<String, Object> row, String split, RunSummary.SplitMetrics m) {
        putNumber(row, METRICS + split + "_loss", m.loss());
        putNumber(row, METRICS + split + "_top1", m.top1());
        putNumber(row, METRICS + split + "_top5", m.top5());
    }

    // ---- MLflow file store ----

    private static Map<String, Object> mlflowRow(Path run, String experiment) throws IOException {
        JsonNode meta = YAML.readTree(run.resolve("meta.yaml").toFile());
        if (!"active".equals(meta.path("lifecycle_stage").asText("active"))) return null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(RUN_ID, meta.path("run_id").asText(run.getFileName().toString()));
        row.put(RUN_NAME, meta.path("run_name").asText(null));
        row.put(EXPERIMENT, experiment);
        row.put(STATUS, statusName(meta.path("status").asInt(0)));
        if (meta.hasNonNull("start_time")) row.put(START_TIME, Long.toString(meta.get("start_time").asLong()));
        if (meta.hasNonNull("end_time")) row.put("end_time", Long.toString(meta.get("end_time").asLong()));
        Path artifacts = artifactDir(meta.path("artifact_uri").asText(""), run);
        row.put(FILES_DIR, artifacts.toString());
        readKeyFiles(run.resolve("params"), PARAMS, row);
        readKeyFiles(run.resolve("tags"), TAGS, row);
        Path metrics = run.resolve("metrics");
        if (Files.isDirectory(metrics)) {
            try (Stream<Path> files = Files.walk(metrics)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    double latest = latestMetric(f);
                    if (!Double.isNaN(latest)) {
                        row.put(METRICS + metrics.relativize(f).toString().replace('\\', '/'), latest);
                    }
                }
            }
        }
        Object recordDir = row.get(TAGS + "sparselab.run_dir");
        boolean recordExists = recordDir != null && Files.exists(Path.of(recordDir.toString()));
        row.put(RUN_DIR, recordExists ? recordDir.toString() : artifacts.toString());
        return row;
    }

    private static Path artifactDir(String uri, Path run) {
        if (uri.startsWith("file:")) {
            try {
                Path p = Path.of(URI.create(uri));
                if (Files.isDirectory(p)) return p;
            } catch (IllegalArgumentException e) {
                // fall through: a moved store keeps its artifacts beside meta.yaml
            }
        }
        return run.resolve("artifacts");
    }

    private static void readKeyFiles(Path dir, String prefix, Map<String, Object> row) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = dir.relativize(f).toString().replace('\\', '/');
                row.put(prefix + key, Files.readString(f, StandardCharsets.UTF_8));
            }
        }
    }

    /** MLflow's latest value: the point with the largest (step, timestamp, value). */
    private static double latestMetric(Path file) {
        try {
            long bestStep = Long.MIN_VALUE;
            long bestTs = Long.MIN_VALUE;
            double best = Double.NaN;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) continue;
                long ts = Long.parseLong(f[0]);
                double v = Double.parseDouble(f[1]);
                long step = f.length > 2 ? Long.parseLong(f[2]) : 0;
                boolean later = step > bestStep || step == bestStep && (ts > bestTs || ts == bestTs && v > best);
                if (Double.isNaN(best) || later) {
                    bestStep = step;
                    bestTs = ts;
                    best = v;
                }
            }
            return best;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String statusName(int code) {
        return switch (code) {
            case 1 -> "RUNNING";
            case 2 -> "SCHEDULED";
            case 3 -> "FINISHED";
            case 4 -> "FAILED";
            case 5 -> "KILLED";
            default -> "UNKNOWN";
        };
    }

}

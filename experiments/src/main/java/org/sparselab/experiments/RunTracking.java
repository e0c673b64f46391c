package org.sparselab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.tracking.ConfigParams;
import org.sparselab.tracking.MetricPoint;
import org.sparselab.tracking.Provenance;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;
import org.sparselab.tracking.RunSummary;
import org.sparselab.tracking.Tracker;
import org.sparselab.train.EpochMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors one run record into MLflow: params (the resolved config, flattened), per-epoch metrics with step = global
 * epoch, the system and {@code sparselab.*} tags, artifacts and the terminal status. The run record on disk stays
 * the source of truth; a tracking failure is logged, never fatal to training.
 */
final class RunTracking implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunTracking.class);

    private final Tracker tracker;
    private boolean broken;

    RunTracking(Tracker tracker) {
        this.tracker = tracker;
    }

    void start(ExperimentConfig cfg, Path runDir, String sha256, Provenance prov, String device, String dataName,
            String dataDigest, String source) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", cfg.name());
        tags.put("mlflow.user", prov.user());
        tags.put("mlflow.source.name", source);
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("mlflow.source.git.commit", prov.gitCommit());
        tags.put("mlflow.source.git.branch", prov.gitBranch());
        tags.put("mlflow.source.git.repoURL", prov.gitRemote());
        tags.put("sparselab.config_sha256", sha256);
        tags.put("sparselab.seed", Long.toString(cfg.seed()));
        tags.put("sparselab.device", device);
        tags.put("sparselab.method", cfg.method().name());
        tags.put("sparselab.model", cfg.model().arch());
        tags.put("sparselab.java.version", prov.javaVersion());
        tags.put("sparselab.djl.version", prov.djlVersion());
        tags.put("sparselab.pytorch.version", prov.pytorchVersion());
        tags.put("sparselab.git.dirty", Boolean.toString(prov.gitDirty()));
        if (prov.gitDirty()) tags.put("sparselab.git.dirty_paths", String.join(", ", prov.gitDirtyPaths()));
        tags.put("sparselab.os.name", prov.osName());
        tags.put("sparselab.dataset.name", dataName);
        tags.put("sparselab.dataset.digest", dataDigest);
        tags.put("sparselab.run_dir", runDir.toString());
        if (cfg.tracking().parentRunId() != null) tags.put("mlflow.parentRunId", cfg.tracking().parentRunId());
        guard(() -> {
            tracker.start(cfg.experimentName(), cfg.name(), System.currentTimeMillis(), tags);
            tracker.logParams(ConfigParams.flatten(Files.readString(runDir.resolve(RunRecorder.CONFIG))));
        });
    }

    /**
     * A resumed run continues the MLflow run of its first attempt where the backend can reattach to it (file store;
     * a spooled REST tracker continues its spool), dropping points logged after the checkpoint; otherwise it starts
     * a new MLflow run tagged with the record it continues.
     */
    void resume(Path runDir, int lastEpoch) {
        guard(() -> {
            RunSummary s = RunSummary.read(runDir);
            String experiment = s.experiment();
            String previous = s.mlflowRunId();
            // A spooled tracker continues its spool even when the record never learned the MLflow run id.
            if (tracker.reattach(experiment, previous, lastEpoch)) return;
            tracker.start(experiment, s.runName(), System.currentTimeMillis(),
                    Map.of("sparselab.run_dir", runDir.toString(), "sparselab.resumed_from_epoch",
                            Integer.toString(lastEpoch)));
            tracker.logParams(ConfigParams.flatten(Files.readString(runDir.resolve(RunRecorder.CONFIG))));
        });
    }

    String runId() {
        try {
            return tracker.runId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    void epoch(EpochMetrics m) {
        long now = System.currentTimeMillis();
        String p = m.split() + "_";
        List<MetricPoint> points = new ArrayList<>(List.of(
                new MetricPoint(p + "loss", m.loss(), now, m.epoch()),
                new MetricPoint(p + "top1", m.top1(), now, m.epoch()),
                new MetricPoint(p + "top5", m.top5(), now, m.epoch())));
        if (m.split().equals("train")) points.add(new MetricPoint("lr", m.lr(), now, m.epoch()));
        guard(() -> tracker.logMetrics(points));
    }

    /** A method's per-epoch scalars, as metrics with step = epoch. */
    void scalars(int epoch, Map<String, Double> values) {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        values.forEach((k, v) -> points.add(new MetricPoint(k, v, now, epoch)));
        guard(() -> tracker.logMetrics(points));
    }

    void profile(ModelProfile profile) {
        long now = System.currentTimeMillis();
        guard(() -> tracker.logMetrics(List.of(
                new MetricPoint("params", profile.params(), now, 0),
                new MetricPoint("effective_params", profile.effectiveParams(), now, 0),
                new MetricPoint("macs", profile.macs(), now, 0),
                new MetricPoint("effective_macs", profile.effectiveMacs(), now, 0))));
    }

    /**
     * What the run measured once training ended, from its summary: the trained model's cost (masks counted),
     * latency, and the deployed form's cost, accuracy and latency, at step {@code lastEpoch}.
     */
    void endOfTraining(RunSummary summary, long lastEpoch) {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        addCost(points, "", summary.finalModel(), now, lastEpoch);
        addLatency(points, "", summary.latency(), now, lastEpoch);
        RunSummary.Deployed deployed = summary.deployed();
        if (deployed != null) {
            addCost(points, "deployed_", deployed.cost(), now, lastEpoch);
            add(points, "deployed_eval_top1", deployed.evalTop1(), now, lastEpoch);
            add(points, "deployed_trained_eval_top1", deployed.trainedEvalTop1(), now, lastEpoch);
            add(points, "deployed_max_abs_logit_diff", deployed.maxAbsLogitDiff(), now, lastEpoch);
            addLatency(points, "deployed_", deployed.latency(), now, lastEpoch);
        }
        guard(() -> tracker.logMetrics(points));
    }

    private static void addCost(List<MetricPoint> points, String prefix, RunSummary.Cost c, long now, long step) {
        if (c == null) return;
        add(points, prefix + "params", c.params(), now, step);
        add(points, prefix + "effective_params", c.effectiveParams(), now, step);
        add(points, prefix + "macs", c.macs(), now, step);
        add(points, prefix + "effective_macs", c.effectiveMacs(), now, step);
    }

    private static void addLatency(List<MetricPoint> points, String prefix, RunSummary.Latency latency, long now,
            long step) {
        if (latency == null) return;
        if (latency.b1() != null) add(points, prefix + "latency_b1_ms", latency.b1().medianMs(), now, step);
        if (latency.b64() != null) add(points, prefix + "latency_b64_ms", latency.b64().medianMs(), now, step);
        // Page faults per pass beside each latency: a reader of the MLflow run sees when a time is an allocator's.
        if (latency.b1() != null) add(points, prefix + "latency_b1_faults", latency.b1().faultsPerPass(), now, step);
        if (latency.b64() != null) add(points, prefix + "latency_b64_faults", latency.b64().faultsPerPass(), now, step);
    }

    private static void add(List<MetricPoint> points, String key, Number value, long now, long step) {
        if (value != null) points.add(new MetricPoint(key, value.doubleValue(), now, step));
    }

    /** Uploads the record's files and a Markdown note, then ends the run with {@code status}. */
    void finish(RunStatus status, Path runDir, RunSummary summary) {
        guard(() -> {
            tracker.setTags(Map.of("mlflow.note.content", note(status, summary)));
            for (String f : List.of(RunRecorder.CONFIG, RunRecorder.METRICS, RunRecorder.SCALARS, RunRecorder.SUMMARY, RunRecorder.LOG,
                    "profile.csv", "curves.png", RunRecorder.MODEL, ModelArchive.SPEC, Provenance.CODE_DIFF)) {
                Path file = runDir.resolve(f);
                if (Files.exists(file)) tracker.logArtifact(file, "");
            }
            tracker.finish(status, System.currentTimeMillis());
        });
    }

    private static String note(RunStatus status, RunSummary s) {
        Double best = s.best() == null ? null : s.best().top1();
        return String.format(Locale.ROOT, "**%s** — %s on %s, method %s; best %s top-1 %s; record `%s`", status,
                s.model() != null ? s.model().arch() : "?", s.data() != null ? s.data().name() : "?", s.method(),
                s.evalSplit(), best != null ? String.format(Locale.ROOT, "%.2f %%", 100 * best) : "n/a",
                s.runId());
    }

    /** Tracking must never stop training: report the first failure, then stay quiet. */
    private void guard(IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            if (!broken) LOG.warn("MLflow tracking failed ({}); the run record on disk is complete", e.getMessage());
            broken = true;
        }
    }

    @Override
    public void close() {
        try {
            tracker.close();
        } catch (Exception e) {
            LOG.warn("closing the tracker: {}", e.getMessage());
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}

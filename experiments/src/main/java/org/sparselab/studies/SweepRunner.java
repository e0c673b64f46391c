package org.sparselab.studies;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.sparselab.config.YamlWriter;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.MetricPoint;
import org.sparselab.tracking.RunSummary;
import org.sparselab.tracking.RunStatus;
import org.sparselab.tracking.Tracker;
import org.sparselab.tracking.Trackers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep: expands the plan, opens (or reopens) the MLflow parent run, decides per point what to do from the run
 * records ({@link RunIndex}: skip FINISHED, resume interrupted, run the rest), writes the child configs and the
 * manifest into the sweep directory, and runs the points on a pool of workers, updating the manifest as each ends.
 * The same sweep run again does only what is missing. {@link #emitSlurm} prepares the same directory for a cluster
 * job instead.
 */
public final class SweepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

    /**
     * @param workers points run at once
     * @param threads compute threads per point (recorded; the executor applies them)
     * @param retryFailed run points again whose last run FAILED (otherwise they are reported and left)
     * @param dryRun list the points and what would happen, write nothing
     */
    public record Options(int workers, int threads, boolean retryFailed, boolean dryRun) {}

    /** The sweep directory, the manifest as it ended, and how long this invocation took. */
    public record Outcome(Path dir, SweepManifest.Data manifest, Duration wall) {
        /** Points by status. */
        public Map<String, Integer> counts() {
            Map<String, Integer> c = new TreeMap<>();
            manifest.points().forEach(p -> c.merge(p.status(), 1, Integer::sum));
            return c;
        }

        public boolean complete() {
            return manifest.points().stream().allMatch(p -> p.status().equals("FINISHED"));
        }
    }

    private final Path projectDir;
    private final Map<String, String> env;
    private final Consumer<ExperimentConfig> validate;
    private final PrintWriter out;

    /**
     * @param projectDir the working directory of the children (relative output and tracking paths)
     * @param validate registry checks of each child config (e.g. the model name), before anything runs
     * @param out where progress lines go
     */
    public SweepRunner(Path projectDir, Map<String, String> env, Consumer<ExperimentConfig> validate, PrintWriter out) {
        this.projectDir = projectDir;
        this.env = Map.copyOf(env);
        this.validate = validate;
        this.out = out;
    }

    /** A prepared sweep: its expansion (with the parent run id), directory, decisions and parent tracker. */
    private record Prepared(SweepPlan.Expansion expansion, Path dir, List<RunIndex.Decision> decisions,
            Tracker parent, String parentRunId) {}

    /** Runs the points that need it with {@code executor}; {@code command} is recorded in the manifest. */
    public Outcome run(SweepPlan plan, List<String> command, Options o, PointExecutor executor) throws IOException {
        Instant start = Instant.now();
        Prepared p = prepare(plan, o.retryFailed(), o.dryRun());
        if (o.dryRun()) {
            printPlan(p);
            return new Outcome(p.dir(), manifestData(p, command, plan, "dry-run"), Duration.ZERO);
        }
        SweepManifest manifest = SweepManifest.create(p.dir(), manifestData(p, command, plan, null));
        List<SweepPlan.Child> todo = new ArrayList<>();
        for (SweepPlan.Child c : p.expansion().children()) {
            RunIndex.Action a = p.decisions().get(c.index()).action();
            if (a == RunIndex.Action.RUN || a == RunIndex.Action.RESUME) todo.add(c);
        }
        int workers = Math.max(1, Math.min(o.workers(), todo.size()));
        out.printf(Locale.ROOT, "sweep %s: %d point(s), %d to run on %d worker(s) × %d thread(s); %s%n",
                p.expansion().name(), p.expansion().children().size(), todo.size(), workers, o.threads(),
                manifest.file());
        out.flush();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sweep-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true); // queued points are not started (pool.shutdown() would still run them)
            executor.stopAll(); // children mark their runs KILLED; the workers record that in the manifest
            pool.shutdown();
            try {
                pool.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finishParent(p, manifest.data(), true);
        }, "sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SweepPlan.Child c : todo) {
                futures.add(pool.submit(() -> {
                    if (stopping.get()) return null;
                    runPoint(p, manifest, c, executor);
                    report(manifest.data().points().get(c.index()), done.incrementAndGet(), todo.size());
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            interrupted = true;
        } catch (ExecutionException e) {
            throw new IOException("a sweep worker failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs and finishes the parent
            }
        }
        finishParent(p, manifest.data(), interrupted);
        Outcome outcome = new Outcome(p.dir(), manifest.data(), Duration.between(start, Instant.now()));
        out.printf(Locale.ROOT, "sweep %s: %s in %.1f s; manifest %s%n", p.expansion().name(), outcome.counts(),
                outcome.wall().toMillis() / 1000.0, manifest.file());
        out.flush();
        return outcome;
    }

    /** Writes the child configs, manifest and an sbatch array script for the points that need a run. */
    public Outcome emitSlurm(SweepPlan plan, List<String> command, SlurmScript.Options so) throws IOException {
        Prepared p = prepare(plan, true, false);
        SweepManifest manifest = SweepManifest.create(p.dir(), manifestData(p, command, plan, "planned"));
        List<Integer> pending = new ArrayList<>();
        for (SweepManifest.Point pt : manifest.data().points()) {
            if (pt.action().equals("planned")) pending.add(pt.index());
        }
        if (p.parent() != null) p.parent().close();
        if (pending.isEmpty()) {
            out.printf("sweep %s: every point has FINISHED; nothing to submit (%s)%n", p.expansion().name(),
                    manifest.file());
        } else {
            List<Path> configs = new ArrayList<>();
            for (SweepManifest.Point pt : manifest.data().points()) configs.add(p.dir().resolve(pt.config()));
            Path script = SlurmScript.write(p.dir(), p.expansion().name(), configs, pending, projectDir, so);
            out.printf(Locale.ROOT, "sweep %s: %d of %d point(s) to run; submit with%n  sbatch %s%n"
                    + "then, when the job is done, run the same sweep command without --emit to collect the "
                    + "statuses and close the MLflow parent run.%n", p.expansion().name(), pending.size(),
                    configs.size(), script);
        }
        out.flush();
        return new Outcome(p.dir(), manifest.data(), Duration.ZERO);
    }

    private Prepared prepare(SweepPlan plan, boolean retryFailed, boolean dryRun) throws IOException {
        SweepPlan.Expansion first = plan.expand(null, env, validate);
        Path dir = first.sweepDir(projectDir);
        SweepManifest.Data old = SweepManifest.read(dir);
        String parentId = old == null ? null : old.parentRunId();
        Tracker parent = null;
        if (!dryRun) {
            Files.createDirectories(dir);
            parent = Trackers.open(first.first().tracking(), dir, env);
            try {
                if (parentId == null) {
                    startParent(parent, first, dir, plan);
                    // Children name their parent in their configs: wait (bounded) for the backend to create it.
                    parentId = parent.awaitRunId(java.time.Duration.ofSeconds(30));
                } else if (!parent.reattach(first.experiment(), parentId, Long.MAX_VALUE)) {
                    LOG.warn("cannot reopen MLflow parent run {}; its status will not be updated", parentId);
                    parent.close();
                    parent = null;
                }
            } catch (RuntimeException e) {
                LOG.warn("MLflow parent run: {}; the run records and manifest are complete", e.getMessage());
                parent = null;
            }
        }
        SweepPlan.Expansion ex = parentId == null ? first : plan.expand(parentId, env, validate);
        RunIndex index = RunIndex.scan(ex.runsDir(projectDir));
        List<RunIndex.Decision> decisions = new ArrayList<>();
        for (SweepPlan.Child c : ex.children()) decisions.add(index.decide(c.sha256(), retryFailed));
        if (!dryRun) {
            int width = Math.max(3, Integer.toString(ex.children().size() - 1).length());
            for (SweepPlan.Child c : ex.children()) AtomicFiles.write(dir.resolve(configPath(c, width)), c.loaded().yaml());
        }
        return new Prepared(ex, dir, decisions, parent, parentId);
    }

    private static String configPath(SweepPlan.Child c, int width) {
        return "configs/" + String.format(Locale.ROOT, "%0" + width + "d", c.index()) + ".yaml";
    }

    private void startParent(Tracker parent, SweepPlan.Expansion ex, Path dir, SweepPlan plan) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", ex.name());
        tags.put("mlflow.user", System.getProperty("user.name", ""));
        tags.put("mlflow.source.name", "sparselab sweep");
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("sparselab.sweep", ex.name());
        tags.put("sparselab.sweep.dir", dir.toAbsolutePath().toString());
        tags.put("sparselab.sweep.points", Integer.toString(ex.children().size()));
        tags.put("mlflow.note.content", "Sweep **" + ex.name() + "**: " + ex.children().size() + " point(s); "
                + "manifest `" + dir.resolve(SweepManifest.FILE).toAbsolutePath() + "`");
        parent.start(ex.experiment(), ex.name(), System.currentTimeMillis(), tags);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("sweep.points", Integer.toString(ex.children().size()));
        List<SweepPlan.Entry> entries = plan.entries();
        for (int i = 0; i < entries.size(); i++) {
            SweepPlan.Entry e = entries.get(i);
            String prefix = entries.size() == 1 ? "sweep." : "sweep." + i + ".";
            params.put(prefix + "config", e.config().toString());
            e.sweep().grid().forEach((k, v) -> params.put(prefix + "grid." + k,
                    v.stream().map(YamlWriter::flow).toList().toString()));
            if (e.sweep().seeds() > 0) params.put(prefix + "seeds", Integer.toString(e.sweep().seeds()));
        }
        parent.logParams(params);
    }

    private void finishParent(Prepared p, SweepManifest.Data m, boolean interrupted) {
        if (p.parent() == null) return;
        try {
            long finished = m.points().stream().filter(x -> x.status().equals("FINISHED")).count();
            long failed = m.points().stream().filter(x -> x.status().equals("FAILED")).count();
            long now = System.currentTimeMillis();
            p.parent().logMetrics(List.of(new MetricPoint("points_finished", finished, now, 0),
                    new MetricPoint("points_failed", failed, now, 0),
                    new MetricPoint("points_total", m.points().size(), now, 0)));
            p.parent().logArtifact(p.dir().resolve(SweepManifest.FILE), "");
            boolean running = m.points().stream().anyMatch(x -> x.status().equals("RUNNING")
                    || x.status().equals("PENDING"));
            RunStatus status = finished == m.points().size() ? RunStatus.FINISHED
                    : interrupted ? RunStatus.KILLED : running ? RunStatus.RUNNING : RunStatus.FAILED;
            if (status != RunStatus.RUNNING) p.parent().finish(status, now);
        } catch (RuntimeException e) {
            LOG.warn("MLflow parent run: {}", e.getMessage());
        } finally {
            p.parent().close();
        }
    }

    private SweepManifest.Data manifestData(Prepared p, List<String> command, SweepPlan plan, String pendingAction) {
        int width = Math.max(3, Integer.toString(p.expansion().children().size() - 1).length());
        List<SweepManifest.Point> points = new ArrayList<>();
        for (SweepPlan.Child c : p.expansion().children()) {
            RunIndex.Decision d = p.decisions().get(c.index());
            String status;
            String action;
            switch (d.action()) {
                case SKIP -> {
                    status = "FINISHED";
                    action = "skip";
                }
                case WAIT -> {
                    status = "RUNNING";
                    action = "wait";
                }
                case FAILED -> {
                    status = "FAILED";
                    action = "failed";
                }
                case RESUME -> {
                    status = "PENDING";
                    action = pendingAction != null ? pendingAction : "resume";
                }
                default -> {
                    status = "PENDING";
                    action = pendingAction != null ? pendingAction : "run";
                }
            }
            String runDir = d.run() == null ? null : d.run().dir().toAbsolutePath().toString();
            String runId = d.run() == null ? null : d.run().runId();
            points.add(new SweepManifest.Point(c.index(), c.label(), c.entry().config().toString(), c.values(),
                    configPath(c, width), c.sha256(), status, action, runDir, runId, null, null, null,
                    "logs/" + configPath(c, width).substring("configs/".length()).replace(".yaml", ".log"), null));
        }
        List<SweepManifest.Source> sources = new ArrayList<>();
        for (SweepPlan.Entry e : plan.entries()) {
            Map<String, List<String>> grid = new LinkedHashMap<>();
            e.sweep().grid().forEach((k, v) -> grid.put(k, v.stream().map(YamlWriter::flow).toList()));
            List<Map<String, List<String>>> zip = new ArrayList<>();
            for (var g : e.sweep().zip()) {
                Map<String, List<String>> z = new LinkedHashMap<>();
                g.forEach((k, v) -> z.put(k, v.stream().map(YamlWriter::flow).toList()));
                zip.add(z);
            }
            sources.add(new SweepManifest.Source(e.config().toString(), e.sets(), grid, zip, e.sweep().seeds()));
        }
        String now = Instant.now().toString();
        String created = now;
        try {
            SweepManifest.Data old = SweepManifest.read(p.dir());
            if (old != null) created = old.created();
        } catch (IOException e) {
            LOG.warn("unreadable manifest in {} is replaced: {}", p.dir(), e.getMessage());
        }
        return new SweepManifest.Data(SweepManifest.FORMAT, p.expansion().name(), p.expansion().experiment(),
                projectDir.toAbsolutePath().toString(), p.expansion().runsDir(projectDir).toAbsolutePath().toString(),
                p.expansion().trackingUri(), p.parentRunId(), List.copyOf(command), created, now, sources, points);
    }

    /** Runs one point and records in the manifest how it ended. */
    private void runPoint(Prepared p, SweepManifest manifest, SweepPlan.Child c, PointExecutor executor)
            throws IOException, InterruptedException {
        RunIndex.Decision d = p.decisions().get(c.index());
        Instant started = Instant.now();
        SweepManifest.Point pt = manifest.update(c.index(), x -> x.with("RUNNING", x.action())
                .withTimes(started.toString(), null, null).withError(null));
        Path log = p.dir().resolve(pt.log());
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0; // the log keeps earlier attempts; read only this one
        int code = d.action() == RunIndex.Action.RESUME ? executor.resume(d.run().dir(), log)
                : executor.run(p.dir().resolve(pt.config()), log);
        Instant ended = Instant.now();
        RunIndex.Run run = d.action() == RunIndex.Action.RESUME ? d.run()
                : RunIndex.scan(p.expansion().runsDir(projectDir)).latestSince(c.sha256(), started);
        String status = "FAILED";
        String runDir = null;
        String runId = null;
        if (run != null) {
            runDir = run.dir().toAbsolutePath().toString();
            runId = run.runId();
            RunStatus s = RunSummary.read(run.dir()).status();
            status = s == null ? "FAILED" : s.name();
        }
        String error = code == 0 && status.equals("FINISHED") ? null : lastLine(log, logStart, code);
        if (code != 0 && status.equals("RUNNING")) {
            // The process died without closing its record (SIGKILL, out of memory): the run is not running.
            status = "FAILED";
            error = error + "; the process ended without closing run " + runId
                    + ": sweeping again resumes it from its last checkpoint, if it wrote one";
        }
        String finalStatus = status;
        String finalError = error;
        String finalDir = runDir;
        String finalId = runId;
        manifest.update(c.index(), x -> x.with(finalStatus, x.action()).withRun(finalDir, finalId)
                .withTimes(started.toString(), ended.toString(), Duration.between(started, ended).toMillis() / 1000.0)
                .withError(finalError));
    }

    /** The last {@code error:} line (else the last line) written to {@code log} after byte {@code from}. */
    static String lastLine(Path log, long from, int code) {
        String exit = "exit " + code + (code > 128 && code < 160 ? ", killed by signal " + (code - 128)
                + (code == 137 ? " (SIGKILL: often the out-of-memory killer)" : "") : "");
        try {
            List<String> lines = List.of();
            if (Files.exists(log)) {
                byte[] all = Files.readAllBytes(log);
                int start = (int) Math.min(Math.max(from, 0), all.length);
                lines = new String(all, start, all.length - start, StandardCharsets.UTF_8).lines().toList();
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("error:")) return lines.get(i) + " (" + exit + ")";
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) return lines.get(i).strip() + " (" + exit + ")";
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // fall through
        }
        return exit;
    }

    private void report(SweepManifest.Point pt, int done, int total) {
        out.printf(Locale.ROOT, "  [%d/%d] #%d %-8s %s (%.1f s)%s%n", done, total, pt.index(), pt.status(),
                pt.label().isEmpty() ? pt.configSha256().substring(0, 12) : pt.label(),
                pt.durationS() == null ? 0.0 : pt.durationS(), pt.error() == null ? "" : ": " + pt.error());
        out.flush();
    }

    private void printPlan(Prepared p) {
        SweepPlan.Expansion ex = p.expansion();
        out.printf(Locale.ROOT, "sweep %s: %d point(s) → %s%n", ex.name(), ex.children().size(), ex.sweepDir(projectDir));
        if (ex.first().tracking().parentRunId() == null && !ex.trackingUri().equalsIgnoreCase("none")) {
            out.println("  (a new sweep: config hashes change once the MLflow parent run exists)");
        }
        out.printf("  %4s  %-7s %-12s  %s%n", "#", "action", "sha256", "values");
        for (SweepPlan.Child c : ex.children()) {
            RunIndex.Decision d = p.decisions().get(c.index());
            StringBuilder values = new StringBuilder();
            c.values().forEach((k, v) -> values.append(values.length() == 0 ? "" : " ").append(k).append('=').append(v));
            out.printf(Locale.ROOT, "  %4d  %-7s %-12s  %s%n", c.index(), d.action().name().toLowerCase(Locale.ROOT),
                    c.sha256().substring(0, 12), values.length() == 0 ? "(the config as it is)" : values);
        }
        out.flush();
    }
}

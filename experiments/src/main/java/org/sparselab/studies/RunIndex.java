package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.sparselab.config.ConfigWriter;
import org.sparselab.experiments.Schema;
import org.sparselab.tracking.ProcessInfo;
import org.sparselab.tracking.RunLock;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunSummary;
import org.sparselab.tracking.StaleRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run records of one experiment directory by config hash, and what to do about a config given them: skip it
 * (a FINISHED run exists), resume it (an interrupted run has a checkpoint), wait (it is running now), or run it.
 *
 * <p>This makes sweeps idempotent: running the same sweep again only does what is missing. A run counts as
 * interrupted when it says KILLED, or RUNNING while its process (recorded in the summary) is gone from this machine;
 * a RUNNING run of another machine is left alone, since from here it cannot be told from a live one.
 */
public final class RunIndex {
    private static final Logger LOG = LoggerFactory.getLogger(RunIndex.class);

    /** A run record. */
    public record Run(Path dir, String runId, String status, String startTime, boolean checkpoint,
            ProcessInfo process) {
        /**
         * RUNNING and written now: its lock is held, or its process is alive here, or it runs on another host
         * (unknowable, so assumed alive).
         */
        public boolean live() {
            return status.equals("RUNNING") && (RunLock.isHeld(dir)
                    || process != null && (!process.isLocal() || process.isAlive()));
        }

        public boolean interrupted() {
            return status.equals("KILLED") || status.equals("RUNNING") && !live();
        }
    }

    /** What to do with a point. */
    public enum Action {
        /** No usable run: start one. */
        RUN,
        /** An interrupted run has a checkpoint: continue it. */
        RESUME,
        /** A FINISHED run exists. */
        SKIP,
        /** A run of this config is going on now (here or on another host). */
        WAIT,
        /** The last run FAILED and failed runs are not retried. */
        FAILED
    }

    /** An action and the run it concerns (null for RUN without a previous attempt). */
    public record Decision(Action action, Run run) {}

    private final Map<String, List<Run>> byHash;

    private RunIndex(Map<String, List<Run>> byHash) {
        this.byHash = byHash;
    }

    /** The run records directly under {@code experimentDir} ({@code <output.dir>/<experiment>}). */
    public static RunIndex scan(Path experimentDir) throws IOException {
        Map<String, List<Run>> byHash = new HashMap<>();
        if (!Files.isDirectory(experimentDir)) return new RunIndex(byHash);
        try (Stream<Path> dirs = Files.list(experimentDir)) {
            for (Path d : dirs.filter(p -> Files.exists(p.resolve(RunRecorder.SUMMARY))).toList()) {
                RunSummary s = StaleRuns.settle(d); // a dead RUNNING run becomes KILLED here and in MLflow
                if (s == null) {
                    LOG.warn("cannot read {}", d.resolve(RunRecorder.SUMMARY));
                    continue;
                }
                String hash = identity(d, s);
                if (hash == null) continue;
                byHash.computeIfAbsent(hash, k -> new ArrayList<>()).add(new Run(d, s.runId(),
                        String.valueOf(s.status()), Objects.toString(s.startTime(), ""),
                        Files.exists(d.resolve(RunRecorder.CHECKPOINT)), s.process()));
            }
        }
        byHash.values().forEach(l -> l.sort(Comparator.comparing(r -> instant(r.startTime()))));
        return new RunIndex(byHash);
    }

    /**
     * The run's config identity ({@link ConfigWriter#identitySha256}), from its stored resolved config bound by
     * today's schema; for a record without one, or one that no longer binds (a key since renamed), the summary's
     * hash. Computing it from config.yaml lets a sweep re-run with another MLflow parent, or with code that has
     * added options since, find the runs it already has; the summary keeps the hash the run was started with.
     */
    static String identity(Path runDir, RunSummary summary) {
        Path config = runDir.resolve(RunRecorder.CONFIG);
        if (Files.isRegularFile(config)) {
            try {
                return Schema.rebind(Files.readString(config)).sha256();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read {}: {}", config, e.getMessage());
            }
        }
        return summary.configSha256();
    }

    /** The runs of config {@code sha256}, oldest first. */
    public List<Run> runs(String sha256) {
        return byHash.getOrDefault(sha256, List.of());
    }

    /** The latest run of {@code sha256} started at or after {@code since}, or null. */
    public Run latestSince(String sha256, Instant since) {
        Run found = null;
        for (Run r : runs(sha256)) if (!instant(r.startTime()).isBefore(since)) found = r;
        return found;
    }

    /** An ISO-8601 instant; unreadable ones sort first. */
    static Instant instant(String iso) {
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * What to do with config {@code sha256}: SKIP if any run FINISHED; WAIT if one is live; RESUME the latest
     * interrupted run with a checkpoint; FAILED if the latest attempt failed and {@code retryFailed} is false; else RUN.
     */
    public Decision decide(String sha256, boolean retryFailed) {
        List<Run> runs = runs(sha256);
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).status().equals("FINISHED")) return new Decision(Action.SKIP, runs.get(i));
        }
        for (Run r : runs) if (r.live()) return new Decision(Action.WAIT, r);
        if (runs.isEmpty()) return new Decision(Action.RUN, null);
        Run last = runs.get(runs.size() - 1);
        if (last.interrupted() && last.checkpoint()) return new Decision(Action.RESUME, last);
        if (last.status().equals("FAILED") && !retryFailed) return new Decision(Action.FAILED, last);
        return new Decision(Action.RUN, last);
    }
}

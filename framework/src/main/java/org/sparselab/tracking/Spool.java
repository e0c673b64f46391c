package org.sparselab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's MLflow event log in its run directory: {@code mlflow-spool.jsonl} (one JSON event per line, numbered by
 * {@code seq}) and {@code mlflow-spool.acked.json} (the highest seq the server acknowledged, the server's run id,
 * and seqs it rejected). {@link #sync} replays what was not acknowledged.
 *
 * <p>Events: {@code start} (experiment, run_name, start_time, tags, server, pid), {@code reattach} (after_step: a
 * resumed run continues its MLflow run; points after that step are dropped where the backend can), {@code params},
 * {@code metrics} (points), {@code tags}, {@code artifact} (path, dir), {@code finish} (status, end_time). Events are
 * sent in seq order, so one number marks everything acknowledged. {@code server} is the backend's address: an MLflow
 * server or a file store ({@link SpoolTarget}).
 *
 * <p>The start event carries a tag {@value #KEY_TAG} with a random key: a creation whose reply was lost is found by
 * it on retry instead of being repeated.
 */
public final class Spool {
    public static final String FILE = "mlflow-spool.jsonl";
    public static final String ACKED = "mlflow-spool.acked.json";
    /** The tag that makes creating a run idempotent. */
    public static final String KEY_TAG = "sparselab.spool_key";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private Spool() {}

    /**
     * What a replay did for one run directory; {@code finalStatus} is null when the run's process is still going
     * (such a run is not replayed: its own tracker is sending).
     */
    public record SyncResult(Path runDir, String runId, int sent, int pending, RunStatus finalStatus) {}

    /** Acknowledgement state, rewritten atomically after every acknowledged event. */
    static final class Ack {
        long acked;
        String runId;
        final Set<Long> rejected = new HashSet<>();
        String finishedStatus; // status of the last acknowledged finish event

        static Ack read(Path runDir) {
            Ack a = new Ack();
            Path f = runDir.resolve(ACKED);
            if (!Files.exists(f)) return a;
            try {
                JsonNode n = JSON.readTree(f.toFile());
                a.acked = n.path("acked").asLong(0);
                a.runId = n.path("run_id").isTextual() ? n.path("run_id").asText() : null;
                n.path("rejected").forEach(x -> a.rejected.add(x.asLong()));
                a.finishedStatus = n.path("finished_status").isTextual() ? n.path("finished_status").asText() : null;
                return a;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }

        void write(Path runDir) {
            ObjectNode n = JSON.createObjectNode().put("acked", acked).put("run_id", runId)
                    .put("finished_status", finishedStatus);
            ArrayNode r = n.putArray("rejected");
            rejected.stream().sorted().forEach(r::add);
            try {
                AtomicFiles.write(runDir.resolve(ACKED), n.toString() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + runDir.resolve(ACKED), e);
            }
        }
    }

    static List<ObjectNode> read(Path runDir) {
        Path f = runDir.resolve(FILE);
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.exists(f)) return out;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    out.add((ObjectNode) JSON.readTree(line));
                } catch (IOException e) { // a line cut short by a crash: everything before it is intact
                    LOG.warn("skipping a damaged line in {}: {}", f, e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Appends a finish event with {@code status} after the last spooled event ({@code by}: who decided it). */
    static void appendFinish(Path runDir, RunStatus status, long endTimeMs, String by) {
        long maxSeq = read(runDir).stream().mapToLong(e -> e.path("seq").asLong()).max().orElse(0);
        append(runDir, JSON.createObjectNode().put("seq", maxSeq + 1).put("type", "finish").put("status", status.name())
                .put("end_time", endTimeMs).put("by", by));
    }

    static void append(Path runDir, ObjectNode event) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(FILE), event.toString() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + runDir.resolve(FILE), e);
        }
    }

    /**
     * Sends one event. With {@code dedupe} (a replay, or a retry of an event that may have half-arrived), metric
     * points the server already has are skipped and params it already holds are not sent again.
     */
    static void apply(SpoolTarget rest, ObjectNode ev, boolean dedupe, Ack ack, Path runDir) {
        String type = ev.path("type").asText();
        if (type.equals("start")) {
            if (ack.runId != null) {
                rest.attach(ack.runId);
            } else {
                Map<String, String> tags = stringMap(ev.path("tags"));
                String key = tags.get(KEY_TAG);
                // A retry (or replay) may follow a creation whose reply was lost: look for the run it made first.
                Optional<String> made = dedupe && key != null
                        ? rest.findRun(ev.path("experiment").asText(), KEY_TAG, key) : Optional.empty();
                if (made.isPresent()) {
                    rest.attach(made.get());
                } else {
                    rest.start(ev.path("experiment").asText(), ev.path("run_name").asText(null),
                            ev.path("start_time").asLong(), tags);
                }
                ack.runId = rest.runId();
                ack.write(runDir); // at once: a lost run id would create a second run on replay
            }
            return;
        }
        if (rest.runId() == null) {
            if (ack.runId == null) throw new IllegalStateException("no MLflow run: the start event was not sent");
            rest.attach(ack.runId);
        }
        switch (type) {
            case "reattach" -> {
                rest.dropMetricsAfter(ev.path("after_step").asLong());
                rest.finish(RunStatus.RUNNING, 0);
            }
            case "params" -> {
                Map<String, String> params = stringMap(ev.path("params"));
                if (dedupe) {
                    Map<String, String> have = rest.serverParams();
                    params.entrySet().removeIf(e -> {
                        String old = have.get(e.getKey());
                        if (old != null && !old.equals(e.getValue())) {
                            LOG.warn("param {} of MLflow run {} is already '{}'; not re-logged as '{}'", e.getKey(),
                                    rest.runId(), old, e.getValue());
                        }
                        return old != null;
                    });
                }
                if (!params.isEmpty()) rest.logParams(params);
            }
            case "metrics" -> {
                List<MetricPoint> points = new ArrayList<>();
                for (JsonNode p : ev.path("points")) {
                    points.add(new MetricPoint(p.path("key").asText(), p.path("value").asDouble(),
                            p.path("timestamp").asLong(), p.path("step").asLong()));
                }
                if (dedupe) {
                    Map<String, Set<MetricPoint>> have = new LinkedHashMap<>();
                    points.removeIf(p -> have.computeIfAbsent(p.key(), k -> new HashSet<>(rest.metricHistory(k)))
                            .contains(p));
                }
                if (!points.isEmpty()) rest.logMetrics(points);
            }
            case "tags" -> rest.setTags(stringMap(ev.path("tags")));
            case "artifact" -> {
                Path file = Path.of(ev.path("path").asText());
                if (Files.isRegularFile(file)) {
                    rest.logArtifact(file, ev.path("dir").asText(""));
                } else {
                    LOG.warn("artifact {} of run {} no longer exists; not uploaded", file, rest.runId());
                }
            }
            case "finish" -> {
                rest.finish(RunStatus.valueOf(ev.path("status").asText()), ev.path("end_time").asLong());
                ack.finishedStatus = ev.path("status").asText();
            }
            default -> LOG.warn("unknown MLflow spool event type '{}' ignored", type);
        }
    }

    /** Replays every spool under {@code dir} (a run directory or a results tree), with env for credentials. */
    public static List<SyncResult> sync(Path dir, Map<String, String> env) {
        return sync(dir, env, RestTracker.DEFAULT_TIMEOUT);
    }

    static List<SyncResult> sync(Path dir, Map<String, String> env, Duration timeout) {
        List<Path> runDirs;
        try (Stream<Path> s = Files.walk(dir, 8)) {
            runDirs = s.filter(p -> p.getFileName().toString().equals(FILE)).map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + dir, e);
        }
        List<SyncResult> results = new ArrayList<>();
        for (Path runDir : runDirs) results.add(syncRun(runDir, env, timeout));
        return results;
    }

    private static SyncResult syncRun(Path runDir, Map<String, String> env, Duration timeout) {
        StaleRuns.settle(runDir); // a record left RUNNING by a dead process says KILLED before anything is sent
        List<ObjectNode> events = read(runDir);
        Ack ack = Ack.read(runDir);
        ObjectNode start = events.stream().filter(e -> e.path("type").asText().equals("start")).findFirst()
                .orElse(null);
        if (start == null) {
            LOG.warn("{} has no start event; nothing to replay", runDir.resolve(FILE));
            return new SyncResult(runDir, ack.runId, 0, 0, null);
        }
        ObjectNode spooledFinish = null;
        for (ObjectNode e : events) if (e.path("type").asText().equals("finish")) spooledFinish = e;
        RunStatus fin = finalStatus(runDir, start, spooledFinish);
        long maxSeq = events.stream().mapToLong(e -> e.path("seq").asLong()).max().orElse(0);
        if (fin != null && (spooledFinish == null || !fin.name().equals(spooledFinish.path("status").asText()))) {
            // The run ended without a (truthful) finish event: append the status the run record supports.
            long end = spooledFinish != null ? spooledFinish.path("end_time").asLong() : lastSignOfLife(runDir);
            ObjectNode f = JSON.createObjectNode().put("seq", ++maxSeq).put("type", "finish")
                    .put("status", fin.name()).put("end_time", end).put("by", "sync");
            append(runDir, f);
            events.add(f);
        }
        if (fin == null) { // its own SpooledTracker is still sending: replaying now would race it
            LOG.info("{} belongs to a run that is still going; not replayed", runDir);
            return new SyncResult(runDir, ack.runId, 0, (int) events.stream()
                    .filter(e -> e.path("seq").asLong() > ack.acked).count(), null);
        }
        SpoolTarget rest = SpoolTarget.open(start.path("server").asText(), env, timeout);
        int sent = 0;
        List<ObjectNode> pending = events.stream().filter(e -> e.path("seq").asLong() > ack.acked).toList();
        for (ObjectNode ev : pending) {
            String type = ev.path("type").asText();
            long seq = ev.path("seq").asLong();
            // A finish event that the run record contradicts (FINISHED for a killed run) is never sent.
            boolean contradicted = type.equals("finish") && fin != null && !fin.name().equals(ev.path("status")
                    .asText());
            try {
                if (!contradicted) apply(rest, ev, true, ack, runDir);
                sent++;
            } catch (java.io.UncheckedIOException e) { // a file store that still cannot be written
                LOG.warn("MLflow store still not writable; {} events of {} stay spooled: {}", pending.size() - sent,
                        runDir, e.getMessage());
                return new SyncResult(runDir, ack.runId, sent, pending.size() - sent, fin);
            } catch (MlflowException e) {
                if (e.retryable()) {
                    LOG.warn("MLflow server still unreachable; {} events of {} stay spooled: {}",
                            pending.size() - sent, runDir, e.getMessage());
                    return new SyncResult(runDir, ack.runId, sent, pending.size() - sent, fin);
                }
                LOG.warn("MLflow rejected event {} ({}) of {}: {}", seq, type, runDir, e.getMessage());
                ack.rejected.add(seq);
            }
            ack.acked = seq;
            ack.write(runDir);
        }
        LOG.info("synced {}: {} events sent to MLflow run {}, status {}", runDir, sent, ack.runId, fin);
        return new SyncResult(runDir, ack.runId, sent, 0, fin);
    }

    /**
     * The status to end the run with, or null while it is still running. The run record wins over the spool: a
     * run whose summary says RUNNING but whose process is gone was killed, and never reads as FINISHED.
     */
    static RunStatus finalStatus(Path runDir, JsonNode start, JsonNode spooledFinish) {
        String recorded = null;
        Path summary = runDir.resolve(RunRecorder.SUMMARY);
        if (Files.exists(summary)) {
            try {
                RunStatus st = RunSummary.read(runDir).status();
                recorded = st == null ? null : st.name();
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", summary, e.getMessage());
            }
        }
        boolean alive = processAlive(start.path("pid").asLong(-1), start.path("pid_start_ms").asLong(-1));
        if ("FAILED".equals(recorded) || "KILLED".equals(recorded)) return RunStatus.valueOf(recorded);
        if ("RUNNING".equals(recorded)) return alive ? null : RunStatus.KILLED;
        if ("FINISHED".equals(recorded)) return RunStatus.FINISHED;
        if (spooledFinish != null) return RunStatus.valueOf(spooledFinish.path("status").asText());
        return alive ? null : RunStatus.KILLED;
    }

    static boolean processAlive(long pid, long startMs) {
        return ProcessInfo.alive(pid, startMs);
    }

    private static long lastSignOfLife(Path runDir) {
        try {
            return Files.getLastModifiedTime(runDir.resolve(FILE)).toMillis();
        } catch (IOException e) {
            return System.currentTimeMillis();
        }
    }

    static Map<String, String> stringMap(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}

package org.sparselab.tracking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs to an MLflow server without ever losing an event or stopping training: each event is appended to the run's
 * {@link Spool} first, then sent by a {@link RestTracker}.
 *
 * <p>When the server is unreachable (refused, timeout, 5xx) one warning is logged, events keep being spooled, and
 * sending is retried, in order, on later events after an exponential backoff ({@code baseBackoffMs} doubling up to
 * {@code maxBackoffMs}); each attempt costs at most the request timeout. {@link #finish} waits up to
 * {@code finishWaitMs} for the backlog; whatever is still unsent stays in the spool for {@link Spool#sync}. An event
 * the server rejects (HTTP 4xx) is logged and skipped, except the run's creation: without a run nothing else can be
 * sent, so the tracker then only spools.
 */
public final class SpooledTracker extends SanitizingTracker {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledTracker.class);

    /** Sleeps {@code ms} of the policy's clock (tests advance a fake clock instead). */
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    /** Timing of sends and retries; {@code pid} identifies the training process for {@link Spool#sync}. */
    public record Policy(Duration timeout, long baseBackoffMs, long maxBackoffMs, long finishWaitMs,
            LongSupplier clockMs, Sleeper sleeper, long pid, long pidStartMs) {
        public static Policy defaults() {
            ProcessHandle self = ProcessHandle.current();
            return new Policy(Duration.ofSeconds(10), 1_000, 60_000, 30_000, System::currentTimeMillis,
                    Thread::sleep, self.pid(), self.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L));
        }
    }

    private final Path runDir;
    private final String server;
    private final RestTracker rest;
    private final Policy policy;
    private final Spool.Ack ack;
    private final Deque<ObjectNode> pending = new ArrayDeque<>();
    private final Set<Long> attempted = new HashSet<>(); // seqs that failed once: resend with dedupe
    private long lastSeq;
    private boolean started;
    private int failures;
    private long nextAttemptMs;
    private boolean warnedUnreachable;
    private boolean disabled; // the server refused to create the run

    public SpooledTracker(Path runDir, String serverUri, Map<String, String> env) {
        this(runDir, serverUri, env, Policy.defaults());
    }

    public SpooledTracker(Path runDir, String serverUri, Map<String, String> env, Policy policy) {
        this.runDir = runDir;
        this.server = serverUri;
        this.policy = policy;
        this.rest = new RestTracker(serverUri, env, policy.timeout());
        this.ack = Spool.Ack.read(runDir);
        // A resumed run continues its spool: unsent events of the earlier attempt go first.
        for (ObjectNode e : Spool.read(runDir)) {
            long seq = e.path("seq").asLong();
            lastSeq = Math.max(lastSeq, seq);
            if (e.path("type").asText().equals("start")) started = true;
            if (seq > ack.acked) {
                pending.add(e);
                attempted.add(seq);
            }
        }
    }

    @Override
    public synchronized void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags) {
        if (started) {
            LOG.info("continuing the MLflow run spooled in {}", runDir);
            pump(true);
            return;
        }
        started = true;
        ObjectNode e = event("start").put("experiment", experimentName).put("run_name", runName)
                .put("start_time", startTimeMs).put("server", server).put("pid", policy.pid())
                .put("pid_start_ms", policy.pidStartMs());
        ObjectNode t = e.putObject("tags");
        startTags(runName, tags).forEach(t::put);
        record(e);
    }

    /** The server's run id; null while the server has not been reached yet. */
    @Override
    public synchronized String runId() {
        return ack.runId;
    }

    @Override
    protected synchronized void writeParams(Map<String, String> params) {
        ObjectNode e = event("params");
        params.forEach(e.putObject("params")::put);
        record(e);
    }

    @Override
    protected synchronized void writeMetrics(List<MetricPoint> points) {
        ObjectNode e = event("metrics");
        ArrayNode a = e.putArray("points");
        for (MetricPoint p : points) {
            a.addObject().put("key", p.key()).put("value", p.value()).put("timestamp", p.timestampMs())
                    .put("step", p.step());
        }
        record(e);
    }

    @Override
    protected synchronized void writeTags(Map<String, String> tags) {
        ObjectNode e = event("tags");
        tags.forEach(e.putObject("tags")::put);
        record(e);
    }

    @Override
    public synchronized void logArtifact(Path file, String artifactDir) {
        record(event("artifact").put("path", file.toAbsolutePath().toString())
                .put("dir", MlflowNames.checkArtifactDir(artifactDir)));
    }

    @Override
    public synchronized void finish(RunStatus status, long endTimeMs) {
        record(event("finish").put("status", status.name()).put("end_time", endTimeMs));
        long deadline = policy.clockMs().getAsLong() + policy.finishWaitMs();
        while (!pending.isEmpty() && !disabled && nextAttemptMs <= deadline) {
            long wait = nextAttemptMs - policy.clockMs().getAsLong();
            if (wait > 0) {
                try {
                    policy.sleeper().sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            pump(false);
        }
        if (!pending.isEmpty()) {
            LOG.warn("{} MLflow events were not sent; they are kept in {} — replay them with `sparselab sync {}`",
                    pending.size(), runDir.resolve(Spool.FILE), runDir);
        }
    }

    /** Events spooled but not yet acknowledged. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    @Override
    public synchronized void close() {
        rest.close();
    }

    private ObjectNode event(String type) {
        return Spool.JSON.createObjectNode().put("seq", ++lastSeq).put("type", type);
    }

    private void record(ObjectNode e) {
        Spool.append(runDir, e); // first on disk, whatever happens to the send
        pending.add(e);
        pump(false);
    }

    /** Sends pending events in order until one fails or the backoff says not yet. */
    private void pump(boolean force) {
        if (disabled || (!force && policy.clockMs().getAsLong() < nextAttemptMs)) return;
        while (!pending.isEmpty()) {
            ObjectNode e = pending.peekFirst();
            long seq = e.path("seq").asLong();
            try {
                Spool.apply(rest, e, attempted.contains(seq), ack, runDir);
            } catch (MlflowException ex) {
                if (ex.retryable()) {
                    attempted.add(seq);
                    failures++;
                    long backoff = Math.min(policy.maxBackoffMs(),
                            policy.baseBackoffMs() << Math.min(failures - 1, 30));
                    nextAttemptMs = policy.clockMs().getAsLong() + backoff;
                    if (!warnedUnreachable) {
                        warnedUnreachable = true;
                        LOG.warn("MLflow server {} unreachable; training goes on, events are spooled to {} and "
                                + "retried with backoff ({})", server, runDir.resolve(Spool.FILE), ex.getMessage());
                    }
                    return;
                }
                if (e.path("type").asText().equals("start")) {
                    disabled = true;
                    LOG.warn("MLflow server {} refused to create the run; events are only spooled to {}: {}", server,
                            runDir.resolve(Spool.FILE), ex.getMessage());
                    return;
                }
                LOG.warn("MLflow rejected event {} ({}): {}", seq, e.path("type").asText(), ex.getMessage());
                ack.rejected.add(seq);
            } catch (IllegalStateException | IllegalArgumentException ex) {
                LOG.warn("MLflow event {} ({}) not sent: {}", seq, e.path("type").asText(), ex.getMessage());
                ack.rejected.add(seq);
            }
            if (failures > 0) {
                LOG.info("MLflow server {} reachable again; sending the spooled backlog", server);
                failures = 0;
                nextAttemptMs = 0;
            }
            ack.acked = seq;
            ack.write(runDir);
            pending.removeFirst();
        }
    }
}

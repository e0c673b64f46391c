package org.sparselab.tracking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs to a tracking backend (an MLflow server or file store) without ever losing an event or making training wait:
 * each event is appended to the run's {@link Spool} on disk, then sent by a background thread.
 *
 * <p>The in-memory queue of the sender is bounded ({@code queueCapacity}); events beyond it are only on disk and the
 * sender reads them back from the spool when it has caught up, so a long outage costs no memory. When the backend is
 * unreachable (refused, timeout, 5xx, a file store that cannot be written) one warning is logged and sending is
 * retried, in order, after an exponential backoff ({@code baseBackoffMs} doubling up to {@code maxBackoffMs}).
 * {@link #finish} waits at most {@code finishWaitMs} for the backlog (the run's {@code tracking.finish_wait_s});
 * whatever is still unsent stays in the spool for {@link Spool#sync}, and one warning says so. An event the backend
 * rejects (HTTP 4xx) is logged and skipped, except the run's creation: without a run nothing else can be sent, so the
 * tracker then only spools.
 *
 * <p>The start event carries a random {@link Spool#KEY_TAG}: a retried creation whose first reply was lost finds the
 * run it made instead of making a second one.
 */
public final class SpooledTracker extends SanitizingTracker {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledTracker.class);

    /** Sleeps {@code ms} (tests may use a shorter clock). */
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    /**
     * Timing of sends and retries; {@code pid} identifies the training process for {@link Spool#sync}.
     *
     * @param timeout per request to a server
     * @param finishWaitMs how long the end of a run waits for the backlog
     * @param queueCapacity events held in memory; the rest are read back from the spool
     */
    public record Policy(Duration timeout, long baseBackoffMs, long maxBackoffMs, long finishWaitMs,
            LongSupplier clockMs, Sleeper sleeper, long pid, long pidStartMs, int queueCapacity) {
        public static final long DEFAULT_FINISH_WAIT_MS = 5_000;

        public static Policy defaults() {
            ProcessHandle self = ProcessHandle.current();
            return new Policy(Duration.ofSeconds(10), 1_000, 60_000, DEFAULT_FINISH_WAIT_MS,
                    System::currentTimeMillis, Thread::sleep, self.pid(),
                    self.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L), 10_000);
        }

        /** These defaults with another request timeout and finish wait (the config's). */
        public static Policy of(Duration timeout, long finishWaitMs) {
            Policy d = defaults();
            return new Policy(timeout, d.baseBackoffMs, d.maxBackoffMs, finishWaitMs, d.clockMs, d.sleeper, d.pid,
                    d.pidStartMs, d.queueCapacity);
        }
    }

    private final Path runDir;
    private final SpoolTarget target;
    private final Policy policy;
    private final Spool.Ack ack;
    private final Object lock = new Object();
    private final Deque<ObjectNode> queue = new ArrayDeque<>(); // guarded by lock
    private final Set<Long> attempted = new HashSet<>(); // seqs that failed once: resend with dedupe (sender only)
    private final Thread sender;
    private long lastSeq; // guarded by lock
    private long spilledFrom = -1; // first seq that is only on disk, or -1; guarded by lock
    private volatile long ackedSeq;
    private volatile String knownRunId; // ack.runId, readable without waiting for a send in progress
    private volatile boolean started;
    private volatile boolean disabled; // the backend refused to create the run
    private volatile boolean closed;
    private volatile boolean failing; // the last send failed (the backend is unreachable now)
    private boolean warnedUnreachable;

    /** A spooled tracker sending to the server at {@code serverUri} with default timing. */
    public SpooledTracker(Path runDir, String serverUri, Map<String, String> env) {
        this(runDir, serverUri, env, Policy.defaults());
    }

    public SpooledTracker(Path runDir, String serverUri, Map<String, String> env, Policy policy) {
        this(runDir, SpoolTarget.open(serverUri, env, policy.timeout()), policy);
    }

    SpooledTracker(Path runDir, SpoolTarget target, Policy policy) {
        this.runDir = runDir;
        this.target = target;
        this.policy = policy;
        this.ack = Spool.Ack.read(runDir);
        this.ackedSeq = ack.acked;
        this.knownRunId = ack.runId;
        // A resumed run continues its spool: unsent events of the earlier attempt go first.
        for (ObjectNode e : Spool.read(runDir)) {
            long seq = e.path("seq").asLong();
            lastSeq = Math.max(lastSeq, seq);
            if (e.path("type").asText().equals("start")) started = true;
            if (seq > ack.acked) {
                attempted.add(seq);
                if (queue.size() < policy.queueCapacity()) queue.add(e);
                else if (spilledFrom < 0) spilledFrom = seq;
            }
        }
        sender = new Thread(this::sendLoop, "mlflow-sender-" + runDir.getFileName());
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags) {
        if (started) {
            LOG.info("continuing the MLflow run spooled in {}", runDir);
            return;
        }
        started = true;
        ObjectNode e = event("start").put("experiment", experimentName).put("run_name", runName)
                .put("start_time", startTimeMs).put("server", target.address()).put("pid", policy.pid())
                .put("pid_start_ms", policy.pidStartMs());
        ObjectNode t = e.putObject("tags");
        startTags(runName, tags).forEach(t::put);
        t.put(Spool.KEY_TAG, UUID.randomUUID().toString());
        record(e);
    }

    /**
     * Continues the MLflow run this spool started (a resumed training run, a re-run sweep): metric points after
     * {@code lastStep} are dropped where the backend can. False when this spool never started a run.
     */
    @Override
    public boolean reattach(String experimentName, String runId, long lastStep) {
        if (!started) return false;
        record(event("reattach").put("after_step", lastStep));
        return true;
    }

    /** The backend's run id; null while it has not acknowledged the run's creation. */
    @Override
    public String runId() {
        return knownRunId;
    }

    @Override
    public String awaitRunId(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (knownRunId == null && !disabled && !closed && !failing && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return knownRunId;
    }

    @Override
    protected void writeParams(Map<String, String> params) {
        ObjectNode e = event("params");
        params.forEach(e.putObject("params")::put);
        record(e);
    }

    @Override
    protected void writeMetrics(List<MetricPoint> points) {
        ObjectNode e = event("metrics");
        ArrayNode a = e.putArray("points");
        for (MetricPoint p : points) {
            a.addObject().put("key", p.key()).put("value", p.value()).put("timestamp", p.timestampMs())
                    .put("step", p.step());
        }
        record(e);
    }

    @Override
    protected void writeTags(Map<String, String> tags) {
        ObjectNode e = event("tags");
        tags.forEach(e.putObject("tags")::put);
        record(e);
    }

    @Override
    public void logArtifact(Path file, String artifactDir) {
        record(event("artifact").put("path", file.toAbsolutePath().toString())
                .put("dir", MlflowNames.checkArtifactDir(artifactDir)));
    }

    /**
     * Records the end of the run and waits at most {@code finishWaitMs} for the sender to deliver everything; what is
     * left stays in the spool with one warning naming the {@code sync} command.
     */
    @Override
    public void finish(RunStatus status, long endTimeMs) {
        long finishSeq = record(event("finish").put("status", status.name()).put("end_time", endTimeMs));
        long deadline = System.nanoTime() + policy.finishWaitMs() * 1_000_000;
        synchronized (lock) {
            while (ackedSeq < finishSeq && !disabled && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int left = pendingCount();
        if (left > 0) {
            LOG.warn("{} MLflow events were not sent within {} s; they are kept in {} — send them with "
                    + "`./sparselab sync {}`", left, policy.finishWaitMs() / 1000.0, runDir.resolve(Spool.FILE), runDir);
        }
    }

    /** The backend events go to. */
    SpoolTarget target() {
        return target;
    }

    /** Events spooled but not yet acknowledged (nor rejected). */
    public int pendingCount() {
        synchronized (lock) {
            return (int) (lastSeq - ackedSeq);
        }
    }

    /** Stops the sender; what it has not sent stays in the spool. Idempotent. */
    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        target.close();
    }

    private ObjectNode event(String type) {
        return Spool.JSON.createObjectNode().put("type", type);
    }

    /** Numbers the event, appends it to the spool (first on disk, whatever happens to the send) and queues it. */
    private long record(ObjectNode e) {
        synchronized (lock) {
            long seq = ++lastSeq;
            ObjectNode numbered = Spool.JSON.createObjectNode().put("seq", seq);
            numbered.setAll(e);
            Spool.append(runDir, numbered);
            if (spilledFrom < 0 && queue.size() < policy.queueCapacity()) {
                queue.add(numbered);
            } else if (spilledFrom < 0) {
                spilledFrom = seq; // the queue is full: from here on the spool on disk is the queue
            }
            lock.notifyAll();
            return seq;
        }
    }

    /** The next event to send, refilling the queue from the spool file when events spilled; null when closed. */
    private ObjectNode next() throws InterruptedException {
        synchronized (lock) {
            while (!closed) {
                if (!queue.isEmpty()) return queue.peekFirst();
                if (spilledFrom >= 0) {
                    long from = spilledFrom;
                    spilledFrom = -1;
                    for (ObjectNode e : Spool.read(runDir)) {
                        long seq = e.path("seq").asLong();
                        if (seq < from) continue;
                        if (queue.size() < policy.queueCapacity()) {
                            queue.add(e);
                        } else {
                            spilledFrom = seq;
                            break;
                        }
                    }
                    continue;
                }
                lock.wait();
            }
            return null;
        }
    }

    private void sendLoop() {
        int failures = 0;
        try {
            while (!closed && !disabled) {
                ObjectNode e = next();
                if (e == null) return;
                long seq = e.path("seq").asLong();
                String type = e.path("type").asText();
                boolean sent = false;
                try {
                    Spool.apply(target, e, attempted.contains(seq), ack, runDir); // ack: this thread's alone
                    knownRunId = ack.runId;
                    sent = true;
                } catch (MlflowException ex) {
                    if (!ex.retryable()) {
                        if (type.equals("start")) {
                            disabled = true;
                            LOG.warn("MLflow {} refused to create the run; events are only spooled to {}: {}",
                                    target.address(), runDir.resolve(Spool.FILE), ex.getMessage());
                            synchronized (lock) {
                                lock.notifyAll();
                            }
                            return;
                        }
                        LOG.warn("MLflow rejected event {} ({}): {}", seq, type, ex.getMessage());
                        ack.rejected.add(seq);
                        sent = true;
                    } else {
                        failures = retryLater(seq, failures, ex.getMessage());
                    }
                } catch (UncheckedIOException ex) { // a file store that cannot be written now: like a server down
                    failures = retryLater(seq, failures, ex.getMessage());
                } catch (IllegalStateException | IllegalArgumentException ex) {
                    LOG.warn("MLflow event {} ({}) not sent: {}", seq, type, ex.getMessage());
                    ack.rejected.add(seq);
                    sent = true;
                }
                if (!sent) continue;
                failing = false;
                if (failures > 0) {
                    LOG.info("MLflow {} reachable again; sending the spooled backlog", target.address());
                    failures = 0;
                }
                if (closed) return; // a finished run's spool may be replayed by sync: write no ack after close
                ack.acked = seq;
                ack.write(runDir);
                synchronized (lock) {
                    ackedSeq = seq;
                    queue.pollFirst();
                    lock.notifyAll();
                }
            }
        } catch (InterruptedException stop) {
            // closed
        } catch (RuntimeException unexpected) {
            LOG.warn("MLflow sender stopped: {}; the spool {} keeps the events", unexpected.toString(),
                    runDir.resolve(Spool.FILE));
        }
    }

    /** Notes a failed send and sleeps out the backoff; returns the failure count. */
    private int retryLater(long seq, int failures, String why) throws InterruptedException {
        attempted.add(seq);
        failures++;
        failing = true;
        synchronized (lock) {
            lock.notifyAll(); // nobody should wait for a run id now
        }
        if (!warnedUnreachable) {
            warnedUnreachable = true;
            LOG.warn("MLflow {} unreachable; training goes on, events are spooled to {} and retried with backoff ({})",
                    target.address(), runDir.resolve(Spool.FILE), why);
        }
        long backoff = Math.min(policy.maxBackoffMs(), policy.baseBackoffMs() << Math.min(failures - 1, 30));
        policy.sleeper().sleep(backoff);
        return failures;
    }
}

package org.sparselab.tracking;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.StopRequest;

/**
 * Writes one run's record: {@code config.yaml} (resolved), {@code metrics.csv} (a row per epoch and split, flushed as
 * it comes), {@code scalars.csv} (the method's own per-epoch scalars, long format), {@code summary.json} (a
 * {@link RunSummary}: status, provenance, the writing process, results; rewritten atomically) and, by the CLI,
 * {@code run.log}.
 *
 * <p>The summary says RUNNING from the first moment; only {@link #finish} writes a terminal status, and a JVM that is
 * shut down (Ctrl-C, SIGTERM) while the run is open marks it KILLED, so a crashed run never reads as finished. While
 * a training loop runs, shutdown first asks it ({@link StopRequest}) to checkpoint at its next step boundary and
 * close the record itself, waiting up to {@value #STOP_GRACE_S} s (below Slurm's default 30 s between SIGTERM and
 * SIGKILL).
 *
 * <p>The directory is locked ({@link RunLock}) for as long as the recorder is open: one writer per run.
 */
public final class RunRecorder implements AutoCloseable {
    public static final String CONFIG = "config.yaml";
    public static final String METRICS = "metrics.csv";
    public static final String SCALARS = "scalars.csv";
    public static final String SUMMARY = "summary.json";
    public static final String CHECKPOINT = "checkpoint.bin";
    public static final String MODEL = "model.params";
    public static final String LOG = "run.log";
    static final int STOP_GRACE_S = 25;

    private final Path dir;
    private final String runId;
    private RunSummary summary;
    private final BufferedWriter metrics;
    private final BufferedWriter scalars;
    private final Thread shutdownHook;
    private final RunLock lock;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile RunStatus status = RunStatus.RUNNING;

    private RunRecorder(Path dir, String runId, RunSummary summary, boolean append, RunLock lock) throws IOException {
        this.dir = dir;
        this.runId = runId;
        this.summary = summary;
        this.lock = lock;
        Path m = dir.resolve(METRICS);
        if (!append || !Files.exists(m)) AtomicFiles.write(m, EpochMetrics.CSV_HEADER + "\n");
        this.metrics = Files.newBufferedWriter(m, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Path sc = dir.resolve(SCALARS);
        if (!append || !Files.exists(sc)) AtomicFiles.write(sc, Scalar.CSV_HEADER + "\n");
        this.scalars = Files.newBufferedWriter(sc, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        this.shutdownHook = new Thread(this::onShutdown, "sparselab-run-" + runId);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a new run under {@code outputDir/<experiment>/<run-id>/}; the run id is 32 hex digits, as MLflow's. */
    public static RunRecorder start(Path outputDir, String experiment, String runName, String resolvedYaml,
            String configSha256) throws IOException {
        String runId = UUID.randomUUID().toString().replace("-", "");
        Path dir = outputDir.resolve(experiment).resolve(runId);
        Files.createDirectories(dir);
        RunLock lock = RunLock.acquire(dir);
        AtomicFiles.write(dir.resolve(CONFIG), resolvedYaml);
        RunSummary summary = RunSummary.started(runId, runName, experiment, configSha256, Instant.now().toString(),
                ProcessInfo.current());
        RunRecorder r = new RunRecorder(dir, runId, summary, false, lock);
        r.writeSummary();
        return r;
    }

    /**
     * Reopens a run to continue it from a checkpoint of epoch {@code lastEpoch}: metrics rows after that epoch
     * (written by the interrupted attempt after its last checkpoint) are dropped, the status is RUNNING again.
     */
    public static RunRecorder resume(Path runDir, int lastEpoch) throws IOException {
        RunLock lock = RunLock.acquire(runDir);
        try {
            return reopen(runDir, lastEpoch, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static RunRecorder reopen(Path runDir, int lastEpoch, RunLock lock) throws IOException {
        RunSummary old = RunSummary.read(runDir);
        List<String> kept = new ArrayList<>();
        kept.add(EpochMetrics.CSV_HEADER);
        for (EpochMetrics m : readMetrics(runDir)) if (m.epoch() <= lastEpoch) kept.add(m.toCsv());
        AtomicFiles.write(runDir.resolve(METRICS), String.join("\n", kept) + "\n");
        if (Files.exists(runDir.resolve(SCALARS))) {
            List<String> keptScalars = new ArrayList<>();
            keptScalars.add(Scalar.CSV_HEADER);
            for (Scalar sc : readScalars(runDir)) if (sc.epoch() <= lastEpoch) keptScalars.add(sc.toCsv());
            AtomicFiles.write(runDir.resolve(SCALARS), String.join("\n", keptScalars) + "\n");
        }
        RunSummary summary = old.with(b -> {
            b.status = RunStatus.RUNNING;
            b.error = null;
            b.endTime = null;
            b.resumedFromEpoch = lastEpoch;
            b.interrupted = null;
            b.process = ProcessInfo.current();
        });
        RunRecorder r = new RunRecorder(runDir, summary.runId(), summary, true, lock);
        r.writeSummary();
        return r;
    }

    public static List<EpochMetrics> readMetrics(Path runDir) throws IOException {
        List<EpochMetrics> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(runDir.resolve(METRICS), StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) rows.add(EpochMetrics.parseCsv(lines.get(i)));
        }
        return rows;
    }

    /** The rows of {@code scalars.csv}; empty when the run has none (or predates the file). */
    public static List<Scalar> readScalars(Path runDir) throws IOException {
        Path f = runDir.resolve(SCALARS);
        List<Scalar> rows = new ArrayList<>();
        if (!Files.exists(f)) return rows;
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) rows.add(Scalar.parseCsv(lines.get(i)));
        }
        return rows;
    }

    /** The summary of {@code runDir} as nested maps with the file's keys (code reads {@link RunSummary#read}). */
    public static Map<String, Object> readSummary(Path runDir) throws IOException {
        return RunSummary.read(runDir).asMap();
    }

    public Path dir() {
        return dir;
    }

    public String runId() {
        return runId;
    }

    public Path checkpointFile() {
        return dir.resolve(CHECKPOINT);
    }

    public synchronized void appendMetrics(EpochMetrics m) {
        try {
            metrics.write(m.toCsv());
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(METRICS), e);
        }
    }

    /** Appends the method's scalars of one epoch to {@code scalars.csv}, in the order given. */
    public synchronized void appendScalars(int epoch, String phase, Map<String, Double> values) {
        try {
            for (Map.Entry<String, Double> e : values.entrySet()) {
                scalars.write(new Scalar(epoch, phase, e.getKey(), e.getValue()).toCsv());
                scalars.newLine();
            }
            scalars.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(SCALARS), e);
        }
    }

    /** Sets summary fields and rewrites summary.json atomically. */
    public synchronized void update(Consumer<RunSummary.Builder> edit) {
        summary = summary.with(edit);
        writeSummaryUnchecked();
    }

    /** The summary as last written. */
    public synchronized RunSummary summary() {
        return summary;
    }

    /** Ends the run with a terminal status; {@code error} is recorded for FAILED/KILLED runs. */
    public synchronized void finish(RunStatus terminal, String error) {
        if (status.terminal()) return;
        status = terminal;
        summary = summary.with(b -> {
            b.status = terminal;
            b.endTime = Instant.now().toString();
            if (error != null) b.error = error;
        });
        writeSummaryUnchecked();
    }

    public RunStatus status() {
        return status;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran; nothing to remove
        }
        try {
            metrics.close();
            scalars.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.close();
            closed.countDown();
        }
    }

    /**
     * JVM shutdown while the run is open: a running training loop is asked to stop at its next step boundary, with a
     * checkpoint, and to close the record itself; whatever is still open after the grace period is marked KILLED.
     */
    private void onShutdown() {
        if (StopRequest.listening()) {
            StopRequest.request("SIGTERM or Ctrl-C");
            try {
                if (closed.await(STOP_GRACE_S, TimeUnit.SECONDS)) StopRequest.awaitReported(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        markKilled();
    }

    private void markKilled() {
        finish(RunStatus.KILLED, Files.exists(checkpointFile())
                ? "the process was stopped before the run finished; resume with ./sparselab resume " + dir
                : "the process was stopped before the run's first checkpoint; start it again");
    }

    private void writeSummary() throws IOException {
        AtomicFiles.write(dir.resolve(SUMMARY), summary.toJson());
    }

    private void writeSummaryUnchecked() {
        try {
            writeSummary();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(SUMMARY), e);
        }
    }

    /** One row of {@code scalars.csv}: a named scalar a method reported after an epoch. */
    public record Scalar(int epoch, String phase, String name, double value) {
        public static final String CSV_HEADER = "epoch,phase,name,value";

        public Scalar {
            if (name.contains(",") || name.contains("\n")) throw new IllegalArgumentException("bad scalar name " + name);
        }

        public String toCsv() {
            return epoch + "," + phase + "," + name + "," + value;
        }

        public static Scalar parseCsv(String line) {
            String[] f = line.split(",", -1);
            if (f.length != 4) throw new IllegalArgumentException("scalars.csv row needs 4 fields: " + line);
            return new Scalar(Integer.parseInt(f[0]), f[1], f[2], Double.parseDouble(f[3]));
        }
    }
}

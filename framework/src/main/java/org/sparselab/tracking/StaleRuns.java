package org.sparselab.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.sparselab.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs whose process vanished without closing them (kill -9, the out-of-memory killer, a power cut) still say
 * RUNNING. Whatever looks at a run next ({@code resume}, {@code sweep}, {@code sync}, {@code report}) settles it here:
 * a RUNNING record written on this host whose lock is free and whose process is gone becomes KILLED, in the record
 * and in MLflow (a file store directly; for a server the finish event is spooled and {@code sync} delivers it).
 */
public final class StaleRuns {
    private static final Logger LOG = LoggerFactory.getLogger(StaleRuns.class);

    private StaleRuns() {}

    /** The summary of {@code runDir} after settling it; null when it has none that can be read. */
    public static RunSummary settle(Path runDir) {
        RunSummary s;
        try {
            s = RunSummary.read(runDir);
        } catch (IOException e) {
            return null;
        }
        if (s.status() != RunStatus.RUNNING || !gone(runDir, s)) return s;
        try (RunLock lock = RunLock.acquire(runDir)) { // nobody writes it, so this process may
            s = RunSummary.read(runDir);
            if (s.status() != RunStatus.RUNNING) return s;
            long end = lastSignOfLife(runDir);
            ProcessInfo p = s.process();
            boolean checkpoint = Files.exists(runDir.resolve(RunRecorder.CHECKPOINT));
            String why = "the process (pid " + p.pid() + " on " + p.host() + ") ended without closing the run (kill -9, "
                    + "out of memory or a crash)" + (checkpoint ? "; resume with ./sparselab resume " + runDir
                    : ", before its first checkpoint; start it again");
            RunSummary killed = s.with(b -> {
                b.status = RunStatus.KILLED;
                b.endTime = Instant.ofEpochMilli(end).toString();
                b.error = why;
            });
            AtomicFiles.write(runDir.resolve(RunRecorder.SUMMARY), killed.toJson());
            endTrackedRun(runDir, killed, end);
            LOG.info("{} marked KILLED: {}", runDir, why);
            return killed;
        } catch (ConfigException lockedMeanwhile) {
            return s; // a resume took it between the two looks: it is live again
        } catch (IOException e) {
            LOG.warn("cannot mark {} KILLED: {}", runDir, e.getMessage());
            return s;
        }
    }

    /** RUNNING on this host, with its lock free and its process gone (a record of another host cannot be told). */
    static boolean gone(Path runDir, RunSummary s) {
        ProcessInfo p = s.process();
        return p != null && p.isLocal() && !RunLock.isHeld(runDir) && !p.isAlive();
    }

    private static void endTrackedRun(Path runDir, RunSummary killed, long endMs) {
        try {
            String uri = ConfigParams.flatten(Files.readString(runDir.resolve(RunRecorder.CONFIG))).get("tracking.uri");
            if (uri == null) return;
            TrackingUri target = TrackingUri.parse(uri);
            if (target instanceof TrackingUri.None) return;
            if (Files.exists(runDir.resolve(Spool.FILE))) {
                // The spool says how the run ends; a file store gets it (and anything unsent) now, a server at sync.
                Spool.appendFinish(runDir, RunStatus.KILLED, endMs, "stale");
                if (target instanceof TrackingUri.FileStore) {
                    Spool.sync(runDir, Map.of(), Duration.ofSeconds(5));
                } else {
                    LOG.info("its MLflow run on {} ends KILLED when `./sparselab sync {}` delivers it", target, runDir);
                }
            } else if (target instanceof TrackingUri.FileStore f && killed.mlflowRunId() != null) {
                // A record from before runs spooled their events: end its file-store run directly.
                FileStoreTracker.endRun(f.root(), killed.mlflowRunId(), RunStatus.KILLED, endMs);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot end the MLflow run of {}: {}", runDir, e.getMessage());
        }
    }

    /** When the run last wrote anything: the end time of a run that could not say when it ended. */
    private static long lastSignOfLife(Path runDir) {
        long last = 0;
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals(RunLock.FILE)) continue;
                last = Math.max(last, Files.getLastModifiedTime(f).toMillis());
            }
        } catch (IOException e) {
            return System.currentTimeMillis();
        }
        return last == 0 ? System.currentTimeMillis() : last;
    }
}

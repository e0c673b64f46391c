package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;

/** Runs whose process vanished (kill -9) and the lock that tells a live writer from a dead one. */
class StaleRunsTest {
    @TempDir Path dir;

    /** A process that has ended: its pid and start time, as a run record would hold them. */
    private static ProcessInfo deadProcess() throws Exception {
        Process p = new ProcessBuilder("true").start();
        long start = p.toHandle().info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
        p.waitFor();
        return new ProcessInfo(p.pid(), start, ProcessInfo.localHost());
    }

    /** A RUNNING record (and MLflow file-store run) as a process killed before its first checkpoint leaves it. */
    private Path orphan(ProcessInfo writer, Path mlruns) throws Exception {
        Path runDir;
        FileStoreTracker store = new FileStoreTracker(mlruns);
        store.start("exp", "r", 1_000L, Map.of());
        try (RunRecorder r = RunRecorder.start(dir.resolve("runs"), "exp", "r",
                "name: r\ntracking:\n  uri: file:" + mlruns + "\n", "ab")) {
            runDir = r.dir();
            r.update(b -> {
                b.mlflowRunId = store.runId();
                b.process = writer;
            });
        }
        // close() did not finish the run: what kill -9 leaves behind (the lock is released by the kernel then)
        assertEquals(RunStatus.RUNNING, RunSummary.read(runDir).status());
        return runDir;
    }

    @Test
    void aRunningRecordOfADeadProcessBecomesKilledHereAndInMlflow() throws Exception {
        Path mlruns = dir.resolve("mlruns");
        Path runDir = orphan(deadProcess(), mlruns);
        String mlflowRun = RunSummary.read(runDir).mlflowRunId();

        RunSummary s = StaleRuns.settle(runDir);
        assertEquals(RunStatus.KILLED, s.status());
        assertTrue(s.error().contains("before its first checkpoint; start it again"), s.error());
        assertEquals(RunStatus.KILLED, RunSummary.read(runDir).status(), "written to the record");
        Path meta;
        try (var exps = Files.list(mlruns)) {
            meta = exps.map(e -> e.resolve(mlflowRun).resolve("meta.yaml")).filter(Files::exists).findFirst()
                    .orElseThrow();
        }
        assertTrue(Files.readString(meta).contains("status: 5"), "MLflow KILLED: " + Files.readString(meta));
        assertEquals(s, StaleRuns.settle(runDir), "settling twice changes nothing");
    }

    @Test
    void aReportIsWhatLooksNextAndSeesKilled() throws Exception {
        Path runDir = orphan(deadProcess(), dir.resolve("mlruns"));
        var table = org.sparselab.report.RunTable.fromRecords(dir.resolve("runs"));
        assertEquals(1, table.size());
        assertEquals("KILLED", table.text(0, org.sparselab.report.RunTable.STATUS));
        assertEquals(RunStatus.KILLED, RunSummary.read(runDir).status(), "and the record says so from now on");
    }

    @Test
    void aLiveWriterIsLeftAloneAndASecondWriterRefused() throws Exception {
        try (RunRecorder r = RunRecorder.start(dir.resolve("runs"), "exp", "r", "name: r\n", "ab")) {
            r.update(b -> b.process = deadProcessUnchecked()); // even with a stale pid, the held lock says: live
            assertTrue(RunLock.isHeld(r.dir()));
            assertEquals(RunStatus.RUNNING, StaleRuns.settle(r.dir()).status());
            var e = assertThrows(ConfigException.class, () -> RunRecorder.resume(r.dir(), 0));
            assertEquals(r.dir() + ": this run is being written by this process; wait for it to end (or stop it) "
                    + "before resuming or re-running it", e.getMessage());
        }
    }

    @Test
    void aRecordOfAnotherHostCannotBeJudgedFromHere() throws Exception {
        Path runDir = orphan(new ProcessInfo(1, 1, "some-other-host"), dir.resolve("mlruns"));
        assertEquals(RunStatus.RUNNING, StaleRuns.settle(runDir).status());
        assertFalse(RunLock.isHeld(runDir), "the kernel released the lock with the recorder");
    }

    private static ProcessInfo deadProcessUnchecked() {
        try {
            return deadProcess();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

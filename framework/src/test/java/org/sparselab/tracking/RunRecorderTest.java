package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.train.EpochMetrics;

class RunRecorderTest {
    @TempDir Path out;

    @Test
    void writesTheRecordLayoutAndEndsWithTheGivenStatus() throws IOException {
        Path dir;
        try (RunRecorder r = RunRecorder.start(out, "exp", "my-run", "name: my-run\n", "f00d")) {
            dir = r.dir();
            assertTrue(r.runId().matches("[0-9a-f]{32}"), r.runId());
            assertEquals(out.resolve("exp").resolve(r.runId()), dir);
            assertEquals("RUNNING", RunRecorder.readSummary(dir).get("status"));
            r.appendMetrics(new EpochMetrics(0, "train", "train", 1.5, 0.25, 0.75, 0.1, 2.0));
            r.appendMetrics(new EpochMetrics(0, "train", "test", 1.25, 0.5, 0.875, 0.1, 0.5));
            r.update(b -> b.epochs = 1);
            r.finish(RunStatus.FINISHED, null);
        }
        assertEquals("name: my-run\n", Files.readString(dir.resolve("config.yaml")));
        assertEquals(List.of(
                "epoch,phase,split,loss,top1,top5,lr,seconds",
                "0,train,train,1.5,0.25,0.75,0.1,2.000",
                "0,train,test,1.25,0.5,0.875,0.1,0.500"), Files.readAllLines(dir.resolve("metrics.csv")));
        var s = RunRecorder.readSummary(dir);
        assertEquals("FINISHED", s.get("status"));
        assertEquals("f00d", s.get("config_sha256"));
        assertEquals(1, s.get("epochs"));
        assertTrue(s.containsKey("end_time"));
    }

    @Test
    void aFailedRunIsNeverMarkedFinished() throws IOException {
        Path dir;
        try (RunRecorder r = RunRecorder.start(out, "exp", "x", "", "0")) {
            dir = r.dir();
            r.finish(RunStatus.FAILED, "boom");
            r.finish(RunStatus.FINISHED, null); // a later finish cannot overwrite a terminal status
        }
        var s = RunRecorder.readSummary(dir);
        assertEquals("FAILED", s.get("status"));
        assertEquals("boom", s.get("error"));
    }

    @Test
    void resumeDropsRowsAfterTheCheckpointEpoch() throws IOException {
        Path dir;
        try (RunRecorder r = RunRecorder.start(out, "exp", "x", "", "0")) {
            dir = r.dir();
            for (int e = 0; e < 3; e++) {
                r.appendMetrics(new EpochMetrics(e, "p", "train", 1, 0, 0, 0.1, 1));
                r.appendScalars(e, "p", java.util.Map.of("m.lambda", e * 0.5));
            }
            r.finish(RunStatus.KILLED, "stopped");
        }
        try (RunRecorder r = RunRecorder.resume(dir, 1)) {
            assertEquals("RUNNING", RunRecorder.readSummary(dir).get("status"));
            assertEquals(2, RunRecorder.readMetrics(dir).size());
            assertEquals(List.of(new RunRecorder.Scalar(0, "p", "m.lambda", 0.0),
                    new RunRecorder.Scalar(1, "p", "m.lambda", 0.5)), RunRecorder.readScalars(dir));
            r.appendMetrics(new EpochMetrics(2, "p", "train", 0.5, 0, 0, 0.1, 1));
            r.appendScalars(2, "p", java.util.Map.of("m.lambda", 7.0));
            r.finish(RunStatus.FINISHED, null);
        }
        assertEquals(3, RunRecorder.readMetrics(dir).size());
        assertEquals(0.5, RunRecorder.readMetrics(dir).get(2).loss());
        assertEquals(7.0, RunRecorder.readScalars(dir).get(2).value());
        assertEquals("FINISHED", RunRecorder.readSummary(dir).get("status"));
    }
}

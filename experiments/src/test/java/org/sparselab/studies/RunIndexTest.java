package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.ConfigWriter;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import org.sparselab.tracking.ProcessInfo;

/** Skip / resume / wait / run decisions from run records, including runs whose process died without a word. */
class RunIndexTest {
    @TempDir Path dir;

    private int n;

    /** A run record of config {@code hash} with {@code status}, written by process {@code proc} (may be null). */
    private Path record(String hash, String status, boolean checkpoint, ProcessInfo proc) throws IOException {
        Path d = Files.createDirectories(dir.resolve("run" + (++n)));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run_id", "run" + n);
        s.put("status", status);
        s.put("config_sha256", hash);
        s.put("start_time", "2026-01-01T00:00:0" + n + "Z");
        if (proc != null) s.put("process", proc.asMap());
        Files.writeString(d.resolve("summary.json"), new ObjectMapper().writeValueAsString(s));
        if (checkpoint) Files.writeString(d.resolve("checkpoint.bin"), "x");
        return d;
    }

    private RunIndex.Decision decide(String hash, boolean retry) throws IOException {
        return RunIndex.scan(dir).decide(hash, retry);
    }

    /** A process of this host that is certainly gone: an impossible pid. */
    private static ProcessInfo dead() {
        return new ProcessInfo(Integer.MAX_VALUE - 7, 1, ProcessInfo.localHost());
    }

    @Test
    void noRunMeansRun() throws IOException {
        RunIndex.Decision d = decide("h", false);
        assertEquals(RunIndex.Action.RUN, d.action());
        assertNull(d.run());
    }

    @Test
    void aFinishedRunIsSkippedEvenAfterLaterFailures() throws IOException {
        Path fin = record("h", "FINISHED", true, null);
        record("h", "FAILED", false, null);
        RunIndex.Decision d = decide("h", true);
        assertEquals(RunIndex.Action.SKIP, d.action());
        assertEquals(fin, d.run().dir());
    }

    @Test
    void aKilledRunWithACheckpointIsResumed() throws IOException {
        Path killed = record("h", "KILLED", true, dead());
        assertEquals(RunIndex.Action.RESUME, decide("h", false).action());
        assertEquals(killed, decide("h", false).run().dir());
        record("k", "KILLED", false, dead());
        assertEquals(RunIndex.Action.RUN, decide("k", false).action(), "nothing to resume from");
    }

    @Test
    void runningButItsProcessIsGoneCountsAsInterrupted() throws IOException {
        record("h", "RUNNING", true, dead());
        assertEquals(RunIndex.Action.RESUME, decide("h", false).action());
    }

    @Test
    void aLiveRunIsLeftAlone() throws IOException {
        record("h", "RUNNING", true, ProcessInfo.current());
        assertEquals(RunIndex.Action.WAIT, decide("h", false).action());
        record("o", "RUNNING", true, new ProcessInfo(1, 1, "another-host.example"));
        assertEquals(RunIndex.Action.WAIT, decide("o", false).action(), "another host's run cannot be judged");
    }

    @Test
    void aRecordFromBeforeTrackingLeftTheHashIsFoundByItsConfig() throws IOException {
        // Its summary holds the hash of the whole YAML (parent run "old"); its config.yaml is what counts.
        var old = ConfigLoader.parse(SweepPlanTest.BASE, List.of("tracking.parent_run_id=old"), ExperimentConfig.class,
                Schema.types(), Map.of());
        Path d = record(ConfigWriter.sha256(old.config()), "FINISHED", false, null);
        Files.writeString(d.resolve("config.yaml"), old.yaml());
        var now = ConfigLoader.parse(SweepPlanTest.BASE, List.of("tracking.parent_run_id=new"), ExperimentConfig.class,
                Schema.types(), Map.of());
        assertEquals(old.sha256(), now.sha256());
        RunIndex.Decision decision = decide(now.sha256(), false);
        assertEquals(RunIndex.Action.SKIP, decision.action());
        assertEquals(d, decision.run().dir());
        var longer = ConfigLoader.parse(SweepPlanTest.BASE, List.of("train.epochs=2"), ExperimentConfig.class,
                Schema.types(), Map.of());
        assertEquals(RunIndex.Action.RUN, decide(longer.sha256(), false).action(), "another config is not skipped");
    }

    @Test
    void aRecordFromBeforeAnOptionExistedIsFoundByItsConfig() throws IOException {
        // Written by code that had no train.memory_format and no method.hard_index: its config.yaml lacks both
        // keys; today they bind to their defaults, which leave the identity alone.
        var now = ConfigLoader.parse(SweepPlanTest.BASE, List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        String older = now.yaml().lines().filter(l -> !l.strip().startsWith("memory_format:"))
                .filter(l -> !l.strip().startsWith("hard_index:"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        org.junit.jupiter.api.Assertions.assertNotEquals(now.yaml(), older, "the keys were there to drop");
        Path d = record("whole-yaml-hash-of-then", "FINISHED", false, null);
        Files.writeString(d.resolve("config.yaml"), older);
        RunIndex.Decision decision = decide(now.sha256(), false);
        assertEquals(RunIndex.Action.SKIP, decision.action());
        assertEquals(d, decision.run().dir());
        var channelsLast = ConfigLoader.parse(SweepPlanTest.BASE, List.of("train.memory_format=channels_last"),
                ExperimentConfig.class, Schema.types(), Map.of());
        assertEquals(RunIndex.Action.RUN, decide(channelsLast.sha256(), false).action(), "a non-default is new");
        // The report binds the record the same way: the added keys show their defaults, not "—".
        var asStored = org.sparselab.report.RunTable.fromRunDirs(List.of(d)).table();
        var rebound = org.sparselab.report.RunTable.fromRunDirs(List.of(d), Schema::rebindOrKeep).table();
        assertEquals(false, asStored.containsColumn("params.train.memory_format"));
        assertEquals("nchw", rebound.stringColumn("params.train.memory_format").get(0));
        assertEquals(Schema.rebindOrKeep("model: [not, a, section]\n"), "model: [not, a, section]\n",
                "a config that no longer binds is kept as stored");
    }

    @Test
    void aFailedRunIsReportedOrRetried() throws IOException {
        record("h", "FAILED", true, dead());
        assertEquals(RunIndex.Action.FAILED, decide("h", false).action());
        assertEquals(RunIndex.Action.RUN, decide("h", true).action());
    }
}

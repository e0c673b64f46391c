package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary.json as a typed record: today's (version 1) records read into it and write back unchanged. */
class RunSummaryTest {
    @TempDir Path dir;

    private Path runWith(String resource) throws IOException {
        Path run = Files.createDirectories(dir.resolve(resource.replace(".json", "")));
        try (InputStream in = getClass().getResourceAsStream("/summaries/" + resource)) {
            Files.write(run.resolve(RunRecorder.SUMMARY), in.readAllBytes());
        }
        return run;
    }

    @Test
    void aCommittedStrucSparsRecordReadsIntoEveryField() throws IOException {
        RunSummary s = RunSummary.read(runWith("v1-strucspars-resumed.json"));
        assertEquals(RunSummary.SCHEMA_VERSION, s.schemaVersion());
        assertEquals(RunStatus.FINISHED, s.status());
        assertEquals("strucspars", s.method());
        assertEquals("resnet20", s.model().arch());
        assertEquals(4, s.resumedFromEpoch());
        assertEquals("vm", s.process().host());
        assertEquals("0.35.1", s.provenance().djlVersion());
        assertTrue(s.deployed().effectiveMacs() < s.model().macs(), "the deployed form is smaller");
        assertEquals(s.finalModel(), s.finalCost(), "the post-training cost wins");
        assertNull(s.deployed().latency().interleaved(), "recorded before the two forms were timed interleaved");
        assertTrue(s.deployed().latency().b1().medianMs() > 0);
        assertNull(s.deployed().latency().b1().faultsPerPass(), "page faults were not counted then");
        assertEquals("test", s.best().split());
        assertTrue(s.finalMetrics().get("train").top1() > 0.5);
    }

    @Test
    void committedRecordsWriteBackAsTheyWereReadPlusTheVersion() throws IOException {
        for (String r : new String[] {"v1-strucspars-resumed.json", "v1-dynshuffle.json"}) {
            Path run = runWith(r);
            JsonNode original = RunSummary.JSON.readTree(run.resolve(RunRecorder.SUMMARY).toFile());
            JsonNode written = RunSummary.JSON.readTree(RunSummary.read(run).toJson());
            ((ObjectNode) original).put("schema_version", RunSummary.SCHEMA_VERSION);
            assertEquals(original, written, r + ": no field lost or renamed");
        }
    }

    @Test
    void pageFaultsPerPassRoundTrip() throws IOException {
        Path run = runWith("v1-strucspars-resumed.json");
        ObjectNode tree = (ObjectNode) RunSummary.JSON.readTree(run.resolve(RunRecorder.SUMMARY).toFile());
        ((ObjectNode) tree.path("deployed").path("latency").path("b64")).put("faults_per_pass", 116153);
        Files.writeString(run.resolve(RunRecorder.SUMMARY), tree.toString());
        RunSummary s = RunSummary.read(run);
        assertEquals(116153L, s.deployed().latency().b64().faultsPerPass());
        assertTrue(s.toJson().contains("\"faults_per_pass\" : 116153"), s.toJson());
    }

    @Test
    void earlySpellingsAndUnknownFieldsAreRead() throws IOException {
        Path run = runWith("v1-early.json");
        RunSummary s = RunSummary.read(run);
        assertEquals(20_500_000L, s.finalCost().effectiveMacs(), "model.final_effective_macs");
        assertEquals(41_000_000L, s.finalCost().macs(), "what was not re-measured keeps the profile's value");
        assertEquals(3.5, s.latency().b1().medianMs(), "flat latency_ms is the batch-1 median");
        assertNull(s.deployed());
        assertTrue(s.toJson().contains("\"written_by_a_newer_version\" : {"), "unknown fields survive a rewrite");
        assertTrue(!s.toJson().contains("latency_ms"), s.toJson());
    }

    @Test
    void aNewerVersionOrAWrongTypeIsOneClearError() throws IOException {
        Path run = Files.createDirectories(dir.resolve("newer"));
        Files.writeString(run.resolve(RunRecorder.SUMMARY), "{\"schema_version\": 99, \"status\": \"RUNNING\"}");
        var e = assertThrows(IOException.class, () -> RunSummary.read(run));
        assertTrue(e.getMessage().contains("schema_version 99 is newer than this sparselab reads"), e.getMessage());
        Files.writeString(run.resolve(RunRecorder.SUMMARY), "{\"epochs\": \"three\"}");
        e = assertThrows(IOException.class, () -> RunSummary.read(run));
        assertTrue(e.getMessage().contains("a field has the wrong type"), e.getMessage());
    }

    @Test
    void theRecorderWritesTheCurrentVersion() throws IOException {
        Path runDir;
        try (RunRecorder r = RunRecorder.start(dir, "exp", "n", "name: n\n", "ab")) {
            runDir = r.dir();
            r.update(b -> b.finalModel = new RunSummary.Cost(10L, 5L, 100L, 50L));
            r.finish(RunStatus.FINISHED, null);
        }
        JsonNode j = RunSummary.JSON.readTree(runDir.resolve(RunRecorder.SUMMARY).toFile());
        assertEquals(RunSummary.SCHEMA_VERSION, j.path("schema_version").asInt());
        assertEquals(50, j.path("final_model").path("effective_macs").asLong());
        assertEquals(ProcessHandle.current().pid(), j.path("process").path("pid").asLong());
        assertTrue(!j.has("extra") && !j.path("process").has("alive") && !j.path("process").has("local"), j.toString());
    }

    @Test
    void theCpuIsDescribedByModelAndKernelRelevantExtensionsOnly() {
        RunSummary.Cpu cpu = CpuInfo.current();
        assertTrue(cpu.model() != null && !cpu.model().isBlank());
        assertTrue(cpu.logicalCores() >= 1);
        assertTrue(CpuInfo.KERNEL_ISA.containsAll(cpu.isa().stream().filter(f -> !f.startsWith("ATEN_")).toList()),
                cpu.isa().toString());
        if (System.getProperty("os.arch").equals("amd64")) {
            assertTrue(cpu.isa().contains("sse4_2"), "every x86-64 CPU this runs on has SSE4.2: " + cpu.isa());
        }
    }
}

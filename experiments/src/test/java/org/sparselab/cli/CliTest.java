package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: bad input gives one clear line and exit code 2, before any work starts. */
class CliTest {
    @TempDir Path dir;

    private static final String GOOD = """
            name: cli_test
            device: cpu
            data: {name: synthetic, image_size: 8, num_classes: 3, synthetic: {train_size: 32, test_size: 16}}
            model: {arch: resnet20}
            train:
              epochs: 1
            """;

    private static CliResult cli(String... args) {
        return CliResult.of(args);
    }

    private Path write(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private void assertOneLineError(CliResult r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + expected + System.lineSeparator(), r.err());
    }

    @Test
    void printConfigPrintsTheResolvedYaml() throws IOException {
        Path f = write("good.yaml", GOOD);
        CliResult r = cli("run", f.toString(), "--print-config", "--set", "train.epochs=4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  epochs: 4\n"), r.out());
        assertTrue(r.out().contains("  batch_size: 128\n"), "defaults are filled in: " + r.out());
    }

    @Test
    void unknownKeyNamesFileLineAndSuggestion() throws IOException {
        Path f = write("typo.yaml", GOOD.replace("  epochs: 1", "  epoch: 1"));
        assertOneLineError(cli("run", f.toString()),
                f + ":6: unknown key train.epoch (did you mean train.epochs?)");
    }

    @Test
    void wrongTypeIsNamed() throws IOException {
        Path f = write("type.yaml", GOOD.replace("  epochs: 1", "  epochs: three"));
        assertOneLineError(cli("run", f.toString()), f + ":6: train.epochs: expected an integer, found 'three'");
    }

    @Test
    void negativeEpochsAreOutOfRange() throws IOException {
        Path f = write("neg.yaml", GOOD.replace("  epochs: 1", "  epochs: -2"));
        assertOneLineError(cli("run", f.toString()), f + ":6: train.epochs: expected a positive integer, found -2");
    }

    @Test
    void fractionOutsideItsRangeIsNamed() throws IOException {
        Path f = write("split.yaml", GOOD);
        CliResult r = cli("run", f.toString(), "--set", "data.val_split=1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: --set data.val_split: expected a number in [0.0, 1.0), found 1.5"),
                r.err());
    }

    @Test
    void missingRequiredKeyIsNamed() throws IOException {
        Path f = write("missing.yaml", GOOD.replace("model: {arch: resnet20}\n", ""));
        assertOneLineError(cli("run", f.toString()), f + ":1: missing required key model");
    }

    @Test
    void unknownModelGetsASuggestion() throws IOException {
        Path f = write("model.yaml", GOOD.replace("resnet20", "resnt20"));
        CliResult r = cli("run", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + f + ":4: model.arch: unknown model 'resnt20' (did you mean "
                + "resnet20?)"), r.err());
        assertEquals(1, r.err().lines().count(), "one line, no stack trace");
    }

    @Test
    void badDeviceIsNamed() throws IOException {
        Path f = write("dev.yaml", GOOD.replace("device: cpu", "device: cuda0"));
        assertOneLineError(cli("run", f.toString()),
                f + ":2: device: expected auto, cpu, gpu, gpu:N or gpu:all, found 'cuda0'");
    }

    @Test
    void missingConfigFileIsNamed() {
        CliResult r = cli("run", dir.resolve("nope.yaml").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such config file"), r.err());
    }

    @Test
    void missingDataSaysHowToGetIt() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path f = write("data.yaml", GOOD.replace("data: {name: synthetic, image_size: 8, num_classes: 3, "
                + "synthetic: {train_size: 32, test_size: 16}}", "data: {name: cifar10, root: '" + empty
                + "', download: false}"));
        CliResult r = cli("run", f.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(empty.toString()) && r.err().contains("cifar10"), r.err());
    }

    @Test
    void resumeWithoutCheckpointSaysWhy() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        CliResult r = cli("resume", runDir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + runDir + ": no checkpoint in this run directory"), r.err());
    }

    @Test
    void syncWithNothingSpooledSaysSo() throws IOException {
        Path results = Files.createDirectories(dir.resolve("results"));
        CliResult r = cli("sync", results.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no spooled MLflow events under " + results), r.out());
        assertEquals(2, cli("sync", dir.resolve("absent").toString()).code());
    }

    @Test
    void unknownBenchIsBadInput() {
        CliResult r = cli("bench", "gpu-burn");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: bench: unknown benchmark 'gpu-burn'; expected one of data, train, "
                + "assignment, strucspars, dynshuffle"), r.err());
        assertOneLineError(cli("bench", "strucpars"), "bench: unknown benchmark 'strucpars' (did you mean strucspars?); "
                + "expected one of " + String.join(", ", Benchmarks.defaults().names()));
        assertOneLineError(cli("bench", "strucspars", "--param", "target=0.5"),
                "--param: bench strucspars has no parameter 'target'; it takes targets");
        CliResult t = cli("bench", "strucspars", "--param", "targets=half");
        assertEquals(2, t.code());
        assertTrue(t.err().startsWith("error: --param targets: expected comma-separated numbers"), t.err());
        CliResult m = cli("bench", "strucspars", "--model", "resnet5");
        assertEquals(2, m.code());
        assertTrue(m.err().startsWith("error: --model: unknown model 'resnet5' (did you mean"), m.err());
        CliResult b = cli("bench", "strucspars", "--batches", "1,0");
        assertEquals(2, b.code());
        assertTrue(b.err().contains("positive --batches"), b.err());
    }

    @Test
    void benchListsEveryRegisteredBenchmarkWithItsParams() {
        CliResult r = cli("bench", "--list");
        assertEquals(0, r.code(), r.err());
        for (String name : Benchmarks.defaults().names()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), name + " listed: " + r.out());
        }
        assertTrue(r.out().contains("--param targets:"), r.out());
        String help = cli("bench", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("The benchmark: " + String.join(", ", Benchmarks.defaults().names()) + "."), help);
    }

    @Test
    void aMethodBenchmarkRunsThroughTheRegistryAndWritesItsRecordUnderTheMachineHeader() throws IOException {
        Path out = dir.resolve("bench");
        CliResult r = cli("bench", "strucspars", "--model", "resnet20", "--batches", "2", "--repeats", "1",
                "--param", "targets=0.5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + out.resolve("strucspars_resnet20.json")), r.out());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                out.resolve("strucspars_resnet20.json").toFile());
        java.util.List<String> keys = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(java.util.List.of("bench", "time", "cores", "engine", "pytorch_threads", "load_average_before",
                "malloc", "provenance"), keys.subList(0, 8), "the machine header comes first: " + keys);
        java.util.List<String> mallocKeys = new java.util.ArrayList<>();
        json.get("malloc").fieldNames().forEachRemaining(mallocKeys::add);
        assertEquals(BenchCommand.MALLOC_VARIABLES, mallocKeys, "the malloc settings are recorded, null when unset");
        assertEquals("strucspars", json.get("bench").asText());
        assertEquals("resnet20", json.get("model").asText());
        assertTrue(json.get("rows").size() > 0, "rows: " + json);
        for (var row : json.get("rows")) assertEquals(0.5, row.get("target").asDouble(), 1e-9);
        assertTrue(json.has("load_average_after"));
    }

    @Test
    void modelsListsTheRegistry() {
        CliResult r = cli("models");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("resnet56") && r.out().contains("shufflenet_v2_x1_0"), r.out());
    }
}

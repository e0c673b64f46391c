package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench train} end to end on a tiny synthetic run: both memory formats, and the reference's absence said. */
class TrainBenchmarkTest {
    @TempDir Path dir;

    private Path config() throws IOException {
        Path f = dir.resolve("bench.yaml");
        Files.writeString(f, """
                name: bench_test
                device: cpu
                data: {name: synthetic, image_size: 8, num_classes: 3, batch_size: 16,
                       synthetic: {train_size: 64, test_size: 16, channels: 1}}
                model: {arch: resnet20}
                """);
        return f;
    }

    @Test
    void timesBothFormatsAndSaysWhenThePyTorchReferenceIsMissing() throws IOException {
        Path python = dir.resolve("python-without-torch");
        Files.writeString(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("bench");
        CliResult r = CliResult.of("bench", "train", "--config", config().toString(), "--samples", "32",
                "--epochs", "2", "--param", "python=" + python, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PyTorch reference: not available (install python3-torch: apt-get install "
                + "python3-torch)"), r.out());
        assertTrue(r.out().contains("why: " + python + ": exit code 1: ModuleNotFoundError: No module named 'torch'"),
                r.out());
        assertFalse(r.out().contains("PyTorch nchw"), "no column for what was not measured: " + r.out());
        assertTrue(r.out().contains("ours nchw") && r.out().contains("ours channels_last"), r.out());
        JsonNode json = new ObjectMapper().readTree(out.resolve("train.json").toFile());
        assertFalse(json.get("pytorch_reference").get("available").asBoolean());
        assertTrue(json.get("pytorch_reference").get("reason").asText().endsWith("No module named 'torch'"));
        assertTrue(json.get("ratio_ours_best_to_pytorch_best").isNull(), "no ratio without a reference, not 0");
        for (String f : new String[] {"nchw", "channels_last"}) {
            JsonNode epochs = json.get("ours_images_per_s").get(f);
            assertEquals(2, epochs.size(), f + ": one number per timed epoch");
            for (JsonNode v : epochs) assertTrue(v.asDouble() > 0, f + ": " + epochs);
        }
        assertEquals(2, json.get("bare_djl_images_per_s").size());
        assertTrue(json.get("ratio_median").asDouble() > 0);
        JsonNode rounds = json.get("ratio_bare_per_round");
        assertEquals(2, rounds.get("ratios").size(), "ours over bare, round by round");
        JsonNode interval = rounds.get("interval_95");
        double mean = (rounds.get("ratios").get(0).asDouble() + rounds.get("ratios").get(1).asDouble()) / 2;
        assertTrue(interval.get(0).asDouble() <= mean && mean <= interval.get(1).asDouble(), interval.toString());
        String verdict = rounds.get("verdict").asText();
        assertEquals(interval.get(0).asDouble() >= 0.97 ? "met" : interval.get(1).asDouble() < 0.97 ? "NOT met"
                : "inconclusive", verdict);
        assertTrue(r.out().contains("(goal >= 0.97: " + verdict + ")"), r.out());
        assertEquals(0, json.get("live_ndarrays_growth").asInt(), "every format's loop frees what it allocates");
    }

    @Test
    void theGoalIsJudgedOnTheSpreadOfTheRoundByRoundRatios() {
        List<Double> one = List.of(1.0, 1.0, 1.0);
        assertEquals("met", TrainBenchmark.RoundRatios.of(List.of(1.10, 1.12, 1.09), one, 1.0).verdict());
        assertEquals("NOT met", TrainBenchmark.RoundRatios.of(List.of(0.80, 0.82, 0.81), one, 1.0).verdict());
        assertEquals("inconclusive", TrainBenchmark.RoundRatios.of(List.of(0.80, 1.10, 0.95), one, 1.0).verdict(),
                "rounds on both sides of the goal");
        assertEquals("inconclusive", TrainBenchmark.RoundRatios.of(List.of(1.5), List.of(1.0), 1.0).verdict(),
                "one round has no spread");
        // ratios are taken round by round: a slow second round slows both loops alike
        assertEquals(List.of(0.5, 0.5), TrainBenchmark.RoundRatios.of(List.of(100.0, 50.0), List.of(200.0, 100.0), 1.0)
                .ratios());
    }

    @Test
    void aBadMemoryFormatListIsOneLine() throws IOException {
        CliResult r = CliResult.of("bench", "train", "--config", config().toString(), "--param",
                "memory_format=nchw,nhwc");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: --param memory_format: expected distinct names from nchw, channels_last, "
                + "comma-separated, found 'nchw,nhwc'" + System.lineSeparator(), r.err());
    }
}

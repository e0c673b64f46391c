package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of bad configs under {@code src/test/resources/bad-configs/}: each file says on its first line the one
 * line {@code run} must print ({@code # expect: …}, with {@code {file}} for the config's path and {@code {tmp}} for a
 * scratch directory that holds a regular file {@code a-file}). Both {@code run} and {@code run --print-config} must
 * print exactly that line and exit with 2, and no run record or MLflow run may exist afterwards.
 */
class BadConfigCorpusTest {
    @TempDir Path tmp;

    static Stream<String> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(BadConfigCorpusTest.class.getResource("/bad-configs").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .sorted().toList();
            assertTrue(names.size() >= 20, "the corpus is there: " + names);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedWithOneLineBeforeAnythingIsWritten(String name) throws Exception {
        String text;
        try (var in = getClass().getResourceAsStream("/bad-configs/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String first = text.lines().findFirst().orElse("");
        assertTrue(first.startsWith("# expect: "), name + " starts with '# expect: <line>'");
        if (text.contains("# needs: read-only /sys")) {
            Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys")) && !canCreateIn(Path.of("/sys")),
                    "skipped: /sys is missing or writable here, so it cannot stand for a read-only directory");
        }
        Files.writeString(tmp.resolve("a-file"), "not a directory\n");
        Path config = tmp.resolve(name);
        Files.writeString(config, text.replace("{tmp}", tmp.toString()));
        String expected = "error: " + first.substring("# expect: ".length()).replace("{file}", config.toString())
                .replace("{tmp}", tmp.toString()) + System.lineSeparator();

        CliResult printed = CliResult.of("run", config.toString(), "--print-config");
        assertEquals(expected, printed.err(), "--print-config refuses what run refuses");
        assertEquals(2, printed.code());
        assertEquals("", printed.out());

        CliResult run = CliResult.of("run", config.toString(), "--no-progress");
        assertEquals(expected, run.err());
        assertEquals(2, run.code());
        assertFalse(Files.exists(tmp.resolve("runs")), "no run record: " + name);
        assertFalse(Files.exists(tmp.resolve("mlruns")), "no MLflow store: " + name);
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

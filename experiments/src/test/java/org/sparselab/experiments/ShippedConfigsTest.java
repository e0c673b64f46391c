package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigFiles;
import org.sparselab.config.ConfigLoader;
import org.sparselab.models.Models;
import org.sparselab.studies.Reproduction;

/**
 * Every YAML file under the project's {@code configs/} loads: run configs bind and validate as experiments (with an
 * empty environment, so every {@code ${env:…:-default}} takes its default) and name a registered model; protocol
 * files (shared recipes other files extend) and {@code base/} pieces parse with their {@code extends:}; suites bind and
 * name config files that exist.
 */
class ShippedConfigsTest {
    static Path configsDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs")) && Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("configs");
            }
        }
        throw new AssertionError("no configs/ above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyShippedConfigLoads() throws IOException {
        Path root = configsDir();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        var models = Models.defaults();
        int runs = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            String rel = root.relativize(f).toString();
            try {
                if (name.equals("suite.yaml")) {
                    var suite = Reproduction.load(f, Map.of()).config();
                    for (var e : suite.runs()) {
                        assertTrue(Files.exists(f.resolveSibling(e.config())), rel + " names " + e.config());
                    }
                    Reproduction.plan(f, suite);
                } else if (rel.startsWith("base") || name.contains("protocol")) {
                    ConfigFiles.load(f);
                } else {
                    ExperimentConfig c = ConfigLoader.load(f, List.of(), ExperimentConfig.class, Schema.types(), Map.of())
                            .config();
                    assertTrue(models.contains(c.model().arch()), rel + ": unknown model " + c.model().arch());
                    runs++;
                }
            } catch (RuntimeException e) {
                throw new AssertionError(rel + ": " + e.getMessage(), e);
            }
        }
        assertTrue(runs > 0);
        assertFalse(files.stream().noneMatch(f -> f.toString().contains("dynshuffle")), "dynshuffle configs present");
    }
}

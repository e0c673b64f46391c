package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigNode.Kind;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;
import org.sparselab.config.TestConfigs.ExpCfg;

class ConfigFilesTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private ExpCfg load(Path file) {
        return ConfigLoader.load(file, List.of(), ExpCfg.class, TestConfigs.TYPES, Map.of()).config();
    }

    @Test
    void extendsIsRelativeToTheExtendingFile() throws IOException {
        write("base/common.yaml", "train:\n  epochs: 3\n  batch_size: 64\n");
        Path exp = write("exp/a.yaml", "extends: ../base/common.yaml\ntrain:\n  batch_size: 32\n");
        ExpCfg c = load(exp);
        assertEquals(3, c.train().epochs());
        assertEquals(32, c.train().batchSize());
    }

    @Test
    void listOfBasesMergesLeftToRightThenTheFileOnTop() throws IOException {
        write("a.yaml", "name: a\ntrain:\n  epochs: 3\n  batch_size: 64\n  milestones: [1, 2]\n");
        write("b.yaml", "name: b\ntrain:\n  batch_size: 32\n  optimizer: {lr: 0.5}\n");
        Path c = write("c.yaml",
                "extends: [a.yaml, b.yaml]\ntrain:\n  milestones: [5]\n  optimizer: {momentum: 0.0}\n");
        ExpCfg cfg = load(c);
        assertEquals("b", cfg.name());
        assertEquals(3, cfg.train().epochs());
        assertEquals(32, cfg.train().batchSize());
        assertEquals(List.of(5), cfg.train().milestones()); // lists replace, they do not concatenate
        assertEquals(0.5, cfg.train().optimizer().lr()); // maps merge deeply
        assertEquals(0.0, cfg.train().optimizer().momentum());
    }

    @Test
    void basesCanExtendBasesAndTheKeyDisappears() throws IOException {
        write("a.yaml", "train: {epochs: 3}\nseed: 1\n");
        write("b.yaml", "extends: a.yaml\nseed: 2\n");
        Path c = write("c.yaml", "extends: b.yaml\nname: c\n");
        MapNode tree = ConfigFiles.load(c);
        assertEquals(List.of("train", "seed", "name"), List.copyOf(tree.entries().keySet()));
        assertEquals(2L, load(c).seed());
        assertEquals(dir.resolve("a.yaml").toString(), tree.get("train").source());
    }

    @Test
    void explicitNullInChildSetsNull() throws IOException {
        write("a.yaml", "train: {epochs: 3, warmup: 2}\n");
        Path b = write("b.yaml", "extends: a.yaml\ntrain: {warmup: null}\n");
        MapNode train = (MapNode) ConfigFiles.load(b).get("train");
        assertEquals(Kind.NULL, ((ScalarNode) train.get("warmup")).kind());
        assertEquals(null, load(b).train().warmup());
    }

    @Test
    void cycleIsAnErrorNamingTheChain() throws IOException {
        Path a = write("a.yaml", "extends: b.yaml\n");
        write("b.yaml", "x: 1\nextends: a.yaml\n");
        var e = assertThrows(ConfigException.class, () -> ConfigFiles.load(a));
        assertEquals(dir.resolve("b.yaml") + ":2: extends: cycle a.yaml -> b.yaml -> a.yaml", e.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path nope = dir.resolve("nope.yaml");
        var e = assertThrows(ConfigException.class, () -> load(nope));
        assertEquals(nope + ": no such config file", e.getMessage());
        Path a = write("a.yaml", "extends: gone.yaml\n");
        e = assertThrows(ConfigException.class, () -> load(a));
        assertEquals(a + ":1: extends: no such config file " + dir.resolve("gone.yaml"), e.getMessage());
    }

    @Test
    void errorsInABaseNameTheBaseFile() throws IOException {
        write("base.yaml", "name: x\ntrain:\n  epoch: 3\n");
        Path a = write("a.yaml", "extends: base.yaml\n");
        var e = assertThrows(ConfigException.class, () -> load(a));
        assertEquals(dir.resolve("base.yaml") + ":3: unknown key train.epoch (did you mean train.epochs?)",
                e.getMessage());
    }

    @Test
    void extendsMustBePaths() throws IOException {
        Path a = write("a.yaml", "extends: 3\n");
        var e = assertThrows(ConfigException.class, () -> ConfigFiles.load(a));
        assertEquals(a + ":1: extends: expected a path or a list of paths, found 3", e.getMessage());
    }

    @Test
    void syntaxErrorInAFileNamesFileAndLine() throws IOException {
        Path a = write("a.yaml", "train:\n  epochs: 3\n   lr: [\n");
        var e = assertThrows(ConfigException.class, () -> load(a));
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(a.toString(), e.source());
        assertEquals(true, e.getMessage().startsWith(a + ":" + e.line() + ": YAML syntax error: "), e.getMessage());
    }

    @Test
    void extendsIsRefusedInAString() {
        var e = assertThrows(ConfigException.class, () -> TestConfigs.parse("extends: a.yaml\n"));
        assertEquals("<string>:1: extends: only a config file can extend others", e.getMessage());
    }

    @Test
    void mergeReplacesScalarsAndListsAndKeepsBaseOrder() {
        MapNode base = (MapNode) YamlReader.parse("a: 1\nb: [1, 2]\nc: {p: 1, q: 2}\n", "base");
        MapNode over = (MapNode) YamlReader.parse("c: {q: 3, r: 4}\nb: [9]\nd: 5\n", "over");
        MapNode merged = ConfigFiles.merge(base, over);
        assertEquals("a: 1\nb:\n  - 9\nc:\n  p: 1\n  q: 3\n  r: 4\nd: 5\n", YamlWriter.write(merged));
    }
}

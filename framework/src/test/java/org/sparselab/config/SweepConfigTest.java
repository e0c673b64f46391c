package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigNode.MapNode;

/** Sweep expansion: product order, zip groups, seeds, flags on top of a block, and one-line errors for bad input. */
class SweepConfigTest {
    private static SweepConfig block(String yaml) {
        MapNode root = (MapNode) YamlReader.parse(yaml, "s.yaml");
        return SweepConfig.split(root).sweep();
    }

    private static List<Map<String, String>> values(SweepConfig s) {
        return s.points().stream().map(SweepConfig.Point::texts).toList();
    }

    @Test
    void productVariesTheFirstKeySlowestAndSeedsFastest() {
        SweepConfig s = block("""
                name: x
                sweep:
                  grid:
                    model.arch: [resnet20, resnet32]
                    train.optimizer.lr: [0.1, 0.05]
                  seeds: 2
                """);
        List<Map<String, String>> v = values(s);
        assertEquals(8, v.size());
        assertEquals(Map.of("model.arch", "resnet20", "train.optimizer.lr", "0.1", "seed", "0"), v.get(0));
        assertEquals(Map.of("model.arch", "resnet20", "train.optimizer.lr", "0.1", "seed", "1"), v.get(1));
        assertEquals(Map.of("model.arch", "resnet20", "train.optimizer.lr", "0.05", "seed", "0"), v.get(2));
        assertEquals(Map.of("model.arch", "resnet32", "train.optimizer.lr", "0.05", "seed", "1"), v.get(7));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), s.points().stream().map(SweepConfig.Point::index).toList());
        assertEquals("resnet20-0.1-s0", s.points().get(0).label());
        assertEquals(List.of("model.arch", "train.optimizer.lr", "seed"), s.keys());
    }

    @Test
    void zipGroupsMoveTogetherAndMultiplyWithTheGrid() {
        SweepConfig s = block("""
                sweep:
                  grid: {model.arch: [a, b]}
                  zip:
                    - {train.epochs: [1, 2, 3], train.optimizer.lr: [0.1, 0.2, 0.3]}
                """);
        List<Map<String, String>> v = values(s);
        assertEquals(6, v.size());
        assertEquals(Map.of("model.arch", "a", "train.epochs", "2", "train.optimizer.lr", "0.2"), v.get(1));
        assertEquals(Map.of("model.arch", "b", "train.epochs", "3", "train.optimizer.lr", "0.3"), v.get(5));
    }

    @Test
    void flagsAddAxesAndKeepListsAndStringsAsWritten() {
        SweepConfig s = SweepConfig.NONE.withFlags(List.of("train.lr_schedule.milestones=[30, 60],[40,80]",
                "model.arch=resnet20, 'a,b'"), List.of("train.epochs=1,2;seed=3,4"), null, "mine");
        List<Map<String, String>> v = values(s);
        assertEquals(8, v.size());
        assertEquals("[30, 60]", v.get(0).get("train.lr_schedule.milestones"));
        assertEquals("[40, 80]", v.get(7).get("train.lr_schedule.milestones"));
        assertEquals("a,b", s.grid().get("model.arch").get(1).describe().replace("'", ""));
        assertEquals("mine", s.name());
        // A flag replaces the block's axis of the same key; --seeds replaces seeds.
        SweepConfig b = block("sweep: {grid: {model.arch: [x]}, seeds: 3}").withFlags(List.of("model.arch=r20,r32"),
                List.of(), 1, null);
        assertEquals(List.of(Map.of("model.arch", "r20", "seed", "0"), Map.of("model.arch", "r32", "seed", "0")),
                values(b));
    }

    @Test
    void noAxesIsOnePointWithoutValues() {
        SweepConfig s = block("name: x\n");
        assertTrue(s.isEmpty());
        assertEquals(1, s.points().size());
        assertEquals("", s.points().get(0).label());
    }

    @Test
    void splitRemovesTheBlockFromTheConfig() {
        MapNode root = (MapNode) YamlReader.parse("name: x\nsweep: {seeds: 2}\n", "s.yaml");
        SweepConfig.Split split = SweepConfig.split(root);
        assertEquals(List.of("name"), List.copyOf(split.config().entries().keySet()));
        assertEquals(2, split.sweep().seeds());
    }

    @Test
    void badInputIsOneLineNamingWhere() {
        assertEquals("--sweep model.arch: empty value list", assertThrows(ConfigException.class,
                () -> SweepConfig.NONE.withFlags(List.of("model.arch="), List.of(), null, null)).getMessage());
        assertEquals("--sweep model.arch: empty value at position 2 of 'a,,b'", assertThrows(ConfigException.class,
                () -> SweepConfig.NONE.withFlags(List.of("model.arch=a,,b"), List.of(), null, null)).getMessage());
        assertEquals("--sweep model.arch: expected key=value1,value2,...", assertThrows(ConfigException.class,
                () -> SweepConfig.NONE.withFlags(List.of("model.arch"), List.of(), null, null)).getMessage());
        assertEquals("--zip zip[0]: the lists of a zip group must have equal length, found {a=2, b=3}",
                assertThrows(ConfigException.class, () -> SweepConfig.NONE.withFlags(List.of(),
                        List.of("a=1,2;b=1,2,3"), null, null)).getMessage());
        assertEquals("s.yaml:2: sweep.grid.model.arch: empty value list", assertThrows(ConfigException.class,
                () -> block("sweep:\n  grid: {model.arch: []}\n")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> block("sweep: {grid: {seed: [1, 2]}, seeds: 2}"))
                .getMessage().contains("seed is also swept"));
        assertTrue(assertThrows(ConfigException.class,
                () -> block("sweep: {grid: {a: [1]}, zip: [{a: [2]}]}")).getMessage()
                .contains("key a is on more than one axis"));
        assertTrue(assertThrows(ConfigException.class, () -> block("sweep: {grdi: {a: [1]}}")).getMessage()
                .contains("unknown key sweep.grdi (did you mean sweep.grid?)"));
    }
}

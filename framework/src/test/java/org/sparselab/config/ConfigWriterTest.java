package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.TestConfigs.DataCfg;
import org.sparselab.config.TestConfigs.ExpCfg;
import org.sparselab.config.TestConfigs.OptimizerCfg;
import org.sparselab.config.TestConfigs.PhaseCfg;
import org.sparselab.config.TestConfigs.Schedule;
import org.sparselab.config.TestConfigs.StrucSpars;
import org.sparselab.config.TestConfigs.TrainCfg;

class ConfigWriterTest {
    @Test
    void resolvedYamlHasEveryKeyInComponentOrder() {
        var loaded =
                ConfigLoader.parse("train:\n  epochs: 3\n  phases: [{epochs: 2}]\n", ExpCfg.class, TestConfigs.TYPES);
        String expected = """
                name: exp
                seed: 42
                data:
                  dataset: cifar10
                  workers: 0
                  augment: true
                train:
                  epochs: 3
                  batch_size: 128
                  milestones: []
                  schedule: cosine
                  phases:
                    - epochs: 2
                      lr: 0.1
                  optimizer:
                    name: sgd
                    lr: 0.1
                    momentum: 0.9
                  warmup: null
                  loss_weights: {}
                method:
                  name: none
                """;
        assertEquals(expected, loaded.yaml());
        assertEquals(ConfigWriter.identitySha256(loaded.config()), loaded.sha256());
        assertTrue(loaded.sha256().matches("[0-9a-f]{64}"));
    }

    @Test
    void roundTripGivesAnEqualRecord() {
        ExpCfg c = new ExpCfg("yes", -7, new DataCfg("a: \"b\"\n\tc\\", 2, false),
                new TrainCfg(10, 64, List.of(3, 6), Schedule.ONE_CYCLE,
                        List.of(new PhaseCfg(1, 1e-4), new PhaseCfg(2, 0.3)),
                        new OptimizerCfg("1.0", Double.MIN_VALUE, -0.0), 2, Map.of("null", 1.0 / 3)),
                new StrucSpars("strucspars", 8, 1.0));
        String yaml = ConfigWriter.toYaml(c);
        assertEquals(c, ConfigLoader.parse(yaml, ExpCfg.class, TestConfigs.TYPES).config(), yaml);
        assertTrue(yaml.contains("schedule: one_cycle\n"), yaml);
        assertTrue(yaml.contains("name: \"yes\"\n"), yaml); // would read back as a boolean if plain
    }

    @Test
    void hashDependsOnContentNotLayout() {
        String a = "train:\n  epochs: 3\n  batch_size: 64\nseed: 1\n";
        String b = "seed: 1\ntrain: {batch_size: 64, epochs: 3, schedule: COSINE}\ndata: {dataset: cifar10}\n";
        String c = "seed: 1\ntrain: {batch_size: 64, epochs: 4}\n";
        String ha = ConfigLoader.parse(a, ExpCfg.class, TestConfigs.TYPES).sha256();
        assertEquals(ha, ConfigLoader.parse(b, ExpCfg.class, TestConfigs.TYPES).sha256());
        assertNotEquals(ha, ConfigLoader.parse(c, ExpCfg.class, TestConfigs.TYPES).sha256());
        assertEquals(ha, ConfigLoader.parse(a, ExpCfg.class, TestConfigs.TYPES).sha256()); // stable across calls
    }

    record Where(@Default("none") String uri, @Default("null") String parent) {}

    record Tracked(@Default("1") int epochs, @Default("{}") @NotHashed Where where) {}

    @Test
    void notHashedSectionsAreWrittenButLeftOutOfTheHash() {
        var a = ConfigLoader.parse("epochs: 3\nwhere: {uri: a, parent: p1}\n", Tracked.class);
        var b = ConfigLoader.parse("epochs: 3\nwhere: {uri: b}\n", Tracked.class);
        assertEquals("epochs: 3\nwhere:\n  uri: a\n  parent: p1\n", a.yaml(), "still in the resolved YAML");
        assertEquals(a.sha256(), b.sha256());
        assertEquals(a.sha256(), ConfigLoader.parse("epochs: 3\n", Tracked.class).sha256(),
                "the hash of the config without the section");
        assertNotEquals(a.sha256(), ConfigLoader.parse("epochs: 4\nwhere: {uri: a}\n", Tracked.class).sha256());
        assertNotEquals(a.sha256(), ConfigWriter.sha256(a.config()), "the whole YAML's hash differs");
    }

    record Layout(@Default("nchw") String format, @Default("[1, 2]") List<Integer> sizes) {}

    record Later(@Default("1") int epochs, @Default("0.1") float lr, @Default("auto") String added,
            Layout layout) {}

    @Test
    void keysAtTheirDefaultsLeaveTheIdentityAlone() {
        // A record written before `added` and `layout` existed binds with their defaults: same identity.
        String old = "epochs: 3\n";
        String today = "epochs: 3\nlr: 0.1\nadded: auto\nlayout: {format: nchw, sizes: [1, 2]}\n";
        String ha = ConfigLoader.parse(old, Later.class).sha256();
        assertEquals(ha, ConfigLoader.parse(today, Later.class).sha256());
        assertEquals(ConfigWriter.sha256("epochs: 3\n"), ha, "only the key that differs from its default");
        for (String changed : List.of("epochs: 1\n", "epochs: 3\nlr: 0.2\n", "epochs: 3\nadded: host\n",
                "epochs: 3\nlayout: {sizes: [1]}\n")) {
            assertNotEquals(ha, ConfigLoader.parse(changed, Later.class).sha256(), changed);
        }
        assertNotEquals(ha, ConfigLoader.parse("epochs: 3\nlayout: {format: nhwc}\n", Later.class).sha256());
        assertEquals(ConfigLoader.parse("epochs: 1\n", Later.class).sha256(),
                ConfigLoader.parse("{}", Later.class).sha256(), "an explicit default is no different");
    }

    @Test
    void theLegacyIdentityIsTheYamlWithoutNotHashedSections() {
        var a = ConfigLoader.parse("epochs: 3\nwhere: {uri: a}\n", Tracked.class);
        assertEquals(ConfigWriter.sha256("epochs: 3\n"), ConfigWriter.legacyIdentitySha256(a.yaml(), Tracked.class));
    }

    @Test
    void stringsAreQuotedOnlyWhenPlainWouldReadDifferently() {
        assertEquals("cifar10", YamlWriter.string("cifar10"));
        assertEquals("runs/a-b_c.d", YamlWriter.string("runs/a-b_c.d"));
        assertEquals("\"true\"", YamlWriter.string("true"));
        assertEquals("\"Off\"", YamlWriter.string("Off"));
        assertEquals("\"3\"", YamlWriter.string("3"));
        assertEquals("\"\"", YamlWriter.string(""));
        assertEquals("\"a b\"", YamlWriter.string("a b"));
        assertEquals("\"say \\\"hi\\\"\\n\"", YamlWriter.string("say \"hi\"\n"));
    }
}

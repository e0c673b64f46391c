package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparselab.config.TestConfigs.parse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.TestConfigs.ExpCfg;
import org.sparselab.config.TestConfigs.PhaseCfg;
import org.sparselab.config.TestConfigs.StrucSpars;

class OverridesTest {
    private static final String BASE =
            "train:\n  epochs: 3\n  warmup: 1\n  phases:\n    - epochs: 1\n    - epochs: 2\n";

    private static ExpCfg with(String... sets) {
        return parse(BASE, List.of(sets), Map.of());
    }

    private static String error(String... sets) {
        return assertThrows(ConfigException.class, () -> with(sets)).getMessage();
    }

    @Test
    void valuesAreTypedYaml() {
        ExpCfg c = with("train.epochs=5", "train.optimizer.lr=0.01", "data.augment=false", "train.milestones=[30, 60]",
                "train.loss_weights={a: 1}", "train.warmup=null", "name=hello world", "train.schedule=step");
        assertEquals(5, c.train().epochs());
        assertEquals(0.01, c.train().optimizer().lr());
        assertFalse(c.data().augment());
        assertEquals(List.of(30, 60), c.train().milestones());
        assertEquals(Map.of("a", 1.0), c.train().lossWeights());
        assertNull(c.train().warmup());
        assertEquals("hello world", c.name());
        assertEquals(TestConfigs.Schedule.STEP, c.train().schedule());
    }

    @Test
    void listIndicesReachIntoItems() {
        assertEquals(List.of(new PhaseCfg(1, 0.1), new PhaseCfg(5, 0.1)),
                with("train.phases[1].epochs=5").train().phases());
    }

    @Test
    void missingSectionsAreCreated() {
        ExpCfg c = with("data.dataset=svhn", "method.name=strucspars", "method.groups=2");
        assertEquals("svhn", c.data().dataset());
        assertEquals(new StrucSpars("strucspars", 2, 0.5), c.method());
    }

    @Test
    void laterOverridesWin() {
        assertEquals(8, with("train.epochs=5", "train.epochs=8").train().epochs());
    }

    @Test
    void malformedOverridesAreNamed() {
        assertEquals("--set train.epochs: expected key.path=value", error("train.epochs"));
        assertEquals("--set train..epochs=1: malformed key path 'train..epochs'", error("train..epochs=1"));
        assertEquals("--set train.phases[5].epochs: index 5 out of range (train.phases has 2 items)",
                error("train.phases[5].epochs=1"));
        assertEquals("--set train.epochs[0]: train.epochs is 3, not a list", error("train.epochs[0]=1"));
        assertEquals("--set train.epochs.x: train.epochs is 3, not a map", error("train.epochs.x=1"));
    }

    @Test
    void bindingErrorsNameTheOverride() {
        assertEquals("--set train.epochs: expected an integer, found 'three'", error("train.epochs=three"));
        assertEquals("--set train.epochs: expected a positive integer, found 0", error("train.epochs=0"));
        assertEquals("--set: unknown key train.epoch (did you mean train.epochs?)", error("train.epoch=3"));
    }
}

package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparselab.config.TestConfigs.parse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.TestConfigs.DataCfg;
import org.sparselab.config.TestConfigs.ExpCfg;
import org.sparselab.config.TestConfigs.Holder;
import org.sparselab.config.TestConfigs.NoMethod;
import org.sparselab.config.TestConfigs.OptimizerCfg;
import org.sparselab.config.TestConfigs.PhaseCfg;
import org.sparselab.config.TestConfigs.Schedule;
import org.sparselab.config.TestConfigs.StrucSpars;

class ConfigBinderTest {
    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void unknownKeyIsNamedWithASuggestion() {
        assertEquals("<string>:2: unknown key train.epoch (did you mean train.epochs?)", error("train:\n  epoch: 3\n"));
    }

    @Test
    void unknownKeyFarFromAnyKnownOneHasNoSuggestion() {
        assertEquals("<string>:3: unknown key zebra", error("train:\n  epochs: 3\nzebra: 1\n"));
    }

    @Test
    void wrongTypesSayWhatWasExpectedAndFound() {
        assertEquals("<string>:2: train.epochs: expected an integer, found 'three'",
                error("train:\n  epochs: three\n"));
        assertEquals("<string>:2: train.epochs: expected an integer, found 2.5", error("train:\n  epochs: 2.5\n"));
        assertEquals("<string>:2: train.epochs: expected an integer, found '3'", error("train:\n  epochs: \"3\"\n"));
        assertEquals("<string>:2: train.epochs: expected an integer, found null", error("train:\n  epochs: null\n"));
        assertEquals("<string>:3: train.milestones: expected a list, found 30",
                error("train:\n  epochs: 3\n  milestones: 30\n"));
        assertEquals("<string>:3: train.milestones[1]: expected an integer, found 'x'",
                error("train:\n  epochs: 3\n  milestones: [30, x]\n"));
        assertEquals("<string>:1: data.augment: expected a boolean, found 1",
                error("data: {augment: 1}\ntrain: {epochs: 3}\n"));
        assertEquals("<string>:1: train: expected a map, found 3", error("train: 3\n"));
        assertEquals("<string>:2: train.epochs: expected an integer in [-2147483648, 2147483647], found 3000000000",
                error("train:\n  epochs: 3000000000\n"));
    }

    @Test
    void integerIsAcceptedAsNumberAndScalarAsString() {
        ExpCfg c = parse("name: 1.0\ntrain:\n  epochs: 3\n  optimizer: {lr: 1}\n");
        assertEquals(1.0, c.train().optimizer().lr());
        assertEquals("1.0", c.name());
    }

    @Test
    void constructorCheckGetsFullPathAndLineOfTheKey() {
        assertEquals("<string>:2: train.epochs: expected a positive integer, found 0", error("train:\n  epochs: 0\n"));
        assertEquals("<string>:5: train.phases[1].epochs: expected a positive integer, found -1",
                error("train:\n  epochs: 3\n  phases:\n    - epochs: 2\n    - epochs: -1\n"));
    }

    @Test
    void constructorErrorAboutAnAbsentKeyPointsAtTheSection() {
        var e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("# pair\npair:\n  a: 5\n", Holder.class));
        assertEquals("<string>:2: pair.b: must be >= a", e.getMessage());
    }

    @Test
    void illegalArgumentFromConstructorBecomesConfigException() {
        assertEquals("<string>:1: train: warmup exceeds epochs", error("train:\n  epochs: 3\n  warmup: 5\n"));
    }

    @Test
    void missingRequiredKeyPointsAtTheEnclosingMap() {
        assertEquals("<string>:2: missing required key train.epochs", error("name: a\ntrain:\n  batch_size: 3\n"));
        assertEquals("<string>:1: missing required key train", error("data: {}\n"));
    }

    @Test
    void defaultsFillKeysAndWholeSections() {
        ExpCfg c = parse("train:\n  epochs: 3\n");
        assertEquals("exp", c.name());
        assertEquals(42L, c.seed());
        assertEquals(new DataCfg("cifar10", 0, true), c.data());
        assertEquals(new OptimizerCfg("sgd", 0.1, 0.9), c.train().optimizer());
        assertEquals(128, c.train().batchSize());
        assertEquals(List.of(), c.train().milestones());
        assertEquals(Schedule.COSINE, c.train().schedule());
        assertNull(c.train().warmup());
        assertEquals(Map.of(), c.train().lossWeights());
        assertEquals(new NoMethod("none"), c.method());
    }

    @Test
    void nestedListsMapsAndNullableBoxes() {
        ExpCfg c = parse("train:\n  epochs: 3\n  warmup: 2\n  phases:\n    - epochs: 1\n    - {epochs: 2, lr: 0.01}\n"
                + "  loss_weights: {ce: 1, kd: 0.5}\n");
        assertEquals(List.of(new PhaseCfg(1, 0.1), new PhaseCfg(2, 0.01)), c.train().phases());
        assertEquals(List.of("ce", "kd"), List.copyOf(c.train().lossWeights().keySet()));
        assertEquals(0.5, c.train().lossWeights().get("kd"));
        assertEquals(2, c.train().warmup());
        assertNull(parse("train:\n  epochs: 3\n  warmup: null\n").train().warmup());
    }

    @Test
    void boundRecordsAreDeeplyImmutable() {
        ExpCfg c = parse("train:\n  epochs: 3\n  milestones: [1]\n  phases: [{epochs: 1}]\n  loss_weights: {a: 1}\n");
        assertThrows(UnsupportedOperationException.class, () -> c.train().milestones().add(2));
        assertThrows(UnsupportedOperationException.class, () -> c.train().phases().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.train().lossWeights().put("b", 1.0));
    }

    @Test
    void enumsMatchCaseInsensitivelyAndSuggest() {
        assertEquals(Schedule.ONE_CYCLE, parse("train: {epochs: 3, schedule: One_Cycle}\n").train().schedule());
        assertEquals("<string>:3: train.schedule: expected one of {step, cosine, one_cycle}, found 'cosin' "
                + "(did you mean cosine?)", error("train:\n  epochs: 3\n  schedule: cosin\n"));
    }

    @Test
    void variantsDispatchOnTheirNameKey() {
        ExpCfg c = parse("method:\n  name: strucspars\n  tau: 0.25\ntrain: {epochs: 1}\n");
        assertEquals(new StrucSpars("strucspars", 4, 0.25), c.method());
    }

    @Test
    void unknownVariantListsKnownNamesAndSuggests() {
        assertEquals("<string>:2: method.name: expected one of {none, strucspars}, found 'strucspar' "
                + "(did you mean strucspars?)", error("method:\n  name: strucspar\ntrain: {epochs: 1}\n"));
        assertEquals("<string>:1: missing required key method.name", error("method: {tau: 1}\ntrain: {epochs: 1}\n"));
    }

    @Test
    void variantKeysAndChecksAreThoseOfTheChosenRecord() {
        assertEquals("<string>:3: unknown key method.tau",
                error("method:\n  name: none\n  tau: 1\ntrain: {epochs: 1}\n"));
        assertEquals("<string>:3: method.tau: expected a number in [0.0, 1.0], found 2.0",
                error("method:\n  name: strucspars\n  tau: 2\ntrain: {epochs: 1}\n"));
    }

    @Test
    void yamlKeysAreSnakeCaseOfComponentNames() {
        assertEquals("batch_size", YamlKeys.of("batchSize"));
        assertEquals("loss_weights", YamlKeys.of("lossWeights"));
        assertEquals("epochs", YamlKeys.of("epochs"));
    }
}

package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;

/** Child configs: overrides, point values and the keys the sweep owns; hashes as the loader makes them; bad input. */
public class SweepPlanTest {
    @TempDir Path dir;

    /** The smallest valid experiment config (synthetic data, one epoch), for tests that bind or plan it. */
    public static final String BASE = """
            name: tiny
            device: cpu
            data: {name: synthetic, image_size: 8, num_classes: 3, workers: 0, synthetic: {train_size: 32, test_size: 16}}
            model: {arch: resnet20}
            train: {epochs: 1, optimizer: {name: sgd, lr: 0.1}}
            tracking: {uri: none}
            """;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("c.yaml"), yaml);
    }

    private static SweepPlan.Expansion expand(SweepPlan plan, String parent) {
        return plan.expand(parent, Map.of(), c -> { });
    }

    @Test
    void childrenAreTheConfigWithOverridesPointValuesAndSweepKeys() throws IOException {
        Path f = write(BASE + "sweep:\n  grid: {model.arch: [resnet20, resnet32]}\n");
        SweepPlan plan = SweepPlan.of(f, List.of("train.epochs=2"), List.of(), List.of(), 2, null);
        SweepPlan.Expansion ex = expand(plan, "abc123");
        assertEquals("tiny", ex.name());
        assertEquals("tiny", ex.experiment());
        assertEquals(4, ex.children().size());
        SweepPlan.Child c = ex.children().get(3);
        assertEquals(Map.of("model.arch", "resnet32", "seed", "1"), c.values());
        ExperimentConfig cfg = c.config();
        assertEquals("tiny-resnet32-s1", cfg.name());
        assertEquals("resnet32", cfg.model().arch());
        assertEquals(1, cfg.seed());
        assertEquals(2, cfg.train().epochs(), "--set applies to every point");
        assertEquals("tiny", cfg.tracking().experiment());
        assertEquals("abc123", cfg.tracking().parentRunId());
        // The child is exactly `run <child.yaml>`: loading its YAML again gives the same config and hash.
        var again = ConfigLoader.parse(c.loaded().yaml(), List.of(), ExperimentConfig.class, Schema.types(), Map.of());
        assertEquals(c.sha256(), again.sha256());
        assertEquals(cfg, again.config());
        assertEquals(dir.resolve("results/runs/tiny/sweeps/tiny"), ex.sweepDir(dir));
    }

    @Test
    void whereARunIsTrackedIsNotPartOfTheHash() throws IOException {
        SweepPlan plan = SweepPlan.of(write(BASE), List.of(), List.of("seed=1,2"), List.of(), null, "s");
        SweepPlan.Child a = expand(plan, null).children().get(0);
        SweepPlan.Child b = expand(plan, "p1").children().get(0);
        assertEquals("p1", b.config().tracking().parentRunId(), "the child still names its parent run");
        assertTrue(b.loaded().yaml().contains("parent_run_id: p1"), b.loaded().yaml());
        assertEquals(a.sha256(), b.sha256(), "a new MLflow parent run is the same config");
        SweepPlan elsewhere = SweepPlan.of(write(BASE.replace("uri: none", "uri: 'file:./elsewhere'")), List.of(),
                List.of("seed=1,2"), List.of(), null, "s");
        assertEquals(a.sha256(), expand(elsewhere, "p2").children().get(0).sha256(), "another tracking URI too");
        SweepPlan other = SweepPlan.of(write(BASE), List.of("train.epochs=2"), List.of("seed=1,2"), List.of(), null,
                "s");
        assertTrue(!a.sha256().equals(expand(other, null).children().get(0).sha256()), "what it computes does");
        assertEquals("s", expand(plan, null).name());
    }

    @Test
    void aMisspelledSweepKeyIsOneLine() throws IOException {
        SweepPlan plan = SweepPlan.of(write(BASE), List.of(), List.of("trian.epochs=1,2"), List.of(), null, null);
        var e = assertThrows(ConfigException.class, () -> expand(plan, null));
        assertEquals("--sweep: unknown key trian (did you mean train?)", e.getMessage());
        SweepPlan deep = SweepPlan.of(write(BASE), List.of(), List.of("train.epoch=1,2"), List.of(), null, null);
        assertEquals("--sweep: unknown key train.epoch (did you mean train.epochs?)",
                assertThrows(ConfigException.class, () -> expand(deep, null)).getMessage());
    }

    @Test
    void aBadValueNamesItsLine() throws IOException {
        Path f = write(BASE + "sweep:\n  grid:\n    train.epochs: [1, -3]\n");
        var e = assertThrows(ConfigException.class, () -> expand(SweepPlan.of(f, List.of(), List.of(), List.of(),
                null, null), null));
        assertTrue(e.getMessage().startsWith(f + ":9: train.epochs: expected a positive integer"), e.getMessage());
    }

    @Test
    void twoPointsThatRunTheSameConfigAreRefused() throws IOException {
        Path f = write(BASE);
        SweepPlan plan = new SweepPlan("x", null, List.of(new SweepPlan.Entry(f, List.of(), org.sparselab.config
                .SweepConfig.NONE), new SweepPlan.Entry(f, List.of("train.epochs=1"), org.sparselab.config.SweepConfig
                .NONE)));
        var e = assertThrows(ConfigException.class, () -> expand(plan, null));
        assertTrue(e.getMessage().contains("points 0 and 1 of the sweep are the same config"), e.getMessage());
    }

    @Test
    void pointsMustShareOutputAndTracking() throws IOException {
        SweepPlan plan = SweepPlan.of(write(BASE), List.of(), List.of("output.dir=a,b"), List.of(), null, null);
        assertTrue(assertThrows(ConfigException.class, () -> expand(plan, null)).getMessage()
                .startsWith("output.dir: every point of a sweep must write to one output.dir"));
    }

    @Test
    void theValidatorSeesEveryChild() throws IOException {
        SweepPlan plan = SweepPlan.of(write(BASE), List.of(), List.of("model.arch=resnet20,resnet32"), List.of(), null,
                null);
        var e = assertThrows(ConfigException.class, () -> plan.expand(null, Map.of(), c -> {
            if (c.model().arch().equals("resnet32")) throw new ConfigException("model.arch", "not on this machine");
        }));
        assertEquals("--sweep model.arch: not on this machine", e.getMessage(), "located at the flag that set it");
        // The binder's own checks name the flag: a misspelled model is caught before anything runs.
        SweepPlan typo = SweepPlan.of(write(BASE), List.of(), List.of("model.arch=resnet20,resnt32"), List.of(), null,
                null);
        assertTrue(assertThrows(ConfigException.class, () -> expand(typo, null)).getMessage()
                .startsWith("--sweep model.arch: unknown model 'resnt32' (did you mean resnet32?)"));
    }
}

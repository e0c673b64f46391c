package org.sparselab.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigTypes;

/** Hand-computed learning rates; base lr 0.1 throughout. */
class LrScheduleTest {
    private static final double TOL = 1e-12;

    @Test
    void constant() {
        LrSchedule s = new ConstantLrConfig("constant", 0, 0, 0).create(0.1, 10);
        assertEquals(0.1, s.lr(0, 0, 100), TOL);
        assertEquals(0.1, s.lr(9, 99, 100), TOL);
    }

    @Test
    void multiStepCountsMilestonesAtOrBeforeTheEpoch() {
        // milestones [2, 4], γ 0.1: epochs 0–1 → 0.1; 2–3 → 0.01; 4+ → 0.001
        LrSchedule s = new MultiStepLrConfig("multistep", List.of(2, 4), 0.1, 0, 0, 0).create(0.1, 6);
        assertEquals(0.1, s.lr(1, 9, 10), TOL);
        assertEquals(0.01, s.lr(2, 0, 10), TOL);
        assertEquals(0.01, s.lr(3, 5, 10), TOL);
        assertEquals(0.001, s.lr(4, 0, 10), TOL);
        assertEquals(0.001, s.lr(5, 0, 10), TOL);
        // a repeated milestone applies γ twice (torch counts milestones): epoch 3 → 0.1·0.5² = 0.025
        LrSchedule twice = LrSchedule.multiStep(0.1, List.of(3, 3), 0.5);
        assertEquals(0.1, twice.lr(2, 0, 10), TOL);
        assertEquals(0.025, twice.lr(3, 0, 10), TOL);
    }

    @Test
    void cosinePerEpoch() {
        // T = 4, min 0: lr = 0.05·(1 + cos(π·e/4))
        // e0: 0.05·2 = 0.1; e1: 0.05·(1 + 0.70710678) = 0.08535534; e2: 0.05; e3: 0.05·(1 − 0.70710678) = 0.01464466
        LrSchedule s = new CosineLrConfig("cosine", 0, false, 0, 0, 0).create(0.1, 4);
        assertEquals(0.1, s.lr(0, 0, 10), TOL);
        assertEquals(0.0853553390593, s.lr(1, 0, 10), 1e-12);
        assertEquals(0.0853553390593, s.lr(1, 7, 10), 1e-12); // constant within the epoch
        assertEquals(0.05, s.lr(2, 0, 10), TOL);
        assertEquals(0.0146446609407, s.lr(3, 0, 10), 1e-12);
        // min 0.001: e2 → 0.001 + 0.099·(1 + cos(π/2))/2 = 0.001 + 0.0495 = 0.0505
        assertEquals(0.0505, new CosineLrConfig("cosine", 0.001, false, 0, 0, 0).create(0.1, 4).lr(2, 0, 10), TOL);
    }

    @Test
    void cosinePerIteration() {
        // T = 4, 10 iterations/epoch; epoch 1 iteration 5 → t = 1.5:
        // 0.05·(1 + cos(3π/8)) = 0.05·(1 + 0.38268343) = 0.06913417
        LrSchedule s = new CosineLrConfig("cosine", 0, true, 0, 0, 0).create(0.1, 4);
        assertEquals(0.0691341716183, s.lr(1, 5, 10), 1e-12);
        assertEquals(0.0853553390593, s.lr(1, 0, 10), 1e-12); // epoch boundaries agree with per-epoch
    }

    @Test
    void warmupRisesLinearlyPerIteration() {
        // 0.5 epochs × 10 iterations → W = 5; s = 0: factor j/5 at global iteration j
        LrSchedule s = new ConstantLrConfig("constant", 0.5, 0, 0).create(0.1, 3);
        assertEquals(0.0, s.lr(0, 0, 10), TOL);
        assertEquals(0.02, s.lr(0, 1, 10), TOL);
        assertEquals(0.08, s.lr(0, 4, 10), TOL);
        assertEquals(0.1, s.lr(0, 5, 10), TOL);
        assertEquals(0.1, s.lr(2, 0, 10), TOL);
        // s = 0.1: j = 0 → 0.1·0.1 = 0.01; j = 2 → 0.1·(0.1 + 0.9·2/5) = 0.1·0.46 = 0.046
        LrSchedule from = new ConstantLrConfig("constant", 0.5, 0.1, 0).create(0.1, 3);
        assertEquals(0.01, from.lr(0, 0, 10), TOL);
        assertEquals(0.046, from.lr(0, 2, 10), TOL);
    }

    @Test
    void warmupCountsGlobalIterationsAndRoundsItsLength() {
        // 1.5 epochs × 4 iterations → W = 6; epoch 1 iteration 1 is j = 5 → 0.1·5/6
        LrSchedule s = new ConstantLrConfig("constant", 1.5, 0, 0).create(0.1, 3);
        assertEquals(0.1 * 5 / 6, s.lr(1, 1, 4), TOL);
        assertEquals(0.1, s.lr(1, 2, 4), TOL);
        // 0.25 epochs × 10 iterations = 2.5 → W = 3: j = 1 → 0.1/3
        assertEquals(0.1 / 3, new ConstantLrConfig("constant", 0.25, 0, 0).create(0.1, 3).lr(0, 1, 10), TOL);
    }

    @Test
    void warmupMultipliesTheMainSchedule() {
        // cosine T = 4 per epoch under a 2-epoch warmup, 4 iterations/epoch (W = 8):
        // e0 i2: cosine 0.1 × 2/8 = 0.025; e1 i2: cosine 0.08535534 × 6/8 = 0.06401650; e2 i0: cosine 0.05 × 1
        LrSchedule s = new CosineLrConfig("cosine", 0, false, 2, 0, 0).create(0.1, 4);
        assertEquals(0.025, s.lr(0, 2, 4), TOL);
        assertEquals(0.0853553390593 * 0.75, s.lr(1, 2, 4), 1e-12);
        assertEquals(0.05, s.lr(2, 0, 4), TOL);
    }

    @Test
    void oneIterationAheadIsTheStrucSparsSchedulerStepForStep() {
        // ft_lr 0.1, 1 warmup epoch, milestones [2, 4], 10 iterations per epoch: lr/W at the first step, lr·j/W
        // after, each milestone on the last iteration of the epoch before it.
        LrSchedule s = new MultiStepLrConfig("multistep", List.of(2, 4), 0.1, 1, 0, 1).create(0.1, 6);
        assertEquals(0.01, s.lr(0, 0, 10), TOL);
        assertEquals(0.05, s.lr(0, 4, 10), TOL);
        assertEquals(0.1, s.lr(0, 9, 10), TOL);
        assertEquals(0.1, s.lr(1, 8, 10), TOL);
        assertEquals(0.01, s.lr(1, 9, 10), TOL);
        assertEquals(0.001, s.lr(3, 9, 10), TOL);
        // Against a transcription of vlutils.MultiStepLR.step() (Sakura03/StrucSpars at 9e3efc3), every iteration.
        OfficialMultiStep official = new OfficialMultiStep(10, List.of(2, 4), 0.1, 0.1, 1);
        for (int e = 0; e < 6; e++) {
            for (int i = 0; i < 10; i++) assertEquals(official.step(), s.lr(e, i, 10), TOL, "epoch " + e + " it " + i);
        }
        assertEquals(0, new MultiStepLrConfig("multistep", List.of(2), 0.1, 1, 0, 0).create(0.1, 3).lr(0, 0, 10),
                "offset 0: torch's LinearLR starts at start_factor·lr");
        assertThrows(ConfigException.class, () -> new ConstantLrConfig("constant", 0, 0, 2));
    }

    /** vlutils.MultiStepLR: the counter is incremented before the rate is computed. */
    private static final class OfficialMultiStep {
        final int loaderLen;
        final List<Integer> milestones;
        final double gamma;
        final double baseLr;
        final int warmupIters;
        double lr;
        int iterCounter;
        int milestoneCounter;

        OfficialMultiStep(int loaderLen, List<Integer> milestones, double gamma, double baseLr, int warmupEpochs) {
            this.loaderLen = loaderLen;
            this.milestones = milestones;
            this.gamma = gamma;
            this.baseLr = baseLr;
            this.warmupIters = warmupEpochs * loaderLen;
            this.lr = baseLr;
        }

        double step() {
            iterCounter += 1;
            if (warmupIters > 0 && iterCounter <= warmupIters) return (double) iterCounter / warmupIters * baseLr;
            if (milestoneCounter < milestones.size() && iterCounter == milestones.get(milestoneCounter) * loaderLen) {
                lr *= gamma;
                milestoneCounter += 1;
            }
            return lr;
        }
    }

    @Test
    void configsRegisterAndValidate() {
        ConfigTypes types = new ConfigTypes();
        LrScheduleConfig.register(types);
        assertEquals(List.of("constant", "multistep", "cosine"), List.copyOf(types.names(LrScheduleConfig.class)));
        var e = assertThrows(ConfigException.class, () -> new ConstantLrConfig("constant", 1, 1.5, 0));
        assertEquals("warmup_start_factor: expected a number in [0.0, 1.0], found 1.5", e.getMessage());
        assertThrows(ConfigException.class, () -> new MultiStepLrConfig("multistep", List.of(3, -1), 0.1, 0, 0, 0));
        assertThrows(ConfigException.class, () -> new CosineLrConfig("cosin", 0, false, 0, 0, 0));
    }
}

package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** λ controller and threshold bisection (spec §6 tests 9 and 10). */
class ControllerAndSearchTest {

    @Test
    void controllerFollowsTheOfficialPseudoCode() {
        // target 0.5, Δλ 1, initial 1, warmup 2, 10 epochs; sparsity after each epoch scripted.
        LambdaController c = new LambdaController(0.5, 1, 1, 2, 10, 1.0);
        c.start(0.0);
        double[] sparsity = {0.0, 0.01, 0.02, 0.03, 0.2, 0.45, 0.6, 0.55, 0.49, 0.49};
        List<Double> used = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        for (int e = 0; e < 10; e++) {
            used.add(c.effective(e));
            c.step(e, sparsity[e]);
            after.add(c.lambda());
        }
        // e0,e1 warmup: λ unchanged (1), used 0. e2: gain .01 < (0.5-.02)/8=.06 -> 2. e3: gain .01 < .0671 -> 3.
        // e4: gain .17 ≥ .05 -> 3. e5: gain .25 ≥ .01 -> 3. e6: ≥ target -> 2. e7: -> 1. e8: gain -.06 < .0033 -> 2.
        // e9: gain 0 < .01 -> 3.
        assertEquals(List.of(0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 3.0, 2.0, 1.0, 2.0), used, "a change at e applies from e+1");
        assertEquals(List.of(1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 2.0, 1.0, 2.0, 3.0), after);
    }

    @Test
    void lambdaNeverGoesNegative() {
        LambdaController c = new LambdaController(0.1, 1, 0.5, 0, 5, 1.0);
        c.start(0.9);
        for (int e = 0; e < 5; e++) {
            c.step(e, 0.9);
            assertTrue(c.lambda() >= 0);
        }
        assertEquals(0.0, c.lambda());
    }

    @Test
    void bisectionHitsTheTargetWithinTheMargin() {
        int[] calls = {0};
        double t = ThresholdSearch.find(x -> {
            calls[0]++;
            return 0.8 * x; // monotone
        }, 0.5, 0.01, 10);
        double s = 0.8 * t;
        assertTrue(s >= 0.5 && s <= 0.51, "sparsity " + s);
        assertTrue(calls[0] <= 11);
    }

    @Test
    void bisectionFallsBackToTheUpperEndWhenTheTargetIsOutOfReach() {
        // a step function that jumps over [0.5, 0.51]: returns the smallest bracketing value above target
        double t = ThresholdSearch.find(x -> x < 0.3 ? 0.2 : 0.9, 0.5, 0.01, 10);
        assertTrue(t >= 0.3 && t < 0.3 + 1.0 / 1024 + 1e-12, "converges onto the jump from above: " + t);
        assertEquals(1.0, ThresholdSearch.find(x -> 0.1, 0.5, 0.01, 10), "unreachable: tail = 1");
    }
}

package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Mean, sample std and the standard error of a difference, against values computed by hand. */
class StatsTest {
    @Test
    void sampleStdUsesNMinusOne() {
        Stats s = Stats.of(80, 82, 84);
        assertEquals(82.0, s.mean(), 1e-12);
        assertEquals(2.0, s.std(), 1e-12); // sqrt((4 + 0 + 4) / 2)
        assertEquals(3, s.n());
        assertEquals(2.0 / Math.sqrt(3), s.se(), 1e-12);
    }

    @Test
    void oneValueHasNoStdAndNanIsSkipped() {
        Stats s = Stats.of(0.5, Double.NaN);
        assertEquals(0.5, s.mean(), 0);
        assertEquals(1, s.n());
        assertTrue(Double.isNaN(s.std()));
        assertEquals(0, Stats.of().n());
    }

    @Test
    void differenceCarriesTheWelchStandardError() {
        Stats.Difference d = Stats.of(79, 80, 81).minus(Stats.of(80, 82, 84));
        assertEquals(-2.0, d.value(), 1e-12);
        assertEquals(Math.sqrt(1.0 / 3 + 4.0 / 3), d.se(), 1e-12);
        assertTrue(Double.isNaN(Stats.of(1).minus(Stats.of(2, 3)).se()), "one run: no standard error");
    }

    @Test
    void welchIntervalOfADifference() {
        // se² = 1/3 + 4/3 = 5/3; ν = (5/3)² / ((1/3)²/2 + (4/3)²/2) = (25/9) / (17/18) = 50/17.
        Stats.Difference d = Stats.of(79, 80, 81).minus(Stats.of(80, 82, 84));
        assertEquals(50.0 / 17, d.df(), 1e-12);
        Stats.Interval ci = d.interval(0.95);
        double t = 3.218758614532882; // t(0.975, 50/17), SciPy
        assertEquals(-2 - t * Math.sqrt(5.0 / 3), ci.low(), 1e-9);
        assertEquals(-2 + t * Math.sqrt(5.0 / 3), ci.high(), 1e-9);
        assertEquals(0.95, ci.confidence(), 0);
    }

    @Test
    void welchWithOneSideWithoutSpreadHasThatOtherSidesDegreesOfFreedom() {
        // se² = 0 + 4/3; ν = (4/3)² / ((4/3)²/2) = 2: the interval is −2 ± t(0.975, 2) · 2/√3.
        Stats.Interval ci = Stats.of(80, 80, 80).minus(Stats.of(80, 82, 84)).interval(0.95);
        assertEquals(2, ci.df(), 1e-12);
        double half = 0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95)) * 2 / Math.sqrt(3); // 4.3027 · 1.1547
        assertEquals(-2 - half, ci.low(), 1e-9);
        assertEquals(-2 + half, ci.high(), 1e-9);
        Stats.Interval exact = Stats.of(1, 1).minus(Stats.of(3, 3)).interval(0.95);
        assertEquals(-2, exact.low(), 0, "no spread on either side: the difference is exact");
        assertEquals(-2, exact.high(), 0);
    }

    @Test
    void noIntervalBelowTwoRunsOnASide() {
        assertNull(Stats.of(80).minus(Stats.of(80, 82, 84)).interval(0.95));
        assertNull(Stats.of(80).interval(0.95));
        Stats.Interval mean = Stats.of(80, 82, 84).interval(0.95); // 82 ± t(0.975, 2) · 2/√3
        assertEquals(82 - 0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95)) * 2 / Math.sqrt(3), mean.low(), 1e-9);
    }
}

package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}

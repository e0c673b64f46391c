package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The t distribution against closed forms (1, 2, 4 degrees of freedom) and tabulated values elsewhere. */
class StudentTTest {
    @Test
    void oneDegreeOfFreedomIsCauchy() {
        for (double t : new double[] {-3, -0.5, 0, 0.7, 12}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-12, "t = " + t);
        }
        assertEquals(Math.tan(0.475 * Math.PI), StudentT.quantile(0.975, 1), 1e-9); // 12.7062…
    }

    @Test
    void twoDegreesOfFreedomHaveAClosedForm() {
        // F(t) = 1/2 + t / (2 sqrt(2 + t²)); its inverse at p: q sqrt(2 / (1 − q²)) with q = 2p − 1.
        for (double t : new double[] {-2.2, 0.3, 1.5, 4}) {
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-12, "t = " + t);
        }
        assertEquals(0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95)), StudentT.quantile(0.975, 2), 1e-9); // 4.3027
    }

    @Test
    void fourDegreesOfFreedomHaveAClosedForm() {
        // F(t) = 1/2 + (3/4) x (1 − x²/3) with x = t / sqrt(4 + t²); at t = 1.5, x = 0.6: 0.5 + 0.45 · 0.88 = 0.896.
        assertEquals(0.896, StudentT.cdf(1.5, 4), 1e-12);
        assertEquals(1 - 0.896, StudentT.cdf(-1.5, 4), 1e-12);
    }

    @Test
    void fractionalDegreesOfFreedomMatchTables() {
        // SciPy 1.17 stats.t.ppf(0.975, df) / cdf, as Welch's test needs them for df that are not whole numbers.
        assertEquals(3.1824463052837078, StudentT.quantile(0.975, 3), 1e-9);
        assertEquals(2.9400886379827282, StudentT.quantile(0.975, 3.5), 1e-9);
        assertEquals(2.62072607535317, StudentT.quantile(0.975, 4.7), 1e-9);
        assertEquals(2.228138851986274, StudentT.quantile(0.975, 10), 1e-9);
        assertEquals(1.9623390808264083, StudentT.quantile(0.975, 1000), 1e-9);
        assertEquals(1.7302509288071766, StudentT.quantile(0.9, 2.5), 1e-9);
        assertEquals(-3.1824463052837086, StudentT.quantile(0.025, 3), 1e-9);
        assertEquals(0.9012292495686011, StudentT.cdf(1.5, 4.7), 1e-12);
        assertEquals(0.041275690686128505, StudentT.cdf(-2.2, 4.7), 1e-12);
        assertEquals(0.5, StudentT.cdf(0, 3.3), 0);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.cdf(1, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1, 3));
    }
}

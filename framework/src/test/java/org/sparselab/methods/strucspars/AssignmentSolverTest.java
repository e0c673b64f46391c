package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AssignmentSolverTest {

    static List<String> solvers() {
        return AssignmentSolvers.NAMES;
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void matchesBruteForceOnSmallRandomInstances(String name) {
        AssignmentSolver solver = AssignmentSolvers.named(name);
        Random rnd = new Random(12345);
        for (int n = 1; n <= 8; n++) {
            int trials = n <= 6 ? 300 : 60;
            for (int t = 0; t < trials; t++) {
                double[][] c = smallInstance(n, t % 6, rnd);
                int[] a = solver.solve(c);
                assertPermutation(a, n);
                double best = bruteForce(c);
                double got = AssignmentSolver.cost(c, a);
                assertEquals(best, got, 1e-9 * Math.max(1, Math.abs(best)), name + " n=" + n + " kind=" + t % 6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void classicFourByFourExample(String name) {
        // The 4×4 example of many textbooks: optimum 140, rows 0..3 take columns 1, 3, 2, 0.
        double[][] c = {
            {82, 83, 69, 92},
            {77, 37, 49, 92},
            {11, 69, 5, 86},
            {8, 9, 98, 23},
        };
        int[] a = AssignmentSolvers.named(name).solve(c);
        assertEquals(140, AssignmentSolver.cost(c, a), 0);
        assertArrayEquals(new int[] {2, 1, 0, 3}, a);
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void threeByThreeExampleWithUniqueOptimum(String name) {
        // 1 + 2 + 2 = 5 for {0→1, 1→0, 2→2}; the other five permutations cost 6, 11, 9, 7 and 6.
        double[][] c = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        int[] a = AssignmentSolvers.named(name).solve(c);
        assertArrayEquals(new int[] {1, 0, 2}, a);
        assertEquals(5, AssignmentSolver.cost(c, a), 0);
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void allZeroAndConstantMatricesGiveAPermutation(String name) {
        AssignmentSolver solver = AssignmentSolvers.named(name);
        for (int n : new int[] {1, 2, 7, 64}) {
            double[][] zero = new double[n][n];
            assertPermutation(solver.solve(zero), n);
            double[][] constant = new double[n][n];
            for (double[] row : constant) {
                java.util.Arrays.fill(row, -3.5);
            }
            int[] a = solver.solve(constant);
            assertPermutation(a, n);
            assertEquals(-3.5 * n, AssignmentSolver.cost(constant, a), 1e-12);
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void inputIsNotModified(String name) {
        double[][] c = AssignmentBenchmark.uniformCost(20, new Random(3));
        double[][] copy = new double[20][];
        for (int i = 0; i < 20; i++) {
            copy[i] = c[i].clone();
        }
        AssignmentSolvers.named(name).solve(c);
        assertArrayEquals(copy, c);
    }

    @Test
    void solversAgreeOnLargerRandomInstances() {
        Random rnd = new Random(2024);
        for (int n : new int[] {50, 200, 512}) {
            for (int kind = 0; kind < 3; kind++) {
                double[][] c = new double[n][n];
                for (double[] row : c) {
                    for (int j = 0; j < n; j++) {
                        row[j] = switch (kind) {
                            case 0 -> rnd.nextDouble();
                            case 1 -> rnd.nextGaussian() * 1e3;
                            default -> rnd.nextInt(10); // many ties
                        };
                    }
                }
                assertSolversAgree(c, "n=" + n + " kind=" + kind);
            }
        }
    }

    @Test
    void solversAgreeOnDegenerateStrucSparsLikeInstances() {
        Random rnd = new Random(7);
        assertSolversAgree(AssignmentBenchmark.strucSparsLikeCost(128, 32, rnd), "128x32");
        assertSolversAgree(AssignmentBenchmark.strucSparsLikeCost(256, 64, rnd), "256x64");
        assertSolversAgree(AssignmentBenchmark.strucSparsLikeCost(64, 64, rnd), "64x64");
        assertSolversAgree(AssignmentBenchmark.strucSparsLikeCost(512, 128, rnd), "512x128"); // spec §6 test 4 size
    }

    @Test
    void strucSparsLikeInstanceHasRepeatedRows() {
        double[][] c = AssignmentBenchmark.strucSparsLikeCost(16, 4, new Random(1));
        assertArrayEquals(c[0], c[1]); // rows 0..3 share one finest block of R
        assertArrayEquals(c[0], c[3]);
        assertTrue(c[0][0] != c[4][0] || c[0][1] != c[4][1]);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        for (String name : solvers()) {
            AssignmentSolver solver = AssignmentSolvers.named(name);
            assertMessage("empty", () -> solver.solve(new double[0][0]));
            assertMessage("square", () -> solver.solve(new double[][] {{1, 2}, {3, 4}, {5, 6}}));
            assertMessage("square", () -> solver.solve(new double[][] {{1, 2}, {3}}));
            assertMessage("finite", () -> solver.solve(new double[][] {{1, Double.NaN}, {3, 4}}));
            double inf = Double.POSITIVE_INFINITY;
            assertMessage("[1][0] is Infinity", () -> solver.solve(new double[][] {{1, 2}, {inf, 4}}));
            assertMessage("null", () -> solver.solve(null));
        }
    }

    @Test
    void unknownSolverNameListsTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> AssignmentSolvers.named("auction"));
        assertEquals("unknown assignment solver 'auction'; known solvers: hungarian, lapjv", e.getMessage());
        assertTrue(AssignmentSolvers.named("hungarian") instanceof HungarianSolver);
        assertTrue(AssignmentSolvers.named("lapjv") instanceof JonkerVolgenantSolver);
    }

    @Test
    void benchmarkReportsEverySolverAndSize() {
        Map<String, Object> out = AssignmentBenchmark.run(new int[] {8, 16}, 3, 5L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) out.get("rows");
        assertEquals(2 * 2 * AssignmentSolvers.NAMES.size(), rows.size());
        for (Map<String, Object> row : rows) {
            assertTrue((double) row.get("medianS") >= 0);
            assertTrue((double) row.get("p90S") >= (double) row.get("medianS"));
            assertTrue((double) row.get("maxRelGapToFirst") < 1e-9, row.toString());
        }
    }

    private static void assertSolversAgree(double[][] c, String what) {
        int n = c.length;
        double reference = Double.NaN;
        for (String name : solvers()) {
            int[] a = AssignmentSolvers.named(name).solve(c);
            assertPermutation(a, n);
            double got = AssignmentSolver.cost(c, a);
            if (Double.isNaN(reference)) {
                reference = got;
            } else {
                assertEquals(reference, got, 1e-9 * Math.max(1, Math.abs(reference)), name + " " + what);
            }
        }
    }

    /**
     * Kinds: 0 uniform reals, 1 small integers with ties, 2 negative reals, 3 repeated rows, 4 repeated columns,
     * 5 mixed-sign integers.
     */
    private static double[][] smallInstance(int n, int kind, Random rnd) {
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i][j] = switch (kind) {
                    case 0 -> rnd.nextDouble();
                    case 1 -> rnd.nextInt(4);
                    case 2 -> -100 * rnd.nextDouble();
                    case 5 -> rnd.nextInt(21) - 10;
                    default -> rnd.nextGaussian();
                };
            }
        }
        if (kind == 3) {
            for (int i = 1; i < n; i++) {
                if (rnd.nextBoolean()) {
                    c[i] = c[rnd.nextInt(i)].clone();
                }
            }
        } else if (kind == 4) {
            for (int j = 1; j < n; j++) {
                if (rnd.nextBoolean()) {
                    int src = rnd.nextInt(j);
                    for (int i = 0; i < n; i++) {
                        c[i][j] = c[i][src];
                    }
                }
            }
        }
        return c;
    }

    private static double bruteForce(double[][] c) {
        int n = c.length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        double[] best = {Double.POSITIVE_INFINITY};
        permute(c, perm, 0, best);
        return best[0];
    }

    private static void permute(double[][] c, int[] perm, int k, double[] best) {
        if (k == perm.length) {
            best[0] = Math.min(best[0], AssignmentSolver.cost(c, perm));
            return;
        }
        for (int i = k; i < perm.length; i++) {
            int t = perm[k];
            perm[k] = perm[i];
            perm[i] = t;
            permute(c, perm, k + 1, best);
            perm[i] = perm[k];
            perm[k] = t;
        }
    }

    private static void assertPermutation(int[] a, int n) {
        assertEquals(n, a.length);
        boolean[] seen = new boolean[n];
        for (int j : a) {
            assertTrue(j >= 0 && j < n && !seen[j], "not a permutation: " + java.util.Arrays.toString(a));
            seen[j] = true;
        }
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}

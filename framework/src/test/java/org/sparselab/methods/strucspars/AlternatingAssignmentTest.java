package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The learned shuffle's coordinate descent (spec §6 test 5). */
class AlternatingAssignmentTest {
    private final AlternatingAssignment solver = new AlternatingAssignment(new HungarianSolver(), 1e-12);

    @Test
    void objectiveNeverIncreasesAcrossRounds() {
        Random rng = new Random(9);
        double[][] s = new double[32][16];
        for (double[] row : s) for (int j = 0; j < 16; j++) row[j] = Math.abs(rng.nextGaussian());
        double[][] r = new GroupHierarchy(32, 16).costMatrix(Integer.MAX_VALUE, 0.5);
        int[] p = Permutations.identity(32);
        int[] q = Permutations.identity(16);
        double last = AlternatingAssignment.objective(s, r, p, q);
        for (int round = 0; round < 8; round++) {
            var res = solver.solve(s, r, p, q, 1, 0, rng);
            assertTrue(res.objective() <= last + 1e-9, "round " + round + ": " + res.objective() + " > " + last);
            assertEquals(res.objective(), AlternatingAssignment.objective(s, r, res.p(), res.q()), 1e-9);
            last = res.objective();
            p = res.p();
            q = res.q();
        }
        var converged = solver.solve(s, r, p, q, 100, 0, rng);
        assertTrue(converged.iterations() < 100, "stops under the tolerance once P/Q repeat");
    }

    @Test
    void restartsRecoverFourPlantedGroups() {
        Random rng = new Random(42);
        int rows = 32;
        int cols = 16;
        double[][] planted = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                planted[i][j] = (i / 8 == j / 4) ? 1 + rng.nextDouble() : 0.01 * rng.nextDouble();
            }
        }
        int[] rowLabel = Permutations.random(rows, rng);
        int[] colLabel = Permutations.random(cols, rng);
        double[][] s = Permutations.permute(planted, rowLabel, colLabel); // hidden relabelling
        double[][] r = new GroupHierarchy(rows, cols).costMatrix(Integer.MAX_VALUE, 0.5);
        var res = solver.solve(s, r, Permutations.identity(rows), Permutations.identity(cols), 20, 10, new Random(1));
        double[][] sp = Permutations.permute(s, res.p(), res.q());
        // Each 8×4 diagonal block of S' must hold one planted group: every row/col in it from the same group.
        for (int g = 0; g < 4; g++) {
            Set<Integer> rowGroups = new HashSet<>();
            Set<Integer> colGroups = new HashSet<>();
            for (int a = g * 8; a < g * 8 + 8; a++) rowGroups.add(rowLabel[res.p()[a]] / 8);
            for (int c = g * 4; c < g * 4 + 4; c++) colGroups.add(colLabel[res.q()[c]] / 4);
            assertEquals(1, rowGroups.size(), "rows of block " + g + " come from one group");
            assertEquals(rowGroups, colGroups, "and their columns from the same group");
        }
        double onDiagonal = 0;
        for (int a = 0; a < rows; a++) for (int c = 0; c < cols; c++) if (a / 8 == c / 4) onDiagonal += sp[a][c];
        assertTrue(onDiagonal > 0.9 * total(s));
    }

    private static double total(double[][] m) {
        double t = 0;
        for (double[] row : m) for (double v : row) t += v;
        return t;
    }
}

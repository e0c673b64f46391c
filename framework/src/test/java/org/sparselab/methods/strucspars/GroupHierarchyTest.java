package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cost matrices, masks and the grouping criterion (spec §6 tests 1, 2, 7). */
class GroupHierarchyTest {

    @Test
    void eightByEightAtDepthThreeHasBlockValuesOneHalfQuarterZero() {
        double[][] r = new GroupHierarchy(8, 8).costMatrix(3, 0.5);
        assertEquals(1.0, r[0][4]);   // outer off-diagonal 4×4 block (top-right)
        assertEquals(1.0, r[7][3]);   // bottom-left
        assertEquals(0.5, r[0][2]);   // next 2×2 off-diagonal blocks
        assertEquals(0.5, r[5][7]);
        assertEquals(0.25, r[0][1]);  // 1×1 off-diagonal
        assertEquals(0.25, r[7][6]);
        for (int i = 0; i < 8; i++) assertEquals(0.0, r[i][i]);
        // and the full-depth matrix equals depth 3 here (K = 3)
        assertArrayEquals(r, new GroupHierarchy(8, 8).costMatrix(Integer.MAX_VALUE, 0.5));
    }

    @Test
    void depthIsTheNumberOfCommonHalvings() {
        assertEquals(4, new GroupHierarchy(16, 16).depth());
        assertEquals(9, new GroupHierarchy(2048, 512).depth());
        assertEquals(2, new GroupHierarchy(12, 12).depth());
        assertEquals(0, new GroupHierarchy(7, 16).depth());
        double[][] odd = new GroupHierarchy(16, 7).costMatrix(Integer.MAX_VALUE, 0.5);
        for (double[] row : odd) for (double v : row) assertEquals(0.0, v, "odd dim: all-zero R");
    }

    @Test
    void rectangularBlocksHalveBothDims() {
        double[][] r = new GroupHierarchy(2048, 512).costMatrix(Integer.MAX_VALUE, 0.5);
        assertEquals(1.0, r[1024][0]);      // bottom-left 1024×256
        assertEquals(1.0, r[0][256]);
        assertEquals(0.5, r[512][0]);       // 512×128 blocks inside the top-left quadrant
        assertEquals(0.0, r[511][127]);
        assertEquals(0.5, r[0][128]);
    }

    @Test
    void depthGMatricesAndMasksNest() {
        GroupHierarchy h = new GroupHierarchy(8, 8);
        double[][] r1 = h.costMatrix(1, 0.5);
        double[][] r2 = h.costMatrix(2, 0.5);
        double[][] r3 = h.costMatrix(3, 0.5);
        assertEquals(1.0, r1[0][4]);
        assertEquals(0.0, r1[0][2], "R_1 has only the outer off-diagonal blocks");
        assertEquals(0.5, r2[0][2], "R_2 adds 0.5");
        assertEquals(0.0, r2[0][1]);
        assertArrayEquals(h.costMatrix(Integer.MAX_VALUE, 0.5), r3, "R_3 = R");
        for (int g = 1; g <= 4; g++) {
            boolean[][] u = h.keepMask(g);
            int groups = 1 << (g - 1);
            int kept = 0;
            for (boolean[] row : u) for (boolean b : row) if (b) kept++;
            assertEquals(64 / groups, kept, "U_" + g + " has " + groups + " all-ones diagonal blocks");
            if (g >= 2) {
                double[][] prev = h.costMatrix(g - 1, 0.5);
                for (int i = 0; i < 8; i++) {
                    for (int j = 0; j < 8; j++) assertEquals(!u[i][j], prev[i][j] > 0, "R_{g-1} > 0 exactly outside U_g");
                }
            }
        }
    }

    @Test
    void perfectlyDiagonalMatrixGetsEightGroupsWithTheQuirkAndSixteenWithout() {
        GroupHierarchy h = new GroupHierarchy(16, 16);
        double[][] s = new double[16][16];
        for (int i = 0; i < 16; i++) s[i][i] = 1 + i;
        double[] percents = h.keptMassFractions(s);
        assertEquals(1.0, percents[0], 1e-9);
        assertEquals(1.0, percents[4], 1e-9, "all mass on the diagonal survives every level");
        assertEquals(4, h.level(percents, 0.1, true));   // 2^(4-1) = 8 groups
        assertEquals(5, h.level(percents, 0.1, false));  // 16 groups
    }

    @Test
    void criterionPicksTheFirstLevelBelowTheKeptMassAndIsMonotoneInThres() {
        GroupHierarchy h = new GroupHierarchy(8, 8);
        // tier masses: coarsest off-diagonal 10, next 5, finest 2, diagonal 83 -> percents 1, .90, .85, .83
        double[][] s = new double[8][8];
        int[][] tiers = h.tiers();
        double[] mass = {83, 2, 5, 10};
        int[] count = new int[4];
        for (int[] row : tiers) for (int t : row) count[t]++;
        for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) s[i][j] = mass[tiers[i][j]] / count[tiers[i][j]];
        double[] p = h.keptMassFractions(s);
        assertArrayEquals(new double[] {1, 0.90, 0.85, 0.83}, p, 1e-9);
        assertEquals(1, h.level(p, 0.05, true), "0.90 < 0.95: already the first removal loses too much");
        assertEquals(2, h.level(p, 0.12, true), "keeps 0.90 ≥ 0.88, then 0.85 < 0.88");
        assertEquals(3, h.level(p, 0.16, true));
        assertEquals(3, h.level(p, 0.5, true), "quirk caps at K = 3");
        assertEquals(4, h.level(p, 0.5, false));
        Random rng = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            double[][] m = new double[8][8];
            for (double[] row : m) for (int j = 0; j < 8; j++) row[j] = rng.nextDouble();
            double[] pr = h.keptMassFractions(m);
            int last = 0;
            for (double t = 0; t <= 1.0; t += 0.05) {
                int level = h.level(pr, t, true);
                assertTrue(level >= last, "larger thres never gives fewer groups");
                last = level;
            }
        }
    }

    @Test
    void allZeroAndOddLayersStayDenseInsteadOfLevelZero() {
        assertEquals(1, new GroupHierarchy(8, 8).level(new GroupHierarchy(8, 8).keptMassFractions(new double[8][8]),
                0.1, true));
        GroupHierarchy odd = new GroupHierarchy(7, 8);
        double[][] s = new double[7][8];
        s[0][0] = 1;
        assertEquals(1, odd.level(odd.keptMassFractions(s), 0.1, true));
        assertFalse(odd.depth() > 0);
    }
}

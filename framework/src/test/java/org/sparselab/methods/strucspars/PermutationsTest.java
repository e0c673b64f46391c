package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Index conventions and the ablation permutations (spec §6 tests 3 and 16). */
class PermutationsTest {

    @Test
    void penaltyInOriginalOrderMapsBackToRg() {
        Random rng = new Random(3);
        GroupHierarchy h = new GroupHierarchy(16, 8);
        double[][] rg = h.costMatrix(2, 0.5);
        int[] p = Permutations.random(16, rng);
        int[] q = Permutations.random(8, rng);
        double[][] orig = Permutations.permute(rg, Permutations.inverse(p), Permutations.inverse(q));
        assertArrayEquals(rg, Permutations.permute(orig, p, q), "R_orig[P][:,Q] == R_g");
        double[][] s = new double[16][8];
        for (double[] row : s) for (int j = 0; j < 8; j++) row[j] = rng.nextGaussian();
        assertArrayEquals(s, Permutations.permute(Permutations.permute(s, p, q), Permutations.inverse(p),
                Permutations.inverse(q)), "permuting by (P,Q) and back is the identity");
        int[] inv = Permutations.inverse(p);
        for (int a = 0; a < 16; a++) assertEquals(a, inv[p[a]], "P_inv = argsort(P)");
    }

    @Test
    void shuffleNetInterleaveIsTheTransposedReshape() {
        // arange(8).reshape(2, 4).T.flatten() = [0, 4, 1, 5, 2, 6, 3, 7]
        assertArrayEquals(new int[] {0, 4, 1, 5, 2, 6, 3, 7}, Permutations.interleave(8, 2));
        assertArrayEquals(new int[] {0, 2, 4, 6, 1, 3, 5, 7}, Permutations.interleave(8, 4));
        assertArrayEquals(Permutations.identity(8), Permutations.interleave(8, 1));
        assertThrows(IllegalArgumentException.class, () -> Permutations.interleave(8, 3));
    }

    @Test
    void randomPermutationIsValidAndDependsOnlyOnTheSeed() {
        int[] a = Permutations.random(64, new Random(5));
        assertTrue(Permutations.isPermutation(a));
        assertArrayEquals(a, Permutations.random(64, new Random(5)));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(Permutations.random(64, new Random(6))));
        assertThrows(IllegalArgumentException.class, () -> Permutations.inverse(new int[] {0, 0, 1}));
    }
}

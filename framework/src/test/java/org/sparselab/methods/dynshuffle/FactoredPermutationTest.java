package org.sparselab.methods.dynshuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparselab.nn.ChannelShuffle;
import org.sparselab.nn.ShuffleSpec;

/**
 * The tensor algebra against explicit C×C matrices built here in plain Java (spec §7 tests 1, 2, 4, 5, 9): identity
 * factors are ShuffleNet's shuffle, the factored product is the dense one, the orthogonality term is zero exactly
 * for permutations, and the straight-through forward is exactly 0/1 with the softmax's gradient.
 */
class FactoredPermutationTest {
    /** C = 24, G = 3, n = 8 = 2·4 (R1/R2); R3: one block with factors (3, 8). */
    static ShuffleLayout layout(String sharing) {
        return switch (sharing) {
            case "per_group" -> new ShuffleLayout("s", 24, 3, 3, 2, 4, false);
            case "shared" -> new ShuffleLayout("s", 24, 3, 3, 2, 4, true);
            default -> new ShuffleLayout("s", 24, 3, 1, 3, 8, false);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"per_group", "shared", "group_factor"})
    void identityFactorsAreExactlyShuffleNetsShuffle(String sharing) {
        ShuffleLayout l = layout(sharing);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 24, 3, 3));
            NDArray a = m.eye(l.n1()).reshape(1, 1, l.n1(), l.n1()).repeat(1, l.factorSets());
            NDArray b = m.eye(l.n2()).reshape(1, 1, l.n2(), l.n2()).repeat(1, l.factorSets());
            NDArray y = FactoredPermutation.crossShuffle(FactoredPermutation.applyKron(x, a, b, l), l.groups())
                    .reshape(x.getShape());
            NDArray fixed = new ChannelShuffle(new ShuffleSpec("s", 24, 3))
                    .forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertArrayEquals(fixed.toFloatArray(), y.toFloatArray(), 0f);
            // And ShuffleNet's shuffle is the perfect-shuffle permutation arange(C).reshape(G, n).T.flatten().
            float[] xs = x.toFloatArray();
            float[] ys = y.toFloatArray();
            for (int c = 0; c < 24; c++) {
                int src = (c % 3) * 8 + c / 3;
                for (int k = 0; k < 9; k++) assertEquals(xs[src * 9 + k], ys[c * 9 + k], 0f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"per_group", "shared", "group_factor"})
    void factoredApplicationEqualsTheExplicitMatrixProduct(String sharing) {
        ShuffleLayout l = layout(sharing);
        Random rng = new Random(3);
        int n = 2;
        int f = l.factorSets();
        float[] av = rowStochastic(rng, n * f, l.n1());
        float[] bv = rowStochastic(rng, n * f, l.n2());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(n, 24, 2, 2));
            NDArray a = m.create(av, new Shape(n, f, l.n1(), l.n1()));
            NDArray b = m.create(bv, new Shape(n, f, l.n2(), l.n2()));
            float[] y = FactoredPermutation.crossShuffle(FactoredPermutation.applyKron(x, a, b, l), l.groups())
                    .toFloatArray();
            float[] xs = x.toFloatArray();
            for (int s = 0; s < n; s++) {
                double[][] p = explicit(l, av, bv, s);
                for (int c = 0; c < 24; c++) {
                    for (int k = 0; k < 4; k++) {
                        double want = 0;
                        for (int d = 0; d < 24; d++) want += p[c][d] * xs[(s * 24 + d) * 4 + k];
                        assertEquals(want, y[(s * 24 + c) * 4 + k], 1e-5, "sample " + s + " channel " + c);
                    }
                }
            }
        }
    }

    /** Random row-stochastic d×d matrices, {@code count} of them, row-major. */
    static float[] rowStochastic(Random rng, int count, int d) {
        float[] v = new float[count * d * d];
        for (int r = 0; r < count * d; r++) {
            double sum = 0;
            for (int j = 0; j < d; j++) sum += v[r * d + j] = rng.nextFloat() + 0.01f;
            for (int j = 0; j < d; j++) v[r * d + j] /= (float) sum;
        }
        return v;
    }

    /**
     * {@code S_cross · blockdiag_b(A_b ⊗ B_b)} of sample s as a C×C matrix, written out from the definitions: the
     * Kronecker entry (A⊗B)[i·n2+j, k·n2+l] = A[i,k]·B[j,l]; the cross shuffle takes output c from g·n + j.
     */
    static double[][] explicit(ShuffleLayout l, float[] av, float[] bv, int s) {
        int c = l.channels();
        int m = l.blockSize();
        int n1 = l.n1();
        int n2 = l.n2();
        int f = l.factorSets();
        double[][] block = new double[c][c];
        for (int blk = 0; blk < l.blocks(); blk++) {
            int set = l.sharedFactors() ? 0 : blk;
            int ao = (s * f + set) * n1 * n1;
            int bo = (s * f + set) * n2 * n2;
            for (int i = 0; i < n1; i++) {
                for (int j = 0; j < n2; j++) {
                    for (int k = 0; k < n1; k++) {
                        for (int q = 0; q < n2; q++) {
                            block[blk * m + i * n2 + j][blk * m + k * n2 + q] = av[ao + i * n1 + k] * bv[bo + j * n2 + q];
                        }
                    }
                }
            }
        }
        double[][] p = new double[c][c];
        int per = c / l.groups();
        for (int out = 0; out < c; out++) p[out] = block[(out % l.groups()) * per + out / l.groups()];
        return p;
    }

    @Test
    void kroneckerOfPermutationsIsAPermutationAndGramFactorises() {
        Random rng = new Random(5);
        ShuffleLayout l = new ShuffleLayout("s", 12, 1, 1, 3, 4, false);
        float[] av = rowStochastic(rng, 1, 3);
        float[] bv = rowStochastic(rng, 1, 4);
        double[][] k = explicit(l, av, bv, 0);
        for (double[] row : k) {
            double sum = 0;
            for (double v : row) sum += v;
            assertEquals(1, sum, 1e-6, "the Kronecker product of row-stochastic matrices is row-stochastic");
        }
        // (A⊗B)(A⊗B)ᵀ = AAᵀ ⊗ BBᵀ
        for (int r = 0; r < 12; r++) {
            for (int q = 0; q < 12; q++) {
                double gram = 0;
                for (int t = 0; t < 12; t++) gram += k[r][t] * k[q][t];
                double aa = 0;
                double bb = 0;
                for (int t = 0; t < 3; t++) aa += av[(r / 4) * 3 + t] * av[(q / 4) * 3 + t];
                for (int t = 0; t < 4; t++) bb += bv[(r % 4) * 4 + t] * bv[(q % 4) * 4 + t];
                assertEquals(aa * bb, gram, 1e-6);
            }
        }
        float[] pa = {0, 0, 1, 1, 0, 0, 0, 1, 0};
        float[] pb = {0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
        double[][] perm = explicit(l, pa, pb, 0);
        boolean[] hit = new boolean[12];
        for (double[] row : perm) {
            int ones = 0;
            for (int t = 0; t < 12; t++) {
                if (row[t] == 1) {
                    ones++;
                    assertTrue(!hit[t], "column used twice");
                    hit[t] = true;
                } else {
                    assertEquals(0, row[t]);
                }
            }
            assertEquals(1, ones);
        }
    }

    @Test
    void orthogonalityTermIsZeroForPermutationsAndPositiveOtherwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] perms = {0, 1, 0, 1, 0, 0, 0, 0, 1, /* second */ 1, 0, 0, 0, 1, 0, 0, 0, 1};
            NDArray p = m.create(perms, new Shape(2, 1, 3, 3));
            assertEquals(0f, FactoredPermutation.orthSum(p).getFloat(), 0f);
            NDArray soft = m.randomNormal(new Shape(2, 3, 4, 4)).softmax(-1);
            assertTrue(FactoredPermutation.orthSum(soft).getFloat() > 0);
            // A 0/1 matrix with a collision (two rows on one column) is not orthogonal either.
            NDArray collided = m.create(new float[] {1, 0, 1, 0}, new Shape(1, 1, 2, 2));
            assertEquals(1.0f, FactoredPermutation.orthSum(collided).getFloat(), 1e-6f, "‖[[1,0],[1,0]]·ᵀ − I‖² / 2");
        }
    }

    @Test
    void straightThroughIsExactlyHardForwardWithTheSoftmaxGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.randomNormal(new Shape(3, 2, 5, 5));
            NDArray w = m.randomNormal(new Shape(3, 2, 5, 5));
            z.setRequiresGradient(true);
            float[] gradSoft;
            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                gc.backward(z.softmax(-1).mul(w).sum());
            }
            gradSoft = z.getGradient().toFloatArray();
            NDArray z2 = z.stopGradient().duplicate();
            z2.setRequiresGradient(true);
            NDArray ste;
            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray soft = z2.softmax(-1);
                NDArray hard = soft.argMax(-1).oneHot(5);
                ste = FactoredPermutation.straightThrough(soft, hard);
                gc.backward(ste.mul(w).sum());
                assertArrayEquals(hard.toFloatArray(), ste.toFloatArray(), 0f, "forward is exactly the one-hot");
            }
            assertArrayEquals(gradSoft, z2.getGradient().toFloatArray(), 1e-6f);
            for (float v : ste.toFloatArray()) assertTrue(v == 0f || v == 1f);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void gradientDescentOnTheOrthogonalityLossAloneReachesPermutations(int n) {
        // Spec §2.2/§7 test 6: softmax + ‖PPᵀ − I‖² drive random logits to a matrix whose row argmax is a permutation.
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(11);
            for (int trial = 0; trial < 3; trial++) {
                NDArray z = m.randomNormal(new Shape(1, 1, n, n));
                for (int step = 0; step < 300; step++) {
                    z.setRequiresGradient(true);
                    try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        gc.backward(FactoredPermutation.orthSum(z.softmax(-1)));
                    }
                    NDArray next = z.sub(z.getGradient().mul(org.sparselab.nn.Constants.scalar(z, 20.0)));
                    z = next.stopGradient();
                }
                NDArray p = z.softmax(-1);
                int[] perm = java.util.Arrays.stream(p.argMax(-1).toLongArray()).mapToInt(v -> (int) v).toArray();
                assertEquals(0, PermutationRepair.collisions(perm), "trial " + trial + ": " + java.util.Arrays.toString(perm));
                assertTrue(p.max(new int[] {-1}).min().getFloat() > 0.9f, "rows nearly one-hot");
            }
        }
    }

    @Test
    void nearSquareReproducesTheSpecsFactorTable() {
        // spec §2.8: n → (n1, n2); R2 logits n1² + n2²
        int[][] table = {{24, 4, 6, 52}, {48, 6, 8, 100}, {96, 8, 12, 208}, {58, 2, 29, 845}, {116, 4, 29, 857},
            {232, 8, 29, 905}, {88, 8, 11, 185}, {176, 11, 16, 377}, {352, 16, 22, 740}, {122, 2, 61, 3725},
            {244, 4, 61, 3737}, {488, 8, 61, 3785}, {20, 4, 5, 41}, {40, 5, 8, 89}, {80, 8, 10, 164}, {12, 3, 4, 25}};
        for (int[] row : table) {
            int[] f = ShuffleLayout.nearSquare(row[0]);
            assertArrayEquals(new int[] {row[1], row[2]}, f, "n = " + row[0]);
            assertEquals(row[3], f[0] * f[0] + f[1] * f[1], "R2 logits for n = " + row[0]);
        }
        assertArrayEquals(new int[] {1, 29}, ShuffleLayout.nearSquare(29), "a prime is 1 × p");
    }
}

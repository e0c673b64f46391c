package org.sparselab.methods.dynshuffle;

import java.util.Arrays;
import org.sparselab.methods.strucspars.AssignmentSolver;
import org.sparselab.methods.strucspars.AssignmentSolvers;

/**
 * Turns one generated factor (its logits, d×d row-major) into a hard permutation: the row-wise argmax, repaired when
 * two rows pick the same column (spec §2.6 "Collisions").
 *
 * <p>The exact repairs minimise {@code Σ −log P[i, π(i)]} with StrucSpars' assignment solvers. Since {@code −log
 * softmax(z/τ)[i,j] = −z[i,j]/τ + c_i} and a per-row constant or a positive scale does not change the optimal
 * assignment, the logits' negation is an equivalent cost: no softmax is needed at inference. When the argmax is
 * already a permutation it is the exact optimum, so the solver runs only on collisions.
 */
public final class PermutationRepair {
    private final String mode;
    private final AssignmentSolver solver;

    /** @param mode hungarian | lapjv (exact) | greedy | none (keep the argmax, duplicates and all) */
    public PermutationRepair(String mode) {
        this.mode = mode;
        this.solver = mode.equals("hungarian") || mode.equals("lapjv") ? AssignmentSolvers.named(mode) : null;
        if (solver == null && !mode.equals("greedy") && !mode.equals("none")) {
            throw new IllegalArgumentException("unknown collision repair " + mode);
        }
    }

    /** Row-wise argmax of the d×d block at {@code offset} of {@code logits} (first maximum on ties). */
    public static int[] argmax(float[] logits, int offset, int d) {
        return argmaxInto(logits, offset, d, new int[d]);
    }

    /** {@link #argmax} into the first d entries of {@code out}, which it returns. */
    public static int[] argmaxInto(float[] logits, int offset, int d, int[] out) {
        for (int i = 0; i < d; i++) {
            int row = offset + i * d;
            int best = 0;
            for (int j = 1; j < d; j++) {
                if (logits[row + j] > logits[row + best]) best = j;
            }
            out[i] = best;
        }
        return out;
    }

    /** Rows whose column another row already took: d − distinct columns. */
    public static int collisions(int[] p) {
        return collisions(p, p.length, new boolean[p.length]);
    }

    /** {@link #collisions(int[])} of the first d entries of {@code p}; {@code seen}: scratch of at least d. */
    public static int collisions(int[] p, int d, boolean[] seen) {
        Arrays.fill(seen, 0, d, false);
        int dup = 0;
        for (int i = 0; i < d; i++) {
            if (seen[p[i]]) dup++;
            seen[p[i]] = true;
        }
        return dup;
    }

    /** The hard permutation of the d×d logits block at {@code offset}; {@code argmax} is its row-wise argmax. */
    public int[] repair(float[] logits, int offset, int d, int[] argmax) {
        if (mode.equals("none") || collisions(argmax) == 0) return argmax;
        if (mode.equals("greedy")) return greedy(logits, offset, d);
        double[][] cost = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) cost[i][j] = -logits[offset + i * d + j];
        }
        return solver.solve(cost);
    }

    /** Largest remaining logit first, its row and column then taken (ties: lower row, then lower column). */
    static int[] greedy(float[] logits, int offset, int d) {
        Integer[] order = new Integer[d * d];
        for (int k = 0; k < order.length; k++) order[k] = k;
        Arrays.sort(order, (u, v) -> {
            int c = Float.compare(logits[offset + v], logits[offset + u]);
            return c != 0 ? c : Integer.compare(u, v);
        });
        int[] p = new int[d];
        Arrays.fill(p, -1);
        boolean[] taken = new boolean[d];
        int left = d;
        for (int k = 0; k < order.length && left > 0; k++) {
            int i = order[k] / d;
            int j = order[k] % d;
            if (p[i] < 0 && !taken[j]) {
                p[i] = j;
                taken[j] = true;
                left--;
            }
        }
        return p;
    }
}

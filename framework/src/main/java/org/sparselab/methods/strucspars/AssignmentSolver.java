package org.sparselab.methods.strucspars;

/**
 * An exact solver of the square linear assignment problem: a permutation {@code a} minimising
 * {@code Σ_row cost[row][a[row]]}.
 *
 * <p>Each P-step and Q-step of StrucSpars' learned channel shuffle is such a problem; the official code solves it
 * with POT's exact {@code ot.emd} under unit marginals ({@code docs/methods/strucspars.md} §1.3, §4.2). Any exact
 * solver reaches the same objective; only the choice among tied optima differs, which is harmless.
 */
public interface AssignmentSolver {

    /**
     * Returns {@code assignment} with {@code assignment[row] = column}, a permutation of {@code 0..n-1} of minimal
     * total cost.
     *
     * @param cost square n×n matrix of finite doubles (negative values, ties and repeated rows are fine); not modified
     * @throws IllegalArgumentException if the matrix is empty, not square, or holds NaN or an infinity
     */
    int[] solve(double[][] cost);

    /** Returns {@code Σ_row c[row][a[row]]}, the objective of assignment {@code a}. */
    static double cost(double[][] c, int[] a) {
        if (c.length != a.length) {
            throw new IllegalArgumentException(
                    "assignment has length " + a.length + " but the cost matrix has " + c.length + " rows");
        }
        double s = 0;
        for (int row = 0; row < a.length; row++) {
            s += c[row][a[row]];
        }
        return s;
    }
}

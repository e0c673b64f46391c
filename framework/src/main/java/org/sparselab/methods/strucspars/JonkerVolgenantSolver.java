package org.sparselab.methods.strucspars;

import java.util.Arrays;

/**
 * Jonker–Volgenant (LAPJV) assignment: column reduction, reduction transfer, augmenting row reduction, then a
 * Dijkstra-like shortest augmenting path for each row still free, with column potentials only (a row's potential
 * is implied by its assigned column).
 *
 * <p>The {@code lapjv} choice of StrucSpars' {@code assignmentSolver} ({@code docs/methods/strucspars.md} §4.2, §5):
 * the same exact optimum as the Hungarian solver, but the cheap initial phases usually leave few rows to augment,
 * which pays off for the larger layers (n ≥ 1024). Written from the description in Jonker and Volgenant,
 * "A shortest augmenting path algorithm for dense and sparse linear assignment problems", Computing 38 (1987).
 */
public final class JonkerVolgenantSolver implements AssignmentSolver {

    /** Passes of augmenting row reduction, as in the paper. */
    private static final int ROW_REDUCTION_PASSES = 2;

    @Override
    public int[] solve(double[][] cost) {
        double[] c = CostMatrices.flatten(cost);
        int n = cost.length;
        int[] x = new int[n]; // column of each row, -1 if free
        int[] y = new int[n]; // row of each column, -1 if free
        double[] v = new double[n];
        Arrays.fill(x, -1);
        Arrays.fill(y, -1);
        if (n == 1) {
            x[0] = 0;
            return x;
        }

        // Column reduction: v[j] = column minimum; the row holding it takes the column if still free. Reverse
        // order as in the paper, so low-numbered columns win ties.
        int[] matches = new int[n];
        for (int j = n - 1; j >= 0; j--) {
            double min = c[j];
            int imin = 0;
            for (int i = 1; i < n; i++) {
                double z = c[i * n + j];
                if (z < min) {
                    min = z;
                    imin = i;
                }
            }
            v[j] = min;
            if (matches[imin]++ == 0) {
                x[imin] = j;
                y[j] = imin;
            }
        }

        // Reduction transfer: a row that won exactly one column hands its slack to that column, so its second-best
        // column becomes as cheap as the assigned one.
        int[] free = new int[n];
        int numFree = 0;
        for (int i = 0; i < n; i++) {
            if (matches[i] == 0) {
                free[numFree++] = i;
            } else if (matches[i] == 1) {
                int j1 = x[i];
                int base = i * n;
                double min = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (j != j1) {
                        min = Math.min(min, c[base + j] - v[j]);
                    }
                }
                v[j1] -= min;
            }
        }

        numFree = augmentingRowReduction(c, n, x, y, v, free, numFree);
        augment(c, n, x, y, v, free, numFree);
        return x;
    }

    /**
     * Assigns free rows to their cheapest column (in terms of {@code c - v}), displacing the owner and lowering the
     * column's potential by the gap to the second-cheapest; returns the number of rows still free.
     *
     * <p>Invariant kept throughout, and needed by {@link #augment}: every assigned row sits on a column of minimal
     * {@code c[i][j] - v[j]}.
     */
    private static int augmentingRowReduction(double[] c, int n, int[] x, int[] y, double[] v, int[] free,
                                              int numFree) {
        for (int pass = 0; pass < ROW_REDUCTION_PASSES && numFree > 0; pass++) {
            int k = 0;
            int previousNumFree = numFree;
            numFree = 0;
            // The paper re-processes a displaced row at once when the potential moved; in floating point that can
            // creep by tiny steps, so bound the immediate retries and send the rest to the next pass/augmentation.
            long retriesLeft = 4L * n;
            while (k < previousNumFree) {
                int i = free[k++];
                int base = i * n;
                double umin = c[base] - v[0];
                int j1 = 0;
                double usubmin = Double.POSITIVE_INFINITY;
                int j2 = -1;
                for (int j = 1; j < n; j++) {
                    double h = c[base + j] - v[j];
                    if (h < usubmin) {
                        if (h >= umin) {
                            usubmin = h;
                            j2 = j;
                        } else {
                            usubmin = umin;
                            j2 = j1;
                            umin = h;
                            j1 = j;
                        }
                    }
                }
                int i0 = y[j1];
                boolean strict = umin < usubmin;
                if (strict) {
                    v[j1] -= usubmin - umin;
                } else if (i0 >= 0) {
                    // Tie: take the second-best column instead, so an assigned row is not displaced for nothing.
                    j1 = j2;
                    i0 = y[j2];
                }
                if (i0 >= 0) {
                    x[i0] = -1;
                }
                x[i] = j1;
                y[j1] = i;
                if (i0 >= 0) {
                    if (strict && retriesLeft-- > 0) {
                        free[--k] = i0;
                    } else {
                        free[numFree++] = i0;
                    }
                }
            }
        }
        return numFree;
    }

    /** Shortest augmenting path (Dijkstra over reduced costs) from each remaining free row, with dual updates. */
    private static void augment(double[] c, int n, int[] x, int[] y, double[] v, int[] free, int numFree) {
        double[] d = new double[n];
        int[] pred = new int[n];
        int[] cols = new int[n]; // [0, low) settled, [low, up) at the current minimum, [up, n) not yet reached
        for (int f = 0; f < numFree; f++) {
            int freeRow = free[f];
            int base = freeRow * n;
            for (int j = 0; j < n; j++) {
                d[j] = c[base + j] - v[j];
                pred[j] = freeRow;
                cols[j] = j;
            }
            int low = 0;
            int up = 0;
            double min = 0;
            int endOfPath = -1;
            while (endOfPath < 0) {
                if (up == low) {
                    // Collect all not-yet-reached columns at the new minimum distance.
                    min = d[cols[up++]];
                    for (int k = up; k < n; k++) {
                        int j = cols[k];
                        double h = d[j];
                        if (h <= min) {
                            if (h < min) {
                                up = low;
                                min = h;
                            }
                            cols[k] = cols[up];
                            cols[up++] = j;
                        }
                    }
                    for (int k = low; k < up; k++) {
                        if (y[cols[k]] < 0) {
                            endOfPath = cols[k];
                            break;
                        }
                    }
                    if (endOfPath >= 0) {
                        break;
                    }
                }
                // Scan one column at the minimum: relax through the row that owns it.
                int j1 = cols[low++];
                int i = y[j1];
                int rowBase = i * n;
                double u1 = c[rowBase + j1] - v[j1] - min;
                for (int k = up; k < n; k++) {
                    int j = cols[k];
                    double h = c[rowBase + j] - v[j] - u1;
                    if (h < d[j]) {
                        // h >= min in exact arithmetic (row i sits on its cheapest column); clamp rounding below it.
                        if (h < min) {
                            h = min;
                        }
                        pred[j] = i;
                        d[j] = h;
                        if (h == min) {
                            if (y[j] < 0) {
                                endOfPath = j;
                                break;
                            }
                            cols[k] = cols[up];
                            cols[up++] = j;
                        }
                    }
                }
            }
            // Columns settled before the final minimum move their potential by how much closer they were.
            for (int k = 0; k < low; k++) {
                int j = cols[k];
                v[j] += d[j] - min;
            }
            int j = endOfPath;
            while (true) {
                int i = pred[j];
                y[j] = i;
                int previous = x[i];
                x[i] = j;
                if (i == freeRow) {
                    break;
                }
                j = previous;
            }
        }
    }
}

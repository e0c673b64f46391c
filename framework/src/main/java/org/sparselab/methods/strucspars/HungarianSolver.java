package org.sparselab.methods.strucspars;

import java.util.Arrays;

/**
 * Kuhn–Munkres (Hungarian) assignment in the shortest-augmenting-path form with row and column potentials: one
 * Dijkstra search over reduced costs per row, O(n³) in the worst case, double precision.
 *
 * <p>This is the default {@code assignmentSolver} of StrucSpars ({@code docs/methods/strucspars.md} §4.2, §5): it
 * reaches the exact optimum of POT's {@code ot.emd} under unit marginals (§1.3). All work arrays are allocated once
 * per call, and the cost matrix is copied into one row-major array so the inner loop reads contiguous memory.
 */
public final class HungarianSolver implements AssignmentSolver {

    @Override
    public int[] solve(double[][] cost) {
        double[] c = CostMatrices.flatten(cost);
        int n = cost.length;
        double[] u = new double[n]; // row potentials
        double[] v = new double[n]; // column potentials
        double[] shortest = new double[n]; // path length to each column in the current search
        int[] path = new int[n]; // row from which each column was reached
        int[] col4row = new int[n];
        int[] row4col = new int[n];
        int[] remaining = new int[n]; // columns not yet settled in the current search, unordered
        int[] scannedRows = new int[n];
        int[] settledCols = new int[n];
        Arrays.fill(col4row, -1);
        Arrays.fill(row4col, -1);

        for (int start = 0; start < n; start++) {
            Arrays.fill(shortest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                remaining[j] = j;
            }
            int numRemaining = n;
            int numScanned = 0;
            int numSettled = 0;
            double minVal = 0;
            int i = start;
            int sink = -1;
            while (sink < 0) {
                scannedRows[numScanned++] = i;
                int base = i * n;
                double offset = minVal - u[i];
                double lowest = Double.POSITIVE_INFINITY;
                int index = -1;
                for (int k = 0; k < numRemaining; k++) {
                    int j = remaining[k];
                    double r = offset + c[base + j] - v[j];
                    if (r < shortest[j]) {
                        path[j] = i;
                        shortest[j] = r;
                    }
                    double s = shortest[j];
                    // On ties prefer a free column: it ends the search at once, which matters for the degenerate
                    // (repeated-row) costs StrucSpars produces.
                    if (s < lowest || (s == lowest && row4col[j] < 0)) {
                        lowest = s;
                        index = k;
                    }
                }
                minVal = lowest;
                int j = remaining[index];
                remaining[index] = remaining[--numRemaining];
                settledCols[numSettled++] = j;
                if (row4col[j] < 0) {
                    sink = j;
                } else {
                    i = row4col[j];
                }
            }
            // Dual update keeps every reduced cost non-negative and the new path's edges tight.
            u[start] += minVal;
            for (int k = 1; k < numScanned; k++) {
                int r = scannedRows[k];
                u[r] += minVal - shortest[col4row[r]];
            }
            for (int k = 0; k < numSettled; k++) {
                int j = settledCols[k];
                v[j] -= minVal - shortest[j];
            }
            // Flip the alternating path from the sink back to the start row.
            int j = sink;
            while (true) {
                int r = path[j];
                row4col[j] = r;
                int previous = col4row[r];
                col4row[r] = j;
                if (r == start) {
                    break;
                }
                j = previous;
            }
        }
        return col4row;
    }
}

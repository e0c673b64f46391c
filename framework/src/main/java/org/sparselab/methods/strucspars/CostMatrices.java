package org.sparselab.methods.strucspars;

/** Validation and flattening of assignment cost matrices, shared by the solvers. */
final class CostMatrices {
    private CostMatrices() {}

    /**
     * Checks that {@code cost} is a non-empty square matrix of finite values and returns it row-major in one array.
     *
     * <p>A flat copy keeps the solvers' inner loops on one contiguous array and leaves the caller's matrix untouched.
     */
    static double[] flatten(double[][] cost) {
        if (cost == null) {
            throw new IllegalArgumentException("cost matrix is null");
        }
        int n = cost.length;
        if (n == 0) {
            throw new IllegalArgumentException("cost matrix is empty (0 rows)");
        }
        double[] flat = new double[Math.multiplyExact(n, n)];
        for (int i = 0; i < n; i++) {
            double[] row = cost[i];
            if (row == null || row.length != n) {
                throw new IllegalArgumentException("cost matrix must be square: it has " + n + " rows but row " + i
                        + " has " + (row == null ? "no" : String.valueOf(row.length)) + " columns");
            }
            for (int j = 0; j < n; j++) {
                double x = row[j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(
                            "cost matrix entry [" + i + "][" + j + "] is " + x + "; all costs must be finite");
                }
                flat[i * n + j] = x;
            }
        }
        return flat;
    }
}

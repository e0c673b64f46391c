package org.sparselab.methods.strucspars;

import java.util.function.DoubleUnaryOperator;

/**
 * The grouping threshold that meets the target sparsity: bisection on {@code thres} in [0, 1] as the official
 * {@code utils.get_threshold} ({@code docs/methods/strucspars.md} §1.5): stop when
 * {@code target ≤ sparsity(thres) ≤ target + margin}; after {@code steps} halvings return the midpoint if it meets
 * the target, else the upper end (a larger threshold gives more groups).
 */
public final class ThresholdSearch {
    private ThresholdSearch() {}

    public static double find(DoubleUnaryOperator sparsityAt, double target, double margin, int steps) {
        double head = 0;
        double tail = 1;
        for (int left = steps; ; left--) {
            double mid = (head + tail) / 2;
            double s = sparsityAt.applyAsDouble(mid);
            if ((s >= target && s - target <= margin) || left == 0) return s >= target ? mid : tail;
            if (s >= target) {
                tail = mid;
            } else {
                head = mid;
            }
        }
    }
}

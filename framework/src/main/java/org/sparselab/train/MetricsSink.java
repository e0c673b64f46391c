package org.sparselab.train;

import java.util.Map;

/** Where the trainer sends what it measures: one row per split and epoch, plus the method's own scalars. */
@FunctionalInterface
public interface MetricsSink {
    void epoch(EpochMetrics metrics);

    /**
     * Scalars a method reported for epoch {@code epoch} (e.g. {@code strucspars.sparsity}, {@code strucspars.lambda});
     * called after {@link TrainingHooks#endOfEpoch}, only when there are any.
     */
    default void scalars(int epoch, String phase, Map<String, Double> values) {}
}

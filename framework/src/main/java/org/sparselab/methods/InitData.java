package org.sparselab.methods;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Training data for a method that scores its weights before training (SNIP, GraSP): a fixed, seeded sequence of
 * training batches, separate from the epochs' own shuffles, so the choice is reproducible and training data order is
 * unchanged by it.
 */
public interface InitData {
    /**
     * The {@code index}-th batch of {@code size} images of the sequence: (images (N, C, H, W) float32, labels (N)
     * int64) on the run's device, owned by {@code manager}.
     */
    NDList batch(int index, int size, NDManager manager);

    /**
     * {@code perClass} images of every class, the first ones of each class in the sequence, in the same form (GraSP's
     * class-balanced sample).
     */
    NDList balancedBatch(int perClass, NDManager manager);

    int numClasses();
}

package org.sparselab.train;

/** Receives progress events (for a progress bar or log lines); the loop calls it on its own thread. */
public interface TrainingProgress {
    TrainingProgress NONE = new TrainingProgress() {};

    default void passStarted(String phase, int epoch, String split, int batches) {}

    /** After each batch: running mean loss and top-1 of the pass so far. */
    default void batchDone(double meanLoss, double top1) {}

    default void passFinished(EpochMetrics metrics) {}
}

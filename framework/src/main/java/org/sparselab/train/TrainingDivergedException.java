package org.sparselab.train;

/** The loss became NaN or infinite; the run stops and is recorded as FAILED. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}

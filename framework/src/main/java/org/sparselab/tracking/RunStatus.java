package org.sparselab.tracking;

/** A run's lifecycle state, with MLflow's names. */
public enum RunStatus {
    RUNNING,
    FINISHED,
    FAILED,
    KILLED;

    public boolean terminal() {
        return this != RUNNING;
    }
}

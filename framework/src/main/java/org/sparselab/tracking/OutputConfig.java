package org.sparselab.tracking;

import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Where run records and checkpoints go. */
@Doc("Run records and checkpoints.")
public record OutputConfig(
        @Doc("Directory that holds <experiment>/<run-id>/ run records (relative to the working directory).")
        @Default("results/runs") String dir,
        @Doc("Write a checkpoint at the end of every epoch (needed for resume).") @Default("true") boolean checkpoint,
        @Doc("Save the final model parameters (model.params) with the run.") @Default("true") boolean saveModel,
        @Doc("Timed forward passes per batch size (1 and 64) when a run ends, for the latency of the trained and "
                + "the deployed model (median and p90 on this machine); 0 skips it.") @Default("20")
                int latencyRepeats) {
    public OutputConfig {
        Check.notBlank("dir", dir);
        Check.nonNegative("latency_repeats", latencyRepeats);
    }
}

package org.sparselab.tracking;

import java.util.HashSet;
import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
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
                int latencyRepeats,
        @Doc("Batch sizes a method's export tunes its deployment forms for (each layer keeps the fastest exact form "
                + "that is nowhere slower than dense at these batch sizes).") @Default("[1, 64]")
                List<Integer> deployBatchSizes,
        @Doc("Timed rounds per form and batch size when the export tunes deployment forms on the run's device; 0 "
                + "deploys each method's default form untimed (StrucSpars: grouped convs with folded gathers).")
                @Default("15") int deployRepeats) {
    public OutputConfig {
        Check.notBlank("dir", dir);
        Check.nonNegative("latency_repeats", latencyRepeats);
        Check.nonNegative("deploy_repeats", deployRepeats);
        if (deployBatchSizes == null || deployBatchSizes.isEmpty()
                || deployBatchSizes.stream().anyMatch(b -> b == null || b < 1)
                || new HashSet<>(deployBatchSizes).size() < deployBatchSizes.size()) {
            throw ConfigException.expected("deploy_batch_sizes", "a non-empty list of distinct "
                    + "positive batch sizes, e.g. [1, 64]", deployBatchSizes);
        }
        deployBatchSizes = List.copyOf(deployBatchSizes);
    }
}

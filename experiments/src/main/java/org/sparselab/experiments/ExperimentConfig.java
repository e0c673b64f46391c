package org.sparselab.experiments;

import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.config.NotHashed;
import org.sparselab.data.DataConfig;
import org.sparselab.methods.MethodConfig;
import org.sparselab.models.ModelConfig;
import org.sparselab.tracking.OutputConfig;
import org.sparselab.tracking.TrackingConfig;
import org.sparselab.train.Devices;
import org.sparselab.train.TrainConfig;

/** One experiment, as a YAML file describes it; immutable, validated, hashed into the run record. */
@Doc("An experiment: data, model, method, training schedule, tracking and output.")
public record ExperimentConfig(
        @Doc("Experiment name ([A-Za-z0-9_.-]+, not '.' or '..'): the run-record folder and the default MLflow "
                + "experiment.")
        String name,
        @Doc("Root seed; every random stream (init, data order, augmentation) derives from it.")
        @Default("0") long seed,
        @Doc("auto | cpu | gpu | gpu:N | gpu:all (data-parallel on all GPUs).") @Default("auto") String device,
        @Doc("Data set, batching and augmentation.") DataConfig data,
        @Doc("Network architecture.") ModelConfig model,
        @Doc("Compression method (name: none for dense training).") @Default("{name: none}") MethodConfig method,
        @Doc("Training phases, optimizer and schedule.") TrainConfig train,
        @Doc("MLflow tracking (not part of the config's SHA-256: where a run is tracked does not change it).")
        @NotHashed TrackingConfig tracking,
        @Doc("Run records and checkpoints.") OutputConfig output) {

    public ExperimentConfig {
        Check.pathSegment("name", name);
        Devices.checkSyntax(device);
    }

    /** The MLflow experiment this run belongs to. */
    public String experimentName() {
        return tracking.experiment() != null ? tracking.experiment() : name;
    }
}

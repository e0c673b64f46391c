package org.sparselab.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.config.NotHashed;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.train.schedule.LrScheduleConfig;
import org.sparselab.train.optim.OptimizerConfig;

/**
 * The {@code train:} section: one phase by default, or the listed {@code phases}, each inheriting every key it does
 * not set from this section (a fine-tuning phase typically restates only its optimizer and epochs).
 */
@Doc("Training schedule: one phase, or several run in sequence (e.g. sparsify then finetune).")
public record TrainConfig(
        @Doc("Epochs of the single phase; the default for phases that do not set epochs.") @Default("10") int epochs,
        @Doc("Optimizer (name: sgd | adam) with its learning rate and weight decay.")
        @Default("{name: sgd, lr: 0.1, momentum: 0.9, weight_decay: 0.0005}") OptimizerConfig optimizer,
        @Doc("Learning-rate schedule (name: constant | multistep | cosine), incl. warmup.")
        @Default("{name: cosine}") LrScheduleConfig lrSchedule,
        @Doc("Label smoothing ε of the cross-entropy loss, in [0, 1).") @Default("0.0") double labelSmoothing,
        @Doc("Training batch size; unset means data.batch_size.") @Default("null") Integer batchSize,
        @Doc("Memory layout of every input batch, training and evaluation: nchw (PyTorch's default) or "
                + "channels_last (NHWC in memory: PyTorch's CPU convs then run, and BN, ReLU and adds stay, in NHWC "
                + "through the whole network; parameters keep their layout). Same results up to float rounding; "
                + "PyTorch engine only. `./sparselab bench train` times both.")
        @Default("nchw") MemoryFormat memoryFormat,
        @Doc("How the forward passes of training and of each epoch's evaluation run: torchscript (the whole model "
                + "as one TorchScript call written from its blocks: the same ops, so the same results bit for bit, "
                + "and faster on CPU; a model with a block that has no TorchScript form, e.g. a method's masked "
                + "conv, stays on DJL's path and the log names the block; PyTorch engine only) or none (DJL, block "
                + "by block). Not part of the run's identity: both give the same run.")
        @NotHashed @Default("torchscript") ForwardCompile compile,
        @Doc("Phases run in order; empty means one phase named 'train' with the keys above.")
        @Default("[]") List<PhaseConfig> phases) {

    public TrainConfig {
        Check.positive("epochs", epochs); // a phase of 0 epochs has no schedule; drop the phase instead
        Check.inHalfOpen("label_smoothing", labelSmoothing, 0, 1);
        if (batchSize != null) Check.positive("batch_size", batchSize);
        if (memoryFormat == null) memoryFormat = MemoryFormat.NCHW;
        if (compile == null) compile = ForwardCompile.TORCHSCRIPT;
        phases = phases == null ? List.of() : List.copyOf(phases);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < phases.size(); i++) {
            if (!names.add(phases.get(i).name())) {
                throw new ConfigException("phases[" + i + "].name", "duplicate phase name '" + phases.get(i).name() + "'");
            }
        }
    }

    /** A phase override: every unset key falls back to the enclosing {@code train:} section. */
    @Doc("One training phase; unset keys inherit from train.")
    public record PhaseConfig(
            @Doc("Phase name ([a-z0-9_]+), seen by methods' hooks and written to metrics.csv.") String name,
            @Doc("Epochs of this phase.") @Default("null") Integer epochs,
            @Doc("Optimizer of this phase.") @Default("null") OptimizerConfig optimizer,
            @Doc("Learning-rate schedule of this phase.") @Default("null") LrScheduleConfig lrSchedule,
            @Doc("Label smoothing of this phase.") @Default("null") Double labelSmoothing,
            @Doc("Batch size of this phase.") @Default("null") Integer batchSize) {
        public PhaseConfig {
            if (name == null || !name.matches("[a-z0-9_]+")) throw ConfigException.expected("name", "[a-z0-9_]+", name);
            if (epochs != null) Check.positive("epochs", epochs);
            if (labelSmoothing != null) Check.inHalfOpen("label_smoothing", labelSmoothing, 0, 1);
            if (batchSize != null) Check.positive("batch_size", batchSize);
        }
    }

    /** A phase with every key decided. */
    public record ResolvedPhase(String name, int epochs, OptimizerConfig optimizer, LrScheduleConfig lrSchedule,
            double labelSmoothing, int batchSize) {}

    public List<ResolvedPhase> resolve(int dataBatchSize) {
        int bs = batchSize != null ? batchSize : dataBatchSize;
        if (phases.isEmpty()) {
            return List.of(new ResolvedPhase("train", epochs, optimizer, lrSchedule, labelSmoothing, bs));
        }
        List<ResolvedPhase> out = new ArrayList<>();
        for (PhaseConfig p : phases) {
            out.add(new ResolvedPhase(p.name(), p.epochs() != null ? p.epochs() : epochs,
                    p.optimizer() != null ? p.optimizer() : optimizer,
                    p.lrSchedule() != null ? p.lrSchedule() : lrSchedule,
                    p.labelSmoothing() != null ? p.labelSmoothing() : labelSmoothing,
                    p.batchSize() != null ? p.batchSize() : bs));
        }
        return out;
    }

    public int totalEpochs() {
        return resolve(1).stream().mapToInt(ResolvedPhase::epochs).sum();
    }
}

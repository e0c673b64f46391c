package org.sparselab.methods.cci;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.methods.Method;
import org.sparselab.methods.MethodConfig;
import org.sparselab.methods.masking.LayerSelection;
import org.sparselab.nn.LayerKind;

/**
 * CCI's options ({@code docs/methods/cci.md} §5; every one a reconstruction) and those of its baselines, which run
 * the same pipeline on another structure: {@code name: cci | unstructured | filter_pruning}. The target density is
 * k/g for all three, so one (g, k) gives CCI, unstructured pruning at equal density and filter pruning at equal MACs.
 */
@Doc("CCI sparsity (Yu, Wang et al. 2019; reconstruction): exactly k of every g consecutive input channels per output "
        + "channel and tap, trained by a gradual pipeline; name unstructured or filter_pruning runs the same pipeline "
        + "on magnitude pruning (per layer, density k/g) or L1 filter pruning (block conv1 filters kept: k/g).")
public record CciConfig(
        @Doc("cci | unstructured | filter_pruning.") String name,
        @Doc("g: consecutive input channels per group (a hardware parameter: 4, 8, 16).") @Default("4") int groupSize,
        @Doc("k: weights kept per group, 1 ≤ k ≤ g; the target density is k/g for every method.") @Default("1")
                int keepPerGroup,
        @Doc("cci: keep k whole kernels per group (scores summed over taps) instead of choosing per tap.")
                @Default("false") boolean shareAcrossTaps,
        @Doc("Layer kinds pruned (shared vocabulary); layers whose per-group input channels are not a multiple of g, "
                + "depthwise convs and the stem are exempt by rule and listed in the run log.") @Default("[block]")
                List<String> layers,
        @Doc("gradual (A: magnitude, hard mask re-applied after every step) | ste (B: straight-through re-selection, "
                + "SR-STE decay) | selective_decay (C: decay the would-be-pruned weights, then project).")
                @Default("gradual") String schedule,
        @Doc("cubic (Zhu & Gupta density ramp) | halving (cci: k halves per stage, g → g/2 → … → k).")
                @Default("cubic") String densitySchedule,
        @Doc("Training phase that prunes; later phases fine-tune with the mask frozen.") @Default("prune")
                String prunePhase,
        @Doc("Epoch of the prune phase where the ramp starts (t0); before it the model trains dense.") @Default("0")
                double rampStartEpoch,
        @Doc("Epochs of the ramp (T); null: the rest of the prune phase.") @Default("null") Double rampEpochs,
        @Doc("halving: epochs per stage.") @Default("1") double stageEpochs,
        @Doc("Iterations between mask updates (Δ); null: 100, or 1 for ste.") @Default("null")
                Integer maskUpdateInterval,
        @Doc("ste: λ_W of SR-STE's decay of the masked weights (gradient += λ_W·(1−M)⊙W); 0 = plain STE.")
                @Default("2e-4") double srsteLambda,
        @Doc("selective_decay: final λ of the decay of the would-be-pruned weights, ramped linearly from 0.")
                @Default("2e-4") double selectiveDecayMax,
        @Doc("A dense run to start from: its run directory, or a directory of runs searched for the FINISHED run "
                + "named init_from_name with this run's seed; null: from this run's own initialisation.")
                @Default("null") String initFrom,
        @Doc("With init_from a directory of runs: the config name of the dense run (a sweep point of it, named "
                + "<name>-<values>, matches too; the seed picks the point).") @Default("null")
                String initFromName,
        @Doc("b: bits per stored weight value in the storage and cycle models (8, 16, 32).") @Default("8")
                int valueBits,
        @Doc("PEs in the output-stationary array of the cycle model (one output channel each).") @Default("16")
                int peCount)
        implements MethodConfig {
    public static final List<String> NAMES = List.of("cci", "unstructured", "filter_pruning");
    public static final List<LayerKind> KINDS = List.of(LayerKind.BLOCK, LayerKind.POINTWISE, LayerKind.SHORTCUT,
            LayerKind.HEAD, LayerKind.CLASSIFIER);

    public CciConfig {
        Check.oneOf("name", name, NAMES);
        Check.positive("group_size", groupSize);
        if (keepPerGroup < 1 || keepPerGroup > groupSize) {
            throw new ConfigException("keep_per_group", "k = " + keepPerGroup + " must be in [1, group_size = "
                    + groupSize + "]: a group of g weights keeps k of them");
        }
        layers = LayerSelection.parse("layers", layers, KINDS).names();
        Check.oneOf("schedule", schedule, List.of("gradual", "ste", "selective_decay"));
        if (name.equals("filter_pruning") && !schedule.equals("gradual")) {
            throw ConfigException.expected("schedule", "gradual for filter_pruning (whole filters, hard mask)",
                    schedule);
        }
        Check.oneOf("density_schedule", densitySchedule, List.of("cubic", "halving"));
        if (densitySchedule.equals("halving") && !name.equals("cci")) {
            throw ConfigException.expected("density_schedule", "cubic for " + name + " (halving halves k of g)",
                    densitySchedule);
        }
        if (prunePhase == null || !prunePhase.matches("[a-z0-9_]+")) {
            throw ConfigException.expected("prune_phase", "a phase name [a-z0-9_]+", prunePhase);
        }
        Check.nonNegative("ramp_start_epoch", rampStartEpoch);
        if (rampEpochs != null) Check.positive("ramp_epochs", rampEpochs);
        Check.positive("stage_epochs", stageEpochs);
        if (maskUpdateInterval == null) maskUpdateInterval = schedule.equals("ste") ? 1 : 100;
        Check.positive("mask_update_interval", maskUpdateInterval);
        Check.nonNegative("srste_lambda", srsteLambda);
        Check.nonNegative("selective_decay_max", selectiveDecayMax);
        if (initFrom != null) Check.notBlank("init_from", initFrom);
        if (initFromName != null && initFrom == null) {
            throw new ConfigException("init_from_name", "names the dense run inside init_from; set init_from too");
        }
        Check.oneOf("value_bits", String.valueOf(valueBits), List.of("8", "16", "32"));
        Check.positive("pe_count", peCount);
    }

    public double density() {
        return (double) keepPerGroup / groupSize;
    }

    public LayerSelection selection() {
        return LayerSelection.parse("layers", layers, KINDS);
    }

    @Override
    public List<String> requiredPhases() {
        return List.of(prunePhase);
    }

    @Override
    public Method create() {
        return new Cci(this);
    }
}

package org.sparselab.methods.strucspars;

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
 * StrucSpars' options ({@code docs/methods/strucspars.md} §5). Defaults reproduce the official HEAD CIFAR script;
 * the ImageNet recipe changes {@code warmup_epochs}, {@code pq_init_iters}, {@code pq_epoch_iters} and
 * {@code pq_step_interval} (see {@code configs/paper/strucspars/}).
 */
@Doc("StrucSpars (Zhang et al., UAI 2021): structured sparsification into group convs with a learned channel shuffle.")
public record StrucSparsConfig(
        @Doc("Method name: strucspars.") String name,
        @Doc("Target of sparsity_metric for the λ controller and the threshold bisection (--prune-percent).")
                @Default("0.4") double targetSparsity,
        @Doc("official (get_sparsity: ×9 for layers whose path contains 'conv2', groupable convs only) | params | "
                + "macs (true removed weights / MACs of the groupable convs).") @Default("official")
                String sparsityMetric,
        @Doc("Phase that sparsifies; masking and the shuffle variant happen at its end, later phases fine-tune.")
                @Default("sparsify") String sparsifyPhase,
        @Doc("Layer kinds that become groupable (the shared mask-method vocabulary): block (spatial convs in blocks) | "
                + "pointwise (1×1 convs in blocks) | shortcut | head; the stem, depthwise convs and the classifier "
                + "never are, nor convs already grouped.") @Default("[block, pointwise, shortcut]") List<String> layers,
        @Doc("Epochs at the start of the sparsify phase with λ = 0 (the lr is not lowered).") @Default("10")
                int warmupEpochs,
        @Doc("λ controller step Δλ.") @Default("2e-6") double deltaLambda,
        @Doc("λ before the first controller step; unset means delta_lambda (official).") @Default("null")
                Double initialLambda,
        @Doc("Epochs between λ controller steps, in (0, 1]; 1 = official (end of each epoch). Smaller values are "
                + "for short CPU-scale runs (reconstruction).") @Default("1.0") double lambdaInterval,
        @Doc("Grouping threshold during sparsification: keep at least 1 - thres of the L1 mass.") @Default("0.1")
                double sparseThreshold,
        @Doc("Decay factor of the hierarchical cost matrix R and of R_g.") @Default("0.5") double decayPower,
        @Doc("true reproduces the official criterion's cap of 2^(K-1) groups; false allows 2^K.") @Default("true")
                boolean groupLevelQuirk,
        @Doc("Alternating-assignment iterations before training.") @Default("20") int pqInitIters,
        @Doc("Alternating-assignment iterations after every sparsify epoch.") @Default("10") int pqEpochIters,
        @Doc("Refresh P/Q every N training steps of the sparsify phase; 0 disables (ImageNet: 500).") @Default("0")
                int pqStepInterval,
        @Doc("Iterations of each step refresh.") @Default("5") int pqStepIters,
        @Doc("Extra random restarts of the alternating solver, keeping the best objective (official: 0).")
                @Default("0") int pqRestarts,
        @Doc("Exact assignment solver: hungarian | lapjv.") @Default("hungarian") String assignmentSolver,
        @Doc("Relative tolerance replacing the official exact 'loss1 == loss2' stop test.") @Default("1e-12")
                double assignmentTolerance,
        @Doc("gradient: W.grad += λ·sign(W)·R_g after backward (official); loss: λ·Σ R_g⊙|W| added to the loss.")
                @Default("gradient") String penaltyMode,
        @Doc("Threshold bisection steps (get_threshold).") @Default("10") int bisectionSteps,
        @Doc("Bisection accepts target ≤ sparsity ≤ target + margin.") @Default("0.01") double bisectionMargin,
        @Doc("Shuffle after sparsification: learned (keep weights, FINETUNE) | fromscratch (learned P/Q and levels, "
                + "re-initialised weights) | shufflenet (interleave) | random | none (identity); the last three "
                + "re-initialise the weights too.") @Default("learned") String shuffle)
        implements MethodConfig {
    public static final String NAME = "strucspars";
    public static final List<String> METRICS = List.of("official", "params", "macs");
    public static final List<LayerKind> KINDS = List.of(LayerKind.BLOCK, LayerKind.POINTWISE, LayerKind.SHORTCUT,
            LayerKind.HEAD);
    public static final List<String> SHUFFLES = List.of("learned", "fromscratch", "shufflenet", "random", "none");

    public StrucSparsConfig {
        Check.oneOf("name", name, List.of(NAME));
        if (!(targetSparsity > 0 && targetSparsity < 1)) {
            throw ConfigException.expected("target_sparsity", "a number in (0, 1)", targetSparsity);
        }
        Check.oneOf("sparsity_metric", sparsityMetric, METRICS);
        if (sparsifyPhase == null || !sparsifyPhase.matches("[a-z0-9_]+")) {
            throw ConfigException.expected("sparsify_phase", "a phase name [a-z0-9_]+", sparsifyPhase);
        }
        layers = LayerSelection.parse("layers", layers, KINDS).names();
        Check.nonNegative("warmup_epochs", warmupEpochs);
        Check.nonNegative("delta_lambda", deltaLambda);
        if (initialLambda != null) Check.nonNegative("initial_lambda", initialLambda);
        if (!(lambdaInterval > 0 && lambdaInterval <= 1)) {
            throw ConfigException.expected("lambda_interval", "a number in (0, 1] (epochs)", lambdaInterval);
        }
        Check.inClosed("sparse_threshold", sparseThreshold, 0, 1);
        Check.positive("decay_power", decayPower);
        Check.nonNegative("pq_init_iters", pqInitIters);
        Check.nonNegative("pq_epoch_iters", pqEpochIters);
        Check.nonNegative("pq_step_interval", pqStepInterval);
        Check.nonNegative("pq_step_iters", pqStepIters);
        Check.nonNegative("pq_restarts", pqRestarts);
        Check.oneOf("assignment_solver", assignmentSolver, AssignmentSolvers.NAMES);
        Check.nonNegative("assignment_tolerance", assignmentTolerance);
        Check.oneOf("penalty_mode", penaltyMode, List.of("gradient", "loss"));
        Check.nonNegative("bisection_steps", bisectionSteps);
        Check.nonNegative("bisection_margin", bisectionMargin);
        Check.oneOf("shuffle", shuffle, SHUFFLES);
    }

    /** The layers this method converts. */
    public LayerSelection selection() {
        return LayerSelection.parse("layers", layers, KINDS);
    }

    /** λ before the first controller step. */
    public double startLambda() {
        return initialLambda != null ? initialLambda : deltaLambda;
    }

    @Override
    public List<String> requiredPhases() {
        return List.of(sparsifyPhase);
    }

    @Override
    public Method create() {
        return new StrucSpars(this);
    }
}

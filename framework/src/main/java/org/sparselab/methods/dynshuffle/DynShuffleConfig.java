package org.sparselab.methods.dynshuffle;

import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.methods.Method;
import org.sparselab.methods.MethodConfig;

/**
 * Dynamic shuffle's options ({@code docs/methods/dynshuffle.md}). The paper's settings are unknown (only its abstract
 * is public), so every option below is a reconstruction whose default is the specification's (§6 of the spec),
 * except {@code layout} ({@code compact}, ours: the spec's {@code group_blocks} costs 31-174 % extra parameters);
 * value names are the spec's in snake case ({@code staticDynamic} → {@code static_dynamic}, {@code perGroup} →
 * {@code per_group}, {@code sdA} → {@code sd_a}).
 */
@Doc("Dynamic shuffle (Gong et al., arXiv 2310.02776): data-dependent channel permutations from Kronecker factors; "
        + "a reconstruction from the abstract, every choice below is an option.")
public record DynShuffleConfig(
        @Doc("Method name: dynshuffle.") String name,
        @Doc("Shuffle at every placed shuffle point: fixed (ShuffleNet's) | dynamic | static_dynamic.")
                @Default("fixed") String shuffle,
        @Doc("Groups G of the module (its Kronecker blocks and the cross-group shuffle); 0 = the shuffle point's own "
                + "(g of the V1 unit, 2 for V2).") @Default("0") int groups,
        @Doc("compact: Kronecker blocks sized from the channel count so that both factors are at most max_factor "
                + "(a large prime factor of C becomes the number of blocks), one small generator shared by the blocks "
                + "(each block's permutation from its own pooled channels); group_blocks: one block per group "
                + "(n = C/G split by factorization) and one generator over all C channels (the layout before "
                + "2026-12-05, whose lopsided factors such as 29×29 cost 53-174 % extra parameters).")
                @Default("compact") String layout,
        @Doc("compact layout: the largest factor size; the block size is the largest divisor of C that is n1·n2 with "
                + "n1, n2 ≤ max_factor (as square as possible).") @Default("4") int maxFactor,
        @Doc("group_blocks layout: how n = C/G splits into n1·n2: near_square (largest n1 ≤ √n dividing n). "
                + "Per-point exceptions: factors.")
                @Default("near_square") String factorization,
        @Doc("Explicit [n1, n2] per shuffle point path (e.g. stage2.block0.shuffle: [2, 12]); overrides "
                + "max_factor / factorization there (compact: n1·n2 must divide C; group_blocks: equal C/G).")
                @Default("{}") Map<String, List<Integer>> factors,
        @Doc("Reading of 'two shared small permutation matrices for each group': per_group (R1, A_g ⊗ B_g per "
                + "group) | shared (R2, one A ⊗ B for all groups) | group_factor (R3, P_G ⊗ P_n).")
                @Default("per_group") String sharing,
        @Doc("Shuffle points that get the module: [all], or path prefixes such as stage3 or stage2.block1; the "
                + "others keep the fixed shuffle.") @Default("[all]") List<String> placement,
        @Doc("Generator FC1 width: auto = max(n1 + n2, 8) in the compact layout (sized from the factors: one unit per "
                + "factor row), max(C/4, 16) in group_blocks; or a positive integer.")
                @Default("auto") String hiddenWidth,
        @Doc("BatchNorm after the generator's FC1.") @Default("false") boolean generatorBatchNorm,
        @Doc("κ: FC2's bias starts as κ·vec(I), so every factor starts near the identity (= ShuffleNet's shuffle).")
                @Default("4.0") double identityInitScale,
        @Doc("Standard deviation of FC2's weight initialisation N(0, std²).") @Default("1e-3") double fc2InitStd,
        @Doc("τ of the row softmax.") @Default("1.0") double temperature,
        @Doc("Temperature schedule over training: none | cosine (τ → temperature_min).") @Default("none")
                String temperatureAnneal,
        @Doc("Final τ of the cosine anneal.") @Default("0.2") double temperatureMin,
        @Doc("λ of the orthogonality loss λ·mean_M ‖MMᵀ − I‖²/dim(M) (sweep 1e-3, 1e-2, 1e-1).") @Default("1e-2")
                double orthLambda,
        @Doc("When forwards use hard one-hot factors: never | ste_after_warmup | ste_always (training, straight-"
                + "through) | test_only (evaluation only). Evaluation is hard unless never.")
                @Default("ste_after_warmup") String binarize,
        @Doc("Fraction of all training epochs (counted across phases, per step) with soft factors before STE.")
                @Default("0.1") double softWarmupFraction,
        @Doc("Inference repair of argmax collisions (on −log P): hungarian | lapjv (exact) | greedy | none.")
                @Default("hungarian") String collisionRepair,
        @Doc("Hard factors of the straight-through training forward: argmax (each row's argmax; where rows collide "
                + "a channel is duplicated and another dropped, which the evaluation's repair then undoes, so training "
                + "and evaluation forwards differ there) | repaired (collision_repair applied in training too: the "
                + "forward is a permutation, the one evaluation uses). Not in the spec; argmax is the behaviour before "
                + "2026-12-06. Static-dynamic needs repaired (docs/methods/dynshuffle.md, Reproduction result).")
                @Default("argmax") String steForward,
        @Doc("Hard permutation at inference as a per-sample channel gather (0 MACs) or as matmul with one-hot factors.")
                @Default("gather") String inferencePath,
        @Doc("Where the inference path turns logits into the gather index: device (argmax, collision count and index "
                + "arithmetic as engine ops; logits come back to the host only when a factor's argmax collides and "
                + "collision_repair is not none) | host (logits read back, index built in Java: fewer engine calls, "
                + "measured faster on CPU by bench dynshuffle) | auto (device on a GPU, host on the CPU). Same "
                + "permutations either way.") @Default("auto") String hardIndex,
        @Doc("Static-dynamic form: sd_a (W1⊗W2 + A⊗B) | sd_b (dense n×n W per group + A⊗B) | sd_c ((A+W1)⊗(B+W2)).")
                @Default("sd_a") String staticForm,
        @Doc("Initialisation of the static matrices: identity | orthogonal (random, seeded by the model init).")
                @Default("identity") String staticInit,
        @Doc("Scale of each static factor at initialisation (not in the spec: 1 = its identity/orthogonal init).")
                @Default("1.0") double staticInitGain,
        @Doc("1×1 convs (in = out, groups 1) replaced by a static-dynamic layer, by path suffix (e.g. branch2.pw2); "
                + "empty = none (not in the spec's experiments: its 'lightweight pointwise replacement').")
                @Default("[]") List<String> replacePointwise)
        implements MethodConfig {
    public static final String NAME = "dynshuffle";
    public static final List<String> SHUFFLES = List.of("fixed", "dynamic", "static_dynamic");
    public static final String COMPACT = "compact";
    public static final String GROUP_BLOCKS = "group_blocks";
    public static final List<String> LAYOUTS = List.of(COMPACT, GROUP_BLOCKS);
    public static final List<String> FACTORIZATIONS = List.of("near_square");
    public static final List<String> SHARINGS = List.of("per_group", "shared", "group_factor");
    public static final List<String> ANNEALS = List.of("none", "cosine");
    public static final List<String> BINARIZE = List.of("never", "ste_after_warmup", "ste_always", "test_only");
    public static final List<String> REPAIRS = List.of("hungarian", "lapjv", "greedy", "none");
    public static final List<String> STE_FORWARDS = List.of("argmax", "repaired");
    public static final List<String> PATHS = List.of("gather", "matmul");
    public static final List<String> HARD_INDEX = List.of("auto", "device", "host");
    public static final List<String> STATIC_FORMS = List.of("sd_a", "sd_b", "sd_c");
    public static final List<String> STATIC_INITS = List.of("identity", "orthogonal");

    public DynShuffleConfig {
        Check.oneOf("name", name, List.of(NAME));
        Check.oneOf("shuffle", shuffle, SHUFFLES);
        Check.nonNegative("groups", groups);
        Check.oneOf("layout", layout, LAYOUTS);
        Check.positive("max_factor", maxFactor);
        Check.oneOf("factorization", factorization, FACTORIZATIONS);
        factors = Map.copyOf(factors);
        for (Map.Entry<String, List<Integer>> e : factors.entrySet()) {
            List<Integer> f = e.getValue();
            if (f.size() != 2 || f.get(0) == null || f.get(1) == null || f.get(0) <= 0 || f.get(1) <= 0) {
                throw ConfigException.expected("factors." + e.getKey(), "[n1, n2] with two positive integers", f);
            }
        }
        Check.oneOf("sharing", sharing, SHARINGS);
        if (layout.equals(COMPACT) && sharing.equals("group_factor")) {
            throw new ConfigException("sharing", "group_factor (P_G ⊗ P_n) needs layout: group_blocks; the compact "
                    + "layout takes per_group or shared");
        }
        placement = List.copyOf(placement);
        if (placement.isEmpty()) throw ConfigException.expected("placement", "[all] or shuffle path prefixes", placement);
        for (int i = 0; i < placement.size(); i++) Check.notBlank("placement[" + i + "]", placement.get(i));
        if (!hiddenWidth.equals("auto") && !hiddenWidth.matches("[1-9][0-9]{0,6}")) {
            throw ConfigException.expected("hidden_width", "auto or a positive integer", hiddenWidth);
        }
        Check.nonNegative("identity_init_scale", identityInitScale);
        Check.nonNegative("fc2_init_std", fc2InitStd);
        Check.positive("temperature", temperature);
        Check.oneOf("temperature_anneal", temperatureAnneal, ANNEALS);
        Check.positive("temperature_min", temperatureMin);
        Check.nonNegative("orth_lambda", orthLambda);
        Check.oneOf("binarize", binarize, BINARIZE);
        Check.inClosed("soft_warmup_fraction", softWarmupFraction, 0, 1);
        Check.oneOf("collision_repair", collisionRepair, REPAIRS);
        Check.oneOf("ste_forward", steForward, STE_FORWARDS);
        if (steForward.equals("repaired") && collisionRepair.equals("none")) {
            throw new ConfigException("ste_forward", "repaired applies collision_repair in training, which is none "
                    + "here; set collision_repair to hungarian, lapjv or greedy, or ste_forward to argmax");
        }
        Check.oneOf("inference_path", inferencePath, PATHS);
        Check.oneOf("hard_index", hardIndex, HARD_INDEX);
        Check.oneOf("static_form", staticForm, STATIC_FORMS);
        Check.oneOf("static_init", staticInit, STATIC_INITS);
        Check.positive("static_init_gain", staticInitGain);
        replacePointwise = List.copyOf(replacePointwise);
        for (int i = 0; i < replacePointwise.size(); i++) Check.notBlank("replace_pointwise[" + i + "]", replacePointwise.get(i));
    }

    /** Generator FC1 width for a shuffle of {@code layout}: see {@code hidden_width}. */
    public int hiddenWidthFor(ShuffleLayout l) {
        if (!hiddenWidth.equals("auto")) return Integer.parseInt(hiddenWidth);
        return compact() ? Math.max(l.n1() + l.n2(), 8) : Math.max(l.channels() / 4, 16);
    }

    /** Whether the compact layout (blocks from the channel count, one generator shared by the blocks) is used. */
    public boolean compact() {
        return layout.equals(COMPACT);
    }

    /** Whether the model's shuffles are replaced at all. */
    public boolean dynamic() {
        return !shuffle.equals("fixed");
    }

    @Override
    public Method create() {
        return new DynShuffle(this);
    }
}

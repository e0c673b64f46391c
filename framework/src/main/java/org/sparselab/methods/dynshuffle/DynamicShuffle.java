package org.sparselab.methods.dynshuffle;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import org.sparselab.nn.ChannelGather;
import org.sparselab.nn.Constants;
import org.sparselab.nn.HostArrays;
import org.sparselab.nn.CostedLayer;
import org.sparselab.nn.LayerCost;
import org.sparselab.nn.LayerTrace;

/**
 * Dynamic shuffle (spec §2.10): a generator GAP → FC1 → (BN) → ReLU → FC2 makes, per sample, Kronecker factors A
 * (n1×n1) and B (n2×n2) for each block (compact layout: one small generator shared by the blocks, applied to each
 * block's pooled channels; group_blocks: one generator from all pooled channels to every block's factors);
 * {@code y = S_cross · blockdiag_b(A_b ⊗ B_b) · x}, applied as two small batched matmuls ({@link
 * FactoredPermutation}). Optionally static-dynamic (§2.9): a learnable static matrix added
 * to the dynamic one.
 *
 * <p>Training: row softmax with temperature τ; the soft factors' orthogonality term is kept for the method's extra
 * loss ({@link #takeOrthogonality}); after the warm-up the forward uses the straight-through hard factors. Evaluation
 * (unless {@code binarize: never}): the argmax of every factor, repaired to a permutation when rows collide, applied
 * as one per-sample channel gather with the cross-group shuffle folded into the indices (0 MACs), or as a matmul
 * with one-hot factors ({@code inference_path: matmul}, and always for {@code sd_c}).
 *
 * <p>Reconstruction (paper silent): every choice here is an option of {@link DynShuffleConfig}.
 */
public final class DynamicShuffle extends AbstractBlock implements CostedLayer {
    private static final byte VERSION = 1;

    private final ShuffleLayout layout;
    private final DynShuffleConfig cfg;
    private final String staticForm; // null: purely dynamic
    private final int hidden;
    private final boolean perBlock; // compact: the generator maps each block's n pooled channels to its own factors
    private final int generatorIn; // FC1 inputs: n per block (compact) or C
    private final int generatorOut; // FC2 outputs: n1² + n2² per factor set (compact) or all logits
    private final PermutationRepair repair;
    private final boolean repairInTraining; // ste_forward: repaired
    private final Parameter fc1Weight;
    private final Parameter fc1Bias;
    private final Parameter fc2Weight;
    private final Parameter fc2Bias;
    private final Parameter bnGamma;
    private final Parameter bnBeta;
    private final Parameter bnMean;
    private final Parameter bnVar;
    private final Parameter static1; // sd_a/sd_c: W1 (blocks, n1, n1); sd_b: W (blocks, m, m)
    private final Parameter static2; // sd_a/sd_c: W2 (blocks, n2, n2)
    private final CostedLayer generatorCost = new GeneratorCost();

    // Set by the method between steps.
    private boolean steHard;
    private double tau;
    // The last training forward's orthogonality sum (in the batch's scope) and how many matrices it covers.
    private NDArray orth;
    private int orthCount;
    // Argmax collisions of the factor rows: training forwards (soft or STE) and evaluation forwards (before repair).
    private long trainRows;
    private long trainCollisions;
    private long evalRows;
    private long evalCollisions;

    /**
     * @param staticForm null for the purely dynamic shuffle, else sd_a | sd_b | sd_c (static-dynamic)
     */
    public DynamicShuffle(ShuffleLayout layout, DynShuffleConfig cfg, String staticForm) {
        super(VERSION);
        this.layout = layout;
        this.cfg = cfg;
        this.staticForm = staticForm;
        this.tau = cfg.temperature();
        this.steHard = cfg.binarize().equals("ste_always");
        this.repair = new PermutationRepair(cfg.collisionRepair());
        this.repairInTraining = cfg.steForward().equals("repaired");
        perBlock = cfg.compact();
        hidden = cfg.hiddenWidthFor(layout);
        generatorIn = perBlock ? layout.blockSize() : layout.channels();
        generatorOut = perBlock ? layout.n1() * layout.n1() + layout.n2() * layout.n2() : layout.logits();
        Initializer torchDefault = new UniformInitializer((float) (1 / Math.sqrt(generatorIn)));
        fc1Weight = param("fc1_weight", Parameter.Type.WEIGHT, new Shape(hidden, generatorIn), torchDefault);
        fc1Bias = param("fc1_bias", Parameter.Type.BIAS, new Shape(hidden), torchDefault);
        if (cfg.generatorBatchNorm()) {
            bnGamma = param("bn_gamma", Parameter.Type.GAMMA, new Shape(hidden), Initializer.ONES);
            bnBeta = param("bn_beta", Parameter.Type.BETA, new Shape(hidden), Initializer.ZEROS);
            bnMean = addParameter(Parameter.builder().setName("bn_running_mean").setType(Parameter.Type.RUNNING_MEAN)
                    .optShape(new Shape(hidden)).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
            bnVar = addParameter(Parameter.builder().setName("bn_running_var").setType(Parameter.Type.RUNNING_VAR)
                    .optShape(new Shape(hidden)).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
        } else {
            bnGamma = bnBeta = bnMean = bnVar = null;
        }
        fc2Weight = param("fc2_weight", Parameter.Type.WEIGHT, new Shape(generatorOut, hidden),
                new NormalInitializer((float) cfg.fc2InitStd()));
        float kappa = (float) cfg.identityInitScale();
        fc2Bias = param("fc2_bias", Parameter.Type.BIAS, new Shape(generatorOut), (m, shape, type) -> m.create(
                perBlock ? identityLogits(layout.n1(), layout.n2(), 1, kappa) : identityLogits(layout, kappa), shape));
        // Static matrices are typed BIAS so that decay_norm_and_bias: false keeps weight decay off them (spec §5.9:
        // decay would pull them to 0, not to I).
        int blocks = layout.blocks();
        if (staticForm == null) {
            static1 = static2 = null;
        } else if (staticForm.equals("sd_b")) {
            static1 = param("static_w", Parameter.Type.BIAS, new Shape(blocks, layout.blockSize(),
                    layout.blockSize()), staticInit(cfg.staticInitGain()));
            static2 = null;
        } else {
            // sd_a: W1 ⊗ W2 scales as gain², so each factor gets √gain; sd_c adds W1 to A, so each factor gets gain.
            double g = staticForm.equals("sd_a") ? Math.sqrt(cfg.staticInitGain()) : cfg.staticInitGain();
            static1 = param("static_w1", Parameter.Type.BIAS, new Shape(blocks, layout.n1(), layout.n1()),
                    staticInit(g));
            static2 = param("static_w2", Parameter.Type.BIAS, new Shape(blocks, layout.n2(), layout.n2()),
                    staticInit(g));
        }
    }

    private Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init)
                .build());
    }

    private Initializer staticInit(double gain) {
        boolean orthogonal = cfg.staticInit().equals("orthogonal");
        return (m, shape, type) -> {
            int blocks = (int) shape.get(0);
            int d = (int) shape.get(1);
            float[] v;
            if (orthogonal) {
                try (NDArray r = m.randomNormal(shape)) { // the engine RNG, seeded by the model init
                    v = r.toFloatArray();
                }
                for (int b = 0; b < blocks; b++) orthonormalRows(v, b * d * d, d);
            } else {
                v = new float[blocks * d * d];
                for (int b = 0; b < blocks; b++) {
                    for (int i = 0; i < d; i++) v[b * d * d + i * d + i] = 1;
                }
            }
            for (int i = 0; i < v.length; i++) v[i] *= (float) gain;
            return m.create(v, shape);
        };
    }

    /** Gram–Schmidt on the rows of the d×d block at {@code offset}: a random orthogonal matrix from a Gaussian one. */
    static void orthonormalRows(float[] v, int offset, int d) {
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += v[offset + i * d + j] * v[offset + k * d + j];
                for (int j = 0; j < d; j++) v[offset + i * d + j] -= (float) (dot * v[offset + k * d + j]);
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += v[offset + i * d + j] * v[offset + i * d + j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) v[offset + i * d + j] /= (float) norm;
        }
    }

    /** κ·vec(I) for every factor, in the logits' order: all A factors, then all B factors. */
    static float[] identityLogits(ShuffleLayout l, float kappa) {
        return identityLogits(l.n1(), l.n2(), l.factorSets(), kappa);
    }

    /** κ·vec(I) for {@code sets} A (n1×n1) factors, then {@code sets} B (n2×n2) factors. */
    static float[] identityLogits(int n1, int n2, int sets, float kappa) {
        float[] v = new float[sets * (n1 * n1 + n2 * n2)];
        int at = 0;
        for (int d : new int[] {n1, n2}) {
            for (int f = 0; f < sets; f++) {
                for (int i = 0; i < d; i++) v[at + i * d + i] = kappa;
                at += d * d;
            }
        }
        return v;
    }

    public ShuffleLayout layout() {
        return layout;
    }

    public boolean isStaticDynamic() {
        return staticForm != null;
    }

    /** Sets the training forward's mode: straight-through hard factors or soft ones, and the temperature. */
    void schedule(boolean hard, double temperature) {
        this.steHard = hard;
        this.tau = temperature;
    }

    boolean steHard() {
        return steHard;
    }

    /**
     * The last training forward's Σ_M ‖MMᵀ − I‖²/dim(M) (batch mean) and the number of matrices M it sums over
     * (2 per factor set), then forgets it; null when no training forward ran since the last call.
     */
    NDArray takeOrthogonality() {
        NDArray o = orth;
        orth = null;
        return o;
    }

    int orthogonalityCount() {
        return orthCount;
    }

    /** {trainRows, trainCollisions, evalRows, evalCollisions} since the last reset. */
    long[] collisionCounts() {
        return new long[] {trainRows, trainCollisions, evalRows, evalCollisions};
    }

    void resetCounts() {
        trainRows = trainCollisions = evalRows = evalCollisions = 0;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        NDArray z = logits(ps, x, training);
        boolean hardEval = !training && !cfg.binarize().equals("never");
        NDArray y = hardEval ? hardForward(ps, x, z) : softForward(ps, x, z, training);
        if (LayerTrace.active()) {
            LayerTrace.record(generatorCost, s, z.getShape());
            LayerTrace.record(this, s, s);
        }
        return new NDList(y.getShape().equals(s) ? y : y.reshape(s));
    }

    /**
     * The generator: (N, C, H, W) → (N, logits). group_blocks: all A factors' logits first, then all B factors'.
     * Compact: the pooled channels as (N·sets, n) rows, one per block (or their mean over blocks when shared), through
     * the shared FCs to (N·sets, n1² + n2²), so each set's A then B logits follow each other (see
     * {@link #factorLogits}); no regrouping, which would cost five engine calls per point.
     */
    NDArray logits(ParameterStore ps, NDArray x, boolean training) {
        Device d = x.getDevice();
        Shape s = x.getShape();
        long n = s.get(0);
        NDArray pooled = x.reshape(n, s.get(1), -1).mean(new int[] {2}); // GAP (PyTorch's mean takes one axis)
        int sets = layout.factorSets();
        if (perBlock && layout.sharedFactors()) {
            pooled = pooled.reshape(n, layout.blocks(), generatorIn).mean(new int[] {1});
        } else if (perBlock) {
            pooled = pooled.reshape(n * sets, generatorIn);
        }
        NDArray h = Linear.linear(pooled, ps.getValue(fc1Weight, d, training), ps.getValue(fc1Bias, d, training))
                .head();
        if (bnGamma != null) {
            h = BatchNorm.batchNorm(h, ps.getValue(bnMean, d, training), ps.getValue(bnVar, d, training),
                    ps.getValue(bnGamma, d, training), ps.getValue(bnBeta, d, training), 1, 0.9f, 1e-5f, training)
                    .head();
        }
        NDArray z = Linear.linear(Activation.relu(h), ps.getValue(fc2Weight, d, training),
                ps.getValue(fc2Bias, d, training)).head();
        return perBlock && sets > 1 ? z.reshape(n, -1) : z;
    }

    /** The logits of A (N, F, n1, n1) and of B (N, F, n2, n2) in z (N, logits), whichever the layout. */
    NDArray[] factorLogits(NDArray z, long n) {
        int f = layout.factorSets();
        int n1 = layout.n1();
        int n2 = layout.n2();
        if (perBlock) {
            NDArray rows = f == 1 ? z : z.reshape(n, f, generatorOut);
            String all = f == 1 ? ":, " : ":, :, ";
            return new NDArray[] {
                rows.get(new NDIndex(all + "0:{}", n1 * n1)).reshape(n, f, n1, n1),
                rows.get(new NDIndex(all + "{}:", n1 * n1)).reshape(n, f, n2, n2)};
        }
        int la = layout.logitsA();
        return new NDArray[] {
            z.get(new NDIndex(":, 0:{}", la)).reshape(n, f, n1, n1),
            z.get(new NDIndex(":, {}:", la)).reshape(n, f, n2, n2)};
    }

    /** Offset in one sample's logits of factor set k's A ({@code b} false) or B ({@code b} true) block. */
    private int offset(int k, boolean b) {
        int a = layout.n1() * layout.n1();
        if (perBlock) return k * generatorOut + (b ? a : 0);
        return b ? layout.logitsA() + k * layout.n2() * layout.n2() : k * a;
    }

    private NDArray softForward(ParameterStore ps, NDArray x, NDArray z, boolean training) {
        long n = x.getShape().get(0);
        int f = layout.factorSets();
        NDArray scaled = tau == 1.0 ? z : z.div(Constants.scalar(z, tau));
        NDArray[] zf = factorLogits(scaled, n);
        NDArray a = zf[0].softmax(-1);
        NDArray b = zf[1].softmax(-1);
        if (training) {
            if (cfg.orthLambda() > 0) {
                orth = FactoredPermutation.orthSum(a).add(FactoredPermutation.orthSum(b));
                orthCount = 2 * f;
            }
            NDArray ia = a.argMax(-1);
            NDArray ib = b.argMax(-1);
            // | not ||: both factors' collisions are counted.
            boolean collided = countTraining(ia.toLongArray(), layout.n1()) | countTraining(ib.toLongArray(),
                    layout.n2());
            if (steHard && collided && repairInTraining) {
                // The evaluation's permutations (repair on z: the same assignment as on z/τ, row by row).
                int[][][][] perms = permutations(z.toFloatArray(), (int) n, false);
                NDManager m = x.getManager();
                a = FactoredPermutation.straightThrough(a, oneHot(m, perms[0], layout.n1()).toDevice(a.getDevice(),
                        false).toType(a.getDataType(), false));
                b = FactoredPermutation.straightThrough(b, oneHot(m, perms[1], layout.n2()).toDevice(b.getDevice(),
                        false).toType(b.getDataType(), false));
            } else if (steHard) {
                a = FactoredPermutation.straightThrough(a, ia.oneHot(layout.n1()).toType(a.getDataType(), false));
                b = FactoredPermutation.straightThrough(b, ib.oneHot(layout.n2()).toType(b.getDataType(), false));
            }
        }
        return combine(ps, x, a, b, training);
    }

    /** Adds the factors' argmax collisions to the training counts; whether any row collided. */
    private boolean countTraining(long[] argmax, int d) {
        int[] row = new int[d];
        long before = trainCollisions;
        for (int start = 0; start < argmax.length; start += d) {
            for (int i = 0; i < d; i++) row[i] = (int) argmax[start + i];
            trainCollisions += PermutationRepair.collisions(row);
        }
        trainRows += argmax.length;
        return trainCollisions > before;
    }

    /** {@code S_cross · (dynamic + static)} of x for factors a and b (soft, STE or one-hot). */
    private NDArray combine(ParameterStore ps, NDArray x, NDArray a, NDArray b, boolean training) {
        NDArray pre;
        if (staticForm == null) {
            pre = FactoredPermutation.applyKron(x, a, b, layout);
        } else if (staticForm.equals("sd_c")) {
            pre = FactoredPermutation.applyKron(x, a.add(staticFactor(ps, static1, x, training)),
                    b.add(staticFactor(ps, static2, x, training)), layout);
        } else {
            pre = FactoredPermutation.applyKron(x, a, b, layout).add(staticPart(ps, x, training));
        }
        return FactoredPermutation.crossShuffle(pre, layout.groups());
    }

    /** The static matrices' product with x, before the cross-group shuffle (sd_a, sd_b). */
    private NDArray staticPart(ParameterStore ps, NDArray x, boolean training) {
        if (staticForm.equals("sd_b")) {
            return FactoredPermutation.applyBlocks(x, staticFactor(ps, static1, x, training), layout);
        }
        return FactoredPermutation.applyKron(x, staticFactor(ps, static1, x, training),
                staticFactor(ps, static2, x, training), layout);
    }

    /** A static parameter (blocks, d, d) as (1, blocks, d, d). */
    private static NDArray staticFactor(ParameterStore ps, Parameter p, NDArray x, boolean training) {
        NDArray w = ps.getValue(p, x.getDevice(), training);
        Shape s = w.getShape();
        // A view of a parameter lands in the model's manager; it belongs to this pass (see MaskedConv2d).
        NDArray view = w.reshape(1, s.get(0), s.get(1), s.get(2));
        view.attach(x.getManager());
        return view;
    }

    /** Evaluation with hard, repaired permutations: a gather (0 MACs) or a matmul with one-hot factors. */
    private NDArray hardForward(ParameterStore ps, NDArray x, NDArray z) {
        boolean gather = cfg.inferencePath().equals("gather") && !"sd_c".equals(staticForm);
        // One engine call per step of the index costs more than reading the logits back on the CPU (bench
        // dynshuffle, per-point table); on a GPU the read-back is a synchronisation, so auto keeps it there.
        boolean onDevice = cfg.hardIndex().equals("device")
                || cfg.hardIndex().equals("auto") && x.getDevice().isGpu();
        if (!onDevice) return hardForwardHost(ps, x, z, gather);
        int n = (int) x.getShape().get(0);
        NDArray[] f = hardFactors(z, n);
        if (gather) return gathered(ps, x, gatherIndex(f[0], f[1], n));
        NDArray a = f[0].oneHot(layout.n1(), x.getDataType());
        NDArray b = f[1].oneHot(layout.n2(), x.getDataType());
        return combine(ps, x, a, b, false);
    }

    /** x's channels gathered by the row {@code index} (0 MACs), plus the static part of a static-dynamic layer. */
    private NDArray gathered(ParameterStore ps, NDArray x, NDArray index) {
        NDArray y = ChannelGather.rows(x, index);
        if (staticForm == null) return y; // x's shape: no reshape
        return y.reshape(x.getShape().get(0), layout.channels(), -1)
                .add(FactoredPermutation.crossShuffle(staticPart(ps, x, false), layout.groups()));
    }

    /**
     * The repaired permutations as engine arrays, A's (N, F, n1) and B's (N, F, n2) (int64 column of each row), on
     * z's device. The argmax and the collision count run there; one scalar comes back. Only when some factor collides
     * (and a repair is configured) do the logits come back, the colliding factors are repaired on the host exactly
     * as {@link #permutations} does, and the result goes back.
     */
    NDArray[] hardFactors(NDArray z, int n) {
        int f = layout.factorSets();
        int n1 = layout.n1();
        int n2 = layout.n2();
        NDArray[] zf = factorLogits(z, n);
        NDArray ia = zf[0].argMax(-1);
        NDArray ib = zf[1].argMax(-1);
        // Distinct columns per factor, summed: rows − distinct = the rows whose column another row took.
        long rows = (long) n * f * (n1 + n2);
        long distinct = distinctColumns(ia, n1).add(distinctColumns(ib, n2)).toLongArray()[0];
        long collisions = rows - distinct;
        evalCollisions += collisions;
        evalRows += rows;
        if (collisions == 0 || cfg.collisionRepair().equals("none")) return new NDArray[] {ia, ib};
        int[][][][] perms = permutations(z.toFloatArray(), n, false);
        NDManager m = z.getManager();
        return new NDArray[] {
            m.create(flat(perms[0]), new Shape(n, f, n1)).toDevice(z.getDevice(), false),
            m.create(flat(perms[1]), new Shape(n, f, n2)).toDevice(z.getDevice(), false)};
    }

    /** Σ over the (…, d) argmax rows of each factor of its number of distinct columns, as a 0-d int64 array. */
    private static NDArray distinctColumns(NDArray argmax, int d) {
        return argmax.oneHot(d).sum(new int[] {-2}).gt(0).sum().toType(DataType.INT64, false);
    }

    private static long[] flat(int[][][] perms) {
        int n = perms.length;
        int f = perms[0].length;
        int d = perms[0][0].length;
        long[] v = new long[n * f * d];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < f; k++) {
                for (int i = 0; i < d; i++) v[(s * f + k) * d + i] = perms[s][k][i];
            }
        }
        return v;
    }

    /**
     * {@link FactoredPermutation#gatherRows} as engine arithmetic on the factors' columns: within block b, output
     * channel i·n2 + j takes b·m + A[i]·n2 + B[j]; the cross-group shuffle reorders those sources; sample s adds s·C.
     */
    NDArray gatherIndex(NDArray ia, NDArray ib, int n) {
        long n2 = layout.n2();
        NDArray within = ia.mul(n2).expandDims(-1).add(ib.expandDims(-2)); // (N, F, n1, n2)
        NDManager m = ia.getManager();
        int m1 = layout.blockSize();
        NDArray offsets = m.arange(0, layout.blocks() * m1, m1, DataType.INT64)
                .reshape(1, layout.blocks(), 1, 1).toDevice(ia.getDevice(), false);
        NDArray sources = FactoredPermutation.crossShuffle(within.add(offsets).reshape(n, layout.channels(), 1),
                layout.groups()).reshape(n, layout.channels());
        NDArray base = m.arange(0, n * layout.channels(), layout.channels(), DataType.INT64)
                .reshape(n, 1).toDevice(ia.getDevice(), false);
        return sources.add(base).reshape(-1);
    }

    /** The host path ({@code hard_index: host}, or auto on the CPU): logits read back, index built in Java. */
    private NDArray hardForwardHost(ParameterStore ps, NDArray x, NDArray z, boolean gather) {
        int n = (int) x.getShape().get(0);
        NDManager m = x.getManager();
        if (gather) return gathered(ps, x, hostIndex(z, n, m).toDevice(x.getDevice(), false));
        int[][][][] perms = permutations(z.toFloatArray(), n);
        NDArray a = oneHot(m, perms[0], layout.n1()).toDevice(x.getDevice(), false);
        NDArray b = oneHot(m, perms[1], layout.n2()).toDevice(x.getDevice(), false);
        return combine(ps, x, a, b, false);
    }

    /** The host path's gather index: {@link #hostRows} of the logits {@code z}, as an engine array of {@code m}. */
    NDArray hostIndex(NDArray z, int n, NDManager m) {
        return HostArrays.int64(hostRows(z.toFloatArray(), n), m);
    }

    /**
     * {@link FactoredPermutation#gatherRows} of {@link #permutations}, the same rows and collision counts, one sample
     * at a time in reused arrays: at batch 64 the per-factor arrays of {@code permutations} cost as much as the rest
     * of the index (bench dynshuffle, per-point table).
     */
    long[] hostRows(float[] z, int n) {
        int f = layout.factorSets();
        int n1 = layout.n1();
        int n2 = layout.n2();
        int[][] a = new int[f][n1];
        int[][] b = new int[f][n2];
        boolean[] seen = new boolean[Math.max(n1, n2)];
        int[] within = new int[layout.channels()];
        long[] rows = new long[n * layout.channels()];
        for (int s = 0; s < n; s++) {
            int base = s * layout.logits();
            for (int k = 0; k < f; k++) {
                a[k] = hard(z, base + offset(k, false), n1, a[k], seen, true);
                b[k] = hard(z, base + offset(k, true), n2, b[k], seen, true);
            }
            FactoredPermutation.sampleRows(a, b, layout, s, within, rows);
        }
        return rows;
    }

    /** perms[0][sample][set] = A's permutation, perms[1][sample][set] = B's, argmax-repaired; counts collisions. */
    int[][][][] permutations(float[] z, int n) {
        return permutations(z, n, true);
    }

    /** As {@link #permutations(float[], int)}; {@code count}: add to the evaluation collision counts. */
    private int[][][][] permutations(float[] z, int n, boolean count) {
        int f = layout.factorSets();
        int n1 = layout.n1();
        int n2 = layout.n2();
        int[][][][] out = new int[2][n][f][];
        for (int s = 0; s < n; s++) {
            int base = s * layout.logits();
            for (int k = 0; k < f; k++) {
                out[0][s][k] = hard(z, base + offset(k, false), n1, count);
                out[1][s][k] = hard(z, base + offset(k, true), n2, count);
            }
        }
        return out;
    }

    private int[] hard(float[] z, int offset, int d, boolean count) {
        return hard(z, offset, d, new int[d], new boolean[d], count);
    }

    /**
     * The hard permutation of the d×d logits block at {@code offset}: its argmax in {@code out}, returned, or the
     * repair's own array when rows collide; {@code seen}: scratch; {@code count}: add to the evaluation collision
     * counts.
     */
    private int[] hard(float[] z, int offset, int d, int[] out, boolean[] seen, boolean count) {
        PermutationRepair.argmaxInto(z, offset, d, out);
        int collisions = PermutationRepair.collisions(out, d, seen);
        if (count) {
            evalCollisions += collisions;
            evalRows += d;
        }
        return collisions == 0 ? out : repair.repair(z, offset, d, out);
    }

    /** (N, F, d, d) one-hot rows from permutations. */
    static NDArray oneHot(NDManager m, int[][][] perms, int d) {
        int n = perms.length;
        int f = perms[0].length;
        float[] v = new float[n * f * d * d];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < f; k++) {
                for (int i = 0; i < d; i++) v[((s * f + k) * d + i) * d + perms[s][k][i]] = 1;
            }
        }
        return m.create(v, new Shape(n, f, d, d));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        if (inputShapes[0].get(1) != layout.channels()) {
            throw new IllegalArgumentException("dynamic shuffle " + layout.path() + " expects " + layout.channels()
                    + " channels, got " + inputShapes[0]);
        }
    }

    @Override
    public String path() {
        return layout.path();
    }

    @Override
    public String kind() {
        return staticForm == null ? "dynshuffle" : "static_dynamic";
    }

    /**
     * The shuffle itself (the generator is its own row, {@code <path>.generator}). MACs: the soft (training) path,
     * S·C·(n1+n2) per Kronecker application; effective MACs: the inference path, 0 for the gather, plus the static
     * part of a static-dynamic layer. Parameters: the static matrices.
     */
    @Override
    public LayerCost cost(Shape input, Shape output) {
        long spatial = input.size() / (input.get(0) * input.get(1));
        long c = layout.channels();
        long kron = spatial * c * (layout.n1() + layout.n2());
        long dense = spatial * c * layout.blockSize();
        long params = 0;
        long macs = kron;
        long inference = cfg.binarize().equals("never") || cfg.inferencePath().equals("matmul") ? kron : 0;
        if (staticForm != null) {
            switch (staticForm) {
                case "sd_a" -> {
                    params = (long) layout.blocks() * (layout.n1() * layout.n1() + layout.n2() * layout.n2());
                    macs += kron;
                    inference += kron;
                }
                case "sd_b" -> {
                    params = (long) layout.blocks() * layout.blockSize() * layout.blockSize();
                    macs += dense;
                    inference += dense;
                }
                default -> { // sd_c: one application of (A + W1) ⊗ (B + W2), never a gather
                    params = (long) layout.blocks() * (layout.n1() * layout.n1() + layout.n2() * layout.n2());
                    inference = kron;
                }
            }
        }
        String shape = c + " ch, " + layout.blocks() + "×(" + layout.n1() + "⊗" + layout.n2() + ")"
                + (layout.sharedFactors() ? " shared" : "") + ", G " + layout.groups();
        return new LayerCost(shape, 1, params, params, macs, inference);
    }

    /** Generator parameters: FC1, FC2 (weights and biases) and the optional BN's γ, β. */
    public long generatorParams() {
        return (long) generatorIn * hidden + hidden + (long) hidden * generatorOut + generatorOut
                + (bnGamma != null ? 2L * hidden : 0);
    }

    /** Generator MACs per sample: GAP (C·S adds), the mean over blocks when shared (C), FC1 and FC2 per row. */
    long generatorMacs(long spatial) {
        long c = layout.channels();
        long rows = perBlock ? layout.factorSets() : 1;
        long blockMean = perBlock && layout.sharedFactors() ? c : 0;
        return c * spatial + blockMean + rows * ((long) generatorIn * hidden + (long) hidden * generatorOut);
    }

    /** The generator's row in a profile: GAP (C·S adds, counted as MACs) + FC1 + FC2. */
    private final class GeneratorCost implements CostedLayer {
        @Override
        public String path() {
            return layout.path() + ".generator";
        }

        @Override
        public String kind() {
            return "generator";
        }

        @Override
        public LayerCost cost(Shape input, Shape output) {
            long c = layout.channels();
            long spatial = input.size() / (input.get(0) * c);
            long macs = generatorMacs(spatial);
            long p = generatorParams();
            String shape = perBlock ? layout.factorSets() + "×(" + generatorIn + "→" + hidden + "→" + generatorOut
                    + ") shared" : c + "→" + hidden + "→" + layout.logits();
            return new LayerCost(shape, 1, p, p, macs, macs);
        }
    }
}

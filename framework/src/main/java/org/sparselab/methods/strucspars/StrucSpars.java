package org.sparselab.methods.strucspars;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.sparselab.config.Seeds;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.metrics.LayerRow;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.methods.masking.MaskedLayers;
import org.sparselab.train.MethodState;
import org.sparselab.train.EpochContext;
import org.sparselab.train.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StrucSpars wired into the trainer: groupable convs from the conv factory, the P/Q alternation, the structured L1
 * penalty, the λ controller and the level criterion during the sparsify phase; threshold bisection, masking and the
 * shuffle variant at its end; masks re-applied after every later step; export to real group convs.
 *
 * <p>Per sparsify epoch, in the official order ({@code train_cifar.py}; {@code docs/methods/strucspars.md} §1.4):
 * train (penalty after warmup), validate (the trainer), then here: update P/Q, take each layer's level at
 * {@code sparse_threshold}, set {@code R_g}, report, adjust λ; the trainer checkpoints after this hook, so the
 * checkpoint holds the adjusted λ and resume is exact.
 */
public final class StrucSpars implements Method {
    private static final Logger LOG = LoggerFactory.getLogger(StrucSpars.class);
    private static final int STATE_VERSION = 1;

    private final StrucSparsConfig cfg;
    private final SparsityMetric metric;
    private final AlternatingAssignment alternation;
    private final Map<MaskedConv2d, GroupableLayer> registered = new IdentityHashMap<>();
    private final MaskedLayers masks;
    private List<GroupableLayer> layers = List.of();
    private LambdaController controller;
    private RunInfo run;
    private Block model;
    private NDManager modelManager; // owns the cached penalty arrays
    private boolean masked;
    private double intervalStart;
    private long pqUpdates;
    private double threshold = Double.NaN;
    private Map<String, Object> exportReport = Map.of();

    public StrucSpars(StrucSparsConfig cfg) {
        this.cfg = cfg;
        this.masks = new MaskedLayers(cfg.selection());
        this.metric = SparsityMetric.named(cfg.sparsityMetric());
        this.alternation = new AlternatingAssignment(AssignmentSolvers.named(cfg.assignmentSolver()),
                cfg.assignmentTolerance());
    }

    /** The groupable layers in model order (after {@link #attach}). */
    public List<GroupableLayer> layers() {
        return layers;
    }

    public boolean masked() {
        return masked;
    }

    /**
     * Masks now at the bisected threshold for the target, keeping the current P/Q (what the end of the sparsify
     * phase does, without the shuffle variant); for benchmarks and imports of an already sparsified model.
     */
    public void maskAtTarget() {
        finishSparsification(new LinkedHashMap<>(), "learned");
    }

    /** Marks the model as masked after a caller (a test, an import) set levels and masks layer by layer. */
    void markMaskedForTest() {
        masked = true;
    }

    /** How many P/Q updates ran so far (initial, per step, per epoch). */
    long permutationUpdates() {
        return pqUpdates;
    }

    public double lambda() {
        return controller == null ? 0 : controller.lambda();
    }

    @Override
    public ConvFactory convFactory() {
        return masks.convFactory(spec -> {
            if (spec.groups() != 1) {
                masks.exempt(spec.path(), "already grouped (groups " + spec.groups() + ")");
                return null;
            }
            if (new GroupHierarchy(spec.out(), spec.in()).depth() == 0) {
                masks.exempt(spec.path(), "channels " + spec.in() + "→" + spec.out() + " cannot be halved");
                return null;
            }
            MaskedConv2d conv = MaskedConv2d.builder().setSpec(spec).build();
            registered.put(conv, new GroupableLayer(conv, cfg.decayPower()));
            return conv;
        });
    }

    @Override
    public void attach(Block model, RunInfo info) {
        this.run = info;
        this.model = model;
        List<GroupableLayer> found = new ArrayList<>();
        for (MaskedLayer m : masks.collect(model, StrucSparsConfig.NAME)) found.add(registered.get((MaskedConv2d) m));
        layers = List.copyOf(found);
        modelManager = firstWeight().getManager();
        masks.measurePositions(model, info.inputShape(), modelManager);
        for (GroupableLayer l : layers) l.setOutputPositions(masks.positions(l.path()));
        Integer epochs = info.phaseEpochs().get(cfg.sparsifyPhase());
        if (epochs == null) return; // built for evaluation: no sparsification ahead
        controller = new LambdaController(cfg.targetSparsity(), cfg.deltaLambda(), cfg.startLambda(),
                cfg.warmupEpochs(), epochs, cfg.lambdaInterval());
        updatePermutations(cfg.pqInitIters());
        controller.start(sparsityAt(cfg.sparseThreshold()));
        LOG.info("strucspars: {} groupable convs; initial P/Q after {} iterations; sparsity {} = {}", layers.size(),
                cfg.pqInitIters(), metric.configName(), fmt(controller.lastSparsity()));
    }

    private NDArray firstWeight() {
        return layers.get(0).conv().weight().getArray();
    }

    private boolean sparsifying(String phase) {
        return !masked && controller != null && phase.equals(cfg.sparsifyPhase());
    }

    @Override
    public Map<String, NDArray> extraLosses(StepContext ctx) {
        if (!cfg.penaltyMode().equals("loss") || !sparsifying(ctx.phase())) return Map.of();
        double lambda = controller.effective(ctx.epochInPhase());
        if (lambda == 0) return Map.of();
        Device device = ctx.predictions().head().getDevice();
        try (NDManager scope = ctx.manager().newSubManager(device)) {
            NDArray total = null;
            for (GroupableLayer l : layers) {
                NDArray r = l.penalty(device, modelManager);
                NDArray w = ctx.parameters().getValue(l.conv().weight(), device, true);
                scope.tempAttachAll(w); // |W|·R_g and the sum die with the scope; w returns to its owner
                NDArray term = w.abs().mul(r).sum();
                total = total == null ? term : total.add(term);
            }
            // λ·Σ R_g ⊙ |W|: autograd gives λ·sign(W)·R_g (λ as a torch-owned constant, see Constants).
            NDArray penalty = total.mul(org.sparselab.nn.Constants.scalar(total, lambda));
            penalty.attach(ctx.manager());
            return Map.of("strucspars_penalty", penalty);
        }
    }

    @Override
    public void afterBackward(StepContext ctx) {
        if (!cfg.penaltyMode().equals("gradient") || !sparsifying(ctx.phase())) return;
        double lambda = controller.effective(ctx.epochInPhase());
        if (lambda == 0) return;
        for (Device device : devices(ctx)) {
            for (GroupableLayer l : layers) {
                NDArray w = ctx.parameters().getValue(l.conv().weight(), device, true);
                NDArray r = l.penalty(device, modelManager);
                try (NDManager scope = ctx.manager().newSubManager(device); NDArray g = w.getGradient()) {
                    scope.tempAttachAll(w, g);
                    g.addi(w.sign().mul(r).muli(lambda)); // W.grad += λ·sign(W)·R_g
                }
            }
        }
    }

    private static Set<Device> devices(StepContext ctx) {
        Set<Device> out = new LinkedHashSet<>();
        for (NDArray p : ctx.predictions()) out.add(p.getDevice());
        return out;
    }

    @Override
    public void afterStep(StepContext ctx) {
        if (masked) {
            for (GroupableLayer l : layers) l.reapplyMask();
            return;
        }
        if (!sparsifying(ctx.phase())) return;
        long stepInPhase = (long) ctx.epochInPhase() * ctx.iterationsPerEpoch() + ctx.iteration();
        if (cfg.pqStepInterval() > 0 && (stepInPhase + 1) % cfg.pqStepInterval() == 0) {
            updatePermutations(cfg.pqStepIters());
        }
        if (cfg.lambdaInterval() < 1) {
            int every = Math.max(1, (int) Math.round(cfg.lambdaInterval() * ctx.iterationsPerEpoch()));
            int done = ctx.iteration() + 1;
            if (done % every == 0 && done < ctx.iterationsPerEpoch()) {
                controller.step(intervalStart, sparsityAt(cfg.sparseThreshold()));
                intervalStart = ctx.epochInPhase() + (double) done / ctx.iterationsPerEpoch();
            }
        }
    }

    @Override
    public void endOfEpoch(EpochContext ctx) {
        if (!sparsifying(ctx.phase())) return;
        double lambdaUsed = controller.effective(ctx.epochInPhase());
        updatePermutations(cfg.pqEpochIters());
        double[][] percents = keptMass();
        for (int i = 0; i < layers.size(); i++) {
            GroupableLayer l = layers.get(i);
            l.setLevel(l.hierarchy().level(percents[i], cfg.sparseThreshold(), cfg.groupLevelQuirk()));
        }
        double sparsity = metric.sparsity(layers, i -> layers.get(i).level());
        controller.step(intervalStart, sparsity);
        intervalStart = ctx.epochInPhase() + 1;
        Map<String, Double> s = ctx.scalars();
        s.put("strucspars.lambda", lambdaUsed);
        s.put("strucspars.lambda_next", controller.lambda());
        s.put("strucspars.sparsity", sparsity);
        reportAllMetrics(s, "strucspars.sparsity_");
        reportGroups(s);
        LOG.info("strucspars epoch {}: sparsity {} = {} (target {}), λ {} → {}", ctx.epoch(), metric.configName(),
                fmt(sparsity), cfg.targetSparsity(), lambdaUsed, controller.lambda());
        if (ctx.lastEpochOfPhase()) finishSparsification(s, cfg.shuffle());
    }

    /**
     * Ends the sparsify phase: bisect the threshold to the target, set levels, mask with P and Q frozen, then apply
     * the shuffle variant ({@code docs/methods/strucspars.md} §1.5, §2.2 ablation).
     */
    private void finishSparsification(Map<String, Double> s, String shuffle) {
        double[][] percents = keptMass();
        threshold = ThresholdSearch.find(t -> metric.sparsity(layers,
                i -> layers.get(i).hierarchy().level(percents[i], t, cfg.groupLevelQuirk())),
                cfg.targetSparsity(), cfg.bisectionMargin(), cfg.bisectionSteps());
        for (int i = 0; i < layers.size(); i++) {
            GroupableLayer l = layers.get(i);
            l.setLevel(l.hierarchy().level(percents[i], threshold, cfg.groupLevelQuirk()));
        }
        if (!shuffle.equals("learned") && !shuffle.equals("fromscratch")) replacePermutations(shuffle);
        for (GroupableLayer l : layers) l.applyMask();
        masked = true;
        if (!shuffle.equals("learned")) reinitialise();
        s.put("strucspars.threshold", threshold);
        s.put("strucspars.final_sparsity", metric.sparsity(layers, i -> layers.get(i).level()));
        reportAllMetrics(s, "strucspars.final_sparsity_");
        reportGroups(s);
        LOG.info("strucspars: masked at threshold {}: {} sparsity {} (target {}), shuffle {}", fmt(threshold),
                metric.configName(), fmt(s.get("strucspars.final_sparsity")), cfg.targetSparsity(), shuffle);
    }

    private void replacePermutations(String shuffle) {
        Random rng = new Random(Seeds.derive(run.seed(), "strucspars.shuffle." + shuffle));
        for (GroupableLayer l : layers) {
            int out = l.spec().out();
            int in = l.spec().in();
            int[][] pq = switch (shuffle) {
                case "shufflenet" -> new int[][] {Permutations.interleave(out, l.groups()),
                        Permutations.interleave(in, l.groups())};
                case "random" -> new int[][] {Permutations.random(out, rng), Permutations.random(in, rng)};
                case "none" -> new int[][] {Permutations.identity(out), Permutations.identity(in)};
                default -> throw new IllegalArgumentException("unknown shuffle " + shuffle);
            };
            l.setState(pq[0], pq[1], l.level());
        }
    }

    /** Every parameter back to its initializer (seeded), the masks kept: the FROMSCRATCH ablation. */
    private void reinitialise() {
        Engine.getInstance().setRandomSeed((int) Seeds.derive(run.seed(), "strucspars.reinit"));
        Set<Parameter> masks = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (GroupableLayer l : layers) masks.add(l.conv().mask());
        reinitialiseAll(model, masks);
        for (GroupableLayer l : layers) l.reapplyMask();
    }

    private static void reinitialiseAll(Block block, Set<Parameter> keep) {
        for (var entry : block.getDirectParameters()) {
            Parameter p = entry.getValue();
            if (keep.contains(p)) continue;
            NDArray a = p.getArray();
            if (p.getInitializer() == null) {
                throw new IllegalStateException("parameter " + p.getName() + " has no initializer to re-initialise");
            }
            try (NDArray fresh = p.getInitializer().initialize(a.getManager(), a.getShape(), DataType.FLOAT32)) {
                a.set(fresh.toByteBuffer());
            }
        }
        for (Block child : block.getChildren().values()) reinitialiseAll(child, keep);
    }

    private void updatePermutations(int iters) {
        if (iters == 0) return;
        long update = pqUpdates++;
        for (int i = 0; i < layers.size(); i++) {
            GroupableLayer l = layers.get(i);
            Random rng = new Random(Seeds.derive(run.seed(), "strucspars.pq_restarts", update, i));
            AlternatingAssignment.Result r = alternation.solve(l.weightNorms(), l.fullCost(), l.p(), l.q(), iters,
                    cfg.pqRestarts(), rng);
            l.setState(r.p(), r.q(), l.level());
        }
    }

    /** Per layer, the kept-mass fractions of its permuted norms (threshold-independent). */
    private double[][] keptMass() {
        double[][] out = new double[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            GroupableLayer l = layers.get(i);
            out[i] = l.hierarchy().keptMassFractions(l.permutedNorms());
        }
        return out;
    }

    private double sparsityAt(double thres) {
        double[][] percents = keptMass();
        return metric.sparsity(layers, i -> layers.get(i).hierarchy().level(percents[i], thres,
                cfg.groupLevelQuirk()));
    }

    private void reportAllMetrics(Map<String, Double> s, String prefix) {
        for (SparsityMetric m : SparsityMetric.values()) {
            s.put(prefix + m.configName(), m.sparsity(layers, i -> layers.get(i).level()));
        }
    }

    private void reportGroups(Map<String, Double> s) {
        for (GroupableLayer l : layers) s.put("strucspars.groups." + l.path(), (double) l.groups());
    }

    @Override
    public Block export(Block trained, Function<ConvFactory, Block> rebuild) {
        if (!masked) {
            throw new IllegalStateException("strucspars: export needs the masked model; the sparsify phase '"
                    + cfg.sparsifyPhase() + "' has not ended");
        }
        if (!run.deploy().enabled()) {
            exportReport = Map.of("description", "grouped model (untuned: output.deploy_repeats is 0)");
            return GroupedExport.export(trained, layers, rebuild, run.inputShape());
        }
        TunedExport.Result r = TunedExport.export(trained, layers, rebuild, run.inputShape(), run.deploy());
        exportReport = r.report();
        LOG.info("strucspars export: {}", r.report().get("description"));
        return r.deployed();
    }

    /** What the last export chose and measured: per-layer forms and timings, the model form, a description. */
    @Override
    public Map<String, Object> exportReport() {
        return exportReport;
    }

    /** Checkpointed: what the parameters (weights and masks) do not hold. */
    record State(boolean masked, double lambda, double lastSparsity, double intervalStart, long pqUpdates,
            double threshold, List<LayerState> layers) {}

    /** One groupable layer's permutations and level. */
    record LayerState(String path, int level, int[] p, int[] q) {}

    @Override
    public MethodState saveState() {
        List<LayerState> ls = new ArrayList<>();
        for (GroupableLayer l : layers) ls.add(new LayerState(l.path(), l.level(), l.p(), l.q()));
        return MethodState.of(StrucSparsConfig.NAME, STATE_VERSION, new State(masked,
                controller == null ? 0 : controller.lambda(), controller == null ? 0 : controller.lastSparsity(),
                intervalStart, pqUpdates, threshold, ls));
    }

    @Override
    public void loadState(MethodState saved, NDManager manager) throws IOException {
        State st = saved.read(StrucSparsConfig.NAME, STATE_VERSION, State.class);
        masked = st.masked();
        if (controller != null) controller.restore(st.lambda(), st.lastSparsity());
        intervalStart = st.intervalStart();
        pqUpdates = st.pqUpdates();
        threshold = st.threshold();
        if (st.layers().size() != layers.size()) {
            throw new IOException("checkpoint has " + st.layers().size() + " groupable layers, model " + layers.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            GroupableLayer l = layers.get(i);
            LayerState ls = st.layers().get(i);
            if (!ls.path().equals(l.path())) {
                throw new IOException("checkpoint layer " + ls.path() + " where model has " + l.path());
            }
            l.setState(ls.p(), ls.q(), ls.level());
            l.markMasked(masked);
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}

package org.sparselab.methods.cci;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.InitContext;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.methods.masking.DenseStart;
import org.sparselab.methods.masking.MaskedLayers;
import org.sparselab.methods.masking.TopK;
import org.sparselab.methods.masking.WeightTransfer;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.GradientMode;
import org.sparselab.nn.LinearFactory;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.nn.MaskedLinear;
import org.sparselab.train.EpochContext;
import org.sparselab.train.MethodState;
import org.sparselab.train.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CCI sparsity and its baselines wired into a run ({@code docs/methods/cci.md} §2): masked layers from the factories,
 * a density ramp over the prune phase with the mask re-selected every Δ steps by the structure's rule (k of g per
 * group for {@code cci}, per-layer magnitude for {@code unstructured}, whole block-conv1 filters by L1 norm for
 * {@code filter_pruning}), in one of three modes — A {@code gradual} (hard mask re-applied after every step, so
 * momentum and weight decay cannot regrow pruned weights), B {@code ste} (straight-through re-selection with SR-STE's
 * decay), C {@code selective_decay} (decay the would-be-pruned weights, then project) — and a frozen-mask fine-tune in
 * every later phase. Export: the compressed (val, idx) form read back (cci), the filters really removed
 * (filter_pruning), the masked weights as dense convs (unstructured), with storage and cycle-model numbers.
 */
public final class Cci implements Method {
    private static final Logger LOG = LoggerFactory.getLogger(Cci.class);
    private static final int STATE_VERSION = 1;

    private final CciConfig cfg;
    private final MaskedLayers masks;
    private final Map<String, String> pairs = new LinkedHashMap<>(); // filter_pruning: conv1 path → conv2 path
    private List<MaskedLayer> layers = List.of();
    private final Map<String, MaskedLayer> byPath = new HashMap<>();
    private final Map<MaskedLayer, float[]> wouldBe = new IdentityHashMap<>(); // selective decay's target masks
    private final Map<MaskedLayer, NDArray> decayMask = new IdentityHashMap<>(); // (1 − M) for gradient terms
    private RunInfo run;
    private DenseStart start;
    private int prunePhaseEpochs;
    private boolean frozen;
    private boolean started;
    private double densityNow = 1;
    private double lambdaNow;
    private float[][] epochStartMasks;
    private Map<String, Object> exportReport = Map.of();

    public Cci(CciConfig cfg) {
        this.cfg = cfg;
        this.masks = new MaskedLayers(cfg.selection());
    }

    @Override
    public ConvFactory convFactory() {
        return masks.convFactory(spec -> {
            int cl = spec.in() / spec.groups();
            if (spec.isDepthwise() || cl == 1) {
                masks.exempt(spec.path(), "depthwise: one input channel per filter");
                return null;
            }
            if (cfg.name().equals("cci") && cl % cfg.groupSize() != 0) {
                masks.exempt(spec.path(), "in/groups = " + cl + " is not a multiple of group_size " + cfg.groupSize());
                return null;
            }
            if (cfg.name().equals("filter_pruning") && !pairable(spec.path())) return null;
            return MaskedConv2d.builder().setSpec(spec).build();
        });
    }

    /** filter_pruning: a block's conv1 (its filters are pruned) and the conv2 after it (its input channels follow). */
    private boolean pairable(String path) {
        if (path.endsWith(".conv1")) {
            pairs.put(path, null);
            return true;
        }
        String conv1 = path.endsWith(".conv2") ? path.substring(0, path.length() - 1) + "1" : null;
        if (conv1 != null && pairs.containsKey(conv1)) {
            pairs.put(conv1, path);
            return true;
        }
        masks.exempt(path, "not a block's conv1/conv2 pair (filter pruning removes conv1 filters and conv2 inputs)");
        return false;
    }

    @Override
    public LinearFactory linearFactory() {
        return masks.linearFactory(spec -> {
            if (cfg.name().equals("filter_pruning")) {
                masks.exempt(spec.path(), "filter pruning prunes block convs");
                return null;
            }
            if (cfg.name().equals("cci") && spec.in() % cfg.groupSize() != 0) {
                masks.exempt(spec.path(), spec.in() + " in-features are not a multiple of group_size " + cfg.groupSize());
                return null;
            }
            return new MaskedLinear(spec, GradientMode.MASKED);
        });
    }

    @Override
    public void checkBuilt(Block model, RunInfo info) {
        List<MaskedLayer> found = new ArrayList<>();
        collect(model, found);
        if (found.isEmpty()) {
            throw new ConfigException("method.layers", cfg.name() + " converts no layer of this model with layers "
                    + cfg.layers() + (masks.exemptions().isEmpty() ? "" : "; exempt: " + masks.exemptions())
                    + (cfg.name().equals("cci") ? "; choose a group_size dividing the layers' input channels" : ""));
        }
        int phase = info.phaseEpochs().getOrDefault(cfg.prunePhase(), 0);
        double rampEnd = cfg.rampStartEpoch() + (cfg.rampEpochs() != null ? cfg.rampEpochs() : 0);
        if (!info.phaseEpochs().isEmpty() && (cfg.rampStartEpoch() >= phase || rampEnd > phase + 1e-9)) {
            throw new ConfigException("method.ramp_epochs", "the density ramp (start " + cfg.rampStartEpoch()
                    + ", length " + (cfg.rampEpochs() == null ? "rest of the phase" : cfg.rampEpochs())
                    + " epochs) does not end inside the " + phase + "-epoch phase '" + cfg.prunePhase()
                    + "': the mask would never reach k/g before the fine-tune; shorten the ramp or lengthen the phase");
        }
        if (cfg.densitySchedule().equals("halving")) {
            int stages = 0;
            for (int k = cfg.groupSize() >> 1; k > cfg.keepPerGroup(); k >>= 1) stages++;
            if (cfg.rampStartEpoch() + stages * cfg.stageEpochs() > phase + 1e-9 && !info.phaseEpochs().isEmpty()) {
                throw new ConfigException("method.stage_epochs", "halving from " + cfg.groupSize() + " to "
                        + cfg.keepPerGroup() + " reaches k after " + stages + " stages of " + cfg.stageEpochs()
                        + " epochs, more than the " + phase + "-epoch phase '" + cfg.prunePhase() + "'");
            }
        }
        // A sweep checks all points first: the dense run a point starts from may be an earlier point of it.
        if (cfg.initFrom() != null && !(info.planning() && cfg.initFromName() != null)) {
            DenseStart.find("method.init_from", cfg.initFrom(), cfg.initFromName(), info.seed())
                    .checkMatches("method.init_from", model, info);
        }
    }

    private void collect(Block b, List<MaskedLayer> out) {
        if (b instanceof MaskedLayer l && masks.madeHere(b)) out.add(l);
        for (Block c : b.getChildren().values()) collect(c, out);
    }

    @Override
    public void attach(Block model, RunInfo info) {
        checkBuilt(model, info);
        run = info;
        layers = masks.collect(model, cfg.name());
        layers.forEach(l -> byPath.put(l.path(), l));
        pairs.values().removeIf(v -> v == null);
        if (cfg.name().equals("filter_pruning") && pairs.isEmpty()) {
            throw new ConfigException("method.layers", "filter_pruning found no block conv1/conv2 pair in this model");
        }
        masks.measurePositions(model, info.inputShape(), anyManager());
        prunePhaseEpochs = info.phaseEpochs().getOrDefault(cfg.prunePhase(), 0);
        if (cfg.initFrom() != null) start = DenseStart.find("method.init_from", cfg.initFrom(), cfg.initFromName(),
                info.seed());
        LOG.info("{}: {} (target density {} = {} of {}, {} schedule{})", cfg.name(), masks.describe(),
                fmt(cfg.density()), cfg.keepPerGroup(), cfg.groupSize(), cfg.schedule(),
                start == null ? "" : ", from " + start.runDir());
    }

    private NDManager anyManager() {
        return layers.get(0).weight().getArray().getManager();
    }

    @Override
    public void initialise(InitContext ctx) {
        if (start == null) return;
        try {
            start.loadInto(ctx.model(), ctx.manager(), run.inputShape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the dense run " + start.runDir(), e);
        }
        LOG.info("{}: dense weights from {}", cfg.name(), start.runDir());
    }

    /** Ramp length in epochs (T). */
    private double rampEpochs() {
        return cfg.rampEpochs() != null ? cfg.rampEpochs() : Math.max(1e-9, prunePhaseEpochs - cfg.rampStartEpoch());
    }

    /** Target density at {@code t} epochs into the prune phase (1 before the ramp). */
    double densityAt(double t) {
        double df = cfg.density();
        double rel = t - cfg.rampStartEpoch();
        if (rel < 0) return 1;
        if (cfg.densitySchedule().equals("halving")) {
            int stage = (int) Math.floor(rel / cfg.stageEpochs());
            int k = Math.max(cfg.keepPerGroup(), cfg.groupSize() >> Math.min(30, stage + 1));
            return (double) k / cfg.groupSize();
        }
        double p = Math.min(1, rel / rampEpochs());
        return df + (1 - df) * Math.pow(1 - p, 3);
    }

    private boolean rampDone(double t) {
        return densityAt(t) <= cfg.density() + 1e-12;
    }

    private boolean pruning(String phase) {
        return !frozen && phase.equals(cfg.prunePhase());
    }

    @Override
    public void afterBackward(StepContext ctx) {
        if (!pruning(ctx.phase()) || !started) return;
        boolean ste = cfg.schedule().equals("ste") && cfg.srsteLambda() > 0;
        boolean decay = cfg.schedule().equals("selective_decay") && lambdaNow > 0;
        if (!ste && !decay) return;
        double lambda = ste ? cfg.srsteLambda() : lambdaNow;
        Set<Device> devices = new LinkedHashSet<>();
        for (NDArray p : ctx.predictions()) devices.add(p.getDevice());
        for (Device device : devices) {
            for (MaskedLayer l : layers) {
                NDArray notKept = decayMask.get(l);
                if (notKept == null) continue;
                NDArray w = ctx.parameters().getValue(l.weight(), device, true);
                try (NDManager scope = ctx.manager().newSubManager(device); NDArray g = w.getGradient()) {
                    scope.tempAttachAll(w, g);
                    NDArray nk = notKept.toDevice(device, false);
                    g.addi(w.mul(nk).muli(lambda)); // gradient of (λ/2)·‖(1−M)⊙W‖²
                }
            }
        }
    }

    @Override
    public void afterStep(StepContext ctx) {
        if (frozen) {
            reapply();
            return;
        }
        if (!ctx.phase().equals(cfg.prunePhase())) return;
        long stepInPhase = (long) ctx.epochInPhase() * ctx.iterationsPerEpoch() + ctx.iteration() + 1;
        double t = (double) stepInPhase / ctx.iterationsPerEpoch();
        if (densityAt(t) >= 1 && !rampDone(t)) return; // before the ramp: dense training
        if (!started) {
            started = true;
            if (cfg.schedule().equals("ste")) layers.forEach(l -> l.setGradientMode(GradientMode.STE));
        }
        boolean due = stepInPhase % cfg.maskUpdateInterval() == 0 || rampDone(t);
        if (due) update(t);
        if (!cfg.schedule().equals("ste")) reapply();
        if (rampDone(t) && !cfg.schedule().equals("ste")) freeze();
    }

    /** Re-selects the masks at the density of position t (per the mode). */
    private void update(double t) {
        double d = densityAt(t);
        densityNow = d;
        switch (cfg.schedule()) {
            case "gradual", "ste" -> setMasks(select(d));
            case "selective_decay" -> {
                lambdaNow = cfg.selectiveDecayMax() * Math.min(1, (t - cfg.rampStartEpoch()) / rampEpochs());
                List<float[]> target = select(cfg.density());
                for (int i = 0; i < layers.size(); i++) {
                    wouldBe.put(layers.get(i), target.get(i));
                    setDecayMask(layers.get(i), target.get(i));
                }
            }
            default -> throw new IllegalStateException(cfg.schedule());
        }
    }

    private void setMasks(List<float[]> m) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setMask(m.get(i));
            if (cfg.schedule().equals("ste")) setDecayMask(layers.get(i), m.get(i));
        }
    }

    /** Caches (1 − M) beside the weight, for the gradient terms of SR-STE and selective decay. */
    private void setDecayMask(MaskedLayer l, float[] m) {
        float[] nk = new float[m.length];
        for (int i = 0; i < m.length; i++) nk[i] = 1 - m[i];
        NDArray old = decayMask.put(l, anyManager().create(nk, l.weightShape()));
        if (old != null) old.close();
    }

    /** The structure's masks at density d, from the magnitudes of the weights the forward pass uses. */
    List<float[]> select(double d) {
        List<float[]> out = new ArrayList<>();
        if (cfg.name().equals("filter_pruning")) {
            Map<String, float[]> m = new HashMap<>();
            for (var pair : pairs.entrySet()) {
                MaskedLayer c1 = byPath.get(pair.getKey());
                MaskedLayer c2 = byPath.get(pair.getValue());
                int filters = (int) c1.weightShape().get(0);
                float[] w = effective(c1);
                int per = w.length / filters;
                float[] l1 = new float[filters];
                for (int f = 0; f < filters; f++) for (int e = 0; e < per; e++) l1[f] += Math.abs(w[f * per + e]);
                float[] keep = TopK.keep(l1, Math.max(1, Math.round(d * filters)), null);
                float[] m1 = new float[w.length];
                for (int f = 0; f < filters; f++) if (keep[f] != 0) java.util.Arrays.fill(m1, f * per, (f + 1) * per, 1);
                Shape s2 = c2.weightShape();
                int out2 = (int) s2.get(0);
                int in2 = (int) s2.get(1);
                int taps2 = (int) (s2.size() / (out2 * (long) in2));
                float[] m2 = new float[(int) s2.size()];
                for (int o = 0; o < out2; o++) {
                    for (int c = 0; c < in2; c++) {
                        if (keep[c] != 0) java.util.Arrays.fill(m2, (o * in2 + c) * taps2, (o * in2 + c + 1) * taps2, 1);
                    }
                }
                m.put(c1.path(), m1);
                m.put(c2.path(), m2);
            }
            for (MaskedLayer l : layers) out.add(m.get(l.path()));
            return out;
        }
        for (MaskedLayer l : layers) {
            float[] w = effective(l);
            if (cfg.name().equals("unstructured")) {
                float[] abs = new float[w.length];
                for (int i = 0; i < w.length; i++) abs[i] = Math.abs(w[i]);
                out.add(TopK.keep(abs, Math.round(d * w.length), null));
            } else {
                Shape s = l.weightShape();
                int o = (int) s.get(0);
                int in = (int) s.get(1);
                int taps = (int) (s.size() / ((long) o * in));
                out.add(CciMask.mask(w, o, in, taps, cfg.groupSize(), d, cfg.shareAcrossTaps()));
            }
        }
        return out;
    }

    /** The weights the forward pass sees: W ⊙ M in hard mode (pruned stay pruned), the dense W otherwise. */
    private float[] effective(MaskedLayer l) {
        if (cfg.schedule().equals("gradual")) return WeightTransfer.maskedWeight(l.weight(), l.mask());
        return l.weight().getArray().toFloatArray();
    }

    /** The final masks at k/g from the current weights; the weights projected; the masks frozen, gradients masked. */
    private void freeze() {
        densityNow = cfg.density();
        List<float[]> m = select(cfg.density());
        for (int i = 0; i < layers.size(); i++) {
            MaskedLayer l = layers.get(i);
            l.setMask(m.get(i));
            l.applyMaskToWeight();
            l.setGradientMode(GradientMode.MASKED);
        }
        decayMask.values().forEach(NDArray::close);
        decayMask.clear();
        wouldBe.clear();
        lambdaNow = 0;
        frozen = true;
        LOG.info("{}: masks frozen at density {} ({})", cfg.name(), fmt(cfg.density()), masks.describe());
    }

    private void reapply() {
        for (MaskedLayer l : layers) l.applyMaskToWeight();
    }

    @Override
    public void endOfEpoch(EpochContext ctx) {
        if (!frozen && ctx.phase().equals(cfg.prunePhase()) && ctx.lastEpochOfPhase()) freeze();
        Map<String, Double> s = ctx.scalars();
        long kept = masks.keptWeights();
        s.put(cfg.name() + ".density", (double) kept / masks.totalWeights());
        s.put(cfg.name() + ".target_density", densityNow);
        if (cfg.schedule().equals("selective_decay")) s.put(cfg.name() + ".lambda", lambdaNow);
        if (frozen) {
            // The hardware model of the final masks, as metrics (for reports and claims across methods).
            @SuppressWarnings("unchecked")
            Map<String, Object> model = (Map<String, Object>) CciExport.report(layers, cfg, masks::positions,
                    format()).get("cycle_model");
            s.put("cycle_model.cycles", ((Number) model.get("cycles")).doubleValue());
            s.put("cycle_model.dense_cycles", ((Number) model.get("dense_cycles")).doubleValue());
            s.put("cycle_model.utilisation", ((Number) model.get("utilisation")).doubleValue());
            s.put("cycle_model.weight_bits", ((Number) model.get("weight_bits")).doubleValue());
        }
        float[][] now = new float[layers.size()][];
        for (int i = 0; i < layers.size(); i++) now[i] = layers.get(i).mask().getArray().toFloatArray();
        if (epochStartMasks != null) {
            long flips = 0;
            long total = 0;
            for (int i = 0; i < now.length; i++) {
                for (int e = 0; e < now[i].length; e++) if (now[i][e] != epochStartMasks[i][e]) flips++;
                total += now[i].length;
            }
            s.put(cfg.name() + ".mask_changes", (double) flips / total);
        }
        epochStartMasks = now;
    }

    private String format() {
        return switch (cfg.name()) {
            case "cci" -> "cci";
            case "unstructured" -> "csr";
            default -> "filters";
        };
    }

    /** Checkpointed: where the schedule stands (masks and weights are parameters). */
    record State(boolean frozen, boolean started, double densityNow, double lambdaNow) {}

    @Override
    public MethodState saveState() {
        return MethodState.of(cfg.name(), STATE_VERSION, new State(frozen, started, densityNow, lambdaNow));
    }

    @Override
    public void loadState(MethodState state, NDManager manager) throws IOException {
        State st = state.read(cfg.name(), STATE_VERSION, State.class);
        frozen = st.frozen();
        started = st.started();
        densityNow = st.densityNow();
        lambdaNow = st.lambdaNow();
        GradientMode mode = !frozen && started && cfg.schedule().equals("ste") ? GradientMode.STE : GradientMode.MASKED;
        layers.forEach(l -> l.setGradientMode(mode));
        // The decay terms follow the masks the checkpoint holds (ste) or are recomputed at the next update (C).
        if (!frozen && started && cfg.schedule().equals("ste")) {
            for (MaskedLayer l : layers) setDecayMask(l, l.mask().getArray().toFloatArray());
        }
        if (!frozen && started && cfg.schedule().equals("selective_decay")) {
            List<float[]> target = select(cfg.density());
            for (int i = 0; i < layers.size(); i++) setDecayMask(layers.get(i), target.get(i));
        }
        epochStartMasks = null;
    }

    @Override
    public Block export(Block trained, Function<ConvFactory, Block> rebuild) {
        if (!frozen) {
            throw new IllegalStateException(cfg.name() + ": export needs the frozen masks; the phase '"
                    + cfg.prunePhase() + "' has not ended");
        }
        CciExport.Result r = switch (cfg.name()) {
            case "cci" -> CciExport.compressed(trained, layers, cfg, rebuild, run.inputShape(), masks::positions);
            case "unstructured" -> CciExport.unstructured(trained, layers, cfg, rebuild, run.inputShape(),
                    masks::positions);
            case "filter_pruning" -> CciExport.filtersRemoved(trained, layers, pairs, cfg, rebuild, run.inputShape(),
                    masks::positions);
            default -> throw new IllegalStateException(cfg.name());
        };
        exportReport = r.report();
        return r.deployed();
    }

    @Override
    public Map<String, Object> exportReport() {
        return exportReport;
    }

    /** The masked layers in model order (after attach). */
    List<MaskedLayer> layers() {
        return layers;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}

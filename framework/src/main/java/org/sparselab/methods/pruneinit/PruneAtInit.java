package org.sparselab.methods.pruneinit;

import ai.djl.nn.Block;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Seeds;
import org.sparselab.methods.InitContext;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.methods.masking.MaskedLayers;
import org.sparselab.methods.masking.TopK;
import org.sparselab.methods.ssc.Ssc;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.GradientMode;
import org.sparselab.nn.LinearFactory;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.nn.MaskedLinear;
import org.sparselab.train.EpochContext;
import org.sparselab.train.MethodState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pruning-at-initialisation baseline wired into a run: masked layers from the factories, the criterion's scores
 * and the budget's exact top-k in {@link #initialise} (once, before the first step), then training with the mask
 * fixed (masked gradients, weights zero from the start, so momentum and weight decay never move them).
 */
public final class PruneAtInit implements Method {
    private static final Logger LOG = LoggerFactory.getLogger(PruneAtInit.class);
    private static final int STATE_VERSION = 1;

    private final PruneAtInitConfig cfg;
    private final MaskedLayers masks;
    private final Map<String, Long> budgets = new LinkedHashMap<>(); // path → weights kept (layerwise)
    private List<MaskedLayer> layers = List.of();
    private RunInfo run;
    private boolean pruned;
    private boolean reported;

    public PruneAtInit(PruneAtInitConfig cfg) {
        this.cfg = cfg;
        this.masks = new MaskedLayers(cfg.selection());
    }

    @Override
    public ConvFactory convFactory() {
        return masks.convFactory(spec -> {
            long numel = spec.weightShape().size();
            long kept = cfg.match() == null ? Math.round(cfg.density() * numel) : Ssc.keptWeights(cfg.match(), spec);
            budgets.put(spec.path(), kept < 0 ? numel : Math.min(kept, numel));
            return MaskedConv2d.builder().setSpec(spec).build();
        });
    }

    @Override
    public LinearFactory linearFactory() {
        return masks.linearFactory(spec -> {
            long numel = (long) spec.in() * spec.out();
            budgets.put(spec.path(), cfg.match() == null ? Math.round(cfg.density() * numel) : numel);
            return new MaskedLinear(spec, GradientMode.MASKED);
        });
    }

    @Override
    public void checkBuilt(Block model, RunInfo run) {
        if (budgets.isEmpty()) {
            throw new ConfigException("method.layers", cfg.name() + " prunes no layer of this model with layers "
                    + cfg.layers() + "; add a kind the architecture has (e.g. block, pointwise, classifier)");
        }
    }

    @Override
    public void attach(Block model, RunInfo info) {
        checkBuilt(model, info);
        run = info;
        layers = masks.collect(model, cfg.name());
    }

    /** Weights kept per layer (layerwise) or in total (global), in model order. */
    long totalBudget() {
        long total = 0;
        for (MaskedLayer l : layers) total += budgets.get(l.path());
        return total;
    }

    @Override
    public void initialise(InitContext ctx) {
        long seed = Seeds.derive(run.seed(), "prune." + cfg.name());
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed); // dropout, if any, in scoring passes
        List<float[]> keep = switch (cfg.name()) {
            case "random" -> select(Scores.random(layers, seed), null);
            case "magnitude" -> select(Scores.magnitude(layers), null);
            case "snip" -> select(Scores.snip(ctx.model(), layers, ctx.data(), cfg.scoreBatches(),
                    cfg.scoreBatchSize(), ctx.manager()), null);
            case "grasp" -> select(Scores.grasp(ctx.model(), layers, ctx.data(), cfg.graspSamplesPerClass(),
                    cfg.graspTemperature(), ctx.manager()), null);
            case "synflow" -> synflow(ctx);
            default -> throw new IllegalStateException("unknown criterion " + cfg.name());
        };
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setMask(keep.get(i));
            layers.get(i).applyMaskToWeight();
        }
        pruned = true;
        LOG.info("{}: {} scope, {}", cfg.name(), cfg.scope(), masks.describe());
    }

    /** SynFlow's loop: n rounds of scoring the masked model and keeping d^(t/n) of the weights, the last at d. */
    private List<float[]> synflow(InitContext ctx) {
        long total = masks.totalWeights();
        double density = (double) totalBudget() / total;
        List<float[]> keep = null;
        int n = cfg.synflowIterations();
        for (int t = 1; t <= n; t++) {
            List<float[]> scores = Scores.synflow(ctx.model(), layers, run.inputShape(), ctx.manager());
            double d = t == n ? -1 : Math.pow(density, (double) t / n);
            keep = select(scores, keep, d);
            for (int i = 0; i < layers.size(); i++) layers.get(i).setMask(keep.get(i));
        }
        return keep;
    }

    private List<float[]> select(List<float[]> scores, List<float[]> eligible) {
        return select(scores, eligible, -1);
    }

    /**
     * The top-k of the budget, or of {@code density} (in (0, 1)) of each budget when given: global scope keeps
     * one total over all layers, layerwise scope each layer's own.
     */
    private List<float[]> select(List<float[]> scores, List<float[]> eligible, double density) {
        if (cfg.scope().equals("global")) {
            long k = density < 0 ? totalBudget() : Math.max(totalBudget(), Math.round(density * masks.totalWeights()));
            return TopK.keepGlobal(scores, k, eligible);
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            MaskedLayer l = layers.get(i);
            long budget = budgets.get(l.path());
            long k = density < 0 ? budget : Math.max(budget, Math.round(density * l.weightShape().size()));
            out.add(TopK.keep(scores.get(i), k, eligible == null ? null : eligible.get(i)));
        }
        return out;
    }

    @Override
    public void endOfEpoch(EpochContext ctx) {
        if (reported) return;
        reported = true;
        long total = masks.totalWeights();
        long kept = masks.keptWeights();
        ctx.scalars().put(cfg.name() + ".density", (double) kept / total);
        for (MaskedLayer l : layers) {
            ctx.scalars().put(cfg.name() + ".density." + l.path(), (double) l.keptWeights() / l.weightShape().size());
        }
        LOG.info(String.format(Locale.ROOT, "%s: %d of %d weights kept (%.2f %%)", cfg.name(), kept, total,
                100.0 * kept / total));
    }

    /** Checkpointed: whether the masks were chosen (they are parameters, restored with the weights). */
    record State(boolean pruned) {}

    @Override
    public MethodState saveState() {
        return MethodState.of(cfg.name(), STATE_VERSION, new State(pruned));
    }

    @Override
    public void loadState(MethodState state, ai.djl.ndarray.NDManager manager) throws IOException {
        pruned = state.read(cfg.name(), STATE_VERSION, State.class).pruned();
        reported = true; // the first epoch already reported the densities
    }
}

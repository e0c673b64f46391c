package org.sparselab.methods.dynshuffle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.nn.ChannelShuffle;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.Constants;
import org.sparselab.nn.ShuffleFactory;
import org.sparselab.nn.ShuffleSpec;
import org.sparselab.train.EpochContext;
import org.sparselab.train.MethodState;
import org.sparselab.train.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic shuffle wired into the trainer: {@link DynamicShuffle} layers from the shuffle factory (and, with
 * {@code replace_pointwise}, from the conv factory), the orthogonality loss through {@link #extraLosses}, the soft →
 * straight-through switch and the temperature anneal after every step, per-epoch scalars.
 *
 * <p>The schedule is a pure function of the training position p (epochs, counted across phases, advanced per step):
 * STE once p ≥ {@code soft_warmup_fraction} × total epochs; τ(p) = τ_min + (τ − τ_min)(1 + cos(π p / total))/2 when
 * annealed. The checkpoint holds p, so a resumed run continues exactly.
 */
public final class DynShuffle implements Method {
    private static final Logger LOG = LoggerFactory.getLogger(DynShuffle.class);
    private static final int STATE_VERSION = 1;

    private final DynShuffleConfig cfg;
    private List<DynamicShuffle> layers = List.of();
    private double totalEpochs;
    private double position;
    private double orthSum;
    private long orthSteps;

    public DynShuffle(DynShuffleConfig cfg) {
        this.cfg = cfg;
    }

    /** The dynamic layers in model order (after {@link #attach}). */
    public List<DynamicShuffle> layers() {
        return layers;
    }

    @Override
    public ShuffleFactory shuffleFactory() {
        if (!cfg.dynamic()) return ShuffleFactory.fixed();
        String form = cfg.shuffle().equals("static_dynamic") ? cfg.staticForm() : null;
        return spec -> placed(spec) ? new DynamicShuffle(ShuffleLayout.of(spec, cfg), cfg, form)
                : new ChannelShuffle(spec);
    }

    private boolean placed(ShuffleSpec spec) {
        for (String p : cfg.placement()) {
            if (p.equals("all") || spec.path().equals(p) || spec.path().startsWith(p + ".")) return true;
        }
        return false;
    }

    /**
     * Dense convs, except the 1×1 convs listed in {@code replace_pointwise} (in = out, groups 1, stride 1), which
     * become static-dynamic layers: the spec's "lightweight replacement for a pointwise convolution" (§2.9).
     */
    @Override
    public ConvFactory convFactory() {
        if (cfg.replacePointwise().isEmpty()) return ConvFactory.dense();
        return spec -> {
            if (!replaced(spec)) return ConvFactory.dense().conv(spec);
            int g = cfg.groups() == 0 ? 1 : cfg.groups();
            return new DynamicShuffle(ShuffleLayout.of(new ShuffleSpec(spec.path(), spec.in(), g), cfg), cfg,
                    cfg.staticForm());
        };
    }

    private boolean replaced(ConvSpec spec) {
        boolean listed = cfg.replacePointwise().stream().anyMatch(s -> spec.path().endsWith(s));
        if (!listed) return false;
        if (spec.kernel() != 1 || spec.in() != spec.out() || spec.groups() != 1 || spec.stride() != 1) {
            throw new ConfigException("method.replace_pointwise", "conv " + spec.path() + " is " + spec.in() + "→"
                    + spec.out() + " k" + spec.kernel() + " s" + spec.stride() + " g" + spec.groups()
                    + "; only square 1×1 stride-1 ungrouped convs can be replaced; narrow the suffix");
        }
        return true;
    }

    @Override
    public void attach(Block model, RunInfo run) {
        List<DynamicShuffle> found = new ArrayList<>();
        collect(model, found);
        layers = List.copyOf(found);
        if (layers.isEmpty() && (cfg.dynamic() || !cfg.replacePointwise().isEmpty())) {
            throw new ConfigException("method", "dynshuffle with shuffle " + cfg.shuffle() + " found no shuffle point "
                    + "or listed pointwise conv in the model; use a ShuffleNet (shufflenet_v1_*, shufflenet_v2_*) or "
                    + "check placement / replace_pointwise");
        }
        totalEpochs = run.phaseEpochs().values().stream().mapToInt(Integer::intValue).sum();
        position = 0;
        applySchedule();
        for (DynamicShuffle l : layers) l.resetCounts();
        if (!layers.isEmpty()) {
            LOG.info("dynshuffle: {} {} layers, sharing {}, binarize {} (STE from epoch {})", layers.size(),
                    cfg.shuffle(), cfg.sharing(), cfg.binarize(), cfg.softWarmupFraction() * totalEpochs);
        }
    }

    private static void collect(Block block, List<DynamicShuffle> out) {
        if (block instanceof DynamicShuffle d) out.add(d);
        for (Block child : block.getChildren().values()) collect(child, out);
    }

    /** Whether a training forward at the current position uses straight-through hard factors. */
    boolean steNow() {
        return switch (cfg.binarize()) {
            case "ste_always" -> true;
            case "ste_after_warmup" -> position >= cfg.softWarmupFraction() * totalEpochs;
            default -> false;
        };
    }

    double temperatureNow() {
        if (cfg.temperatureAnneal().equals("none") || totalEpochs == 0) return cfg.temperature();
        double t = Math.min(1, position / totalEpochs);
        return cfg.temperatureMin() + (cfg.temperature() - cfg.temperatureMin()) * (1 + Math.cos(Math.PI * t)) / 2;
    }

    private void applySchedule() {
        boolean ste = steNow();
        double tau = temperatureNow();
        for (DynamicShuffle l : layers) l.schedule(ste, tau);
    }

    /**
     * λ · (1/|M|) Σ_M ‖MMᵀ − I‖²_F / dim(M) over every generated factor M of every layer (spec §2.5), on the soft
     * factors of this batch's forward.
     */
    @Override
    public Map<String, NDArray> extraLosses(StepContext ctx) {
        if (cfg.orthLambda() == 0 || layers.isEmpty()) return Map.of();
        NDArray total = null;
        int count = 0;
        for (DynamicShuffle l : layers) {
            NDArray o = l.takeOrthogonality();
            if (o == null) continue;
            total = total == null ? o : total.add(o);
            count += l.orthogonalityCount();
        }
        if (total == null) return Map.of();
        NDArray mean = total.div(Constants.scalar(total, count));
        orthSum += mean.getFloat();
        orthSteps++;
        NDArray loss = mean.mul(Constants.scalar(mean, cfg.orthLambda()));
        loss.attach(ctx.manager());
        return Map.of("dynshuffle_orth", loss);
    }

    @Override
    public void afterStep(StepContext ctx) {
        if (layers.isEmpty()) return;
        position = ctx.epoch() + (ctx.iteration() + 1.0) / ctx.iterationsPerEpoch();
        applySchedule();
    }

    @Override
    public void endOfEpoch(EpochContext ctx) {
        if (layers.isEmpty()) return;
        long[] sum = new long[4];
        for (DynamicShuffle l : layers) {
            long[] c = l.collisionCounts();
            for (int i = 0; i < 4; i++) sum[i] += c[i];
            l.resetCounts();
        }
        Map<String, Double> s = ctx.scalars();
        if (orthSteps > 0) s.put("dynshuffle.orth_loss", orthSum / orthSteps);
        if (sum[0] > 0) s.put("dynshuffle.collision_rate", (double) sum[1] / sum[0]);
        if (sum[2] > 0) s.put("dynshuffle.eval_collision_rate", (double) sum[3] / sum[2]);
        s.put("dynshuffle.ste", steNow() ? 1.0 : 0.0);
        s.put("dynshuffle.temperature", temperatureNow());
        LOG.info("dynshuffle epoch {}: orth loss {}, argmax collisions train {} / eval {}, STE {}", ctx.epoch(),
                s.get("dynshuffle.orth_loss"), s.get("dynshuffle.collision_rate"),
                s.get("dynshuffle.eval_collision_rate"), steNow());
        orthSum = 0;
        orthSteps = 0;
    }

    @Override
    public MethodState saveState() {
        return MethodState.of(DynShuffleConfig.NAME, STATE_VERSION, new State(position));
    }

    /** Checkpointed: the schedule position in epochs (the generators' weights are parameters). */
    record State(double position) {}

    @Override
    public void loadState(MethodState state, NDManager manager) throws IOException {
        position = state.read(DynShuffleConfig.NAME, STATE_VERSION, State.class).position();
        applySchedule();
        for (DynamicShuffle l : layers) l.resetCounts();
        orthSum = 0;
        orthSteps = 0;
    }
}

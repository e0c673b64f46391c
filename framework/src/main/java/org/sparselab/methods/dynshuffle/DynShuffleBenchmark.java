package org.sparselab.methods.dynshuffle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sparselab.config.ConfigLoader;
import org.sparselab.methods.RunInfo;
import org.sparselab.metrics.LayerRow;
import org.sparselab.metrics.Latency;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ChannelGather;
import org.sparselab.nn.LayerTrace;
import org.sparselab.nn.ShuffleFactory;
import org.sparselab.train.StepContext;

/**
 * Fixed vs dynamic vs static-dynamic shuffle in one architecture: inference latency (the dynamic forms on their
 * inference path: hard, repaired permutations as a per-sample gather), timed interleaved so machine load hits all
 * alike; training step time (forward, the orthogonality loss, backward; STE on); parameters and MACs from the
 * profiler, the generators' separately. Goal (issue 6): dynamic inference ≤ 1.03× the fixed shuffle's latency.
 */
public final class DynShuffleBenchmark {
    /** The compared forms: name → method options (empty: the fixed shuffle). */
    static final Map<String, String> FORMS = forms();

    private DynShuffleBenchmark() {}

    private static Map<String, String> forms() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("fixed", "{name: dynshuffle, shuffle: fixed}");
        f.put("dynamic", "{name: dynshuffle, shuffle: dynamic, binarize: ste_always}"); // hard_index: auto
        f.put("dynamic_device", "{name: dynshuffle, shuffle: dynamic, binarize: ste_always, hard_index: device}");
        f.put("static_dynamic", "{name: dynshuffle, shuffle: static_dynamic, binarize: ste_always}");
        return f;
    }

    /**
     * @param build builds the architecture with the given shuffle factory (uninitialised)
     * @param sample one input sample's shape, (1, C, H, W)
     * @param trainBatch batch of the timed training steps; {@code trainSteps} of them per form, interleaved
     */
    public static Map<String, Object> run(Function<ShuffleFactory, Block> build, Shape sample, int[] batches,
            int warmup, int repeats, int trainBatch, int trainSteps, long seed) {
        return run(build, sample, batches, warmup, repeats, trainBatch, trainSteps, seed, batches);
    }

    /** As above, with the per-point breakdown ({@link #points}) at each of {@code breakdownBatches}. */
    public static Map<String, Object> run(Function<ShuffleFactory, Block> build, Shape sample, int[] batches,
            int warmup, int repeats, int trainBatch, int trainSteps, long seed, int[] breakdownBatches) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<String> names = new ArrayList<>(FORMS.keySet());
            List<Block> blocks = new ArrayList<>();
            List<DynShuffle> methods = new ArrayList<>();
            Map<String, Map<String, Object>> cost = new LinkedHashMap<>();
            for (String name : names) {
                DynShuffle method = (DynShuffle) ConfigLoader.parse(FORMS.get(name), DynShuffleConfig.class).config()
                        .create();
                Block b = build.apply(method.shuffleFactory());
                Engine.getInstance().setRandomSeed((int) seed);
                b.initialize(manager, DataType.FLOAT32, sample);
                method.attach(b, RunInfo.inference(sample));
                blocks.add(b);
                methods.add(method);
                cost.put(name, cost(Profiler.profile(b, sample, manager)));
            }
            out.put("profile", cost);
            List<List<Latency.Stats>> perBatch = Latency.interleaved(blocks, sample, batches, warmup, repeats, manager);
            for (int j = 0; j < batches.length; j++) {
                int batch = batches[j];
                List<Latency.Stats> t = perBatch.get(j);
                for (int k = 0; k < names.size(); k++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("form", names.get(k));
                    r.put("batch", batch);
                    r.put("medianMs", t.get(k).medianMs());
                    r.put("p90Ms", t.get(k).p90Ms());
                    r.put("ratioToFixed", t.get(k).medianMs() / t.get(0).medianMs());
                    r.put("pairedRatioToFixed", t.get(k).pairedRatio(t.get(0)));
                    if (t.get(k).faultsCounted() != null) r.put("faultsPerPass", t.get(k).faultsCounted());
                    rows.add(r);
                }
            }
            out.put("inference", rows);
            List<Map<String, Object>> points = new ArrayList<>();
            for (int batch : breakdownBatches) {
                points.addAll(points(blocks.get(names.indexOf("dynamic")), sample, batch, warmup, repeats, manager));
            }
            out.put("points", points);
            double[][] ms = trainSteps(blocks, methods, sample, trainBatch, trainSteps, manager);
            List<Map<String, Object>> train = new ArrayList<>();
            double fixed = median(ms[0]);
            for (int k = 0; k < names.size(); k++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("form", names.get(k));
                r.put("batch", trainBatch);
                r.put("medianMs", median(ms[k]));
                r.put("ratioToFixed", median(ms[k]) / fixed);
                train.add(r);
            }
            out.put("train_step", train);
        }
        out.put("warmup", warmup);
        out.put("repeats", repeats);
        out.put("train_steps", trainSteps);
        out.put("seed", seed);
        out.put("goal", "dynamic inference <= 1.03 x fixed (ratio of medians; pairedRatioToFixed: median of per-round "
                + "ratios)");
        return out;
    }

    /** The stages of one shuffle point's inference forward, timed apart (see {@link #points}). */
    static final List<String> STAGES = List.of("fixed", "layer", "pool", "generator", "index", "index_host",
            "gather");

    /**
     * What a dynamic shuffle point costs at inference, stage by stage, on its own input shape in {@code dynamic}:
     * {@code fixed} the ShuffleNet shuffle it replaces; {@code layer} the whole hard forward; {@code pool} the
     * generator's global average pool alone (a full read of the activation); {@code generator} the logits (GAP, FC1,
     * ReLU, FC2); {@code index} argmax, collision count and gather index on the device;
     * {@code index_host} the same index built on the host (logits read back, as {@code hard_index: host});
     * {@code gather} the channel gather with a ready index. Stages are timed interleaved, one of each per round;
     * CPU eager ops return when done, so no read-back is needed to time them.
     */
    static List<Map<String, Object>> points(Block dynamic, Shape sample, int batch, int warmup, int repeats,
            NDManager manager) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray input = scope.randomNormal(new Shape(batch, sample.get(1), sample.get(2), sample.get(3)));
            List<DynamicShuffle> layers = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (LayerTrace.Entry e : LayerTrace.capture(() -> dynamic.forward(ps, new NDList(input), false))) {
                if (e.layer() instanceof DynamicShuffle d && !layers.contains(d)) {
                    layers.add(d);
                    shapes.add(e.input());
                }
            }
            for (int p = 0; p < layers.size(); p++) {
                DynamicShuffle layer = layers.get(p);
                ShuffleLayout l = layer.layout();
                NDArray x = scope.randomNormal(shapes.get(p));
                int n = (int) x.getShape().get(0);
                NDArray z = layer.logits(ps, x, false);
                NDArray[] f = layer.hardFactors(z, n);
                NDArray index = layer.gatherIndex(f[0], f[1], n);
                List<Runnable> stages = List.of(
                        () -> FactoredPermutation.crossShuffle(x.reshape(n, l.channels(), -1), l.groups()),
                        () -> layer.forward(ps, new NDList(x), false),
                        () -> x.reshape(n, l.channels(), -1).mean(new int[] {2}),
                        () -> layer.logits(ps, x, false),
                        () -> {
                            NDArray[] g = layer.hardFactors(z, n);
                            layer.gatherIndex(g[0], g[1], n);
                        },
                        () -> layer.hostIndex(z, n, x.getManager()),
                        () -> ChannelGather.rows(x, index));
                double[][] us = new double[stages.size()][repeats];
                for (int i = 0; i < warmup + repeats; i++) {
                    for (int k = 0; k < stages.size(); k++) {
                        try (NDManager pass = scope.newSubManager()) {
                            pass.tempAttachAll(x, z, index);
                            long t0 = System.nanoTime();
                            stages.get(k).run();
                            if (i >= warmup) us[k][i - warmup] = (System.nanoTime() - t0) / 1e3;
                        }
                    }
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("point", layer.path());
                r.put("batch", n);
                r.put("input", x.getShape().toString());
                r.put("factors", l.blocks() + "x(" + l.n1() + "x" + l.n2() + ")");
                for (int k = 0; k < stages.size(); k++) r.put(STAGES.get(k) + "_us", median(us[k]));
                r.put("layer_over_fixed", median(us[1]) / median(us[0]));
                rows.add(r);
            }
        }
        return rows;
    }

    private static Map<String, Object> cost(ModelProfile p) {
        Map<String, Object> c = new LinkedHashMap<>();
        long genParams = 0;
        long genMacs = 0;
        long shuffleMacs = 0;
        long shuffleInferenceMacs = 0;
        for (LayerRow r : p.layers()) {
            if (r.kind().equals("generator")) {
                genParams += r.params();
                genMacs += r.macs();
            } else if (r.kind().equals("dynshuffle") || r.kind().equals("static_dynamic")) {
                shuffleMacs += r.macs();
                shuffleInferenceMacs += r.effectiveMacs();
            }
        }
        c.put("params", p.params());
        c.put("macs_training_path", p.macs());
        c.put("macs_inference_path", p.effectiveMacs());
        c.put("generator_params", genParams);
        c.put("generator_macs", genMacs);
        c.put("shuffle_macs_training_path", shuffleMacs);
        c.put("shuffle_macs_inference_path", shuffleInferenceMacs);
        return c;
    }

    /** Milliseconds of forward + extra loss + backward per step, per form; one step of each per round. */
    private static double[][] trainSteps(List<Block> blocks, List<DynShuffle> methods, Shape sample, int batch,
            int steps, NDManager manager) {
        double[][] ms = new double[blocks.size()][steps];
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(batch, sample.get(1), sample.get(2), sample.get(3)));
            ParameterStore ps = new ParameterStore(scope, false);
            for (int i = -1; i < steps; i++) { // i = -1: warm-up
                for (int k = 0; k < blocks.size(); k++) {
                    try (NDManager pass = scope.newSubManager()) {
                        pass.tempAttachAll(x);
                        long t0 = System.nanoTime();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = blocks.get(k).forward(ps, new NDList(x), true).head();
                            NDArray loss = logits.logSoftmax(1).get(":, 0").mean().neg();
                            StepContext ctx = new StepContext(pass, blocks.get(k), ps, "bench", 0, 0, 0, i, 0, 1, 0,
                                    new NDList(logits));
                            for (NDArray extra : methods.get(k).extraLosses(ctx).values()) loss = loss.add(extra);
                            gc.backward(loss);
                        }
                        if (i >= 0) ms[k][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Latency.percentile(s, 0.5);
    }
}

package org.sparselab.methods.ssc;

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
import org.sparselab.deploy.DeployTuning;
import org.sparselab.methods.RunInfo;
import org.sparselab.methods.masking.WeightTransfer;
import org.sparselab.metrics.Latency;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.DecomposedConv2d;
import org.sparselab.nn.MaskedConv2d;

/**
 * Dense vs masked vs decomposed vs deployed (per-layer faster form) SSC models, timed interleaved in one process:
 * inference at each batch size and a training step (forward + backward), as ratios to the masked form. The masked
 * and decomposed models hold the same weights (the decomposed one is loaded from the masked one), so they compute the
 * same function; the deployed one is what a run's export keeps, with its per-layer timings.
 *
 * <p>Goal (issue 12): decomposed ≤ 0.7× masked at batch 64 for densities ≤ 50 %. Where it is missed, the per-layer
 * rows of the deployed export say which layers the decomposed form loses on.
 */
public final class SscBenchmark {
    private SscBenchmark() {}

    /** The SSC settings timed: a name, the method YAML. */
    public static final Map<String, String> VARIANTS = variants();

    private static Map<String, String> variants() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("checkerboard G1", "{name: ssc, groups: 1, pattern: alt_channel, pointwise_complement: false}");
        v.put("grouped G4", "{name: ssc, groups: 4, pattern: full, pointwise_complement: false}");
        v.put("SSC G4 alt+complement", "{name: ssc, groups: 4, pattern: alt_channel, pointwise_complement: true}");
        v.put("SSC G4 alt", "{name: ssc, groups: 4, pattern: alt_channel, pointwise_complement: false}");
        return v;
    }

    /**
     * @param build builds the architecture with the given conv factory (uninitialised)
     * @param sample one input sample's shape, (1, C, H, W)
     */
    public static Map<String, Object> run(Function<ConvFactory, Block> build, Shape sample, int[] batches,
            int trainBatch, int warmup, int repeats, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> layers = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            Block dense = build.apply(ConvFactory.dense());
            dense.initialize(manager, DataType.FLOAT32, sample);
            long denseMacs = Profiler.profile(dense, sample, manager).macs();
            for (var variant : VARIANTS.entrySet()) {
                SscConfig cfg = ConfigLoader.parse(variant.getValue(), SscConfig.class).config();
                Ssc maskedMethod = new Ssc(cfg);
                Block masked = build.apply(maskedMethod.convFactory());
                masked.initialize(manager, DataType.FLOAT32, sample);
                // The export tunes each layer's form at the bench's own batch sizes and rounds.
                maskedMethod.attach(masked, RunInfo.inference(sample).withDeploy(new DeployTuning(
                        Arrays.stream(batches).boxed().toList(), warmup, repeats)));
                SscConfig decomposedCfg = ConfigLoader.parse(variant.getValue().replace("}",
                        ", implementation: decomposed}"), SscConfig.class).config();
                Block decomposed = build.apply(new Ssc(decomposedCfg).convFactory());
                decomposed.initialize(manager, DataType.FLOAT32, sample);
                WeightTransfer.copy(masked, decomposed, (from, to) -> {
                    if (!(from instanceof MaskedConv2d m && to instanceof DecomposedConv2d d)) return false;
                    d.loadDense(WeightTransfer.maskedWeight(m.weight(), m.mask()));
                    return true;
                });
                Block deployed = maskedMethod.export(masked, build);
                long macs = Profiler.profile(masked, sample, manager).effectiveMacs();
                double density = (double) macs / denseMacs;
                List<Block> forms = List.of(dense, masked, decomposed, deployed);
                List<String> names = List.of("dense", "masked", "decomposed", "deployed");
                List<List<Latency.Stats>> perBatch = Latency.interleaved(forms, sample, batches, warmup, repeats,
                        manager);
                for (int j = 0; j < batches.length; j++) {
                    int b = batches[j];
                    List<Latency.Stats> t = perBatch.get(j);
                    for (int i = 0; i < forms.size(); i++) {
                        Map<String, Object> r = row(variant.getKey(), names.get(i), "inference", b, density,
                                t.get(i).medianMs(), t.get(i).p90Ms(), t.get(1).medianMs(), t.get(0).medianMs());
                        if (t.get(i).faultsCounted() != null) r.put("faultsPerPass", t.get(i).faultsCounted());
                        rows.add(r);
                    }
                }
                double[][] train = trainSteps(forms.subList(0, 3), sample, trainBatch, warmup, repeats, manager);
                for (int i = 0; i < 3; i++) {
                    double[] ms = train[i];
                    rows.add(row(variant.getKey(), names.get(i), "train_step", trainBatch, density,
                            Latency.percentile(ms, 0.5), Latency.percentile(ms, 0.9),
                            Latency.percentile(train[1], 0.5), Latency.percentile(train[0], 0.5)));
                }
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> perLayer = (List<Map<String, Object>>) maskedMethod.exportReport()
                        .get("forms");
                for (Map<String, Object> l : perLayer) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("variant", variant.getKey());
                    r.putAll(l);
                    layers.add(r);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("warmup", warmup);
        out.put("repeats", repeats);
        out.put("seed", seed);
        out.put("variants", VARIANTS);
        out.put("rows", rows);
        out.put("layers", layers);
        return out;
    }

    /** Forward + backward of each model in turn, {@code repeats} rounds after {@code warmup}: sorted ms per model. */
    private static double[][] trainSteps(List<Block> models, Shape sample, int batch, int warmup, int repeats,
            NDManager manager) {
        double[][] ms = new double[models.size()][repeats];
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(batch, sample.get(1), sample.get(2), sample.get(3)));
            ParameterStore ps = new ParameterStore(scope, false);
            for (int r = 0; r < warmup + repeats; r++) {
                for (int k = 0; k < models.size(); k++) {
                    try (NDManager pass = scope.newSubManager()) {
                        pass.tempAttachAll(x);
                        long t0 = System.nanoTime();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray y = models.get(k).forward(ps, new NDList(x), true).head();
                            NDArray loss = y.sum();
                            gc.backward(loss);
                            loss.getFloat();
                        }
                        if (r >= warmup) ms[k][r - warmup] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        for (double[] m : ms) Arrays.sort(m);
        return ms;
    }

    private static Map<String, Object> row(String variant, String form, String pass, int batch, double density,
            double medianMs, double p90Ms, double maskedMs, double denseMs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("variant", variant);
        r.put("form", form);
        r.put("pass", pass);
        r.put("batch", batch);
        r.put("macsDensity", density);
        r.put("medianMs", medianMs);
        r.put("p90Ms", p90Ms);
        r.put("vsMasked", medianMs / maskedMs);
        r.put("vsDense", medianMs / denseMs);
        return r;
    }
}

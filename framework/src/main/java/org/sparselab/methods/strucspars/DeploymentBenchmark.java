package org.sparselab.methods.strucspars;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.sparselab.deploy.DeployTuning;
import org.sparselab.methods.RunInfo;
import org.sparselab.metrics.Latency;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ConvFactory;

/**
 * Dense vs deployed StrucSpars model latency, timed interleaved (one pass of each per round) so machine load
 * affects both alike: for each target, the groupable convs get levels from the threshold
 * bisection on the {@code macs} metric (random weights: latency depends on the structure only) and random P/Q, then
 * the model is exported with the autotuned export ({@link TunedExport}, tuned at the benchmark's batch sizes and
 * rounds) and timed against the dense model in the same process.
 *
 * <p>Rows per target and batch: {@code dense}, {@code deployed} (tuned: the goal is speedup ≥ 1 and speedup ÷ MACs
 * reduction ≥ 0.8 wherever a form allows it) and, as diagnostics, the untuned export ({@code grouped}: every layer one
 * grouped conv, gathers folded), the same before folding ({@code grouped_unfolded}) and with identity permutations
 * ({@code grouped_no_gather}: what the remaining gathers cost). Per target the export's choice: the model form and,
 * per layer, the chosen form, its speedup over the layer's dense conv and whether any form beat dense.
 */
public final class DeploymentBenchmark {
    private DeploymentBenchmark() {}

    /**
     * @param build builds the architecture with the given conv factory (uninitialised)
     * @param sample one input sample's shape, (1, C, H, W)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> run(Function<ConvFactory, Block> build, Shape sample, double[] targets,
            int[] batches, int warmup, int repeats, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> choices = new ArrayList<>();
        DeployTuning tuning = new DeployTuning(Arrays.stream(batches).boxed().toList(), warmup, repeats);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block dense = build.apply(ConvFactory.dense());
            dense.initialize(manager, DataType.FLOAT32, sample);
            long denseMacs = Profiler.profile(dense, sample, manager).macs();
            for (double target : targets) {
                StrucSpars method = (StrucSpars) org.sparselab.config.ConfigLoader.parse(
                        "{name: strucspars, sparsity_metric: macs, target_sparsity: " + target + "}",
                        StrucSparsConfig.class).config().create();
                Block masked = build.apply(method.convFactory());
                masked.initialize(manager, DataType.FLOAT32, sample);
                method.attach(masked, RunInfo.inference(sample).withDeploy(tuning));
                Random rng = new Random(seed);
                for (GroupableLayer l : method.layers()) {
                    l.setState(Permutations.random(l.spec().out(), rng), Permutations.random(l.spec().in(), rng), 1);
                }
                method.maskAtTarget();
                Block deployed = method.export(masked, build);
                Map<String, Object> report = method.exportReport();
                Block grouped = GroupedExport.export(masked, method.layers(), build, sample);
                Block unfolded = GroupedExport.export(masked, method.layers(), build, sample, false);
                long macs = Profiler.profile(grouped, sample, manager).macs();
                Map<String, Object> structure = structure(grouped);
                structure.put("gathersUnfolded", org.sparselab.nn.GatherFolding.gathers(unfolded));
                // The same levels with identity permutations: the same group convs without the gathers.
                for (GroupableLayer l : method.layers()) {
                    l.setState(Permutations.identity(l.spec().out()), Permutations.identity(l.spec().in()),
                            l.level());
                }
                Block noGather = GroupedExport.export(masked, method.layers(), build, sample);
                List<List<Latency.Stats>> perBatch = Latency.interleaved(
                        List.of(dense, deployed, grouped, unfolded, noGather), sample, batches, warmup, repeats, manager);
                for (int j = 0; j < batches.length; j++) {
                    int b = batches[j];
                    List<Latency.Stats> t = perBatch.get(j);
                    rows.add(row("dense", target, b, denseMacs, denseMacs, t.get(0), t.get(0)));
                    rows.add(row("deployed", target, b, denseMacs, macs, t.get(0), t.get(1)));
                    rows.add(row("grouped", target, b, denseMacs, macs, t.get(0), t.get(2)));
                    rows.get(rows.size() - 1).putAll(structure);
                    rows.add(row("grouped_unfolded", target, b, denseMacs, macs, t.get(0), t.get(3)));
                    rows.add(row("grouped_no_gather", target, b, denseMacs, macs, t.get(0), t.get(4)));
                }
                Map<String, Object> choice = new LinkedHashMap<>();
                choice.put("target", target);
                choice.put("description", report.get("description"));
                choice.put("model_form", report.get("model_form"));
                List<Map<String, Object>> layers = new ArrayList<>();
                for (Map<String, Object> r : (List<Map<String, Object>>) report.get("forms")) {
                    Map<String, Object> l = new LinkedHashMap<>();
                    for (String k : List.of("layer", "groups", "deployed", "form", "beats_reference", "speedup")) {
                        if (r.containsKey(k)) l.put(k, r.get(k));
                    }
                    layers.add(l);
                }
                choice.put("layers", layers);
                choices.add(choice);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("warmup", warmup);
        out.put("repeats", repeats);
        out.put("seed", seed);
        out.put("rows", rows);
        out.put("choices", choices);
        return out;
    }

    /** Layers per group count and the gathers left after canonicalisation: what the latency pays for. */
    private static Map<String, Object> structure(Block deployed) {
        Map<Integer, Integer> byGroups = new java.util.TreeMap<>();
        int gathers = 0;
        java.util.ArrayDeque<Block> todo = new java.util.ArrayDeque<>(List.of(deployed));
        while (!todo.isEmpty()) {
            Block b = todo.pop();
            if (b instanceof org.sparselab.nn.PermutedGroupConv2d g) {
                byGroups.merge(g.spec().groups(), 1, Integer::sum);
                gathers += g.gathers();
            }
            b.getChildren().values().forEach(todo::push);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Integer> layers = new LinkedHashMap<>();
        byGroups.forEach((g, n) -> layers.put(String.valueOf(g), n));
        out.put("layersByGroups", layers);
        out.put("gathers", gathers);
        return out;
    }

    private static Map<String, Object> row(String form, double target, int batch, long denseMacs, long macs,
            Latency.Stats dense, Latency.Stats s) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("form", form);
        r.put("target", target);
        r.put("batch", batch);
        r.put("macs", macs);
        r.put("macsReduction", (double) denseMacs / macs);
        r.put("medianMs", s.medianMs());
        if (s.faultsCounted() != null) r.put("faultsPerPass", s.faultsCounted());
        r.put("p90Ms", s.p90Ms());
        r.put("speedup", dense.medianMs() / s.medianMs());
        r.put("speedupPerMacsReduction", dense.medianMs() / s.medianMs() / ((double) denseMacs / macs));
        return r;
    }
}

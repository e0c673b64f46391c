package org.sparselab.methods.strucspars;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.sparselab.methods.RunInfo;
import org.sparselab.metrics.Latency;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ConvFactory;

/**
 * Dense vs deployed StrucSpars model latency, timed interleaved (one pass of each per round) so machine load
 * affects both alike: for each target, the groupable convs get levels from the threshold
 * bisection on the {@code macs} metric (random weights: latency depends on the structure only) and random P/Q, then
 * the model is exported to real group convs with gathers and timed against the dense model in the same process.
 *
 * <p>Reports speedup ÷ MACs reduction (the goal ≥ 0.8) and, as diagnostics, the export before gather
 * folding ({@code grouped_unfolded}: what folding gains) and the same grouped model with identity permutations
 * ({@code grouped_no_gather}: what the remaining gathers cost, the ceiling of any gather fusion).
 */
public final class DeploymentBenchmark {
    private DeploymentBenchmark() {}

    /**
     * @param build builds the architecture with the given conv factory (uninitialised)
     * @param sample one input sample's shape, (1, C, H, W)
     */
    public static Map<String, Object> run(Function<ConvFactory, Block> build, Shape sample, double[] targets,
            int[] batches, int warmup, int repeats, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
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
                method.attach(masked, RunInfo.inference(sample));
                Random rng = new Random(seed);
                for (GroupableLayer l : method.layers()) {
                    l.setState(Permutations.random(l.spec().out(), rng), Permutations.random(l.spec().in(), rng), 1);
                }
                method.maskAtTarget();
                Block deployed = method.export(masked, build);
                Block unfolded = GroupedExport.export(masked, method.layers(), build, sample, false);
                long macs = Profiler.profile(deployed, sample, manager).macs();
                Map<String, Object> structure = structure(deployed);
                structure.put("gathersUnfolded", org.sparselab.nn.GatherFolding.gathers(unfolded));
                // The same levels with identity permutations: the same group convs without the gathers.
                for (GroupableLayer l : method.layers()) {
                    l.setState(Permutations.identity(l.spec().out()), Permutations.identity(l.spec().in()),
                            l.level());
                }
                Block noGather = method.export(masked, build);
                for (int b : batches) {
                    List<Latency.Stats> t = Latency.interleaved(List.of(dense, deployed, unfolded, noGather), sample, b, warmup,
                            repeats, manager);
                    rows.add(row("dense", target, b, denseMacs, denseMacs, t.get(0), t.get(0)));
                    rows.add(row("grouped", target, b, denseMacs, macs, t.get(0), t.get(1)));
                    rows.get(rows.size() - 1).putAll(structure);
                    rows.add(row("grouped_unfolded", target, b, denseMacs, macs, t.get(0), t.get(2)));
                    rows.add(row("grouped_no_gather", target, b, denseMacs, macs, t.get(0), t.get(3)));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("warmup", warmup);
        out.put("repeats", repeats);
        out.put("seed", seed);
        out.put("rows", rows);
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
        r.put("p90Ms", s.p90Ms());
        r.put("speedup", dense.medianMs() / s.medianMs());
        r.put("speedupPerMacsReduction", dense.medianMs() / s.medianMs() / ((double) denseMacs / macs));
        return r;
    }
}

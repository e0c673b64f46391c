package org.sparselab.methods.strucspars;

import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparselab.bench.BenchContext;
import org.sparselab.bench.BenchOptions;
import org.sparselab.bench.BenchResult;
import org.sparselab.bench.BenchmarkRegistry;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.ShuffleFactory;

/** The benchmarks StrucSpars contributes: {@code assignment} (its exact solvers) and {@code strucspars} (deployment). */
public final class StrucSparsBenchmarks {
    private StrucSparsBenchmarks() {}

    public static void register(BenchmarkRegistry r) {
        r.register("assignment", "StrucSpars' exact assignment solvers (P/Q steps), n = 128…1024; goal n = 512 in "
                + "<= 0.3 s", StrucSparsBenchmarks::assignment);
        r.register("strucspars", "dense vs deployed (autotuned) StrucSpars model latency and the per-layer forms "
                + "chosen (default resnet56; --model, --image-size, --classes, --batches, --repeats)", Map.of("targets", "fractions of the MACs removed, "
                + "comma-separated (default 0.3,0.5,0.7)"), StrucSparsBenchmarks::deployment);
    }

    @SuppressWarnings("unchecked")
    private static BenchResult assignment(BenchContext ctx) {
        Map<String, Object> r = AssignmentBenchmark.run(new int[] {128, 256, 512, 1024}, 7, 42);
        PrintWriter out = ctx.out();
        out.printf(Locale.ROOT, "%-10s %-11s %6s %10s %10s%n", "solver", "instance", "n", "median s", "p90 s");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            out.printf(Locale.ROOT, "%-10s %-11s %6s %10.4f %10.4f%n", row.get("solver"), row.get("instance"),
                    row.get("n"), ((Number) row.get("medianS")).doubleValue(), ((Number) row.get("p90S")).doubleValue());
        }
        out.println("goal: n = 512 in <= 0.3 s (StrucSpars-shaped costs are the realistic case)");
        return new BenchResult("assignment", r);
    }

    /**
     * Dense vs deployed StrucSpars model (default ResNet-56, CIFAR input) at the targets' fractions of the MACs
     * removed, at each batch size: median and p90 latency, speedup ÷ MACs reduction (goal ≥ 0.8).
     */
    @SuppressWarnings("unchecked")
    private static BenchResult deployment(BenchContext ctx) {
        BenchOptions o = ctx.options();
        var models = Models.defaults();
        String model = o.model(models, "resnet56");
        o.checkShapes();
        double[] targets = o.doubles("targets", "0.3,0.5,0.7");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("input", "3x" + o.imageSize() + "x" + o.imageSize());
        Shape sample = new Shape(1, 3, o.imageSize(), o.imageSize());
        r.putAll(DeploymentBenchmark.run(f -> models.create(model, new ModelContext(3, o.imageSize(), o.classes(), f,
                ShuffleFactory.fixed())), sample, targets, o.batches(), o.warmup(), o.repeats(), 42));
        PrintWriter out = ctx.out();
        out.printf(Locale.ROOT, "%-18s %6s %5s %10s %8s %10s %10s %8s %12s%n", "form", "target", "batch", "MACs",
                "MACs÷", "median ms", "p90 ms", "speedup", "speedup/MACs÷");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            out.printf(Locale.ROOT, "%-18s %6.2f %5d %10d %8.2f %10.3f %10.3f %8.2f %12.2f%n", row.get("form"),
                    ((Number) row.get("target")).doubleValue(), ((Number) row.get("batch")).intValue(),
                    ((Number) row.get("macs")).longValue(), ((Number) row.get("macsReduction")).doubleValue(),
                    ((Number) row.get("medianMs")).doubleValue(), ((Number) row.get("p90Ms")).doubleValue(),
                    ((Number) row.get("speedup")).doubleValue(),
                    ((Number) row.get("speedupPerMacsReduction")).doubleValue());
        }
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            if (row.get("form").equals("grouped") && ((Number) row.get("batch")).intValue() == o.batches()[0]) {
                out.printf(Locale.ROOT, "target %.2f: untuned export: layers by groups %s, %s channel gathers per "
                        + "pass (%s before folding)%n", ((Number) row.get("target")).doubleValue(),
                        row.get("layersByGroups"), row.get("gathers"), row.get("gathersUnfolded"));
            }
        }
        for (Map<String, Object> choice : (List<Map<String, Object>>) r.get("choices")) {
            double target = ((Number) choice.get("target")).doubleValue();
            out.printf(Locale.ROOT, "%ntarget %.2f: deployed %s%n", target, choice.get("description"));
            List<String> ratios = new java.util.ArrayList<>();
            for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
                if (row.get("form").equals("deployed") && ((Number) row.get("target")).doubleValue() == target) {
                    ratios.add(String.format(Locale.ROOT, "b%d %.2fx", ((Number) row.get("batch")).intValue(),
                            ((Number) row.get("speedup")).doubleValue()));
                }
            }
            out.println("  deployed vs dense (dense ms / deployed ms, this table's timing): "
                    + String.join(", ", ratios));
            out.printf(Locale.ROOT, "  %-26s %6s %-9s %-10s %-24s %s%n", "layer", "groups", "deployed", "fastest",
                    "fastest vs dense conv", "a form beat dense?");
            for (Map<String, Object> l : (List<Map<String, Object>>) choice.get("layers")) {
                Object speedup = l.get("speedup");
                String sp = speedup instanceof Map<?, ?> m ? m.entrySet().stream().map(e -> String.format(Locale.ROOT,
                        "%s %.2fx", e.getKey(), ((Number) e.getValue()).doubleValue())).collect(
                        java.util.stream.Collectors.joining(", ")) : "-";
                boolean grouped = ((Number) l.get("groups")).intValue() > 1;
                String beat = !grouped ? "(one group: dense)"
                        : Boolean.TRUE.equals(l.get("beats_reference")) ? "yes" : "no form beat dense";
                out.printf(Locale.ROOT, "  %-26s %6s %-9s %-10s %-24s %s%n", l.get("layer"), l.get("groups"),
                        l.get("deployed"), l.get("form"), sp, beat);
            }
        }
        out.println("goal: deployed >= 1.0x dense at every batch, speedup / MACs reduction >= 0.8 where a form allows "
                + "it; grouped is the untuned export (every layer one grouped conv), grouped_unfolded the same before "
                + "gather folding, grouped_no_gather the same convs without any channel gather");
        return new BenchResult(model.equals("resnet56") ? "strucspars" : "strucspars_" + model, r);
    }
}

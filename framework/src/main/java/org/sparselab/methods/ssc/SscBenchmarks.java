package org.sparselab.methods.ssc;

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

/** The benchmark SSC contributes: {@code ssc} (dense / masked / decomposed / deployed forms). */
public final class SscBenchmarks {
    private SscBenchmarks() {}

    public static void register(BenchmarkRegistry r) {
        r.register("ssc", "dense vs masked vs decomposed vs deployed SSC model (default vgg16_bn, CIFAR input): "
                + "inference at --batches and a training step at batch 64, per-layer forms; goal decomposed <= 0.7x "
                + "masked at batch 64 for density <= 50 %", SscBenchmarks::forms);
    }

    /**
     * Dense vs masked vs decomposed vs deployed SSC at four settings: inference at each batch size and a training
     * step at batch 64, as ratios to the masked form; the deployed export's per-layer timings.
     */
    @SuppressWarnings("unchecked")
    private static BenchResult forms(BenchContext ctx) {
        BenchOptions o = ctx.options();
        var models = Models.defaults();
        String arch = o.model(models, "vgg16_bn");
        o.checkShapes();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", arch);
        r.put("input", "3x" + o.imageSize() + "x" + o.imageSize());
        Shape sample = new Shape(1, 3, o.imageSize(), o.imageSize());
        r.putAll(SscBenchmark.run(f -> models.create(arch, new ModelContext(3, o.imageSize(), o.classes(), f,
                ShuffleFactory.fixed())), sample, o.batches(), 64, Math.max(2, o.repeats() / 5), o.repeats(), 42));
        PrintWriter out = ctx.out();
        out.printf(Locale.ROOT, "%-22s %-10s %-10s %5s %8s %10s %10s %9s %8s %12s%n", "variant", "form", "pass",
                "batch", "MACs d", "median ms", "p90 ms", "÷masked", "÷dense", "faults/pass");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            out.printf(Locale.ROOT, "%-22s %-10s %-10s %5d %8.3f %10.3f %10.3f %9.2f %8.2f %12s%n", row.get("variant"),
                    row.get("form"), row.get("pass"), ((Number) row.get("batch")).intValue(),
                    ((Number) row.get("macsDensity")).doubleValue(), ((Number) row.get("medianMs")).doubleValue(),
                    ((Number) row.get("p90Ms")).doubleValue(), ((Number) row.get("vsMasked")).doubleValue(),
                    ((Number) row.get("vsDense")).doubleValue(), row.getOrDefault("faultsPerPass", "-"));
        }
        out.println("faults/pass: the process's minor page faults per timed pass (median); thousands mean the form is "
                + "timed on fresh allocations (README, \"Memory and malloc\")");
        out.println();
        out.printf(Locale.ROOT, "%-22s %-22s %11s %11s %10s  %s%n", "variant", "layer", "masked b64", "decomp b64",
                "deployed", "decomposition");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("layers")) {
            out.printf(Locale.ROOT, "%-22s %-22s %11s %11s %10s  %s%n", row.get("variant"), row.get("layer"),
                    ms(row.get("masked_b64_ms")), ms(row.get("decomposed_b64_ms")), row.get("deployed"),
                    row.get("decomposition"));
        }
        out.println("goal: decomposed / masked <= 0.7 at batch 64 for MACs density <= 0.5 (inference)");
        return new BenchResult(arch.equals("vgg16_bn") ? "ssc" : "ssc_" + arch, r);
    }

    private static String ms(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }
}

package org.sparselab.methods.dynshuffle;

import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.util.ArrayList;
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
import org.sparselab.nn.ConvFactory;

/** The benchmark dynamic shuffle contributes: {@code dynshuffle} ({@link DynShuffleBenchmark} on ShuffleNet V2). */
public final class DynShuffleBenchmarks {
    private DynShuffleBenchmarks() {}

    public static void register(BenchmarkRegistry r) {
        r.register("dynshuffle", "fixed vs dynamic vs static-dynamic ShuffleNet V2 0.5x/1.0x inference latency and "
                + "training step time (--image-size, --batches, --repeats); goal dynamic <= 1.03x fixed",
                DynShuffleBenchmarks::run);
    }

    /**
     * Fixed vs dynamic (hard gather) vs static-dynamic shuffle in ShuffleNet V2 0.5× and 1.0× (3 input channels, 10
     * classes): inference latency at each batch size, training step time at batch 32, generator params/MACs.
     */
    @SuppressWarnings("unchecked")
    private static BenchResult run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        o.checkShapes();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", "3x" + o.imageSize() + "x" + o.imageSize());
        Shape sample = new Shape(1, 3, o.imageSize(), o.imageSize());
        var models = Models.defaults();
        PrintWriter out = ctx.out();
        List<Map<String, Object>> archs = new ArrayList<>();
        List<String> compared = o.model() == null ? List.of("shufflenet_v2_x0_5", "shufflenet_v2_x1_0")
                : List.of(o.model(models, null));
        for (String arch : compared) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("model", arch);
            a.putAll(DynShuffleBenchmark.run(f -> models.create(arch, new ModelContext(3, o.imageSize(), 10,
                    ConvFactory.dense(), f)), sample, o.batches(), o.warmup(), o.repeats(), 32, o.warmup(), 42));
            // the per-point breakdown at each --batches size (run() default)
            archs.add(a);
            out.printf(Locale.ROOT, "%s, input %s%n", arch, r.get("input"));
            out.printf(Locale.ROOT, "  %-15s %10s %10s %12s %12s %10s%n", "form", "params", "MACs inf", "MACs train",
                    "gen params", "gen MACs");
            for (var e : ((Map<String, Map<String, Object>>) a.get("profile")).entrySet()) {
                var c = e.getValue();
                out.printf(Locale.ROOT, "  %-15s %10d %10d %12d %12d %10d%n", e.getKey(), c.get("params"),
                        c.get("macs_inference_path"), c.get("macs_training_path"), c.get("generator_params"),
                        c.get("generator_macs"));
            }
            out.printf(Locale.ROOT, "  %-15s %5s %10s %10s %9s %9s%n", "inference", "batch", "median ms", "p90 ms",
                    "÷ fixed", "paired");
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("inference")) {
                out.printf(Locale.ROOT, "  %-15s %5d %10.3f %10.3f %9.3f %9.3f%n", row.get("form"), row.get("batch"),
                        row.get("medianMs"), row.get("p90Ms"), row.get("ratioToFixed"), row.get("pairedRatioToFixed"));
            }
            out.printf(Locale.ROOT, "  %-15s %5s %10s %10s %9s%n", "training step", "batch", "median ms", "", "÷ fixed");
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("train_step")) {
                out.printf(Locale.ROOT, "  %-15s %5d %10.3f %10s %9.3f%n", row.get("form"), row.get("batch"),
                        row.get("medianMs"), "", row.get("ratioToFixed"));
            }
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("inference")) {
                if (!row.get("form").toString().startsWith("dynamic")) continue;
                double ratio = ((Number) row.get("ratioToFixed")).doubleValue();
                double paired = ((Number) row.get("pairedRatioToFixed")).doubleValue();
                out.printf(Locale.ROOT, "  goal: %s inference <= 1.03x fixed at batch %s: %.3f, paired %.3f (%s)%n",
                        row.get("form"), row.get("batch"), ratio, paired, ratio <= 1.03 && paired <= 1.03 ? "met"
                                : ratio > 1.03 && paired > 1.03 ? "NOT met" : "met by one measure only");
            }
            out.printf(Locale.ROOT, "  per shuffle point of 'dynamic', median µs (layer: the whole hard forward, "
                    + "hard_index auto; pool: its GAP alone; index: built on the device; index_host: logits read "
                    + "back)%n");
            out.printf(Locale.ROOT, "  %-22s %-17s %-10s %8s %8s %8s %9s %8s %10s %8s %7s%n", "point", "input",
                    "factors", "fixed", "layer", "pool", "generator", "index", "index_host", "gather", "÷fixed");
            for (Map<String, Object> p : (List<Map<String, Object>>) a.get("points")) {
                out.printf(Locale.ROOT, "  %-22s %-17s %-10s %8.1f %8.1f %8.1f %9.1f %8.1f %10.1f %8.1f %7.2f%n",
                        p.get("point"), p.get("input"), p.get("factors"), p.get("fixed_us"), p.get("layer_us"),
                        p.get("pool_us"), p.get("generator_us"), p.get("index_us"), p.get("index_host_us"),
                        p.get("gather_us"), p.get("layer_over_fixed"));
            }
        }
        r.put("models", archs);
        return new BenchResult("dynshuffle", r);
    }
}

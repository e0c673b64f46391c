package org.sparselab.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.sparselab.bench.BenchContext;
import org.sparselab.bench.BenchResult;
import org.sparselab.bench.BenchmarkRegistry;
import org.sparselab.data.DataModule;
import org.sparselab.data.LoaderBenchmark;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.train.Devices;

/** {@code bench data}: loader images/s against the training images/s of ResNet-20 on the same data and batch size. */
final class DataBenchmark {
    private DataBenchmark() {}

    static void register(BenchmarkRegistry r) {
        r.register("data", "loader throughput vs ResNet-20 training throughput on --config's data (goal >= 10x)",
                DataBenchmark::run);
    }

    private static BenchResult run(BenchContext ctx) throws IOException {
        ConfigOptions options = new ConfigOptions();
        options.overrides = new java.util.ArrayList<>(ctx.options().overrides());
        ExperimentConfig cfg = options.load(ctx.options().config()).config();
        int bs = cfg.data().batchSize();
        Device[] devices = Devices.resolve(cfg.device());
        Map<String, Object> r = TrainBenchmark.configFields(ctx, cfg, devices);
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), Runs.dataEnvironment())) {
            LoaderBenchmark.imagesPerSecond(data, bs, 20); // warm-up: JIT, page cache
            double loader = LoaderBenchmark.imagesPerSecond(data, bs, 200);
            double train = TrainBenchmark.bareTrainImagesPerSecond(data, "resnet20", devices[0], bs, 5, 25);
            r.put("batch_size", bs);
            r.put("workers", cfg.data().workers());
            r.put("loader_images_per_s", loader);
            r.put("resnet20_train_images_per_s", train);
            r.put("ratio", loader / train);
            r.put("goal_ratio", 10.0);
            PrintWriter out = ctx.out();
            out.printf(Locale.ROOT, "%-38s %12s%n", "measure (" + cfg.data().name() + ", batch " + bs + ")", "images/s");
            out.printf(Locale.ROOT, "%-38s %12.0f%n", "loader (" + cfg.data().workers() + " worker(s), augmented)",
                    loader);
            out.printf(Locale.ROOT, "%-38s %12.0f%n", "resnet20 training step", train);
            out.printf(Locale.ROOT, "%-38s %12.1f  (goal >= 10: %s)%n", "ratio loader / training", loader / train,
                    loader / train >= 10 ? "met" : "NOT met");
        }
        return new BenchResult("data", r);
    }
}

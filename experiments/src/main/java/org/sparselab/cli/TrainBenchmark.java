package org.sparselab.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparselab.bench.BenchContext;
import org.sparselab.bench.BenchOptions;
import org.sparselab.bench.BenchResult;
import org.sparselab.bench.BenchmarkRegistry;
import org.sparselab.data.BatchStream;
import org.sparselab.data.DataModule;
import org.sparselab.data.HostBatch;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.train.Devices;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainLoop;
import org.sparselab.train.TrainingHooks;
import org.sparselab.train.TrainingProgress;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/**
 * {@code bench train}: our trainer against a bare DJL loop on {@code --config}'s model and data, and native memory
 * per epoch.
 */
final class TrainBenchmark {
    private TrainBenchmark() {}

    static void register(BenchmarkRegistry r) {
        r.register("train", "our trainer vs a bare DJL loop on --config's model and data, live NDArrays and "
                + "resident memory per epoch (--epochs, --samples, --no-bare; goal ratio >= 0.97, no growth)",
                TrainBenchmark::run);
    }

    /**
     * Our TrainLoop against a bare DJL loop (DJL's own SGD, no hooks, no metrics), same model, data and batch size,
     * one bare epoch after each of ours (interleaved, so machine drift hits both), the first pair a warm-up; plus live
     * NDArrays, resident memory and JVM heap after each of our epochs.
     */
    private static BenchResult run(BenchContext ctx) throws IOException {
        BenchOptions o = ctx.options();
        int samples = o.samples();
        int epochs = o.epochs();
        boolean noBare = o.noBare();
        ConfigOptions options = new ConfigOptions();
        List<String> sets = new ArrayList<>(o.overrides());
        sets.add("data.max_train_samples=" + samples);
        sets.add("data.max_eval_samples=" + Math.max(256, samples / 8));
        options.overrides = sets;
        ExperimentConfig cfg = options.load(o.config()).config();
        int bs = cfg.data().batchSize();
        Device[] devices = Devices.resolve(cfg.device());
        Map<String, Object> r = configFields(ctx, cfg, devices);
        List<Double> ours = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Long> rssMb = new ArrayList<>();
        List<Integer> liveArrays = new ArrayList<>();
        List<Long> heapMb = new ArrayList<>();
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), Runs.dataEnvironment())) {
            int batches = (data.trainSize() + bs - 1) / bs;
            // One phase of 1 + epochs epochs (the first is warm-up), observed through the progress events: DJL's
            // Trainer allocates once per phase, so a phase per epoch would hide what happens epoch over epoch.
            try (Model model = Model.newInstance("bench", devices[0])) {
                model.setBlock(Models.defaults().create(cfg.model().arch(),
                        ModelContext.dense(data.channels(), data.imageSize(), data.numClasses())));
                TrainingProgress probe = new TrainingProgress() {
                    @Override
                    public void passFinished(EpochMetrics m) {
                        if (!m.split().equals("train")) return;
                        if (m.epoch() > 0) {
                            ours.add(data.trainSize() / m.seconds());
                            rssMb.add(residentMb());
                            heapMb.add((Runtime.getRuntime().totalMemory()) >> 20);
                            liveArrays.add(liveNdArrays());
                        }
                        // A bare epoch right after each of ours, so drift on a shared machine hits both alike.
                        if (noBare) return;
                        double b = bareTrainImagesPerSecond(data, cfg.model().arch(), devices[0], bs, 0, batches);
                        if (m.epoch() > 0) bare.add(b);
                    }
                };
                TrainLoop loop = new TrainLoop(model, devices, data, List.of(new TrainLoop.Phase("bench", epochs + 1,
                        bs, 0, () -> new TorchSgd(0.05, 0.9, 5e-4, false, id -> true), LrSchedule.constant(0.05))),
                        TrainingHooks.NONE, null, "bench", cfg.seed(), m -> {}, probe);
                loop.initialize();
                loop.run(null);
            }
        }
        double oursMed = median(ours);
        double bareMed = bare.isEmpty() ? Double.NaN : median(bare);
        r.put("model", cfg.model().arch());
        r.put("batch_size", bs);
        r.put("train_images_per_epoch", samples);
        r.put("ours_images_per_s", ours);
        r.put("bare_djl_images_per_s", bare);
        r.put("ratio_median", oursMed / bareMed);
        r.put("goal_ratio", 0.97);
        r.put("resident_mb_per_epoch", rssMb);
        r.put("jvm_heap_committed_mb_per_epoch", heapMb);
        r.put("live_ndarrays_per_epoch", liveArrays);
        r.put("live_ndarrays_growth", liveArrays.get(liveArrays.size() - 1) - liveArrays.get(0));
        long growth = rssMb.get(rssMb.size() - 1) - rssMb.get(0);
        r.put("resident_growth_mb_first_to_last", growth);
        PrintWriter out = ctx.out();
        out.printf(Locale.ROOT, "%-6s %14s %16s %8s %13s %12s %10s%n", "epoch", "ours img/s", "bare DJL img/s",
                "ratio", "live NDArrays", "resident MB", "heap MB");
        for (int i = 0; i < ours.size(); i++) {
            double b = bare.isEmpty() ? Double.NaN : bare.get(i);
            out.printf(Locale.ROOT, "%-6d %14.1f %16.1f %8.3f %13d %12d %10d%n", i + 1, ours.get(i), b,
                    ours.get(i) / b, liveArrays.get(i), rssMb.get(i), heapMb.get(i));
        }
        out.printf(Locale.ROOT, "median ratio ours / bare DJL: %.3f (goal >= 0.97: %s)%n", oursMed / bareMed,
                oursMed / bareMed >= 0.97 ? "met" : "NOT met");
        int liveGrowth = liveArrays.get(liveArrays.size() - 1) - liveArrays.get(0);
        out.printf(Locale.ROOT, "live NDArrays (native buffers held), epoch 1 -> %d: %+d (goal 0: %s)%n",
                liveArrays.size(), liveGrowth, liveGrowth == 0 ? "met" : "NOT met");
        boolean pretouched = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:+AlwaysPreTouch");
        r.put("heap_pretouched", pretouched);
        out.printf(Locale.ROOT, "resident memory, epoch 1 -> %d: %+d MB%s%n", rssMb.size(), growth, pretouched
                ? " (heap pre-touched: growth here is native)"
                : " (includes JVM heap pages touched for the first time; for native memory alone run with "
                        + "SPARSELAB_JAVA_OPTS=\"-Xms2g -Xmx2g -XX:+AlwaysPreTouch\")");
        return new BenchResult("train", r);
    }

    /**
     * Images/s of a bare DJL training loop: DJL's SGD, DJL's softmax cross-entropy, a scope per batch, nothing
     * else; {@code warmup} batches untimed, then {@code timed} batches.
     */
    static double bareTrainImagesPerSecond(DataModule data, String arch, Device device, int bs, int warmup,
            int timed) {
        try (Model model = Model.newInstance("bare", device)) {
            model.setBlock(Models.defaults().create(arch,
                    ModelContext.dense(data.channels(), data.imageSize(), data.numClasses())));
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f)
                    .optWeightDecays(5e-4f).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(sgd).optDevices(new Device[] {device}))) {
                trainer.initialize(new Shape(bs, data.channels(), data.imageSize(), data.imageSize()));
                long images = 0;
                long t0 = 0;
                int done = 0;
                int epoch = 0;
                while (done < warmup + timed) {
                    try (BatchStream batches = data.train(epoch++, bs)) {
                        while (batches.hasNext() && done < warmup + timed) {
                            if (done == warmup) t0 = System.nanoTime();
                            HostBatch b = batches.next();
                            try (NDManager scope = trainer.getManager().newSubManager()) {
                                NDArray x = scope.create(FloatBuffer.wrap(b.images()),
                                        new Shape(b.size(), b.channels(), b.height(), b.width()));
                                NDArray y = scope.create(b.labels());
                                try (GradientCollector gc = trainer.newGradientCollector()) {
                                    NDList pred = trainer.forward(new NDList(x));
                                    gc.backward(trainer.getLoss().evaluate(new NDList(y), pred));
                                }
                                trainer.step();
                            }
                            if (done >= warmup) images += b.size();
                            done++;
                        }
                    }
                }
                return images / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** What a benchmark on an experiment config records about it: the file, the data set, the device. */
    static Map<String, Object> configFields(BenchContext ctx, ExperimentConfig cfg, Device[] devices) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("config", ctx.options().config().toString());
        r.put("data", cfg.data().name());
        r.put("device", Devices.describe(devices));
        return r;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** NDArrays alive anywhere under the engine's system manager: a leak makes this grow epoch over epoch. */
    static int liveNdArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    /** Resident set size of this process (native + heap), from /proc; -1 where /proc is absent. */
    static long residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

package org.sparselab.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparselab.data.BatchStream;
import org.sparselab.data.DataModule;
import org.sparselab.data.HostBatch;
import org.sparselab.data.LoaderBenchmark;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.Provenance;
import org.sparselab.train.Devices;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainLoop;
import org.sparselab.train.TrainingHooks;
import org.sparselab.train.TrainingProgress;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sparselab bench data|train}: throughput benchmarks that print a table and write JSON under
 * {@code results/bench/}. Every comparison is a ratio of two numbers measured in the same process, same model, same
 * batches, so machine speed cancels out.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: 'data' (loader vs ResNet-20 training throughput), 'train' (our trainer vs a bare "
                + "DJL loop, and native memory per epoch), 'assignment' (StrucSpars' exact assignment solvers), 'strucspars' (dense vs deployed "
                + "grouped ResNet-56 latency), 'dynshuffle' (fixed vs dynamic vs static-dynamic ShuffleNet V2 "
                + "inference latency and training step time).")
final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "WHAT", description = "data | train | assignment | strucspars | dynshuffle | ssc")
    String what;

    @Option(names = "--config", description = "Experiment config whose data/model/batch size to use "
            + "(default: configs/quickstart.yaml).")
    Path config = QuickstartCommand.CONFIG;

    @Mixin
    ConfigOptions options;

    @Option(names = "--epochs", description = "bench train: epochs per loop (default 4).")
    int epochs = 4;

    @Option(names = "--samples", description = "bench train: training images per epoch (default 3840).")
    int samples = 3840;

    @Option(names = "--no-bare", description = "bench train: skip the bare DJL loop (memory trend of ours alone).")
    boolean noBare;

    @Option(names = "--out", description = "Directory for the JSON result (default results/bench).")
    Path outDir = Path.of("results", "bench");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return switch (what) {
            case "data" -> benchData();
            case "train" -> benchTrain();
            case "assignment" -> benchAssignment();
            case "strucspars" -> benchStrucSpars();
            case "dynshuffle" -> benchDynShuffle();
            case "ssc" -> benchSsc();
            default -> throw new org.sparselab.config.ConfigException("bench", "expected data, train, assignment, "
                    + "strucspars, dynshuffle or ssc, found '" + what + "'");
        };
    }

    /**
     * StrucSpars' exact assignment solvers (P/Q steps) on random and StrucSpars-shaped costs; goal n = 512 in at
     * most 0.3 s.
     */
    @SuppressWarnings("unchecked")
    private int benchAssignment() throws IOException {
        Map<String, Object> r = machineHeader("assignment");
        r.putAll(org.sparselab.methods.strucspars.AssignmentBenchmark.run(new int[] {128, 256, 512, 1024}, 7, 42));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-10s %-11s %6s %10s %10s%n", "solver", "instance", "n", "median s", "p90 s");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            out.printf(Locale.ROOT, "%-10s %-11s %6s %10.4f %10.4f%n", row.get("solver"), row.get("instance"),
                    row.get("n"), ((Number) row.get("medianS")).doubleValue(), ((Number) row.get("p90S")).doubleValue());
        }
        out.println("goal: n = 512 in <= 0.3 s (StrucSpars-shaped costs are the realistic case)");
        write("assignment", r);
        return 0;
    }

    @Option(names = "--repeats", description = "bench strucspars, dynshuffle: timed passes per model and batch (default 30).")
    int repeats = 30;

    @Option(names = "--model", description = "bench strucspars: the architecture (default resnet56).")
    String model = "resnet56";

    @Option(names = "--image-size", description = "bench strucspars, dynshuffle: input height = width (default 32; 224 for "
            + "ImageNet models).")
    int imageSize = 32;

    @Option(names = "--classes", description = "bench strucspars: classifier outputs (default 10).")
    int classes = 10;

    @Option(names = "--batches", split = ",", description = "bench strucspars, dynshuffle: batch sizes (default 1,64).")
    int[] batches = {1, 64};

    /**
     * Dense vs deployed StrucSpars model (default ResNet-56, CIFAR input) at targets 0.3/0.5/0.7 of the MACs, batch 1
     * and 64: median and p90 latency, speedup ÷ MACs reduction (goal ≥ 0.8).
     */
    @SuppressWarnings("unchecked")
    private int benchStrucSpars() throws IOException {
        var models = org.sparselab.models.Models.defaults();
        models.check("--model", model);
        checkShapeOptions();
        Map<String, Object> r = machineHeader("strucspars");
        r.put("model", model);
        r.put("input", "3x" + imageSize + "x" + imageSize);
        Shape sample = new Shape(1, 3, imageSize, imageSize);
        r.putAll(org.sparselab.methods.strucspars.DeploymentBenchmark.run(f -> models.create(model,
                new org.sparselab.models.ModelContext(3, imageSize, classes, f, org.sparselab.nn.ShuffleFactory.fixed())),
                sample, new double[] {0.3, 0.5, 0.7}, batches, Math.max(3, repeats / 3), repeats, 42));
        PrintWriter out = spec.commandLine().getOut();
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
            if (row.get("form").equals("grouped") && ((Number) row.get("batch")).intValue() == 1) {
                out.printf(Locale.ROOT, "target %.2f: layers by groups %s, %s channel gathers per pass (%s before "
                        + "folding)%n", ((Number) row.get("target")).doubleValue(), row.get("layersByGroups"),
                        row.get("gathers"), row.get("gathersUnfolded"));
            }
        }
        out.println("goal: speedup / MACs reduction >= 0.8 for the grouped (deployed) form; grouped_unfolded is the "
                + "export before gather folding, grouped_no_gather the same convs without any channel gather");
        write(model.equals("resnet56") ? "strucspars" : "strucspars_" + model, r);
        return 0;
    }

    /**
     * Dense vs masked vs decomposed vs deployed SSC (default VGG-16, CIFAR input) at four SSC settings: inference at
     * each batch size and a training step at batch 64, as ratios to the masked form; goal: decomposed ≤ 0.7× masked
     * at batch 64 for densities ≤ 50 %; per-layer masked/decomposed timings of the deployed export.
     */
    @SuppressWarnings("unchecked")
    private int benchSsc() throws IOException {
        var models = org.sparselab.models.Models.defaults();
        String arch = model.equals("resnet56") ? "vgg16_bn" : model; // --model's default is StrucSpars'
        models.check("--model", arch);
        checkShapeOptions();
        Map<String, Object> r = machineHeader("ssc");
        r.put("model", arch);
        r.put("input", "3x" + imageSize + "x" + imageSize);
        Shape sample = new Shape(1, 3, imageSize, imageSize);
        r.putAll(org.sparselab.methods.ssc.SscBenchmark.run(f -> models.create(arch,
                new org.sparselab.models.ModelContext(3, imageSize, classes, f, org.sparselab.nn.ShuffleFactory.fixed())),
                sample, batches, 64, Math.max(2, repeats / 5), repeats, 42));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-22s %-10s %-10s %5s %8s %10s %10s %9s %8s%n", "variant", "form", "pass", "batch",
                "MACs d", "median ms", "p90 ms", "÷masked", "÷dense");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("rows")) {
            out.printf(Locale.ROOT, "%-22s %-10s %-10s %5d %8.3f %10.3f %10.3f %9.2f %8.2f%n", row.get("variant"),
                    row.get("form"), row.get("pass"), ((Number) row.get("batch")).intValue(),
                    ((Number) row.get("macsDensity")).doubleValue(), ((Number) row.get("medianMs")).doubleValue(),
                    ((Number) row.get("p90Ms")).doubleValue(), ((Number) row.get("vsMasked")).doubleValue(),
                    ((Number) row.get("vsDense")).doubleValue());
        }
        out.println();
        out.printf(Locale.ROOT, "%-22s %-16s %12s %12s %10s  %s%n", "variant", "layer", "masked b64", "decomp b64",
                "deployed", "decomposition");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("layers")) {
            Object m = row.get("masked_b64_ms");
            Object d = row.get("decomposed_b64_ms");
            out.printf(Locale.ROOT, "%-22s %-16s %12s %12s %10s  %s%n", row.get("variant"), row.get("layer"),
                    m == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) m).doubleValue()),
                    d == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) d).doubleValue()),
                    row.get("deployed"), row.get("decomposition"));
        }
        out.println("goal: decomposed / masked <= 0.7 at batch 64 for MACs density <= 0.5 (inference)");
        write(arch.equals("vgg16_bn") ? "ssc" : "ssc_" + arch, r);
        return 0;
    }

    private void checkShapeOptions() {
        if (imageSize < 8 || classes < 2 || batches.length == 0 || java.util.Arrays.stream(batches).anyMatch(b -> b < 1)) {
            throw new org.sparselab.config.ConfigException("bench", "expected --image-size >= 8, --classes >= 2 and "
                    + "positive --batches, got " + imageSize + ", " + classes + ", " + java.util.Arrays.toString(batches));
        }
    }

    /**
     * Fixed vs dynamic (hard gather) vs static-dynamic shuffle in ShuffleNet V2 0.5× and 1.0× (3 input channels, 10
     * classes): inference latency at batch 1 and 64, training step time at batch 32, generator params/MACs; goal:
     * dynamic inference ≤ 1.03× fixed.
     */
    @SuppressWarnings("unchecked")
    private int benchDynShuffle() throws IOException {
        checkShapeOptions();
        Map<String, Object> r = machineHeader("dynshuffle");
        r.put("input", "3x" + imageSize + "x" + imageSize);
        Shape sample = new Shape(1, 3, imageSize, imageSize);
        var models = Models.defaults();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> archs = new ArrayList<>();
        for (String arch : List.of("shufflenet_v2_x0_5", "shufflenet_v2_x1_0")) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("model", arch);
            a.putAll(org.sparselab.methods.dynshuffle.DynShuffleBenchmark.run(f -> models.create(arch,
                    new ModelContext(3, imageSize, 10, org.sparselab.nn.ConvFactory.dense(), f)), sample,
                    batches, Math.max(3, repeats / 3), repeats, 32, Math.max(3, repeats / 3), 42));
            archs.add(a);
            out.printf(Locale.ROOT, "%s, input %s%n", arch, r.get("input"));
            out.printf(Locale.ROOT, "  %-15s %10s %10s %12s %12s %10s %10s%n", "form", "params", "MACs inf", "MACs train",
                    "gen params", "gen MACs", "");
            for (var e : ((Map<String, Map<String, Object>>) a.get("profile")).entrySet()) {
                var c = e.getValue();
                out.printf(Locale.ROOT, "  %-15s %10d %10d %12d %12d %10d%n", e.getKey(), c.get("params"),
                        c.get("macs_inference_path"), c.get("macs_training_path"), c.get("generator_params"),
                        c.get("generator_macs"));
            }
            out.printf(Locale.ROOT, "  %-15s %5s %10s %10s %9s%n", "inference", "batch", "median ms", "p90 ms",
                    "÷ fixed");
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("inference")) {
                out.printf(Locale.ROOT, "  %-15s %5d %10.3f %10.3f %9.3f%n", row.get("form"), row.get("batch"),
                        row.get("medianMs"), row.get("p90Ms"), row.get("ratioToFixed"));
            }
            out.printf(Locale.ROOT, "  %-15s %5s %10s %10s %9s%n", "training step", "batch", "median ms", "", "÷ fixed");
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("train_step")) {
                out.printf(Locale.ROOT, "  %-15s %5d %10.3f %10s %9.3f%n", row.get("form"), row.get("batch"),
                        row.get("medianMs"), "", row.get("ratioToFixed"));
            }
            for (Map<String, Object> row : (List<Map<String, Object>>) a.get("inference")) {
                if (!row.get("form").equals("dynamic")) continue;
                double ratio = ((Number) row.get("ratioToFixed")).doubleValue();
                out.printf(Locale.ROOT, "  goal: dynamic inference <= 1.03x fixed at batch %s: %.3f (%s)%n",
                        row.get("batch"), ratio, ratio <= 1.03 ? "met" : "NOT met");
            }
        }
        r.put("models", archs);
        write("dynshuffle", r);
        return 0;
    }

    /** Loader images/s against the training images/s of ResNet-20 on the same data and batch size. */
    private int benchData() throws IOException {
        ExperimentConfig cfg = options.load(config).config();
        int bs = cfg.data().batchSize();
        Device[] devices = Devices.resolve(cfg.device());
        Map<String, Object> r = header("data", cfg, devices);
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), Runs.dataEnvironment())) {
            LoaderBenchmark.imagesPerSecond(data, bs, 20); // warm-up: JIT, page cache
            double loader = LoaderBenchmark.imagesPerSecond(data, bs, 200);
            double train = bareTrainImagesPerSecond(data, "resnet20", devices[0], bs, 5, 25);
            r.put("batch_size", bs);
            r.put("workers", cfg.data().workers());
            r.put("loader_images_per_s", loader);
            r.put("resnet20_train_images_per_s", train);
            r.put("ratio", loader / train);
            r.put("goal_ratio", 10.0);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%-38s %12s%n", "measure (" + cfg.data().name() + ", batch " + bs + ")", "images/s");
            out.printf(Locale.ROOT, "%-38s %12.0f%n", "loader (" + cfg.data().workers() + " worker(s), augmented)",
                    loader);
            out.printf(Locale.ROOT, "%-38s %12.0f%n", "resnet20 training step", train);
            out.printf(Locale.ROOT, "%-38s %12.1f  (goal >= 10: %s)%n", "ratio loader / training", loader / train,
                    loader / train >= 10 ? "met" : "NOT met");
            write("data", r);
        }
        return 0;
    }

    /**
     * Our TrainLoop against a bare DJL loop (DJL's own SGD, no hooks, no metrics), same model, data and batch size,
     * one bare epoch after each of ours (interleaved, so machine drift hits both), the first pair a warm-up; plus live
     * NDArrays, resident memory and JVM heap after each of our epochs.
     */
    private int benchTrain() throws IOException {
        List<String> sets = new ArrayList<>(options.overrides);
        sets.add("data.max_train_samples=" + samples);
        sets.add("data.max_eval_samples=" + Math.max(256, samples / 8));
        options.overrides = sets;
        ExperimentConfig cfg = options.load(config).config();
        int bs = cfg.data().batchSize();
        Device[] devices = Devices.resolve(cfg.device());
        Map<String, Object> r = header("train", cfg, devices);
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
        PrintWriter out = spec.commandLine().getOut();
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
        write("train", r);
        return 0;
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

    private Map<String, Object> header(String bench, ExperimentConfig cfg, Device[] devices) {
        Map<String, Object> r = machineHeader(bench);
        r.put("config", config.toString());
        r.put("data", cfg.data().name());
        r.put("device", Devices.describe(devices));
        return r;
    }

    /** What every benchmark's JSON starts with: which benchmark, when, on what, from which code. */
    private static Map<String, Object> machineHeader(String bench) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", bench);
        r.put("time", Instant.now().toString());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        r.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default (all cores)"));
        r.put("provenance", Provenance.collect(Path.of("").toAbsolutePath()).asMap());
        return r;
    }

    private void write(String name, Map<String, Object> r) throws IOException {
        Path f = outDir.resolve(name + ".json");
        AtomicFiles.write(f, JSON.writeValueAsString(r) + "\n");
        spec.commandLine().getOut().println("wrote " + f);
        spec.commandLine().getOut().flush();
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

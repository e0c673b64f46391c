package org.sparselab.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
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
import org.sparselab.config.ConfigException;
import org.sparselab.data.BatchStream;
import org.sparselab.data.DataModule;
import org.sparselab.data.HostBatch;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.report.Stats;
import org.sparselab.report.Verdict;
import org.sparselab.train.Devices;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.ForwardCompile;
import org.sparselab.train.TrainLoop;
import org.sparselab.train.TrainingHooks;
import org.sparselab.train.TrainingProgress;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/**
 * {@code bench train}: our trainer in each memory format against a bare DJL loop and a PyTorch eager reference loop
 * on {@code --config}'s model and data, and native memory per epoch.
 */
final class TrainBenchmark {
    private TrainBenchmark() {}

    static final double GOAL_VS_BARE = 0.97;
    static final double GOAL_VS_PYTORCH = 1.0;

    static void register(BenchmarkRegistry r) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("memory_format", "our trainer's input layouts (train.memory_format), each timed every round "
                + "(default nchw,channels_last)");
        params.put("python", "interpreter of the PyTorch reference loop (default $SPARSELAB_PYTHON, else python3, "
                + "then /usr/bin/python3: the first that imports torch; none skips it)");
        r.register("train", "our trainer (per memory format) vs a bare DJL loop and a PyTorch eager loop on "
                + "--config's model and data, live NDArrays and resident memory per epoch (--epochs, --samples, "
                + "--no-bare; goals: ours / bare >= 0.97, ours best / PyTorch best >= 1.0, no growth)", params,
                TrainBenchmark::run);
    }

    /**
     * Our TrainLoop in each memory format, a bare DJL loop (DJL's own SGD, no hooks, no metrics, NCHW) and the
     * PyTorch reference ({@link PyTorchReference}), same model, batch size and threads. Per round: one epoch of ours
     * in each format (all on this thread: {@link SameThreadLoop}), one bare epoch, one PyTorch run of as many steps
     * after its own warm-up steps (interleaved, so machine drift hits all alike); round 0 warms our loops up and runs
     * no PyTorch. The first format's loop runs as one phase (DJL's Trainer allocates once per phase, so a phase per
     * epoch would hide growth epoch over epoch); live NDArrays, resident memory and JVM heap are read after each of
     * its epochs.
     */
    private static BenchResult run(BenchContext ctx) throws IOException {
        BenchOptions o = ctx.options();
        int samples = o.samples();
        int epochs = o.epochs();
        boolean noBare = o.noBare();
        List<MemoryFormat> formats = memoryFormats(o.param("memory_format", "nchw,channels_last"));
        ConfigOptions options = new ConfigOptions();
        List<String> sets = new ArrayList<>(o.overrides());
        sets.add("data.max_train_samples=" + samples);
        sets.add("data.max_eval_samples=" + Math.max(256, samples / 8));
        options.overrides = sets;
        ExperimentConfig cfg = options.load(o.config()).config();
        int bs = cfg.data().batchSize();
        String arch = cfg.model().arch();
        Device[] devices = Devices.resolve(cfg.device());
        Map<String, Object> r = configFields(ctx, cfg, devices);
        PyTorchReference reference = null;
        String referenceMissing = null;
        try {
            reference = PyTorchReference.locate(o.param("python", null), System.getenv(), arch);
        } catch (PyTorchReference.Unavailable e) {
            referenceMissing = e.getMessage();
        }
        int threads = engineThreads();
        Double loadBefore = BenchCommand.loadAverage();
        Map<MemoryFormat, List<Double>> ours = new LinkedHashMap<>();
        formats.forEach(f -> ours.put(f, new ArrayList<>()));
        List<Double> bare = new ArrayList<>();
        Map<String, List<Double>> torch = new LinkedHashMap<>();
        formats.forEach(f -> torch.put(f.configName(), new ArrayList<>()));
        PyTorchReference.Measurement[] lastTorch = new PyTorchReference.Measurement[1];
        String[] torchFailed = new String[1];
        List<Long> rssMb = new ArrayList<>();
        List<Integer> liveArrays = new ArrayList<>();
        List<Long> heapMb = new ArrayList<>();
        long oursParams;
        int channels;
        int imageSize;
        int classes;
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), Runs.dataEnvironment())) {
            channels = data.channels();
            imageSize = data.imageSize();
            classes = data.numClasses();
            int batches = (data.trainSize() + bs - 1) / bs;
            List<SameThreadLoop> others = new ArrayList<>();
            try (Model model = Model.newInstance("bench", devices[0])) {
                for (MemoryFormat f : formats.subList(1, formats.size())) {
                    others.add(new SameThreadLoop(f, cfg.train().compile(), arch, data, devices, bs, cfg.seed()));
                }
                model.setBlock(Models.defaults().create(arch,
                        ModelContext.dense(data.channels(), data.imageSize(), data.numClasses())));
                PyTorchReference ref = reference;
                PyTorchReference.Setup setup = ref == null ? null : new PyTorchReference.Setup(
                        PyTorchReference.BLOCKS_PER_STAGE.get(arch), channels, imageSize, classes, bs, threads, 3,
                        batches, formats.stream().map(MemoryFormat::configName).toList());
                TrainingProgress probe = new TrainingProgress() {
                    @Override
                    public void passFinished(EpochMetrics m) {
                        if (!m.split().equals("train")) return;
                        boolean timed = m.epoch() > 0; // round 0 warms our loops up
                        if (timed) {
                            ours.get(formats.get(0)).add(data.trainSize() / m.seconds());
                            rssMb.add(residentMb());
                            heapMb.add((Runtime.getRuntime().totalMemory()) >> 20);
                            liveArrays.add(liveNdArrays());
                        }
                        others.forEach(SameThreadLoop::round);
                        if (!noBare) {
                            double b = bareTrainImagesPerSecond(data, arch, devices[0], bs, 0, batches);
                            if (timed) bare.add(b);
                        }
                        if (timed && ref != null && torchFailed[0] == null) { // each run warms itself up
                            try {
                                PyTorchReference.Measurement t = ref.measure(setup);
                                lastTorch[0] = t;
                                t.imagesPerSecond().forEach((f, v) -> torch.get(f).add(v));
                            } catch (PyTorchReference.Unavailable e) {
                                torchFailed[0] = "failed in round " + m.epoch() + ": " + e.getMessage();
                            }
                        }
                    }
                };
                TrainLoop loop = new TrainLoop(model, devices, data, List.of(new TrainLoop.Phase("bench", epochs + 1,
                        bs, 0, TrainBenchmark::sgd, LrSchedule.constant(0.05))), TrainingHooks.NONE, null, "bench",
                        cfg.seed(), m -> {}, probe, formats.get(0)).compileForward(cfg.train().compile());
                loop.initialize();
                oursParams = trainableParameters(model.getBlock());
                loop.run(null);
            } finally {
                others.forEach(SameThreadLoop::close);
            }
            others.forEach(other -> ours.put(other.format, other.imagesPerSecond));
        }
        Double loadAfter = BenchCommand.loadAverage();
        if (reference != null && torchFailed[0] != null) referenceMissing = torchFailed[0];
        boolean torchMeasured = reference != null && referenceMissing == null;

        Map<String, List<Double>> oursByName = new LinkedHashMap<>();
        Map<String, Double> oursMedians = new LinkedHashMap<>();
        ours.forEach((f, v) -> {
            oursByName.put(f.configName(), v);
            oursMedians.put(f.configName(), median(v));
        });
        Double vsBare = bare.isEmpty() || !ours.containsKey(MemoryFormat.NCHW) ? null
                : oursMedians.get("nchw") / median(bare);
        String oursBest = best(oursMedians);
        r.put("model", arch);
        r.put("batch_size", bs);
        r.put("threads", threads);
        r.put("train_compile", cfg.train().compile().name().toLowerCase(Locale.ROOT));
        r.put("train_images_per_epoch", samples);
        r.put("memory_formats", List.copyOf(oursByName.keySet()));
        r.put("timed", timedDescription(cfg.data().name(), samples, bs));
        r.put("ours_images_per_s", oursByName);
        r.put("ours_median_images_per_s", oursMedians);
        r.put("ours_trainable_params", oursParams);
        r.put("bare_djl_images_per_s", bare);
        r.put("ratio_median", vsBare); // ours in NCHW / bare DJL (NCHW); null when either was not timed
        r.put("goal_ratio", GOAL_VS_BARE);
        RoundRatios bareRounds = vsBare == null ? null : RoundRatios.of(oursByName.get("nchw"), bare, GOAL_VS_BARE);
        if (bareRounds != null) r.put("ratio_bare_per_round", bareRounds.json());
        Map<String, Object> ref = new LinkedHashMap<>();
        Double vsTorch = null;
        String torchBest = null;
        ref.put("available", torchMeasured);
        if (torchMeasured) {
            Map<String, Double> torchMedians = new LinkedHashMap<>();
            torch.forEach((f, v) -> torchMedians.put(f, median(v)));
            torchBest = best(torchMedians);
            vsTorch = oursMedians.get(oursBest) / torchMedians.get(torchBest);
            ref.put("python", reference.python());
            ref.put("torch_version", lastTorch[0].torchVersion());
            ref.put("threads", lastTorch[0].threads());
            ref.put("trainable_params", lastTorch[0].params());
            ref.put("same_trainable_params", lastTorch[0].params() == oursParams);
            ref.put("images_per_s", torch);
            ref.put("median_images_per_s", torchMedians);
            ref.put("best_format", torchBest);
        } else {
            ref.put("reason", referenceMissing);
        }
        ref.put("openmp_env", openMpEnvironment());
        r.put("pytorch_reference", ref);
        r.put("ours_best_format", oursBest);
        r.put("ratio_ours_best_to_pytorch_best", vsTorch);
        r.put("goal_ratio_pytorch", GOAL_VS_PYTORCH);
        RoundRatios torchRounds = vsTorch == null ? null
                : RoundRatios.of(oursByName.get(oursBest), torch.get(torchBest), GOAL_VS_PYTORCH);
        if (torchRounds != null) r.put("ratio_pytorch_per_round", torchRounds.json());
        r.put("resident_mb_per_epoch", rssMb);
        r.put("jvm_heap_committed_mb_per_epoch", heapMb);
        r.put("live_ndarrays_per_epoch", liveArrays);
        r.put("live_ndarrays_growth", liveArrays.get(liveArrays.size() - 1) - liveArrays.get(0));
        long growth = rssMb.get(rssMb.size() - 1) - rssMb.get(0);
        r.put("resident_growth_mb_first_to_last", growth);

        PrintWriter out = ctx.out();
        List<String> heads = new ArrayList<>(List.of("epoch"));
        List<List<Double>> columns = new ArrayList<>();
        oursByName.forEach((f, v) -> {
            heads.add("ours " + f);
            columns.add(v);
        });
        if (!noBare) {
            heads.add("bare DJL");
            columns.add(bare);
        }
        if (torchMeasured) {
            torch.forEach((f, v) -> {
                heads.add("PyTorch " + f);
                columns.add(v);
            });
        }
        heads.addAll(List.of("live NDArrays", "resident MB", "heap MB"));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s", heads.get(0)));
        for (String h : heads.subList(1, heads.size())) header.append(String.format(Locale.ROOT, " %13s", h));
        out.println("images/s per epoch (bare DJL runs NCHW; ours with train.compile: "
                + cfg.train().compile().name().toLowerCase(Locale.ROOT) + ")");
        out.println(header);
        for (int i = 0; i < liveArrays.size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-6d", i + 1));
            for (List<Double> c : columns) row.append(String.format(Locale.ROOT, " %13.1f", c.get(i)));
            row.append(String.format(Locale.ROOT, " %13d %13d %13d", liveArrays.get(i), rssMb.get(i), heapMb.get(i)));
            out.println(row);
        }
        StringBuilder med = new StringBuilder(String.format(Locale.ROOT, "%-6s", "median"));
        for (List<Double> c : columns) med.append(String.format(Locale.ROOT, " %13.1f", median(c)));
        out.println(med);
        out.println("timed: " + timedDescription(cfg.data().name(), samples, bs));
        if (vsBare != null) {
            out.printf(Locale.ROOT, "median ratio ours nchw / bare DJL: %.3f; %s%n", vsBare, bareRounds.describe());
        }
        if (torchMeasured) {
            PyTorchReference.Measurement t = lastTorch[0];
            out.printf(Locale.ROOT, "PyTorch reference: torch %s (%s), %d threads (ours %d), %,d trainable "
                    + "parameters (ours %,d%s)%n", t.torchVersion(), reference.python(), t.threads(), threads,
                    t.params(), oursParams, t.params() == oursParams ? ": same model" : ": NOT the same model");
            out.printf(Locale.ROOT, "median ratio ours best (%s) / PyTorch best (%s): %.3f; %s%n", oursBest,
                    torchBest, vsTorch, torchRounds.describe());
        } else {
            out.println("PyTorch reference: not available (" + PyTorchReference.INSTALL_HINT + ")");
            out.println("  why: " + referenceMissing);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (loadBefore != null && loadAfter != null && Math.max(loadBefore, loadAfter) > cores) {
            out.printf(Locale.ROOT, "busy machine: load average %.1f before, %.1f after, on %d cores: the numbers "
                    + "are unreliable, PyTorch's OpenMP threads most (README, Benchmarks)%n", loadBefore, loadAfter,
                    cores);
        }
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
        if (pretouched && liveGrowth == 0 && growth > 16 && System.getenv("MALLOC_ARENA_MAX") == null) {
            // Measured here: +124 MB in steps during slow (contended) epochs, +1 MB with MALLOC_ARENA_MAX=2.
            out.println("  native growth with no live NDArray added: glibc may have opened malloc arenas for threads "
                    + "that met a locked one; MALLOC_ARENA_MAX=1 (the launcher's default) tells arenas from a leak");
        }
        return new BenchResult("train", r);
    }

    /** What the images/s columns time, in one line (also in the JSON). */
    private static String timedDescription(String data, int samples, int bs) {
        return "ours and bare DJL = one training pass over " + samples + " " + data + " images (batch " + bs
                + "), data loading (prefetched) and per-batch loss/accuracy included; PyTorch = as many steps on "
                + "one random in-memory batch, no loading, loss read each step";
    }

    /**
     * The OpenMP settings of this process's environment, which the reference inherits as the engine read them: both
     * sides' libtorch use GNU OpenMP, whose waiting policy decides much on a loaded machine.
     */
    private static Map<String, String> openMpEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND")) {
            if (System.getenv(k) != null) env.put(k, System.getenv(k));
        }
        return env;
    }

    /** The formats of {@code --param memory_format}: a comma-separated list of distinct known names. */
    static List<MemoryFormat> memoryFormats(String value) {
        List<MemoryFormat> out = new ArrayList<>();
        for (String name : value.split(",")) {
            MemoryFormat f = MemoryFormat.named(name.trim());
            if (f == null || out.contains(f)) {
                throw new ConfigException("--param memory_format", "expected distinct names from nchw, "
                        + "channels_last, comma-separated, found '" + value + "'");
            }
            out.add(f.requireSupported("--param memory_format"));
        }
        return out;
    }

    /**
     * Ours over the other loop round by round (both ran in the same round, so slow machine drift cancels), and the
     * goal judged on the 95 % t interval of their mean: met where the whole interval is at or above it, NOT met where
     * it is wholly below, inconclusive where it straddles the goal (this machine's rounds swing by ±10 %).
     */
    record RoundRatios(List<Double> ratios, Stats.Interval interval, double goal) {
        static RoundRatios of(List<Double> ours, List<Double> other, double goal) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(ours.size(), other.size()); i++) ratios.add(ours.get(i) / other.get(i));
            Stats.Interval interval = Stats.of(ratios.stream().mapToDouble(Double::doubleValue).toArray())
                    .interval(Verdict.CONFIDENCE);
            return new RoundRatios(ratios, interval, goal);
        }

        String verdict() {
            if (interval == null) return "inconclusive"; // one round: no spread to judge by
            if (interval.low() >= goal) return "met";
            return interval.high() < goal ? "NOT met" : "inconclusive";
        }

        String describe() {
            StringBuilder s = new StringBuilder("per round");
            for (double r : ratios) s.append(String.format(Locale.ROOT, " %.3f", r));
            if (interval != null) {
                s.append(String.format(Locale.ROOT, ", mean's 95 %% interval %.3f-%.3f", interval.low(),
                        interval.high()));
            }
            return s.append(String.format(Locale.ROOT, " (goal >= %.2f: %s)", goal, verdict())).toString();
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ratios", ratios);
            m.put("interval_95", interval == null ? null : List.of(interval.low(), interval.high()));
            m.put("verdict", verdict());
            return m;
        }
    }

    /** The key of the largest value. */
    private static String best(Map<String, Double> medians) {
        return medians.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static TorchSgd sgd() {
        return new TorchSgd(0.05, 0.9, 5e-4, false, id -> true);
    }

    /** Parameters the optimizer trains (BatchNorm's running statistics are parameters in DJL, not in PyTorch). */
    static long trainableParameters(Block block) {
        long n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) n += p.getArray().size();
        }
        return n;
    }

    /** Intra-op threads of this process's PyTorch engine: the reference loop gets as many. */
    static int engineThreads() {
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /**
     * Our trainer in one more memory format, run on the benchmark's own thread: its own model, kept across rounds,
     * and one single-epoch run of a {@link TrainLoop} per {@link #round}, called between the first format's epochs.
     *
     * <p>Why not a thread of its own: libgomp keeps one OpenMP thread pool per thread that calls the engine, and once
     * the process holds more such threads than there are cores it throttles every pool's spin-wait, so each parallel
     * region wakes its workers from sleep. A second live pool slowed every loop in the process by 10–25 % on the
     * 2-core machine (`docs/architecture.md`, "One engine thread").
     */
    private static final class SameThreadLoop implements AutoCloseable {
        final MemoryFormat format;
        final List<Double> imagesPerSecond = new ArrayList<>(); // rounds 1, 2, …: round 0 is the warm-up
        private final Model model;
        private final TrainLoop loop;
        private int rounds;

        SameThreadLoop(MemoryFormat format, ForwardCompile compile, String arch, DataModule data, Device[] devices,
                int bs, long seed) {
            this.format = format;
            model = Model.newInstance("bench-" + format.configName(), devices[0]);
            model.setBlock(Models.defaults().create(arch,
                    ModelContext.dense(data.channels(), data.imageSize(), data.numClasses())));
            TrainingProgress probe = new TrainingProgress() {
                @Override
                public void passFinished(EpochMetrics m) {
                    if (m.split().equals("train") && rounds > 0) imagesPerSecond.add(data.trainSize() / m.seconds());
                }
            };
            loop = new TrainLoop(model, devices, data, List.of(new TrainLoop.Phase("bench", 1, bs, 0,
                    TrainBenchmark::sgd, LrSchedule.constant(0.05))), TrainingHooks.NONE, null, "bench", seed,
                    m -> {}, probe, format).compileForward(compile);
            loop.initialize();
        }

        /** Trains this loop's next epoch (a fresh optimizer each round; the weights carry on). */
        void round() {
            try {
                loop.run(null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("our trainer in " + format.configName() + " failed", e);
            }
            rounds++;
        }

        @Override
        public void close() {
            model.close();
        }
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

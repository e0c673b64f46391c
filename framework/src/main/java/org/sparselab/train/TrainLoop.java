package org.sparselab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.sparselab.config.Seeds;
import org.sparselab.nn.TorchEngine;
import org.sparselab.train.optim.TorchOptimizer;
import org.sparselab.train.schedule.LrSchedule;
import org.sparselab.data.BatchStream;
import org.sparselab.data.DataModule;
import org.sparselab.data.HostBatch;
import org.sparselab.nn.CompiledForward;
import org.sparselab.nn.Constants;
import org.sparselab.nn.MemoryFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model through its phases: per epoch one pass over the training data, one evaluation pass, the
 * end-of-epoch hook and a checkpoint. Resumable from any epoch-end checkpoint with identical results, and from the
 * step-boundary checkpoint written when a {@link StopRequest} (SIGTERM) stops it mid-epoch.
 *
 * <p>The loop drives DJL's {@link Trainer} (so multi-GPU data parallelism comes from DJL's parameter server) but owns
 * the step: forward, loss + extra losses, backward, {@code afterBackward}, optimizer step, {@code afterStep}. Every
 * batch runs inside its own NDManager scope, so native memory does not grow from batch to batch.
 *
 * <p>Input batches, training and evaluation alike, enter the network in the loop's {@link MemoryFormat}
 * ({@code train.memory_format}); with channels-last, PyTorch's convs and the per-channel layers between them keep
 * NHWC from the first conv to the pooling, while parameters stay NCHW (its convs accept both).
 */
public final class TrainLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainLoop.class);

    /** One phase: its length, batch size, loss smoothing, and a fresh optimizer with its schedule. */
    public record Phase(String name, int epochs, int batchSize, double labelSmoothing,
            Supplier<TorchOptimizer> optimizer, LrSchedule lr) {}

    /** What a finished training produced. */
    public record Result(List<EpochMetrics> metrics, double bestTop1, int bestEpoch, int epochs, long steps) {}

    private final Model model;
    private final Device[] devices;
    private ForwardCompile compile = ForwardCompile.NONE;
    private final DataModule data;
    private final List<Phase> phases;
    private final TrainingHooks hooks;
    private final Path checkpointFile; // null: no checkpoints
    private final String configSha256;
    private final long seed;
    private final MetricsSink sink;
    private final TrainingProgress progress;
    private final MemoryFormat inputFormat;

    /** A loop whose input batches stay NCHW. */
    public TrainLoop(Model model, Device[] devices, DataModule data, List<Phase> phases, TrainingHooks hooks,
            Path checkpointFile, String configSha256, long seed, MetricsSink sink,
            TrainingProgress progress) {
        this(model, devices, data, phases, hooks, checkpointFile, configSha256, seed, sink, progress,
                MemoryFormat.NCHW);
    }

    /**
     * @param inputFormat the layout every input batch is given before the forward pass ({@code train.memory_format});
     *     one the engine cannot run is a {@link org.sparselab.config.ConfigException}
     */
    public TrainLoop(Model model, Device[] devices, DataModule data, List<Phase> phases, TrainingHooks hooks,
            Path checkpointFile, String configSha256, long seed, MetricsSink sink,
            TrainingProgress progress, MemoryFormat inputFormat) {
        this.inputFormat = inputFormat.requireSupported("train.memory_format");
        this.model = model;
        this.devices = devices;
        this.data = data;
        this.phases = List.copyOf(phases);
        this.hooks = hooks;
        this.checkpointFile = checkpointFile;
        this.configSha256 = configSha256;
        this.seed = seed;
        this.sink = sink;
        this.progress = progress;
    }

    public Shape inputShape(int batch) {
        return new Shape(batch, data.channels(), data.imageSize(), data.imageSize());
    }

    /**
     * Runs all phases from the start, or from {@code resume} (the state after the checkpoint's epoch). The model's
     * block must already be initialised (see {@link #initialize}).
     */
    public Result run(Checkpoint resume) throws IOException {
        StopRequest.listening(true);
        try {
            return runPhases(resume);
        } finally {
            StopRequest.listening(false);
        }
    }

    private Result runPhases(Checkpoint resume) throws IOException {
        gradModeOffOnThisThread();
        List<EpochMetrics> all = new ArrayList<>();
        int startPhase = 0;
        int startEpochInPhase = 0;
        int epoch = 0;
        long step = 0;
        double bestTop1 = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        Checkpoint.MidEpoch mid = null;
        if (resume != null) {
            if (!resume.configSha256().equals(configSha256)) {
                throw new IllegalStateException("checkpoint belongs to config " + resume.configSha256()
                        + ", not to this run's " + configSha256 + "; resume needs the identical config");
            }
            ParameterIO.load(model.getBlock(), Checkpoint.input(resume.parameters()));
            hooks.loadState(MethodState.fromBytes(resume.methodState()), model.getNDManager());
            startPhase = resume.phaseIndex();
            mid = resume.midEpoch();
            if (mid != null) { // stopped within an epoch: continue that epoch after its last trained batch
                startEpochInPhase = resume.epochInPhase();
                epoch = resume.epoch();
                step = resume.step() - mid.batches();
            } else {
                startEpochInPhase = resume.epochInPhase() + 1;
                if (startEpochInPhase >= phases.get(startPhase).epochs()) {
                    startPhase++;
                    startEpochInPhase = 0;
                }
                epoch = resume.epoch() + 1;
                step = resume.step();
            }
            bestTop1 = resume.bestTop1();
            bestEpoch = resume.bestEpoch();
        }
        for (int p = startPhase; p < phases.size(); p++) {
            Phase phase = phases.get(p);
            TorchOptimizer opt = phase.optimizer().get();
            if (resume != null && p == resume.phaseIndex() && (startEpochInPhase > 0 || mid != null)) {
                opt.loadState(Checkpoint.input(resume.optimizerState()), model.getNDManager());
            }
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(new SmoothedCrossEntropy(phase.labelSmoothing()))
                    .optOptimizer(opt)
                    .optDevices(devices);
            try (opt; Trainer trainer = model.newTrainer(cfg);
                    CompiledForward compiled = compiledForward(phase.name(), true);
                    CompiledForward compiledEval = compiled == null ? null : compiledForward(phase.name(), false)) {
                ParameterStore ps = paramStore(trainer);
                UnaryOperator<NDList> trainForward = compiled == null ? trainer::forward
                        : x -> compiled.forward(ps, x.singletonOrThrow());
                UnaryOperator<NDList> evalForward = compiledEval == null ? trainer::evaluate
                        : x -> compiledEval.forward(ps, x.singletonOrThrow());
                int first = p == startPhase ? startEpochInPhase : 0;
                for (int e = first; e < phase.epochs(); e++, epoch++) {
                    List<EpochMetrics> rows = new ArrayList<>();
                    EpochMetrics train = trainEpoch(trainer, ps, trainForward, phase, p, e, epoch, step, opt, mid,
                            bestTop1, bestEpoch);
                    mid = null;
                    step += ceilDiv(data.trainSize(), phase.batchSize());
                    rows.add(train);
                    EpochMetrics eval = evaluate(trainer.getManager(), evalForward, phase.name(), epoch,
                            data.evalSplit(), train.lr(), phase.batchSize());
                    rows.add(eval);
                    if (eval.top1() > bestTop1) {
                        bestTop1 = eval.top1();
                        bestEpoch = epoch;
                    }
                    rows.forEach(sink::epoch);
                    all.addAll(rows);
                    Map<String, Double> scalars = new LinkedHashMap<>();
                    try (NDManager scope = model.getNDManager().newSubManager()) {
                        hooks.endOfEpoch(new EpochContext(scope, model.getBlock(), phase.name(), p, epoch, e,
                                e == phase.epochs() - 1, List.copyOf(rows), scalars));
                    }
                    if (!scalars.isEmpty()) sink.scalars(epoch, phase.name(), scalars);
                    if (checkpointFile != null) {
                        writeCheckpoint(p, e, epoch, step, bestTop1, bestEpoch, opt, null);
                    }
                    boolean more = p < phases.size() - 1 || e < phase.epochs() - 1;
                    if (more && StopRequest.reason() != null) {
                        throw new TrainingStopped(StopRequest.reason(), phase.name(), epoch, step,
                                checkpointFile != null);
                    }
                }
            }
        }
        return new Result(all, bestTop1, bestEpoch, epoch, step);
    }

    /**
     * Has the training and evaluation forward passes run as one TorchScript call each from now on
     * ({@code train.compile: torchscript}), where the model allows it.
     */
    public TrainLoop compileForward(ForwardCompile mode) {
        this.compile = mode;
        return this;
    }

    /**
     * The phase's compiled forward in training or evaluation mode, or null: not asked for, or the model has a block
     * without a TorchScript form (said once, for the training forward).
     */
    private CompiledForward compiledForward(String phase, boolean training) {
        if (compile != ForwardCompile.TORCHSCRIPT) return null;
        try {
            CompiledForward c = CompiledForward.compile(model.getBlock(), training);
            if (training) {
                LOG.info("train.compile: torchscript: phase {} trains and evaluates with the forward pass as one "
                        + "TorchScript call", phase);
            }
            return c;
        } catch (CompiledForward.Unsupported e) {
            LOG.info("train.compile: torchscript: phase {} keeps DJL's block-by-block forward: {}", phase,
                    e.getMessage());
            return null;
        }
    }

    /**
     * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that started the
     * engine (its gradient collector turns it on and off around each step). On any other thread, e.g. a sweep worker,
     * the optimizer's in-place update of a leaf parameter would fail, so the loop sets it for its own thread.
     */
    private static void gradModeOffOnThisThread() {
        if (TorchEngine.active()) ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /** Initialises the block's parameters for this data's input shape, seeded so the same seed gives the same model. */
    public void initialize() {
        Engine.getInstance().setRandomSeed((int) Seeds.derive(seed, "model.init"));
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShape(1));
    }

    /** One training pass; {@code forward} is the phase's (compiled or DJL's), on the trainer's store {@code ps}. */
    private EpochMetrics trainEpoch(Trainer trainer, ParameterStore ps, UnaryOperator<NDList> forward, Phase phase,
            int phaseIndex, int epochInPhase, int epoch, long step, TorchOptimizer opt, Checkpoint.MidEpoch from,
            double bestTop1, int bestEpoch) {
        long t0 = System.nanoTime() - (from == null ? 0 : (long) (from.seconds() * 1e9));
        // Engine randomness (dropout) restarts from a per-epoch seed, so a resumed epoch draws what the original did.
        Engine.getInstance().setRandomSeed((int) Seeds.derive(seed, "train.engine_rng", epoch));
        SmoothedCrossEntropy lossFn = (SmoothedCrossEntropy) trainer.getLoss();
        Accumulator acc = new Accumulator();
        double lr = 0;
        int first = 0;
        if (from != null) { // the batches an interrupted attempt trained: same order, skipped without training
            acc.lossSum = from.lossSum();
            acc.samples = from.samples();
            acc.top1 = from.top1Hits();
            acc.top5 = from.top5Hits();
            lr = from.lr();
            first = from.batches();
        }
        try (BatchStream batches = data.train(epoch, phase.batchSize())) {
            int perEpoch = batches.numBatches();
            progress.passStarted(phase.name(), epoch, "train", perEpoch);
            for (int k = 0; k < first && batches.hasNext(); k++) batches.next();
            for (int it = first; batches.hasNext(); it++) {
                HostBatch b = batches.next();
                lr = phase.lr().lr(epochInPhase, it, perEpoch);
                opt.setLearningRate(lr);
                try (NDManager scope = trainer.getManager().newSubManager()) {
                    NDList[] parts = split(scope, b);
                    NDList predsAll = new NDList();
                    double lossSum = 0;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        for (NDList part : parts) {
                            NDList preds = forward.apply(new NDList(part.get(0)));
                            NDArray loss = lossFn.loss(preds.head(), part.get(1));
                            NDArray total = loss;
                            StepContext ctx = new StepContext(scope, model.getBlock(), ps, phase.name(), phaseIndex,
                                    epoch, epochInPhase, step + it, it, perEpoch, lr, preds);
                            for (Map.Entry<String, NDArray> extra : hooks.extraLosses(ctx).entrySet()) {
                                total = total.add(extra.getValue().toDevice(total.getDevice(), false));
                            }
                            // Data-parallel parts each contribute their share of the batch mean.
                            double share = (double) part.get(0).getShape().get(0) / b.size();
                            gc.backward(parts.length == 1 ? total : total.mul(Constants.scalar(total, share)));
                            lossSum += loss.getFloat() * share;
                            predsAll.add(preds.head());
                        }
                    }
                    checkFinite(lossSum, phase, epoch, step + it);
                    StepContext ctx = new StepContext(scope, model.getBlock(), ps, phase.name(), phaseIndex, epoch,
                            epochInPhase, step + it, it, perEpoch, lr, predsAll);
                    hooks.afterBackward(ctx);
                    if (devices.length == 1) {
                        opt.updateAll(trainable(ps, devices[0])); // as trainer.step(), without its gradient clones
                    } else {
                        trainer.step(); // DJL's parameter server sums the devices' gradients
                    }
                    hooks.afterStep(ctx);
                    acc.add(lossSum, b.size(), topHits(predsAll, parts));
                }
                progress.batchDone(acc.meanLoss(), acc.top1());
                if (StopRequest.reason() != null) {
                    if (checkpointFile != null) {
                        writeCheckpoint(phaseIndex, epochInPhase, epoch, step + it + 1, bestTop1, bestEpoch, opt,
                                new Checkpoint.MidEpoch(it + 1, acc.lossSum, acc.samples, acc.top1, acc.top5, lr,
                                        seconds(t0)));
                    }
                    throw new TrainingStopped(StopRequest.reason(), phase.name(), epoch, step + it + 1,
                            checkpointFile != null);
                }
            }
        }
        EpochMetrics m = acc.metrics(epoch, phase.name(), "train", lr, seconds(t0));
        progress.passFinished(m);
        return m;
    }

    /** One pass without gradients over {@code split}; the block must be initialised. */
    public EpochMetrics evaluate(NDManager manager, UnaryOperator<NDList> forward, String phase, int epoch,
            String split, double lr, int batchSize) {
        long t0 = System.nanoTime();
        Accumulator acc = new Accumulator();
        SmoothedCrossEntropy lossFn = new SmoothedCrossEntropy(0);
        try (BatchStream batches = split.equals("test") ? data.test(batchSize) : data.eval(batchSize)) {
            progress.passStarted(phase, epoch, split, batches.numBatches());
            while (batches.hasNext()) {
                HostBatch b = batches.next();
                try (NDManager scope = manager.newSubManager()) {
                    NDList[] parts = split(scope, b);
                    NDList predsAll = new NDList();
                    double lossSum = 0;
                    for (NDList part : parts) {
                        NDList preds = forward.apply(new NDList(part.get(0)));
                        lossSum += lossFn.loss(preds.head(), part.get(1)).getFloat()
                                * part.get(0).getShape().get(0) / b.size();
                        predsAll.add(preds.head());
                    }
                    acc.add(lossSum, b.size(), topHits(predsAll, parts));
                }
                progress.batchDone(acc.meanLoss(), acc.top1());
            }
        }
        EpochMetrics m = acc.metrics(epoch, phase, split, lr, seconds(t0));
        progress.passFinished(m);
        return m;
    }

    /** Inference forward over the model's own arrays, for evaluation outside a phase. */
    public UnaryOperator<NDList> inference() {
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        return x -> model.getBlock().forward(ps, x, false);
    }

    /** The weights the next step updates, the store's copies on {@code device}: those that require a gradient. */
    private List<Pair<String, NDArray>> trainable(ParameterStore ps, Device device) {
        List<Pair<String, NDArray>> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) weights.add(new Pair<>(param.getId(), ps.getValue(param, device, true)));
        }
        return weights;
    }

    /**
     * The store DJL's trainer keeps the per-device parameter copies in. DJL does not expose it, but hooks that edit
     * gradients must reach the copies whose gradients the step will use (one per device under data parallelism).
     */
    private static ParameterStore paramStore(Trainer trainer) {
        try {
            var f = Trainer.class.getDeclaredField("parameterStore");
            f.setAccessible(true);
            return (ParameterStore) f.get(trainer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DJL Trainer layout changed: no parameterStore field", e);
        }
    }

    /**
     * Copies a host batch to the devices, split evenly for data parallelism; each part = (images in the loop's memory
     * format, int64 labels), all owned by {@code scope}.
     */
    private NDList[] split(NDManager scope, HostBatch b) {
        int n = b.size();
        int parts = Math.min(devices.length, n);
        NDList[] out = new NDList[parts];
        int per = (n + parts - 1) / parts;
        int sample = b.channels() * b.height() * b.width();
        for (int i = 0; i < parts; i++) {
            int from = i * per;
            int to = Math.min(n, from + per);
            NDManager dev = devices.length == 1 ? scope : scope.newSubManager(devices[i]);
            NDArray x = dev.create(FloatBuffer.wrap(b.images(), from * sample, (to - from) * sample),
                    new Shape(to - from, b.channels(), b.height(), b.width()));
            long[] labels = new long[to - from];
            for (int j = from; j < to; j++) labels[j - from] = b.labels()[j];
            NDArray y = dev.create(labels);
            out[i] = new NDList(inputFormat.apply(x.toDevice(devices[i], false)), y.toDevice(devices[i], false));
        }
        return out;
    }

    /** Top-1 and top-5 hits of a batch (top-5 = top-k with k = min(5, classes)). */
    private static long[] topHits(NDList preds, NDList[] parts) {
        long top1 = 0;
        long top5 = 0;
        for (int i = 0; i < parts.length; i++) {
            long[] h = Accuracy.hits(preds.get(i), parts[i].get(1));
            top1 += h[0];
            top5 += h[1];
        }
        return new long[] {top1, top5};
    }

    private static void checkFinite(double loss, Phase phase, int epoch, long step) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("loss became " + loss + " in phase " + phase.name() + ", epoch "
                    + epoch + ", step " + step + "; lower the learning rate or check the data normalisation");
        }
    }

    private void writeCheckpoint(int p, int e, int epoch, long step, double bestTop1, int bestEpoch,
            TorchOptimizer opt, Checkpoint.MidEpoch mid) {
        try {
            new Checkpoint(p, e, epoch, step, bestTop1, bestEpoch, configSha256,
                    Checkpoint.bytes(out -> ParameterIO.save(model.getBlock(), out)),
                    Checkpoint.bytes(opt::saveState),
                    hooks.saveState().toBytes(), mid).write(checkpointFile);
            if (mid == null) LOG.debug("checkpoint written after epoch {}", epoch);
            else LOG.info("checkpoint written in epoch {} after step {} (batch {})", epoch, step, mid.batches());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpointFile, ex);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b; // the last partial batch is trained on
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Running sums of one pass. */
    private static final class Accumulator {
        double lossSum;
        long samples;
        long top1;
        long top5;

        void add(double meanLoss, int n, long[] hits) {
            lossSum += meanLoss * n;
            samples += n;
            top1 += hits[0];
            top5 += hits[1];
        }

        double meanLoss() {
            return samples == 0 ? 0 : lossSum / samples;
        }

        double top1() {
            return samples == 0 ? 0 : (double) top1 / samples;
        }

        EpochMetrics metrics(int epoch, String phase, String split, double lr, double seconds) {
            return new EpochMetrics(epoch, phase, split, meanLoss(), top1(),
                    samples == 0 ? 0 : (double) top5 / samples, lr, seconds);
        }
    }
}

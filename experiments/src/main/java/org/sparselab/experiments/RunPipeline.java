package org.sparselab.experiments;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.ConfigWriter;
import org.sparselab.data.DataConfig;
import org.sparselab.data.DataEnvironment;
import org.sparselab.data.DataModule;
import org.sparselab.methods.Method;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.ModelRegistry;
import org.sparselab.models.Models;
import org.sparselab.report.TrainingCurves;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.CpuInfo;
import org.sparselab.tracking.Provenance;
import org.sparselab.tracking.Trackers;
import org.sparselab.tracking.TrackingUri;
import org.sparselab.tracking.WritableDirs;
import org.sparselab.tracking.RunLock;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.StaleRuns;
import org.sparselab.tracking.RunStatus;
import org.sparselab.tracking.RunSummary;
import org.sparselab.train.Checkpoint;
import org.sparselab.train.Devices;
import org.sparselab.train.EpochMetrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import org.sparselab.methods.InitContext;
import org.sparselab.methods.RunInfo;
import org.sparselab.deploy.DeployTuning;
import org.sparselab.metrics.Latency;
import org.sparselab.train.MetricsSink;
import org.sparselab.train.TrainConfig.ResolvedPhase;
import org.sparselab.train.TrainLoop;
import org.sparselab.train.TrainingProgress;
import org.sparselab.train.TrainingStopped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run from a resolved config: validate what can be checked cheaply, open the data, build the model with the
 * method's factories, train through the phases, evaluate, and keep the run record true at every moment.
 */
public final class RunPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);

    /** What a finished run reports back to the CLI. */
    public record Outcome(Path runDir, RunSummary summary, ModelProfile profile) {}

    /** Observes the run as it starts (e.g. to attach a log file to its directory). */
    public interface Listener {
        default void started(Path runDir) {}
    }

    private final Path projectDir;
    private final DataEnvironment dataEnv;
    private final ModelRegistry models = Models.defaults();

    private final Map<String, String> env;

    public RunPipeline(Path projectDir, DataEnvironment dataEnv) {
        this(projectDir, dataEnv, System.getenv());
    }

    /** {@code env}: where tracking credentials and settings are read from (the process environment by default). */
    public RunPipeline(Path projectDir, DataEnvironment dataEnv, Map<String, String> env) {
        this.projectDir = projectDir;
        this.dataEnv = dataEnv;
        this.env = Map.copyOf(env);
    }

    /**
     * Cross-checks that need registries or the file system (not the data): the model name exists, the method's
     * phases exist, and every directory the run will write can be written. Cheap; runs before any work, also for
     * {@code --print-config} and for every point of a sweep.
     */
    public void validate(ExperimentConfig cfg) {
        validate(cfg, false);
    }

    /**
     * {@link #validate} for a sweep's points, checked before any of them runs: what an earlier point produces (a dense
     * run a pruning point starts from, found by name and seed) need not exist yet; the point checks it when it runs.
     */
    public void validatePlanned(ExperimentConfig cfg) {
        validate(cfg, true);
    }

    private void validate(ExperimentConfig cfg, boolean planning) {
        validateModel(cfg, planning);
        WritableDirs.require("output.dir", projectDir.resolve(cfg.output().dir()).resolve(cfg.experimentName()));
        if (cfg.tracking().target() instanceof TrackingUri.FileStore store) {
            WritableDirs.require("tracking.uri", store.root());
        }
    }

    /** The registry checks of {@link #validate} alone (for commands that write nothing, such as profile). */
    public void validateModel(ExperimentConfig cfg) {
        validateModel(cfg, false);
    }

    private void validateModel(ExperimentConfig cfg, boolean planning) {
        models.check(ModelRegistry.KEY, cfg.model().arch());
        cfg.train().memoryFormat().requireSupported("train.memory_format");
        List<String> phaseNames = cfg.train().resolve(cfg.data().batchSize()).stream().map(ResolvedPhase::name).toList();
        for (String needed : cfg.method().requiredPhases()) {
            if (!phaseNames.contains(needed)) {
                throw new org.sparselab.config.ConfigException("method", "method " + cfg.method().name()
                        + " acts in a training phase named '" + needed + "', but train.phases has " + phaseNames
                        + "; add that phase (see configs/repro/" + cfg.method().name() + "/) or set the method's "
                        + "phase key");
            }
        }
        // Build the model once without parameters: whatever the method's factories refuse for this architecture and
        // input (a shuffle factorisation that does not fit, say) is refused here, before a run record exists.
        // The method then checks the built model (an SSC group count not dividing a layer, a selection converting
        // nothing, an init_from run of another architecture).
        DataConfig.Shape shape = cfg.data().expectedShape();
        Method method = cfg.method().create();
        Block built = models.create(cfg.model().arch(), method.modelContext(shape.channels(), shape.imageSize(),
                shape.numClasses() != null ? shape.numClasses() : 2));
        Map<String, Integer> phaseEpochs = new LinkedHashMap<>();
        for (ResolvedPhase p : cfg.train().resolve(cfg.data().batchSize())) phaseEpochs.put(p.name(), p.epochs());
        method.checkBuilt(built, new RunInfo(new Shape(1, shape.channels(), shape.imageSize(), shape.imageSize()),
                phaseEpochs, cfg.seed(), planning));
    }

    public Outcome run(ConfigLoader.Loaded<ExperimentConfig> loaded, TrainingProgress progress, Listener listener)
            throws IOException {
        ExperimentConfig cfg = loaded.config();
        loaded.check(this::validate);
        Path outDir = projectDir.resolve(cfg.output().dir());
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), dataEnv)) {
            RunRecorder rec = RunRecorder.start(outDir, cfg.experimentName(), cfg.name(), loaded.yaml(),
                    loaded.sha256());
            listener.started(rec.dir());
            return execute(cfg, loaded.sha256(), data, rec, null, progress);
        }
    }

    /** Continues the run in {@code runDir} from its last checkpoint, with the config stored there. */
    public Outcome resume(Path runDir, TrainingProgress progress, Listener listener) throws IOException {
        StaleRuns.settle(runDir); // a RUNNING record whose process is gone is KILLED, in the record and in MLflow
        RunLock.requireFree(runDir);
        Path ckptFile = runDir.resolve(RunRecorder.CHECKPOINT);
        if (!Files.exists(ckptFile)) {
            throw new org.sparselab.config.ConfigException(runDir.toString(), 0, "",
                    "no checkpoint in this run directory (was output.checkpoint false, or did it fail before its "
                            + "first epoch ended?)", null);
        }
        var loaded = ConfigLoader.load(runDir.resolve(RunRecorder.CONFIG), List.of(), ExperimentConfig.class,
                Schema.types());
        ExperimentConfig cfg = loaded.config();
        loaded.check(this::validate);
        WritableDirs.require(runDir.toString(), runDir);
        Checkpoint ckpt = Checkpoint.read(ckptFile);
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), dataEnv)) {
            RunRecorder rec = RunRecorder.resume(runDir, lastCompletedEpoch(ckpt));
            listener.started(rec.dir());
            if (ckpt.midEpoch() == null) LOG.info("resuming {} after epoch {}", runDir, ckpt.epoch());
            else LOG.info("resuming {} in epoch {} after step {}", runDir, ckpt.epoch(), ckpt.step());
            return execute(cfg, resumeIdentity(ckpt.configSha256(), loaded), data, rec, ckpt, progress);
        }
    }

    /**
     * The identity a resumed run goes on under: the checkpoint's, when it is an older identity of this same config
     * (the hash of the whole YAML, from before tracking.* left it, or of the YAML without tracking.*, from before
     * keys at their defaults left it); otherwise today's, which the trainer then compares with the checkpoint's.
     */
    static String resumeIdentity(String checkpointSha256, ConfigLoader.Loaded<ExperimentConfig> loaded) {
        boolean older = checkpointSha256.equals(ConfigWriter.sha256(loaded.config()))
                || checkpointSha256.equals(ConfigWriter.legacyIdentitySha256(loaded.yaml(), ExperimentConfig.class));
        return older ? checkpointSha256 : loaded.sha256();
    }

    private Outcome execute(ExperimentConfig cfg, String configSha256, DataModule data, RunRecorder rec,
            Checkpoint resume,
            TrainingProgress progress) throws IOException {
        Instant start = Instant.now();
        RunTracking tracking = new RunTracking(Trackers.open(cfg.tracking(), rec.dir(), env));
        try (tracking) {
            Device[] devices = Devices.resolve(cfg.device());
            Method method = cfg.method().create();
            ModelContext ctx = method.modelContext(data.channels(), data.imageSize(), data.numClasses())
                    .withClassifierInit(cfg.model().classifierInit());
            Block block = models.create(cfg.model().arch(), ctx);
            try (Model model = Model.newInstance(cfg.name(), devices[0])) {
                model.setBlock(block);
                List<ResolvedPhase> phases = cfg.train().resolve(cfg.data().batchSize());
                List<TrainLoop.Phase> loopPhases = new ArrayList<>();
                for (ResolvedPhase p : phases) {
                    loopPhases.add(new TrainLoop.Phase(p.name(), p.epochs(), p.batchSize(), p.labelSmoothing(),
                            () -> p.optimizer().create(block), p.lrSchedule().create(p.optimizer().lr(), p.epochs())));
                }
                TrainLoop loop = new TrainLoop(model, devices, data, loopPhases, method,
                        cfg.output().checkpoint() ? rec.checkpointFile() : null, configSha256, cfg.seed(),
                        new MetricsSink() {
                            @Override
                            public void epoch(EpochMetrics m) {
                                rec.appendMetrics(m);
                                tracking.epoch(m);
                            }

                            @Override
                            public void scalars(int epoch, String phase, Map<String, Double> values) {
                                rec.appendScalars(epoch, phase, values);
                                tracking.scalars(epoch, values);
                            }
                        }, progress, cfg.train().memoryFormat()).compileForward(cfg.train().compile());
                loop.initialize();
                Shape sample = new Shape(1, data.channels(), data.imageSize(), data.imageSize());
                Map<String, Integer> phaseEpochs = new LinkedHashMap<>();
                for (ResolvedPhase p : phases) phaseEpochs.put(p.name(), p.epochs());
                RunInfo runInfo = new RunInfo(sample, phaseEpochs, cfg.seed(), false, DeployTuning.of(
                        cfg.output().deployBatchSizes(), cfg.output().deployRepeats()));
                method.attach(block, runInfo);
                if (resume == null) {
                    try (NDManager scope = model.getNDManager().newSubManager()) {
                        method.initialise(new InitContext(block, runInfo, new TrainingInitData(data, devices[0]),
                                devices[0], scope));
                    }
                }
                ModelProfile profile = profile(model, block, sample);
                Provenance prov = Provenance.collect(projectDir);
                rec.update(b -> startSummary(b, cfg, data, devices, profile, prov));
                AtomicFiles.write(rec.dir().resolve("profile.csv"), profile.toCsv());
                // A dirty tree's code is in no commit: keep its diff beside the record (a resume writes its own).
                if (prov.gitDirty()) {
                    AtomicFiles.write(rec.dir().resolve(Provenance.CODE_DIFF), Provenance.codeDiff(projectDir));
                }
                if (resume == null) {
                    tracking.start(cfg, rec.dir(), configSha256, prov, Devices.describe(devices), data.name(),
                            data.digest(), "sparselab run " + cfg.name());
                    tracking.profile(profile);
                } else {
                    tracking.resume(rec.dir(), lastCompletedEpoch(resume));
                }
                String trackedId = tracking.runId();
                if (trackedId != null) rec.update(b -> b.mlflowRunId = trackedId);

                TrainLoop.Result result = loop.run(resume);
                List<EpochMetrics> history = RunRecorder.readMetrics(rec.dir());
                rec.update(b -> {
                    b.epochs = result.epochs();
                    b.steps = result.steps();
                    b.best = best(history, data.evalSplit());
                    b.finalMetrics = finalMetrics(history);
                });
                if (data.evalSplit().equals("val") && result.epochs() > 0) {
                    EpochMetrics test;
                    try (NDManager scope = model.getNDManager().newSubManager()) {
                        test = loop.evaluate(scope, loop.inference(), phases.get(phases.size() - 1).name(),
                                result.epochs() - 1, "test", 0, cfg.data().evalBatchSize());
                    }
                    rec.appendMetrics(test);
                    tracking.epoch(test);
                    rec.update(b -> b.test = RunSummary.SplitMetrics.of(test));
                }
                ModelProfile trained = profile(model, block, sample);
                rec.update(b -> b.finalModel = RunSummary.Cost.of(trained));
                AtomicFiles.write(rec.dir().resolve("profile.csv"), trained.toCsv());
                Block deployed = method.export(block, factory -> models.create(cfg.model().arch(),
                        ctx.withFactories(factory, ctx.shuffles())));
                List<Block> timed = deployed == block ? List.of(block) : List.of(block, deployed);
                List<RunSummary.Latency> latency = latency(model, timed, sample, cfg.output().latencyRepeats());
                if (!latency.isEmpty()) rec.update(b -> b.latency = latency.get(0));
                if (deployed != block) {
                    RunSummary.Deployed d = deployedSummary(loop, model, block, deployed, sample, data, cfg, history)
                            .withExport(method.exportReport());
                    rec.update(b -> b.deployed = latency.isEmpty() ? d : d.withLatency(latency.get(1)));
                }
                tracking.endOfTraining(rec.summary(), Math.max(0, result.epochs() - 1));
                TrainingCurves.writePng(RunRecorder.readMetrics(rec.dir()), cfg.name() + " (" + cfg.model().arch()
                        + ")", rec.dir().resolve("curves.png"));
                if (cfg.output().saveModel()) ModelArchive.save(block, cfg, ctx, configSha256, rec.dir());
                rec.update(b -> b.durationS = Duration.between(start, Instant.now()).toMillis() / 1000.0);
                noteTrackedRun(rec, tracking);
                rec.finish(RunStatus.FINISHED, null);
                tracking.finish(RunStatus.FINISHED, rec.dir(), rec.summary());
                return new Outcome(rec.dir(), rec.summary(), profile);
            }
        } catch (TrainingStopped stop) { // SIGTERM: interrupted at a step boundary, resumable, neither failed nor done
            rec.update(b -> {
                b.durationS = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                b.interrupted = new RunSummary.Interrupted(stop.reason(), stop.phase(), stop.epoch(), stop.step(),
                        stop.checkpointed());
            });
            noteTrackedRun(rec, tracking);
            rec.finish(RunStatus.KILLED, "interrupted: " + stop.getMessage()
                    + (stop.checkpointed() ? "; resume with ./sparselab resume " + rec.dir() : ""));
            tracking.finish(RunStatus.KILLED, rec.dir(), rec.summary());
            throw stop;
        } catch (RuntimeException | IOException | Error e) {
            rec.update(b -> b.durationS = Duration.between(start, Instant.now()).toMillis() / 1000.0);
            noteTrackedRun(rec, tracking);
            rec.finish(RunStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
            tracking.finish(RunStatus.FAILED, rec.dir(), rec.summary());
            throw e;
        } finally {
            rec.close();
        }
    }

    /** The MLflow run id, once the background sender has it (it may not have at the start of training). */
    private static void noteTrackedRun(RunRecorder rec, RunTracking tracking) {
        String id = tracking.runId();
        if (id != null && !id.equals(rec.summary().mlflowRunId())) rec.update(b -> b.mlflowRunId = id);
    }

    /** The last epoch whose metrics rows exist when training continues from {@code c}. */
    private static int lastCompletedEpoch(Checkpoint c) {
        return c.midEpoch() == null ? c.epoch() : c.epoch() - 1;
    }

    private static ModelProfile profile(Model model, Block block, Shape sample) {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            return Profiler.profile(block, sample, scope);
        }
    }

    /**
     * Forward latency at batch 1 and 64 (ms, median/p90) of each block, timed interleaved so that the trained and
     * the deployed form see the same machine load and their ratio is fair even on a shared machine; empty when
     * {@code repeats} is 0.
     */
    private static List<RunSummary.Latency> latency(Model model, List<Block> blocks, Shape sample, int repeats) {
        List<RunSummary.Latency> out = new ArrayList<>();
        if (repeats == 0) return out;
        List<List<RunSummary.Timing>> timings = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) timings.add(new ArrayList<>());
        for (var stats : Latency.interleaved(blocks, sample, new int[] {1, 64}, Math.max(2, repeats / 4), repeats,
                model.getNDManager())) {
            for (int i = 0; i < blocks.size(); i++) {
                var st = stats.get(i);
                timings.get(i).add(new RunSummary.Timing(st.medianMs(), st.p90Ms(), st.repeats(),
                        st.faultsCounted()));
            }
        }
        Boolean interleaved = blocks.size() > 1 ? Boolean.TRUE : null;
        for (List<RunSummary.Timing> t : timings) out.add(new RunSummary.Latency(t.get(0), t.get(1), interleaved));
        return out;
    }

    /**
     * The method's deployment form, checked against the trained model: its cost from the profiler, its accuracy on
     * the evaluation split next to the trained model's last evaluation and the largest logit difference on one batch
     * (its latency is timed beside the trained model's).
     */
    private static RunSummary.Deployed deployedSummary(TrainLoop loop, Model model, Block trained, Block deployed,
            Shape sample, DataModule data, ExperimentConfig cfg, List<EpochMetrics> history) {
        ModelProfile cost = profile(model, deployed, sample);
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        try (NDManager scope = model.getNDManager().newSubManager()) {
            EpochMetrics eval = loop.evaluate(scope, x -> deployed.forward(ps, x, false), "deployed", -1,
                    data.evalSplit(), 0, cfg.data().evalBatchSize());
            Double trainedTop1 = history.stream().filter(m -> m.split().equals(data.evalSplit()))
                    .reduce((a, b) -> b).map(EpochMetrics::top1).orElse(null);
            double maxDiff;
            try (var batches = data.eval(Math.min(64, cfg.data().evalBatchSize()))) {
                var b = batches.next();
                NDArray x = scope.create(java.nio.FloatBuffer.wrap(b.images()),
                        new Shape(b.size(), b.channels(), b.height(), b.width()));
                NDArray a = trained.forward(ps, new NDList(x), false).head();
                NDArray c = deployed.forward(ps, new NDList(x), false).head();
                maxDiff = a.sub(c).abs().max().getFloat();
            }
            return new RunSummary.Deployed(cost.params(), cost.effectiveParams(), cost.macs(), cost.effectiveMacs(),
                    data.evalSplit(), eval.top1(), trainedTop1, maxDiff, null, null);
        }
    }

    private static void startSummary(RunSummary.Builder b, ExperimentConfig cfg, DataModule data, Device[] devices,
            ModelProfile profile, Provenance prov) {
        b.seed = cfg.seed();
        b.device = Devices.describe(devices);
        b.method = cfg.method().name();
        b.model = RunSummary.ModelInfo.of(cfg.model().arch(), profile);
        b.data = new RunSummary.DataInfo(data.name(), data.digest(), data.trainSize(), data.evalSize(),
                data.evalSplit());
        b.provenance = prov;
        b.cpu = CpuInfo.current();
        b.threads = Runtime.getRuntime().availableProcessors();
    }

    /** The evaluation row with the highest top-1 (the first such epoch on ties). */
    private static RunSummary.Best best(List<EpochMetrics> history, String evalSplit) {
        EpochMetrics best = null;
        for (EpochMetrics m : history) {
            if (m.split().equals(evalSplit) && (best == null || m.top1() > best.top1())) best = m;
        }
        return best == null ? new RunSummary.Best(-1, evalSplit, null, null)
                : new RunSummary.Best(best.epoch(), evalSplit, best.top1(), best.top5());
    }

    private static Map<String, RunSummary.SplitMetrics> finalMetrics(List<EpochMetrics> history) {
        Map<String, RunSummary.SplitMetrics> f = new LinkedHashMap<>();
        for (EpochMetrics m : history) {
            if (!m.split().equals("test")) f.put(m.split(), RunSummary.SplitMetrics.of(m)); // last row of each wins
        }
        return f;
    }
}

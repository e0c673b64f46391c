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
import org.sparselab.tracking.Provenance;
import org.sparselab.tracking.Trackers;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunStatus;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run from a resolved config: validate what can be checked cheaply, open the data, build the model with the
 * method's factories, train through the phases, evaluate, and keep the run record true at every moment.
 */
public final class RunPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);

    /** What a finished run reports back to the CLI. */
    public record Outcome(Path runDir, Map<String, Object> summary, ModelProfile profile) {}

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

    /** Cross-checks that need registries (not the data): the model name exists. Cheap; runs before any work. */
    public void validate(ExperimentConfig cfg) {
        models.check(ModelRegistry.KEY, cfg.model().arch());
        List<String> phaseNames = cfg.train().resolve(cfg.data().batchSize()).stream().map(ResolvedPhase::name).toList();
        for (String needed : cfg.method().requiredPhases()) {
            if (!phaseNames.contains(needed)) {
                throw new org.sparselab.config.ConfigException("method", "method " + cfg.method().name()
                        + " acts in a training phase named '" + needed + "', but train.phases has " + phaseNames
                        + "; add that phase (see configs/repro/" + cfg.method().name() + "/) or set the method's "
                        + "phase key");
            }
        }
    }

    /**
     * Builds the model once with the method's factories (no arrays) so that a method option that does not fit the
     * architecture (an SSC group count not dividing a layer, a selection converting nothing) is refused as bad
     * input before any run record, MLflow run or training exists.
     */
    public void checkModel(ExperimentConfig cfg, DataModule data) {
        Method probe = cfg.method().create();
        Block built = models.create(cfg.model().arch(), probe.modelContext(data.channels(), data.imageSize(),
                data.numClasses()));
        probe.checkBuilt(built);
    }

    public Outcome run(ConfigLoader.Loaded<ExperimentConfig> loaded, TrainingProgress progress, Listener listener)
            throws IOException {
        ExperimentConfig cfg = loaded.config();
        validate(cfg);
        Path outDir = projectDir.resolve(cfg.output().dir());
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), dataEnv)) {
            checkModel(cfg, data);
            RunRecorder rec = RunRecorder.start(outDir, cfg.experimentName(), cfg.name(), loaded.yaml(),
                    loaded.sha256());
            listener.started(rec.dir());
            return execute(cfg, loaded.sha256(), data, rec, null, progress);
        }
    }

    /** Continues the run in {@code runDir} from its last checkpoint, with the config stored there. */
    public Outcome resume(Path runDir, TrainingProgress progress, Listener listener) throws IOException {
        Path ckptFile = runDir.resolve(RunRecorder.CHECKPOINT);
        if (!Files.exists(ckptFile)) {
            throw new org.sparselab.config.ConfigException(runDir.toString(), 0, "",
                    "no checkpoint in this run directory (was output.checkpoint false, or did it fail before its "
                            + "first epoch ended?)", null);
        }
        var loaded = ConfigLoader.load(runDir.resolve(RunRecorder.CONFIG), List.of(), ExperimentConfig.class,
                Schema.types());
        ExperimentConfig cfg = loaded.config();
        validate(cfg);
        Checkpoint ckpt = Checkpoint.read(ckptFile);
        try (DataModule data = DataModule.open(cfg.data(), cfg.seed(), dataEnv)) {
            RunRecorder rec = RunRecorder.resume(runDir, ckpt.epoch());
            listener.started(rec.dir());
            LOG.info("resuming {} after epoch {}", runDir, ckpt.epoch());
            return execute(cfg, loaded.sha256(), data, rec, ckpt, progress);
        }
    }

    private Outcome execute(ExperimentConfig cfg, String configSha256, DataModule data, RunRecorder rec,
            Checkpoint resume,
            TrainingProgress progress) throws IOException {
        Instant start = Instant.now();
        RunTracking tracking = new RunTracking(Trackers.open(cfg.tracking().uri(), rec.dir(), env));
        try (tracking) {
            Device[] devices = Devices.resolve(cfg.device());
            Method method = cfg.method().create();
            ModelContext ctx = method.modelContext(data.channels(), data.imageSize(), data.numClasses());
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
                        }, progress);
                loop.initialize();
                Shape sample = new Shape(1, data.channels(), data.imageSize(), data.imageSize());
                Map<String, Integer> phaseEpochs = new LinkedHashMap<>();
                for (ResolvedPhase p : phases) phaseEpochs.put(p.name(), p.epochs());
                RunInfo runInfo = new RunInfo(sample, phaseEpochs, cfg.seed(), DeployTuning.of(
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
                rec.putAll(startSummary(cfg, data, devices, profile, prov));
                AtomicFiles.write(rec.dir().resolve("profile.csv"), profile.toCsv());
                if (resume == null) {
                    tracking.start(cfg, rec.dir(), configSha256, prov, Devices.describe(devices), data.name(),
                            data.digest(), "sparselab run " + cfg.name());
                    tracking.profile(profile);
                } else {
                    tracking.resume(rec.dir(), resume.epoch());
                }
                String trackedId = tracking.runId();
                if (trackedId != null) rec.put("mlflow_run_id", trackedId);

                TrainLoop.Result result = loop.run(resume);
                List<EpochMetrics> history = RunRecorder.readMetrics(rec.dir());
                Map<String, Object> results = new LinkedHashMap<>();
                results.put("epochs", result.epochs());
                results.put("steps", result.steps());
                results.put("best", best(history, data.evalSplit()));
                results.put("final", finalMetrics(history));
                if (data.evalSplit().equals("val") && result.epochs() > 0) {
                    EpochMetrics test;
                    try (NDManager scope = model.getNDManager().newSubManager()) {
                        test = loop.evaluate(scope, loop.inference(), phases.get(phases.size() - 1).name(),
                                result.epochs() - 1, "test", 0, cfg.data().evalBatchSize());
                    }
                    rec.appendMetrics(test);
                    tracking.epoch(test);
                    results.put("test", metricMap(test));
                }
                rec.putAll(results);
                ModelProfile trained = profile(model, block, sample);
                rec.put("final_model", profileMap(trained));
                AtomicFiles.write(rec.dir().resolve("profile.csv"), trained.toCsv());
                Block deployed = method.export(block, factory -> models.create(cfg.model().arch(),
                        new ModelContext(ctx.inChannels(), ctx.imageSize(), ctx.numClasses(), factory,
                                ctx.shuffles(), ctx.linears())));
                List<Block> timed = deployed == block ? List.of(block) : List.of(block, deployed);
                List<Map<String, Object>> latency = latency(model, timed, sample, cfg.output().latencyRepeats());
                if (!latency.isEmpty()) rec.put("latency", latency.get(0));
                if (deployed != block) {
                    Map<String, Object> d = deployedSummary(loop, model, block, deployed, sample, data, cfg, history);
                    if (!latency.isEmpty()) d.put("latency", latency.get(1));
                    d.putAll(method.exportReport());
                    rec.put("deployed", d);
                }
                tracking.endOfTraining(RunRecorder.readSummary(rec.dir()), Math.max(0, result.epochs() - 1));
                TrainingCurves.writePng(RunRecorder.readMetrics(rec.dir()), cfg.name() + " (" + cfg.model().arch()
                        + ")", rec.dir().resolve("curves.png"));
                if (cfg.output().saveModel()) ModelArchive.save(block, cfg, ctx, configSha256, rec.dir());
                rec.put("duration_s", Duration.between(start, Instant.now()).toMillis() / 1000.0);
                rec.finish(RunStatus.FINISHED, null);
                tracking.finish(RunStatus.FINISHED, rec.dir(), RunRecorder.readSummary(rec.dir()));
                return new Outcome(rec.dir(), RunRecorder.readSummary(rec.dir()), profile);
            }
        } catch (RuntimeException | IOException | Error e) {
            rec.put("duration_s", Duration.between(start, Instant.now()).toMillis() / 1000.0);
            rec.finish(RunStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
            tracking.finish(RunStatus.FAILED, rec.dir(), RunRecorder.readSummary(rec.dir()));
            throw e;
        } finally {
            rec.close();
        }
    }

    private static ModelProfile profile(Model model, Block block, Shape sample) {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            return Profiler.profile(block, sample, scope);
        }
    }

    private static Map<String, Object> profileMap(ModelProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", p.params());
        m.put("effective_params", p.effectiveParams());
        m.put("macs", p.macs());
        m.put("effective_macs", p.effectiveMacs());
        return m;
    }

    /**
     * Forward latency at batch 1 and 64 (ms, median/p90) of each block, timed interleaved so that the trained and
     * the deployed form see the same machine load and their ratio is fair even on a shared machine; empty when
     * {@code repeats} is 0.
     */
    private static List<Map<String, Object>> latency(Model model, List<Block> blocks, Shape sample, int repeats) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (repeats == 0) return out;
        for (int i = 0; i < blocks.size(); i++) out.add(new LinkedHashMap<>());
        for (int batch : new int[] {1, 64}) {
            var stats = Latency.interleaved(blocks, sample, batch, Math.max(2, repeats / 4), repeats,
                    model.getNDManager());
            for (int i = 0; i < blocks.size(); i++) {
                var s = stats.get(i);
                out.get(i).put("b" + batch, Map.of("median_ms", s.medianMs(), "p90_ms", s.p90Ms(), "repeats",
                        s.repeats()));
            }
        }
        if (blocks.size() > 1) out.forEach(m -> m.put("interleaved", true));
        return out;
    }

    /**
     * The method's deployment form, checked against the trained model: its cost from the profiler, its accuracy on
     * the evaluation split next to the trained model's last evaluation and the largest logit difference on one batch
     * (its latency is timed beside the trained model's).
     */
    private static Map<String, Object> deployedSummary(TrainLoop loop, Model model, Block trained, Block deployed,
            Shape sample, DataModule data, ExperimentConfig cfg, List<EpochMetrics> history) {
        Map<String, Object> d = new LinkedHashMap<>(profileMap(profile(model, deployed, sample)));
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        try (NDManager scope = model.getNDManager().newSubManager()) {
            EpochMetrics eval = loop.evaluate(scope, x -> deployed.forward(ps, x, false), "deployed", -1,
                    data.evalSplit(), 0, cfg.data().evalBatchSize());
            d.put("eval_split", data.evalSplit());
            d.put("eval_top1", eval.top1());
            history.stream().filter(m -> m.split().equals(data.evalSplit())).reduce((a, b) -> b)
                    .ifPresent(last -> d.put("trained_eval_top1", last.top1()));
            try (var batches = data.eval(Math.min(64, cfg.data().evalBatchSize()))) {
                var b = batches.next();
                NDArray x = scope.create(java.nio.FloatBuffer.wrap(b.images()),
                        new Shape(b.size(), b.channels(), b.height(), b.width()));
                NDArray a = trained.forward(ps, new NDList(x), false).head();
                NDArray c = deployed.forward(ps, new NDList(x), false).head();
                d.put("max_abs_logit_diff", a.sub(c).abs().max().getFloat());
            }
        }
        return d;
    }

    private static Map<String, Object> startSummary(ExperimentConfig cfg, DataModule data, Device[] devices,
            ModelProfile profile, Provenance prov) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seed", cfg.seed());
        s.put("device", Devices.describe(devices));
        s.put("method", cfg.method().name());
        s.put("model", Map.of("arch", cfg.model().arch(), "params", profile.params(),
                "effective_params", profile.effectiveParams(), "macs", profile.macs(),
                "effective_macs", profile.effectiveMacs()));
        s.put("data", Map.of("name", data.name(), "digest", data.digest(), "train_size", data.trainSize(),
                "eval_size", data.evalSize(), "eval_split", data.evalSplit()));
        s.put("provenance", prov.asMap());
        s.put("threads", Runtime.getRuntime().availableProcessors());
        return s;
    }

    /** The evaluation row with the highest top-1 (the first such epoch on ties). */
    private static Map<String, Object> best(List<EpochMetrics> history, String evalSplit) {
        EpochMetrics best = null;
        for (EpochMetrics m : history) {
            if (m.split().equals(evalSplit) && (best == null || m.top1() > best.top1())) best = m;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", best == null ? -1 : best.epoch());
        r.put("split", evalSplit);
        r.put("top1", best == null ? null : best.top1());
        r.put("top5", best == null ? null : best.top5());
        return r;
    }

    private static Map<String, Object> finalMetrics(List<EpochMetrics> history) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (EpochMetrics m : history) {
            if (!m.split().equals("test")) f.put(m.split(), metricMap(m)); // last row of each split wins
        }
        return f;
    }

    private static Map<String, Object> metricMap(EpochMetrics m) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", m.epoch());
        r.put("loss", m.loss());
        r.put("top1", m.top1());
        r.put("top5", m.top5());
        return r;
    }
}

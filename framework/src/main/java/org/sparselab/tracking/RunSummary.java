package org.sparselab.tracking;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.train.EpochMetrics;

/**
 * A run's {@code summary.json}, typed: what the run pipeline writes, tracking mirrors to MLflow and reports read.
 * Every field is documented in {@code docs/run-record.md}; a field is null (absent from the file) until the run has
 * measured it, so a RUNNING or FAILED run has a partial summary.
 *
 * <p>Files carry {@link #schemaVersion}; {@link #read} also reads files written before the version existed (version
 * 1: the same fields, plus two older spellings a few early records used, {@code model.final_<cost>} and a flat
 * {@code latency_ms}). Top-level fields this version does not know (written by a newer one) are kept in
 * {@link #extra} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
        int schemaVersion,
        String runId,
        String runName,
        String experiment,
        RunStatus status,
        Interrupted interrupted,
        String configSha256,
        String startTime,
        String endTime,
        String error,
        Integer resumedFromEpoch,
        ProcessInfo process,
        Long seed,
        String device,
        String method,
        ModelInfo model,
        DataInfo data,
        Provenance provenance,
        Cpu cpu,
        Integer threads,
        String mlflowRunId,
        Integer epochs,
        Long steps,
        Best best,
        @JsonProperty("final") Map<String, SplitMetrics> finalMetrics,
        SplitMetrics test,
        Cost finalModel,
        Latency latency,
        Deployed deployed,
        Double durationS,
        Map<String, JsonNode> extra) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 2;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private static final Set<String> KNOWN = Arrays.stream(RunSummary.class.getRecordComponents())
            .map(RecordComponent::getName).filter(n -> !n.equals("extra"))
            .map(n -> n.equals("finalMetrics") ? "final" : PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE
                    .translate(n))
            .collect(Collectors.toUnmodifiableSet());

    public RunSummary {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
        finalMetrics = finalMetrics == null ? null : Map.copyOf(finalMetrics);
    }

    /** The summary a new run starts with: RUNNING, written by this process. */
    public static RunSummary started(String runId, String runName, String experiment, String configSha256,
            String startTime, ProcessInfo process) {
        return new Builder().runId(runId).runName(runName).experiment(experiment).status(RunStatus.RUNNING)
                .configSha256(configSha256).startTime(startTime).process(process).build();
    }

    /** A copy with the fields {@code edit} sets. */
    public RunSummary with(Consumer<Builder> edit) {
        Builder b = new Builder(this);
        edit.accept(b);
        return b.build();
    }

    /** Params and MACs after training when the run measured them (masks counted), else the profile before it. */
    public Cost finalCost() {
        if (finalModel != null) return finalModel;
        return model == null ? null : model.cost();
    }

    /** The split the run evaluated on each epoch ({@code test}, or {@code val} with a validation split). */
    public String evalSplit() {
        return data != null && data.evalSplit() != null ? data.evalSplit() : "test";
    }

    /** The pid, start and host of the process that wrote the run; null when the record predates them. */
    public ProcessInfo writer() {
        return process;
    }

    // ---- reading and writing ----

    /** Reads {@code runDir/summary.json}: this version's files and those written before versions existed. */
    public static RunSummary read(Path runDir) throws IOException {
        Path file = runDir.resolve(RunRecorder.SUMMARY);
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable summary (" + e.getMessage() + ")", e);
        }
        if (!(tree instanceof ObjectNode obj)) throw new IOException(file + ": expected a JSON object");
        int version = obj.path("schema_version").asInt(1);
        if (version > SCHEMA_VERSION) {
            throw new IOException(file + ": schema_version " + version + " is newer than this sparselab reads ("
                    + SCHEMA_VERSION + "); update sparselab");
        }
        if (version == 1) upgradeFromV1(obj);
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!KNOWN.contains(name)) extra.put(name, obj.get(name));
        }
        extra.keySet().forEach(obj::remove);
        obj.put("schema_version", SCHEMA_VERSION);
        try {
            return JSON.treeToValue(obj, RunSummary.class).with(b -> b.extra = extra);
        } catch (IOException e) {
            throw new IOException(file + ": a field has the wrong type (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")", e);
        }
    }

    /** The JSON text of this summary (extra fields last). */
    public String toJson() {
        ObjectNode obj = JSON.valueToTree(this);
        obj.remove("extra");
        extra.forEach(obj::set);
        try {
            return JSON.writeValueAsString(obj) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a run summary", e);
        }
    }

    /** The summary as nested maps (for callers that flatten it). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        try {
            return JSON.readValue(toJson(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Version 1 differs only in two spellings of early records: the trained model's cost as {@code model.final_*}
     * (now {@code final_model}) and the latency at batch 1 as a flat {@code latency_ms} or {@code latency.median_ms}
     * (now {@code latency.b1.median_ms}).
     */
    private static void upgradeFromV1(ObjectNode s) {
        if (s.path("model") instanceof ObjectNode model && !s.has("final_model")) {
            ObjectNode fin = JSON.createObjectNode();
            for (String k : List.of("params", "effective_params", "macs", "effective_macs")) {
                if (model.path("final_" + k).isNumber()) fin.set(k, model.get("final_" + k));
            }
            if (!fin.isEmpty()) {
                for (String k : List.of("params", "effective_params", "macs", "effective_macs")) {
                    if (!fin.has(k) && model.path(k).isNumber()) fin.set(k, model.get(k));
                }
                s.set("final_model", fin);
            }
        }
        if (s.path("model") instanceof ObjectNode model) {
            model.remove(List.of("final_params", "final_effective_params", "final_macs", "final_effective_macs"));
        }
        JsonNode flat = s.get("latency_ms");
        ObjectNode lat = s.path("latency") instanceof ObjectNode l ? l : null;
        if (flat == null && lat != null && !lat.has("b1")) {
            for (String k : List.of("p50_ms", "median_ms", "ms")) {
                if (lat.path(k).isNumber()) {
                    flat = lat.get(k);
                    break;
                }
            }
        }
        if (flat != null && flat.isNumber() && (lat == null || !lat.has("b1"))) {
            ObjectNode b1 = JSON.createObjectNode();
            b1.set("median_ms", flat);
            ObjectNode latency = JSON.createObjectNode();
            latency.set("b1", b1);
            s.set("latency", latency);
        }
        s.remove("latency_ms");
    }

    // ---- parts ----

    /**
     * Why and where a stop request (SIGTERM, Ctrl-C, the sweep that started the run going away) ended the run: the
     * phase, epoch and optimizer steps of the checkpoint written then (none when the run keeps no checkpoints).
     */
    public record Interrupted(String reason, String phase, Integer epoch, Long step, Boolean checkpoint) {}

    /** Params and MACs of a model: dense, and effective (masked weights and the MACs they feed not counted). */
    public record Cost(Long params, Long effectiveParams, Long macs, Long effectiveMacs) {
        public static Cost of(ModelProfile p) {
            return new Cost(p.params(), p.effectiveParams(), p.macs(), p.effectiveMacs());
        }
    }

    /** The architecture and its profile before training. */
    public record ModelInfo(String arch, Long params, Long effectiveParams, Long macs, Long effectiveMacs) {
        public static ModelInfo of(String arch, ModelProfile p) {
            return new ModelInfo(arch, p.params(), p.effectiveParams(), p.macs(), p.effectiveMacs());
        }

        public Cost cost() {
            return new Cost(params, effectiveParams, macs, effectiveMacs);
        }
    }

    /** The data set as the run loaded it. */
    public record DataInfo(String name, String digest, Integer trainSize, Integer evalSize, String evalSplit) {}

    /** The CPU the run computed on: what decides which kernels ran (see the README's "Determinism"). */
    public record Cpu(String model, List<String> isa, Integer logicalCores, Integer computeThreads) {}

    /** The evaluation epoch with the highest top-1 (the first on ties). */
    public record Best(Integer epoch, String split, Double top1, Double top5) {}

    /** Loss and accuracy of one pass (top-1/top-5 as fractions). */
    public record SplitMetrics(Integer epoch, Double loss, Double top1, Double top5) {
        public static SplitMetrics of(EpochMetrics m) {
            return new SplitMetrics(m.epoch(), m.loss(), m.top1(), m.top5());
        }
    }

    /** Forward latency in ms per batch size ({@code b1}, {@code b64}); {@code interleaved} when timed beside another form. */
    public record Latency(Timing b1, Timing b64, Boolean interleaved) {}

    /**
     * Median and 90th percentile of {@code repeats} timed forward passes, and the median of the process's minor page
     * faults per pass (null: not counted, as before 2026-12-06, or no /proc): thousands mean the pass was timed on
     * fresh allocations (README, "Memory and malloc").
     */
    public record Timing(Double medianMs, Double p90Ms, Integer repeats, Long faultsPerPass) {}

    /**
     * The method's deployment form, checked against the trained model: its cost, its accuracy on the evaluation split
     * next to the trained model's last evaluation, the largest logit difference on one batch, and its latency.
     */
    public record Deployed(Long params, Long effectiveParams, Long macs, Long effectiveMacs, String evalSplit,
            Double evalTop1, Double trainedEvalTop1, Double maxAbsLogitDiff, Latency latency,
            Map<String, Object> export) {
        public Cost cost() {
            return new Cost(params, effectiveParams, macs, effectiveMacs);
        }

        public Deployed withLatency(Latency l) {
            return new Deployed(params, effectiveParams, macs, effectiveMacs, evalSplit, evalTop1, trainedEvalTop1,
                    maxAbsLogitDiff, l, export);
        }

        /** What the method's export chose and measured ({@code Method.exportReport}, e.g. SSC's per-layer forms). */
        public Deployed withExport(Map<String, Object> e) {
            return new Deployed(params, effectiveParams, macs, effectiveMacs, evalSplit, evalTop1, trainedEvalTop1,
                    maxAbsLogitDiff, latency, e == null || e.isEmpty() ? null : e);
        }
    }

    /** Mutable copy of a summary, for {@link #with}. */
    public static final class Builder {
        public String runId;
        public String runName;
        public String experiment;
        public RunStatus status;
        public Interrupted interrupted;
        public String configSha256;
        public String startTime;
        public String endTime;
        public String error;
        public Integer resumedFromEpoch;
        public ProcessInfo process;
        public Long seed;
        public String device;
        public String method;
        public ModelInfo model;
        public DataInfo data;
        public Provenance provenance;
        public Cpu cpu;
        public Integer threads;
        public String mlflowRunId;
        public Integer epochs;
        public Long steps;
        public Best best;
        public Map<String, SplitMetrics> finalMetrics;
        public SplitMetrics test;
        public Cost finalModel;
        public Latency latency;
        public Deployed deployed;
        public Double durationS;
        public Map<String, JsonNode> extra = Map.of();

        Builder() {}

        Builder(RunSummary s) {
            runId = s.runId;
            runName = s.runName;
            experiment = s.experiment;
            status = s.status;
            interrupted = s.interrupted;
            configSha256 = s.configSha256;
            startTime = s.startTime;
            endTime = s.endTime;
            error = s.error;
            resumedFromEpoch = s.resumedFromEpoch;
            process = s.process;
            seed = s.seed;
            device = s.device;
            method = s.method;
            model = s.model;
            data = s.data;
            provenance = s.provenance;
            cpu = s.cpu;
            threads = s.threads;
            mlflowRunId = s.mlflowRunId;
            epochs = s.epochs;
            steps = s.steps;
            best = s.best;
            finalMetrics = s.finalMetrics;
            test = s.test;
            finalModel = s.finalModel;
            latency = s.latency;
            deployed = s.deployed;
            durationS = s.durationS;
            extra = s.extra;
        }

        Builder runId(String v) {
            runId = v;
            return this;
        }

        Builder runName(String v) {
            runName = v;
            return this;
        }

        Builder experiment(String v) {
            experiment = v;
            return this;
        }

        Builder status(RunStatus v) {
            status = v;
            return this;
        }

        Builder configSha256(String v) {
            configSha256 = v;
            return this;
        }

        Builder startTime(String v) {
            startTime = v;
            return this;
        }

        Builder process(ProcessInfo v) {
            process = v;
            return this;
        }

        RunSummary build() {
            return new RunSummary(SCHEMA_VERSION, runId, runName, experiment, status, interrupted, configSha256,
                    startTime, endTime, error, resumedFromEpoch, process, seed, device, method, model, data,
                    provenance, cpu, threads, mlflowRunId, epochs, steps, best, finalMetrics, test, finalModel, latency,
                    deployed, durationS, extra);
        }
    }
}

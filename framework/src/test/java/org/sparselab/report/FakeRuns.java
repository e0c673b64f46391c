package org.sparselab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes run records by hand (config.yaml, summary.json, metrics.csv, profile.csv) so table tests know every number;
 * numbers are chosen so that means, stds and ratios are easy to check by hand.
 */
final class FakeRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private int next;

    FakeRuns(Path root) {
        this.root = root;
    }

    /** A run builder: method, model, seed and accuracy; everything else has defaults. */
    Run run(String method, String model, long seed, double top1) {
        return new Run(method, model, seed, top1);
    }

    final class Run {
        final String method;
        final String model;
        final long seed;
        final double top1;
        String dataset = "synthetic";
        String target;
        String status = "FINISHED";
        long params = 270_000;
        long effectiveParams = 270_000;
        long macs = 40_000_000;
        long effectiveMacs = 40_000_000;
        Long finalEffectiveMacs;
        Double latencyMs;
        double[] trainedAndDeployedMs;
        boolean interleaved;
        String extraMethodYaml = "";
        String extraTrainYaml = "";
        String hash;
        String startTime;
        String commit = "abc123";
        boolean dirty;
        List<String> dirtyPaths = List.of();

        Run(String method, String model, long seed, double top1) {
            this.method = method;
            this.model = model;
            this.seed = seed;
            this.top1 = top1;
        }

        Run target(String t) {
            target = t;
            return this;
        }

        Run effective(long p, long m) {
            effectiveParams = p;
            effectiveMacs = m;
            return this;
        }

        Run finalMacs(long m) {
            finalEffectiveMacs = m;
            return this;
        }

        Run status(String s) {
            status = s;
            return this;
        }

        /** Batch-1 medians of the trained model and its deployed form, as RunPipeline writes them (or older runs). */
        Run deployedLatency(double trainedMs, double deployedMs, boolean timedInterleaved) {
            trainedAndDeployedMs = new double[] {trainedMs, deployedMs};
            interleaved = timedInterleaved;
            return this;
        }

        Run latency(double ms) {
            latencyMs = ms;
            return this;
        }

        Run method(String yaml) {
            extraMethodYaml = yaml;
            return this;
        }

        Run train(String yaml) {
            extraTrainYaml = yaml;
            return this;
        }

        Run dataset(String d) {
            dataset = d;
            return this;
        }

        Run hash(String h) {
            hash = h;
            return this;
        }

        /** The git commit the run recorded and whether its tree had uncommitted changes. */
        Run code(String gitCommit, boolean uncommitted) {
            commit = gitCommit;
            dirty = uncommitted;
            return this;
        }

        /** The git commit and the changed files the run recorded (its tree had uncommitted changes). */
        Run code(String gitCommit, List<String> changedFiles) {
            commit = gitCommit;
            dirty = true;
            dirtyPaths = changedFiles;
            return this;
        }

        Run started(String t) {
            startTime = t;
            return this;
        }

        /** Writes the record; returns its directory. */
        Path write() {
            try {
                String runId = String.format("%032x", ++next);
                Path dir = Files.createDirectories(root.resolve("exp").resolve(runId));
                String yaml = "name: fake\nseed: " + seed + "\ndevice: cpu\ndata:\n  name: " + dataset
                        + "\n  batch_size: 32\nmodel:\n  arch: " + model + "\nmethod:\n  name: " + method + "\n"
                        + (target == null ? "" : "  target_sparsity: " + target + "\n") + extraMethodYaml
                        + "train:\n  epochs: 2\n" + extraTrainYaml + "tracking:\n  uri: none\n  parent_run_id: null\n"
                        + "output:\n  dir: " + root + "\n";
                Files.writeString(dir.resolve("config.yaml"), yaml);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("run_id", runId);
                s.put("run_name", "fake-" + method);
                s.put("experiment", "exp");
                s.put("status", status);
                s.put("config_sha256", hash != null ? hash : String.format("%064x", next));
                s.put("start_time", startTime != null ? startTime : String.format("2026-01-01T00:00:%02dZ", next));
                s.put("seed", seed);
                s.put("method", method);
                Map<String, Object> model = new LinkedHashMap<>();
                model.put("arch", this.model);
                model.put("params", params);
                model.put("effective_params", effectiveParams);
                model.put("macs", macs);
                model.put("effective_macs", effectiveMacs);
                if (finalEffectiveMacs != null) model.put("final_effective_macs", finalEffectiveMacs);
                s.put("model", model);
                s.put("data", Map.of("name", dataset, "eval_split", "test"));
                s.put("best", Map.of("epoch", 1, "split", "test", "top1", top1));
                s.put("final", Map.of("train", Map.of("epoch", 1, "loss", 0.5, "top1", top1 + 0.01, "top5", 1.0),
                        "test", Map.of("epoch", 1, "loss", 0.6, "top1", top1, "top5", 1.0)));
                if (latencyMs != null) s.put("latency_ms", latencyMs);
                if (trainedAndDeployedMs != null) {
                    s.put("latency", Map.of("b1", Map.of("median_ms", trainedAndDeployedMs[0])));
                    s.put("deployed", Map.of("latency", Map.of("b1", Map.of("median_ms", trainedAndDeployedMs[1]),
                            "interleaved", interleaved)));
                }
                s.put("duration_s", 12.5);
                s.put("provenance", dirtyPaths.isEmpty() ? Map.of("git_commit", commit, "git_dirty", dirty)
                        : Map.of("git_commit", commit, "git_dirty", dirty, "git_dirty_paths", dirtyPaths));
                Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(s));
                Files.writeString(dir.resolve("metrics.csv"), "epoch,phase,split,loss,top1,top5,lr,seconds\n"
                        + "0,train,train,0.9,0.5,1.0,0.1,1.0\n0,train,test,0.8," + (top1 - 0.1) + ",1.0,0.1,0.5\n"
                        + "1,train,train,0.5," + (top1 + 0.01) + ",1.0,0.05,1.0\n1,train,test,0.6," + top1
                        + ",1.0,0.05,0.5\n");
                Files.writeString(dir.resolve("profile.csv"), "path,kind,input_shape,output_shape,shape,groups,"
                        + "params,effective_params,macs,effective_macs,density\n"
                        + "stem.conv,conv,\"(1, 3, 8, 8)\",\"(1, 16, 8, 8)\",3→16 k3,1,432,432,27648,27648,1.0\n"
                        + "head.fc,linear,\"(1, 64)\",\"(1, 10)\",64→10,1,650,650,640,640,1.0\n"
                        + ",other,,,,,100,100,0,0,\n,total,,,,,1182,1182,28288,28288,\n");
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

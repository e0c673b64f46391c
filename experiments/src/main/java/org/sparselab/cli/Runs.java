package org.sparselab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.sparselab.config.ConfigLoader;
import org.sparselab.data.DataEnvironment;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.RunPipeline;
import org.sparselab.studies.RunIndex;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.TrainingProgress;

/** Runs (or resumes) one experiment for a command and prints its summary table. */
final class Runs {
    private Runs() {}

    static RunPipeline pipeline() {
        return new RunPipeline(Path.of("").toAbsolutePath(), dataEnvironment());
    }

    static DataEnvironment dataEnvironment() {
        return DataEnvironment.forProject(Path.of("").toAbsolutePath());
    }

    /** Prints the resolved config when {@code --print-config} is given, else runs it and prints its summary. */
    static int runOrPrint(ConfigOptions options, Path config, boolean noProgress, PrintWriter out)
            throws IOException {
        return runOrPrint(options, config, noProgress, false, out);
    }

    /**
     * As {@link #runOrPrint(ConfigOptions, Path, boolean, PrintWriter)}; with {@code idempotent}, a config that has a
     * FINISHED run under output.dir is not run again, an interrupted one is resumed, one that is running is left.
     */
    static int runOrPrint(ConfigOptions options, Path config, boolean noProgress, boolean idempotent, PrintWriter out)
            throws IOException {
        // Everything run refuses before it starts, --print-config refuses too (without touching the data).
        ConfigLoader.Loaded<ExperimentConfig> loaded = options.load(config).check(pipeline()::validate);
        if (options.printConfig) {
            out.print(loaded.yaml());
            out.flush();
            return 0;
        }
        if (idempotent) {
            ExperimentConfig cfg = loaded.config();
            Path experimentDir = Path.of("").toAbsolutePath().resolve(cfg.output().dir()).resolve(cfg.experimentName());
            RunIndex.Decision d = RunIndex.scan(experimentDir).decide(loaded.sha256(), true);
            switch (d.action()) {
                case SKIP -> {
                    out.println("already FINISHED (same config SHA-256): " + d.run().dir());
                    printSummary(new RunPipeline.Outcome(d.run().dir(), RunRecorder.readSummary(d.run().dir()), null),
                            out);
                    return 0;
                }
                case WAIT -> {
                    out.println("a run of this config is going on (" + d.run().process() + "): " + d.run().dir()
                            + "; nothing to do");
                    out.flush();
                    return 0;
                }
                case RESUME -> {
                    out.println("resuming the interrupted run " + d.run().dir());
                    return resume(d.run().dir(), noProgress, out);
                }
                default -> { } // RUN
            }
        }
        return execute((p, progress, log) -> p.run(loaded, progress, log), noProgress, out);
    }

    static int resume(Path runDir, boolean noProgress, PrintWriter out) throws IOException {
        return execute((p, progress, log) -> p.resume(runDir, progress, log), noProgress, out);
    }

    /** One pipeline call with progress and run.log attached, then the summary table. */
    private static int execute(PipelineCall call, boolean noProgress, PrintWriter out) throws IOException {
        try (RunLogHolder log = new RunLogHolder()) {
            printSummary(call.apply(pipeline(), Progress.create(noProgress), log), out);
            return 0;
        }
    }

    @FunctionalInterface
    private interface PipelineCall {
        RunPipeline.Outcome apply(RunPipeline pipeline, TrainingProgress progress, RunPipeline.Listener log)
                throws IOException;
    }

    /** The summary table every run ends with; numbers come from the run record. */
    @SuppressWarnings("unchecked")
    static void printSummary(RunPipeline.Outcome o, PrintWriter out) {
        Map<String, Object> s = o.summary();
        Map<String, Object> model = (Map<String, Object>) s.get("model");
        Map<String, Object> data = (Map<String, Object>) s.get("data");
        Map<String, Object> best = (Map<String, Object>) s.get("best");
        Map<String, Object> fin = (Map<String, Object>) s.get("final");
        Map<String, Object> test = (Map<String, Object>) s.get("test");
        String evalSplit = String.valueOf(data.get("eval_split"));
        Map<String, Object> evalFinal = fin == null ? null : (Map<String, Object>) fin.get(evalSplit);
        Map<String, Object> trainFinal = fin == null ? null : (Map<String, Object>) fin.get("train");
        out.println();
        row(out, "run", String.valueOf(o.runDir()));
        row(out, "status", String.valueOf(s.get("status")));
        row(out, "model / data", model.get("arch") + " on " + data.get("name") + " (" + data.get("train_size")
                + " train, " + data.get("eval_size") + " " + evalSplit + ")");
        row(out, "method", String.valueOf(s.get("method")));
        row(out, "device", String.valueOf(s.get("device")));
        row(out, "params", String.format(Locale.ROOT, "%.3f M (effective %.3f M)",
                num(model.get("params")) / 1e6, num(model.get("effective_params")) / 1e6));
        row(out, "MACs / image", String.format(Locale.ROOT, "%.2f M (effective %.2f M)",
                num(model.get("macs")) / 1e6, num(model.get("effective_macs")) / 1e6));
        row(out, "epochs", String.valueOf(s.get("epochs")));
        if (trainFinal != null) row(out, "final train", pct(trainFinal) + ", loss " + fmt(trainFinal.get("loss")));
        if (evalFinal != null) row(out, "final " + evalSplit, pct(evalFinal) + ", loss " + fmt(evalFinal.get("loss")));
        if (best != null) {
            row(out, "best " + evalSplit, String.format(Locale.ROOT, "top1 %.2f %% (epoch %s)",
                    100 * num(best.get("top1")), best.get("epoch")));
        }
        if (test != null) row(out, "test", pct(test));
        row(out, "duration", String.format(Locale.ROOT, "%.1f s", num(s.get("duration_s"))));
        out.flush();
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "  %-14s %s%n", key, value);
    }

    private static String pct(Map<String, Object> m) {
        return String.format(Locale.ROOT, "top1 %.2f %%, top5 %.2f %%", 100 * num(m.get("top1")),
                100 * num(m.get("top5")));
    }

    private static String fmt(Object v) {
        return String.format(Locale.ROOT, "%.4f", num(v));
    }

    private static double num(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Attaches run.log as soon as the run directory exists. */
    private static final class RunLogHolder implements RunPipeline.Listener, AutoCloseable {
        private RunLogFile file;

        @Override
        public void started(Path runDir) {
            file = new RunLogFile(runDir.resolve("run.log"));
        }

        @Override
        public void close() {
            if (file != null) file.close();
        }
    }
}

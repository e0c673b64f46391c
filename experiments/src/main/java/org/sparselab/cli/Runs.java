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
import org.sparselab.tracking.RunSummary;
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
                    printSummary(new RunPipeline.Outcome(d.run().dir(), RunSummary.read(d.run().dir()), null), out);
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

    /**
     * The summary table every run ends with; numbers come from the run record. Params and MACs are the model's
     * after training (masks counted) when the run measured them, with the count before training beside them when it
     * differs, and the deployed form's when the method exports one.
     */
    static void printSummary(RunPipeline.Outcome o, PrintWriter out) {
        RunSummary s = o.summary();
        String evalSplit = s.evalSplit();
        Map<String, RunSummary.SplitMetrics> fin = s.finalMetrics() == null ? Map.of() : s.finalMetrics();
        RunSummary.SplitMetrics evalFinal = fin.get(evalSplit);
        RunSummary.SplitMetrics trainFinal = fin.get("train");
        RunSummary.DataInfo data = s.data();
        out.println();
        row(out, "run", String.valueOf(o.runDir()));
        row(out, "status", String.valueOf(s.status()));
        if (s.model() != null && data != null) {
            row(out, "model / data", s.model().arch() + " on " + data.name() + " (" + data.trainSize() + " train, "
                    + data.evalSize() + " " + evalSplit + ")");
        }
        row(out, "method", String.valueOf(s.method()));
        row(out, "device", String.valueOf(s.device()));
        RunSummary.Cost cost = s.finalCost();
        RunSummary.Cost before = s.model() == null ? null : s.model().cost();
        if (cost != null) {
            row(out, "params", mega(cost.params(), 3) + " (effective " + mega(cost.effectiveParams(), 3)
                    + beforeTraining(before == null ? null : before.effectiveParams(), cost.effectiveParams(), 3) + ")");
            row(out, "MACs / image", mega(cost.macs(), 2) + " (effective " + mega(cost.effectiveMacs(), 2)
                    + beforeTraining(before == null ? null : before.effectiveMacs(), cost.effectiveMacs(), 2) + ")");
        }
        RunSummary.Deployed d = s.deployed();
        if (d != null) {
            row(out, "deployed", "params " + mega(d.effectiveParams(), 3) + ", MACs / image " + mega(d.effectiveMacs(), 2)
                    + (d.evalTop1() == null ? "" : String.format(Locale.ROOT, ", %s top1 %.2f %% (trained %s)",
                            d.evalSplit(), 100 * d.evalTop1(), d.trainedEvalTop1() == null ? "n/a"
                                    : String.format(Locale.ROOT, "%.2f %%", 100 * d.trainedEvalTop1())))
                    + (d.maxAbsLogitDiff() == null ? "" : String.format(Locale.ROOT, ", max |Δ logit| %.2g",
                            d.maxAbsLogitDiff())));
        }
        row(out, "epochs", String.valueOf(s.epochs()));
        if (trainFinal != null) row(out, "final train", pct(trainFinal) + ", loss " + fmt(trainFinal.loss()));
        if (evalFinal != null) row(out, "final " + evalSplit, pct(evalFinal) + ", loss " + fmt(evalFinal.loss()));
        if (s.best() != null) {
            row(out, "best " + evalSplit, String.format(Locale.ROOT, "top1 %.2f %% (epoch %s)",
                    100 * num(s.best().top1()), s.best().epoch()));
        }
        if (s.test() != null) row(out, "test", pct(s.test()));
        row(out, "duration", String.format(Locale.ROOT, "%.1f s", num(s.durationS())));
        out.flush();
    }

    private static String mega(Long v, int decimals) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f M", v / 1e6);
    }

    /** "; X M before training" when training changed the count. */
    private static String beforeTraining(Long before, Long after, int decimals) {
        if (before == null || before.equals(after)) return "";
        return "; " + mega(before, decimals) + " before training";
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "  %-14s %s%n", key, value);
    }

    private static String pct(RunSummary.SplitMetrics m) {
        return String.format(Locale.ROOT, "top1 %.2f %%, top5 %.2f %%", 100 * num(m.top1()), 100 * num(m.top5()));
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

package org.sparselab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigException;
import org.sparselab.experiments.Schema;
import org.sparselab.report.MarkdownWriter;
import org.sparselab.report.ReportConfig;
import org.sparselab.report.RunTable;
import org.sparselab.report.StudyReport;
import org.sparselab.report.Verdict;
import org.sparselab.studies.SweepManifest;
import org.sparselab.tracking.TrackingUri;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab report <dir>}: tables and figures from the run records under a directory (or a sweep's). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Tables and figures from run records: a results directory (every run record under it), a "
                + "sweep directory (the runs its manifest lists) or an MLflow file store (--mlflow).",
            "Writes comparison.{md,csv,tex,html} (top-1 mean ± std over seeds, Δ vs the dense baseline, params and "
                + "MACs with reduction, latency, paper numbers), ablation tables, per-layer tables, "
                + "accuracy_vs_macs.{png,svg}, curves.{png,svg}, runs.csv, sources.csv and index.md."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "results directory (e.g. results/runs) or sweep directory (…/sweeps/<name>).")
    Path dir;

    @Option(names = "--mlflow", paramLabel = "URI", description = "Read the runs from an MLflow file store "
            + "(file:./mlruns or a path) or tracking server (http://host:port) instead.")
    String mlflow;

    @Option(names = "--experiment", description = "With --mlflow: only this MLflow experiment.")
    String experiment;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: DIR/report).")
    Path out;

    @Option(names = "--against", paramLabel = "CSV",
            description = "Paper numbers, e.g. results/paper/strucspars.csv (columns method, variant, model, dataset, "
                    + "target, top1, source; blank cells match anything).")
    String against;

    @Option(names = "--format", split = ",", paramLabel = "FMT", description = "Table formats (default md,csv,latex,html).")
    List<String> formats = new ArrayList<>(List.of("md", "csv", "latex", "html"));

    @Option(names = "--metric", description = "Accuracy column (default metrics.test_top1).")
    String metric = ReportConfig.DEFAULTS.metric();

    @Option(names = "--method-key", description = "Key naming the method (default method.name).")
    String methodKey = ReportConfig.DEFAULTS.method();

    @Option(names = "--variant-key", description = "Key naming a variant (default: the keys that differ).")
    String variantKey;

    @Option(names = "--target-key", description = "Key of a method's target (default method.target_sparsity).")
    String targetKey = ReportConfig.DEFAULTS.target();

    @Option(names = "--model-key", description = "Key naming the model (default model.arch).")
    String modelKey = ReportConfig.DEFAULTS.model();

    @Option(names = "--dataset-key", description = "Key naming the dataset (default data.name).")
    String datasetKey = ReportConfig.DEFAULTS.dataset();

    @Option(names = "--baseline", description = "Method of the dense baseline (default none).")
    String baseline = ReportConfig.DEFAULTS.baseline();

    @Option(names = "--ignore", paramLabel = "KEY", description = "A key that does not tell settings apart.")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--ablation", paramLabel = "KEY", description = "Also an ablation table over this key.")
    String ablation;

    @Option(names = "--ablation-where", paramLabel = "KEY=VALUE", description = "Only runs with this value.")
    Map<String, String> ablationWhere = new LinkedHashMap<>();

    @Option(names = "--ablation-order", split = ",", paramLabel = "V", description = "Row order of the ablation.")
    List<String> ablationOrder = new ArrayList<>();

    @Option(names = "--ablation-reference", paramLabel = "V", description = "The value Δ is measured from.")
    String ablationReference;

    @Option(names = "--no-latency", description = "Hide the latency and speedup columns (runs that timed "
            + "themselves on a shared machine).")
    boolean noLatency;

    @Option(names = "--title", description = "Page title.")
    String title;

    @Spec
    CommandSpec spec;

    /** A path as the page names it: relative to the working directory when under it (no machine's directories). */
    private static String shown(Path p) {
        return new StudyReport.Context("", List.of()).relative(p.toAbsolutePath().normalize().toString());
    }

    @Override
    public Integer call() throws Exception {
        if (dir == null && mlflow == null) throw new ConfigException("DIR", "give a results directory or --mlflow URI");
        RunTable runs;
        Path output;
        String source;
        if (mlflow != null) {
            TrackingUri uri = TrackingUri.parse("--mlflow", mlflow);
            if (uri instanceof TrackingUri.Server server) {
                try {
                    runs = RunTable.fromMlflowServer(server.base(), experiment, System.getenv());
                } catch (RuntimeException e) { // mlflow-client's: refused, unknown host, HTTP errors
                    Throwable root = e;
                    while (root.getCause() != null) root = root.getCause();
                    throw new ConfigException("--mlflow", "cannot read runs from " + server + " ("
                            + root.getClass().getSimpleName() + ": " + root.getMessage() + "); is the server running?");
                }
                source = "MLflow server " + server + (experiment == null ? "" : ", experiment " + experiment);
            } else if (uri instanceof TrackingUri.FileStore fs) {
                Path store = fs.root();
                if (!Files.isDirectory(store)) throw new ConfigException(mlflow, "no such MLflow file store");
                runs = RunTable.fromMlflowStore(store, experiment);
                source = "MLflow store " + shown(store) + (experiment == null ? "" : ", experiment " + experiment);
            } else {
                throw ConfigException.expected("--mlflow", "an MLflow file store (file:<path>) or server (http://…)",
                        mlflow);
            }
            output = out != null ? out : Path.of("results", "report");
        } else {
            if (!Files.isDirectory(dir)) throw new ConfigException(dir.toString(), "no such directory");
            SweepManifest.Data manifest = SweepManifest.read(dir);
            runs = manifest != null ? RunTable.fromRunDirs(SweepManifest.runDirs(manifest, dir), Schema::rebindOrKeep)
                    : RunTable.fromRecords(dir, Schema::rebindOrKeep);
            output = out != null ? out : dir.resolve("report");
            source = manifest != null ? "sweep " + manifest.sweep() + " (" + shown(dir) + ")" : shown(dir);
        }
        if (runs.size() == 0) {
            throw new ConfigException(mlflow != null ? mlflow : dir.toString(),
                    "no run records here (a run record is a directory with summary.json and config.yaml)");
        }
        ReportConfig.AblationConfig a = ablation == null ? null : new ReportConfig.AblationConfig(ablation, null,
                ablationWhere, ablationOrder, ablationReference);
        ReportConfig cfg = new ReportConfig(metric, methodKey, variantKey, targetKey, modelKey, datasetKey, baseline,
                ignore, against, a, formats, !noLatency);
        List<String> command = spec.commandLine().getParseResult().originalArgs();
        StudyReport.Result r = StudyReport.write(runs, cfg, List.of(), output, "index.md",
                new StudyReport.Context(title != null ? title : "Report: " + source,
                        List.of("Made by `./sparselab " + String.join(" ", command) + "` at " + Instant.now() + ".")));
        PrintWriter pw = spec.commandLine().getOut();
        pw.print(new MarkdownWriter(new MarkdownWriter.Options(0, false)).write(r.comparison()));
        for (Verdict v : r.verdicts()) pw.printf("%s: %s%n", v.result().word(), v.claim());
        pw.printf("%nreport %s (%d files)%n", r.page(), r.files().size());
        if (r.dirtyRuns() > 0) {
            pw.printf("warning: %d run(s) ran from a working tree with uncommitted changes (see the page)%n",
                    r.dirtyRuns());
        }
        pw.flush();
        return 0;
    }
}

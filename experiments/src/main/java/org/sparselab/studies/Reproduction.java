package org.sparselab.studies;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigFiles;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.SweepConfig;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;
import org.sparselab.report.RunTable;
import org.sparselab.report.StudyReport;
import org.sparselab.report.Verdict;

/**
 * {@code ./sparselab reproduce <method>}: runs the suite {@code configs/repro/<method>/suite.yaml} as one sweep, then
 * writes {@code REPORT.md} with the comparison and ablation tables, the accuracy-vs-MACs figure and the claims'
 * verdicts, saying which code, machine and how much time it took.
 */
public final class Reproduction {
    public static final String PAGE = "REPORT.md";

    /** What a reproduction produced. */
    public record Result(SweepRunner.Outcome sweep, StudyReport.Result report) {}

    private final Path projectDir;
    private final Map<String, String> env;
    private final Consumer<ExperimentConfig> validate;
    private final PrintWriter out;

    public Reproduction(Path projectDir, Map<String, String> env, Consumer<ExperimentConfig> validate,
            PrintWriter out) {
        this.projectDir = projectDir;
        this.env = Map.copyOf(env);
        this.validate = validate;
        this.out = out;
    }

    /** {@code configs/repro/<method>/suite.yaml}; a method without one is bad input naming those that exist. */
    public static Path suiteFile(Path projectDir, String method) throws IOException {
        Path repro = projectDir.resolve("configs").resolve("repro");
        Path file = repro.resolve(method).resolve("suite.yaml");
        if (Files.isRegularFile(file)) return file;
        List<String> known = new ArrayList<>();
        if (Files.isDirectory(repro)) {
            try (Stream<Path> dirs = Files.list(repro)) {
                dirs.filter(d -> Files.exists(d.resolve("suite.yaml"))).map(d -> d.getFileName().toString()).sorted()
                        .forEach(known::add);
            }
        }
        throw new ConfigException(file.toString(), "no reproduction suite for '" + method + "' (suites: "
                + (known.isEmpty() ? "none yet" : String.join(", ", known)) + ")");
    }

    public static ConfigLoader.Loaded<SuiteConfig> load(Path suiteFile, Map<String, String> env) {
        return ConfigLoader.load(suiteFile, List.of(), SuiteConfig.class, SuiteConfig.types(), env);
    }

    /** The suite as a sweep plan: entries relative to the suite file, suite-wide seeds and overrides applied. */
    public static SweepPlan plan(Path suiteFile, SuiteConfig suite) {
        List<SweepPlan.Entry> entries = new ArrayList<>();
        for (SuiteConfig.Entry e : suite.runs()) {
            Path config = suiteFile.resolveSibling(e.config()).normalize();
            SweepConfig sweep = e.sweep() != null ? e.sweep() : SweepConfig.split(ConfigFiles.load(config)).sweep();
            if (sweep.seeds() == 0) sweep = sweep.withFlags(List.of(), List.of(), suite.seeds(), null);
            List<String> sets = new ArrayList<>(suite.set());
            sets.addAll(e.set());
            entries.add(new SweepPlan.Entry(config, sets, new SweepConfig(null, sweep.grid(), sweep.zip(),
                    sweep.seeds())));
        }
        return new SweepPlan(suite.name(), suite.experimentOrDefault(), entries);
    }

    /**
     * Runs the suite's sweep (unless {@code reportOnly}) and writes the report from the runs its manifest lists;
     * with a dry run only lists the points. {@code command} is recorded in the manifest and the report.
     */
    public Result run(Path suiteFile, boolean reportOnly, SweepRunner.Options options, PointExecutor executor,
            List<String> command) throws IOException {
        Instant start = Instant.now();
        SuiteConfig suite = load(suiteFile, env).config();
        SweepPlan plan = plan(suiteFile, suite);
        SweepRunner runner = new SweepRunner(projectDir, env, validate, out);
        SweepRunner.Outcome sweep = null;
        Path sweepDir;
        if (reportOnly) {
            sweepDir = plan.expand(null, env, validate).sweepDir(projectDir);
        } else {
            sweep = runner.run(plan, command, options, executor);
            if (options.dryRun()) return new Result(sweep, null);
            sweepDir = sweep.dir();
        }
        SweepManifest.Data manifest = SweepManifest.read(sweepDir);
        if (manifest == null) {
            throw new ConfigException(sweepDir.toString(), "no sweep manifest: run ./sparselab reproduce without "
                    + "--report-only first");
        }
        RunTable runs = RunTable.fromRunDirs(SweepManifest.runDirs(manifest, sweepDir), Schema::rebindOrKeep);
        List<String> preface = preface(suiteFile, suite, sweepDir, manifest, runs, options, command, start);
        StudyReport.Result report = StudyReport.write(runs, suite.report(), suite.claims(),
                projectDir.resolve(suite.outputOrDefault()), PAGE,
                new StudyReport.Context(suite.titleOrDefault(), preface, projectDir));
        out.printf("report %s%n", report.page());
        for (Verdict v : report.verdicts()) out.printf("  %-12s %s%n", v.result().word(), v.claim());
        if (report.dirtyRuns() > 0) {
            out.printf("warning: %d run(s) in this report ran from a working tree with uncommitted changes; do not "
                    + "commit the report: re-run them from a clean checkout (see the warning in %s)%n",
                    report.dirtyRuns(), PAGE);
        }
        out.flush();
        return new Result(sweep, report);
    }

    private List<String> preface(Path suiteFile, SuiteConfig suite, Path sweepDir, SweepManifest.Data manifest,
            RunTable runs, SweepRunner.Options o, List<String> command, Instant start) {
        List<String> lines = new ArrayList<>();
        Path rel = projectDir.toAbsolutePath().relativize(suiteFile.toAbsolutePath());
        lines.add("Produced by `./sparselab " + String.join(" ", command) + "` from `" + rel + "`: "
                + manifest.points().size() + " run(s) as one sweep (manifest `"
                + projectDir.toAbsolutePath().relativize(sweepDir.toAbsolutePath().resolve(SweepManifest.FILE))
                + "`" // where it is now: the recorded runs_dir may name another clone
                + (manifest.parentRunId() == null ? "" : ", MLflow parent run `" + manifest.parentRunId() + "`")
                + ").");
        Set<String> hosts = new LinkedHashSet<>();
        Instant first = null;
        Instant last = null;
        double compute = 0;
        for (int i = 0; i < runs.size(); i++) {
            String h = runs.text(i, "tags.sparselab.host");
            if (h != null) hosts.add(h);
            Instant s = RunIndex.instant(runs.text(i, RunTable.START_TIME));
            String endText = runs.text(i, "end_time");
            if (endText != null) {
                Instant e = RunIndex.instant(endText);
                if (first == null || s.isBefore(first)) first = s;
                if (last == null || e.isAfter(last)) last = e;
            }
            double d = runs.number(i, "metrics.duration_s");
            if (Double.isFinite(d)) compute += d;
        }
        lines.add("Machine: " + Machine.current().describe() + (hosts.isEmpty() ? "" : "; runs ran on "
                + String.join(", ", hosts)) + ".");
        String wall = first == null ? "unknown" : minutes(Duration.between(first, last));
        lines.add(String.format(Locale.ROOT, "Time: %s wall-clock from the first run's start to the last run's end, "
                + "%s of run time in total (sum over runs); the sweep last ran as `./sparselab %s`; this invocation "
                + "took %s.", wall, minutes(Duration.ofMillis((long) (compute * 1000))),
                String.join(" ", manifest.command()), minutes(Duration.between(start, Instant.now()))));
        int shared = timedWhileAnotherRan(manifest.points());
        if (shared > 0 && suite.report().latency()) {
            lines.add("Latency: each run times itself at its end; " + shared + " of " + manifest.points().size()
                    + " did so while another run of this sweep trained on the same machine, so compare latencies "
                    + "within a run only: `speedup` is a run's own trained ÷ deployed ratio when it timed both "
                    + "interleaved, else the dense run's latency over this one's (then only indicative). The "
                    + "method's benchmark (`./sparselab bench …`) is the controlled measurement.");
        }
        return lines;
    }

    /** Points whose end (when a run times its latency) fell inside another point's run. */
    static int timedWhileAnotherRan(List<SweepManifest.Point> points) {
        int n = 0;
        for (SweepManifest.Point p : points) {
            if (p.ended() == null) continue;
            Instant end = RunIndex.instant(p.ended());
            for (SweepManifest.Point q : points) {
                if (q == p || q.started() == null) continue;
                Instant qs = RunIndex.instant(q.started());
                Instant qe = q.ended() == null ? Instant.MAX : RunIndex.instant(q.ended());
                if (qs.isBefore(end) && qe.isAfter(end)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static String minutes(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}

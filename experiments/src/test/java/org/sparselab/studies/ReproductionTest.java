package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;
import org.sparselab.data.DataEnvironment;
import org.sparselab.experiments.RunPipeline;
import org.sparselab.report.Stats;
import org.sparselab.report.Verdict;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * {@code reproduce} end to end on a tiny synthetic suite (six 1-epoch runs): REPORT.md with its tables, figure and
 * claims, each verdict agreeing with the numbers in the tables; a second reproduction trains nothing.
 */
class ReproductionTest {
    @TempDir Path project;

    private Path suite() throws IOException {
        Path dir = Files.createDirectories(project.resolve("configs/repro/tiny"));
        for (String f : List.of("suite.yaml", "base.yaml", "big.yaml", "small.yaml")) {
            try (InputStream in = getClass().getResourceAsStream("/repro/tiny/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Files.createDirectories(project.resolve("results/paper"));
        Files.writeString(project.resolve("results/paper/tiny.csv"), "method,model,top1,source\n"
                + "resnet32,,60.0,Table 1\nresnet20,,55.0,Table 2\n");
        return dir.resolve("suite.yaml");
    }

    @Test
    void writesTheReportAndChecksTheClaimsFromTheNumbers() throws IOException {
        Path suite = suite();
        assertEquals(suite, Reproduction.suiteFile(project, "tiny"));
        RunPipeline pipeline = new RunPipeline(project, DataEnvironment.isolated(project), Map.of());
        InProcessExecutor ex = InProcessExecutor.forTests(pipeline);
        StringWriter out = new StringWriter();
        Reproduction r = new Reproduction(project, Map.of(), pipeline::validate, new PrintWriter(out, true));
        SweepRunner.Options o = new SweepRunner.Options(1, 1, false, false);
        Reproduction.Result result = r.run(suite, false, o, ex, List.of("reproduce", "tiny"));
        assertEquals(6, ex.calls.get(), "2 seeds of resnet32, 2 lr x 2 seeds of resnet20");
        assertTrue(result.sweep().complete(), result.sweep().counts().toString());

        Path dir = project.resolve("results/tiny");
        String page = Files.readString(dir.resolve("REPORT.md"));
        for (String part : List.of("# Tiny reproduction (synthetic data)", "Produced by `./sparselab reproduce tiny` "
                + "from `configs/repro/tiny/suite.yaml`: 6 run(s) as one sweep", "Machine: ", "Time: ",
                "## Comparison", "## Learning-rate ablation (ResNet-20)", "## Claims",
                "![top-1 vs effective MACs](accuracy_vs_macs.png)")) {
            assertTrue(page.contains(part), part + " in\n" + page);
        }
        for (String f : List.of("accuracy_vs_macs.png", "accuracy_vs_macs.svg", "comparison.tex", "ablation.csv",
                "sources.csv")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }

        Table cmp = read(dir.resolve("comparison.csv"));
        assertEquals(List.of("resnet32", "resnet20", "resnet20"), cmp.stringColumn("method").asList());
        assertEquals(List.of(2, 2, 2), cmp.intColumn("n").asList());
        int lr01 = cmp.stringColumn("variant").indexOf("lr=0.1");
        double delta = cmp.numberColumn("delta_top1_pt").getDouble(lr01);
        double expected = cmp.numberColumn("top1_mean_pct").getDouble(lr01) - cmp.numberColumn("top1_mean_pct")
                .getDouble(0);
        assertEquals(expected, delta, 1e-9, "Δ is the difference of the means");
        assertEquals(cmp.numberColumn("top1_mean_pct").getDouble(0) - 60.0,
                cmp.numberColumn("diff_vs_paper_pt").getDouble(0), 1e-9, "ours − paper");

        // Each verdict as the 95 % Welch interval of the difference of the tables' means says (2 seeds a side).
        List<Verdict> v = result.report().verdicts();
        assertEquals(3, v.size());
        assertEquals(expected(stats(cmp, lr01).minus(stats(cmp, 0)), -50), v.get(0).result(), v.get(0).detail());
        assertTrue(v.get(0).detail().startsWith(String.format(java.util.Locale.ROOT, "Δ = %+.2f pt, 95 %% CI [",
                delta)), v.get(0).detail());
        double factor = cmp.numberColumn("macs_reduction_x").getDouble(lr01);
        assertTrue(factor > 1.5 && factor < 2.0, "resnet32 / resnet20 MACs: " + factor);
        assertEquals(Verdict.Result.YES, v.get(1).result(), v.get(1).detail()); // counts equal over seeds: exact
        Table abl = read(dir.resolve("ablation.csv"));
        assertEquals(List.of("0.1", "0.02"), abl.column("value").asStringColumn().asList());
        assertEquals(expected(stats(abl, 0).minus(stats(abl, 1)), 0), v.get(2).result(), v.get(2).detail());
        assertTrue(page.contains("Welch's t interval"), page);
        assertTrue(page.contains("| " + v.get(2).claim() + " | **" + v.get(2).result().word() + "** |"), page);

        // Again: everything has finished, nothing trains; the report is rebuilt from the same runs.
        InProcessExecutor again = InProcessExecutor.forTests(pipeline);
        Reproduction.Result second = r.run(suite, false, o, again, List.of("reproduce", "tiny"));
        assertEquals(0, again.calls.get());
        assertEquals(result.report().comparison().data().doubleColumn("top1_mean_pct").asList(),
                second.report().comparison().data().doubleColumn("top1_mean_pct").asList());
        Reproduction.Result reportOnly = r.run(suite, true, o, again, List.of("reproduce", "tiny", "--report-only"));
        assertEquals(null, reportOnly.sweep());
        assertEquals(0, again.calls.get());

        // Committed results hold project-relative paths: the manifest made so still gives the same report.
        Path manifest = project.resolve("results/runs/repro_tiny/sweeps/tiny/manifest.json");
        String prefix = project.toAbsolutePath() + "/";
        assertTrue(Files.readString(manifest).contains(prefix), "the sweep recorded absolute paths");
        Files.writeString(manifest, Files.readString(manifest).replace(prefix, ""));
        Reproduction.Result relative = r.run(suite, true, o, again, List.of("reproduce", "tiny", "--report-only"));
        assertEquals(result.report().comparison().data().doubleColumn("top1_mean_pct").asList(),
                relative.report().comparison().data().doubleColumn("top1_mean_pct").asList());
        String rebuilt = Files.readString(dir.resolve("REPORT.md"));
        assertTrue(rebuilt.contains("(manifest `results/runs/repro_tiny/sweeps/tiny/manifest.json`"), rebuilt);
        assertFalse(rebuilt.contains(prefix), rebuilt);
    }

    /** Row {@code row}'s top-1 mean, std and n as a table prints them. */
    private static Stats stats(Table t, int row) {
        return new Stats(t.numberColumn("top1_mean_pct").getDouble(row), t.numberColumn("top1_std_pct").getDouble(row),
                t.intColumn("n").getInt(row));
    }

    /** "Δ ≥ threshold" on the 95 % interval: yes wholly above, no wholly below, else inconclusive. */
    private static Verdict.Result expected(Stats.Difference d, double threshold) {
        Stats.Interval ci = d.interval(0.95);
        if (ci.low() >= threshold) return Verdict.Result.YES;
        return ci.high() < threshold ? Verdict.Result.NO : Verdict.Result.INCONCLUSIVE;
    }

    @Test
    void countsTheRunsThatTimedThemselvesWhileAnotherRunTrained() {
        // Two workers: a (0-10) and b (5-20) overlap at a's end; c (20-30) starts when b ends (not inside); d never ran.
        List<SweepManifest.Point> points = List.of(point(0, "00:00", "00:10"), point(1, "00:05", "00:20"),
                point(2, "00:20", "00:30"), point(3, null, null));
        assertEquals(1, Reproduction.timedWhileAnotherRan(points));
        assertEquals(0, Reproduction.timedWhileAnotherRan(List.of(point(0, "00:00", "00:10"),
                point(1, "00:10", "00:20"))), "one after the other");
    }

    @Test
    void aClonedProjectFindsItsRunsBesideTheSweepNotAtTheRecordedAbsolutePath() throws IOException {
        Path runs = project.resolve("results/runs/exp");
        Path sweep = Files.createDirectories(runs.resolve("sweeps/s"));
        Files.createDirectories(runs.resolve("abc"));
        SweepManifest.Point moved = point(0, "00:00", "00:10").withRun("/elsewhere/results/runs/exp/abc", "abc");
        SweepManifest.Point gone = point(1, "00:00", "00:10").withRun("/elsewhere/results/runs/exp/zzz", "zzz");
        SweepManifest.Data data = new SweepManifest.Data(1, "s", "exp", "/elsewhere", "/elsewhere/results/runs/exp",
                null, null, List.of("sweep"), null, null, List.of(), List.of(moved, gone));
        assertEquals(List.of(runs.resolve("abc").toAbsolutePath().normalize()), SweepManifest.runDirs(data, sweep));
    }

    private static SweepManifest.Point point(int i, String start, String end) {
        return new SweepManifest.Point(i, "s0", "c.yaml", Map.of(), "configs/00" + i + ".yaml", "h", end == null
                ? "PENDING" : "FINISHED", "run", null, null, start == null ? null : "2026-12-04T10:" + start + "Z",
                end == null ? null : "2026-12-04T10:" + end + "Z", null, null, null);
    }

    @Test
    void aDryRunListsTheSuitesPointsAndWritesNothing() throws IOException {
        Path suite = suite();
        StringWriter out = new StringWriter();
        Reproduction r = new Reproduction(project, Map.of(), c -> { }, new PrintWriter(out, true));
        InProcessExecutor ex = InProcessExecutor.forTests(new RunPipeline(project, DataEnvironment.isolated(project),
                Map.of()));
        Reproduction.Result result = r.run(suite, false, new SweepRunner.Options(1, 1, false, true), ex,
                List.of("reproduce", "tiny", "--dry-run"));
        assertEquals(null, result.report());
        assertEquals(0, ex.calls.get());
        assertTrue(out.toString().contains("sweep tiny: 6 point(s)"), out.toString());
        assertTrue(out.toString().contains("train.optimizer.lr=0.02 seed=1"), out.toString());
        assertTrue(!Files.exists(project.resolve("results/runs")) && !Files.exists(project.resolve("results/tiny")));
    }

    @Test
    void anUnknownMethodNamesTheSuitesThereAre() throws IOException {
        suite();
        var e = assertThrows(ConfigException.class, () -> Reproduction.suiteFile(project, "strucsparse"));
        assertTrue(e.getMessage().endsWith("no reproduction suite for 'strucsparse' (suites: tiny)"), e.getMessage());
    }

    private static Table read(Path csv) {
        return Table.read().usingOptions(CsvReadOptions.builder(csv.toFile()));
    }
}

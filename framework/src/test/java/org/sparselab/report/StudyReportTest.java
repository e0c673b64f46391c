package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;

/** A whole report from run records: every table in every format, figures, claims and the runs it was built from. */
class StudyReportTest {
    @TempDir Path dir;

    @Test
    void writesTablesFiguresClaimsAndSources() throws IOException {
        FakeRuns runs = new FakeRuns(dir.resolve("results"));
        for (int s = 0; s < 2; s++) {
            runs.run("none", "resnet20", s, 0.82).write();
            for (String shuffle : List.of("fixed", "learned")) {
                runs.run("strucspars", "resnet20", s, shuffle.equals("fixed") ? 0.80 : 0.81).target("0.5")
                        .effective(135_000, 20_000_000).method("  shuffle: " + shuffle + "\n").write();
            }
        }
        ReportConfig cfg = ReportConfig.DEFAULTS.withAblation(new ReportConfig.AblationConfig("method.shuffle", null,
                Map.of("method", "strucspars"), List.of("learned", "fixed"), null));
        ClaimConfig claim = new WithinClaim("within", "50% MACs within 1.0 pt of dense",
                Map.of("method", "strucspars", "variant", "shuffle=learned"), null, 1.0);
        Path out = dir.resolve("report");
        StudyReport.Result r = StudyReport.write(RunTable.fromRecords(dir.resolve("results")), cfg, List.of(claim), out,
                "index.md", new StudyReport.Context("Tiny study", List.of("Machine: test.")));

        for (String f : List.of("comparison.md", "comparison.csv", "comparison.tex", "comparison.html", "ablation.md",
                "ablation.csv", "ablation.tex", "ablation.html", "accuracy_vs_macs.png", "accuracy_vs_macs.svg",
                "curves.png", "curves.svg", "runs.csv", "sources.csv", "index.md")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(3, Files.list(out.resolve("layers")).filter(p -> p.toString().endsWith(".md")).count());
        // A page of a setting this build does not have (an earlier build's, under another label) is dropped.
        Files.writeString(out.resolve("layers/an_earlier_setting.md"), "stale");
        StudyReport.write(RunTable.fromRecords(dir.resolve("results")), cfg, List.of(claim), out, "index.md",
                new StudyReport.Context("Tiny study", List.of("Machine: test.")));
        assertEquals(3, Files.list(out.resolve("layers")).filter(p -> p.toString().endsWith(".md")).count());
        assertEquals(Verdict.Result.YES, r.verdicts().get(0).result());
        String page = Files.readString(out.resolve("index.md"));
        assertTrue(page.startsWith("# Tiny study\n\nMachine: test.\n"), page);
        for (String part : List.of("## Comparison", "## Ablation: method.shuffle", "## Claims",
                "| 50% MACs within 1.0 pt of dense | **yes** |", "![top-1 vs effective MACs](accuracy_vs_macs.png)",
                "## Per-layer tables", "## Runs")) {
            assertTrue(page.contains(part), part + " in\n" + page);
        }
        List<String> sources = Files.readAllLines(out.resolve("sources.csv"));
        assertEquals("setting,run_id,config_sha256,run_dir", sources.get(0));
        assertEquals(7, sources.size(), "six runs and the header");
        assertTrue(sources.stream().skip(1).allMatch(l -> l.split(",").length >= 4 && l.matches(".*,[0-9a-f]{64},.*")),
                sources.toString());
    }

    @Test
    void pathsAreRelativeToTheProjectAndUncommittedCodeIsFlagged() throws IOException {
        FakeRuns runs = new FakeRuns(dir.resolve("results/runs"));
        for (int s = 0; s < 2; s++) {
            runs.run("none", "resnet20", s, 0.82 + 0.01 * s).code("1111111111111111", false).write();
            FakeRuns.Run r = runs.run("strucspars", "resnet20", s, 0.81 + 0.01 * s).target("0.5");
            (s == 1 ? r.code("2222222222222222", List.of("framework/A.java", "configs/b.yaml", "… and 3 more"))
                    : r.code("2222222222222222", false)).write();
        }
        Files.writeString(dir.resolve("results/paper.csv"), "method,model,top1,source\nstrucspars,resnet20,80,T1\n");
        ReportConfig cfg = ReportConfig.DEFAULTS.withAgainst("results/paper.csv");
        Path out = dir.resolve("results/study");
        StudyReport.Result r = StudyReport.write(RunTable.fromRecords(dir.resolve("results/runs")), cfg, List.of(),
                out, "REPORT.md", new StudyReport.Context("Study", List.of(), dir));

        String root = dir.toAbsolutePath().normalize().toString();
        for (String f : List.of("REPORT.md", "runs.csv", "sources.csv", "comparison.md")) {
            String text = Files.readString(out.resolve(f));
            assertTrue(!text.contains(root), f + " names the absolute project path " + root + ":\n" + text);
        }
        List<String> sources = Files.readAllLines(out.resolve("sources.csv"));
        assertTrue(sources.get(1).endsWith(",results/runs/exp/00000000000000000000000000000001"), sources.get(1));
        String page = Files.readString(out.resolve("REPORT.md"));
        assertTrue(page.contains("paper top-1: results/paper.csv;"), page);
        assertTrue(page.contains("Code: the 4 run(s) in the tables ran from git commits `111111111111` (2), "
                + "`222222222222` (2)."), page);
        assertTrue(page.contains("> **Warning: 1 of 4 run(s) ran from a working tree that differed from its commit "
                + "(1 on `222222222222`).**"), page);
        assertTrue(page.contains("Changed files the runs recorded: `configs/b.yaml`, `framework/A.java`."), page);
        assertTrue(!page.contains("uncommitted changes)"), page);
        assertEquals(1, r.dirtyRuns());
        assertEquals(Map.of("1111111111111111", 2, "2222222222222222", 2), r.commits());
    }

    @Test
    void aReportFromCleanRunsHasNoWarning() throws IOException {
        FakeRuns runs = new FakeRuns(dir);
        runs.run("none", "resnet20", 0, 0.82).write();
        StudyReport.Result r = StudyReport.write(RunTable.fromRecords(dir), ReportConfig.DEFAULTS, List.of(),
                dir.resolve("r"), "index.md", new StudyReport.Context("t", List.of(), dir));
        String page = Files.readString(r.page());
        assertTrue(page.contains("Code: the 1 run(s) in the tables ran from git commit `abc123`."), page);
        assertTrue(!page.contains("Warning"), page);
        assertEquals(0, r.dirtyRuns());
    }

    @Test
    void noFinishedRunIsBadInput() throws IOException {
        new FakeRuns(dir).run("none", "resnet20", 0, 0.5).status("FAILED").write();
        var e = assertThrows(ConfigException.class, () -> StudyReport.write(RunTable.fromRecords(dir),
                ReportConfig.DEFAULTS, List.of(), dir.resolve("r"), "index.md", new StudyReport.Context("t", List.of())));
        assertTrue(e.getMessage().contains("no FINISHED runs to report (1 run record(s): 1 FAILED)"), e.getMessage());
    }
}

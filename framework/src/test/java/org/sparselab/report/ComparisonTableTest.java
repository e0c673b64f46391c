package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;
import tech.tablesaw.api.Table;

/**
 * Table math on run records written by the test: mean ± std over seeds, Δ against the dense baseline of the same
 * model, reductions, speedup, paper differences, variants, duplicates and unfinished runs.
 */
class ComparisonTableTest {
    @TempDir Path dir;

    private FakeRuns runs;

    @BeforeEach
    void writeRuns() {
        runs = new FakeRuns(dir);
        // Dense ResNet-20: 80, 82, 84 % -> 82.00 ± 2.00; 10 ms.
        runs.run("none", "resnet20", 0, 0.80).latency(10).hash("a".repeat(64)).started("2026-01-01T00:00:01Z").write();
        runs.run("none", "resnet20", 1, 0.82).latency(10).write();
        runs.run("none", "resnet20", 2, 0.84).latency(10).write();
        // The same setting and seed run again later (here even with the same hash): counted once.
        runs.run("none", "resnet20", 0, 0.80).latency(10).hash("a".repeat(64)).started("2026-01-02T00:00:00Z").write();
        // StrucSpars at 0.5 on ResNet-20: 79, 80, 81 % -> 80.00 ± 1.00; half the params and MACs; 4 ms.
        for (int s = 0; s < 3; s++) {
            runs.run("strucspars", "resnet20", s, 0.79 + 0.01 * s).target("0.5").effective(135_000, 20_000_000)
                    .latency(4).write();
        }
        // A failed run never enters a table.
        runs.run("strucspars", "resnet20", 3, 0.10).target("0.5").status("FAILED").write();
        // Another model's dense baseline must not be used for ResNet-20.
        runs.run("none", "vgg11", 0, 0.90).write();
    }

    @Test
    void speedupIsEachRunsOwnTrainedOverDeployedRatioWhenItTimedThemInterleaved() throws IOException {
        // Measured by the run itself: 6 ms trained, 3 ms deployed (2×), and 8/2 (4×): mean 3×, whatever the dense
        // baseline's latency (10 ms, from another process at another time) says.
        runs.run("strucspars", "resnet20", 0, 0.80).target("0.7").deployedLatency(6, 3, true).write();
        runs.run("strucspars", "resnet20", 1, 0.80).target("0.7").deployedLatency(8, 2, true).write();
        // Timed one after the other (older records): no own ratio, so the dense run's latency over this one's.
        runs.run("strucspars", "resnet20", 0, 0.80).target("0.9").deployedLatency(6, 4, false).write();
        Table d = ComparisonTable.build(groups(ReportConfig.DEFAULTS), null).data();
        int row = d.stringColumn("target").asList().indexOf("0.7");
        assertEquals(2.5, d.doubleColumn("latency_ms").getDouble(row), 1e-12, "the deployed form's latency");
        assertEquals(3.0, d.doubleColumn("speedup_x").getDouble(row), 1e-12);
        int old = d.stringColumn("target").asList().indexOf("0.9");
        assertEquals(10.0 / 4.0, d.doubleColumn("speedup_x").getDouble(old), 1e-12);
        // latency: false hides both columns (nothing to show).
        ReportConfig hidden = ReportConfig.DEFAULTS.withLatency(false);
        ReportTable t = ComparisonTable.build(groups(hidden), null);
        assertEquals(t.data().rowCount(), t.data().doubleColumn("speedup_x").countMissing());
        assertEquals(t.data().rowCount(), t.data().doubleColumn("latency_ms").countMissing());
        assertTrue(!new MarkdownWriter(new MarkdownWriter.Options(0, false)).write(t).contains("speedup"),
                "no empty columns in the table");
    }

    private RunGroups groups(ReportConfig cfg) throws IOException {
        return new RunGroups(RunTable.fromRecords(dir).finished(), cfg);
    }

    @Test
    void meanStdDeltaAndReductionsAreComputedFromTheRuns() throws IOException {
        RunGroups groups = groups(ReportConfig.DEFAULTS);
        assertEquals(1, groups.duplicates());
        ReportTable t = ComparisonTable.build(groups, null);
        Table d = t.data();
        assertEquals(3, d.rowCount(), "dense resnet20, strucspars resnet20, dense vgg11");
        assertEquals(List.of("none", "strucspars", "none"), d.stringColumn("method").asList());
        assertEquals(List.of("resnet20", "resnet20", "vgg11"), d.stringColumn("model").asList());
        assertEquals(3, d.intColumn("n").get(0));
        assertEquals(82.0, d.doubleColumn("top1_mean_pct").getDouble(0), 1e-9);
        assertEquals(2.0, d.doubleColumn("top1_std_pct").getDouble(0), 1e-9);
        assertTrue(Double.isNaN(d.doubleColumn("delta_top1_pt").getDouble(0)), "a baseline has no Δ");

        assertEquals("0.5", d.stringColumn("target").get(1));
        assertEquals(80.0, d.doubleColumn("top1_mean_pct").getDouble(1), 1e-9);
        assertEquals(1.0, d.doubleColumn("top1_std_pct").getDouble(1), 1e-9);
        assertEquals(-2.0, d.doubleColumn("delta_top1_pt").getDouble(1), 1e-9);
        assertEquals(Math.sqrt(5.0 / 3), d.doubleColumn("delta_top1_se_pt").getDouble(1), 1e-9);
        assertEquals(0.135, d.doubleColumn("eff_params_m").getDouble(1), 1e-12);
        assertEquals(2.0, d.doubleColumn("params_reduction_x").getDouble(1), 1e-12);
        assertEquals(20.0, d.doubleColumn("eff_macs_m").getDouble(1), 1e-12);
        assertEquals(2.0, d.doubleColumn("macs_reduction_x").getDouble(1), 1e-12);
        assertEquals(4.0, d.doubleColumn("latency_ms").getDouble(1), 1e-12);
        assertEquals(2.5, d.doubleColumn("speedup_x").getDouble(1), 1e-12);
        assertEquals(1.0, d.doubleColumn("macs_reduction_x").getDouble(0), 1e-12, "dense against its own dense count");

        ReportTable.Shown top1 = t.shown().stream().filter(s -> s.header().equals("top-1")).findFirst().orElseThrow();
        assertEquals("80.00 ± 1.00", t.cell(1, top1).joined("±"));
        assertEquals("top-1 (%)", top1.title());
        ReportTable.Shown delta = t.shown().stream().filter(s -> s.header().equals("Δ top-1")).findFirst().orElseThrow();
        assertEquals("-2.00 ± 1.29", t.cell(1, delta).joined("±"));
        assertEquals("—", t.cell(0, delta).joined("±"));
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("1 run(s) left out")), t.notes().toString());
    }

    @Test
    void finalEffectiveMacsWinOverTheProfileBeforeTraining() throws IOException {
        runs.run("pruned", "resnet20", 0, 0.7).effective(270_000, 40_000_000).finalMacs(10_000_000).write();
        RunGroups groups = groups(ReportConfig.DEFAULTS);
        RunGroups.Group g = groups.select(Map.of("method", "pruned")).get(0);
        assertEquals(10e6, g.stats("metrics.effective_macs").mean(), 0);
        assertEquals(4.0, ComparisonTable.reduction(groups, g, "macs"), 1e-12);
    }

    @Test
    void settingsThatDifferBeyondTheSeedAreNeverAveragedTogether() throws IOException {
        for (String shuffle : List.of("fixed", "learned")) {
            for (int s = 0; s < 2; s++) {
                runs.run("strucspars", "resnet20", s, shuffle.equals("fixed") ? 0.75 : 0.77).target("0.75")
                        .method("  shuffle: " + shuffle + "\n").write();
            }
        }
        RunGroups groups = groups(ReportConfig.DEFAULTS);
        List<RunGroups.Group> at75 = groups.select(Map.of("target", "0.75"));
        assertEquals(2, at75.size());
        assertEquals(List.of("shuffle=fixed", "shuffle=learned"), at75.stream().map(RunGroups.Group::variant).toList());
        assertEquals(List.of(2, 2), at75.stream().map(RunGroups.Group::n).toList());
        assertEquals("", groups.select(Map.of("target", "0.5")).get(0).variant(), "nothing to tell apart");
        // An explicit variant key shows its value alone.
        ReportConfig byShuffle = new ReportConfig("metrics.test_top1", "method.name", "method.shuffle",
                "method.target_sparsity", "model.arch", "data.name", "none", List.of(), null, null, List.of("md"), true);
        assertEquals(List.of("fixed", "learned"),
                groups(byShuffle).select(Map.of("target", "0.75")).stream().map(RunGroups.Group::variant).toList());
    }

    @Test
    void paperNumbersAreMatchedOnTheirNonBlankKeys() throws IOException {
        Path paper = Files.writeString(dir.resolve("paper.csv"), """
                method,model,dataset,target,top1,source
                none,resnet20,,,83.0,Table 1
                strucspars,resnet20,,0.50,81.5,"Table 2, row 3"
                strucspars,resnet56,,0.5,90.0,Table 2
                """);
        ReportTable t = ComparisonTable.build(groups(ReportConfig.DEFAULTS), PaperNumbers.read(paper));
        Table d = t.data();
        assertEquals(83.0, d.doubleColumn("paper_top1_pct").getDouble(0), 0);
        assertEquals(-1.0, d.doubleColumn("diff_vs_paper_pt").getDouble(0), 1e-9);
        assertEquals(81.5, d.doubleColumn("paper_top1_pct").getDouble(1), 0);
        assertEquals(-1.5, d.doubleColumn("diff_vs_paper_pt").getDouble(1), 1e-9);
        assertEquals("Table 2, row 3", d.stringColumn("paper_source").get(1));
        assertTrue(Double.isNaN(d.doubleColumn("paper_top1_pct").getDouble(2)));
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("resnet56")), "unmatched paper rows are named");
    }

    @Test
    void badPaperFilesAreBadInput() throws IOException {
        assertThrows(ConfigException.class, () -> PaperNumbers.read(dir.resolve("absent.csv")));
        Path noTop1 = Files.writeString(dir.resolve("p.csv"), "method,acc\nnone,80\n");
        assertTrue(assertThrows(ConfigException.class, () -> PaperNumbers.read(noTop1)).getMessage()
                .contains("expected a top1 column"));
        Path text = Files.writeString(dir.resolve("q.csv"), "method,top1\nnone,high\n");
        assertTrue(assertThrows(ConfigException.class, () -> PaperNumbers.read(text)).getMessage().contains(":2:"));
    }

    @Test
    void ablationRowsFollowTheGivenOrderWithDeltaFromTheReference() throws IOException {
        for (String shuffle : List.of("none", "fixed", "learned")) {
            double acc = switch (shuffle) {
                case "none" -> 0.70;
                case "fixed" -> 0.74;
                default -> 0.76;
            };
            for (int s = 0; s < 2; s++) {
                runs.run("strucspars", "resnet20", s, acc + 0.01 * s).target("0.75")
                        .method("  shuffle: " + shuffle + "\n").write();
            }
        }
        var a = new ReportConfig.AblationConfig("method.shuffle", "Shuffle ablation", Map.of("target", "0.75"),
                List.of("learned", "fixed", "none"), "none");
        ReportTable t = AblationTable.build(groups(ReportConfig.DEFAULTS), a);
        Table d = t.data();
        assertEquals(List.of("learned", "fixed", "none"), d.stringColumn("value").asList());
        assertEquals(76.5, d.doubleColumn("top1_mean_pct").getDouble(0), 1e-9);
        assertEquals(6.0, d.doubleColumn("delta_top1_pt").getDouble(0), 1e-9);
        assertEquals(4.0, d.doubleColumn("delta_top1_pt").getDouble(1), 1e-9);
        assertTrue(Double.isNaN(d.doubleColumn("delta_top1_pt").getDouble(2)), "the reference row");
        assertEquals("Shuffle ablation", t.title());
        assertTrue(t.shown().stream().anyMatch(s -> s.title().equals("Δ vs none (pt)")));
    }

    @Test
    void anAblationRowTrainedDifferentlyStandsInItsOwnContextSayingHow() throws IOException {
        // FINETUNE-style: 'learned' trains with another schedule than the variants, so it gets no Δ and says why.
        runs.run("strucspars", "resnet20", 0, 0.90).target("0.5").method("  shuffle: learned\n").write();
        for (String shuffle : List.of("none", "fromscratch")) {
            runs.run("strucspars", "resnet20", 0, shuffle.equals("none") ? 0.86 : 0.88).target("0.5")
                    .method("  shuffle: " + shuffle + "\n").train("  warmup_epochs: 1\n").write();
        }
        var a = new ReportConfig.AblationConfig("method.shuffle", null, Map.of("target", "0.5"),
                List.of("learned", "fromscratch", "none"), "fromscratch");
        Table d = AblationTable.build(groups(ReportConfig.DEFAULTS), a).data();
        assertEquals(List.of("learned", "fromscratch", "none"), d.stringColumn("value").asList(),
                "contexts ordered by their first value");
        assertEquals(List.of("warmup_epochs=—", "warmup_epochs=1", "warmup_epochs=1"),
                d.stringColumn("context").asList());
        assertTrue(Double.isNaN(d.doubleColumn("delta_top1_pt").getDouble(0)), "no reference in its context");
        assertEquals(-2.0, d.doubleColumn("delta_top1_pt").getDouble(2), 1e-9);
    }

    @Test
    void aBaselineCanBeASettingInsteadOfAMethod() throws IOException {
        runs.run("dynshuffle", "shufflenet_v2_x0_5", 0, 0.84).method("  shuffle: fixed\n").write();
        runs.run("dynshuffle", "shufflenet_v2_x0_5", 0, 0.85).method("  shuffle: dynamic\n").write();
        ReportConfig cfg = new ReportConfig("metrics.test_top1", "method.name", "method.shuffle",
                "method.target_sparsity", "model.arch", "data.name", "method.shuffle=fixed", List.of(), null, null,
                List.of("md"), true);
        Table d = ComparisonTable.build(groups(cfg), null).data();
        int dyn = d.stringColumn("variant").asList().indexOf("dynamic");
        int fixed = d.stringColumn("variant").asList().indexOf("fixed");
        assertEquals(1.0, d.doubleColumn("delta_top1_pt").getDouble(dyn), 1e-9, "Δ against the fixed shuffle");
        assertTrue(Double.isNaN(d.doubleColumn("delta_top1_pt").getDouble(fixed)), "the baseline itself");
    }

    @Test
    void layerTableReadsTheProfile() throws IOException {
        Path run = runs.run("none", "resnet20", 9, 0.5).write();
        ReportTable t = LayerTable.fromProfile(run.resolve("profile.csv"), "layers");
        assertEquals(List.of("stem.conv", "head.fc", "(other params)", "total"), t.data().stringColumn("layer").asList());
        ReportTable.Shown macs = t.shown().get(7);
        assertEquals("MACs (M)", macs.title());
        assertEquals("0.0276", t.cell(0, macs).value());
        assertNull(t.cell(0, macs).error());
    }
}

package org.sparselab.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The main table of a study: one row per setting (method, variant, model, dataset, target), top-1 as mean ± std over
 * its runs, Δ against the dense baseline of the same model and dataset, effective params and MACs with their
 * reduction, measured latency and speedup when a benchmark ran, and the paper's number with our difference.
 */
public final class ComparisonTable {
    private ComparisonTable() {}

    /** The table of every group; {@code paper} may be null. */
    public static ReportTable build(RunGroups groups, PaperNumbers paper) {
        ReportConfig cfg = groups.config();
        StringColumn method = StringColumn.create("method");
        StringColumn variant = StringColumn.create("variant");
        StringColumn model = StringColumn.create("model");
        StringColumn dataset = StringColumn.create("dataset");
        StringColumn target = StringColumn.create("target");
        IntColumn n = IntColumn.create("n");
        DoubleColumn top1 = DoubleColumn.create("top1_mean_pct");
        DoubleColumn top1Std = DoubleColumn.create("top1_std_pct");
        DoubleColumn delta = DoubleColumn.create("delta_top1_pt");
        DoubleColumn deltaSe = DoubleColumn.create("delta_top1_se_pt");
        DoubleColumn params = DoubleColumn.create("eff_params_m");
        DoubleColumn paramsX = DoubleColumn.create("params_reduction_x");
        DoubleColumn macs = DoubleColumn.create("eff_macs_m");
        DoubleColumn macsX = DoubleColumn.create("macs_reduction_x");
        DoubleColumn latency = DoubleColumn.create("latency_ms");
        DoubleColumn speedup = DoubleColumn.create("speedup_x");
        DoubleColumn paperTop1 = DoubleColumn.create("paper_top1_pct");
        DoubleColumn diff = DoubleColumn.create("diff_vs_paper_pt");
        StringColumn paperSource = StringColumn.create("paper_source");
        StringColumn runIds = StringColumn.create("run_ids");
        Set<PaperNumbers.Row> used = new LinkedHashSet<>();
        for (RunGroups.Group g : groups.groups()) {
            RunGroups.Group base = groups.baselineOf(g);
            method.append(g.method());
            variant.append(g.variant());
            model.append(g.model());
            dataset.append(g.dataset());
            target.append(g.target());
            n.append(g.n());
            Stats acc = g.accuracyPct();
            top1.append(acc.mean());
            top1Std.append(acc.std());
            Stats.Difference d = base == null ? new Stats.Difference(Double.NaN, Double.NaN)
                    : acc.minus(base.accuracyPct());
            delta.append(d.value());
            deltaSe.append(d.se());
            params.append(g.stats(RunTable.METRICS + "effective_params").mean() / 1e6);
            paramsX.append(reduction(groups, g, "params"));
            macs.append(g.stats(RunTable.METRICS + "effective_macs").mean() / 1e6);
            macsX.append(reduction(groups, g, "macs"));
            double lat = cfg.latency() ? g.stats(RunTable.METRICS + "latency_ms").mean() : Double.NaN;
            latency.append(lat);
            // Prefer each run's own trained-vs-deployed ratio (one process); else the baseline's latency over ours.
            double own = cfg.latency() ? g.stats(RunTable.METRICS + "deployed_speedup").mean() : Double.NaN;
            double baseLat = base == null ? Double.NaN : base.stats(RunTable.METRICS + "latency_ms").mean();
            speedup.append(Double.isNaN(own) ? baseLat / lat : own);
            PaperNumbers.Row p = paper == null ? null : paper.match(g);
            if (p != null) used.add(p);
            paperTop1.append(p == null ? Double.NaN : p.top1Pct());
            diff.append(p == null ? Double.NaN : acc.mean() - p.top1Pct());
            paperSource.append(p == null ? "" : p.source());
            runIds.append(String.join(" ", g.texts(RunTable.RUN_ID)));
        }
        Table data = Table.create("comparison", method, variant, model, dataset, target, n, top1, top1Std, delta,
                deltaSe, params, paramsX, macs, macsX, latency, speedup, paperTop1, diff, paperSource, runIds);
        List<ReportTable.Shown> shown = List.of(
                ReportTable.Shown.text("method", "method"),
                ReportTable.Shown.text("variant", "variant").ifAny(),
                ReportTable.Shown.text("model", "model"),
                ReportTable.Shown.text("dataset", "dataset"),
                ReportTable.Shown.text("target", "target").ifAny(),
                new ReportTable.Shown("n", null, "n", null, ReportTable.Kind.INTEGER, 0, false),
                new ReportTable.Shown("top-1", "%", "top1_mean_pct", "top1_std_pct", ReportTable.Kind.NUMBER, 2, false),
                new ReportTable.Shown("Δ top-1", "pt", "delta_top1_pt", "delta_top1_se_pt", ReportTable.Kind.SIGNED, 2,
                        true),
                new ReportTable.Shown("params", "M", "eff_params_m", null, ReportTable.Kind.NUMBER, 3, false),
                new ReportTable.Shown("params ↓", null, "params_reduction_x", null, ReportTable.Kind.FACTOR, 2, true),
                new ReportTable.Shown("eff. MACs", "M", "eff_macs_m", null, ReportTable.Kind.NUMBER, 2, false),
                new ReportTable.Shown("MACs ↓", null, "macs_reduction_x", null, ReportTable.Kind.FACTOR, 2, true),
                new ReportTable.Shown("latency", "ms", "latency_ms", null, ReportTable.Kind.NUMBER, 2, true),
                new ReportTable.Shown("speedup", null, "speedup_x", null, ReportTable.Kind.FACTOR, 2, true),
                new ReportTable.Shown("paper top-1", "%", "paper_top1_pct", null, ReportTable.Kind.NUMBER, 2, true),
                new ReportTable.Shown("ours − paper", "pt", "diff_vs_paper_pt", null, ReportTable.Kind.SIGNED, 2,
                        true),
                ReportTable.Shown.text("paper source", "paper_source").ifAny());
        List<String> notes = new ArrayList<>();
        notes.add("top-1: " + cfg.metric() + " in %, mean ± sample std over the n runs (seeds) of a setting; a setting "
                + "is a config up to its seed.");
        notes.add("Δ top-1: mean minus the mean of the baseline (" + (cfg.baseline().contains("=") ? cfg.baseline()
                : "method " + cfg.baseline()) + " with the same "
                + cfg.model() + " and " + cfg.dataset() + "), ± the standard error of that difference.");
        notes.add("params, eff. MACs: effective (deployed) counts per image, final values when the run recorded them; "
                + "↓: the baseline's count divided by this row's (without a baseline: the model's own dense "
                + "count). MACs, not FLOPs (1 MAC = 2 FLOPs).");
        if (groups.duplicates() > 0) {
            notes.add(groups.duplicates() + " run(s) left out: a later run had the same setting and seed (the latest "
                    + "counts).");
        }
        if (paper != null) {
            notes.add("paper top-1: " + (cfg.against() != null ? cfg.against() : paper.file())
                    + "; ours − paper: our mean minus the paper's number.");
            // Counted by model and dataset: a paper table has dozens of rows, most for settings not run here.
            java.util.Map<String, Integer> unmatched = new java.util.TreeMap<>();
            for (PaperNumbers.Row r : paper.rows()) {
                if (!used.contains(r)) unmatched.merge(r.keys().getOrDefault("model", "?") + " on " + r.keys().getOrDefault("dataset", "?"), 1,
                        Integer::sum);
            }
            if (!unmatched.isEmpty()) {
                List<String> parts = new ArrayList<>();
                unmatched.forEach((k, count) -> parts.add(k + " (" + count + ")"));
                notes.add("Paper rows without runs here: " + String.join(", ", parts) + ".");
            }
        }
        return new ReportTable("comparison", "Comparison: " + cfg.metric() + " by setting", data, shown, notes);
    }

    /**
     * How many times fewer effective MACs ({@code quantity = macs}) or params the group has than its dense baseline,
     * or, without a baseline, than its own dense count; NaN without counts.
     */
    static double reduction(RunGroups groups, RunGroups.Group g, String quantity) {
        double own = g.stats(RunTable.METRICS + "effective_" + quantity).mean();
        RunGroups.Group base = groups.baselineOf(g);
        double reference = base != null ? base.stats(RunTable.METRICS + "effective_" + quantity).mean()
                : g.stats(RunTable.METRICS + quantity).mean();
        return reference / own;
    }
}

package org.sparselab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One row per value of the ablated key (e.g. the shuffle type), among the settings an {@link
 * ReportConfig.AblationConfig} selects: top-1 mean ± std, Δ against the reference value's row of the same context
 * (same model, dataset and other settings), effective MACs and params. Rows of different contexts are kept apart.
 */
public final class AblationTable {
    private AblationTable() {}

    public static ReportTable build(RunGroups groups, ReportConfig.AblationConfig a) {
        List<RunGroups.Group> chosen = new ArrayList<>();
        for (RunGroups.Group g : groups.select(a.where())) {
            if (!groups.valueOf(g, a.key()).isEmpty()) chosen.add(g);
        }
        List<String> values = new ArrayList<>(a.order());
        for (RunGroups.Group g : chosen) {
            String v = groups.valueOf(g, a.key());
            if (values.stream().noneMatch(o -> RunGroups.sameValue(o, v))) values.add(v);
        }
        Comparator<RunGroups.Group> byValue = Comparator.comparingInt(g -> position(values, groups.valueOf(g, a.key())));
        Map<String, List<RunGroups.Group>> contexts = new LinkedHashMap<>();
        for (RunGroups.Group g : chosen) {
            contexts.computeIfAbsent(groups.contextOf(g, a.key()), k -> new ArrayList<>()).add(g);
        }
        // Contexts in the order of their first value, so a reference row in its own context still leads.
        List<List<RunGroups.Group>> ordered = new ArrayList<>(contexts.values());
        ordered.forEach(ctx -> ctx.sort(byValue));
        ordered.sort(Comparator.comparingInt(ctx -> position(values, groups.valueOf(ctx.get(0), a.key()))));
        ReportConfig cfg = groups.config();
        Set<String> differing = differingSettings(ordered, List.of(a.key(), cfg.model(), cfg.dataset(),
                cfg.target() == null ? a.key() : cfg.target()));
        Set<String> models = new LinkedHashSet<>();
        Set<String> targets = new LinkedHashSet<>();
        chosen.forEach(g -> {
            models.add(g.model() + " / " + g.dataset());
            targets.add(g.target());
        });
        StringColumn value = StringColumn.create("value");
        StringColumn context = StringColumn.create("context");
        IntColumn n = IntColumn.create("n");
        DoubleColumn top1 = DoubleColumn.create("top1_mean_pct");
        DoubleColumn top1Std = DoubleColumn.create("top1_std_pct");
        DoubleColumn delta = DoubleColumn.create("delta_top1_pt");
        DoubleColumn deltaSe = DoubleColumn.create("delta_top1_se_pt");
        DoubleColumn macs = DoubleColumn.create("eff_macs_m");
        DoubleColumn params = DoubleColumn.create("eff_params_m");
        StringColumn runIds = StringColumn.create("run_ids");
        String referenceValue = a.reference() != null ? a.reference() : values.isEmpty() ? null : values.get(0);
        for (List<RunGroups.Group> ctx : ordered) {
            RunGroups.Group ref = ctx.stream()
                    .filter(g -> RunGroups.sameValue(groups.valueOf(g, a.key()), referenceValue)).findFirst()
                    .orElse(null);
            for (RunGroups.Group g : ctx) {
                value.append(groups.valueOf(g, a.key()));
                List<String> where = new ArrayList<>();
                if (models.size() > 1) where.add(g.model() + " / " + g.dataset());
                if (targets.size() > 1 && !g.target().isEmpty()) where.add("target " + g.target());
                // Other settings that set this row's context apart from the rest (e.g. a longer schedule).
                for (String k : differing) {
                    where.add(k.substring(k.lastIndexOf('.') + 1) + "=" + g.settings().getOrDefault(k, "—"));
                }
                context.append(String.join(", ", where));
                n.append(g.n());
                Stats acc = g.accuracyPct();
                top1.append(acc.mean());
                top1Std.append(acc.std());
                Stats.Difference d = ref == null || ref == g ? new Stats.Difference(Double.NaN, Double.NaN)
                        : acc.minus(ref.accuracyPct());
                delta.append(d.value());
                deltaSe.append(d.se());
                macs.append(g.stats(RunTable.METRICS + "effective_macs").mean() / 1e6);
                params.append(g.stats(RunTable.METRICS + "effective_params").mean() / 1e6);
                runIds.append(String.join(" ", g.texts(RunTable.RUN_ID)));
            }
        }
        Table data = Table.create("ablation", value, context, n, top1, top1Std, delta, deltaSe, macs, params, runIds);
        String shortKey = a.key().substring(a.key().lastIndexOf('.') + 1);
        List<ReportTable.Shown> shown = List.of(
                ReportTable.Shown.text(shortKey, "value"),
                ReportTable.Shown.text("setting", "context").ifAny(),
                new ReportTable.Shown("n", null, "n", null, ReportTable.Kind.INTEGER, 0, false),
                new ReportTable.Shown("top-1", "%", "top1_mean_pct", "top1_std_pct", ReportTable.Kind.NUMBER, 2, false),
                new ReportTable.Shown("Δ vs " + referenceValue, "pt", "delta_top1_pt", "delta_top1_se_pt",
                        ReportTable.Kind.SIGNED, 2, true),
                new ReportTable.Shown("eff. MACs", "M", "eff_macs_m", null, ReportTable.Kind.NUMBER, 2, false),
                new ReportTable.Shown("params", "M", "eff_params_m", null, ReportTable.Kind.NUMBER, 3, false));
        List<String> notes = new ArrayList<>();
        notes.add("Rows: the values of " + a.key() + (a.where().isEmpty() ? "" : " among runs with " + a.where())
                + "; top-1: " + groups.config().metric() + " in %, mean ± sample std over seeds.");
        notes.add("Δ: mean minus the mean of the " + referenceValue + " row of the same setting, ± its standard "
                + "error.");
        return new ReportTable("ablation", a.titleOrDefault(), data, shown, notes);
    }

    /** Setting keys (besides the ablated one, model and dataset) whose values differ between contexts. */
    private static Set<String> differingSettings(List<List<RunGroups.Group>> contexts, List<String> shownKeys) {
        Set<String> out = new java.util.TreeSet<>();
        if (contexts.size() < 2) return out;
        Set<String> skip = new java.util.HashSet<>();
        for (String key : shownKeys) {
            String column = ReportConfig.column(key);
            if (column.startsWith(RunTable.PARAMS)) skip.add(column.substring(RunTable.PARAMS.length()));
        }
        Set<String> keys = new java.util.TreeSet<>();
        contexts.forEach(ctx -> ctx.forEach(g -> keys.addAll(g.settings().keySet())));
        for (String k : keys) {
            if (skip.contains(k)) continue;
            Set<String> seen = new java.util.HashSet<>();
            for (List<RunGroups.Group> ctx : contexts) seen.add(ctx.get(0).settings().getOrDefault(k, "—"));
            if (seen.size() > 1) out.add(k);
        }
        return out;
    }

    private static int position(List<String> values, String v) {
        for (int i = 0; i < values.size(); i++) if (RunGroups.sameValue(values.get(i), v)) return i;
        return values.size();
    }
}

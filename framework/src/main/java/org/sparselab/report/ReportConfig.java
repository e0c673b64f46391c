package org.sparselab.report;

import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * How a report groups runs and what it compares: the {@code report:} section of a reproduction suite, or the
 * {@code report} command's flags. Keys name run-table columns; a key without a {@code params.}, {@code metrics.} or
 * {@code tags.} prefix is a config param ({@code method.name} = {@code params.method.name}).
 */
@Doc("How a report groups runs and what it compares. A key without a `params.`, `metrics.` or `tags.` prefix is a "
        + "config key (`method.name` means the run-table column `params.method.name`).")
public record ReportConfig(
        @Doc("Accuracy column (top-1 as a fraction, shown in %): the last test evaluation by default.")
        @Default("metrics.test_top1") String metric,
        @Doc("Key naming the method.") @Default("method.name") String method,
        @Doc("Key naming a variant of a method (e.g. method.shuffle); unset = the keys whose values differ between "
                + "settings of one method, model, dataset and target.")
        @Default("null") String variant,
        @Doc("Key holding a method's target (e.g. its sparsity); blank for runs without it.")
        @Default("method.target_sparsity") String target,
        @Doc("Key naming the model.") @Default("model.arch") String model,
        @Doc("Key naming the dataset.") @Default("data.name") String dataset,
        @Doc("The baseline of every run with the same model and dataset: a method name (its runs are the dense "
                + "baseline), or `key=value` naming a setting (e.g. `method.shuffle=fixed`).")
        @Default("none") String baseline,
        @Doc("Further keys that do not tell settings apart (always ignored: seed, name, device, tracking.*, "
                + "output.*, data.root, data.workers, data.download, train.compile).")
        @Default("[]") List<String> ignore,
        @Doc("CSV of paper-reported numbers to set beside ours (columns method, variant, model, dataset, target, "
                + "top1 in %, source; a blank key cell matches anything), relative to the working directory.")
        @Default("null") String against,
        @Doc("An ablation table: one row per value of a key.") @Default("null") AblationConfig ablation,
        @Doc("Table formats written (md, csv, latex, html).") @Default("[md, csv, latex, html]") List<String> formats,
        @Doc("Show the latency and speedup columns (each run's own timing at its end). false hides them, e.g. for "
                + "runs that timed themselves while other runs shared the machine.")
        @Default("true") boolean latency) {

    /** Every default. */
    public static final ReportConfig DEFAULTS = new ReportConfig("metrics.test_top1", "method.name", null,
            "method.target_sparsity", "model.arch", "data.name", "none", List.of(), null, null,
            List.of("md", "csv", "latex", "html"), true);

    public ReportConfig {
        Check.notBlank("metric", metric);
        Check.notBlank("method", method);
        Check.notBlank("model", model);
        Check.notBlank("dataset", dataset);
        Check.notBlank("baseline", baseline);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        formats = formats == null ? List.of() : List.copyOf(formats);
        if (!column(metric).startsWith(RunTable.METRICS)) {
            throw ConfigException.expected("metric", "a metrics.* column", metric);
        }
    }

    /** The run-table column a key names. */
    public static String column(String key) {
        if (key == null) return null;
        for (String prefix : List.of(RunTable.PARAMS, RunTable.METRICS, RunTable.TAGS)) {
            if (key.startsWith(prefix)) return key;
        }
        return RunTable.PARAMS + key;
    }

    public ReportConfig withAgainst(String path) {
        return new ReportConfig(metric, method, variant, target, model, dataset, baseline, ignore, path, ablation,
                formats, latency);
    }

    public ReportConfig withLatency(boolean show) {
        return new ReportConfig(metric, method, variant, target, model, dataset, baseline, ignore, against, ablation,
                formats, show);
    }

    public ReportConfig withAblation(AblationConfig a) {
        return new ReportConfig(metric, method, variant, target, model, dataset, baseline, ignore, against, a,
                formats, latency);
    }

    /** An ablation: rows are the values of {@code key} among the runs that match {@code where}. */
    @Doc("An ablation table: one row per value of a key, among the runs that match `where`.")
    public record AblationConfig(
            @Doc("The key varied (e.g. method.shuffle).") String key,
            @Doc("Table title; unset = 'Ablation: <key>'.") @Default("null") String title,
            @Doc("Only runs with these values (key → value; short keys method, model, dataset, target, variant "
                    + "allowed).")
            @Default("{}") Map<String, String> where,
            @Doc("Row order by value; unset = the order values first appear in.") @Default("[]") List<String> order,
            @Doc("Value the Δ column is measured from; unset = the first row.") @Default("null") String reference) {
        public AblationConfig {
            Check.notBlank("key", key);
            where = where == null ? Map.of() : Map.copyOf(where);
            order = order == null ? List.of() : List.copyOf(order);
        }

        public String titleOrDefault() {
            return title != null ? title : "Ablation: " + key;
        }
    }
}

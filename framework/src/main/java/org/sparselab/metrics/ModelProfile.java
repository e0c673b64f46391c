package org.sparselab.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-layer and total parameter and MAC counts of one model for one input sample.
 *
 * @param layers costed layers in execution order, one row per execution
 * @param params all learnable parameters: costed layers once each, plus {@code otherParams}
 * @param effectiveParams parameters a deployed form keeps, plus {@code otherParams}
 * @param macs dense multiply-accumulates per sample
 * @param effectiveMacs multiply-accumulates a deployed form computes per sample
 * @param otherParams learnable parameters of blocks that are not costed layers (BatchNorm gamma/beta, …); running
 *     statistics are not counted
 */
public record ModelProfile(List<LayerRow> layers, long params, long effectiveParams, long macs, long effectiveMacs,
        long otherParams) {
    private static final String[] HEADERS = {
        "layer", "kind", "shape", "groups", "density", "params", "MACs (M)", "eff. MACs (M)"
    };

    public ModelProfile {
        layers = List.copyOf(layers);
    }

    /**
     * An aligned plain-text table, one line per layer execution (Distiller's summary layout), then rows for other
     * parameters and totals. Text columns are left-aligned, numbers right-aligned.
     */
    public String toTable() {
        List<String[]> rows = new ArrayList<>();
        for (LayerRow r : layers) {
            rows.add(new String[] {
                r.path(), r.kind(), r.shape(), Integer.toString(r.groups()), fmt("%.3f", r.density()),
                Long.toString(r.params()), mega(r.macs()), mega(r.effectiveMacs())
            });
        }
        rows.add(new String[] {"(other params)", "", "norm etc.", "", "", Long.toString(otherParams), "", ""});
        rows.add(new String[] {
            "total", "", "", "", fmt("%.3f", params == 0 ? 1.0 : (double) effectiveParams / params),
            Long.toString(params), mega(macs), mega(effectiveMacs)
        });
        int[] width = new int[HEADERS.length];
        for (int c = 0; c < HEADERS.length; c++) width[c] = HEADERS[c].length();
        for (String[] row : rows) for (int c = 0; c < row.length; c++) width[c] = Math.max(width[c], row[c].length());
        StringBuilder sb = new StringBuilder();
        appendLine(sb, HEADERS, width);
        int total = 0;
        for (int w : width) total += w;
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            if (i == rows.size() - 2) sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
            appendLine(sb, rows.get(i), width);
        }
        sb.append("effective params: ").append(effectiveParams).append('\n');
        return sb.toString();
    }

    /**
     * CSV with raw counts, one row per layer execution, then a row of kind {@code other} (non-costed parameters)
     * and one of kind {@code total}.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("path,kind,input_shape,output_shape,shape,groups,"
                + "params,effective_params,macs,effective_macs,density\n");
        for (LayerRow r : layers) {
            csvLine(sb, r.path(), r.kind(), r.inputShape().toString(), r.outputShape().toString(), r.shape(),
                    Integer.toString(r.groups()), Long.toString(r.params()), Long.toString(r.effectiveParams()),
                    Long.toString(r.macs()), Long.toString(r.effectiveMacs()), Double.toString(r.density()));
        }
        csvLine(sb, "", "other", "", "", "", "", Long.toString(otherParams), Long.toString(otherParams), "0", "0", "");
        csvLine(sb, "", "total", "", "", "", "", Long.toString(params), Long.toString(effectiveParams),
                Long.toString(macs), Long.toString(effectiveMacs), "");
        return sb.toString();
    }

    private static void appendLine(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) line.append("  ");
            boolean left = c < 3;
            String pad = " ".repeat(width[c] - cells[c].length());
            line.append(left ? cells[c] + pad : pad + cells[c]);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static void csvLine(StringBuilder sb, String... cells) {
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) sb.append(',');
            String v = cells[c];
            sb.append(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
        }
        sb.append('\n');
    }

    private static String mega(long count) {
        return fmt("%.4f", count / 1e6);
    }

    private static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }
}

package org.sparselab.report;

import java.nio.file.Path;
import java.util.List;
import org.sparselab.config.ConfigException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The per-layer table of one run in Distiller's layout (layer, kind, shape, groups, density, params, MACs), from the
 * {@code profile.csv} the run wrote: one row per layer execution, then other parameters and the total.
 */
public final class LayerTable {
    private LayerTable() {}

    public static ReportTable fromProfile(Path profileCsv, String title) {
        Table raw;
        try {
            raw = Table.read().usingOptions(CsvReadOptions.builder(profileCsv.toFile())
                    .columnTypes(c -> ColumnType.STRING));
        } catch (RuntimeException e) {
            throw new ConfigException(profileCsv.toString(), "cannot read the per-layer profile (" + e.getMessage()
                    + ")", e);
        }
        StringColumn layer = StringColumn.create("layer");
        StringColumn kind = StringColumn.create("kind");
        StringColumn shape = StringColumn.create("shape");
        DoubleColumn groups = DoubleColumn.create("groups");
        DoubleColumn density = DoubleColumn.create("density");
        DoubleColumn params = DoubleColumn.create("params");
        DoubleColumn effParams = DoubleColumn.create("effective_params");
        DoubleColumn macs = DoubleColumn.create("macs_m");
        DoubleColumn effMacs = DoubleColumn.create("eff_macs_m");
        for (int r = 0; r < raw.rowCount(); r++) {
            String k = cell(raw, "kind", r);
            layer.append(switch (k) {
                case "other" -> "(other params)";
                case "total" -> "total";
                default -> cell(raw, "path", r);
            });
            kind.append(k.equals("other") || k.equals("total") ? "" : k);
            shape.append(cell(raw, "shape", r));
            groups.append(num(raw, "groups", r));
            density.append(num(raw, "density", r));
            params.append(num(raw, "params", r));
            effParams.append(num(raw, "effective_params", r));
            macs.append(num(raw, "macs", r) / 1e6);
            effMacs.append(num(raw, "effective_macs", r) / 1e6);
        }
        Table data = Table.create("layers", layer, kind, shape, groups, density, params, effParams, macs, effMacs);
        List<ReportTable.Shown> shown = List.of(
                ReportTable.Shown.text("layer", "layer"),
                ReportTable.Shown.text("kind", "kind"),
                ReportTable.Shown.text("shape", "shape"),
                new ReportTable.Shown("groups", null, "groups", null, ReportTable.Kind.INTEGER, 0, false),
                new ReportTable.Shown("density", null, "density", null, ReportTable.Kind.NUMBER, 3, false),
                new ReportTable.Shown("params", null, "params", null, ReportTable.Kind.INTEGER, 0, false),
                new ReportTable.Shown("eff. params", null, "effective_params", null, ReportTable.Kind.INTEGER, 0,
                        false),
                new ReportTable.Shown("MACs", "M", "macs_m", null, ReportTable.Kind.NUMBER, 4, false),
                new ReportTable.Shown("eff. MACs", "M", "eff_macs_m", null, ReportTable.Kind.NUMBER, 4, false));
        return new ReportTable("layers", title, data, shown, List.of("Per image (batch 1); density = effective / dense "
                + "weights of the layer; a layer executed twice has params only on its first row."));
    }

    private static String cell(Table t, String column, int row) {
        return t.containsColumn(column) ? t.stringColumn(column).get(row).strip() : "";
    }

    private static double num(Table t, String column, int row) {
        String s = cell(t, column, row);
        if (s.isEmpty()) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}

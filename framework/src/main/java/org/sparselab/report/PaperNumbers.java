package org.sparselab.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Paper-reported numbers ({@code results/paper/<method>.csv}) to set beside ours: one row per reported setting with
 * key columns {@code method}, {@code variant}, {@code model}, {@code dataset}, {@code target} (any subset; a blank
 * cell matches anything), {@code top1} (percent) and {@code source} (where in the paper); other columns are ignored.
 */
public final class PaperNumbers {
    /** The key columns, matched against a group's method, variant, model, dataset and target. */
    public static final List<String> KEYS = List.of("method", "variant", "model", "dataset", "target");

    /** One reported setting. */
    public record Row(Map<String, String> keys, double top1Pct, String source) {
        /** Whether every non-blank key of this row equals the group's. */
        public boolean matches(RunGroups.Group g) {
            for (Map.Entry<String, String> e : keys.entrySet()) {
                String ours = switch (e.getKey()) {
                    case "method" -> g.method();
                    case "variant" -> g.variant();
                    case "model" -> g.model();
                    case "dataset" -> g.dataset();
                    default -> g.target();
                };
                if (!RunGroups.sameValue(ours, e.getValue())) return false;
            }
            return true;
        }

        public String describe() {
            return keys.toString() + (source.isEmpty() ? "" : " (" + source + ")");
        }
    }

    private final Path file;
    private final List<Row> rows;

    private PaperNumbers(Path file, List<Row> rows) {
        this.file = file;
        this.rows = List.copyOf(rows);
    }

    /** Reads {@code file}; a missing file, a missing {@code top1} column or a non-number is bad input. */
    public static PaperNumbers read(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException(file.toString(), "no such paper-numbers file");
        Table t;
        try {
            t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypes(c -> ColumnType.STRING));
        } catch (RuntimeException e) {
            throw new ConfigException(file.toString(), "cannot read as CSV (" + e.getMessage() + ")", e);
        }
        if (!t.containsColumn("top1")) {
            throw new ConfigException(file.toString(), "expected a top1 column (percent), found " + t.columnNames());
        }
        List<String> keys = KEYS.stream().filter(t::containsColumn).toList();
        if (keys.isEmpty()) {
            throw new ConfigException(file.toString(), "expected at least one key column of " + KEYS + ", found "
                    + t.columnNames());
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String top1 = t.stringColumn("top1").get(r).strip();
            if (top1.isEmpty()) continue; // a setting the paper does not report
            Double v = RunGroups.number(top1);
            if (v == null) {
                throw new ConfigException(file + ":" + (r + 2), "top1: expected a number (percent), found '" + top1
                        + "'");
            }
            Map<String, String> k = new LinkedHashMap<>();
            for (String key : keys) {
                String cell = t.stringColumn(key).get(r).strip();
                if (!cell.isEmpty()) k.put(key, cell);
            }
            String source = t.containsColumn("source") ? t.stringColumn("source").get(r).strip() : "";
            rows.add(new Row(k, v, source));
        }
        return new PaperNumbers(file, rows);
    }

    public Path file() {
        return file;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The first row matching {@code g}, or null. */
    public Row match(RunGroups.Group g) {
        for (Row r : rows) if (r.matches(g)) return r;
        return null;
    }
}

package org.sparselab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A table of a report: its data (a Tablesaw table of raw values, what the CSV writer writes) and how each shown column
 * is formatted (header with unit, decimals, an optional ± column), so that Markdown, LaTeX and HTML print the same
 * numbers the same way.
 */
public final class ReportTable {
    /** How a shown column formats its value. */
    public enum Kind {
        /** The text as is. */
        TEXT,
        /** Fixed decimals. */
        NUMBER,
        /** Fixed decimals with a sign ({@code +0.12}). */
        SIGNED,
        /** A factor: fixed decimals and {@code ×}. */
        FACTOR,
        /** A whole number. */
        INTEGER
    }

    /**
     * A shown column.
     *
     * @param header the header without unit
     * @param unit the unit shown in the header as {@code header (unit)}; null for none
     * @param value the data column holding the value
     * @param error the data column holding a ± value (std or standard error); null for none
     * @param hideIfEmpty whether the column is left out when no row has a value
     */
    public record Shown(String header, String unit, String value, String error, Kind kind, int decimals,
            boolean hideIfEmpty) {
        public static Shown text(String header, String value) {
            return new Shown(header, null, value, null, Kind.TEXT, 0, false);
        }

        public Shown ifAny() {
            return new Shown(header, unit, value, error, kind, decimals, true);
        }

        /** {@code header (unit)}. */
        public String title() {
            return unit == null ? header : header + " (" + unit + ")";
        }

        public boolean numeric() {
            return kind != Kind.TEXT;
        }
    }

    /** A formatted cell: the value, the ± part (or null) and the unit suffix of factors. */
    public record Cell(String value, String error, boolean missing) {
        /** {@code value ± error} with {@code pm} as the ± sign. */
        public String joined(String pm) {
            return error == null ? value : value + " " + pm + " " + error;
        }
    }

    private final String name;
    private final String title;
    private final Table data;
    private final List<Shown> shown;
    private final List<String> notes;

    /**
     * @param name file stem ({@code comparison}, {@code ablation}, …)
     * @param title what the table shows
     * @param notes sentences printed under the table (definitions, rules applied, rows left out)
     */
    public ReportTable(String name, String title, Table data, List<Shown> shown, List<String> notes) {
        this.name = name;
        this.title = title;
        this.data = data;
        this.notes = List.copyOf(notes);
        for (Shown s : shown) {
            if (!data.containsColumn(s.value()) || s.error() != null && !data.containsColumn(s.error())) {
                throw new IllegalArgumentException("no data column for " + s);
            }
        }
        List<Shown> visible = new ArrayList<>();
        for (Shown s : shown) if (!s.hideIfEmpty() || hasValue(s)) visible.add(s);
        this.shown = List.copyOf(visible);
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    /** The raw values, one column per quantity (mean and std apart), as the CSV writer writes them. */
    public Table data() {
        return data;
    }

    /** The columns shown (optional ones without any value left out). */
    public List<Shown> shown() {
        return shown;
    }

    public List<String> notes() {
        return notes;
    }

    public int rows() {
        return data.rowCount();
    }

    /** The formatted cell of {@code row} in shown column {@code s}. */
    public Cell cell(int row, Shown s) {
        Column<?> c = data.column(s.value());
        if (c.isMissing(row) || c instanceof NumericColumn<?> n && !Double.isFinite(n.getDouble(row))) {
            return new Cell(Format.MISSING, null, true);
        }
        if (s.kind() == Kind.TEXT) return new Cell(c.getString(row), null, false);
        double v = ((NumericColumn<?>) c).getDouble(row);
        String value = switch (s.kind()) {
            case NUMBER -> Format.number(v, s.decimals());
            case SIGNED -> Format.signed(v, s.decimals());
            case FACTOR -> Format.number(v, s.decimals()) + "×";
            case INTEGER -> String.format(Locale.ROOT, "%d", Math.round(v));
            case TEXT -> throw new AssertionError();
        };
        String error = null;
        if (s.error() != null) {
            Column<?> e = data.column(s.error());
            if (!e.isMissing(row) && Double.isFinite(((NumericColumn<?>) e).getDouble(row))) {
                error = Format.number(((NumericColumn<?>) e).getDouble(row), s.decimals());
            }
        }
        return new Cell(value, error, false);
    }

    private boolean hasValue(Shown s) {
        for (int r = 0; r < data.rowCount(); r++) {
            Cell c = cell(r, s);
            if (!c.missing() && !c.value().isEmpty()) return true;
        }
        return false;
    }
}

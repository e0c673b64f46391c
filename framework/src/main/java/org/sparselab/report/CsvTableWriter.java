package org.sparselab.report;

import java.io.StringWriter;
import tech.tablesaw.io.csv.CsvWriteOptions;

/**
 * The table's raw data (Tablesaw's CSV writer): full-precision numbers, mean and std in columns of their own, units
 * in the column names ({@code top1_mean_pct}, {@code eff_macs_m}); no formatting, so it reads back exactly.
 */
public final class CsvTableWriter implements TableWriter {
    /** @param separator field separator */
    public record Options(char separator) {
        public static final Options DEFAULT = new Options(',');
    }

    private final Options options;

    public CsvTableWriter(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public String write(ReportTable t) {
        StringWriter w = new StringWriter();
        t.data().write().csv(CsvWriteOptions.builder(w).separator(options.separator()).header(true)
                .lineEnd("\n").build());
        return w.toString();
    }
}

package org.sparselab.report;

/** Writes a {@link ReportTable} in one format; registered by name in {@link TableWriters}. */
public interface TableWriter {
    /** Registry name ({@code md}, {@code csv}, {@code latex}, {@code html}). */
    String name();

    /** File extension without the dot. */
    String extension();

    /** The whole file's text. */
    String write(ReportTable table);
}

package org.sparselab.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Suggest;

/** The table writers by name; {@link #defaults} is the one listing. */
public final class TableWriters {
    private final Map<String, TableWriter> writers = new LinkedHashMap<>();

    public TableWriters register(TableWriter w) {
        if (writers.putIfAbsent(w.name(), w) != null) throw new IllegalArgumentException("duplicate writer " + w.name());
        return this;
    }

    /** Markdown, CSV, LaTeX (booktabs) and standalone HTML, each with its default options. */
    public static TableWriters defaults() {
        return new TableWriters().register(new MarkdownWriter(MarkdownWriter.Options.DEFAULT))
                .register(new CsvTableWriter(CsvTableWriter.Options.DEFAULT))
                .register(new LatexWriter(LatexWriter.Options.DEFAULT))
                .register(new HtmlWriter(HtmlWriter.Options.DEFAULT));
    }

    /** The writer called {@code name}; an unknown name is bad input with the nearest name suggested. */
    public TableWriter get(String name) {
        TableWriter w = writers.get(name);
        if (w == null) {
            String hint = Suggest.nearest(name, writers.keySet()).map(s -> " (did you mean " + s + "?)").orElse("");
            throw new ConfigException("format", "expected one of " + List.copyOf(writers.keySet()) + ", found '"
                    + name + "'" + hint);
        }
        return w;
    }

    public Set<String> names() {
        return writers.keySet();
    }
}

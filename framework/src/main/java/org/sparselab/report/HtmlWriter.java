package org.sparselab.report;

/**
 * A standalone, well-formed (XHTML-compatible) HTML page with the table, its caption and notes, and inline CSS; no
 * scripts, no network.
 */
public final class HtmlWriter implements TableWriter {
    /**
     * @param standalone a whole page ({@code <!DOCTYPE html>…}); false: the {@code <table>} element only
     * @param css the style sheet of a standalone page
     */
    public record Options(boolean standalone, String css) {
        public static final Options DEFAULT = new Options(true, """
                body { font-family: system-ui, sans-serif; margin: 2em; }
                table { border-collapse: collapse; }
                caption { font-weight: bold; text-align: left; padding-bottom: 0.5em; }
                th, td { padding: 0.25em 0.75em; border-bottom: 1px solid #ddd; }
                thead th { border-bottom: 2px solid #333; text-align: left; }
                td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
                p.note { color: #555; font-size: 0.9em; max-width: 60em; }
                """);
    }

    private final Options options;

    public HtmlWriter(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "html";
    }

    @Override
    public String extension() {
        return "html";
    }

    @Override
    public String write(ReportTable t) {
        String table = table(t);
        if (!options.standalone()) return table;
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        sb.append("<title>").append(escape(t.title())).append("</title>\n");
        sb.append("<style>\n").append(options.css()).append("</style>\n</head>\n<body>\n").append(table);
        for (String n : t.notes()) sb.append("<p class=\"note\">").append(escape(n)).append("</p>\n");
        return sb.append("</body>\n</html>\n").toString();
    }

    /** The {@code <table>} element of {@code t}. */
    static String table(ReportTable t) {
        StringBuilder sb = new StringBuilder("<table>\n<caption>").append(escape(t.title())).append("</caption>\n");
        sb.append("<thead>\n<tr>");
        for (ReportTable.Shown s : t.shown()) {
            sb.append(s.numeric() ? "<th class=\"num\">" : "<th>").append(escape(s.title())).append("</th>");
        }
        sb.append("</tr>\n</thead>\n<tbody>\n");
        for (int r = 0; r < t.rows(); r++) {
            sb.append("<tr>");
            for (ReportTable.Shown s : t.shown()) {
                sb.append(s.numeric() ? "<td class=\"num\">" : "<td>").append(escape(t.cell(r, s).joined("±")))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}

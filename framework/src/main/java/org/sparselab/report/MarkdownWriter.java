package org.sparselab.report;

import java.util.ArrayList;
import java.util.List;

/** GitHub-flavoured Markdown: an optional title line, a pipe table (numbers right-aligned), notes below. */
public final class MarkdownWriter implements TableWriter {
    /**
     * @param title write the title as a heading of this level (0: no heading)
     * @param notes write the table's notes under it
     */
    public record Options(int title, boolean notes) {
        public static final Options DEFAULT = new Options(3, true);
    }

    private final Options options;

    public MarkdownWriter(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "md";
    }

    @Override
    public String extension() {
        return "md";
    }

    @Override
    public String write(ReportTable t) {
        StringBuilder sb = new StringBuilder();
        if (options.title() > 0) sb.append("#".repeat(options.title())).append(' ').append(t.title()).append("\n\n");
        List<String> head = new ArrayList<>();
        List<String> rule = new ArrayList<>();
        for (ReportTable.Shown s : t.shown()) {
            head.add(escape(s.title()));
            rule.add(s.numeric() ? "---:" : ":---");
        }
        line(sb, head);
        line(sb, rule);
        for (int r = 0; r < t.rows(); r++) {
            List<String> cells = new ArrayList<>();
            for (ReportTable.Shown s : t.shown()) cells.add(escape(t.cell(r, s).joined("±")));
            line(sb, cells);
        }
        if (options.notes() && !t.notes().isEmpty()) {
            sb.append('\n');
            for (String n : t.notes()) sb.append(n).append("\n\n");
        }
        return sb.toString().stripTrailing() + "\n";
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
